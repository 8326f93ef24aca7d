/* bpeline.c: applying the merges to lines (styles, escapes, the vocabulary filter, the cache)
 * and decoding pieces back into words. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/io.h"
#include "base/mem.h"
#include "base/spans.h"
#include "text/bpeline.h"
#include "text/utf8.h"

const char *const bpe_style_names[] = {"subword-nmt", "sentencepiece", NULL};

#define MARK "@@"                 /* subword-nmt: after a piece the word goes on from */
#define MARK_LEN 2
#define START "\xe2\x96\x81"      /* SentencePiece: U+2581 before a word's first piece */
#define START_LEN 3

enum { FIRST = 1, FINAL = 2 };

int bpe_apply_init(struct bpe_apply *a, const struct bpe *b, enum bpe_style st,
                   size_t cache_max, struct error *e)
{
	memset(a, 0, sizeof(*a));
	a->b = b;
	a->style = st;
	if (cache_max >= sizeof(struct bpe_cache_line)) {
		size_t n = 1;

		while (2 * n <= cache_max / sizeof(struct bpe_cache_line))
			n *= 2;
		if (!(a->cache = calloc(n, sizeof(*a->cache))))
			return error_set(e, -1, ENOMEM, NULL, 0, "the cache of words");
		a->cache_mask = n - 1;
	}
	return 0;
}

void bpe_apply_free(struct bpe_apply *a)
{
	if (a->owns_vocab)
		strtab_free(&a->own_vocab);
	free(a->cache);
	buf_free(&a->tmp);
	bpe_seg_free(&a->seg);
	free(a->stack);
	free(a->line);
	memset(a, 0, sizeof(*a));
}

/* The vocabulary's line "PIECE<TAB>COUNT" or "PIECE COUNT": adds PIECE when COUNT >= threshold. */
static int vocab_line(struct strtab *v, char *s, size_t n, uint64_t threshold, const char *name,
                      uint64_t line, struct error *e)
{
	size_t sep = n, i;
	uint64_t count = 0;

	if (n > 0 && s[n - 1] == '\r')
		n--;
	for (i = n; i-- > 0;)
		if (s[i] == '\t') {
			sep = i;
			break;
		}
	if (sep == n)
		for (i = n; i-- > 0;)
			if (s[i] == ' ') {
				sep = i;
				break;
			}
	if (sep == n || sep == 0 || sep + 1 == n)
		return error_bad(e, name, line, "not a vocabulary entry: PIECE<TAB>COUNT or PIECE COUNT");
	for (i = sep + 1; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return error_bad(e, name, line, "the count is not a whole number");
		if (count > (UINT64_MAX - 9) / 10)
			return error_bad(e, name, line, "the count is too large");
		count = count * 10 + (uint64_t)(s[i] - '0');
	}
	if (utf8_valid_prefix(s, sep) != sep)
		return error_bad(e, name, line, "invalid UTF-8");
	for (i = 0; i < sep; i++)
		if (spans_is_blank((unsigned char)s[i]))
			return error_bad(e, name, line, "a piece with a blank is not a vocabulary entry");
	if (count >= threshold && strtab_intern(v, s, sep) < 0)
		return error_set(e, -1, ENOMEM, name, line, "read");
	return 0;
}

int bpe_apply_vocab(struct bpe_apply *a, const char *path, uint64_t threshold, struct error *e)
{
	const char *name = path && strcmp(path, "-") ? path : "<stdin>";
	struct reader r;
	uint64_t line = 0;
	char *s;
	ssize_t n;
	int ret = 0;

	if (strtab_init(&a->own_vocab, 4096) < 0)
		return error_set(e, -1, ENOMEM, name, 0, "read");
	a->owns_vocab = 1;
	a->vocab = &a->own_vocab;
	if (reader_open(&r, path) < 0)
		return error_sys(e, NULL, "open %s", name);
	while ((n = reader_line(&r, &s)) >= 0)
		if ((ret = vocab_line(&a->own_vocab, s, (size_t)n, threshold, name, ++line, e)) < 0)
			break;
	if (n == -2)
		ret = error_sys(e, NULL, "read %s", name);
	reader_close(&r);
	return ret;
}

/* Whether word w[0..n) ends in MARK and zero or more backslashes: subword-nmt's style escapes
 * it by one more backslash, as decoding would take the MARK for a piece's. */
static int nmt_escaped(const char *w, size_t n)
{
	while (n > 0 && w[n - 1] == '\\')
		n--;
	return n >= MARK_LEN && memcmp(w + n - MARK_LEN, MARK, MARK_LEN) == 0;
}

/* Whether p[0..n) starts with zero or more backslashes and START: SentencePiece's style escapes
 * such a piece after a word's first by one backslash in front, as decoding would take it for
 * the start of a word. */
static int spm_escaped(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && p[i] == '\\')
		i++;
	return n - i >= START_LEN && memcmp(p + i, START, START_LEN) == 0;
}

/* Appends the piece p[0..n) as the style writes it (without the space before it). */
static void write_piece(const struct bpe_apply *a, const char *p, size_t n, unsigned flags,
                        int word_escaped, struct buf *out)
{
	if (a->style == BPE_SUBWORD_NMT) {
		buf_put(out, p, n);
		if (!(flags & FINAL))
			buf_put(out, MARK, MARK_LEN);
		else if (word_escaped)
			buf_putc(out, '\\');
	} else {
		if (flags & FIRST)
			buf_put(out, START, START_LEN);
		else if (spm_escaped(p, n))
			buf_putc(out, '\\');
		buf_put(out, p, n);
	}
}

/* Whether the vocabulary has piece p[0..n) as written. */
static int known(struct bpe_apply *a, const char *p, size_t n, unsigned flags, int esc)
{
	a->tmp.len = 0;
	write_piece(a, p, n, flags, esc, &a->tmp);
	return strtab_find(a->vocab, a->tmp.p, a->tmp.len) >= 0;
}

static void push_split(struct bpe_apply *a, uint32_t sym, uint32_t s, uint32_t t, unsigned flags)
{
	if (a->nstack == a->stack_cap) {
		a->stack_cap = a->stack_cap ? 2 * a->stack_cap : 64;
		a->stack = erealloc(a->stack, a->stack_cap * sizeof(*a->stack));
	}
	a->stack[a->nstack++] = (struct bpe_split){sym, s, t, flags};
}

/* Appends a piece of word w (symbol sym, bytes [s, t)) when the vocabulary knows it, else its
 * halves by the first merge that made its symbol, each checked the same way, left one first;
 * a symbol no merge made is written as it is (subword-nmt's recursive_split, on a stack). */
static void write_checked(struct bpe_apply *a, const char *w, uint32_t sym, uint32_t s, uint32_t t,
                          unsigned flags, int esc, struct buf *out)
{
	const struct bpe *b = a->b;

	a->nstack = 0;
	push_split(a, sym, s, t, flags);
	while (a->nstack > 0) {
		struct bpe_split x = a->stack[--a->nstack];
		uint32_t rank = x.sym == BPE_NONE ? BPE_NONE : b->made_by[x.sym], mid;
		size_t llen;

		if (rank != BPE_NONE && !known(a, w + x.a, x.b - x.a, x.flags, esc)) {
			strtab_key(&b->syms, b->left[rank], &llen);
			if (llen > 0 && llen < x.b - x.a) {
				mid = x.a + (uint32_t)llen;
				/* right first onto the stack: the left half comes out first */
				push_split(a, b->right[rank], mid, x.b, x.flags & FINAL);
				push_split(a, b->left[rank], x.a, mid, x.flags & FIRST);
				continue;
			}
		}
		if (!(x.flags & FIRST))
			buf_putc(out, ' ');
		write_piece(a, w + x.a, x.b - x.a, x.flags, esc, out);
	}
}

/* Appends word w[0..n)'s pieces. */
static void write_word(struct bpe_apply *a, const char *w, size_t n, struct buf *out)
{
	int esc = a->style == BPE_SUBWORD_NMT && nmt_escaped(w, n);
	struct bpe_seg *g = &a->seg;
	size_t k;

	if (!bpe_seg_fits(n)) {
		write_piece(a, w, n, FIRST | FINAL, esc, out);
		return;
	}
	k = bpe_segment(a->b, w, n, g);
	for (size_t i = 0; i < k; i++) {
		unsigned flags = (i == 0 ? FIRST : 0) | (i + 1 == k ? FINAL : 0);

		if (a->vocab) {
			write_checked(a, w, g->sym[i], g->start[i], g->start[i + 1], flags, esc, out);
		} else {
			if (i > 0)
				buf_putc(out, ' ');
			write_piece(a, w + g->start[i], g->start[i + 1] - g->start[i], flags, esc, out);
		}
	}
}

/* Appends word w[0..n)'s pieces (h: its strtab_hash_bytes), from the cache when its line holds
 * the word. */
static void apply_word(struct bpe_apply *a, const char *w, size_t n, uint64_t h, struct buf *out)
{
	struct bpe_cache_line *c;
	size_t at;

	if (!a->cache || n >= sizeof(c->bytes)) {
		write_word(a, w, n, out);
		return;
	}
	c = &a->cache[h & a->cache_mask];
	if (c->klen == n && memcmp(c->bytes, w, n) == 0) {
		buf_put(out, c->bytes + n, c->plen);
		return;
	}
	at = out->len;
	write_word(a, w, n, out);
	if (n + (out->len - at) <= sizeof(c->bytes)) {
		c->klen = (uint8_t)n;
		c->plen = (uint8_t)(out->len - at);
		memcpy(c->bytes, w, n);
		memcpy(c->bytes + n, out->p + at, out->len - at);
	}
}

#define AHEAD 8 /* words whose cache lines are asked for before they are needed */

void bpe_apply_line(struct bpe_apply *a, const char *s, size_t n, struct buf *out)
{
	size_t i = 0, j, k, end = 0;

	/* the words first, so that the cache's lines of the next ones load while one is written */
	a->nline = 0;
	while (i < n) {
		if (spans_is_blank((unsigned char)s[i])) {
			i++;
			continue;
		}
		for (j = i; j < n && !spans_is_blank((unsigned char)s[j]); j++)
			;
		if (a->nline == a->line_cap) {
			a->line_cap = a->line_cap ? 2 * a->line_cap : 256;
			a->line = erealloc(a->line, a->line_cap * sizeof(*a->line));
		}
		a->line[a->nline++] = (struct bpe_word){i, j - i, a->cache ? strtab_hash_bytes(s + i, j - i) : 0};
		i = j;
	}
	for (k = 0; k < a->nline; k++) {
		const struct bpe_word *w = &a->line[k];

		if (a->cache && k + AHEAD < a->nline)
			__builtin_prefetch(&a->cache[a->line[k + AHEAD].h & a->cache_mask]);
		buf_put(out, s + end, w->at - end); /* the blanks before it */
		apply_word(a, s + w->at, w->n, w->h, out);
		end = w->at + w->n;
	}
	buf_put(out, s + end, n - end);
}

/* subword-nmt: a token ending in MARK before one space and a token goes on into it (any other
 * token is a word's last); a word ending in MARK and one or more backslashes loses one
 * backslash. */
static void decode_nmt(const char *s, size_t n, struct buf *out)
{
	size_t i = 0, j, word = out->len;
	int in_word = 0;

	while (i < n) {
		if (spans_is_blank((unsigned char)s[i])) {
			buf_putc(out, s[i++]);
			continue;
		}
		for (j = i; j < n && !spans_is_blank((unsigned char)s[j]); j++)
			;
		if (!in_word)
			word = out->len;
		in_word = 1;
		if (j - i >= MARK_LEN && memcmp(s + j - MARK_LEN, MARK, MARK_LEN) == 0 && j + 1 < n &&
		    s[j] == ' ' && !spans_is_blank((unsigned char)s[j + 1])) {
			buf_put(out, s + i, j - i - MARK_LEN);
			i = j + 1; /* the word goes on */
			continue;
		}
		buf_put(out, s + i, j - i);
		in_word = 0;
		if (out->len > word && out->p[out->len - 1] == '\\' && nmt_escaped(out->p + word,
		                                                                    out->len - word))
			out->len--;
		i = j;
	}
}

/* SentencePiece: a token starting with START starts a word; one after a single space without it
 * goes on with the word before (a backslash before backslashes and START dropped). */
static void decode_spm(const char *s, size_t n, struct buf *out)
{
	size_t i = 0, j;

	while (i < n) {
		if (spans_is_blank((unsigned char)s[i])) {
			buf_putc(out, s[i++]);
			continue;
		}
		for (j = i; j < n && !spans_is_blank((unsigned char)s[j]); j++)
			;
		if (j - i >= START_LEN && memcmp(s + i, START, START_LEN) == 0) {
			buf_put(out, s + i + START_LEN, j - i - START_LEN);
		} else if (i >= 2 && s[i - 1] == ' ' && !spans_is_blank((unsigned char)s[i - 2])) {
			out->len--; /* the space before it */
			if (s[i] == '\\' && spm_escaped(s + i, j - i))
				i++;
			buf_put(out, s + i, j - i);
		} else {
			buf_put(out, s + i, j - i);
		}
		i = j;
	}
}

void bpe_decode_line(enum bpe_style st, const char *s, size_t n, struct buf *out)
{
	if (st == BPE_SUBWORD_NMT)
		decode_nmt(s, n, out);
	else
		decode_spm(s, n, out);
}
