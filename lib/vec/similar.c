/* similar.c: cosine neighbours and analogies through matrix products of the query words and
 * blocks of candidates, ranked into a heap (base/heap.h) per query and thread. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "base/heap.h"
#include "base/par.h"
#include "vec/similar.h"

#define BLOCK_FLOATS (1u << 20) /* cosines of the query words to a block of candidates: 4 MB */
#define MIN_BLOCK 64            /* candidates per block at least, for an efficient product */
#define MAX_BLOCK 4096          /* and at most, so that even one query's blocks go to all threads */
#define MERGE_MAX 64            /* hits merged on the stack */

/* hits[0..n) is a heap whose root is the worst hit kept: the lowest score, then the higher row. */
static inline int worse(const struct similar_hit *a, const struct similar_hit *b)
{
	return a->score < b->score || (a->score == b->score && a->row > b->row);
}

/* heap_less_fn: the heap's order, the worst hit first. */
static inline int hit_worse(const void *a, const void *b, void *ctx)
{
	(void)ctx;
	return worse(a, b);
}

static int better_first(const void *a, const void *b)
{
	const struct similar_hit *x = a, *y = b;

	return worse(y, x) ? -1 : worse(x, y) ? 1 : 0;
}

/* The queries against one block of candidates. */
struct block {
	const struct similar_search *s;
	const struct similar_query *q;
	size_t nq;
	const uint32_t *wi;   /* [nq][3] the row of each query word in sims */
	const uint32_t *qkey; /* [nq][3] the key of each query word */
	const float *sims;    /* [nw][len] cosines of the query words to the block */
	size_t first, len;    /* the block: candidates first .. first + len - 1 */
	struct similar_hit *hits; /* [nq][k] heaps of the best so far */
	size_t *nhits;        /* [nq] */
};

/* Four candidates at a time, in SSE vectors of GCC and Clang. */
typedef float v4f __attribute__((vector_size(16)));
typedef int32_t v4i __attribute__((vector_size(16)));

static inline v4f load4(const float *p)
{
	v4f v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The scores of candidates j .. j + 3 for a query whose words have the cosines ca, cb, cc (n = 1:
 * ca alone) to the block. */
static inline v4f scores4(const float *ca, const float *cb, const float *cc, size_t j, int n,
                          enum similar_method m)
{
	const v4f half = {0.5f, 0.5f, 0.5f, 0.5f}, one = {1, 1, 1, 1};
	const v4f eps = {SIMILAR_COSMUL_EPS, SIMILAR_COSMUL_EPS, SIMILAR_COSMUL_EPS, SIMILAR_COSMUL_EPS};
	v4f a = load4(ca + j), b, c;

	if (n == 1)
		return a;
	b = load4(cb + j);
	c = load4(cc + j);
	if (m == SIMILAR_ADD)
		return b + c - a;
	return ((one + b) * half) * ((one + c) * half) / ((one + a) * half + eps);
}

static inline float score1(const float *ca, const float *cb, const float *cc, size_t j, int n,
                           enum similar_method m)
{
	if (n == 1)
		return ca[j];
	if (m == SIMILAR_ADD)
		return cb[j] + cc[j] - ca[j];
	return ((1 + cb[j]) * 0.5f) * ((1 + cc[j]) * 0.5f) / ((1 + ca[j]) * 0.5f + SIMILAR_COSMUL_EPS);
}

/* One query's hits h[0..*n) of at most k, a heap, and the score a candidate must pass. */
struct ranking {
	struct similar_hit *h;
	size_t n, k;
	float worst;
	const uint32_t *key, *qk;
};

static void consider(struct ranking *rk, float score, uint32_t row)
{
	uint32_t kr = rk->key ? rk->key[row] : row;

	if (!(score > rk->worst) || kr == rk->qk[0] || kr == rk->qk[1] || kr == rk->qk[2])
		return;
	if (rk->n < rk->k) {
		struct similar_hit x = {score, row};

		heap_push(rk->h, &rk->n, &x, sizeof(x), hit_worse, NULL);
		if (rk->n < rk->k)
			return;
	} else {
		rk->h[0] = (struct similar_hit){score, row};
		heap_down(rk->h, rk->k, 0, sizeof(*rk->h), hit_worse, NULL);
	}
	rk->worst = rk->h[0].score;
}

/* Ranks the candidates of a block for each query, eight at a time: most are worse than the
 * query's k best so far, which one comparison of their scores tells. */
static void rank_block(const struct block *sh)
{
	const struct similar_search *s = sh->s;
	enum similar_method m = s->method;
	size_t len = sh->len;

	for (size_t i = 0; i < sh->nq; i++) {
		const uint32_t *wi = sh->wi + 3 * i;
		const float *ca = sh->sims + (size_t)wi[0] * len, *cb = sh->sims + (size_t)wi[1] * len,
		            *cc = sh->sims + (size_t)wi[2] * len;
		int n = sh->q[i].n;
		struct ranking rk = {sh->hits + i * s->k, sh->nhits[i], s->k, -INFINITY, s->key,
		                     sh->qkey + 3 * i};
		uint32_t first = (uint32_t)sh->first;
		size_t j = 0;

		if (rk.n == rk.k)
			rk.worst = rk.h[0].score;
		for (; j + 8 <= len; j += 8) {
			v4f s0 = scores4(ca, cb, cc, j, n, m), s1 = scores4(ca, cb, cc, j + 4, n, m);
			v4f w = {rk.worst, rk.worst, rk.worst, rk.worst};
			v4i pass = (s0 > w) | (s1 > w);
			uint64_t any[2];
			float sc[8];

			memcpy(any, &pass, sizeof(any));
			if (!(any[0] | any[1]))
				continue;
			memcpy(sc, &s0, sizeof(s0));
			memcpy(sc + 4, &s1, sizeof(s1));
			for (int l = 0; l < 8; l++)
				consider(&rk, sc[l], first + (uint32_t)(j + (size_t)l));
		}
		for (; j < len; j++)
			consider(&rk, score1(ca, cb, cc, j, n, m), first + (uint32_t)j);
		sh->nhits[i] = rk.n;
	}
}

/* The unit vector of a query word's row: one of v's, or past them one of extra's. */
static inline const float *query_row(const struct similar_search *s, uint32_t r)
{
	const struct vectors *v = s->v;

	return r < v->rows ? v->unit + (size_t)r * v->dim : s->extra + (r - v->rows) * v->dim;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The scores of 3CosAdd as gensim gives them: cosines to the normalised b - a + c. */
static void scale_add(const struct similar_search *s, const struct similar_query *q,
                      struct similar_hit *h, size_t n)
{
	const struct vectors *v = s->v;
	const float *a = query_row(s, q->w[0]), *b = query_row(s, q->w[1]), *c = query_row(s, q->w[2]);
	double ss = 0, inv;

	for (size_t i = 0; i < v->dim; i++) {
		double x = (double)b[i] - a[i] + c[i];

		ss += x * x;
	}
	inv = ss > 0 ? 1 / sqrt(ss) : 0;
	for (size_t j = 0; j < n; j++)
		h[j].score = (float)(h[j].score * inv);
}

/* One thread's blocks of candidates: blocks t, t + nth, t + 2 nth ... each through one product
 * and ranked for every query into the thread's own hits. */
struct worker {
	const struct similar_search *s;
	const struct similar_query *q;
	size_t nq;
	const uint32_t *wi, *qkey;
	const float *words;    /* [nw][dim] the distinct query words */
	size_t nw, block;
	size_t t, nth;
	float *sims;           /* [nw][block] */
	struct similar_hit *hits;  /* [nq][k] */
	size_t *nhits;         /* [nq] */
};

static void work(void *arg, int t, int nt)
{
	struct worker *w = (struct worker *)arg + t;
	const struct similar_search *s = w->s;
	size_t d = s->v->dim;

	for (size_t first = w->t * w->block; first < s->cands; first += w->nth * w->block) {
		size_t len = s->cands - first < w->block ? s->cands - first : w->block;
		struct block b = {s, w->q, w->nq, w->wi, w->qkey, w->sims, first, len, w->hits,
		                  w->nhits};

		/* sims[nw][len] = words[nw][d] . candidates[len][d]^T */
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)w->nw, (int)len, (int)d,
		            1.0f, w->words, (int)d, s->v->unit + first * d, (int)d, 0.0f, w->sims,
		            (int)len);
		rank_block(&b);
	}
	(void)nt;
}

/* The distinct rows of the query words in rows[0..*nw), sorted; wi and qkey of each query word. */
static void query_words(const struct similar_search *s, const struct similar_query *q, size_t nq,
                        uint32_t *rows, size_t *nw, uint32_t *wi, uint32_t *qkey)
{
	size_t n = 0;

	for (size_t i = 0; i < nq; i++)
		for (int j = 0; j < q[i].n; j++)
			rows[n++] = q[i].w[j];
	qsort(rows, n, sizeof(*rows), cmp_u32);
	for (size_t i = 1, m = 1; i <= n; i++)
		if (i == n)
			n = m;
		else if (rows[i] != rows[m - 1])
			rows[m++] = rows[i];
	for (size_t i = 0; i < nq; i++)
		for (int j = 0; j < 3; j++) {
			uint32_t r = q[i].w[j < q[i].n ? j : 0];
			uint32_t *at = bsearch(&r, rows, n, sizeof(*rows), cmp_u32);

			wi[3 * i + j] = (uint32_t)(at - rows);
			qkey[3 * i + j] = s->key && r < s->v->rows ? s->key[r] : r;
		}
	*nw = n;
}

int similar_search(const struct similar_search *s, const struct similar_query *q, size_t nq,
                   struct similar_hit *hits, size_t *nhits, struct error *e)
{
	const struct vectors *v = s->v;
	size_t d = v->dim, k = s->k, nw, block, nblocks, nth;
	uint32_t *rows = malloc(3 * nq * sizeof(*rows) + 1), *wi = malloc(3 * nq * sizeof(*wi) + 1);
	uint32_t *qkey = malloc(3 * nq * sizeof(*qkey) + 1);
	struct worker *w = NULL;
	float *words = NULL;
	int ret = -1;

	memset(nhits, 0, nq * sizeof(*nhits));
	if (!rows || !wi || !qkey)
		goto out;
	if (nq == 0 || s->cands == 0 || k == 0) {
		ret = 0;
		goto out;
	}
	query_words(s, q, nq, rows, &nw, wi, qkey);
	/* blocks of a size that does not depend on the threads, so neither do the answers */
	block = BLOCK_FLOATS / nw;
	block = block < MIN_BLOCK ? MIN_BLOCK : block > MAX_BLOCK ? MAX_BLOCK : block;
	block = block > s->cands ? s->cands : block;
	nblocks = (s->cands + block - 1) / block;
	nth = s->threads > 1 ? (size_t)s->threads : 1;
	nth = nth > nblocks ? nblocks : nth;
	words = malloc(nw * d * sizeof(*words));
	w = calloc(nth, sizeof(*w));
	if (!words || !w)
		goto out;
	for (size_t i = 0; i < nw; i++)
		memcpy(words + i * d, query_row(s, rows[i]), d * sizeof(*words));
	for (size_t t = 0; t < nth; t++) {
		w[t] = (struct worker){s, q, nq, wi, qkey, words, nw, block, t, nth, NULL, hits, nhits};
		w[t].sims = malloc(nw * block * sizeof(float));
		if (t > 0) {
			w[t].hits = malloc(nq * k * sizeof(*hits));
			w[t].nhits = calloc(nq, sizeof(*nhits));
		}
		if (!w[t].sims || !w[t].hits || !w[t].nhits)
			goto out;
	}
	par_run((int)nth, work, w);
	for (size_t i = 0; i < nq; i++) {
		struct similar_hit *h = hits + i * k;

		qsort(h, nhits[i], sizeof(*h), better_first);
		for (size_t t = 1; t < nth; t++) { /* merge in the others' best, best first */
			const struct similar_hit *o = w[t].hits + i * k;
			size_t n = nhits[i], m = w[t].nhits[i];
			struct similar_hit merged[MERGE_MAX], *to = k <= MERGE_MAX ? merged : NULL;

			qsort(w[t].hits + i * k, m, sizeof(*h), better_first);
			if (!to && !(to = malloc(k * sizeof(*to))))
				goto out;
			nhits[i] = 0;
			for (size_t a = 0, b = 0; nhits[i] < k && (a < n || b < m);)
				to[nhits[i]++] = b == m || (a < n && worse(&o[b], &h[a])) ? h[a++] : o[b++];
			memcpy(h, to, nhits[i] * sizeof(*h));
			if (to != merged)
				free(to);
		}
		if (q[i].n == 3 && s->method == SIMILAR_ADD)
			scale_add(s, &q[i], h, nhits[i]);
	}
	ret = 0;
out:
	for (size_t t = 0; w && t < nth; t++) {
		free(w[t].sims);
		if (t > 0) {
			free(w[t].hits);
			free(w[t].nhits);
		}
	}
	free(w);
	free(rows);
	free(wi);
	free(qkey);
	free(words);
	return ret < 0 ? error_bad(e, NULL, 0, "out of memory") : 0;
}

