/* train.c: the recurrent classifier's training and its batched predictions. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "cls/rnncls.h"
#include "cls/train.h"
#include "nn/optim.h"
#include "nn/xent.h"

#define EVAL_BATCH 256

/* The examples of a data set as the model sees them: ids mapped, lengths cut. */
struct cls_set {
	const struct cls_data *d;
	uint32_t *wmap;     /* [d->words.n] model word ids */
	uint64_t *wstart;   /* [d->words.n + 1] with character n-grams: each word's rows in wrows */
	uint32_t *wrows;    /* [wstart[d->words.n]] (cls_word_rows), or NULL without n-grams */
	size_t maxrows;     /* the longest list (1 without n-grams) */
	uint32_t *lmap;     /* [d->labels.n] classes, UINT32_MAX: unknown to the model */
	size_t *len;        /* [d->n] tokens used */
	uint32_t *order;    /* [d->n] the examples by length */
	size_t maxlen;
};

static void set_free(struct cls_set *s)
{
	free(s->wmap);
	free(s->wstart);
	free(s->wrows);
	free(s->lmap);
	free(s->len);
	free(s->order);
	memset(s, 0, sizeof(*s));
}

/* Sorts order [n] by len, counting sort, keeping the order within a length. */
static int sort_by_length(uint32_t *order, const size_t *len, size_t n, size_t maxlen)
{
	size_t *at = calloc(maxlen + 2, sizeof(*at));
	uint32_t *tmp = malloc((n ? n : 1) * sizeof(*tmp));

	if (!at || !tmp) {
		free(at);
		free(tmp);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		at[len[order[i]] + 1]++;
	for (size_t k = 1; k <= maxlen + 1; k++)
		at[k] += at[k - 1];
	for (size_t i = 0; i < n; i++)
		tmp[at[len[order[i]]]++] = order[i];
	memcpy(order, tmp, n * sizeof(*tmp));
	free(at);
	free(tmp);
	return 0;
}

/* Each word's embedding rows, with character n-grams. Returns 0 or -1 (memory). */
static int word_lists(struct cls_set *s, const struct cls_model *m)
{
	const struct strtab *w = &s->d->words;
	uint32_t buf[CLS_MAX_ROWS];
	size_t cap = w->n * 8 + 1, at = 0;

	s->maxrows = 1;
	if (!m->c.maxn)
		return 0;
	if (!(s->wstart = malloc((w->n + 1) * sizeof(*s->wstart))) ||
	    !(s->wrows = malloc(cap * sizeof(*s->wrows))))
		return -1;
	for (size_t i = 0; i < w->n; i++) {
		size_t len, k;
		const char *word = strtab_key(w, i, &len);

		k = cls_word_rows(m, s->wmap[i], word, len, buf);
		if (at + k > cap) {
			uint32_t *p = realloc(s->wrows, (cap = 2 * (at + k)) * sizeof(*p));

			if (!p)
				return -1;
			s->wrows = p;
		}
		s->wstart[i] = at;
		memcpy(s->wrows + at, buf, k * sizeof(*buf));
		at += k;
		if (k > s->maxrows)
			s->maxrows = k;
	}
	s->wstart[w->n] = at;
	return 0;
}

static int set_init(struct cls_set *s, const struct cls_model *m, const struct cls_data *d,
                    struct error *e)
{
	memset(s, 0, sizeof(*s));
	s->d = d;
	if (cls_table_map(&s->wmap, &d->words, &m->words, CLS_UNK, e) < 0 ||
	    cls_table_map(&s->lmap, &d->labels, &m->labels, UINT32_MAX, e) < 0)
		goto fail;
	if (word_lists(s, m) < 0)
		goto nomem;
	s->len = malloc((d->n ? d->n : 1) * sizeof(*s->len));
	s->order = malloc((d->n ? d->n : 1) * sizeof(*s->order));
	if (!s->len || !s->order)
		goto nomem;
	for (size_t i = 0; i < d->n; i++) {
		size_t n;

		cls_example(d, i, &n);
		s->len[i] = m->c.max_len && n > m->c.max_len ? m->c.max_len : n;
		if (s->len[i] > s->maxlen)
			s->maxlen = s->len[i];
		s->order[i] = (uint32_t)i;
	}
	if (sort_by_length(s->order, s->len, d->n, s->maxlen) < 0)
		goto nomem;
	return 0;
nomem:
	error_set(e, -1, ENOMEM, NULL, 0, "the examples");
fail:
	set_free(s);
	return -1;
}

/* The cells (T + 1) B' of s's largest batch of at most B texts of one length: what a run for
 * it holds (cls_run_new's N). s->order is by length. */
static size_t set_cells(const struct cls_set *s, size_t B)
{
	size_t most = 0;

	for (size_t i = 0, j; i < s->d->n; i = j) {
		size_t L = s->len[s->order[i]], c;

		for (j = i + 1; j < s->d->n && s->len[s->order[j]] == L; j++)
			;
		c = (L + 1) * (j - i < B ? j - i : B);
		if (c > most)
			most = c;
	}
	return most ? most : 2;
}

/* The input of the B examples ex [B], each of T tokens, into rows [T*B*s->maxrows] and
 * start [T*B + 1] (unused without n-grams), and their targets [B] (NULL: not wanted). */
static struct cls_input gather(const struct cls_set *s, const uint32_t *ex, size_t B, size_t T,
                               uint32_t *rows, uint32_t *start, uint32_t *targets)
{
	struct cls_input in = {rows, s->wrows ? start : NULL};
	uint32_t k = 0;

	for (size_t t = 0; t < T; t++)
		for (size_t b = 0; b < B; b++) {
			size_t n;
			uint32_t w = cls_example(s->d, ex[b], &n)[t];

			if (!s->wrows) {
				rows[t * B + b] = s->wmap[w];
				continue;
			}
			start[t * B + b] = k;
			for (uint64_t j = s->wstart[w]; j < s->wstart[w + 1]; j++)
				rows[k++] = s->wrows[j];
		}
	if (s->wrows)
		start[T * B] = k;
	if (targets)
		for (size_t b = 0; b < B; b++)
			targets[b] = s->lmap[s->d->label[ex[b]]];
	return in;
}

/* ---- predictions ---- */

static void score_batch(struct cls_run *r, const struct cls_model *m, const struct cls_set *s,
                        const uint32_t *ex, size_t B, uint32_t *rows, uint32_t *start,
                        float *p, uint32_t *pred, double *loss, uint64_t *correct)
{
	size_t T = s->len[ex[0]], C = m->c.classes;
	struct cls_input in = gather(s, ex, B, T, rows, start, NULL);

	cls_forward(r, m, &in, T, B, 0, NULL);
	cls_probs(r, p);
	for (size_t b = 0; b < B; b++) {
		const float *pb = p + b * C;
		uint32_t best = 0, y = s->lmap[s->d->label[ex[b]]];

		for (uint32_t k = 1; k < C; k++)
			if (pb[k] > pb[best])
				best = k;
		pred[ex[b]] = best;
		if (y != UINT32_MAX) {
			*loss -= log(pb[y] > 1e-30f ? (double)pb[y] : 1e-30);
			*correct += best == y;
		}
	}
}

static int predict_set(const struct cls_model *m, const struct cls_set *s, uint32_t *pred,
                       double *loss, uint64_t *correct, struct error *e)
{
	size_t n = s->d->n, C = m->c.classes, N = set_cells(s, EVAL_BATCH);
	struct cls_run *r;
	uint32_t *rows, *start;
	float *p;

	if ((uint64_t)N * s->maxrows > UINT32_MAX)
		return error_bad(e, NULL, 0, "a batch of more than 2^32 embedding rows");
	r = cls_run_new(m, N, EVAL_BATCH, 0, 0, e);
	rows = malloc(N * s->maxrows * sizeof(*rows));
	start = malloc((N + 1) * sizeof(*start));
	p = malloc(EVAL_BATCH * C * sizeof(*p));

	*loss = 0;
	*correct = 0;
	if (!r || !rows || !start || !p) {
		cls_run_free(r);
		free(rows);
		free(start);
		free(p);
		return r ? error_set(e, -1, ENOMEM, NULL, 0, "predictions") : -1;
	}
	for (size_t i = 0; i < n;) {
		size_t B = 1;

		while (i + B < n && B < EVAL_BATCH && s->len[s->order[i + B]] == s->len[s->order[i]])
			B++;
		score_batch(r, m, s, s->order + i, B, rows, start, p, pred, loss, correct);
		i += B;
	}
	cls_run_free(r);
	free(rows);
	free(start);
	free(p);
	return 0;
}

int cls_rnn_predict(const struct cls_model *m, const struct cls_data *d, uint32_t *pred,
                    struct error *e)
{
	struct cls_set s;
	double loss;
	uint64_t correct;
	int ret;

	if (set_init(&s, m, d, e) < 0)
		return -1;
	ret = predict_set(m, &s, pred, &loss, &correct, e);
	set_free(&s);
	return ret;
}

/* ---- training ---- */

struct trainer {
	struct cls_model *m;
	const struct cls_train_opts *o;
	struct cls_set tr, va;
	struct cls_run *r;
	float *grad, *m1, *m2, *best;  /* blocks of m->L: gradients, Adam's moments, best epoch */
	size_t rest;                   /* where the tensors after the embedding start */
	size_t cells;                  /* (T + 1) B of the largest batch */
	uint32_t *in, *start, *targets; /* [cells * maxrows] the batch's input rows, [cells + 1],
	                                * [B] */
	struct cls_input input;        /* the batch's */
	uint32_t *rows, *stamp;        /* [cells * maxrows] the batch's distinct embedding rows; [rows
	                                * of the embedding] the last batch that saw each */
	uint32_t *batches;             /* [n] the starts of the epoch's batches, then shuffled */
	size_t nrows, nupd;            /* the batch's rows; those training moves */
	uint8_t *ok;                   /* [B] */
	struct adam a_rest, a_emb;
	float lr;                      /* the epoch's rate */
	struct rng rng;
	uint32_t batch_no;
};

static void trainer_free(struct trainer *t)
{
	set_free(&t->tr);
	set_free(&t->va);
	cls_run_free(t->r);
	free(t->grad);
	free(t->m1);
	free(t->m2);
	free(t->best);
	free(t->in);
	free(t->start);
	free(t->targets);
	free(t->rows);
	free(t->stamp);
	free(t->batches);
	free(t->ok);
}

/* The model of the settings, its vocabulary and labels from the training data. */
static int build_model(struct cls_model *m, const struct cls_data *d,
                       const struct cls_rnn_opts *ro, const struct cls_train_opts *o,
                       struct error *e)
{
	struct strtab words, labels;
	struct cls_config c = {.kind = CLS_RECURRENT, .emb = ro->emb, .cell = ro->cell,
	                       .layers = ro->layers, .hidden = ro->hidden,
	                       .bidirectional = ro->bidirectional, .pool = ro->pool,
	                       .max_len = ro->max_len, .minn = ro->minn, .maxn = ro->maxn,
	                       .buckets = ro->maxn ? ro->buckets : 0, .batch = (uint32_t)o->batch,
	                       .dropout = o->dropout, .rdropout = o->rdropout, .lr = o->lr,
	                       .seed = o->seed, .valid_acc = NAN};

	c.att = ro->pool == CLS_POOL_ATTENTION ? (ro->att ? ro->att : cls_pooled(&c)) : 0;
	if (cls_table_build(&words, &d->words, o->min_count, "<unk>", 0, e) < 0)
		return -1;
	if (cls_table_build(&labels, &d->labels, 1, NULL, 0, e) < 0) {
		strtab_free(&words);
		return -1;
	}
	c.words = (uint32_t)words.n;
	c.classes = (uint32_t)labels.n;
	if (cls_model_init(m, &c, &labels, &words, e) < 0) {
		strtab_free(&words);
		strtab_free(&labels);
		return -1;
	}
	return 0;
}

/* Uniform parameters, then the pretrained rows. */
static int init_params(struct cls_model *m, const struct cls_train_opts *o, struct error *e)
{
	struct rng g;

	rng_seed(&g, o->seed);
	nn_init_uniform(&m->L, m->w, (float)o->init, &g);
	return o->pretrained ? vec_fill_rows(m->w + m->L.t[m->emb].off, m->c.emb, &m->words,
	                                     o->pretrained, e) : 0;
}

static int trainer_init(struct trainer *t, struct cls_model *m, const struct cls_data *train,
                        const struct cls_data *valid, const struct cls_train_opts *o,
                        struct error *e)
{
	size_t B = o->batch, V = m->L.t[m->emb].rows, N;

	memset(t, 0, sizeof(*t));
	t->m = m;
	t->o = o;
	if (set_init(&t->tr, m, train, e) < 0 || (valid && set_init(&t->va, m, valid, e) < 0))
		return -1;
	t->cells = set_cells(&t->tr, B);
	if ((uint64_t)t->cells * t->tr.maxrows > UINT32_MAX)
		return error_bad(e, NULL, 0, "a batch of more than 2^32 embedding rows");
	t->r = cls_run_new(m, t->cells, B, o->dropout, o->rdropout, e);
	if (!t->r)
		return -1;
	t->rest = m->L.t[m->emb + 1].off; /* the embedding is the first tensor */
	t->grad = nn_block_alloc(&m->L, "the gradients", e);
	t->m1 = o->adam ? nn_block_alloc(&m->L, "Adam's moments", e) : NULL;
	t->m2 = o->adam ? nn_block_alloc(&m->L, "Adam's moments", e) : NULL;
	t->best = nn_block_alloc(&m->L, "the best epoch's parameters", e);
	if (!t->grad || (o->adam && (!t->m1 || !t->m2)) || !t->best)
		return -1;
	N = t->cells * t->tr.maxrows;
	t->in = malloc(N * sizeof(*t->in));
	t->start = malloc((t->cells + 1) * sizeof(*t->start));
	t->targets = malloc(B * sizeof(*t->targets));
	t->rows = malloc(N * sizeof(*t->rows));
	t->stamp = calloc(V, sizeof(*t->stamp));
	t->batches = malloc((train->n ? train->n : 1) * sizeof(*t->batches));
	t->ok = malloc(B);
	if (!t->in || !t->start || !t->targets || !t->rows || !t->stamp || !t->batches || !t->ok)
		return error_set(e, -1, ENOMEM, NULL, 0, "training");
	t->a_rest = t->a_emb = (struct adam){.beta1 = 0.9f, .beta2 = 0.999f, .eps = 1e-8f};
	t->lr = o->lr;
	rng_seed(&t->rng, o->seed ^ 0x9e3779b97f4a7c15ull);
	return 0;
}

/* The length of the run of same-length examples from order[i], at most B. */
static size_t run_at(const struct cls_set *s, size_t i, size_t B)
{
	size_t n = 1;

	while (i + n < s->d->n && n < B && s->len[s->order[i + n]] == s->len[s->order[i]])
		n++;
	return n;
}

/* The epoch's batches: the examples shuffled, then ordered by length (stably), cut into runs
 * of at most B of one length, the runs' starts shuffled. Returns their number, or 0 with e
 * filled. */
static size_t plan_epoch(struct trainer *t, struct error *e)
{
	struct cls_set *s = &t->tr;
	size_t n = s->d->n, nb = 0;

	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)rng_below(&t->rng, i);
		uint32_t x = s->order[i - 1];

		s->order[i - 1] = s->order[j];
		s->order[j] = x;
	}
	if (sort_by_length(s->order, s->len, n, s->maxlen) < 0)
		return (size_t)error_set(e, 0, ENOMEM, NULL, 0, "ordering the examples");
	for (size_t i = 0; i < n; i += run_at(s, i, t->o->batch))
		t->batches[nb++] = (uint32_t)i;
	for (size_t i = nb; i > 1; i--) {
		size_t j = (size_t)rng_below(&t->rng, i);
		uint32_t x = t->batches[i - 1];

		t->batches[i - 1] = t->batches[j];
		t->batches[j] = x;
	}
	return nb;
}

/* The distinct embedding rows of the batch's input (N positions) into t->rows: the t->nupd
 * that training moves first, then (--freeze) the word rows, whose gradient is only cleared. */
static void batch_rows(struct trainer *t, size_t N)
{
	size_t n = t->input.start ? t->input.start[N] : N, V = t->o->freeze ? t->m->c.words : 0;

	t->nrows = 0;
	t->batch_no++;
	for (int frozen = 0; frozen < 2; frozen++) {
		for (size_t i = 0; i < n; i++)
			if (t->stamp[t->in[i]] != t->batch_no && (t->in[i] < V) == frozen) {
				t->stamp[t->in[i]] = t->batch_no;
				t->rows[t->nrows++] = t->in[i];
			}
		if (!frozen)
			t->nupd = t->nrows;
	}
}

/* Clips the gradient (the tensors after the embedding, and the batch's embedding rows). */
static void clip(struct trainer *t, float *gemb, size_t E)
{
	size_t n = t->m->L.size - t->rest;
	double ss = nn_sumsq(t->grad + t->rest, n), norm;
	float f;

	for (size_t i = 0; i < t->nupd; i++)
		ss += nn_sumsq(gemb + (size_t)t->rows[i] * E, E);
	norm = sqrt(ss);
	if (!(norm > t->o->clip) || !isfinite(norm))
		return;
	f = (float)(t->o->clip / (norm + 1e-6));
	for (size_t i = 0; i < n; i++)
		t->grad[t->rest + i] *= f;
	for (size_t i = 0; i < t->nupd; i++)
		for (size_t k = 0; k < E; k++)
			gemb[(size_t)t->rows[i] * E + k] *= f;
}

static void update(struct trainer *t)
{
	struct cls_model *m = t->m;
	size_t E = m->c.emb, off = m->L.t[m->emb].off, n = m->L.size - t->rest;
	float *gemb = t->grad + off, lr = t->lr;

	if (t->o->clip > 0)
		clip(t, gemb, E);
	if (t->o->adam)
		adam_update(m->w + t->rest, t->grad + t->rest, t->m1 + t->rest, t->m2 + t->rest, n,
		            lr, &t->a_rest);
	else
		sgd_update(m->w + t->rest, t->grad + t->rest, n, lr);
	if (t->o->adam)
		adam_update_rows(m->w + off, gemb, t->m1 + off, t->m2 + off, t->rows, t->nupd, E,
		                 lr, &t->a_emb);
	else
		for (size_t i = 0; i < t->nupd; i++)
			sgd_update(m->w + off + (size_t)t->rows[i] * E, gemb + (size_t)t->rows[i] * E,
			           E, lr);
	for (size_t i = 0; i < t->nrows; i++)
		memset(gemb + (size_t)t->rows[i] * E, 0, E * sizeof(float));
}

/* One batch of B examples from the epoch's order at i; adds to the loss and the correct. */
static void step(struct trainer *t, size_t i, size_t B, double *loss, uint64_t *correct)
{
	struct cls_model *m = t->m;
	const uint32_t *ex = t->tr.order + i;
	size_t T = t->tr.len[ex[0]];

	t->input = gather(&t->tr, ex, B, T, t->in, t->start, t->targets);
	cls_forward(t->r, m, &t->input, T, B, 1, &t->rng);
	memset(t->grad + t->rest, 0, (m->L.size - t->rest) * sizeof(float));
	*loss += cls_backward(t->r, m, t->grad, t->targets, &t->input, 1.0f / (float)B,
	                      !t->o->freeze || m->c.maxn, t->ok);
	for (size_t b = 0; b < B; b++)
		*correct += t->ok[b];
	batch_rows(t, T * B);
	update(t);
}

/* One epoch; fills ep's training figures. Returns 0 or -1 with e filled. */
static int epoch(struct trainer *t, struct cls_epoch *ep, const struct cls_hooks *h,
                 struct error *e)
{
	size_t nb = plan_epoch(t, e), n = t->tr.d->n;
	uint64_t done = 0, correct = 0;
	double loss = 0, t0 = clock_seconds();

	if (!nb)
		return -1;
	for (size_t k = 0; k < nb; k++) {
		size_t B = run_at(&t->tr, t->batches[k], t->o->batch);

		step(t, t->batches[k], B, &loss, &correct);
		done += B;
		if (h && h->step && (k % 16 == 15 || k + 1 == nb))
			h->step(h->ctx, ep, done, n, loss / (double)done);
	}
	ep->seconds = clock_seconds() - t0;
	ep->train_loss = loss / (double)n;
	ep->train_acc = (double)correct / (double)n;
	ep->examples_per_s = (double)n / (ep->seconds > 0 ? ep->seconds : 1e-9);
	return 0;
}

/* Validates after an epoch and keeps the best; returns 1 when it is the best so far. */
static int validate(struct trainer *t, struct cls_epoch *ep, double *best_acc,
                    double *best_loss, struct error *e)
{
	size_t n = t->va.d ? t->va.d->n : 0, known = 0;
	uint32_t *pred;
	double loss;
	uint64_t correct;

	ep->valid_loss = ep->valid_acc = NAN;
	if (!t->va.d) {
		memcpy(t->best, t->m->w, t->m->L.size * sizeof(float));
		return 1;
	}
	if (!(pred = malloc(n * sizeof(*pred))))
		return error_set(e, -1, ENOMEM, NULL, 0, "validation");
	if (predict_set(t->m, &t->va, pred, &loss, &correct, e) < 0) {
		free(pred);
		return -1;
	}
	free(pred);
	for (size_t i = 0; i < n; i++)
		known += t->va.lmap[t->va.d->label[i]] != UINT32_MAX;
	/* the loss over the labels the model knows; the accuracy over all (the others wrong) */
	ep->valid_loss = known ? loss / (double)known : NAN;
	ep->valid_acc = (double)correct / (double)n;
	if (ep->valid_acc > *best_acc || (ep->valid_acc == *best_acc && ep->valid_loss < *best_loss)) {
		*best_acc = ep->valid_acc;
		*best_loss = ep->valid_loss;
		memcpy(t->best, t->m->w, t->m->L.size * sizeof(float));
		return 1;
	}
	return 0;
}

static int train_epochs(struct trainer *t, const struct cls_hooks *h, struct error *e)
{
	const struct cls_train_opts *o = t->o;
	double best_acc = -1, best_loss = INFINITY;
	unsigned since = 0, best_epoch = 0;
	int b;

	for (unsigned k = 1; k <= o->epochs; k++) {
		struct cls_epoch ep = {.epoch = k, .epochs = o->epochs, .lr = t->lr};
		double before = best_acc;

		if (epoch(t, &ep, h, e) < 0 || (b = validate(t, &ep, &best_acc, &best_loss, e)) < 0)
			return -1;
		ep.best = b;
		/* patience counts the epochs that do not raise the accuracy: a tie of a lower loss
		 * is the best epoch, but not progress */
		since = !t->va.d || ep.valid_acc > before ? 0 : since + 1;
		if (b) {
			best_epoch = k;
			t->m->c.epochs = k;
			t->m->c.valid_acc = t->va.d ? ep.valid_acc : NAN;
		}
		if (h && h->epoch && h->epoch(h->ctx, &ep, e) < 0)
			return -1;
		if (o->patience && since >= o->patience)
			break;
		t->lr *= o->decay;
	}
	memcpy(t->m->w, t->best, t->m->L.size * sizeof(float));
	t->m->c.epochs = best_epoch;
	t->m->c.valid_acc = t->va.d ? best_acc : NAN;
	return 0;
}

/* Settings a caller other than nlp-classify may get wrong. */
static int check_opts(const struct cls_train_opts *o, struct error *e)
{
	if (o->epochs < 1 || o->batch < 1 || !(o->lr > 0) || !(o->decay > 0 && o->decay <= 1) ||
	    !(o->clip >= 0) || !(o->dropout >= 0 && o->dropout < 1) ||
	    !(o->rdropout >= 0 && o->rdropout < 1) || !(o->init >= 0))
		return error_bad(e, NULL, 0, "training settings out of range (epochs, batch, rate, "
		                 "decay, clipping, dropout or init)");
	return 0;
}

int cls_rnn_train(struct cls_model *m, const struct cls_data *train, const struct cls_data *valid,
                  const struct cls_rnn_opts *ro, const struct cls_train_opts *o,
                  const struct cls_hooks *h, struct error *e)
{
	struct trainer t;
	int ret = -1;

	if (check_opts(o, e) < 0)
		return -1;
	if (build_model(m, train, ro, o, e) < 0)
		return -1;
	memset(&t, 0, sizeof(t));
	if (init_params(m, o, e) == 0 && trainer_init(&t, m, train, valid, o, e) == 0) {
		if (h && h->begin)
			h->begin(h->ctx, m, (uint64_t)m->L.size * sizeof(float) * (o->adam ? 5 : 3) +
			                    cls_run_bytes(m, t.cells, o->batch, o->dropout,
			                                  o->rdropout) +
			                    (valid ? cls_run_bytes(m, set_cells(&t.va, EVAL_BATCH),
			                                           EVAL_BATCH, 0, 0) : 0));
		ret = train_epochs(&t, h, e);
	}
	trainer_free(&t);
	if (ret < 0)
		cls_model_free(m);
	return ret;
}
