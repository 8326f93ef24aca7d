/* ptb.c: Penn Treebank tokenization with the exact rewriting steps of NLTK's
 * TreebankWordTokenizer (nltk/tokenize/treebank.py), each regular expression replaced by a
 * hand-written scan with the same leftmost, non-overlapping semantics. Steps whose trigger
 * character is absent from the line are skipped. Python's classes are followed: \d is Unicode Nd,
 * \w is a letter, number or '_', \s and str.split() use Python's whitespace. */
#include <string.h>
#include <strings.h>

#include "tokenize.h"
#include "utf8.h"

static struct buf scratch[2];

static inline int py_space(int32_t c)
{
	return (c >= 0x1C && c <= 0x1F) || utf8_is_space(c);
}

static inline int py_word(int32_t c)
{
	utf8proc_category_t k;

	if (c < 0x80)
		return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '_';
	k = utf8proc_category(c);
	return k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_NO && k != UTF8PROC_CATEGORY_MN &&
	       k != UTF8PROC_CATEGORY_MC && k != UTF8PROC_CATEGORY_ME;
}

static inline int py_digit(int32_t c)
{
	if (c < 0x80)
		return c >= '0' && c <= '9';
	return utf8proc_category(c) == UTF8PROC_CATEGORY_ND;
}

static inline size_t cplen(const char *s)
{
	return (size_t)utf8_seqlen((unsigned char)s[0]);
}

static void put_spaced(struct buf *o, const char *p, size_t n)
{
	buf_putc(o, ' ');
	buf_put(o, p, n);
	buf_putc(o, ' ');
}

/* Replaces every occurrence of pat (non-overlapping, left to right) by rep. */
static void replace_all(const char *s, size_t n, const char *pat, const char *rep, struct buf *o)
{
	size_t pn = strlen(pat), rn = strlen(rep), i = 0;

	while (i < n) {
		const char *hit = memmem(s + i, n - i, pat, pn);

		if (!hit) {
			buf_put(o, s + i, n - i);
			break;
		}
		buf_put(o, s + i, (size_t)(hit - (s + i)));
		buf_put(o, rep, rn);
		i = (size_t)(hit - s) + pn;
	}
}

/* Surrounds every byte of set with spaces: r"[...]" -> r" \g<0> ". */
static void space_chars(const char *s, size_t n, const char *set, struct buf *o)
{
	for (size_t i = 0; i < n; i++) {
		if (strchr(set, s[i]) && s[i] != '\0')
			put_spaced(o, s + i, 1);
		else
			buf_putc(o, s[i]);
	}
}

/* ([ \(\[{<])(\"|\'{2}) -> \1 `` */
static void open_quotes(const char *s, size_t n, struct buf *o)
{
	size_t i = 0;

	while (i < n) {
		size_t k = cplen(s + i);

		if (k == 1 && strchr(" ([{<", s[i]) && s[i] != '\0' && i + 1 < n) {
			size_t q = s[i + 1] == '"' ? 1 : (i + 2 < n && s[i + 1] == '\'' && s[i + 2] == '\'')
			                                     ? 2
			                                     : 0;

			if (q) {
				buf_putc(o, s[i]);
				buf_put(o, " `` ", 4);
				i += 1 + q;
				continue;
			}
		}
		buf_put(o, s + i, k);
		i += k;
	}
}

/* ([:,])([^\d]) -> " \1 \2", then ([:,])$ -> " \1 " */
static void colons_commas(const char *s, size_t n, struct buf *o)
{
	size_t i = 0;

	while (i < n) {
		size_t k = cplen(s + i);

		if ((s[i] == ':' || s[i] == ',') && i + 1 < n) {
			int32_t c;
			size_t ck = (size_t)utf8_decode(s + i + 1, &c);

			if (!py_digit(c)) {
				put_spaced(o, s + i, 1);
				buf_put(o, s + i + 1, ck);
				i += 1 + ck;
				continue;
			}
		}
		if ((s[i] == ':' || s[i] == ',') && i + 1 == n) {
			put_spaced(o, s + i, 1);
			i++;
			continue;
		}
		buf_put(o, s + i, k);
		i += k;
	}
}

/* ([^\.])(\.)([\]\)}>"\']*)\s*$ -> \1 \2\3  (the final period) */
static void final_period(const char *s, size_t n, struct buf *o)
{
	size_t e = n, c;

	while (e > 0) {
		size_t p = e - 1;
		int32_t ch;

		while (p > 0 && ((unsigned char)s[p] & 0xC0) == 0x80)
			p--;
		utf8_decode(s + p, &ch);
		if (!py_space(ch))
			break;
		e = p;
	}
	c = e;
	while (c > 0 && strchr("])}>\"'", s[c - 1]) && s[c - 1] != '\0')
		c--;
	if (c < 2 || s[c - 1] != '.' || s[c - 2] == '.') {
		buf_put(o, s, n);
		return;
	}
	buf_put(o, s, c - 1);
	buf_put(o, " .", 2);
	buf_put(o, s + c, e - c);
	buf_putc(o, ' ');
}

/* ([^'])' -> \1 '  */
static void single_quotes(const char *s, size_t n, struct buf *o)
{
	size_t i = 0;

	while (i < n) {
		size_t k = cplen(s + i);

		if (s[i] != '\'' && i + k + 1 < n && s[i + k] == '\'' && s[i + k + 1] == ' ') {
			buf_put(o, s + i, k);
			buf_put(o, " ' ", 3);
			i += k + 2;
			continue;
		}
		buf_put(o, s + i, k);
		i += k;
	}
}

/* ([^' ])('[sS]|'[mM]|'[dD]|') -> \1 \2   and
 * ([^' ])('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) -> \1 \2  */
static void clitics(const char *s, size_t n, int second, struct buf *o)
{
	static const char *two[] = {"'ll", "'LL", "'re", "'RE", "'ve", "'VE", "n't", "N'T"};
	size_t i = 0;

	while (i < n) {
		size_t k = cplen(s + i), j = i + k, g = 0;

		if (s[i] != '\'' && s[i] != ' ' && j < n) {
			if (!second && s[j] == '\'') {
				if (j + 2 < n && strchr("sSmMdD", s[j + 1]) && s[j + 1] != '\0' && s[j + 2] == ' ')
					g = 2;
				else if (j + 1 < n && s[j + 1] == ' ')
					g = 1;
			} else if (second && j + 3 < n && s[j + 3] == ' ') {
				for (int t = 0; t < 8; t++)
					if (memcmp(s + j, two[t], 3) == 0)
						g = 3;
			}
		}
		if (g) {
			buf_put(o, s + i, k);
			buf_putc(o, ' ');
			buf_put(o, s + j, g);
			buf_putc(o, ' ');
			i = j + g + 1;
			continue;
		}
		buf_put(o, s + i, k);
		i += k;
	}
}

static int word_before(const char *s, size_t i)
{
	size_t p = i;
	int32_t c;

	if (i == 0)
		return 0;
	do
		p--;
	while (p > 0 && ((unsigned char)s[p] & 0xC0) == 0x80);
	utf8_decode(s + p, &c);
	return py_word(c);
}

static int word_at(const char *s, size_t n, size_t i)
{
	int32_t c;

	if (i >= n)
		return 0;
	utf8_decode(s + i, &c);
	return py_word(c);
}

/* MacIntyre's contractions: (?i)\b(can)(not)\b and the rest -> " \1 \2 " */
static void contractions(const char *s, size_t n, struct buf *o)
{
	static const struct {
		const char *a, *b;
		int lookahead_space; /* (?=\s) instead of \b */
	} pairs[] = {{"can", "not", 0}, {"d", "'ye", 0},  {"gim", "me", 0},  {"gon", "na", 0},
	             {"got", "ta", 0},  {"lem", "me", 0}, {"more", "'n", 0}, {"wan", "na", 1}};
	size_t i = 0;

	while (i < n) {
		size_t k = cplen(s + i);

		if (k == 1 && strchr("cdglmwCDGLMW", s[i]) && s[i] != '\0' && !word_before(s, i)) {
			for (size_t p = 0; p < sizeof(pairs) / sizeof(*pairs); p++) {
				size_t la = strlen(pairs[p].a), lb = strlen(pairs[p].b), e = i + la + lb;
				int ok;

				if (e > n || strncasecmp(s + i, pairs[p].a, la) != 0 ||
				    strncasecmp(s + i + la, pairs[p].b, lb) != 0)
					continue;
				if (pairs[p].lookahead_space) {
					int32_t c;

					ok = e < n && (utf8_decode(s + e, &c), py_space(c));
				} else {
					ok = !word_at(s, n, e);
				}
				if (!ok)
					continue;
				buf_putc(o, ' ');
				buf_put(o, s + i, la);
				buf_putc(o, ' ');
				buf_put(o, s + i + la, lb);
				buf_putc(o, ' ');
				i = e;
				goto next;
			}
		}
		buf_put(o, s + i, k);
		i += k;
	next:;
	}
}

/* (?i) ('t)(is)\b and (?i) ('t)(was)\b -> " \1 \2 " */
static void tis_twas(const char *s, size_t n, struct buf *o)
{
	size_t i = 0;

	while (i < n) {
		if (s[i] == ' ' && i + 3 < n && s[i + 1] == '\'' && (s[i + 2] | 0x20) == 't') {
			size_t rest = n - i - 3, w = 0;

			if (rest >= 2 && strncasecmp(s + i + 3, "is", 2) == 0)
				w = 2;
			else if (rest >= 3 && strncasecmp(s + i + 3, "was", 3) == 0)
				w = 3;
			if (w && !word_at(s, n, i + 3 + w)) {
				buf_put(o, " ", 1);
				buf_put(o, s + i + 1, 2);
				buf_putc(o, ' ');
				buf_put(o, s + i + 3, w);
				buf_putc(o, ' ');
				i += 3 + w;
				continue;
			}
		}
		buf_putc(o, s[i]);
		i++;
	}
}

/* Python's str.split() then ' '.join(). */
static void split_join(const char *s, size_t n, struct buf *out)
{
	size_t i = 0, start = out->len;
	int in_tok = 0;

	while (i < n) {
		int32_t c;
		size_t k;

		if ((unsigned char)s[i] < 0x80) {
			c = (unsigned char)s[i];
			k = 1;
		} else {
			k = (size_t)utf8_decode(s + i, &c);
		}
		if (py_space(c)) {
			in_tok = 0;
		} else {
			if (!in_tok && out->len > start)
				buf_putc(out, ' ');
			in_tok = 1;
			buf_put(out, s + i, k);
		}
		i += k;
	}
}

typedef void pass_fn(const char *s, size_t n, struct buf *o);

struct ptb_state {
	struct buf *cur, *next;
};

static void run(struct ptb_state *st, pass_fn *fn)
{
	struct buf *t;

	st->next->len = 0;
	fn(st->cur->p, st->cur->len, st->next);
	t = st->cur;
	st->cur = st->next;
	st->next = t;
}

static int has(const struct buf *b, char c)
{
	return memchr(b->p, c, b->len) != NULL;
}

static void p_start_quote(const char *s, size_t n, struct buf *o)
{
	if (n > 0 && s[0] == '"') {
		buf_put(o, "``", 2);
		buf_put(o, s + 1, n - 1);
	} else {
		buf_put(o, s, n);
	}
}
static void p_backticks(const char *s, size_t n, struct buf *o) { replace_all(s, n, "``", " `` ", o); }
static void p_ellipsis(const char *s, size_t n, struct buf *o) { replace_all(s, n, "...", " ... ", o); }
static void p_misc(const char *s, size_t n, struct buf *o) { space_chars(s, n, ";@#$%&", o); }
static void p_qmark(const char *s, size_t n, struct buf *o) { space_chars(s, n, "?!", o); }
static void p_brackets(const char *s, size_t n, struct buf *o) { space_chars(s, n, "][(){}<>", o); }
static void p_dashes(const char *s, size_t n, struct buf *o) { replace_all(s, n, "--", " -- ", o); }
static void p_pad(const char *s, size_t n, struct buf *o)
{
	buf_putc(o, ' ');
	buf_put(o, s, n);
	buf_putc(o, ' ');
}
static void p_two_quotes(const char *s, size_t n, struct buf *o) { replace_all(s, n, "''", " '' ", o); }
static void p_dquote(const char *s, size_t n, struct buf *o) { replace_all(s, n, "\"", " '' ", o); }
static void p_clitics1(const char *s, size_t n, struct buf *o) { clitics(s, n, 0, o); }
static void p_clitics2(const char *s, size_t n, struct buf *o) { clitics(s, n, 1, o); }

void tok_ptb(const char *s, size_t n, struct buf *out)
{
	struct ptb_state st = {&scratch[0], &scratch[1]};

	st.cur->len = 0;
	buf_put(st.cur, s, n);
	if (has(st.cur, '"'))
		run(&st, p_start_quote);
	if (has(st.cur, '`'))
		run(&st, p_backticks);
	if (has(st.cur, '"') || has(st.cur, '\''))
		run(&st, open_quotes);
	if (has(st.cur, ':') || has(st.cur, ','))
		run(&st, colons_commas);
	if (has(st.cur, '.')) {
		if (memmem(st.cur->p, st.cur->len, "...", 3))
			run(&st, p_ellipsis);
	}
	if (has(st.cur, ';') || has(st.cur, '@') || has(st.cur, '#') || has(st.cur, '$') ||
	    has(st.cur, '%') || has(st.cur, '&'))
		run(&st, p_misc);
	if (has(st.cur, '.'))
		run(&st, final_period);
	if (has(st.cur, '?') || has(st.cur, '!'))
		run(&st, p_qmark);
	if (has(st.cur, '\''))
		run(&st, single_quotes);
	if (has(st.cur, '[') || has(st.cur, ']') || has(st.cur, '(') || has(st.cur, ')') ||
	    has(st.cur, '{') || has(st.cur, '}') || has(st.cur, '<') || has(st.cur, '>'))
		run(&st, p_brackets);
	if (has(st.cur, '-'))
		run(&st, p_dashes);
	run(&st, p_pad);
	if (has(st.cur, '\'')) {
		run(&st, p_two_quotes);
	}
	if (has(st.cur, '"'))
		run(&st, p_dquote);
	if (has(st.cur, '\'')) {
		run(&st, p_clitics1);
		run(&st, p_clitics2);
	}
	run(&st, contractions);
	if (has(st.cur, '\''))
		run(&st, tis_twas);
	split_join(st.cur->p, st.cur->len, out);
}
