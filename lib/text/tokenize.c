/* tokenize.c: word, grapheme and jamo segmentation by Unicode categories from utf8proc, and
 * scikit-learn's default analyzer; the Treebank rules are in ptb.c, sentences in sentence.c. */
#include <string.h>
#include <strings.h>

#include "text/pat.h"
#include "text/ptb.h"
#include "text/pystr.h"
#include "text/sentence.h"
#include "text/tokenize.h"
#include "text/utf8.h"

enum cls { C_SPACE, C_WORD, C_DIGIT, C_IDEO, C_PUNCT, C_SYMBOL, C_FORMAT, C_CONTROL };

static inline enum cls classify(int32_t c)
{
	if (c < 0x80) {
		if (c == ' ' || (c >= 9 && c <= 13))
			return C_SPACE;
		if (c >= '0' && c <= '9')
			return C_DIGIT;
		if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
			return C_WORD;
		if (c == '_')
			return C_WORD;
		if (c < 32 || c == 127)
			return C_CONTROL;
	}
	if (utf8_is_ideograph(c))
		return C_IDEO;
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME: case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		return C_WORD;
	case UTF8PROC_CATEGORY_ND:
		return C_DIGIT;
	case UTF8PROC_CATEGORY_PC: case UTF8PROC_CATEGORY_PD: case UTF8PROC_CATEGORY_PS:
	case UTF8PROC_CATEGORY_PE: case UTF8PROC_CATEGORY_PI: case UTF8PROC_CATEGORY_PF:
	case UTF8PROC_CATEGORY_PO:
		return C_PUNCT;
	case UTF8PROC_CATEGORY_ZS: case UTF8PROC_CATEGORY_ZL: case UTF8PROC_CATEGORY_ZP:
		return C_SPACE;
	case UTF8PROC_CATEGORY_CC:
		return c == 0x85 ? C_SPACE : C_CONTROL;
	case UTF8PROC_CATEGORY_CF:
		return C_FORMAT;
	default:
		return C_SYMBOL; /* S*, private use, unassigned */
	}
}

static inline void emit(struct buf *out, size_t line_start, const char *p, size_t len)
{
	if (out->len > line_start)
		buf_putc(out, ' ');
	buf_put(out, p, len);
}

/* Appends s[0..len) with each Hangul syllable written as its conjoining jamo. */
static void put_jamo(struct buf *out, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		int32_t c;
		int k = utf8_decode(s + i, &c);

		if (utf8_is_hangul_syllable(c)) {
			int32_t si = c - HANGUL_SBASE, t = si % HANGUL_TCOUNT;
			char tmp[4];

			buf_put(out, tmp, (size_t)utf8_encode(HANGUL_LBASE + si / HANGUL_NCOUNT, tmp));
			buf_put(out, tmp,
			        (size_t)utf8_encode(HANGUL_VBASE + (si % HANGUL_NCOUNT) / HANGUL_TCOUNT, tmp));
			if (t)
				buf_put(out, tmp, (size_t)utf8_encode(HANGUL_TBASE + t, tmp));
		} else {
			buf_put(out, s + i, (size_t)k);
		}
		i += (size_t)k;
	}
}

static inline void emit_tok(struct buf *out, size_t line_start, const char *p, size_t len,
                            int flags)
{
	if (!(flags & TOK_JAMO)) {
		emit(out, line_start, p, len);
		return;
	}
	if (out->len > line_start)
		buf_putc(out, ' ');
	put_jamo(out, p, len);
}

size_t tokenize_grapheme_end(const char *s, size_t n, size_t i)
{
	int32_t state = 0, a, b;
	size_t j = i + (size_t)utf8_decode(s + i, &a);

	while (j < n) {
		int k = utf8_decode(s + j, &b);

		if (utf8proc_grapheme_break_stateful(a, b, &state))
			break;
		a = b;
		j += (size_t)k;
	}
	return j;
}

static inline enum cls class_at(const char *s, size_t n, size_t i, int32_t *c, int *k)
{
	if (i >= n) {
		*c = -1;
		*k = 0;
		return C_SPACE;
	}
	*k = utf8_decode(s + i, c);
	return classify(*c);
}

static inline int is_apostrophe(int32_t c)
{
	return c == '\'' || c == 0x2019;
}

#define ACRONYM_MAX 12 /* letters in an acronym; bounds the scan on runs like "a.a.a.a..." */

/* (letter '.'){2,} as in "U.S." and "e.g."; returns its length or 0. */
static size_t acronym(const char *s, size_t n, size_t i)
{
	size_t j = i;
	int parts = 0;

	for (; parts <= ACRONYM_MAX; ) {
		int32_t c;
		int k;

		if (class_at(s, n, j, &c, &k) != C_WORD || utf8_is_mark(c))
			break;
		if (j + (size_t)k >= n || s[j + (size_t)k] != '.')
			break;
		j += (size_t)k + 1;
		parts++;
	}
	if (parts < 2 || parts > ACRONYM_MAX)
		return 0;
	{
		int32_t c;
		int k;
		enum cls next = class_at(s, n, j, &c, &k);

		return next == C_WORD || next == C_DIGIT ? 0 : j - i;
	}
}

static const char *clitics[] = {"s", "m", "d", "ll", "re", "ve"};

/* Length of an English clitic after an apostrophe at s[j] ("'s", "'ll" ...) that ends the word,
 * or 0. */
static size_t clitic_len(const char *s, size_t n, size_t j, int alen)
{
	size_t a = j + (size_t)alen, b = a;

	while (b < n && ((s[b] | 0x20) >= 'a' && (s[b] | 0x20) <= 'z'))
		b++;
	if (b == a || b - a > 2 || !pat_ends_token(s + b, n - b))
		return 0;
	for (size_t i = 0; i < sizeof(clitics) / sizeof(*clitics); i++)
		if (strlen(clitics[i]) == b - a && strncasecmp(s + a, clitics[i], b - a) == 0)
			return b - j;
	return 0;
}

/* Scans a word from s[i]; writes its tokens and returns where it ends. */
static size_t scan_word(const char *s, size_t n, size_t i, size_t line_start, int flags,
                        struct buf *out)
{
	size_t start = i, j = i;
	int32_t c, prev = 0;
	int k;

	if ((k = (int)acronym(s, n, i)) > 0) {
		emit_tok(out, line_start, s + i, (size_t)k, flags);
		return i + (size_t)k;
	}
	for (;;) {
		enum cls cl = class_at(s, n, j, &c, &k);

		if (cl == C_WORD || cl == C_DIGIT || (cl == C_FORMAT && j > start)) {
			prev = c;
			j += (size_t)k;
			continue;
		}
		if (j == start || j >= n)
			break;
		{
			int32_t d;
			int dk;
			enum cls next = class_at(s, n, j + (size_t)k, &d, &dk);
			int prev_digit = classify(prev) == C_DIGIT;

			if ((c == '.' || c == ',') && prev_digit && next == C_DIGIT) {
				j += (size_t)k;
				continue;
			}
			if (c == '-' && (next == C_WORD || next == C_DIGIT) && !utf8_is_mark(d)) {
				j += (size_t)k;
				continue;
			}
			if (is_apostrophe(c) && next == C_WORD) {
				size_t cl_len = clitic_len(s, n, j, k);

				if (cl_len > 0) {
					emit_tok(out, line_start, s + start, j - start, flags);
					emit_tok(out, line_start, s + j, cl_len, flags);
					return j + cl_len;
				}
				/* n't: the n belongs to the clitic */
				if ((d | 0x20) == 't' && (prev | 0x20) == 'n' && j - 1 > start &&
				    pat_ends_token(s + j + (size_t)k + 1, n - j - (size_t)k - 1)) {
					emit_tok(out, line_start, s + start, j - 1 - start, flags);
					emit_tok(out, line_start, s + j - 1, (size_t)k + 2, flags);
					return j + (size_t)k + 1;
				}
				j += (size_t)k; /* O'Neil, rock'n'roll */
				continue;
			}
		}
		break;
	}
	emit_tok(out, line_start, s + start, j - start, flags);
	return j;
}

/* "<url>", "<num>" ...: a placeholder of nlp-normalize (lower-case ASCII letters in angle
 * brackets) is one token. Returns its length or 0. */
static size_t placeholder(const char *s, size_t n)
{
	size_t i = 1;

	while (i < n && i <= 16 && s[i] >= 'a' && s[i] <= 'z')
		i++;
	return i > 1 && i < n && s[i] == '>' ? i + 1 : 0;
}

static int has_www(const char *s, size_t n)
{
	for (const char *p = s; (p = memchr(p, '.', (size_t)(s + n - p))); p++)
		if (p - s >= 3 && strncasecmp(p - 3, "www", 3) == 0)
			return 1;
	return 0;
}

void tokenize_words(const char *s, size_t n, int flags, struct buf *out)
{
	size_t i = 0, line_start = out->len, no_email_before = 0;
	int specials = !(flags & TOK_NO_SPECIAL);
	int has_at = specials && memchr(s, '@', n) != NULL;
	int has_url = specials && (memmem(s, n, "://", 3) || has_www(s, n));

	while (i < n) {
		int32_t c;
		int k = utf8_decode(s + i, &c);
		enum cls cl = classify(c);
		size_t m;

		switch (cl) {
		case C_SPACE:
		case C_CONTROL:
			i += (size_t)k;
			break;
		case C_FORMAT:
			i += (size_t)k; /* a lone joiner or soft hyphen outside a word */
			break;
		case C_WORD:
		case C_DIGIT:
			if (c < 0x80 && (has_url || has_at) && pat_starts_token(s, i)) {
				m = has_url ? pat_url(s + i, n - i) : 0;
				if (m == 0 && has_at && i >= no_email_before) {
					m = pat_email(s + i, n - i);
					if (m == 0)
						no_email_before = i + pat_email_span(s + i, n - i);
				}
				if (m > 0) {
					emit(out, line_start, s + i, m);
					i += m;
					break;
				}
			}
			i = scan_word(s, n, i, line_start, flags, out);
			break;
		case C_SYMBOL:
			if (c == '<' && (m = placeholder(s + i, n - i)) > 0) {
				emit(out, line_start, s + i, m);
				i += m;
				break;
			}
			/* fall through */
		case C_IDEO:
			m = tokenize_grapheme_end(s, n, i);
			emit(out, line_start, s + i, m - i);
			i = m;
			break;
		case C_PUNCT:
			m = i + (size_t)k;
			while (m + (size_t)k <= n && memcmp(s + m, s + i, (size_t)k) == 0)
				m += (size_t)k;
			emit(out, line_start, s + i, m - i);
			i = m;
			break;
		}
	}
}

/* Whether tokenize_chars takes c for whitespace: it separates clusters and is dropped. */
static inline int chars_gap(int32_t c)
{
	return utf8_is_space(c) || utf8proc_category(c) == UTF8PROC_CATEGORY_CC;
}

int tokenize_space_ok(const char *s)
{
	size_t n = strlen(s), i = 0;

	if (n == 0 || utf8_valid_prefix(s, n) != n)
		return 0;
	while (i < n) {
		int32_t c;

		i += (size_t)utf8_decode(s + i, &c);
		if (chars_gap(c))
			return 0;
	}
	return 1;
}

void tokenize_chars(const char *s, size_t n, const char *space_tok, struct buf *out)
{
	size_t i = 0, line_start = out->len;
	int pending_space = 0;

	while (i < n) {
		int32_t c;
		size_t m;

		utf8_decode(s + i, &c);
		m = tokenize_grapheme_end(s, n, i);
		if (chars_gap(c)) {
			pending_space = out->len > line_start;
		} else {
			if (pending_space && space_tok)
				emit(out, line_start, space_tok, strlen(space_tok));
			pending_space = 0;
			emit(out, line_start, s + i, m - i);
		}
		i = m;
	}
}

void tokenize_compose(const char *s, size_t n, struct buf *out)
{
	size_t i = 0;
	char tmp[4];

	while (i < n) {
		int32_t c, d;
		int k = utf8_decode(s + i, &c), dk;

		if (c >= HANGUL_LBASE && c < HANGUL_LBASE + HANGUL_LCOUNT && i + (size_t)k < n) {
			dk = utf8_decode(s + i + k, &d);
			if (d >= HANGUL_VBASE && d < HANGUL_VBASE + HANGUL_VCOUNT) {
				c = HANGUL_SBASE +
				    ((c - HANGUL_LBASE) * HANGUL_VCOUNT + (d - HANGUL_VBASE)) * HANGUL_TCOUNT;
				k += dk;
			}
		}
		if (utf8_is_hangul_syllable(c) && (c - HANGUL_SBASE) % HANGUL_TCOUNT == 0 &&
		    i + (size_t)k < n) {
			dk = utf8_decode(s + i + k, &d);
			if (d > HANGUL_TBASE && d < HANGUL_TBASE + HANGUL_TCOUNT) {
				c += d - HANGUL_TBASE;
				k += dk;
			}
		}
		buf_put(out, tmp, (size_t)utf8_encode(c, tmp));
		i += (size_t)k;
	}
}

/* ---- scikit-learn's analyzer: Python's str.lower(), then (?u)\b\w\w+\b (text/pystr.h) ---- */

void tokenize_sklearn(const char *s, size_t n, int flags, struct buf *out)
{
	size_t i = 0, line_start = out->len, tok_start = out->len, run = 0;

	while (i < n) {
		int32_t c, lc[2];
		int k = utf8_decode(s + i, &c);
		int m = flags & TOK_KEEP_CASE ? (lc[0] = c, 1) : pystr_lower(s, n, i, c, lc);

		for (int x = 0; x < m; x++) {
			if (!pystr_isword(lc[x])) {
				if (run == 1) /* \w\w+: a single character is no token */
					out->len = tok_start;
				run = 0;
				continue;
			}
			if (run++ == 0) {
				tok_start = out->len;
				if (out->len > line_start)
					buf_putc(out, ' ');
			}
			if (lc[x] < 0x80) {
				buf_putc(out, (char)lc[x]);
			} else {
				char tmp[4];

				buf_put(out, tmp, (size_t)utf8_encode(lc[x], tmp));
			}
		}
		i += (size_t)k;
	}
	if (run == 1)
		out->len = tok_start;
}

void tokenize_line(void *opts, const char *s, size_t n, struct buf *out)
{
	const struct tokenize_opts *o = opts;

	switch (o->mode) {
	case TOK_WORDS:
		tokenize_words(s, n, o->flags, out);
		break;
	case TOK_PTB:
		ptb_tokenize(s, n, out);
		break;
	case TOK_CHARS:
		tokenize_chars(s, n, o->space_tok, out);
		break;
	case TOK_COMPOSE:
		tokenize_compose(s, n, out);
		break;
	case TOK_SKLEARN:
		tokenize_sklearn(s, n, o->flags, out);
		break;
	case TOK_SENTENCES:
		sentence_split(s, n, out);
		return; /* each sentence carries its newline */
	}
	buf_putc(out, '\n');
}
