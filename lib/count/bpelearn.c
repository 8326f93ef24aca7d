/* bpelearn.c: BPE merges from word counts. The words' symbols lie in one array; a table of pairs
 * keeps each adjacent pair's count and the words that may hold it; a lazy heap gives the best
 * pair. A merge visits only the words of its pair and changes only the counts of the pairs
 * around the places it merges. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/heap.h"
#include "base/spans.h"
#include "base/u64map.h"
#include "count/bpelearn.h"
#include "text/bpe.h"

struct pair {
	uint64_t count;
	uint32_t left, right;
	uint32_t *where;  /* [nw] words that may hold the pair, none twice in a row */
	uint32_t nw, capw;
	uint32_t step;    /* the last merge that added to the count */
};

struct entry {
	uint64_t count;   /* the pair's count when it was pushed */
	uint32_t pair;
	uint32_t pad;
};

struct learner {
	const struct strtab *words;
	struct strtab syms;
	uint32_t *seq;        /* [total] every word's symbols, word w's from off[w], len[w] of them */
	uint64_t *off;        /* [nwords] */
	uint32_t *len;        /* [nwords] 0 for a word left out */
	uint32_t *stamp;      /* [nwords] the merge that last visited the word */
	struct u64map index;  /* left << 32 | right → the pair's place in pairs */
	struct pair *pairs;   /* [npairs] */
	size_t npairs, pairs_cap;
	struct entry *heap;   /* [nheap] greatest first */
	size_t nheap, heap_cap;
	uint32_t *touched;    /* [ntouched] pairs whose count grew in this merge */
	size_t ntouched, touched_cap;
	unsigned char *mark;  /* [mark_cap] a word's places: 1 first of a merged pair, 2 second */
	size_t mark_cap;
	uint32_t step;
	size_t where_bytes, bytes, peak;
};

/* Byte order of two symbols (a key that is a prefix of another comes first). */
static inline int sym_cmp(const struct strtab *t, uint32_t a, uint32_t b)
{
	size_t la, lb;
	const char *pa = strtab_key(t, a, &la), *pb = strtab_key(t, b, &lb);
	int c = memcmp(pa, pb, la < lb ? la : lb);

	return c ? c : (la > lb) - (la < lb);
}

/* The heap's order: the greater count first, then the greater (left, right). */
static int entry_first(const void *pa, const void *pb, void *ctx)
{
	const struct entry *a = pa, *b = pb;
	const struct learner *L = ctx;
	const struct pair *x, *y;
	int c;

	if (a->count != b->count)
		return a->count > b->count;
	if (a->pair == b->pair)
		return 0;
	x = &L->pairs[a->pair];
	y = &L->pairs[b->pair];
	c = sym_cmp(&L->syms, x->left, y->left);
	if (c == 0)
		c = sym_cmp(&L->syms, x->right, y->right);
	return c > 0;
}

static int heap_add(struct learner *L, uint64_t count, uint32_t p)
{
	struct entry x = {count, p, 0};

	if (L->nheap == L->heap_cap) {
		size_t cap = L->heap_cap ? 2 * L->heap_cap : 1024;
		struct entry *h = realloc(L->heap, cap * sizeof(*h));

		if (!h)
			return -1;
		L->heap = h;
		L->heap_cap = cap;
	}
	heap_push(L->heap, &L->nheap, &x, sizeof(x), entry_first, L);
	return 0;
}

/* The pair (l, r), made with count 0 when it is new; -1 when memory runs out. */
static int64_t pair_of(struct learner *L, uint32_t l, uint32_t r)
{
	uint32_t p = u64map_get_or_put(&L->index, (uint64_t)l << 32 | r, (uint32_t)L->npairs);

	if (p == U64MAP_NONE || L->npairs >= UINT32_MAX - 1)
		return -1;
	if (p == L->npairs) {
		if (L->npairs == L->pairs_cap) {
			size_t cap = L->pairs_cap ? 2 * L->pairs_cap : 4096;
			struct pair *v = realloc(L->pairs, cap * sizeof(*v));

			if (!v)
				return -1;
			L->pairs = v;
			L->pairs_cap = cap;
		}
		L->pairs[p] = (struct pair){.left = l, .right = r, .step = UINT32_MAX};
		L->npairs++;
	}
	return p;
}

/* Adds f to the count of (l, r) and notes that word w may hold it. */
static int pair_add(struct learner *L, uint32_t l, uint32_t r, uint64_t f, uint32_t w)
{
	int64_t i = pair_of(L, l, r);
	struct pair *p;

	if (i < 0)
		return -1;
	p = &L->pairs[i];
	p->count += f;
	if (p->nw == 0 || p->where[p->nw - 1] != w) {
		if (p->nw == p->capw) {
			uint32_t cap = p->capw ? 2 * p->capw : 4, *v;

			if (p->capw >= UINT32_MAX / 2 || !(v = realloc(p->where, cap * sizeof(*v))))
				return -1;
			L->where_bytes += (cap - p->capw) * sizeof(*v);
			p->where = v;
			p->capw = cap;
		}
		p->where[p->nw++] = w;
	}
	if (p->step != L->step) {
		p->step = L->step;
		if (L->ntouched == L->touched_cap) {
			size_t cap = L->touched_cap ? 2 * L->touched_cap : 1024;
			uint32_t *v = realloc(L->touched, cap * sizeof(*v));

			if (!v)
				return -1;
			L->touched = v;
			L->touched_cap = cap;
		}
		L->touched[L->ntouched++] = (uint32_t)i;
	}
	return 0;
}

static inline void pair_sub(struct learner *L, uint32_t l, uint32_t r, uint64_t f)
{
	L->pairs[u64map_get(&L->index, (uint64_t)l << 32 | r)].count -= f;
}

int bpe_count_line(struct strtab *words, const char *s, size_t n)
{
	size_t i = 0, j;
	int64_t id;

	while (i < n) {
		if (spans_is_blank((unsigned char)s[i])) {
			i++;
			continue;
		}
		for (j = i; j < n && !spans_is_blank((unsigned char)s[j]); j++)
			;
		if ((id = strtab_intern(words, s + i, j - i)) < 0)
			return -1;
		words->vals[id]++;
		i = j;
	}
	return 0;
}

static void learner_free(struct learner *L)
{
	strtab_free(&L->syms);
	free(L->seq);
	free(L->off);
	free(L->len);
	free(L->stamp);
	u64map_free(&L->index);
	for (size_t i = 0; i < L->npairs; i++)
		free(L->pairs[i].where);
	free(L->pairs);
	free(L->heap);
	free(L->touched);
	free(L->mark);
}

/* Bytes held now; the peak is kept. */
static void account(struct learner *L)
{
	size_t nw = L->words->n;

	L->bytes = strtab_bytes(&L->syms) + u64map_bytes(&L->index) + L->where_bytes +
	           nw * (sizeof(*L->off) + sizeof(*L->len) + sizeof(*L->stamp)) +
	           L->pairs_cap * sizeof(*L->pairs) + L->heap_cap * sizeof(*L->heap) +
	           L->touched_cap * sizeof(*L->touched) + L->mark_cap;
	if (L->bytes > L->peak)
		L->peak = L->bytes;
}

/* Splits every word into its symbols and counts the pairs. */
static int learner_init(struct learner *L, const struct strtab *words)
{
	size_t nw = words->n, total = 0, len, i, j;
	char *last = NULL;
	size_t last_cap = 0;

	memset(L, 0, sizeof(*L));
	L->words = words;
	L->step = UINT32_MAX; /* the pairs counted here are not "touched": the heap gets them all */
	if (strtab_init(&L->syms, 4096) < 0 || u64map_init(&L->index, 4096) < 0)
		return -1;
	L->off = malloc((nw + 1) * sizeof(*L->off));
	L->len = malloc((nw + 1) * sizeof(*L->len));
	L->stamp = malloc((nw + 1) * sizeof(*L->stamp));
	if (!L->off || !L->len || !L->stamp)
		return -1;
	for (size_t w = 0; w < nw; w++) {
		const char *s = strtab_key(words, w, &len);

		L->off[w] = total;
		L->len[w] = 0;
		L->stamp[w] = UINT32_MAX;
		if (words->vals[w] == 0 || len == 0 || !bpe_seg_fits(len))
			continue;
		for (i = 0; i < len; i = bpe_grapheme_end(s, len, i))
			L->len[w]++;
		total += L->len[w];
	}
	if (!(L->seq = malloc((total + 1) * sizeof(*L->seq))))
		return -1;
	for (size_t w = 0; w < nw; w++) {
		const char *s = strtab_key(words, w, &len);
		uint32_t *q = L->seq + L->off[w], k = 0;
		int64_t id;

		if (L->len[w] == 0)
			continue;
		for (i = 0; i < len; i = j) {
			j = bpe_grapheme_end(s, len, i);
			if (j < len) {
				id = strtab_intern(&L->syms, s + i, j - i);
			} else {
				if (j - i + BPE_EOW_LEN > last_cap) {
					char *p = realloc(last, 2 * (j - i + BPE_EOW_LEN));

					if (!p) {
						free(last);
						return -1;
					}
					last = p;
					last_cap = 2 * (j - i + BPE_EOW_LEN);
				}
				memcpy(last, s + i, j - i);
				memcpy(last + (j - i), BPE_EOW, BPE_EOW_LEN);
				id = strtab_intern(&L->syms, last, j - i + BPE_EOW_LEN);
			}
			if (id < 0 || id >= (int64_t)UINT32_MAX - 1) {
				free(last);
				return -1;
			}
			q[k++] = (uint32_t)id;
		}
		for (i = 0; i + 1 < k; i++)
			if (pair_add(L, q[i], q[i + 1], words->vals[w], (uint32_t)w) < 0) {
				free(last);
				return -1;
			}
	}
	free(last);
	for (i = 0; i < L->npairs; i++)
		if (L->pairs[i].count > 0 && heap_add(L, L->pairs[i].count, (uint32_t)i) < 0)
			return -1;
	L->ntouched = 0;
	account(L);
	return 0;
}

/* Merges a b into c in word w, every place left to right, and updates the counts of the pairs
 * around the places. */
static int merge_word(struct learner *L, uint32_t w, uint32_t a, uint32_t b, uint32_t c)
{
	uint32_t *s = L->seq + L->off[w], n = L->len[w], i, j, k;
	uint64_t f = L->words->vals[w];

	for (i = 0; i + 1 < n; i++)
		if (s[i] == a && s[i + 1] == b)
			break;
	if (i + 1 >= n)
		return 0; /* the pair left the word in an earlier merge */
	if (n > L->mark_cap) {
		unsigned char *m = realloc(L->mark, n);

		if (!m)
			return -1;
		L->mark = m;
		L->mark_cap = n;
	}
	memset(L->mark + i, 0, n - i);
	for (j = i; j + 1 < n;) {
		if (s[j] == a && s[j + 1] == b) {
			L->mark[j] = 1;
			L->mark[j + 1] = 2;
			j += 2;
		} else {
			j++;
		}
	}
	/* the old pairs that touch a merged place go */
	for (j = i > 0 ? i - 1 : 0; j + 1 < n; j++)
		if ((j >= i && L->mark[j]) || L->mark[j + 1])
			pair_sub(L, s[j], s[j + 1], f);
	/* the symbols close up; mark[k] says whether c was made there */
	for (j = k = i; j < n; k++) {
		if (L->mark[j] == 1) {
			s[k] = c;
			L->mark[k] = 1;
			j += 2;
		} else {
			s[k] = s[j];
			L->mark[k] = 0;
			j++;
		}
	}
	L->len[w] = n = k;
	/* the new pairs that touch a merged place come */
	for (j = i > 0 ? i - 1 : 0; j + 1 < n; j++)
		if ((j >= i && L->mark[j]) || L->mark[j + 1])
			if (pair_add(L, s[j], s[j + 1], f, w) < 0)
				return -1;
	return 0;
}

/* Merges pair p everywhere. */
static int merge(struct learner *L, uint32_t p, uint32_t c)
{
	uint32_t a = L->pairs[p].left, b = L->pairs[p].right, *where = L->pairs[p].where;
	uint32_t nw = L->pairs[p].nw, capw = L->pairs[p].capw;
	int ret = 0;

	L->pairs[p].where = NULL;
	L->pairs[p].nw = L->pairs[p].capw = 0;
	L->step++;
	L->ntouched = 0;
	for (uint32_t i = 0; i < nw && ret == 0; i++) {
		uint32_t w = where[i];

		if (L->stamp[w] == L->step)
			continue;
		L->stamp[w] = L->step;
		ret = merge_word(L, w, a, b, c);
	}
	account(L);
	L->where_bytes -= (size_t)capw * sizeof(*where);
	free(where);
	for (size_t i = 0; i < L->ntouched && ret == 0; i++) {
		struct pair *q = &L->pairs[L->touched[i]];

		if (q->count > 0)
			ret = heap_add(L, q->count, L->touched[i]);
	}
	return ret;
}

int bpe_learn(const struct strtab *words, const struct bpe_learn_opts *o, bpe_merge_fn *fn,
              void *ctx, struct bpe_learn_stats *st, struct error *e)
{
	struct learner L;
	struct buf joined = {0};
	uint64_t min = o->min_frequency ? o->min_frequency : 1;
	int ret = 0;

	memset(st, 0, sizeof(*st));
	if (learner_init(&L, words) < 0) {
		ret = error_set(e, -1, ENOMEM, NULL, 0, "the words' symbols and pairs");
		goto done;
	}
	st->symbols = L.syms.n;
	st->target = o->merges;
	if (o->vocab_size)
		st->target = o->vocab_size > st->symbols ? o->vocab_size - st->symbols : 0;
	if (st->target > UINT32_MAX - 2)
		st->target = UINT32_MAX - 2;
	while (st->merges < st->target && L.nheap > 0) {
		struct entry top = L.heap[0];
		struct pair *p = &L.pairs[top.pair];
		const char *l, *r;
		size_t ln, rn;
		int64_t c;

		heap_pop(L.heap, &L.nheap, sizeof(top), entry_first, &L);
		if (p->count != top.count) {
			/* a stale entry: a lower count goes back in, a higher one has its own */
			if (p->count < top.count && p->count > 0 && heap_add(&L, p->count, top.pair) < 0)
				goto nomem;
			continue;
		}
		if (top.count < min) {
			st->stop_count = top.count;
			break;
		}
		l = strtab_key(&L.syms, p->left, &ln);
		r = strtab_key(&L.syms, p->right, &rn);
		if ((ret = fn(ctx, st->merges, l, ln, r, rn)) != 0)
			goto done;
		joined.len = 0;
		buf_put(&joined, l, ln);
		buf_put(&joined, r, rn);
		if ((c = strtab_intern(&L.syms, joined.p, joined.len)) < 0 || c >= (int64_t)UINT32_MAX - 1)
			goto nomem;
		if (merge(&L, top.pair, (uint32_t)c) < 0)
			goto nomem;
		st->merges++;
	}
	goto done;
nomem:
	ret = error_set(e, -1, ENOMEM, NULL, 0, "the words' symbols and pairs");
done:
	account(&L);
	st->bytes = L.peak;
	learner_free(&L);
	buf_free(&joined);
	return ret;
}
