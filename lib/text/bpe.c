/* bpe.c: the merges (symbols in a string table, ranks in a table of pairs), their file, and a
 * word's segmentation: a scan for the least rank on short words, a heap of adjacent pairs on long
 * ones, both applying subword-nmt's rule. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/heap.h"
#include "base/io.h"
#include "base/mem.h"
#include "base/spans.h"
#include "text/bpe.h"
#include "text/tokenize.h"
#include "text/utf8.h"

#define SCAN_MAX 32 /* graphemes up to which a word is merged by scanning its pairs each round */

int bpe_init(struct bpe *b, struct error *e)
{
	memset(b, 0, sizeof(*b));
	for (int i = 0; i < 128; i++)
		b->ascii[0][i] = b->ascii[1][i] = BPE_NONE;
	if (strtab_init(&b->syms, 1024) < 0 || u64map_init(&b->pairs, 1024) < 0 ||
	    u64map_init(&b->chars, 256) < 0) {
		bpe_free(b);
		return error_set(e, -1, ENOMEM, NULL, 0, "merges");
	}
	return 0;
}

void bpe_free(struct bpe *b)
{
	strtab_free(&b->syms);
	u64map_free(&b->pairs);
	u64map_free(&b->chars);
	free(b->left);
	free(b->right);
	free(b->result);
	free(b->made_by);
	memset(b, 0, sizeof(*b));
}

/* Makes room for one more rank and for made_by of every symbol. */
static int reserve(struct bpe *b)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 1024;
		uint32_t *l = realloc(b->left, cap * sizeof(*l)), *r, *m;

		if (!l)
			return -1;
		b->left = l;
		if (!(r = realloc(b->right, cap * sizeof(*r))))
			return -1;
		b->right = r;
		if (!(m = realloc(b->result, cap * sizeof(*m))))
			return -1;
		b->result = m;
		b->cap = cap;
	}
	if (b->made_cap < b->syms.n) {
		size_t cap = b->made_cap ? b->made_cap : 1024;
		uint32_t *m;

		while (cap < b->syms.n)
			cap *= 2;
		if (!(m = realloc(b->made_by, cap * sizeof(*m))))
			return -1;
		for (size_t i = b->made_cap; i < cap; i++)
			m[i] = BPE_NONE;
		b->made_by = m;
		b->made_cap = cap;
	}
	return 0;
}

/* Notes symbol id s[0..n) among the symbols of one code point when it is one (with or without
 * BPE_EOW). Returns 0, or -1 when memory runs out. */
static int note_char(struct bpe *b, const char *s, size_t n, uint32_t id)
{
	int32_t c;
	size_t k;
	int eow;

	if (n == 0 || utf8_valid_prefix(s, n) != n)
		return 0;
	k = (size_t)utf8_decode(s, &c);
	eow = n == k + BPE_EOW_LEN && memcmp(s + k, BPE_EOW, BPE_EOW_LEN) == 0;
	if (n != k && !eow)
		return 0;
	if (c < 128) {
		b->ascii[eow][c] = id;
		return 0;
	}
	return u64map_put(&b->chars, (uint64_t)c | (uint64_t)eow << 32, id);
}

int bpe_add(struct bpe *b, const char *l, size_t ln, const char *r, size_t rn, struct error *e)
{
	int64_t li, ri, mi;
	uint32_t rank;
	char *joined;

	if (b->n >= BPE_NONE - 1 || b->syms.n >= BPE_NONE - 3)
		return error_bad(e, NULL, 0, "more than 2^32 - 2 merges or symbols");
	if ((li = strtab_intern(&b->syms, l, ln)) < 0 || (ri = strtab_intern(&b->syms, r, rn)) < 0)
		goto nomem;
	if (!(joined = malloc(ln + rn)))
		goto nomem;
	memcpy(joined, l, ln);
	memcpy(joined + ln, r, rn);
	mi = strtab_intern(&b->syms, joined, ln + rn);
	free(joined);
	if (mi < 0 || reserve(b) < 0 || note_char(b, l, ln, (uint32_t)li) < 0 ||
	    note_char(b, r, rn, (uint32_t)ri) < 0)
		goto nomem;
	rank = u64map_get_or_put(&b->pairs, (uint64_t)li << 32 | (uint64_t)ri, (uint32_t)b->n);
	if (rank == U64MAP_NONE)
		goto nomem;
	if (rank == b->n) {
		b->left[b->n] = (uint32_t)li;
		b->right[b->n] = (uint32_t)ri;
		b->result[b->n] = (uint32_t)mi;
		if (b->made_by[mi] == BPE_NONE)
			b->made_by[mi] = (uint32_t)b->n;
		b->n++;
	}
	return 0;
nomem:
	return error_set(e, -1, ENOMEM, NULL, 0, "merges");
}

int bpe_is_header(const char *s, size_t n)
{
	size_t h = sizeof(BPE_HEADER) - 1;

	if (n > 0 && s[n - 1] == '\r')
		n--;
	return n == h && memcmp(s, BPE_HEADER, h) == 0;
}

int bpe_add_line(struct bpe *b, const char *s, size_t n, const char *name, uint64_t line,
                 struct error *e)
{
	size_t sp, i;

	if (n > 0 && s[n - 1] == '\r')
		n--;
	sp = n; /* where the space is: none yet */
	if (utf8_valid_prefix(s, n) != n)
		return error_bad(e, name, line, "invalid UTF-8");
	for (i = 0; i < n; i++) {
		if (s[i] == ' ' && sp == n) {
			sp = i;
			continue;
		}
		if (spans_is_blank((unsigned char)s[i]))
			return error_bad(e, name, line,
			                 "not a merge: two symbols without blanks, one space between");
	}
	if (sp == n || sp == 0 || sp + 1 == n)
		return error_bad(e, name, line, "not a merge: two symbols separated by one space");
	if (bpe_add(b, s, sp, s + sp + 1, n - sp - 1, e) < 0) {
		char msg[ERROR_MSG_MAX];

		memcpy(msg, e->msg, sizeof(msg));
		return error_set(e, -1, e->errnum, name, line, "%s", msg);
	}
	return 0;
}

int bpe_load(struct bpe *b, const char *path, struct error *e)
{
	const char *name = path && strcmp(path, "-") ? path : "<stdin>";
	struct reader r;
	uint64_t line = 0;
	char *s;
	ssize_t n;
	int ret = 0;

	if (reader_open(&r, path) < 0)
		return error_sys(e, NULL, "open %s", name);
	while ((n = reader_line(&r, &s)) >= 0) {
		line++;
		if (line == 1) {
			if (!bpe_is_header(s, (size_t)n)) {
				ret = error_bad(e, name, 1, "not a merges file: the first line is not '%s'",
				                BPE_HEADER);
				break;
			}
			continue;
		}
		if ((ret = bpe_add_line(b, s, (size_t)n, name, line, e)) < 0)
			break;
	}
	if (n == -2)
		ret = error_sys(e, NULL, "read %s", name);
	else if (ret == 0 && line == 0)
		ret = error_bad(e, name, 0, "not a merges file: empty, without the line '%s'",
		                BPE_HEADER);
	reader_close(&r);
	return ret;
}

size_t bpe_grapheme_end(const char *w, size_t len, size_t i)
{
	/* two ASCII characters (no CR or LF in a word) always have a break between them */
	if ((unsigned char)w[i] < 0x80 && (i + 1 == len || (unsigned char)w[i + 1] < 0x80))
		return i + 1;
	return tokenize_grapheme_end(w, len, i);
}

void bpe_seg_free(struct bpe_seg *seg)
{
	free(seg->start);
	free(seg->sym);
	free(seg->next);
	free(seg->prev);
	free(seg->heap);
	free(seg->later);
	buf_free(&seg->last);
	memset(seg, 0, sizeof(*seg));
}

/* Room for n graphemes (emalloc's exit when memory runs out: a word's working arrays). */
static void seg_reserve(struct bpe_seg *g, size_t n)
{
	if (n <= g->cap)
		return;
	while (g->cap < n)
		g->cap = g->cap ? 2 * g->cap : 64;
	g->start = erealloc(g->start, (g->cap + 1) * sizeof(*g->start));
	g->sym = erealloc(g->sym, g->cap * sizeof(*g->sym));
	g->next = erealloc(g->next, g->cap * sizeof(*g->next));
	g->prev = erealloc(g->prev, g->cap * sizeof(*g->prev));
	g->heap = erealloc(g->heap, 3 * g->cap * sizeof(*g->heap));
	g->later = erealloc(g->later, 2 * g->cap * sizeof(*g->later));
}

#define END UINT32_MAX  /* no next or previous piece */
#define DEAD UINT32_MAX /* start of a grapheme merged into the piece before it */

/* The symbol of grapheme s[0..n), with BPE_EOW when eow (tmp: room for its bytes). */
static inline uint32_t char_sym(const struct bpe *b, const char *s, size_t n, int eow,
                                struct buf *tmp)
{
	unsigned char c = (unsigned char)s[0];
	int32_t cp;

	if (n == 1 && c < 0x80)
		return b->ascii[eow][c];
	if ((size_t)utf8_seqlen(c) == n) {
		utf8_decode(s, &cp);
		return u64map_get(&b->chars, (uint64_t)cp | (uint64_t)eow << 32);
	}
	if (!eow)
		return bpe_sym(b, s, n);
	tmp->len = 0;
	buf_put(tmp, s, n);
	buf_put(tmp, BPE_EOW, BPE_EOW_LEN);
	return bpe_sym(b, tmp->p, tmp->len);
}

/* Splits w into graphemes, the last with BPE_EOW, and names their symbols; returns how many. */
static size_t graphemes(const struct bpe *b, const char *w, size_t len, struct bpe_seg *g)
{
	size_t n = 0, i = 0, j;

	seg_reserve(g, 16);
	while (i < len) {
		j = bpe_grapheme_end(w, len, i);
		if (n == g->cap)
			seg_reserve(g, n + 1);
		g->start[n] = (uint32_t)i;
		g->sym[n++] = char_sym(b, w + i, j - i, j == len, &g->last);
		i = j;
	}
	g->start[n] = (uint32_t)len;
	return n;
}

/* Short words: each round finds the least rank among the adjacent pairs and merges its pair at
 * every place, left to right, compacting the arrays. */
static size_t merge_scan(const struct bpe *b, struct bpe_seg *g, size_t n)
{
	for (;;) {
		uint32_t best = BPE_NONE, l, r;
		size_t i, k;

		for (i = 0; i + 1 < n; i++) {
			uint32_t rank = bpe_rank(b, g->sym[i], g->sym[i + 1]);

			if (rank < best)
				best = rank;
		}
		if (best == BPE_NONE)
			return n;
		l = b->left[best];
		r = b->right[best];
		for (i = k = 0; i < n; k++) {
			g->start[k] = g->start[i];
			if (i + 1 < n && g->sym[i] == l && g->sym[i + 1] == r) {
				g->sym[k] = b->result[best];
				i += 2;
			} else {
				g->sym[k] = g->sym[i++];
			}
		}
		g->start[k] = g->start[n];
		n = k;
	}
}

static inline int u64_less(const void *a, const void *b, void *ctx)
{
	(void)ctx;
	return *(const uint64_t *)a < *(const uint64_t *)b;
}

/* Pushes the pair that starts at piece i onto the list v[*n], when the merges rank it. */
static inline void pair_at(const struct bpe *b, struct bpe_seg *g, uint32_t i, uint64_t *v,
                           size_t *n)
{
	uint32_t j = g->next[i], rank;

	if (j != END && (rank = bpe_rank(b, g->sym[i], g->sym[j])) != BPE_NONE)
		v[(*n)++] = (uint64_t)rank << 32 | i;
}

/* Long words: a heap of (rank, place) of the adjacent pairs, least first. The places of one rank
 * come out left to right; the pairs their merges make wait until the last of them is done, so
 * the order is the scan's: a round merges one rank everywhere, then the next round begins. */
static size_t merge_heap(const struct bpe *b, struct bpe_seg *g, size_t n)
{
	size_t nh = 0, nl, k;
	uint32_t i;

	for (i = 0; i < n; i++) {
		g->next[i] = i + 1 < n ? i + 1 : END;
		g->prev[i] = i > 0 ? i - 1 : END;
	}
	for (i = 0; i + 1 < n; i++)
		pair_at(b, g, i, g->heap, &nh);
	heap_make(g->heap, nh, sizeof(uint64_t), u64_less, NULL);
	while (nh > 0) {
		uint32_t rank = (uint32_t)(g->heap[0] >> 32);

		nl = 0;
		while (nh > 0 && (uint32_t)(g->heap[0] >> 32) == rank) {
			uint32_t j;

			i = (uint32_t)g->heap[0];
			heap_pop(g->heap, &nh, sizeof(uint64_t), u64_less, NULL);
			if (g->start[i] == DEAD || (j = g->next[i]) == END ||
			    g->sym[i] != b->left[rank] || g->sym[j] != b->right[rank])
				continue; /* the pair changed since it was pushed */
			g->sym[i] = b->result[rank];
			g->next[i] = g->next[j];
			if (g->next[j] != END)
				g->prev[g->next[j]] = i;
			g->start[j] = DEAD;
			if (g->prev[i] != END)
				pair_at(b, g, g->prev[i], g->later, &nl);
			pair_at(b, g, i, g->later, &nl);
		}
		for (k = 0; k < nl; k++)
			heap_push(g->heap, &nh, &g->later[k], sizeof(uint64_t), u64_less, NULL);
	}
	for (i = 0, k = 0; i != END; i = g->next[i], k++) {
		g->start[k] = g->start[i];
		g->sym[k] = g->sym[i];
	}
	g->start[k] = g->start[n];
	return k;
}

size_t bpe_segment(const struct bpe *b, const char *w, size_t len, struct bpe_seg *g)
{
	size_t n = graphemes(b, w, len, g);

	g->n = n <= SCAN_MAX ? merge_scan(b, g, n) : merge_heap(b, g, n);
	return g->n;
}
