/* similar.c: cosine neighbours and analogies through matrix products of the query words and
 * blocks of candidates, and the word-pair and analogy benchmarks with gensim's conventions. */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#include <utf8proc.h>

#include "vec/similar.h"

#define BLOCK_FLOATS (1u << 20) /* cosines of the query words to a block of candidates: 4 MB */
#define MIN_BLOCK 64            /* candidates per block at least, for an efficient product */
#define MAX_BLOCK 4096          /* and at most, so that even one query's blocks go to all threads */
#define MERGE_MAX 64            /* hits merged on the stack */
#define BATCH_QUESTIONS 65536   /* analogy questions answered together */

static int fail(struct sim_error *e, uint64_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct sim_error *e, uint64_t line, const char *fmt, ...)
{
	va_list ap;

	e->line = line;
	va_start(ap, fmt);
	vsnprintf(e->why, sizeof(e->why), fmt, ap);
	va_end(ap);
	return -1;
}

static int fail_read(struct sim_error *e)
{
	e->sys = errno;
	e->why[0] = '\0';
	return -1;
}

/* ---- words as Python sees them ---- */

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

/* Python's str.isspace(): bidirectional class WS, B or S, or general category Zs. */
static int py_isspace(int32_t c)
{
	const utf8proc_property_t *p;

	if (c < 0)
		return 0;
	p = utf8proc_get_property(c);
	return p->bidi_class == UTF8PROC_BIDI_CLASS_WS || p->bidi_class == UTF8PROC_BIDI_CLASS_B ||
	       p->bidi_class == UTF8PROC_BIDI_CLASS_S || p->category == UTF8PROC_CATEGORY_ZS;
}

static void put_cp(struct buf *b, int32_t c)
{
	utf8proc_uint8_t enc[4];

	buf_put(b, (const char *)enc, (size_t)utf8proc_encode_char(c, enc));
}

/* Python's upper case of one code point: upper-case letters stay; a letter whose full case folding
 * has several code points (ß, ŉ, ﬁ, Greek with iota) takes the upper case of each, which is its
 * special upper casing; any other takes its simple upper case. Checked against Python 3.11 for
 * every code point. */
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

void sim_upper(struct buf *b, const char *s, size_t n)
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

/* Python's str.strip(): s[*from .. *to) without the white space around. */
static void py_strip(const char *s, size_t n, size_t *from, size_t *to)
{
	size_t i = 0, end = 0;
	int lead = 1;

	*from = n;
	while (i < n) {
		int32_t c;
		size_t k = next_cp(s + i, n - i, &c);

		if (!py_isspace(c)) {
			if (lead)
				*from = i;
			lead = 0;
			end = i + k;
		}
		i += k;
	}
	*to = lead ? n : end;
}

/* Python's str.split() into at most max words; returns how many there are (max + 1: more). */
static size_t py_split(const char *s, size_t n, const char **w, size_t *len, size_t max)
{
	size_t count = 0, i = 0;

	while (i < n) {
		int32_t c;
		size_t k = next_cp(s + i, n - i, &c), start;

		if (py_isspace(c)) {
			i += k;
			continue;
		}
		if (count == max)
			return max + 1;
		start = i;
		while (i < n) {
			k = next_cp(s + i, n - i, &c);
			if (py_isspace(c))
				break;
			i += k;
		}
		w[count] = s + start;
		len[count++] = i - start;
	}
	return count;
}

static int ascii_ieq(const char *s, size_t n, const char *lower)
{
	size_t m = strlen(lower);

	if (n != m)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]) != lower[i])
			return 0;
	return 1;
}

/* Python's float() of a string: white space around, '_' between digits, inf, infinity and nan in
 * any case. Returns 0, or -1 when Python would raise ValueError. */
static int py_float(const char *s, size_t n, struct buf *tmp, double *out)
{
	size_t from, to, i;
	int neg = 0;

	py_strip(s, n, &from, &to);
	s += from;
	n = to - from;
	i = n > 0 && (s[0] == '+' || s[0] == '-');
	neg = i && s[0] == '-';
	if (ascii_ieq(s + i, n - i, "inf") || ascii_ieq(s + i, n - i, "infinity")) {
		*out = neg ? -INFINITY : INFINITY;
		return 0;
	}
	if (ascii_ieq(s + i, n - i, "nan")) {
		*out = NAN;
		return 0;
	}
	tmp->len = 0;
	for (i = 0; i < n; i++) {
		if (s[i] != '_') {
			buf_putc(tmp, s[i]);
			continue;
		}
		if (i == 0 || i + 1 == n || s[i - 1] < '0' || s[i - 1] > '9' || s[i + 1] < '0' ||
		    s[i + 1] > '9')
			return -1;
	}
	return vec_parse_decimal(tmp->p ? tmp->p : "", tmp->len, out);
}

/* ---- the words a search knows ---- */

int sim_vocab_init(struct sim_vocab *sv, const struct vectors *v, size_t known, int fold)
{
	memset(sv, 0, sizeof(*sv));
	sv->v = v;
	sv->known = known < v->rows ? known : v->rows;
	sv->fold = fold;
	if (!(sv->key = malloc((sv->known ? sv->known : 1) * sizeof(*sv->key))))
		return -1;
	if (!fold) {
		for (size_t i = 0; i < sv->known; i++)
			sv->key[i] = (uint32_t)i;
		return 0;
	}
	if (strtab_init(&sv->keys, sv->known) < 0) {
		sim_vocab_free(sv);
		return -1;
	}
	for (size_t i = 0; i < sv->known; i++) {
		size_t len, before = sv->keys.n;
		const char *w = vec_word(v, i, &len);
		int64_t id;

		sv->tmp.len = 0;
		sim_upper(&sv->tmp, w, len);
		if ((id = strtab_intern(&sv->keys, sv->tmp.p, sv->tmp.len)) < 0) {
			sim_vocab_free(sv);
			return -1;
		}
		if ((size_t)id == before) /* the first row of this word wins */
			sv->keys.vals[id] = i;
		sv->key[i] = (uint32_t)id;
	}
	return 0;
}

void sim_vocab_free(struct sim_vocab *sv)
{
	free(sv->key);
	if (sv->fold)
		strtab_free(&sv->keys);
	buf_free(&sv->tmp);
	memset(sv, 0, sizeof(*sv));
}

int64_t sim_vocab_find(struct sim_vocab *sv, const char *w, size_t n)
{
	int64_t id;

	if (!sv->fold) {
		id = vec_find(sv->v, w, n);
		return id >= 0 && (size_t)id < sv->known ? id : -1;
	}
	sv->tmp.len = 0;
	sim_upper(&sv->tmp, w, n);
	id = strtab_find(&sv->keys, sv->tmp.p, sv->tmp.len);
	return id >= 0 ? (int64_t)sv->keys.vals[id] : -1;
}

/* ---- search ---- */

/* hits[0..n) is a heap whose root is the worst hit kept: the lowest score, then the higher row. */
static inline int worse(const struct sim_hit *a, const struct sim_hit *b)
{
	return a->score < b->score || (a->score == b->score && a->row > b->row);
}

static void heap_down(struct sim_hit *h, size_t n, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, m = i;
		struct sim_hit t;

		if (l < n && worse(&h[l], &h[m]))
			m = l;
		if (l + 1 < n && worse(&h[l + 1], &h[m]))
			m = l + 1;
		if (m == i)
			return;
		t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
}

static void heap_push(struct sim_hit *h, size_t *n, struct sim_hit x)
{
	size_t i = (*n)++;

	while (i > 0 && worse(&x, &h[(i - 1) / 2])) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i] = x;
}

static int better_first(const void *a, const void *b)
{
	const struct sim_hit *x = a, *y = b;

	return worse(y, x) ? -1 : worse(x, y) ? 1 : 0;
}

/* The queries against one block of candidates. */
struct block {
	const struct sim_search *s;
	const struct sim_query *q;
	size_t nq;
	const uint32_t *wi;   /* [nq][3] the row of each query word in sims */
	const uint32_t *qkey; /* [nq][3] the key of each query word */
	const float *sims;    /* [nw][len] cosines of the query words to the block */
	size_t first, len;    /* the block: candidates first .. first + len - 1 */
	struct sim_hit *hits; /* [nq][k] heaps of the best so far */
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
                          enum sim_method m)
{
	const v4f half = {0.5f, 0.5f, 0.5f, 0.5f}, one = {1, 1, 1, 1};
	const v4f eps = {SIM_COSMUL_EPS, SIM_COSMUL_EPS, SIM_COSMUL_EPS, SIM_COSMUL_EPS};
	v4f a = load4(ca + j), b, c;

	if (n == 1)
		return a;
	b = load4(cb + j);
	c = load4(cc + j);
	if (m == SIM_ADD)
		return b + c - a;
	return ((one + b) * half) * ((one + c) * half) / ((one + a) * half + eps);
}

static inline float score1(const float *ca, const float *cb, const float *cc, size_t j, int n,
                           enum sim_method m)
{
	if (n == 1)
		return ca[j];
	if (m == SIM_ADD)
		return cb[j] + cc[j] - ca[j];
	return ((1 + cb[j]) * 0.5f) * ((1 + cc[j]) * 0.5f) / ((1 + ca[j]) * 0.5f + SIM_COSMUL_EPS);
}

/* One query's hits h[0..*n) of at most k, a heap, and the score a candidate must pass. */
struct ranking {
	struct sim_hit *h;
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
		heap_push(rk->h, &rk->n, (struct sim_hit){score, row});
		if (rk->n < rk->k)
			return;
	} else {
		rk->h[0] = (struct sim_hit){score, row};
		heap_down(rk->h, rk->k, 0);
	}
	rk->worst = rk->h[0].score;
}

/* Ranks the candidates of a block for each query, eight at a time: most are worse than the
 * query's k best so far, which one comparison of their scores tells. */
static void rank_block(const struct block *sh)
{
	const struct sim_search *s = sh->s;
	enum sim_method m = s->method;
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

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The scores of 3CosAdd as gensim gives them: cosines to the normalised b - a + c. */
static void scale_add(const struct vectors *v, const struct sim_query *q, struct sim_hit *h,
                      size_t n)
{
	const float *a = v->unit + (size_t)q->w[0] * v->dim, *b = v->unit + (size_t)q->w[1] * v->dim,
	            *c = v->unit + (size_t)q->w[2] * v->dim;
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
	const struct sim_search *s;
	const struct sim_query *q;
	size_t nq;
	const uint32_t *wi, *qkey;
	const float *words;    /* [nw][dim] the distinct query words */
	size_t nw, block;
	size_t t, nth;
	float *sims;           /* [nw][block] */
	struct sim_hit *hits;  /* [nq][k] */
	size_t *nhits;         /* [nq] */
};

static void *work(void *arg)
{
	struct worker *w = arg;
	const struct sim_search *s = w->s;
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
	return NULL;
}

/* Runs the workers, the first in this thread; one whose thread cannot start runs here too. */
static void run_workers(struct worker *w, size_t nth)
{
	pthread_t *tid = nth > 1 ? malloc(nth * sizeof(*tid)) : NULL;
	int *started = nth > 1 ? calloc(nth, sizeof(*started)) : NULL;

	for (size_t t = 1; t < nth; t++)
		if (tid && started)
			started[t] = pthread_create(&tid[t], NULL, work, &w[t]) == 0;
	work(&w[0]);
	for (size_t t = 1; t < nth; t++) {
		if (started && started[t])
			pthread_join(tid[t], NULL);
		else
			work(&w[t]);
	}
	free(tid);
	free(started);
}

/* The distinct rows of the query words in rows[0..*nw), sorted; wi and qkey of each query word. */
static void query_words(const struct sim_search *s, const struct sim_query *q, size_t nq,
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
			qkey[3 * i + j] = s->key ? s->key[r] : r;
		}
	*nw = n;
}

int sim_search(const struct sim_search *s, const struct sim_query *q, size_t nq,
               struct sim_hit *hits, size_t *nhits)
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
		memcpy(words + i * d, v->unit + (size_t)rows[i] * d, d * sizeof(*words));
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
	run_workers(w, nth);
	for (size_t i = 0; i < nq; i++) {
		struct sim_hit *h = hits + i * k;

		qsort(h, nhits[i], sizeof(*h), better_first);
		for (size_t t = 1; t < nth; t++) { /* merge in the others' best, best first */
			const struct sim_hit *o = w[t].hits + i * k;
			size_t n = nhits[i], m = w[t].nhits[i];
			struct sim_hit merged[MERGE_MAX], *to = k <= MERGE_MAX ? merged : NULL;

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
		if (q[i].n == 3 && s->method == SIM_ADD)
			scale_add(v, &q[i], h, nhits[i]);
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
	return ret;
}

/* ---- word pairs ---- */

/* Pearson's r of x and y (NaN when either is constant or has a NaN, or n < 2). */
static double pearson(const double *x, const double *y, size_t n)
{
	double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0, r;

	if (n < 2)
		return NAN;
	for (size_t i = 0; i < n; i++) {
		mx += x[i];
		my += y[i];
	}
	mx /= (double)n;
	my /= (double)n;
	for (size_t i = 0; i < n; i++) {
		sxy += (x[i] - mx) * (y[i] - my);
		sxx += (x[i] - mx) * (x[i] - mx);
		syy += (y[i] - my) * (y[i] - my);
	}
	if (!(sxx > 0) || !(syy > 0))
		return NAN;
	r = sxy / sqrt(sxx * syy);
	return r > 1 ? 1 : r < -1 ? -1 : r;
}

static const double *rank_of; /* what by_value compares */

static int by_value(const void *a, const void *b)
{
	double x = rank_of[*(const size_t *)a], y = rank_of[*(const size_t *)b];

	return x < y ? -1 : x > y;
}

/* The ranks of x from 1, ties given their mean rank (scipy's rankdata). */
static int ranks(double *rank, const double *x, size_t n)
{
	size_t *idx = malloc((n ? n : 1) * sizeof(*idx));

	if (!idx)
		return -1;
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	rank_of = x;
	qsort(idx, n, sizeof(*idx), by_value);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && x[idx[j]] == x[idx[i]]; j++)
			;
		for (size_t m = i; m < j; m++)
			rank[idx[m]] = (double)(i + j + 1) / 2;
	}
	free(idx);
	return 0;
}

/* Spearman's rho: Pearson's r of the ranks (NaN when a value is NaN). */
static double spearman(const double *x, const double *y, size_t n, int *oom)
{
	double *rx = malloc((n ? n : 1) * sizeof(*rx)), *ry = malloc((n ? n : 1) * sizeof(*ry)), r;

	for (size_t i = 0; i < n; i++)
		if (isnan(x[i]) || isnan(y[i]))
			n = 0;
	if (!rx || !ry || ranks(rx, x, n) < 0 || ranks(ry, y, n) < 0) {
		*oom = 1;
		r = NAN;
	} else {
		r = pearson(rx, ry, n);
	}
	free(rx);
	free(ry);
	return r;
}

/* The cosine of two rows as gensim's similarity() computes it: BLAS's dot product of the rows
 * scaled by BLAS's norms, in single precision. */
static float cosine(const struct vectors *v, size_t a, size_t b)
{
	return cblas_sdot((int)v->dim, v->unit + a * v->dim, 1, v->unit + b * v->dim, 1);
}

struct pairs_acc {
	double *gold, *model; /* [n] */
	size_t n, cap;
	struct buf num;
};

/* One line, as gensim's evaluate_word_pairs takes it: '#' starts a comment; three fields between
 * tabs, the last a number, else the line is skipped. Returns -1 when memory runs out. */
static int pair_line(struct sim_vocab *sv, struct pairs_acc *acc, struct sim_pairs *res,
                     const char *s, size_t n)
{
	const char *t1, *t2;
	int64_t a, b;
	double score;

	if (n > 0 && s[0] == '#')
		return 0;
	if (!(t1 = memchr(s, '\t', n)) || !(t2 = memchr(t1 + 1, '\t', n - (size_t)(t1 + 1 - s))) ||
	    memchr(t2 + 1, '\t', n - (size_t)(t2 + 1 - s)) ||
	    py_float(t2 + 1, n - (size_t)(t2 + 1 - s), &acc->num, &score) < 0) {
		res->invalid++;
		return 0;
	}
	a = sim_vocab_find(sv, s, (size_t)(t1 - s));
	b = a < 0 ? -1 : sim_vocab_find(sv, t1 + 1, (size_t)(t2 - t1 - 1));
	if (a < 0 || b < 0) {
		res->oov++;
		return 0;
	}
	if (acc->n == acc->cap) {
		size_t nc = acc->cap ? 2 * acc->cap : 512;
		double *g = realloc(acc->gold, nc * sizeof(*g)), *m;

		if (g)
			acc->gold = g;
		if (!g || !(m = realloc(acc->model, nc * sizeof(*m))))
			return -1;
		acc->model = m;
		acc->cap = nc;
	}
	acc->gold[acc->n] = score;
	acc->model[acc->n++] = cosine(sv->v, (size_t)a, (size_t)b);
	return 0;
}

int sim_eval_pairs(struct sim_vocab *sv, struct reader *r, struct sim_pairs *res,
                   struct sim_error *e)
{
	struct pairs_acc acc = {0};
	uint64_t lineno = 0;
	char *line;
	ssize_t n;
	int ret = -1, oom = 0;

	memset(res, 0, sizeof(*res));
	memset(e, 0, sizeof(*e));
	while ((n = reader_line(r, &line)) >= 0) {
		/* lines end at LF, CRLF or CR, as Python's text files have them */
		for (size_t i = 0, start = 0; i <= (size_t)n; i++) {
			if (i < (size_t)n && line[i] != '\r')
				continue;
			if (i == (size_t)n && start == i && i > 0 && line[i - 1] == '\r')
				break; /* the CR of a CRLF */
			lineno++;
			if (pair_line(sv, &acc, res, line + start, i - start) < 0) {
				fail(e, lineno, "out of memory");
				goto out;
			}
			start = i + 1;
		}
	}
	if (n == -2) {
		fail_read(e);
		goto out;
	}
	if (acc.n == 0) {
		fail(e, 0, "no pair has both words among the vectors (%llu unknown, %llu not "
		     "'word<TAB>word<TAB>score')", (unsigned long long)res->oov,
		     (unsigned long long)res->invalid);
		goto out;
	}
	res->pairs = acc.n;
	res->oov_percent = 100.0 * (double)res->oov / (double)(res->pairs + res->oov);
	res->pearson = pearson(acc.gold, acc.model, acc.n);
	for (size_t i = 0; i < acc.n; i++)
		if (isnan(acc.gold[i]))
			res->pearson = NAN;
	res->spearman = spearman(acc.gold, acc.model, acc.n, &oom);
	ret = oom ? fail(e, 0, "out of memory") : 0;
out:
	free(acc.gold);
	free(acc.model);
	buf_free(&acc.num);
	return ret;
}

/* ---- analogies ---- */

struct question {
	uint32_t w[4]; /* rows of a, b, c and the expected d */
	uint32_t sec;
};

struct questions {
	struct question *q;
	size_t n, cap;
};

static int add_section(struct sim_analogies *res, const char *s, size_t n)
{
	size_t from, to;
	struct sim_section *p = realloc(res->sec, (res->nsec + 1) * sizeof(*p));

	if (!p)
		return -1;
	res->sec = p;
	while (n > 0 && (*s == ':' || *s == ' ')) /* Python's lstrip(': ') */
		s++, n--;
	py_strip(s, n, &from, &to);
	if (!(p[res->nsec].name = malloc(to - from + 1)))
		return -1;
	memcpy(p[res->nsec].name, s + from, to - from);
	p[res->nsec].name[to - from] = '\0';
	p[res->nsec].correct = p[res->nsec].total = 0;
	res->nsec++;
	return 0;
}

/* One line, as gensim's evaluate_word_analogies takes it. */
static int analogy_line(struct sim_vocab *sv, struct questions *qs, struct sim_analogies *res,
                        const char *s, size_t n, uint64_t lineno, struct sim_error *e)
{
	const char *w[4];
	size_t len[4];
	struct question q;

	if (n >= 2 && s[0] == ':' && s[1] == ' ')
		return add_section(res, s, n) < 0 ? fail(e, lineno, "out of memory") : 0;
	if (res->nsec == 0)
		return fail(e, lineno, "a question before the first ': section' line");
	if (py_split(s, n, w, len, 4) != 4) {
		res->invalid++;
		return 0;
	}
	res->questions++;
	for (int i = 0; i < 4; i++) {
		int64_t row = sim_vocab_find(sv, w[i], len[i]);

		if (row < 0) {
			res->oov++;
			return 0;
		}
		q.w[i] = (uint32_t)row;
	}
	q.sec = (uint32_t)(res->nsec - 1);
	if (qs->n == qs->cap) {
		size_t nc = qs->cap ? 2 * qs->cap : 1024;
		struct question *p = realloc(qs->q, nc * sizeof(*p));

		if (!p)
			return fail(e, lineno, "out of memory");
		qs->q = p;
		qs->cap = nc;
	}
	qs->q[qs->n++] = q;
	return 0;
}

/* Answers questions [0, n) and counts the right ones; returns -1 when memory runs out. */
static int answer(struct sim_vocab *sv, const struct question *qs, size_t n, enum sim_method m,
                  int threads, struct sim_analogies *res)
{
	size_t k = sv->known < SIM_EVAL_TOPN ? sv->known : SIM_EVAL_TOPN;
	struct sim_search s = {sv->v, sv->known, NULL, m, k, threads};
	struct sim_query *q = malloc((n ? n : 1) * sizeof(*q));
	struct sim_hit *hits = malloc((n * k + 1) * sizeof(*hits));
	size_t *nhits = malloc((n ? n : 1) * sizeof(*nhits));
	const uint32_t *key = sv->key;
	int ret = -1;

	if (!q || !hits || !nhits)
		goto out;
	for (size_t i = 0; i < n; i++)
		q[i] = (struct sim_query){{qs[i].w[0], qs[i].w[1], qs[i].w[2]}, 3};
	if (sim_search(&s, q, n, hits, nhits) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		const uint32_t *w = qs[i].w;
		int64_t pred = -1;

		/* gensim looks at the best answers in turn, past those that are a, b or c in another
		 * case, and judges the last one it looked at */
		for (size_t j = 0; j < nhits[i]; j++) {
			uint32_t kp = key[hits[i * k + j].row];

			pred = hits[i * k + j].row;
			if (kp != key[w[0]] && kp != key[w[1]] && kp != key[w[2]])
				break;
		}
		res->sec[qs[i].sec].total++;
		if (pred >= 0 && key[pred] == key[w[3]])
			res->sec[qs[i].sec].correct++;
	}
	ret = 0;
out:
	free(q);
	free(hits);
	free(nhits);
	return ret;
}

int sim_eval_analogies(struct sim_vocab *sv, struct reader *r, enum sim_method m, int threads,
                       struct sim_analogies *res, struct sim_error *e)
{
	struct questions qs = {0};
	uint64_t lineno = 0;
	char *line;
	ssize_t n;
	int ret = -1;

	memset(res, 0, sizeof(*res));
	memset(e, 0, sizeof(*e));
	while ((n = reader_line(r, &line)) >= 0)
		if (analogy_line(sv, &qs, res, line, (size_t)n, ++lineno, e) < 0)
			goto out;
	if (n == -2) {
		fail_read(e);
		goto out;
	}
	for (size_t i = 0; i < qs.n; i += BATCH_QUESTIONS)
		if (answer(sv, qs.q + i, qs.n - i < BATCH_QUESTIONS ? qs.n - i : BATCH_QUESTIONS, m,
		           threads, res) < 0) {
			fail(e, 0, "out of memory");
			goto out;
		}
	for (size_t i = 0; i < res->nsec; i++) {
		res->correct += res->sec[i].correct;
		res->total += res->sec[i].total;
	}
	ret = 0;
out:
	free(qs.q);
	return ret;
}

void sim_analogies_free(struct sim_analogies *res)
{
	for (size_t i = 0; i < res->nsec; i++)
		free(res->sec[i].name);
	free(res->sec);
	memset(res, 0, sizeof(*res));
}
