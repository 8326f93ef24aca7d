/* w2v.c: the word2vec trainer: the vocabulary counted with count/ngc, the tables of subsampling
 * and negative sampling, the Huffman tree of hierarchical softmax, and the Hogwild workers that
 * read their byte range of the corpus once per epoch and train each sentence. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/io.h"
#include "base/par.h"
#include "base/simd.h"
#include "base/rng.h"
#include "base/spans.h"
#include "count/ngc.h"
#include "vec/vectors.h"
#include "vec/w2v.h"


#define READ_CHUNK ((size_t)1 << 20) /* bytes a worker reads at once */

/* The length of the first piece of s [n] when it is longer than max: up to the last blank within
 * max bytes (a token that long is cut at a character's start). */
static size_t piece(const char *s, size_t n, size_t max)
{
	size_t k = max;

	if (n <= max)
		return n;
	while (k > 0 && s[k - 1] != ' ' && s[k - 1] != '\t')
		k--;
	if (k > 0)
		return k;
	k = max;
	while (k > 1 && max - k < 3 && ((unsigned char)s[k] & 0xc0) == 0x80)
		k--;
	return k;
}

/* ---- the vocabulary ---- */

struct counted {
	struct vocab *v;
	struct error *e;
};

static int keep_entry(void *ctx, const struct ngc_entry *en)
{
	struct counted *c = ctx;
	int64_t id = strtab_intern(&c->v->tab, en->key, en->len);

	if (id < 0) {
		error_set(c->e, -1, ENOMEM, NULL, 0, "vocabulary");
		return 1;
	}
	c->v->tab.vals[id] = en->count;
	return 0;
}

int w2v_count_vocab(struct vocab *v, int fd, const char *name, uint64_t min_count,
                    uint64_t max_vocab, size_t budget, enum utf8_policy policy, uint64_t *nbad,
                    uint64_t *bad_line, struct error *e)
{
	struct ngcount c;
	struct reader r;
	struct spans tok = {0};
	uint64_t *h = NULL;
	size_t hcap = 0;
	uint64_t line = 0;
	struct counted cc = {v, e};
	struct buf tmp = {0};
	char *s;
	ssize_t n;
	int ret = 0;

	*nbad = *bad_line = 0;
	memset(v, 0, sizeof(*v));
	if (strtab_init(&v->tab, 1024) < 0)
		return error_set(e, -1, ENOMEM, NULL, 0, "vocabulary");
	if (ngc_init(&c, 1, 1, budget, e) < 0) {
		vocab_free(v);
		return -1;
	}
	if (reader_reread(&r, fd, name) < 0) {
		ngc_free(&c);
		vocab_free(v);
		return error_sys(e, name, "read");
	}
	while ((n = reader_line(&r, &s)) >= 0) {
		uint64_t bad = *nbad;
		size_t len;
		const char *cs = utf8_clean(s, (size_t)n, policy, &tmp, &len, nbad);

		line++;
		if (!cs) {
			ret = error_bad(e, name, 0, "line %llu, byte %zu: invalid UTF-8",
			                (unsigned long long)line, len + 1);
			break;
		}
		if (*nbad > bad && !*bad_line)
			*bad_line = line;
		for (size_t at = 0, k; at < len && ret == 0; at += k) { /* a long line in pieces */
			k = piece(cs + at, len - at, W2V_SEGMENT);
			spans_split_blank(cs + at, k, &tok);
			if (tok.n > hcap) {
				uint64_t *nh = realloc(h, tok.n * 2 * sizeof(*h));

				if (!nh) {
					ret = error_set(e, -1, ENOMEM, name, line, "counting");
					break;
				}
				h = nh;
				hcap = tok.n * 2;
			}
			for (size_t i = 0; i < tok.n; i++)
				h[i] = strtab_hash_bytes(tok.v[i].p, tok.v[i].n);
			if (tok.n)
				ret = ngc_add_hashed(&c, tok.v, h, tok.n, e);
		}
		if (ret < 0)
			break;
	}
	if (n == -2 && ret == 0)
		ret = error_sys(e, name, "read");
	reader_close(&r);
	spans_free(&tok);
	buf_free(&tmp);
	free(h);
	if (ret == 0) {
		int k = ngc_emit(&c, min_count, max_vocab, keep_entry, &cc, e);

		ret = k ? -1 : 0;
	}
	ngc_free(&c);
	if (ret < 0)
		vocab_free(v);
	return ret;
}

/* ---- the model ---- */

static size_t stride_of(size_t dim)
{
	return (dim + W2V_LANES - 1) / W2V_LANES * W2V_LANES;
}

/* The rows of the one parameter block: W, then C with negatives, then N with --hs. */
static uint64_t param_rows(size_t rows, int neg, int hs)
{
	return (uint64_t)rows + (neg ? rows : 0) + (hs && rows ? rows - 1 : 0);
}

/* The rows of all the vocabulary's subword lists (0 without subwords). */
static uint64_t list_entries(const struct w2v_settings *s, const struct vocab *v)
{
	uint64_t entries = 0;

	if (!s->minn)
		return 0;
	for (size_t i = 0; i < vocab_size(v); i++) {
		size_t n;
		const char *w = vocab_token(v, i, &n);

		entries += 1 + subword_each(w, n, s->minn, s->maxn, NULL, NULL);
	}
	return entries;
}

uint64_t w2v_need(const struct w2v_settings *s, const struct vocab *v, uint64_t *params)
{
	uint64_t rows = vocab_size(v), stride = stride_of(s->dim);
	uint64_t nt = s->threads > 0 ? (uint64_t)s->threads : 1, entries = list_entries(s, v);
	uint64_t ctx = 2 * (uint64_t)s->window;
	const struct strtab *t = &v->tab;
	uint64_t vocab = t->nslots * 8 + t->cap * (8 + sizeof(size_t) + 8) + t->arena_cap;
	uint64_t tables = rows * (8 + 8 + 4); /* keep, alias's prob and alias */
	uint64_t buffers = nt * (READ_CHUNK + 2 * stride * 4 + ((uint64_t)s->neg + 1 + ctx) * 4);

	if (s->hs) /* the tree's paths: a point and a code bit a node, some 20 nodes a word */
		tables += rows * (8 + 20 * 5) + 2 * rows * 24;
	if (s->minn) /* the lists of rows, their offsets */
		tables += entries * 4 + (rows + 1) * 8;
	*params = (param_rows(rows, s->neg > 0, s->hs) + (s->minn ? s->buckets : 0)) * stride * 4;
	return *params + vocab + tables + buffers;
}

int w2v_init(struct w2v_model *m, size_t rows, size_t dim, int neg, int hs, uint64_t seed,
             struct error *e)
{
	return w2v_alloc(m, rows, 0, dim, neg, hs, seed, e);
}

int w2v_alloc(struct w2v_model *m, size_t rows, size_t buckets, size_t dim, int neg, int hs,
              uint64_t seed, struct error *e)
{
	struct rng r;
	size_t stride = stride_of(dim), nw = rows + buckets;
	size_t nc = neg ? rows : 0, nn = hs && rows ? rows - 1 : 0, total = nw + nc + nn;

	memset(m, 0, sizeof(*m));
	if (rows > UINT32_MAX || buckets > UINT32_MAX - rows ||
	    nw > SIZE_MAX / 3 / stride / sizeof(float))
		return error_set(e, -1, ENOMEM, NULL, 0, "parameters of %zu words and %zu buckets",
		                 rows, buckets);
	m->params = aligned_alloc(64, (total ? total : 1) * stride * sizeof(float));
	if (!m->params)
		return error_set(e, -1, ENOMEM, NULL, 0, "parameters of %zu words and %zu buckets",
		                 rows, buckets);
	memset(m->params, 0, total * stride * sizeof(float));
	m->rows = rows;
	m->buckets = buckets;
	m->dim = dim;
	m->stride = stride;
	m->W = m->params;
	m->C = neg ? m->params + nw * stride : NULL;
	m->N = hs ? m->params + (nw + nc) * stride : NULL;
	rng_seed(&r, seed);
	for (size_t i = 0; i < nw; i++)
		for (size_t j = 0; j < dim; j++)
			m->W[i * stride + j] = (float)((rng_uniform(&r) - 0.5) / (double)dim);
	return 0;
}

int w2v_subwords(struct w2v_model *m, const struct vocab *v, unsigned minn, unsigned maxn,
                 struct error *e)
{
	if (subword_table_build(&m->sub, &v->tab, minn, maxn, (uint32_t)m->buckets, e) < 0)
		return -1;
	m->minn = minn;
	m->maxn = maxn;
	return 0;
}

void w2v_free(struct w2v_model *m)
{
	free(m->params);
	subword_table_free(&m->sub);
	memset(m, 0, sizeof(*m));
}

const float *w2v_word_vector(const struct w2v_model *m, size_t i, float *tmp)
{
	const uint32_t *list;
	size_t n;

	if (!m->sub.rows)
		return m->W + i * m->stride;
	list = subword_list(&m->sub, i, &n);
	w2v_cbow_mean(tmp, m->W, list, n, m->stride);
	return tmp;
}

int w2v_write_vectors(struct writer *w, int binary, const struct vocab *v,
                      const struct w2v_model *m, int ctx)
{
	float *tmp = malloc(m->stride * sizeof(float));

	if (!tmp)
		return -1;
	vec_write_header(w, m->rows, m->dim);
	for (size_t i = 0; i < m->rows; i++) {
		size_t len;
		const char *word = vocab_token(v, i, &len);
		const float *x = ctx ? m->C + i * m->stride : w2v_word_vector(m, i, tmp);

		vec_write_row(w, binary, VEC_PRECISION, word, len, x, m->dim);
	}
	free(tmp);
	return 0;
}

/* ---- the tables ---- */

/* Negative samples from count^0.75 by Walker's alias method (Vose's construction): a uniform row
 * i, kept when 32 random bits fall below prob[i], else alias[i]; O(1) a draw and 12 bytes a
 * word, where word2vec.c's table takes 400 MB. */
struct alias {
	uint64_t *prob;  /* [rows] threshold in [0, 2^32] */
	uint32_t *alias; /* [rows] */
	size_t rows;
};

static int alias_build(struct alias *a, const struct vocab *v)
{
	size_t n = vocab_size(v), ns = 0, nl = 0;
	double *p = malloc(n * sizeof(*p)), total = 0;
	uint32_t *small = malloc(n * sizeof(*small)), *large = malloc(n * sizeof(*large));

	a->rows = n;
	a->prob = malloc(n * sizeof(*a->prob));
	a->alias = malloc(n * sizeof(*a->alias));
	if (!p || !small || !large || !a->prob || !a->alias) {
		free(p), free(small), free(large), free(a->prob), free(a->alias);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		total += p[i] = pow((double)v->tab.vals[i], 0.75);
	for (size_t i = 0; i < n; i++) {
		p[i] = total > 0 ? p[i] * (double)n / total : 1.0;
		if (p[i] < 1.0)
			small[ns++] = (uint32_t)i;
		else
			large[nl++] = (uint32_t)i;
	}
	while (ns && nl) {
		uint32_t s = small[--ns], l = large[nl - 1];

		a->prob[s] = (uint64_t)(p[s] * 4294967296.0);
		a->alias[s] = l;
		p[l] -= 1.0 - p[s];
		if (p[l] < 1.0) {
			nl--;
			small[ns++] = l;
		}
	}
	while (nl) {
		uint32_t l = large[--nl];

		a->prob[l] = (uint64_t)1 << 32;
		a->alias[l] = l;
	}
	while (ns) { /* left by rounding: their share is 1 */
		uint32_t s = small[--ns];

		a->prob[s] = (uint64_t)1 << 32;
		a->alias[s] = s;
	}
	free(p), free(small), free(large);
	return 0;
}

static void alias_free(struct alias *a)
{
	free(a->prob);
	free(a->alias);
}

static inline uint32_t alias_draw(const struct alias *a, struct rng *r)
{
	uint64_t x = rng_next(r);
	uint32_t i = (uint32_t)(((x >> 32) * a->rows) >> 32);

	return (x & 0xffffffffu) < a->prob[i] ? i : a->alias[i];
}

/* ---- the Huffman tree ---- */

struct leaf {
	uint64_t count;
	uint32_t id;
};

/* Most frequent first, then by id, so that the order is total and the same everywhere. */
static int cmp_leaf(const void *a, const void *b)
{
	const struct leaf *x = a, *y = b;

	if (x->count != y->count)
		return x->count < y->count ? 1 : -1;
	return (x->id > y->id) - (x->id < y->id);
}

int w2v_tree_build(struct w2v_tree *t, const uint64_t *counts, size_t rows)
{
	/* nodes 0 .. rows - 1 are the words, rows + k the k-th inner node made */
	size_t nodes = rows ? 2 * rows - 1 : 0, sorted = 1, total = 0;
	struct leaf *lv = malloc((rows ? rows : 1) * sizeof(*lv));
	uint64_t *weight = malloc((nodes ? nodes : 1) * sizeof(*weight));
	uint32_t *parent = malloc((nodes ? nodes : 1) * sizeof(*parent));
	uint32_t *depth = malloc((nodes ? nodes : 1) * sizeof(*depth));
	uint8_t *bit = malloc((nodes ? nodes : 1) * sizeof(*bit));
	int ret = -1;

	memset(t, 0, sizeof(*t));
	if (!lv || !weight || !parent || !depth || !bit || rows > UINT32_MAX / 2)
		goto done;
	for (size_t i = 0; i < rows; i++) {
		lv[i] = (struct leaf){counts[i], (uint32_t)i};
		weight[i] = counts[i];
		if (i && counts[i] > counts[i - 1])
			sorted = 0;
	}
	if (!sorted) /* a --vocab file in an order of its own */
		qsort(lv, rows, sizeof(*lv), cmp_leaf);
	/* the leaves by rising count are lv[rows - 1], lv[rows - 2], ...; the inner nodes
	 * rows, rows + 1, ... are made with non-decreasing weights: the smaller front of the two
	 * queues is always the lightest node left */
	size_t leaf = rows, inner = rows;
	for (size_t k = rows; k < nodes; k++) {
		uint32_t pick[2];

		for (int j = 0; j < 2; j++) {
			if (leaf > 0 && (inner == k || lv[leaf - 1].count <= weight[inner]))
				pick[j] = lv[--leaf].id;
			else
				pick[j] = (uint32_t)inner++;
		}
		weight[k] = weight[pick[0]] > UINT64_MAX - weight[pick[1]]
		                ? UINT64_MAX
		                : weight[pick[0]] + weight[pick[1]];
		parent[pick[0]] = parent[pick[1]] = (uint32_t)k;
		bit[pick[0]] = 0;
		bit[pick[1]] = 1;
	}
	/* depths from the root (the last node made) down: a parent is made after its children */
	if (nodes)
		depth[nodes - 1] = 0;
	for (size_t k = nodes ? nodes - 1 : 0; k-- > 0;)
		depth[k] = depth[parent[k]] + 1;
	t->rows = rows;
	t->off = malloc((rows + 1) * sizeof(*t->off));
	if (!t->off)
		goto done;
	for (size_t i = 0; i < rows; i++) {
		t->off[i] = total;
		total += depth[i];
	}
	t->off[rows] = total;
	t->points = malloc((total ? total : 1) * sizeof(*t->points));
	t->codes = malloc((total ? total : 1) * sizeof(*t->codes));
	if (!t->points || !t->codes)
		goto done;
	/* each word's path, written from its leaf up, so from its end back to the root */
	for (size_t i = 0; i < rows; i++) {
		size_t d = t->off[i + 1];

		for (uint32_t n = (uint32_t)i; d > t->off[i]; n = parent[n]) {
			d--;
			t->points[d] = parent[n] - (uint32_t)rows;
			t->codes[d] = bit[n];
		}
	}
	ret = 0;
done:
	free(lv), free(weight), free(parent), free(depth), free(bit);
	if (ret < 0)
		w2v_tree_free(t);
	return ret;
}

void w2v_tree_free(struct w2v_tree *t)
{
	free(t->off);
	free(t->points);
	free(t->codes);
	memset(t, 0, sizeof(*t));
}

/* ---- training ---- */

struct train {
	const struct w2v_settings *s;
	struct w2v_model *m;
	const struct vocab *v;
	int fd;
	const char *name;
	uint64_t size;        /* the corpus's bytes */
	uint64_t train_words; /* vocabulary words an epoch reads: the vocabulary's counts summed */
	uint64_t total;       /* epochs * train_words, the learning rate's horizon */
	uint64_t *keep;       /* [rows] a word is kept when 32 random bits fall below keep[w] */
	struct alias neg;     /* when s->neg */
	struct w2v_tree tree; /* when s->hs */
	uint64_t done;        /* words read by all workers (atomic) */
	int failed;           /* a worker failed (atomic): the others stop */
	w2v_progress_fn *fn;
	void *ctx;
	struct worker *workers;
};

struct worker {
	struct train *tr;
	struct rng rng;
	char *buf;              /* [cap] the range reader's bytes; buf[start..end) not yet used */
	size_t cap, start, end;
	uint64_t pos;           /* file offset of buf[end] */
	uint64_t begin, limit;  /* the thread's lines start in [begin, limit) */
	int eof;
	struct spans tok;
	struct buf clean;       /* a line repaired by the UTF-8 policy */
	uint64_t bad, bad_at;   /* malformed bytes of the first epoch; 1 + the first one's offset */
	uint32_t *ids;          /* [idcap] the sentence's kept words */
	size_t idcap;
	float *h, *dh;          /* [stride] each: CBOW's mean, the input gradient */
	uint32_t *targets;      /* [neg + 1] */
	uint32_t *ctx;          /* [2 window] CBOW's context words (without subwords: their rows) */
	float alpha;
	uint64_t local;         /* words read since the last learning-rate update */
	double loss;            /* measured loss since the last progress call (worker 0) */
	uint64_t nloss;
	double eloss;           /* measured loss of the current epoch */
	uint64_t neloss;
	uint64_t words, trained;
	struct error e;
	int err;
} __attribute__((aligned(64))); /* no two workers' counters share a cache line */

/* The next line starting before limit (a line longer than W2V_SEGMENT comes in pieces, so a
 * thread that starts inside such a line starts at a piece of it): returns its length with *line pointing into the buffer,
 * -1 after the range, -2 on a read error (errno). */
static ssize_t range_line(struct worker *w, char **line)
{
	for (;;) {
		uint64_t at = w->pos - (w->end - w->start); /* offset of buf[start] */
		char *nl;

		if (at >= w->limit || (w->eof && w->start == w->end))
			return -1;
		nl = memchr(w->buf + w->start, '\n', w->end - w->start);
		if (nl || w->eof || w->end - w->start > W2V_SEGMENT) {
			size_t n = nl ? (size_t)(nl - (w->buf + w->start)) : w->end - w->start, k = n;

			if (n > W2V_SEGMENT) /* a long line: its first piece, which ends before limit */
				k = piece(w->buf + w->start, n, W2V_SEGMENT < w->limit - at ?
				                                 W2V_SEGMENT : (size_t)(w->limit - at));

			*line = w->buf + w->start;
			w->start += k + (nl != NULL && k == n);
			return (ssize_t)k;
		}
		memmove(w->buf, w->buf + w->start, w->end - w->start);
		w->end -= w->start;
		w->start = 0;
		if (w->cap - w->end < READ_CHUNK / 2) {
			char *nb = realloc(w->buf, w->cap * 2);

			if (!nb)
				return -2;
			w->buf = nb;
			w->cap *= 2;
		}
		ssize_t got = pread(w->tr->fd, w->buf + w->end, w->cap - w->end, (off_t)w->pos);

		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -2;
		}
		if (got == 0)
			w->eof = 1;
		w->pos += (uint64_t)got;
		w->end += (size_t)got;
	}
}

/* The file offset of line, which range_line has just returned. */
static uint64_t line_offset(const struct worker *w, const char *line)
{
	return w->pos - (w->end - (size_t)(line - w->buf));
}

/* Goes back to the first line that starts at or after begin. */
static int range_rewind(struct worker *w)
{
	char *s;

	w->start = w->end = 0;
	w->eof = 0;
	w->pos = w->begin ? w->begin - 1 : 0;
	if (w->begin) { /* the rest of the line holding byte begin - 1, or of its piece */
		uint64_t limit = w->limit;
		ssize_t n;

		w->limit = w->begin;
		n = range_line(w, &s);
		w->limit = limit;
		if (n == -2)
			return -2;
	}
	return 0;
}

/* The learning rate after done of total words: linear from alpha to min_alpha. */
static float rate(const struct train *tr, uint64_t done)
{
	double f = tr->total ? (double)done / (double)tr->total : 1;

	if (f > 1)
		f = 1;
	return (float)(tr->s->alpha - (tr->s->alpha - tr->s->min_alpha) * f);
}

/* Asks for the n floats of a row to be brought into the cache: the rows of the negatives are
 * random, and their loads would otherwise wait one after the other. */
static inline void prefetch_row(const float *row, size_t n)
{
	for (size_t i = 0; i < n; i += 16)
		__builtin_prefetch(row + i, 1, 3);
}

/* targets [neg + 1]: the positive, then the negatives drawn that differ from it; returns their
 * count. */
static inline size_t draw_targets(struct worker *w, uint32_t positive)
{
	const struct train *tr = w->tr;
	size_t k = 1;

	w->targets[0] = positive;
	for (unsigned d = 0; d < tr->s->neg; d++) {
		uint32_t t = alias_draw(&tr->neg, &w->rng);

		if (t != positive) {
			prefetch_row(tr->m->C + (size_t)t * tr->m->stride, tr->m->stride);
			w->targets[k++] = t;
		}
	}
	return k;
}

/* The output side of one prediction: h [stride] predicts target by hierarchical softmax, then
 * by negative sampling (word2vec.c's order when both are on); adds the input gradient to
 * dh [stride]. Returns the loss when want, else 0. Always inlined: called out of line, GCC
 * compiles it once for the baseline x86-64 (SSE), not in train_sentence's AVX2 clone. */
static inline __attribute__((always_inline)) float predict(struct worker *w, float *dh,
                                                           const float *h, uint32_t target,
                                                           int want)
{
	const struct train *tr = w->tr;
	const struct w2v_model *m = tr->m;
	float loss = 0;

	if (tr->s->hs) {
		size_t o = tr->tree.off[target], len = tr->tree.off[target + 1] - o;

		loss += w2v_hs_update(dh, m->N, h, tr->tree.points + o, tr->tree.codes + o, len,
		                      w->alpha, m->stride, want);
	}
	if (tr->s->neg) {
		size_t nt = draw_targets(w, target);

		loss += w2v_sgns_update(dh, m->C, h, w->targets, nt, w->alpha, m->stride, want);
	}
	return loss;
}

/* h [stride] = the mean of the rows of the subword lists of the words ctx [nc] (a word listed
 * twice counts twice), as w2v_cbow_mean of the lists one after the other. */
static inline void cbow_subword_mean(float *h, const float *W, const struct subword_table *sub,
                                     const uint32_t *ctx, size_t nc, size_t stride)
{
	size_t rows = 0;

	memset(h, 0, stride * sizeof(*h));
	for (size_t j = 0; j < nc; j++) {
		size_t n;
		const uint32_t *list = subword_list(sub, ctx[j], &n);

		for (size_t k = 0; k < n; k++)
			w2v_axpy(h, 1.0f, W + (size_t)list[k] * stride, stride);
		rows += n;
	}
	for (size_t i = 0; i < stride; i++)
		h[i] *= 1.0f / (float)rows;
}

/* Trains one sentence of ids [n] (subsampled already). */
SIMD_CLONES
static void train_sentence(struct worker *w, const uint32_t *ids, size_t n)
{
	const struct train *tr = w->tr;
	const struct w2v_settings *s = tr->s;
	float *W = tr->m->W;
	const struct subword_table *sub = &tr->m->sub;
	size_t stride = tr->m->stride;

	for (size_t pos = 0; pos < n; pos++) {
		size_t win = s->window, lo, hi;
		int want = (w->trained++ % W2V_LOSS_EVERY) == 0;
		float loss = 0;
		unsigned calls = 0;

		if (s->shrink)
			win -= (size_t)rng_below(&w->rng, s->window);
		lo = pos > win ? pos - win : 0;
		hi = pos + win + 1 < n ? pos + win + 1 : n;
		if (s->cbow) {
			size_t nc = 0;

			for (size_t j = lo; j < hi; j++)
				if (j != pos)
					w->ctx[nc++] = ids[j];
			if (!nc)
				continue;
			if (sub->rows)
				cbow_subword_mean(w->h, W, sub, w->ctx, nc, stride);
			else
				w2v_cbow_mean(w->h, W, w->ctx, nc, stride);
			memset(w->dh, 0, stride * sizeof(float));
			loss += predict(w, w->dh, w->h, ids[pos], want);
			calls++;
			if (!sub->rows) {
				w2v_add_rows(W, w->ctx, nc, w->dh, stride);
			} else {
				for (size_t j = 0; j < nc; j++) {
					size_t nl;
					const uint32_t *list = subword_list(sub, w->ctx[j], &nl);

					w2v_add_rows(W, list, nl, w->dh, stride);
				}
			}
		} else if (sub->rows) {
			/* fastText's way round: the center's mean predicts each context word; h is
			 * computed once and the gradients of all the predictions added up in dh */
			size_t nin;
			const uint32_t *in = subword_list(sub, ids[pos], &nin);

			if (hi - lo < 2)
				continue;
			w2v_cbow_mean(w->h, W, in, nin, stride);
			memset(w->dh, 0, stride * sizeof(float));
			for (size_t j = lo; j < hi; j++) {
				if (j == pos)
					continue;
				loss += predict(w, w->dh, w->h, ids[j], want);
				calls++;
			}
			w2v_add_rows(W, in, nin, w->dh, stride);
		} else {
			for (size_t j = lo; j < hi; j++) {
				float *in;

				if (j == pos)
					continue;
				in = W + (size_t)ids[j] * stride;
				memset(w->dh, 0, stride * sizeof(float));
				loss += predict(w, w->dh, in, ids[pos], want);
				calls++;
				w2v_axpy(in, 1.0f, w->dh, stride);
			}
		}
		if (want && calls) {
			w->loss += loss;
			w->nloss += calls;
		}
	}
}

/* Counts n words read into the shared total every W2V_LR_EVERY, updates the learning rate and,
 * on worker 0, reports. */
static void count_words(struct worker *w, uint64_t n, int t)
{
	struct train *tr = w->tr;
	uint64_t done;

	w->local += n;
	w->words += n;
	if (w->local < W2V_LR_EVERY)
		return;
	done = __atomic_add_fetch(&tr->done, w->local, __ATOMIC_RELAXED);
	w->local = 0;
	w->alpha = rate(tr, done);
	if (t == 0 && tr->fn && tr->train_words) {
		uint64_t epoch = done / tr->train_words;

		if (epoch >= tr->s->epochs)
			epoch = tr->s->epochs - 1;
		tr->fn(tr->ctx, (unsigned)epoch + 1, done - epoch * tr->train_words,
		       w->nloss ? w->loss / (double)w->nloss : NAN, w->alpha);
		w->loss = 0;
		w->nloss = 0;
	}
}

/* Trains the first k words of the worker's ids as a sentence, its loss counted in the epoch's. */
static void train_chunk(struct worker *w, size_t k)
{
	double l0 = w->loss;
	uint64_t n0 = w->nloss;

	train_sentence(w, w->ids, k);
	w->eloss += w->loss - l0;
	w->neloss += w->nloss - n0;
}

static void work(void *ctx, int t, int nt)
{
	struct train *tr = ctx;
	struct worker *w = &tr->workers[t];
	const struct w2v_settings *s = tr->s;
	char *line;
	ssize_t n;

	w->begin = tr->size * (uint64_t)t / (uint64_t)nt;
	w->limit = tr->size * (uint64_t)(t + 1) / (uint64_t)nt;
	w->alpha = (float)s->alpha;
	for (unsigned ep = 0; ep < s->epochs; ep++) {
		w->eloss = 0;
		w->neloss = 0;
		if (range_rewind(w) < 0)
			goto read_error;
		while ((n = range_line(w, &line)) >= 0) {
			size_t k = 0, read = 0, len;
			uint64_t bad = w->bad;
			const char *cs;

			if (__atomic_load_n(&tr->failed, __ATOMIC_RELAXED))
				return;
			cs = utf8_clean(line, (size_t)n, s->invalid, &w->clean, &len, &w->bad);
			if (!cs) {
				w->err = error_bad(&w->e, tr->name, 0, "byte %llu: invalid UTF-8",
				                   (unsigned long long)(line_offset(w, line) + len + 1));
				__atomic_store_n(&tr->failed, 1, __ATOMIC_RELAXED);
				return;
			}
			if (ep > 0)
				w->bad = bad; /* counted once, in the first epoch */
			else if (w->bad > bad && !w->bad_at)
				w->bad_at = line_offset(w, line) + utf8_valid_prefix(line, (size_t)n) + 1;
			spans_split_blank(cs, len, &w->tok);
			if (w->tok.n > w->idcap) {
				uint32_t *ni = realloc(w->ids, w->tok.n * 2 * sizeof(*ni));

				if (!ni) {
					w->err = error_set(&w->e, -1, ENOMEM, tr->name, 0, "training");
					__atomic_store_n(&tr->failed, 1, __ATOMIC_RELAXED);
					return;
				}
				w->ids = ni;
				w->idcap = w->tok.n * 2;
			}
			for (size_t i = 0; i < w->tok.n; i++) {
				int64_t id = vocab_id(tr->v, w->tok.v[i].p, w->tok.v[i].n);

				if (id >= 0) {
					read++;
					if ((rng_next(&w->rng) >> 32) < tr->keep[id])
						w->ids[k++] = (uint32_t)id;
				}
				if (k == W2V_MAX_SENTENCE || (i + 1 == w->tok.n && read)) {
					train_chunk(w, k);
					count_words(w, read, t);
					k = read = 0;
				}
			}
		}
		if (n == -2)
			goto read_error;
	}
	__atomic_add_fetch(&tr->done, w->local, __ATOMIC_RELAXED);
	w->local = 0;
	return;
read_error:
	w->err = error_sys(&w->e, tr->name, "read");
	__atomic_store_n(&tr->failed, 1, __ATOMIC_RELAXED);
}

static int workers_alloc(struct train *tr, int nt)
{
	size_t stride = tr->m->stride, nctx = 2 * (size_t)tr->s->window;

	tr->workers = aligned_alloc(64, (size_t)nt * sizeof(struct worker));
	if (!tr->workers)
		return -1;
	memset(tr->workers, 0, (size_t)nt * sizeof(struct worker));
	for (int t = 0; t < nt; t++) {
		struct worker *w = &tr->workers[t];

		w->tr = tr;
		rng_seed(&w->rng, tr->s->seed ^ (0x9e3779b97f4a7c15ull * (uint64_t)(t + 1)));
		w->cap = READ_CHUNK;
		w->buf = malloc(w->cap);
		w->h = aligned_alloc(64, stride * sizeof(float));
		w->dh = aligned_alloc(64, stride * sizeof(float));
		w->targets = malloc((tr->s->neg + 1) * sizeof(uint32_t));
		w->ctx = malloc((nctx ? nctx : 1) * sizeof(uint32_t));
		if (!w->buf || !w->h || !w->dh || !w->targets || !w->ctx)
			return -1;
	}
	return 0;
}

static void workers_free(struct train *tr, int nt)
{
	if (!tr->workers)
		return;
	for (int t = 0; t < nt; t++) {
		struct worker *w = &tr->workers[t];

		free(w->buf);
		free(w->h);
		free(w->dh);
		free(w->targets);
		free(w->ctx);
		free(w->ids);
		spans_free(&w->tok);
		buf_free(&w->clean);
	}
	free(tr->workers);
}

int w2v_train(struct w2v_model *m, const struct w2v_settings *s, const struct vocab *v, int fd,
              const char *name, w2v_progress_fn *fn, void *ctx, struct w2v_stats *st,
              struct error *e)
{
	struct train tr = {.s = s, .m = m, .v = v, .fd = fd, .name = name, .fn = fn, .ctx = ctx};
	size_t rows = vocab_size(v);
	int nt = s->threads > 0 ? s->threads : 1, ret = 0;
	double loss = 0;
	uint64_t nloss = 0;
	struct stat sb;

	memset(st, 0, sizeof(*st));
	if (!s->neg && !s->hs)
		return error_set(e, -1, 0, NULL, 0, "neither negative sampling nor hierarchical "
		                 "softmax");
	if (!m->C != !s->neg || !m->N != !s->hs || m->rows != rows)
		return error_set(e, -1, 0, NULL, 0, "a model made for other settings");
	if (fstat(fd, &sb) < 0)
		return error_sys(e, name, "stat");
	tr.size = (uint64_t)sb.st_size;
	for (size_t i = 0; i < rows; i++)
		tr.train_words += v->tab.vals[i];
	tr.total = tr.train_words * s->epochs;
	/* a thread needs a share worth reading */
	if ((uint64_t)nt > tr.size / 4096 + 1)
		nt = (int)(tr.size / 4096 + 1);
	tr.keep = malloc(rows * sizeof(*tr.keep));
	if (!tr.keep || (s->neg && alias_build(&tr.neg, v) < 0)) {
		free(tr.keep);
		return error_set(e, -1, ENOMEM, NULL, 0, "sampling tables");
	}
	if (s->hs && w2v_tree_build(&tr.tree, v->tab.vals, rows) < 0) {
		free(tr.keep);
		alias_free(&tr.neg);
		return error_set(e, -1, ENOMEM, NULL, 0, "Huffman tree of %zu words", rows);
	}
	for (size_t i = 0; i < rows; i++) {
		double cn = (double)v->tab.vals[i], st_ = s->sample * (double)tr.train_words;
		double keep = s->sample > 0 && cn > 0 ? (sqrt(cn / st_) + 1) * st_ / cn : 1;

		tr.keep[i] = keep >= 1 ? (uint64_t)1 << 32 : (uint64_t)(keep * 4294967296.0);
	}
	if (workers_alloc(&tr, nt) < 0) {
		ret = error_set(e, -1, ENOMEM, NULL, 0, "training buffers");
	} else {
		par_run(nt, work, &tr);
		for (int t = 0; t < nt; t++) {
			struct worker *w = &tr.workers[t];

			if (w->err && !ret) {
				*e = w->e;
				ret = -1;
			}
			st->words += w->words;
			st->trained += w->trained;
			if (w->bad && (!st->bad || w->bad_at - 1 < st->bad_at))
				st->bad_at = w->bad_at - 1;
			st->bad += w->bad;
			loss += w->eloss;
			nloss += w->neloss;
		}
		st->loss = nloss ? loss / (double)nloss : NAN;
	}
	workers_free(&tr, nt);
	alias_free(&tr.neg);
	w2v_tree_free(&tr.tree);
	free(tr.keep);
	return ret;
}
