/* pystr.c: Python 3's string rules (see pystr.h). The classes were checked against Python 3.11
 * (Unicode 14) for every code point: pystr_isspace agrees everywhere, pystr_isword wherever
 * Python's Unicode assigns the code point (utf8proc knows the letters added since). str.upper()
 * was checked the same way. */
#include <string.h>

#include "text/pystr.h"
#include "text/utf8.h"

/* ---- str.lower() ---- */

/* Unicode's Case_Ignorable: the categories Mn, Me, Cf, Lm and Sk, and the characters whose
 * Word_Break is MidLetter, MidNumLet or Single_Quote. */
static int case_ignorable(int32_t c)
{
	switch (c) {
	case 0x27: case 0x2E: case 0x3A: case 0xB7: case 0x387: case 0x55F: case 0x5F4:
	case 0x2018: case 0x2019: case 0x2024: case 0x2027: case 0xFE13: case 0xFE52: case 0xFE55:
	case 0xFF07: case 0xFF0E: case 0xFF1A:
		return 1;
	}
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_ME: case UTF8PROC_CATEGORY_CF:
	case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_SK:
		return 1;
	default:
		return 0;
	}
}

/* Unicode's Cased, for the characters that are not Case_Ignorable (the only ones the sigma rule
 * asks about): Lu, Ll, Lt, anything with a case mapping, and the Other_Lowercase and
 * Other_Uppercase characters without one (ª, º and the squared, circled and negative squared
 * Latin capitals of U+1F130 to U+1F189). */
static int cased(int32_t c)
{
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
		return 1;
	default:
		break;
	}
	if (utf8proc_tolower(c) != c || utf8proc_toupper(c) != c || utf8proc_totitle(c) != c)
		return 1;
	return c == 0xAA || c == 0xBA || (c >= 0x1F130 && c <= 0x1F149) ||
	       (c >= 0x1F150 && c <= 0x1F169) || (c >= 0x1F170 && c <= 0x1F189);
}

/* The Final_Sigma condition of Python's str.lower() for the U+03A3 at s[i..i+2): a cased letter
 * before it and none after it, case-ignorable characters skipped both ways. */
static int final_sigma(const char *s, size_t n, size_t i)
{
	int32_t c = 0;
	size_t j = i;
	int found = 0;

	while (j > 0) {
		j = utf8_prev(s, j);
		utf8_decode(s + j, &c);
		if (!case_ignorable(c)) {
			found = 1;
			break;
		}
	}
	if (!found || !cased(c))
		return 0;
	for (j = i + 2; j < n; ) {
		j += (size_t)utf8_decode(s + j, &c);
		if (!case_ignorable(c))
			return !cased(c);
	}
	return 1;
}

int pystr_lower_slow_(const char *s, size_t n, size_t i, int32_t c, int32_t lc[2])
{
	if (c == 0x130) { /* the one unconditional mapping to two characters */
		lc[0] = 'i';
		lc[1] = 0x307;
		return 2;
	}
	if (c == 0x3A3) {
		lc[0] = final_sigma(s, n, i) ? 0x3C2 : 0x3C3;
		return 1;
	}
	lc[0] = utf8proc_tolower(c);
	return 1;
}

/* ---- str.upper(), strip() and split() over text that may not be UTF-8 ---- */

/* The code point at s[0..n) and its length; *c is -1 for a byte that starts no valid sequence. */
static size_t next_cp(const char *s, size_t n, int32_t *c)
{
	utf8proc_int32_t cp;
	utf8proc_ssize_t k;

	if ((unsigned char)s[0] < 0x80) {
		*c = (unsigned char)s[0];
		return 1;
	}
	k = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)(n < 4 ? n : 4), &cp);
	if (k <= 0) {
		*c = -1;
		return 1;
	}
	*c = cp;
	return (size_t)k;
}

static void put_cp(struct buf *b, int32_t c)
{
	utf8proc_uint8_t enc[4];

	buf_put(b, (const char *)enc, (size_t)utf8proc_encode_char(c, enc));
}

/* Python's upper case of one code point: upper-case letters stay; a letter whose full case folding
 * has several code points (ß, ŉ, ﬁ, Greek with iota) takes the upper case of each, which is its
 * special upper casing; any other takes its simple upper case. */
static void upper_cp(struct buf *b, int32_t c)
{
	utf8proc_int32_t fold[8];
	utf8proc_ssize_t n;
	int boundclass = 0;

	if (utf8proc_category(c) == UTF8PROC_CATEGORY_LU) {
		put_cp(b, c);
		return;
	}
	n = utf8proc_decompose_char(c, fold, 8, UTF8PROC_CASEFOLD, &boundclass);
	if (n > 1 && n <= 8)
		for (utf8proc_ssize_t i = 0; i < n; i++)
			put_cp(b, utf8proc_toupper(fold[i]));
	else
		put_cp(b, utf8proc_toupper(c));
}

void pystr_upper(struct buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		int32_t c;
		size_t k = next_cp(s + i, n - i, &c);

		if (c < 0)
			buf_putc(b, s[i]);
		else if (c < 0x80)
			buf_putc(b, (char)(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c));
		else
			upper_cp(b, c);
		i += k;
	}
}

void pystr_strip(const char *s, size_t n, size_t *from, size_t *to)
{
	size_t i = 0, end = 0;
	int lead = 1;

	*from = n;
	while (i < n) {
		int32_t c;
		size_t k = next_cp(s + i, n - i, &c);

		if (!pystr_isspace(c)) {
			if (lead)
				*from = i;
			lead = 0;
			end = i + k;
		}
		i += k;
	}
	*to = lead ? n : end;
}

size_t pystr_split(const char *s, size_t n, const char **w, size_t *len, size_t max)
{
	size_t count = 0, i = 0;

	while (i < n) {
		int32_t c;
		size_t k = next_cp(s + i, n - i, &c), start;

		if (pystr_isspace(c)) {
			i += k;
			continue;
		}
		if (count == max)
			return max + 1;
		start = i;
		while (i < n) {
			k = next_cp(s + i, n - i, &c);
			if (pystr_isspace(c))
				break;
			i += k;
		}
		w[count] = s + start;
		len[count++] = i - start;
	}
	return count;
}
