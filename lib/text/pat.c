/* pat.c: hand-written scanners (no regex engine) for the entities that normalize replaces by
 * placeholders and tokenize keeps whole. The grammar each accepts is documented in
 * nlp-normalize(1). */
#include <string.h>
#include <strings.h>

#include "text/pat.h"
#include "text/utf8.h"

static inline int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_word_cp(int32_t c)
{
	utf8proc_category_t k = utf8proc_category(c);

	return (k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_NO) || c == '_';
}

int pat_ends_token(const char *s, size_t n)
{
	int32_t c;

	if (n == 0)
		return 1;
	utf8_decode(s, &c);
	return !is_word_cp(c);
}

int pat_starts_token(const char *line, size_t at)
{
	int32_t c;

	if (at == 0)
		return 1;
	utf8_decode(line + utf8_prev(line, at), &c);
	return !is_word_cp(c);
}

static size_t count_digits(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && is_digit(s[i]))
		i++;
	return i;
}

/* count_digits, stopping at max + 1: enough to reject a group that is too long without reading
 * the rest of a long run of digits, which later starts would read again */
static size_t count_digits_max(const char *s, size_t n, size_t max)
{
	return count_digits(s, n < max + 1 ? n : max + 1);
}

/* Characters that may end a URL; trailing punctuation is left to the sentence. */
static int url_char(unsigned char c)
{
	return c > ' ' && c < 0x7F && !strchr("\"<>\\^`{|}", c);
}

size_t pat_url(const char *s, size_t n)
{
	static const char *prefixes[] = {"https://", "http://", "ftp://", "www."};
	size_t i = 0, p, host;
	long paren = 0, bracket = 0; /* the balance of each kind of bracket in s[0..i) */

	for (p = 0; p < 4; p++) {
		size_t k = strlen(prefixes[p]);

		if (n >= k && strncasecmp(s, prefixes[p], k) == 0) {
			i = k;
			break;
		}
	}
	if (p == 4)
		return 0;
	host = i;
	while (i < n && (pat_ascii_alnum(s[i]) || s[i] == '-' || s[i] == '.'))
		i++;
	if (i == host || !pat_ascii_alnum(s[host]) || (p == 3 && !memchr(s + host, '.', i - host)))
		return 0;
	/* the balances are kept as the end moves back over closers below (recounting them for each
	 * one was quadratic in a run of them); the prefix and the host hold no brackets */
	while (i < n && url_char((unsigned char)s[i])) {
		paren += s[i] == '(' ? 1 : s[i] == ')' ? -1 : 0;
		bracket += s[i] == '[' ? 1 : s[i] == ']' ? -1 : 0;
		i++;
	}
	/* trailing punctuation belongs to the text, a closing parenthesis only when unmatched */
	while (i > host) {
		char c = s[i - 1];

		if (strchr(".,;:!?'\"", c)) {
			i--;
		} else if (c == ')' || c == ']') {
			long *depth = c == ')' ? &paren : &bracket;

			if (*depth >= 0)
				break;
			++*depth; /* s[i - 1] leaves the span */
			i--;
		} else {
			break;
		}
	}
	return i > host ? i : 0;
}

static inline int email_local_char(char c)
{
	return pat_ascii_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

size_t pat_email_span(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && email_local_char(s[i]))
		i++;
	return i;
}

size_t pat_email(const char *s, size_t n)
{
	size_t i = pat_email_span(s, n), at, label = 0, last_dot = 0;

	if (i == 0 || i >= n || s[i] != '@' || s[0] == '.' || s[i - 1] == '.')
		return 0;
	at = ++i;
	/* labels of letters, digits and inner hyphens, separated by single dots */
	for (;;) {
		size_t start = i;

		while (i < n && (pat_ascii_alnum(s[i]) || s[i] == '-'))
			i++;
		if (i == start || s[start] == '-' || s[i - 1] == '-') {
			i = start;
			break;
		}
		label++;
		if (i + 1 < n && s[i] == '.' && pat_ascii_alnum(s[i + 1])) {
			last_dot = i;
			i++;
			continue;
		}
		break;
	}
	/* at least two labels, the last (top-level domain) of two or more letters */
	if (label < 2 || last_dot < at)
		return 0;
	if (i - last_dot - 1 < 2)
		return 0;
	for (size_t k = last_dot + 1; k < i; k++)
		if (!is_alpha(s[k]))
			return 0;
	return i;
}

static int month_day_ok(int m, int d)
{
	return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

static int num_at(const char *s, size_t len)
{
	int v = 0;

	for (size_t i = 0; i < len; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* No number in a date has more than four digits: the scans stop after five. */
#define DATE_DIGITS 4

/* English month names and their common abbreviations; returns the length matched or 0. */
static size_t month_name(const char *s, size_t n)
{
	static const char *names[] = {"january", "february", "march",     "april",   "may",
	                              "june",    "july",     "august",    "september", "october",
	                              "november", "december"};
	size_t i = 0;

	/* a run longer than "september" is no name: the rest of it need not be read */
	while (i < n && i < 10 && is_alpha(s[i]))
		i++;
	for (int m = 0; m < 12; m++) {
		size_t k = strlen(names[m]);

		if ((i == k || i == 3 || (m == 8 && i == 4)) && i <= k &&
		    strncasecmp(s, names[m], i) == 0) {
			if (i < n && s[i] == '.' && i < k)
				return i + 1;
			return i;
		}
	}
	return 0;
}

/* "2024년 3월 5일" with optional spaces before each number; returns length or 0. */
static size_t korean_date(const char *s, size_t n)
{
	static const char *units[] = {"\xEB\x85\x84", "\xEC\x9B\x94", "\xEC\x9D\xBC"}; /* 년 월 일 */
	size_t i = 0;
	int parts = 0;

	for (int u = 0; u < 3; u++) {
		size_t j = i, k;

		if (u > 0)
			while (j < n && s[j] == ' ')
				j++;
		k = count_digits_max(s + j, n - j, DATE_DIGITS);
		if (k == 0 || k > (u == 0 ? 4 : 2) || n - j - k < 3 || memcmp(s + j + k, units[u], 3) != 0)
			break;
		if (u == 0 && k != 4)
			break;
		if ((u == 1 && (num_at(s + j, k) < 1 || num_at(s + j, k) > 12)) ||
		    (u == 2 && (num_at(s + j, k) < 1 || num_at(s + j, k) > 31)))
			break;
		i = j + k + 3;
		parts++;
	}
	return parts >= 2 ? i : 0;
}

size_t pat_date(const char *s, size_t n)
{
	size_t a = count_digits_max(s, n, DATE_DIGITS), k;

	if (a == 4 && a < n && strchr("-/.", s[a])) {
		/* YYYY-MM-DD, same separator twice */
		char sep = s[a];
		size_t b = count_digits_max(s + a + 1, n - a - 1, DATE_DIGITS), c;

		if (b >= 1 && b <= 2 && a + 1 + b < n && s[a + 1 + b] == sep) {
			c = count_digits_max(s + a + 2 + b, n - a - 2 - b, DATE_DIGITS);
			if (c >= 1 && c <= 2 &&
			    month_day_ok(num_at(s + a + 1, b), num_at(s + a + 2 + b, c)))
				return a + 2 + b + c;
		}
	}
	if (a >= 1 && a <= 2 && a < n && strchr("-/.", s[a])) {
		/* DD/MM/YYYY or MM/DD/YYYY */
		char sep = s[a];
		size_t b = count_digits_max(s + a + 1, n - a - 1, DATE_DIGITS);

		if (b >= 1 && b <= 2 && a + 1 + b < n && s[a + 1 + b] == sep &&
		    count_digits_max(s + a + 2 + b, n - a - 2 - b, DATE_DIGITS) == 4) {
			int x = num_at(s, a), y = num_at(s + a + 1, b);

			if (month_day_ok(x, y) || month_day_ok(y, x))
				return a + 2 + b + 4;
		}
	}
	if (a == 4 && (k = korean_date(s, n)) > 0)
		return k;
	if (a >= 1 && a <= 2 && a + 1 < n && s[a] == ' ' && num_at(s, a) >= 1 && num_at(s, a) <= 31) {
		/* 5 March 2024 */
		size_t m = month_name(s + a + 1, n - a - 1);

		if (m > 0) {
			size_t i = a + 1 + m, y;

			if (i + 1 < n && s[i] == ' ' &&
			    (y = count_digits_max(s + i + 1, n - i - 1, DATE_DIGITS)) == 4)
				return i + 1 + y;
		}
	}
	if ((k = month_name(s, n)) > 0 && k + 1 < n && s[k] == ' ') {
		/* March 5, 2024 and March 5 2024 */
		size_t i = k + 1, d = count_digits_max(s + i, n - i, DATE_DIGITS), y;

		if (d >= 1 && d <= 2 && num_at(s + i, d) >= 1 && num_at(s + i, d) <= 31) {
			i += d;
			if (i < n && s[i] == ',')
				i++;
			if (i + 1 < n && s[i] == ' ' &&
			    (y = count_digits_max(s + i + 1, n - i - 1, DATE_DIGITS)) == 4)
				return i + 1 + y;
		}
	}
	return 0;
}

size_t pat_phone(const char *s, size_t n)
{
	size_t i = 0, digits = 0, groups = 0, end = 0;
	int open = 0, plus = 0;

	if (n > 0 && s[0] == '+') {
		plus = 1;
		i = 1;
	}
	for (;;) {
		size_t g;
		int paren = 0;

		if (i < n && s[i] == '(') {
			paren = 1;
			open = 1;
			i++;
		}
		g = count_digits_max(s + i, n - i, 5);
		if (g == 0 || g > 5 || (g < 2 && !(plus && groups == 0)))
			break;
		i += g;
		if (paren) {
			if (i >= n || s[i] != ')')
				break;
			i++;
		}
		digits += g;
		groups++;
		end = i;
		/* too many digits already: stop before reading more groups, so that a long chain of
		 * them ("(12)(12)...") costs each start a bounded scan, not the rest of the line */
		if (digits > 15)
			return 0;
		/* one separator: '-', '.', or a space (spaces only in numbers led by + or a parenthesis) */
		if (i < n && (s[i] == '-' || s[i] == '.'))
			i++;
		else if (i < n && s[i] == ' ' && (plus || open))
			i++;
		else if (!(i < n && s[i] == '('))
			break;
	}
	if (digits < (plus ? 7 : 9) || digits > 15 || groups < 2)
		return 0;
	if (groups < 3 && !plus && !open)
		return 0;
	return end;
}

size_t pat_number(const char *s, size_t n)
{
	size_t i = 0, d;

	if (n > 1 && (s[0] == '-' || s[0] == '+') && is_digit(s[1]))
		i = 1;
	d = count_digits(s + i, n - i);
	if (d == 0)
		return 0;
	if (d <= 3) {
		/* thousands groups: 1,000,000 */
		size_t j = i + d;

		while (j + 3 < n && s[j] == ',' && count_digits(s + j + 1, n - j - 1) == 3)
			j += 4;
		i = j;
	} else {
		i += d;
	}
	if (i + 1 < n && s[i] == '.' && is_digit(s[i + 1]))
		i += 1 + count_digits(s + i + 1, n - i - 1);
	if (i + 1 < n && (s[i] == 'e' || s[i] == 'E')) {
		size_t j = i + 1;

		if (j < n && (s[j] == '+' || s[j] == '-'))
			j++;
		if ((d = count_digits(s + j, n - j)) > 0)
			i = j + d;
	}
	if (i < n && s[i] == '%')
		i++;
	return i;
}
