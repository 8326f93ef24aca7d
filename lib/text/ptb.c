/* ptb.c: Penn Treebank tokenization with the exact rewriting steps of NLTK's
 * TreebankWordTokenizer (nltk/tokenize/treebank.py), each regular expression replaced by a
 * hand-written scan with the same leftmost, non-overlapping semantics. Steps whose trigger
 * character is absent from the line are skipped. Python's classes are followed: \d is Unicode Nd,
 * \w is a letter, number or '_', \s and str.split() use Python's whitespace. */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "text/ptb.h"
#include "text/pystr.h"
#include "text/utf8.h"

static struct buf scratch[2];

/* ASCII classes, a table for the hot loops: \w and Python whitespace (from text/pystr.h), and
 * the first letters of MacIntyre's contractions. */
enum { A_WORD = 1, A_SPACE = 2, A_FIRST = 4 };
static unsigned char ascii_class[128];

static void ascii_class_init(void)
{
	if (ascii_class['a'])
		return;
	for (int c = 0; c < 128; c++)
		ascii_class[c] = (unsigned char)((pystr_isword(c) ? A_WORD : 0) |
		                                 (pystr_isspace(c) ? A_SPACE : 0) |
		                                 (c && strchr("cdglmwCDGLMW", c) ? A_FIRST : 0));
}

/* Every pass writes at most four bytes per input byte (a '"' becomes " '' "), plus padding: it
 * reserves that once and writes through a pointer. */
static inline char *begin(struct buf *o, size_t n)
{
	buf_reserve(o, 4 * n + 16);
	return o->p + o->len;
}

static inline void end(struct buf *o, char *w)
{
	o->len = (size_t)(w - o->p);
}

static inline char *put(char *w, const char *p, size_t n)
{
	memcpy(w, p, n);
	return w + n;
}

/* Ends a pass that rewrites matches: copies the text after the last one, s[0..n). */
static inline void end_rest(struct buf *o, char *w, const char *s, size_t n)
{
	end(o, put(w, s, n));
}

/* Inserts a space before s[at]: copies s[*from..at), writes ' ' and moves *from to at. */
static inline char *space_at(char *w, const char *s, size_t *from, size_t at)
{
	w = put(w, s + *from, at - *from);
	*w++ = ' ';
	*from = at;
	return w;
}

static inline char *put_spaced(char *w, char c)
{
	w[0] = ' ';
	w[1] = c;
	w[2] = ' ';
	return w + 3;
}

/* memmem for the short patterns here: memchr to each candidate first byte, then compare. */
static const char *find(const char *s, size_t n, const char *pat, size_t pn)
{
	const char *end = s + n;

	while ((size_t)(end - s) >= pn) {
		const char *q = memchr(s, pat[0], (size_t)(end - s) - pn + 1);

		if (!q)
			return NULL;
		size_t k = 1;

		while (k < pn && q[k] == pat[k])
			k++;
		if (k == pn)
			return q;
		s = q + 1;
	}
	return NULL;
}

/* Replaces every occurrence of pat (non-overlapping, left to right) by rep. */
static void replace_all(const char *s, size_t n, const char *pat, const char *rep, struct buf *o)
{
	size_t pn = strlen(pat), rn = strlen(rep), i = 0;
	char *w = begin(o, n);

	while (i < n) {
		const char *hit = find(s + i, n - i, pat, pn);

		if (!hit) {
			w = put(w, s + i, n - i);
			break;
		}
		w = put(w, s + i, (size_t)(hit - (s + i)));
		w = put(w, rep, rn);
		i = (size_t)(hit - s) + pn;
	}
	end(o, w);
}

/* Surrounds every byte of set with spaces: r"[...]" -> r" \g<0> ". */
static void space_chars(const char *s, size_t n, const char *set, struct buf *o)
{
	unsigned char in[256] = {0};
	char *w = begin(o, n);

	for (; *set; set++)
		in[(unsigned char)*set] = 1;
	for (size_t i = 0; i < n; i++) {
		if (in[(unsigned char)s[i]])
			w = put_spaced(w, s[i]);
		else
			*w++ = s[i];
	}
	end(o, w);
}

/* The next occurrence of c at or after i (n when none), with a cache so that a character that
 * does not occur is not searched for again: *at is the last answer. */
static size_t next_of(const char *s, size_t n, size_t i, char c, size_t *at)
{
	if (*at < i || *at == (size_t)-1) {
		const char *p = memchr(s + i, c, n - i);

		*at = p ? (size_t)(p - s) : n;
	}
	return *at;
}

/* ([ \(\[{<])(\"|\'{2}) -> \1 `` : a match is an opener followed by a quote, so the scan
 * jumps from quote to quote. */
static void open_quotes(const char *s, size_t n, struct buf *o)
{
	char *w = begin(o, n);
	size_t from = 0, pos = 1, dq = (size_t)-1, sq = (size_t)-1;

	while (pos < n) {
		size_t ja = next_of(s, n, pos, '"', &dq), jb = next_of(s, n, pos, '\'', &sq);
		const char *q;
		size_t j, len;
		char c;

		if (ja >= n && jb >= n)
			break;
		j = ja < jb ? ja : jb;
		q = s + j;
		c = s[j - 1];
		len = *q == '"' ? 1 : (j + 1 < n && s[j + 1] == '\'') ? 2 : 0;
		if (len && j - 1 >= from &&
		    (c == ' ' || c == '(' || c == '[' || c == '{' || c == '<')) {
			w = put(w, s + from, j - from);
			w = put(w, " `` ", 4);
			from = j + len;
			pos = from + 1;
		} else {
			pos = j + 1;
		}
	}
	end_rest(o, w, s + from, n - from);
}

/* ([:,])([^\d]) -> " \1 \2", then ([:,])$ -> " \1 " */
static void colons_commas(const char *s, size_t n, struct buf *o)
{
	char *w = begin(o, n);
	size_t i = 0, colon = (size_t)-1, comma = (size_t)-1;

	while (i < n) {
		size_t a = next_of(s, n, i, ':', &colon), b = next_of(s, n, i, ',', &comma);
		size_t j = a < b ? a : b;
		char c;

		w = put(w, s + i, j - i);
		if (j >= n)
			break;
		c = s[j];
		if (j + 1 == n) {
			w = put_spaced(w, c);
			i = n;
			break;
		}
		{
			int32_t d;
			size_t dk = (size_t)utf8_decode(s + j + 1, &d);

			if (pystr_isdigit(d)) {
				*w++ = c;
				i = j + 1;
				continue;
			}
			w = put_spaced(w, c);
			w = put(w, s + j + 1, dk);
			i = j + 1 + dk;
		}
	}
	end(o, w);
}

/* ([^\.])(\.)([\]\)}>"\']*)\s*$ -> \1 \2\3  (the final period) */
static void final_period(const char *s, size_t n, struct buf *o)
{
	size_t e = utf8_trim_end(s, n, pystr_isspace), c = e;
	char *w = begin(o, n);

	while (c > 0 && (s[c - 1] == ']' || s[c - 1] == ')' || s[c - 1] == '}' || s[c - 1] == '>' ||
	                 s[c - 1] == '"' || s[c - 1] == '\''))
		c--;
	if (c < 2 || s[c - 1] != '.' || s[c - 2] == '.') {
		w = put(w, s, n);
	} else {
		w = put(w, s, c - 1);
		w = put(w, " .", 2);
		w = put(w, s + c, e - c);
		*w++ = ' ';
	}
	end(o, w);
}

/* ([^'])' -> \1 '  */
static void single_quotes(const char *s, size_t n, struct buf *o)
{
	char *w = begin(o, n);
	size_t from = 0, pos = 0;
	const char *q;

	/* each match is (char before an apostrophe) + "' "; jump from apostrophe to apostrophe */
	while (pos < n && (q = memchr(s + pos, '\'', n - pos))) {
		size_t j = (size_t)(q - s), b = j;

		if (j > 0)
			b = utf8_prev(s, j);
		if (j > 0 && b >= pos && s[b] != '\'' && j + 1 < n && s[j + 1] == ' ') {
			w = space_at(w, s, &from, j); /* "' " -> " ' " */
			pos = j + 2;
		} else {
			pos = j + 1;
		}
	}
	end_rest(o, w, s + from, n - from);
}

/* ([^' ])('[sS]|'[mM]|'[dD]|') -> \1 \2   (second == 0) and
 * ([^' ])('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) -> \1 \2   (second == 1) */
static void clitics(const char *s, size_t n, int second, struct buf *o)
{
	static const char *two[] = {"'ll", "'LL", "'re", "'RE", "'ve", "'VE"};
	char *w = begin(o, n);
	size_t from = 0, pos = 0;
	const char *q;

	while (pos < n && (q = memchr(s + pos, '\'', n - pos))) {
		size_t a = (size_t)(q - s), j = a, g = 0, b;

		/* the group starts at the apostrophe, or one before it for n't */
		if (second && a >= 1 && a + 2 < n && s[a + 2] == ' ' &&
		    ((s[a - 1] == 'n' && s[a + 1] == 't') || (s[a - 1] == 'N' && s[a + 1] == 'T')) &&
		    a - 1 > pos) {
			j = a - 1;
			g = 3;
		} else if (second && a + 3 < n && s[a + 3] == ' ') {
			for (int t = 0; t < 6; t++)
				if (memcmp(s + a, two[t], 3) == 0)
					g = 3;
		} else if (!second) {
			char x = a + 1 < n ? s[a + 1] : 0;

			if (a + 2 < n && s[a + 2] == ' ' &&
			    (x == 's' || x == 'S' || x == 'm' || x == 'M' || x == 'd' || x == 'D'))
				g = 2;
			else if (x == ' ')
				g = 1;
		}
		if (g && j > 0) {
			b = utf8_prev(s, j);
			if (b < pos || s[b] == '\'' || s[b] == ' ')
				g = 0;
		} else {
			g = 0;
		}
		if (!g) {
			pos = a + 1;
			continue;
		}
		w = space_at(w, s, &from, j); /* a space already follows the group */
		pos = j + g + 1;
	}
	end_rest(o, w, s + from, n - from);
}

/* Bytes of v that are zero get their high bit set (a byte above a zero byte may too: callers
 * use this as a filter only). */
static inline uint64_t zero_bytes(uint64_t v)
{
	return (v - 0x0101010101010101ull) & ~v & 0x8080808080808080ull;
}

/* Whether s may hold "nn", "mm" or "tt" in any letter case: eight bytes at a time, a superset
 * (false positives are allowed, false negatives are not). */
static int doubled_nmt(const char *s, size_t n)
{
	const uint64_t lower = 0x2020202020202020ull;
	size_t i = 0;

	for (; i + 9 <= n; i += 8) {
		uint64_t a, b, x;

		memcpy(&a, s + i, 8);
		memcpy(&b, s + i + 1, 8);
		a |= lower;
		b |= lower;
		x = zero_bytes(a ^ b) & (zero_bytes(a ^ 0x6e6e6e6e6e6e6e6eull) |
		                         zero_bytes(a ^ 0x6d6d6d6d6d6d6d6dull) |
		                         zero_bytes(a ^ 0x7474747474747474ull));
		if (x)
			return 1;
	}
	for (; i + 1 < n; i++) {
		unsigned c = (unsigned char)s[i] | 0x20;

		if (c == ((unsigned char)s[i + 1] | 0x20u) && (c == 'n' || c == 'm' || c == 't'))
			return 1;
	}
	return 0;
}

/* Whether the line may hold a MacIntyre contraction: a doubled n, m or t after "ca", "go",
 * "wa", "gi", "le" or "go" (cannot, gonna, wanna, gimme, lemme, gotta), or an apostrophe after a d
 * or before an n (d'ye, more'n), in any letter case. A cheap test that lets most lines skip the
 * exact scan. */
static int may_contract(const char *s, size_t n)
{
	if (!doubled_nmt(s, n) && !memchr(s, '\'', n))
		return 0;
	for (size_t i = 1; i + 1 < n; i++) {
		char c = (char)(s[i] | 0x20), a, b;

		if (s[i] == '\'') {
			if ((s[i - 1] | 0x20) == 'd' || (s[i + 1] | 0x20) == 'n')
				return 1;
			continue;
		}
		if ((c != 'n' && c != 'm' && c != 't') || (s[i + 1] | 0x20) != c || i < 2)
			continue;
		a = (char)(s[i - 2] | 0x20);
		b = (char)(s[i - 1] | 0x20);
		if ((a == 'c' && b == 'a') || (a == 'g' && b == 'o') || (a == 'w' && b == 'a') ||
		    (a == 'g' && b == 'i') || (a == 'l' && b == 'e'))
			return 1;
	}
	return 0;
}

/* MacIntyre's contractions: (?i)\b(can)(not)\b and the rest -> " \1 \2 " */
static void contractions(const char *s, size_t n, struct buf *o)
{
	static const struct {
		const char *a, *b;
		int lookahead_space; /* (?=\s) instead of \b */
	} pairs[] = {{"can", "not", 0}, {"d", "'ye", 0},  {"gim", "me", 0},  {"gon", "na", 0},
	             {"got", "ta", 0},  {"lem", "me", 0}, {"more", "'n", 0}, {"wan", "na", 1}};
	char *w = begin(o, n);
	size_t i = 0;
	int prev_word = 0;

	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		int32_t cp;
		size_t k;

		if (c < 0x80 && (prev_word || !(ascii_class[c] & A_FIRST))) {
			/* the common case: nothing can start here */
			*w++ = (char)c;
			prev_word = ascii_class[c] & A_WORD;
			i++;
			continue;
		}
		if (c >= 0x80) {
			k = (size_t)utf8_decode(s + i, &cp);
			w = put(w, s + i, k);
			prev_word = pystr_isword(cp);
			i += k;
			continue;
		}
		{
			for (size_t p = 0; p < sizeof(pairs) / sizeof(*pairs); p++) {
				size_t la = strlen(pairs[p].a), lb = strlen(pairs[p].b), e = i + la + lb;
				int ok;

				if (e > n || (c | 0x20) != pairs[p].a[0] ||
				    strncasecmp(s + i, pairs[p].a, la) != 0 ||
				    strncasecmp(s + i + la, pairs[p].b, lb) != 0)
					continue;
				if (pairs[p].lookahead_space) {
					int32_t d;

					ok = e < n && (utf8_decode(s + e, &d), pystr_isspace(d));
				} else {
					int32_t d;

					ok = e >= n || (utf8_decode(s + e, &d), !pystr_isword(d));
				}
				if (!ok)
					continue;
				*w++ = ' ';
				w = put(w, s + i, la);
				*w++ = ' ';
				w = put(w, s + i + la, lb);
				*w++ = ' ';
				i = e;
				prev_word = 1;
				goto next;
			}
		}
		*w++ = (char)c;
		prev_word = 1;
		i++;
	next:;
	}
	end(o, w);
}

/* (?i) ('t)(is)\b -> " \1 \2 " (word "is"), or the same with "was": NLTK applies the two one
 * after the other, so " 'tis'twas" becomes " 't is 't was ". */
static void tis_or_twas(const char *s, size_t n, const char *word, struct buf *o)
{
	char *w = begin(o, n);
	size_t from = 0, pos = 1, v = strlen(word);
	const char *q;

	/* a match starts with " '": jump from apostrophe to apostrophe */
	while (pos < n && (q = memchr(s + pos, '\'', n - pos))) {
		size_t a = (size_t)(q - s);
		int32_t d;

		if (s[a - 1] == ' ' && a - 1 >= from && a + 2 + v <= n && (s[a + 1] | 0x20) == 't' &&
		    strncasecmp(s + a + 2, word, v) == 0 &&
		    (a + 2 + v == n || (utf8_decode(s + a + 2 + v, &d), !pystr_isword(d)))) {
			w = space_at(w, s, &from, a);
			w = space_at(w, s, &from, a + 2);
			w = space_at(w, s, &from, a + 2 + v);
			pos = from + 1;
		} else {
			pos = a + 1;
		}
	}
	end_rest(o, w, s + from, n - from);
}

/* Python's str.split() then ' '.join(). */
static void split_join(const char *s, size_t n, struct buf *out)
{
	char *w, *first;
	size_t i = 0;
	int in_tok = 0;

	buf_reserve(out, n + 1);
	w = first = out->p + out->len;
	/* fast path: runs between plain spaces, until a byte that may be other whitespace */
	while (i < n) {
		const char *sp;
		size_t j;

		while (i < n && s[i] == ' ')
			i++;
		if (i >= n)
			break;
		sp = memchr(s + i, ' ', n - i);
		j = sp ? (size_t)(sp - s) : n;
		for (size_t k = i; k < j; k++) {
			unsigned char c = (unsigned char)s[k];

			if (c >= 0x80 || (c < 0x20 && (ascii_class[c] & A_SPACE)))
				goto slow;
		}
		if (w > first)
			*w++ = ' ';
		w = put(w, s + i, j - i);
		i = j;
	}
	end(out, w);
	return;
slow:
	/* the general path, from the token at i on */
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		int32_t cp;
		size_t k = 1;

		if (c < 0x80) {
			if (!(ascii_class[c] & A_SPACE)) {
				/* a run of ASCII token bytes */
				size_t j = i + 1;

				while (j < n && (unsigned char)s[j] < 0x80 &&
				       !(ascii_class[(unsigned char)s[j]] & A_SPACE))
					j++;
				if (!in_tok && w > first)
					*w++ = ' ';
				in_tok = 1;
				w = put(w, s + i, j - i);
				i = j;
				continue;
			}
			cp = c;
		} else {
			k = (size_t)utf8_decode(s + i, &cp);
		}
		if (pystr_isspace(cp)) {
			in_tok = 0;
		} else {
			if (!in_tok && w > first)
				*w++ = ' ';
			in_tok = 1;
			w = put(w, s + i, k);
		}
		i += k;
	}
	end(out, w);
}

typedef void pass_fn(const char *s, size_t n, struct buf *o);

struct ptb_state {
	struct buf *cur, *next;
	/* bytes the line may hold: set from the input, and for the bytes passes insert (` and ');
	 * a byte a pass removed may still read as present, which only costs a pass */
	unsigned char present[256];
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

static inline int has(const struct ptb_state *st, char c)
{
	return st->present[(unsigned char)c];
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
static void p_tis(const char *s, size_t n, struct buf *o) { tis_or_twas(s, n, "is", o); }
static void p_twas(const char *s, size_t n, struct buf *o) { tis_or_twas(s, n, "was", o); }

void ptb_tokenize(const char *s, size_t n, struct buf *out)
{
	struct ptb_state st;

	ascii_class_init();
	memset(st.present, 0, sizeof(st.present));
	for (size_t i = 0; i < n; i++)
		st.present[(unsigned char)s[i]] = 1;
	st.cur = &scratch[0];
	st.next = &scratch[1];
	st.cur->len = 0;
	buf_put(st.cur, s, n);
	if (has(&st, '"')) {
		run(&st, p_start_quote);
		st.present['`'] = 1;
	}
	if (has(&st, '`'))
		run(&st, p_backticks);
	if (has(&st, '"') || has(&st, '\'')) {
		run(&st, open_quotes);
		st.present['`'] = 1;
	}
	if (has(&st, ':') || has(&st, ','))
		run(&st, colons_commas);
	if (has(&st, '.')) {
		if (find(st.cur->p, st.cur->len, "...", 3))
			run(&st, p_ellipsis);
	}
	if (has(&st, ';') || has(&st, '@') || has(&st, '#') || has(&st, '$') ||
	    has(&st, '%') || has(&st, '&'))
		run(&st, p_misc);
	if (has(&st, '.'))
		run(&st, final_period);
	if (has(&st, '?') || has(&st, '!'))
		run(&st, p_qmark);
	if (has(&st, '\''))
		run(&st, single_quotes);
	if (has(&st, '[') || has(&st, ']') || has(&st, '(') || has(&st, ')') ||
	    has(&st, '{') || has(&st, '}') || has(&st, '<') || has(&st, '>'))
		run(&st, p_brackets);
	if (has(&st, '-'))
		run(&st, p_dashes);
	run(&st, p_pad);
	if (has(&st, '\'')) {
		run(&st, p_two_quotes);
	}
	if (has(&st, '"')) {
		run(&st, p_dquote);
		st.present['\''] = 1;
	}
	if (has(&st, '\'')) {
		run(&st, p_clitics1);
		run(&st, p_clitics2);
	}
	if (may_contract(st.cur->p, st.cur->len))
		run(&st, contractions);
	if (has(&st, '\'')) {
		run(&st, p_tis);
		run(&st, p_twas);
	}
	split_join(st.cur->p, st.cur->len, out);
}
