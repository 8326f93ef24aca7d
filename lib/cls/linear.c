/* linear.c: fastText's supervised classifier (cls/linear.h): the kernels, the features of a
 * text (computed once per example for training and batch prediction, per line for predict),
 * the Hogwild training with validation after each epoch, and prediction. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/bigmem.h"
#include "base/par.h"
#include "base/rng.h"
#include "base/simd.h"
#include "cls/linear.h"
#include "vec/subword.h"

#define ALWAYS __attribute__((always_inline))
#define NONE UINT32_MAX          /* a bucket without a row; a label the model does not know */
#define EOS_WORD "</s>"

/* ---- the kernels ---- */

/* a [n] . b [n], any n: the whole lanes through w2v_dot, the rest one by one. */
static inline ALWAYS float lin_dot(const float *a, const float *b, size_t n)
{
	size_t m = n & ~(size_t)(W2V_LANES - 1);
	float r = m ? w2v_dot(a, b, m) : 0;

	for (size_t i = m; i < n; i++)
		r += a[i] * b[i];
	return r;
}

/* y [n] += a x [n], any n. */
static inline ALWAYS void lin_axpy(float *y, float a, const float *x, size_t n)
{
	size_t m = n & ~(size_t)(W2V_LANES - 1);

	if (m)
		w2v_axpy(y, a, x, m);
	for (size_t i = m; i < n; i++)
		y[i] += a * x[i];
}

/* h [n] = the sum of the rows in [..][n] listed in rows [nr], over den. */
static inline ALWAYS void lin_mean(float *h, const float *in, const uint32_t *rows, size_t nr,
                                   size_t den, size_t n)
{
	float s = 1.0f / (float)den;

	memset(h, 0, n * sizeof(*h));
	for (size_t j = 0; j < nr; j++)
		lin_axpy(h, 1.0f, in + (size_t)rows[j] * n, n);
	for (size_t i = 0; i < n; i++)
		h[i] *= s;
}

/* p [C] = softmax(out [C][n] h [n]). Returns -log p[target] from the logits (target < C), or 0
 * when target is NONE. */
static inline ALWAYS float lin_softmax(float *p, const float *out, const float *h, size_t C,
                                       uint32_t target, size_t n)
{
	float max = -INFINITY, sum = 0, lt = 0;

	for (size_t c = 0; c < C; c++) {
		p[c] = lin_dot(out + c * n, h, n);
		if (p[c] > max)
			max = p[c];
	}
	if (target < C)
		lt = p[target] - max;
	for (size_t c = 0; c < C; c++) {
		p[c] = expf(p[c] - max);
		sum += p[c];
	}
	for (size_t c = 0; c < C; c++)
		p[c] *= 1.0f / sum;
	return target < C ? logf(sum) - lt : 0;
}

/* p [C] = each class's probability by hierarchical softmax: node [C-1] = sigmoid(out [C-1][n]
 * h [n]), each inner node's probability of branch 0, multiplied along each class's path. */
static inline ALWAYS void lin_hs_probs(float *p, float *node, const float *out, const float *h,
                                       const struct w2v_tree *t, size_t C, size_t n)
{
	for (size_t k = 0; k + 1 < C; k++)
		node[k] = 1.0f / (1.0f + expf(-lin_dot(out + k * n, h, n)));
	for (size_t c = 0; c < C; c++) {
		float q = 1;

		for (size_t d = t->off[c]; d < t->off[c + 1]; d++)
			q *= t->codes[d] ? 1.0f - node[t->points[d]] : node[t->points[d]];
		p[c] = q;
	}
}

/* The output side of one step by hierarchical softmax along target's path (w2v_hs_update for
 * any n): adds the input gradient, times lr, to grad [n]. Returns the loss. */
static inline ALWAYS float lin_hs_step(float *grad, float *out, const float *h,
                                       const struct w2v_tree *t, uint32_t target, float lr,
                                       size_t n)
{
	float loss = 0;

	for (size_t d = t->off[target]; d < t->off[target + 1]; d++) {
		float *c = out + (size_t)t->points[d] * n;
		float f = lin_dot(h, c, n), code = t->codes[d];
		float g = lr * ((1.0f - code) - 1.0f / (1.0f + expf(-f)));

		loss += w2v_softplus(code != 0 ? f : -f);
		lin_axpy(grad, g, c, n);
		lin_axpy(c, g, h, n);
	}
	return loss;
}

/* One SGD step (cls_linear_update), always inlined into the training's SIMD clone. */
static inline ALWAYS float lin_step(float *in, float *out, float *h, float *grad, float *p,
                                    const uint32_t *rows, size_t nr, uint32_t target,
                                    const struct w2v_tree *t, size_t C, float lr, uint32_t frozen,
                                    size_t n)
{
	float loss, s = 1.0f / (float)nr;

	lin_mean(h, in, rows, nr, nr, n);
	memset(grad, 0, n * sizeof(*grad));
	if (t) {
		loss = lin_hs_step(grad, out, h, t, target, lr, n);
	} else {
		loss = lin_softmax(p, out, h, C, target, n);
		for (size_t c = 0; c < C; c++) {
			float a = lr * ((c == target ? 1.0f : 0.0f) - p[c]);

			lin_axpy(grad, a, out + c * n, n);
			lin_axpy(out + c * n, a, h, n);
		}
	}
	/* the mean's gradient: each listed row gets grad / nr, once per listing */
	for (size_t j = 0; j < nr; j++)
		if (rows[j] >= frozen)
			lin_axpy(in + (size_t)rows[j] * n, s, grad, n);
	return loss;
}

void cls_linear_forward(float *probs, float *hidden, float *node, const float *in,
                        const float *out, const uint32_t *rows, size_t nr, size_t den,
                        const struct w2v_tree *tree, size_t C, size_t n)
{
	lin_mean(hidden, in, rows, nr, den, n);
	if (tree)
		lin_hs_probs(probs, node, out, hidden, tree, C, n);
	else
		lin_softmax(probs, out, hidden, C, NONE, n);
}

float cls_linear_update(float *in, float *out, float *hidden, float *grad, float *probs,
                        const uint32_t *rows, size_t nr, uint32_t target,
                        const struct w2v_tree *tree, size_t C, float lr, uint32_t frozen,
                        size_t n)
{
	return lin_step(in, out, hidden, grad, probs, rows, nr, target, tree, C, lr, frozen, n);
}

/* The index of the largest of p [C] (the first of equals). */
static uint32_t argmax(const float *p, size_t C)
{
	uint32_t b = 0;

	for (size_t c = 1; c < C; c++)
		if (p[c] > p[b])
			b = (uint32_t)c;
	return b;
}

/* ---- features ---- */

/* fastText keeps a word's hash in an int32_t and widens it to uint64_t: sign-extended. */
static inline uint64_t widen(uint32_t h)
{
	return (uint64_t)(int64_t)(int32_t)h;
}

/* The word n-grams of 2..N tokens of the hashes hs [T] as rows base + bucket, in out [..]
 * (fastText's order: by first token, then by length). Returns their number. */
static size_t word_ngrams(uint32_t *out, const uint32_t *hs, size_t T, unsigned N,
                          uint32_t buckets, uint32_t base)
{
	size_t k = 0;

	for (size_t i = 0; i < T; i++) {
		uint64_t h = widen(hs[i]);

		for (size_t j = i + 1; j < T && j < i + N; j++) {
			h = h * CLS_LINEAR_NGRAM_MUL + widen(hs[j]);
			out[k++] = base + (uint32_t)(h % buckets);
		}
	}
	return k;
}

/* How many word n-grams T tokens have. */
static size_t ngram_count(size_t T, unsigned N)
{
	size_t s = 0;

	for (size_t i = 0; N > 1 && i < T; i++)
		s += T - 1 - i < N - 1 ? T - 1 - i : N - 1;
	return s;
}

static int is_eos(const char *w, size_t n)
{
	return n == sizeof(EOS_WORD) - 1 && memcmp(w, EOS_WORD, n) == 0;
}

/* The features of each distinct word of a text's word table, against a vocabulary: computed
 * once, whatever the number of its uses. */
struct lin_words {
	size_t n;
	int64_t *id;       /* [n] the word's row in the vocabulary, or -1 */
	uint32_t *hash;    /* [n] fastText's hash of the word */
	uint64_t *off;     /* [n + 1] its character n-grams: sub[off[i] .. off[i + 1]) */
	uint32_t *sub;     /* [off[n]] their buckets */
};

static void words_free(struct lin_words *lw)
{
	free(lw->id);
	free(lw->hash);
	free(lw->off);
	free(lw->sub);
	memset(lw, 0, sizeof(*lw));
}

/* Fills lw for the words of dw under the vocabulary vocab and c's n-grams. Returns 0, or -1
 * with e filled (memory). */
static int words_build(struct lin_words *lw, const struct strtab *dw, const struct strtab *vocab,
                       const struct cls_config *c, struct error *e)
{
	size_t n = dw->n;

	memset(lw, 0, sizeof(*lw));
	lw->n = n;
	lw->id = malloc((n ? n : 1) * sizeof(*lw->id));
	lw->hash = malloc((n ? n : 1) * sizeof(*lw->hash));
	lw->off = calloc(n + 1, sizeof(*lw->off));
	if (!lw->id || !lw->hash || !lw->off)
		goto nomem;
	for (size_t i = 0; i < n; i++) {
		size_t len, k = 0;
		const char *w = strtab_key(dw, i, &len);

		lw->id[i] = strtab_find(vocab, w, len);
		lw->hash[i] = subword_hash(w, len);
		if (c->maxn && !is_eos(w, len))
			k = subword_each(w, len, c->minn, c->maxn, NULL, NULL);
		lw->off[i + 1] = lw->off[i] + k;
	}
	if (!(lw->sub = malloc((lw->off[n] ? lw->off[n] : 1) * sizeof(*lw->sub))))
		goto nomem;
	for (size_t i = 0; c->maxn && i < n; i++) {
		size_t len, k = (size_t)(lw->off[i + 1] - lw->off[i]);
		const char *w = strtab_key(dw, i, &len);

		if (k)
			subword_rows(lw->sub + lw->off[i], k, w, len, c->minn, c->maxn, c->buckets, 0);
	}
	return 0;
nomem:
	words_free(lw);
	return error_set(e, -1, ENOMEM, NULL, 0, "the words' features");
}

/* Each example's feature rows, computed once. */
struct lin_feats {
	size_t n;
	uint64_t *off;     /* [n + 1] example i's rows: rows[off[i] .. off[i + 1]) */
	uint32_t *rows;    /* [off[n]] rows of the input table (before resolving: V + bucket for
	                    * an n-gram) */
	uint32_t *den;     /* [n] the features the mean divides by (absent n-gram rows too) */
	uint32_t *label;   /* [n] the class, or NONE */
	uint32_t *tokens;  /* [n] fastText's tokens of the example: its words, label and </s> */
};

static void feats_free(struct lin_feats *f)
{
	free(f->off);
	free(f->rows);
	free(f->den);
	free(f->label);
	free(f->tokens);
	memset(f, 0, sizeof(*f));
}

/* The tokens of example i kept under max_len. */
static size_t kept_len(const struct cls_data *d, size_t i, uint32_t max_len)
{
	size_t len = (size_t)(d->start[i + 1] - d->start[i]);

	return max_len && len > max_len ? max_len : len;
}

/* The raw features of one example of ids [L] into out (returns their number); hs [L + 1] is
 * scratch for the tokens' hashes. */
static size_t example_fill(uint32_t *out, uint32_t *hs, const uint32_t *ids, size_t L,
                           const struct lin_words *lw, const struct cls_config *c,
                           uint32_t eos_hash)
{
	size_t k = 0;

	for (size_t i = 0; i < L; i++) {
		uint32_t w = ids[i];

		if (lw->id[w] >= 0)
			out[k++] = (uint32_t)lw->id[w];
		for (uint64_t j = lw->off[w]; j < lw->off[w + 1]; j++)
			out[k++] = c->words + lw->sub[j];
		hs[i] = lw->hash[w];
	}
	out[k++] = CLS_EOS;
	hs[L] = eos_hash;
	if (c->word_ngrams > 1)
		k += word_ngrams(out + k, hs, L + 1, c->word_ngrams, c->buckets, c->words);
	return k;
}

/* The sizes of f's arrays for d: off, den and tokens filled; returns the longest text. */
static size_t feats_size(struct lin_feats *f, const struct cls_data *d, const struct lin_words *lw,
                         const struct cls_config *c)
{
	size_t longest = 0;

	f->off[0] = 0;
	for (size_t i = 0; i < d->n; i++) {
		size_t L = kept_len(d, i, c->max_len), k = 1 + ngram_count(L + 1, c->word_ngrams);
		const uint32_t *ids = d->ids + d->start[i];

		for (size_t t = 0; t < L; t++)
			k += (lw->id[ids[t]] >= 0) + (size_t)(lw->off[ids[t] + 1] - lw->off[ids[t]]);
		f->off[i + 1] = f->off[i] + k;
		f->den[i] = (uint32_t)k;
		f->tokens[i] = (uint32_t)(L + 2);
		if (L > longest)
			longest = L;
	}
	return longest;
}

/* Fills f with the raw features of d's examples (lw: d's words) and their classes by
 * labelmap [d->labels.n] (NULL: none). Returns 0, or -1 with e filled (memory). */
static int feats_build(struct lin_feats *f, const struct cls_data *d, const struct lin_words *lw,
                       const struct cls_config *c, const uint32_t *labelmap, struct error *e)
{
	size_t n = d->n, longest;
	uint32_t *hs = NULL, eos_hash = subword_hash(EOS_WORD, sizeof(EOS_WORD) - 1);

	memset(f, 0, sizeof(*f));
	f->n = n;
	f->off = malloc((n + 1) * sizeof(*f->off));
	f->den = malloc((n ? n : 1) * sizeof(*f->den));
	f->label = malloc((n ? n : 1) * sizeof(*f->label));
	f->tokens = malloc((n ? n : 1) * sizeof(*f->tokens));
	if (!f->off || !f->den || !f->label || !f->tokens)
		goto nomem;
	longest = feats_size(f, d, lw, c);
	f->rows = malloc((f->off[n] ? f->off[n] : 1) * sizeof(*f->rows));
	hs = malloc((longest + 1) * sizeof(*hs));
	if (!f->rows || !hs)
		goto nomem;
	for (size_t i = 0; i < n; i++) {
		example_fill(f->rows + f->off[i], hs, d->ids + d->start[i], kept_len(d, i, c->max_len),
		             lw, c, eos_hash);
		f->label[i] = labelmap ? labelmap[d->label[i]] : NONE;
	}
	free(hs);
	return 0;
nomem:
	free(hs);
	feats_free(f);
	return error_set(e, -1, ENOMEM, NULL, 0, "the examples' features");
}

/* The kept row of bucket b among kept [K] (increasing): its index, or NONE. */
static uint32_t kept_find(const uint32_t *kept, size_t K, uint32_t b)
{
	size_t lo = 0, hi = K;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (kept[mid] < b)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < K && kept[lo] == b ? (uint32_t)lo : NONE;
}

/* Rewrites f's raw n-gram features V + bucket as V + the bucket's row (map [buckets]: row + 1,
 * 0 for none; else kept [K] by binary search), dropping those without one (still in den). */
static void feats_resolve(struct lin_feats *f, uint32_t V, const uint32_t *map,
                          const uint32_t *kept, size_t K)
{
	uint64_t w = 0, from = f->off[0];

	for (size_t i = 0; i < f->n; i++) {
		uint64_t to = f->off[i + 1];

		f->off[i] = w;
		for (uint64_t k = from; k < to; k++) {
			uint32_t x = f->rows[k], r;

			if (x < V) {
				f->rows[w++] = x;
				continue;
			}
			r = map ? map[x - V] - 1 : kept_find(kept, K, x - V);
			if (r != NONE)
				f->rows[w++] = V + r;
		}
		from = to;
	}
	f->off[f->n] = w;
}

/* ---- the vocabulary and the classes ---- */

/* The model's vocabulary (</s>, counted once a text and where a text has it, then d's words
 * seen at least min_count times) and classes (d's labels), both by count descending, ties by
 * bytes. Returns 0, or -1 with e filled. */
static int build_tables(struct strtab *words, struct strtab *labels, const struct cls_data *d,
                        uint64_t min_count, struct error *e)
{
	memset(labels, 0, sizeof(*labels));
	if (cls_table_build(words, &d->words, min_count, EOS_WORD, d->n, e) < 0)
		return -1;
	if (words->n > CLS_MAX_VOCAB) {
		error_bad(e, NULL, 0, "%zu words: more than %u", words->n, CLS_MAX_VOCAB);
		strtab_free(words);
		return -1;
	}
	if (cls_table_build(labels, &d->labels, 1, NULL, 0, e) < 0) {
		strtab_free(words);
		return -1;
	}
	return 0;
}

/* map [d->labels.n] = each of d's labels' class in labels, or NONE. NULL when memory runs out. */
static uint32_t *label_map(const struct cls_data *d, const struct strtab *labels)
{
	uint32_t *map = malloc((d->labels.n ? d->labels.n : 1) * sizeof(*map));

	for (size_t i = 0; map && i < d->labels.n; i++) {
		size_t len;
		const char *l = strtab_key(&d->labels, i, &len);
		int64_t c = strtab_find(labels, l, len);

		map[i] = c < 0 ? NONE : (uint32_t)c;
	}
	return map;
}

/* ---- training ---- */

struct lin_worker {
	struct lin_train *tr;
	float *h, *grad;        /* [stride] each */
	float *p, *node;        /* [C] each */
	size_t from, to;        /* the slice of the epoch's order */
	float lr;
	uint64_t local;         /* tokens not yet added to the shared count */
	double loss;            /* the epoch's */
	uint64_t done, measured, correct;
} __attribute__((aligned(64))); /* no two workers' counters share a cache line */

struct lin_train {
	struct cls_config c;
	const struct cls_train_opts *o;
	const struct cls_hooks *h;
	size_t V, K, C, O, stride;  /* words, n-gram rows, classes, output rows, row length (E) */
	struct cls_model *m;    /* trained in place: its tensors are the parameters */
	float *in;              /* [V + K][stride] m's "in": the words' rows, then the n-grams' */
	float *out;             /* [O][stride] m's "out" */
	float *snap;            /* [(V + K + O) stride] the best epoch's in and out, or NULL */
	int current_best;       /* in and out are the best epoch's (snap is not needed) */
	size_t in_floats, out_floats;
	uint32_t *bucket;       /* [K] each n-gram row's bucket, increasing */
	uint32_t *map;          /* [c.buckets] each bucket's row + 1, 0: none */
	struct w2v_tree tree;   /* hs */
	int hs;
	struct lin_feats tf, vf; /* the training and validation examples' features */
	uint32_t *order;        /* [tf.n] the epoch's order */
	uint64_t total, done;   /* tokens: of all epochs, trained (shared) */
	uint32_t frozen;        /* rows below it are not updated */
	struct rng rng;
	struct lin_worker *w;
	int nt;
	struct cls_epoch ep;
};

/* The rate after done of the total tokens: fastText's lr (1 - done / total). */
static float rate(const struct lin_train *tr, uint64_t done)
{
	double f = (double)done / (double)tr->total;

	return (float)(tr->o->lr * (f < 1 ? 1 - f : 0));
}

/* Adds the example's tokens to the shared count every CLS_LINEAR_LR_EVERY, and sets the rate. */
static inline void count_tokens(struct lin_worker *w, uint32_t tokens)
{
	w->local += tokens;
	if (w->local > CLS_LINEAR_LR_EVERY) {
		uint64_t done = __atomic_add_fetch(&w->tr->done, w->local, __ATOMIC_RELAXED);

		w->local = 0;
		w->lr = rate(w->tr, done);
	}
}

/* Thread 0's report: its progress counts for every thread's. */
static void report_step(struct lin_worker *w)
{
	struct lin_train *tr = w->tr;
	uint64_t done = w->done * (uint64_t)tr->nt;

	tr->ep.lr = w->lr;
	tr->h->step(tr->h->ctx, &tr->ep, done < tr->tf.n ? done : tr->tf.n, tr->tf.n,
	            w->loss / (double)w->done);
}

/* Trains worker w's slice of the epoch's order. */
SIMD_CLONES
static void train_slice(struct lin_worker *w, int t)
{
	struct lin_train *tr = w->tr;
	const struct lin_feats *f = &tr->tf;
	const struct w2v_tree *tree = tr->hs ? &tr->tree : NULL;
	size_t n = tr->stride, C = tr->C;

	for (size_t i = w->from; i < w->to; i++) {
		uint32_t x = tr->order[i], y = f->label[x];
		const uint32_t *rows = f->rows + f->off[x];
		size_t nr = (size_t)(f->off[x + 1] - f->off[x]);
		int measure = !tree || w->done % CLS_LINEAR_HS_ACC_EVERY == 0;
		uint32_t pred = 0;

		if (tree && measure) {
			lin_mean(w->h, tr->in, rows, nr, nr, n);
			lin_hs_probs(w->p, w->node, tr->out, w->h, tree, C, n);
			pred = argmax(w->p, C);
		}
		w->loss += lin_step(tr->in, tr->out, w->h, w->grad, w->p, rows, nr, y, tree, C,
		                    w->lr, tr->frozen, n);
		if (!tree)
			pred = argmax(w->p, C);
		w->measured += measure;
		w->correct += measure && pred == y;
		w->done++;
		count_tokens(w, f->tokens[x]);
		if (t == 0 && tr->h && tr->h->step && w->done % CLS_LINEAR_STEP_EVERY == 0)
			report_step(w);
	}
}

static void train_work(void *ctx, int t, int nt)
{
	struct lin_train *tr = ctx;
	struct lin_worker *w = &tr->w[t];

	w->from = tr->tf.n * (size_t)t / (size_t)nt;
	w->to = tr->tf.n * (size_t)(t + 1) / (size_t)nt;
	w->loss = 0;
	w->done = w->measured = w->correct = 0;
	train_slice(w, t);
}

/* ---- evaluation on threads ---- */

struct lin_escratch {
	float *h, *p, *node;    /* [n], [C], [C] */
	double loss;            /* over the examples with a known class */
	uint64_t known, correct;
} __attribute__((aligned(64)));

struct lin_eval {
	const float *in, *out;  /* [..][n] the input rows, [C or C-1][n] the output's */
	size_t C, n;
	const struct w2v_tree *tree;
	const struct lin_feats *f;
	float *probs;           /* [f->n][C] the results, or NULL */
	struct lin_escratch *s; /* [threads] */
};

SIMD_CLONES
static void eval_slice(const struct lin_eval *ev, struct lin_escratch *s, size_t from, size_t to)
{
	const struct lin_feats *f = ev->f;

	for (size_t i = from; i < to; i++) {
		float *p = ev->probs ? ev->probs + i * ev->C : s->p;
		uint32_t y = f->label[i];

		lin_mean(s->h, ev->in, f->rows + f->off[i], (size_t)(f->off[i + 1] - f->off[i]),
		         f->den[i], ev->n);
		if (ev->tree)
			lin_hs_probs(p, s->node, ev->out, s->h, ev->tree, ev->C, ev->n);
		else
			lin_softmax(p, ev->out, s->h, ev->C, NONE, ev->n);
		if (y == NONE)
			continue;
		s->known++;
		s->correct += argmax(p, ev->C) == y;
		s->loss -= log(p[y] > 1e-30f ? p[y] : 1e-30f);
	}
}

static void eval_work(void *ctx, int t, int nt)
{
	const struct lin_eval *ev = ctx;

	eval_slice(ev, &ev->s[t], ev->f->n * (size_t)t / (size_t)nt,
	           ev->f->n * (size_t)(t + 1) / (size_t)nt);
}

/* Runs ev on nt threads; *acc the accuracy over all of f's examples (an unknown class is
 * wrong), *loss the mean loss over those with a known class (NaN: none). Returns 0, or -1 with
 * e filled (memory). */
static int eval_run(struct lin_eval *ev, int nt, double *acc, double *loss, struct error *e)
{
	uint64_t known = 0, correct = 0;
	double sum = 0;
	int ret = 0;

	if (nt < 1)
		nt = 1;
	if ((size_t)nt > ev->f->n)
		nt = ev->f->n ? (int)ev->f->n : 1;
	if (!(ev->s = aligned_alloc(64, (size_t)nt * sizeof(*ev->s))))
		return error_set(e, -1, ENOMEM, NULL, 0, "evaluation");
	memset(ev->s, 0, (size_t)nt * sizeof(*ev->s));
	for (int t = 0; t < nt; t++) {
		struct lin_escratch *s = &ev->s[t];

		s->h = malloc(ev->n * sizeof(float));
		s->p = malloc(ev->C * sizeof(float));
		s->node = malloc(ev->C * sizeof(float));
		if (!s->h || !s->p || !s->node)
			ret = -1;
	}
	if (ret == 0)
		par_run(nt, eval_work, ev);
	for (int t = 0; t < nt; t++) {
		known += ev->s[t].known;
		correct += ev->s[t].correct;
		sum += ev->s[t].loss;
		free(ev->s[t].h);
		free(ev->s[t].p);
		free(ev->s[t].node);
	}
	free(ev->s);
	ev->s = NULL;
	if (ret < 0)
		return error_set(e, -1, ENOMEM, NULL, 0, "evaluation");
	*acc = ev->f->n ? (double)correct / (double)ev->f->n : NAN;
	*loss = known ? sum / (double)known : NAN;
	return 0;
}

/* ---- setting up ---- */

static int check_opts(const struct cls_linear_opts *lo, const struct cls_train_opts *o,
                      const struct cls_data *d, struct error *e)
{
	if (lo->dim < 1 || lo->dim > CLS_MAX_SIZE)
		return error_bad(e, NULL, 0, "dimension %u: not within 1..%d", lo->dim, CLS_MAX_SIZE);
	if (lo->word_ngrams < 1 || lo->word_ngrams > CLS_LINEAR_MAX_NGRAMS)
		return error_bad(e, NULL, 0, "word n-grams up to %u: not within 1..%d",
		                 lo->word_ngrams, CLS_LINEAR_MAX_NGRAMS);
	if ((lo->minn || lo->maxn) &&
	    (lo->minn < 1 || lo->minn > lo->maxn || lo->maxn > CLS_LINEAR_MAX_N))
		return error_bad(e, NULL, 0, "character n-grams %u..%u: not within 1..%d",
		                 lo->minn, lo->maxn, CLS_LINEAR_MAX_N);
	if (lo->buckets > CLS_MAX_BUCKETS || (!lo->buckets && (lo->word_ngrams > 1 || lo->maxn)))
		return error_bad(e, NULL, 0, "%u buckets: not within 1..%u", lo->buckets,
		                 CLS_MAX_BUCKETS);
	if (lo->loss != CLS_LOSS_SOFTMAX && lo->loss != CLS_LOSS_HS)
		return error_bad(e, NULL, 0, "loss %u is not softmax or hs", (unsigned)lo->loss);
	if (o->epochs < 1 || !(o->lr > 0) || !isfinite(o->lr))
		return error_bad(e, NULL, 0, "%u epochs at a rate of %g", o->epochs, (double)o->lr);
	if (d->n < 1 || d->labels.n < 2 || d->labels.n > CLS_MAX_CLASSES)
		return error_bad(e, NULL, 0, "%zu classes: not within 2..%u", d->labels.n,
		                 CLS_MAX_CLASSES);
	if (o->pretrained && o->pretrained->dim != lo->dim)
		return error_bad(e, NULL, 0, "pretrained vectors of %zu dimensions; the model has %u",
		                 o->pretrained->dim, lo->dim);
	return 0;
}

static void config_set(struct cls_config *c, const struct cls_linear_opts *lo,
                       const struct cls_train_opts *o, size_t V, size_t C)
{
	memset(c, 0, sizeof(*c));
	c->kind = CLS_LINEAR;
	c->classes = (uint32_t)C;
	c->words = (uint32_t)V;
	c->emb = lo->dim;
	c->max_len = lo->max_len;
	c->word_ngrams = lo->word_ngrams;
	c->minn = lo->minn;
	c->maxn = lo->maxn;
	c->buckets = lo->word_ngrams > 1 || lo->maxn ? lo->buckets : 0;
	c->loss = lo->loss;
	c->lr = o->lr;
	c->seed = o->seed;
	c->valid_acc = NAN;
}

/* The n-gram rows: the buckets the training examples use, in bucket order (tr->map, tr->bucket,
 * tr->K), and the examples' features resolved to them. Returns 0, or -1 (memory). */
static int compact(struct lin_train *tr)
{
	struct lin_feats *f = &tr->tf;
	uint32_t V = (uint32_t)tr->V, k = 0;

	tr->K = 0;
	if (!tr->c.buckets)
		return 0;
	if (!(tr->map = bigmem_alloc((size_t)tr->c.buckets * sizeof(*tr->map))))
		return -1;
	for (uint64_t i = 0; i < f->off[f->n]; i++)
		if (f->rows[i] >= V && !tr->map[f->rows[i] - V]) {
			tr->map[f->rows[i] - V] = 1;
			tr->K++;
		}
	if (!(tr->bucket = malloc((tr->K ? tr->K : 1) * sizeof(*tr->bucket))))
		return -1;
	for (uint32_t b = 0; b < tr->c.buckets; b++)
		if (tr->map[b]) {
			tr->bucket[k] = b;
			tr->map[b] = ++k;
		}
	feats_resolve(f, V, tr->map, NULL, 0);
	return 0;
}

/* The features of text d (its labels mapped to labels) under the vocabulary words; f's
 * n-grams are left raw. Returns 0, or -1 with e filled. */
static int featurize(struct lin_feats *f, const struct cls_data *d, const struct strtab *words,
                     const struct strtab *labels, const struct cls_config *c, struct error *e)
{
	struct lin_words lw;
	uint32_t *lmap = label_map(d, labels);
	int r;

	if (!lmap)
		return error_set(e, -1, ENOMEM, NULL, 0, "the labels");
	if ((r = words_build(&lw, &d->words, words, c, e)) == 0) {
		r = feats_build(f, d, &lw, c, lmap, e);
		words_free(&lw);
	}
	free(lmap);
	return r;
}

/* The examples' features, train's and valid's (NULL: none). Returns 0, or -1 with e filled. */
static int prepare(struct lin_train *tr, const struct cls_data *train, const struct cls_data *valid,
                   const struct strtab *words, const struct strtab *labels, struct error *e)
{
	if (featurize(&tr->tf, train, words, labels, &tr->c, e) < 0)
		return -1;
	if (compact(tr) < 0)
		return error_set(e, -1, ENOMEM, NULL, 0, "the n-grams' rows");
	if (valid) {
		if (featurize(&tr->vf, valid, words, labels, &tr->c, e) < 0)
			return -1;
		feats_resolve(&tr->vf, (uint32_t)tr->V, tr->map, NULL, 0);
	}
	return 0;
}

static int model_start(struct lin_train *tr, struct strtab *words, struct strtab *labels,
                       struct error *e);

/* The word rows uniform in [-1/E, 1/E] from o->seed, those of pretrained words copied. */
static void init_words(struct lin_train *tr, const struct strtab *words)
{
	const struct vectors *pv = tr->o->pretrained;
	size_t E = tr->c.emb;
	float a = 1.0f / (float)E;
	struct rng r;

	rng_seed(&r, tr->o->seed);
	for (size_t i = 0; i < tr->V; i++) {
		float *row = tr->in + i * tr->stride;
		size_t len;
		const char *w = strtab_key(words, i, &len);
		int64_t k = pv ? vec_find(pv, w, len) : -1;

		for (size_t j = 0; j < E; j++)
			row[j] = a * (float)(2 * rng_uniform(&r) - 1);
		if (k >= 0)
			memcpy(row, pv->unit + (size_t)k * E, E * sizeof(float));
	}
}

/* The parameters, the tree, the snapshot, the order and the workers. Returns 0, or -1 with e
 * filled (memory). */
/* The Huffman tree of the labels' counts as the model file keeps them, in float32 (which
 * rounds counts above 2^24): a reader rebuilds the very tree training used. */
static int hs_tree(struct w2v_tree *tree, const struct strtab *labels, size_t C)
{
	uint64_t *n = malloc((C ? C : 1) * sizeof(*n));
	int r;

	if (!n)
		return -1;
	for (size_t c = 0; c < C; c++)
		n[c] = (uint64_t)(float)labels->vals[c];
	r = w2v_tree_build(tree, n, C);
	free(n);
	return r;
}

static int alloc_train(struct lin_train *tr, struct strtab *words, struct strtab *labels,
                       int valid, struct error *e)
{
	tr->in_floats = (tr->V + tr->K) * tr->stride;
	tr->out_floats = tr->O * tr->stride;
	if (model_start(tr, words, labels, e) < 0)
		return -1;
	init_words(tr, &tr->m->words);
	if (valid && !(tr->snap = bigmem_alloc((tr->in_floats + tr->out_floats) * sizeof(float))))
		return error_set(e, -1, ENOMEM, NULL, 0, "the best epoch's parameters");
	if (tr->hs && hs_tree(&tr->tree, &tr->m->labels, tr->C) < 0)
		return error_set(e, -1, ENOMEM, NULL, 0, "the Huffman tree");
	if (!(tr->order = malloc(tr->tf.n * sizeof(*tr->order))))
		return error_set(e, -1, ENOMEM, NULL, 0, "the order");
	for (size_t i = 0; i < tr->tf.n; i++)
		tr->order[i] = (uint32_t)i;
	if (!(tr->w = aligned_alloc(64, (size_t)tr->nt * sizeof(*tr->w))))
		return error_set(e, -1, ENOMEM, NULL, 0, "the threads");
	memset(tr->w, 0, (size_t)tr->nt * sizeof(*tr->w));
	for (int t = 0; t < tr->nt; t++) {
		struct lin_worker *w = &tr->w[t];

		w->tr = tr;
		w->lr = tr->o->lr;
		w->h = malloc(tr->stride * sizeof(float));
		w->grad = malloc(tr->stride * sizeof(float));
		w->p = malloc(tr->C * sizeof(float));
		w->node = malloc(tr->C * sizeof(float));
		if (!w->h || !w->grad || !w->p || !w->node)
			return error_set(e, -1, ENOMEM, NULL, 0, "the threads");
	}
	return 0;
}

/* The bytes training holds besides the texts: the model, the best epoch's copy, the examples'
 * features, the bucket map. */
static uint64_t train_bytes(const struct lin_train *tr)
{
	uint64_t b = (uint64_t)tr->m->L.size * sizeof(float), f = 0;
	const struct lin_feats *fs[2] = {&tr->tf, &tr->vf};

	if (tr->snap)
		b += (uint64_t)(tr->in_floats + tr->out_floats) * sizeof(float);
	for (int i = 0; i < 2; i++)
		if (fs[i]->off)
			f += fs[i]->off[fs[i]->n] * 4 + fs[i]->n * (8 + 3 * 4);
	return b + f + (uint64_t)tr->c.buckets * 4 + tr->K * 4 + tr->tf.n * 4;
}

static void train_free(struct lin_train *tr)
{
	bigmem_free(tr->snap, (tr->in_floats + tr->out_floats) * sizeof(float));
	bigmem_free(tr->map, (size_t)tr->c.buckets * sizeof(*tr->map));
	free(tr->bucket);
	w2v_tree_free(&tr->tree);
	feats_free(&tr->tf);
	feats_free(&tr->vf);
	free(tr->order);
	for (int t = 0; tr->w && t < tr->nt; t++) {
		free(tr->w[t].h);
		free(tr->w[t].grad);
		free(tr->w[t].p);
		free(tr->w[t].node);
	}
	free(tr->w);
}

/* ---- the epochs ---- */

/* Shuffles the order (Fisher and Yates) and trains one epoch; fills tr->ep's training fields. */
static void run_epoch(struct lin_train *tr)
{
	double t0 = clock_seconds(), loss = 0;
	uint64_t measured = 0, correct = 0;

	for (size_t i = tr->tf.n; i > 1; i--) {
		size_t j = (size_t)rng_below(&tr->rng, i);
		uint32_t x = tr->order[i - 1];

		tr->order[i - 1] = tr->order[j];
		tr->order[j] = x;
	}
	tr->ep.lr = tr->w[0].lr;
	par_run(tr->nt, train_work, tr);
	for (int t = 0; t < tr->nt; t++) {
		loss += tr->w[t].loss;
		measured += tr->w[t].measured;
		correct += tr->w[t].correct;
	}
	tr->ep.lr = rate(tr, tr->done); /* the rate the epoch ended at */
	tr->ep.seconds = clock_seconds() - t0;
	tr->ep.examples_per_s = (double)tr->tf.n / (tr->ep.seconds > 0 ? tr->ep.seconds : 1e-9);
	tr->ep.train_loss = loss / (double)tr->tf.n;
	tr->ep.train_acc = measured ? (double)correct / (double)measured : NAN;
}

/* Validates the epoch just trained (when there is validation text) and keeps its parameters
 * when best (c.epochs then names it); sets *since, the epochs in a row that did not raise the
 * validation accuracy (as the recurrent trainer counts them). */
static int validate(struct lin_train *tr, double *best_acc, double *best_loss, unsigned *since,
                    struct error *e)
{
	struct lin_eval ev = {.in = tr->in, .out = tr->out, .C = tr->C, .n = tr->stride,
	                      .tree = tr->hs ? &tr->tree : NULL, .f = &tr->vf};
	double acc, loss;

	tr->ep.valid_acc = tr->ep.valid_loss = NAN;
	tr->ep.best = 1;
	if (!tr->snap)
		return 0;
	if (eval_run(&ev, tr->nt, &acc, &loss, e) < 0)
		return -1;
	tr->ep.valid_acc = acc;
	tr->ep.valid_loss = loss;
	/* patience counts the epochs that do not raise the accuracy (a tie of a lower loss is
	 * the best epoch, not progress), as the recurrent trainer's */
	*since = acc > *best_acc || tr->ep.epoch == 1 ? 0 : *since + 1;
	tr->ep.best = acc > *best_acc || (acc == *best_acc && loss < *best_loss) ||
	              tr->ep.epoch == 1;
	tr->current_best = tr->ep.best;
	if (tr->ep.best) {
		tr->c.epochs = tr->ep.epoch;
		*best_acc = acc;
		*best_loss = loss;
		tr->c.valid_acc = acc;
		/* after the last epoch the parameters are themselves the best */
		if (tr->ep.epoch < tr->o->epochs) {
			memcpy(tr->snap, tr->in, tr->in_floats * sizeof(float));
			memcpy(tr->snap + tr->in_floats, tr->out, tr->out_floats * sizeof(float));
		}
	}
	return 0;
}

/* The epochs, validation and hooks. Returns 0, or -1 with e filled. */
static int epochs(struct lin_train *tr, struct error *e)
{
	double best_acc = -1, best_loss = INFINITY;
	unsigned since = 0, patience = tr->o->patience;

	tr->ep.epochs = tr->o->epochs;
	for (unsigned ep = 1; ep <= tr->o->epochs; ep++) {
		tr->ep.epoch = ep;
		run_epoch(tr);
		if (!tr->snap)
			tr->c.epochs = ep;
		if (validate(tr, &best_acc, &best_loss, &since, e) < 0)
			return -1;
		/* m holds this epoch's parameters: the hook may write it when it is the best */
		tr->m->c.epochs = tr->c.epochs;
		tr->m->c.valid_acc = tr->c.valid_acc;
		if (tr->h && tr->h->epoch && tr->h->epoch(tr->h->ctx, &tr->ep, e) < 0)
			return -1;
		if (tr->snap && patience && since >= patience)
			break;
	}
	return 0;
}

/* ---- the model ---- */

/* m = a model of every n-gram row the training uses, taking words and labels (on failure they
 * are still the caller's): its tensors are trained in place. */
static int model_start(struct lin_train *tr, struct strtab *words, struct strtab *labels,
                       struct error *e)
{
	struct cls_model *m = tr->m;
	float *idx;

	tr->c.kept = (uint32_t)tr->K;
	if (cls_model_init(m, &tr->c, labels, words, e) < 0)
		return -1;
	tr->in = nn_tensor(&m->L, m->w, m->in);
	tr->out = nn_tensor(&m->L, m->w, m->lin_out);
	idx = nn_tensor(&m->L, m->w, m->in_idx);
	for (size_t j = 0; j < tr->K; j++) {
		idx[j] = (float)tr->bucket[j];
		m->kept_bucket[j] = tr->bucket[j];
	}
	if (tr->hs)
		for (size_t c = 0; c < tr->C; c++)
			nn_tensor(&m->L, m->w, m->hs_count)[c] = (float)m->labels.vals[c];
	return 0;
}

static int row_zero(const float *row, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (row[i] != 0)
			return 0;
	return 1;
}

/* Drops m's n-gram rows that are zero (kept of them are not): a new model of the rows kept.
 * Returns 0, or -1 with e filled (memory; m is then freed). */
static int model_prune(struct lin_train *tr, size_t kept, struct error *e)
{
	struct cls_model *m = tr->m, n;
	size_t E = tr->c.emb, k = 0;
	float *ni, *idx;

	tr->c.kept = (uint32_t)kept;
	if (cls_model_init(&n, &tr->c, &m->labels, &m->words, e) < 0) {
		cls_model_free(m);
		return -1;
	}
	ni = nn_tensor(&n.L, n.w, n.in);
	idx = nn_tensor(&n.L, n.w, n.in_idx);
	memcpy(ni, tr->in, tr->V * E * sizeof(float));
	for (size_t j = 0; j < tr->K; j++) {
		const float *row = tr->in + (tr->V + j) * E;

		if (row_zero(row, E))
			continue;
		memcpy(ni + (tr->V + k) * E, row, E * sizeof(float));
		idx[k] = (float)tr->bucket[j];
		n.kept_bucket[k++] = tr->bucket[j];
	}
	memcpy(nn_tensor(&n.L, n.w, n.lin_out), tr->out, tr->out_floats * sizeof(float));
	if (tr->hs)
		memcpy(nn_tensor(&n.L, n.w, n.hs_count), nn_tensor(&m->L, m->w, m->hs_count),
		       tr->C * sizeof(float));
	cls_model_free(m);
	*m = n;
	return 0;
}

/* The trained model: the best epoch's parameters put back when a later epoch was worse, the
 * header's fields set, the n-gram rows that stayed zero dropped. Returns 0, or -1 with e filled
 * (m is then freed). */
static int model_finish(struct lin_train *tr, struct error *e)
{
	size_t kept = 0;

	if (tr->snap && !tr->current_best) {
		memcpy(tr->in, tr->snap, tr->in_floats * sizeof(float));
		memcpy(tr->out, tr->snap + tr->in_floats, tr->out_floats * sizeof(float));
	}
	tr->m->c.epochs = tr->c.epochs;
	tr->m->c.valid_acc = tr->c.valid_acc;
	for (size_t j = 0; j < tr->K; j++)
		kept += !row_zero(tr->in + (tr->V + j) * tr->stride, tr->c.emb);
	return kept < tr->K ? model_prune(tr, kept, e) : 0;
}

int cls_linear_train(struct cls_model *m, const struct cls_data *train,
                     const struct cls_data *valid, const struct cls_linear_opts *lo,
                     const struct cls_train_opts *o, const struct cls_hooks *h,
                     struct error *e)
{
	struct lin_train tr = {.o = o, .h = h, .m = m};
	struct strtab words, labels;
	int ret = -1;

	memset(m, 0, sizeof(*m));
	if (check_opts(lo, o, train, e) < 0 ||
	    build_tables(&words, &labels, train, o->min_count ? o->min_count : 1, e) < 0)
		return -1;
	tr.V = words.n;
	tr.C = labels.n;
	tr.hs = lo->loss == CLS_LOSS_HS;
	tr.O = tr.hs ? tr.C - 1 : tr.C;
	tr.stride = lo->dim;
	tr.frozen = o->freeze ? (uint32_t)tr.V : 0;
	tr.nt = o->threads > 0 ? o->threads : 1;
	if ((size_t)tr.nt > train->n)
		tr.nt = (int)train->n;
	config_set(&tr.c, lo, o, tr.V, tr.C);
	rng_seed(&tr.rng, o->seed ^ 0x9e3779b97f4a7c15ull);
	if (prepare(&tr, train, valid, &words, &labels, e) < 0 ||
	    alloc_train(&tr, &words, &labels, valid != NULL, e) < 0)
		goto out;
	for (size_t i = 0; i < tr.tf.n; i++)
		tr.total += tr.tf.tokens[i];
	tr.total *= o->epochs;
	if (h && h->begin)
		h->begin(h->ctx, m, train_bytes(&tr));
	if (epochs(&tr, e) == 0)
		ret = model_finish(&tr, e);
out:
	if (ret < 0)
		cls_model_free(m);
	train_free(&tr);
	strtab_free(&words);
	strtab_free(&labels);
	return ret;
}

/* ---- prediction ---- */

/* Makes *p [*cap] hold at least need entries. Returns 0, or -1 (memory). */
static int grow_u32(uint32_t **p, size_t *cap, size_t need)
{
	size_t c = *cap ? *cap : 64;
	uint32_t *q;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	if (!(q = realloc(*p, c * sizeof(*q))))
		return -1;
	*p = q;
	*cap = c;
	return 0;
}

int cls_linear_scratch_init(struct cls_linear_scratch *s, const struct cls_model *m,
                            struct error *e)
{
	size_t C = m->c.classes;

	memset(s, 0, sizeof(*s));
	s->hidden = malloc(m->c.emb * sizeof(float));
	s->node = malloc(C * sizeof(float));
	if (!s->hidden || !s->node || grow_u32(&s->rows, &s->cap, 256) < 0 ||
	    grow_u32(&s->hash, &s->hcap, 64) < 0 || grow_u32(&s->sub, &s->scap, 256) < 0)
		goto nomem;
	if (m->c.loss == CLS_LOSS_HS) {
		const float *hc = nn_tensor(&m->L, m->w, m->hs_count);
		uint64_t *counts = malloc(C * sizeof(*counts));
		int r;

		if (!counts)
			goto nomem;
		for (size_t c = 0; c < C; c++)
			counts[c] = (uint64_t)hc[c];
		r = w2v_tree_build(&s->tree, counts, C);
		free(counts);
		if (r < 0)
			goto nomem;
	}
	return 0;
nomem:
	cls_linear_scratch_free(s);
	return error_set(e, -1, ENOMEM, NULL, 0, "the prediction's buffers");
}

void cls_linear_scratch_free(struct cls_linear_scratch *s)
{
	free(s->hidden);
	free(s->node);
	free(s->rows);
	free(s->hash);
	free(s->sub);
	w2v_tree_free(&s->tree);
	memset(s, 0, sizeof(*s));
}

/* Appends the rows of the buckets sub [k] that m keeps to s->rows (room made already); each
 * counts in the mean. */
static void push_buckets(struct cls_linear_scratch *s, const struct cls_model *m,
                         const uint32_t *sub, size_t k)
{
	for (size_t j = 0; j < k; j++) {
		uint32_t r = kept_find(m->kept_bucket, m->c.kept, sub[j]);

		if (r != NONE)
			s->rows[s->nrows++] = m->c.words + r;
	}
	s->den += k;
}

/* The word and character n-gram features of token p [len], its hash in *hash. Returns 0, or
 * -1 (memory). */
static int token_features(struct cls_linear_scratch *s, const struct cls_model *m, const char *p,
                          size_t len, uint32_t *hash)
{
	const struct cls_config *c = &m->c;
	int64_t id = strtab_find(&m->words, p, len);
	size_t k = 0;

	*hash = subword_hash(p, len);
	if (c->maxn && id != CLS_EOS) {
		k = subword_rows(s->sub, s->scap, p, len, c->minn, c->maxn, c->buckets, 0);
		if (k > s->scap) {
			if (grow_u32(&s->sub, &s->scap, k) < 0)
				return -1;
			subword_rows(s->sub, s->scap, p, len, c->minn, c->maxn, c->buckets, 0);
		}
	}
	if (grow_u32(&s->rows, &s->cap, s->nrows + 1 + k) < 0)
		return -1;
	if (id >= 0) {
		s->rows[s->nrows++] = (uint32_t)id;
		s->den++;
	}
	push_buckets(s, m, s->sub, k);
	return 0;
}

int cls_linear_features(const struct cls_model *m, const struct span *tok, size_t n,
                        struct cls_linear_scratch *s, struct error *e)
{
	const struct cls_config *c = &m->c;
	size_t L = c->max_len && n > c->max_len ? c->max_len : n, k;

	s->nrows = s->den = 0;
	if (grow_u32(&s->hash, &s->hcap, L + 1) < 0)
		goto nomem;
	for (size_t i = 0; i < L; i++)
		if (token_features(s, m, tok[i].p, tok[i].n, &s->hash[i]) < 0)
			goto nomem;
	s->hash[L] = subword_hash(EOS_WORD, sizeof(EOS_WORD) - 1);
	k = ngram_count(L + 1, c->word_ngrams);
	if (grow_u32(&s->rows, &s->cap, s->nrows + 1 + k) < 0 || grow_u32(&s->sub, &s->scap, k) < 0)
		goto nomem;
	s->rows[s->nrows++] = CLS_EOS;
	s->den++;
	if (k) {
		word_ngrams(s->sub, s->hash, L + 1, c->word_ngrams, c->buckets, 0);
		push_buckets(s, m, s->sub, k);
	}
	return 0;
nomem:
	return error_set(e, -1, ENOMEM, NULL, 0, "a text's features");
}

int cls_linear_predict(const struct cls_model *m, const struct span *tok, size_t n,
                       struct cls_linear_scratch *s, float *probs, struct error *e)
{
	if (cls_linear_features(m, tok, n, s, e) < 0)
		return -1;
	cls_linear_forward(probs, s->hidden, s->node, nn_tensor(&m->L, m->w, m->in),
	                   nn_tensor(&m->L, m->w, m->lin_out), s->rows, s->nrows, s->den,
	                   m->c.loss == CLS_LOSS_HS ? &s->tree : NULL, m->c.classes, m->c.emb);
	return 0;
}

int cls_linear_probs(const struct cls_model *m, const struct cls_data *d, int threads,
                     float *probs, struct error *e)
{
	struct cls_linear_scratch s;
	struct lin_feats f;
	struct lin_eval ev = {.in = nn_tensor(&m->L, m->w, m->in),
	                      .out = nn_tensor(&m->L, m->w, m->lin_out), .C = m->c.classes,
	                      .n = m->c.emb, .f = &f, .probs = probs};
	double acc, loss;
	int r;

	if (cls_linear_scratch_init(&s, m, e) < 0)
		return -1;
	if (m->c.loss == CLS_LOSS_HS)
		ev.tree = &s.tree;
	if ((r = featurize(&f, d, &m->words, &m->labels, &m->c, e)) == 0) {
		feats_resolve(&f, m->c.words, NULL, m->kept_bucket, m->c.kept);
		r = eval_run(&ev, threads, &acc, &loss, e);
		feats_free(&f);
	}
	cls_linear_scratch_free(&s);
	return r;
}
