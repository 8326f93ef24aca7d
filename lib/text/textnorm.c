/* textnorm.c: the steps of nlp-normalize after the Unicode form, in their documented order. */
#include <stdlib.h>
#include <string.h>

#include "text/textnorm.h"
#include "text/pat.h"
#include "text/utf8.h"

int textnorm_init(struct textnorm *t, enum norm_form form, int casefold, int strip_accents,
                  struct error *e)
{
	struct textnorm z = {0};

	*t = z;
	return norm_init(&t->norm, form, casefold, strip_accents, e);
}

void textnorm_free(struct textnorm *t)
{
	norm_free(&t->norm);
	buf_free(&t->a);
	buf_free(&t->b);
}

static const struct {
	int bit;
	size_t (*match)(const char *, size_t);
	const char *token;
} recognizers[] = {
    {REPL_URL, pat_url, "<url>"},       {REPL_EMAIL, pat_email, "<email>"},
    {REPL_DATE, pat_date, "<date>"},    {REPL_PHONE, pat_phone, "<phone>"},
    {REPL_NUM, pat_number, "<num>"},
};

static inline int may_start(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '+' ||
	       c == '-' || c == '(';
}

/* A joiner between alphanumerics ("v2.0", "1990-1995", "a/b") glues both sides into one token,
 * so no entity starts or ends at it. */
static inline int is_joiner(char c)
{
	return c == '.' || c == ',' || c == '-' || c == '/';
}

/* Korean particles and counters attach to numbers and dates: 3개, 2024년에. */
static int hangul_at(const char *s, size_t n, size_t i)
{
	int32_t c;

	if (i >= n || (unsigned char)s[i] < 0x80)
		return 0;
	utf8_decode(s + i, &c);
	return utf8_is_hangul_syllable(c);
}

static int hangul_before(const char *s, size_t i)
{
	return i > 0 && hangul_at(s, i, utf8_prev(s, i));
}

static int starts_here(const char *s, size_t i)
{
	if (i >= 2 && is_joiner(s[i - 1]) && pat_ascii_alnum(s[i - 2]))
		return 0;
	return pat_starts_token(s, i) || hangul_before(s, i);
}

static int ends_here(const char *s, size_t n, size_t e)
{
	if (e + 1 < n && is_joiner(s[e]) && pat_ascii_alnum(s[e + 1]))
		return 0;
	return pat_ends_token(s + e, n - e) || hangul_at(s, n, e);
}

/* A URL found at some start but not followed by a token end kept its whole run of URL
 * characters (a dropped trailing character would have ended a token), and every URL that starts
 * inside that run ends where it does and fails the same way; unless the run ends in a closing
 * bracket, matched for the first start and unmatched for a later one, which then drops it. Without
 * this, each start in the run rescanned the rest of it ("http://http://...é" was quadratic). */
struct url_miss {
	size_t end;   /* no URL starts before it, unless ... */
	char close;   /* ... s[end - 1] is this ')' or ']' (else 0), and */
	long depth;   /* the balance of its kind of bracket in s[at..end) */
	size_t at;    /* falls below 0 from a later start */
};

/* The balance of open and close brackets in s[from..to). */
static long bracket_balance(const char *s, size_t from, size_t to, char close)
{
	char open = close == ')' ? '(' : '[';
	long d = 0;

	for (size_t k = from; k < to; k++)
		d += s[k] == open ? 1 : s[k] == close ? -1 : 0;
	return d;
}

static void url_missed(struct url_miss *u, const char *s, size_t i, size_t m)
{
	u->end = i + m;
	u->close = s[i + m - 1] == ')' || s[i + m - 1] == ']' ? s[i + m - 1] : 0;
	if (u->close) {
		u->depth = bracket_balance(s, i, i + m, u->close);
		u->at = i;
	}
}

/* Whether a URL may start at i, given the last miss. */
static int url_may_start(struct url_miss *u, const char *s, size_t i)
{
	if (i >= u->end)
		return 1;
	if (!u->close)
		return 0;
	/* the starts only move forward: each byte of the run is counted out once */
	u->depth -= bracket_balance(s, u->at, i, u->close);
	u->at = i;
	return u->depth < 0;
}

void textnorm_placeholders(int repl, const char *s, size_t n, struct buf *out)
{
	size_t i = 0, no_email_before = 0;
	struct url_miss url = {0};

	while (i < n) {
		size_t k = (size_t)utf8_seqlen((unsigned char)s[i]);

		if (k == 1 && may_start((unsigned char)s[i]) && starts_here(s, i)) {
			size_t r, m = 0, j = i + 1;

			for (r = 0; r < sizeof(recognizers) / sizeof(*recognizers); r++) {
				if (!(repl & recognizers[r].bit))
					continue;
				if (recognizers[r].bit == REPL_EMAIL) {
					/* a failed scan rules out every start inside the same run */
					if (i < no_email_before)
						continue;
					m = pat_email(s + i, n - i);
					if (m == 0)
						no_email_before = i + pat_email_span(s + i, n - i);
				} else if (recognizers[r].bit == REPL_URL) {
					if (!url_may_start(&url, s, i))
						continue;
					m = pat_url(s + i, n - i);
					if (m > 0 && !ends_here(s, n, i + m))
						url_missed(&url, s, i, m);
				} else {
					m = recognizers[r].match(s + i, n - i);
				}
				if (m > 0 && ends_here(s, n, i + m))
					break;
				m = 0;
			}
			if (m > 0) {
				buf_put(out, recognizers[r].token, strlen(recognizers[r].token));
				i += m;
				continue;
			}
			/* no entity here: neither can one start inside this alphanumeric run */
			if (pat_ascii_alnum(s[i]))
				while (j < n && pat_ascii_alnum(s[j]))
					j++;
			buf_put(out, s + i, j - i);
			i = j;
			continue;
		}
		buf_put(out, s + i, k);
		i += k;
	}
}

/* Drops punctuation and/or squeezes whitespace runs into one space, trimming both ends. */
static void punct_space(const char *s, size_t n, int strip_punct, int squeeze, struct buf *out)
{
	size_t i = 0;
	int pending = 0, any = 0;

	while (i < n) {
		int32_t c;
		int k = utf8_decode(s + i, &c);

		if (strip_punct && utf8_is_punct(c)) {
			i += (size_t)k;
			continue;
		}
		if (squeeze && utf8_is_space(c)) {
			pending = any;
			i += (size_t)k;
			continue;
		}
		if (pending)
			buf_putc(out, ' ');
		pending = 0;
		any = 1;
		buf_put(out, s + i, (size_t)k);
		i += (size_t)k;
	}
}

int textnorm_line(struct textnorm *t, const char *s, size_t n, struct buf *out, struct error *e)
{
	if (!t->repl && !t->strip_punct && !t->squeeze) {
		norm_apply(&t->norm, s, n, out);
		if (t->norm.err)
			return norm_error(e, t->norm.err);
		buf_putc(out, '\n');
		return 0;
	}
	t->a.len = 0;
	norm_apply(&t->norm, s, n, &t->a);
	if (t->norm.err)
		return norm_error(e, t->norm.err);
	if (t->repl) {
		t->b.len = 0;
		textnorm_placeholders(t->repl, t->a.p, t->a.len, &t->b);
		struct buf x = t->a;
		t->a = t->b;
		t->b = x;
	}
	if (t->strip_punct || t->squeeze)
		punct_space(t->a.p, t->a.len, t->strip_punct, t->squeeze, out);
	else
		buf_put(out, t->a.p, t->a.len);
	buf_putc(out, '\n');
	return 0;
}
