/* train.c: training a sequence-to-sequence model. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/par.h"
#include "base/rng.h"
#include "nn/gemm.h"
#include "nn/optim.h"
#include "s2s/predict.h"
#include "s2s/s2s.h"
#include "s2s/train.h"

struct item {
	uint32_t S, T;           /* source units, decoder steps (target units + 1) */
	uint64_t r;              /* the epoch's random order among equals */
	uint32_t i;
};

/* A batch is cut into shards of at most S2S_SHARD pairs (at most S2S_SHARDS of them), each with
 * its own activations and gradients, run on the threads at once and their gradients summed in
 * order: the cut depends on the batch alone, so a seeded run repeats bit for bit whatever the
 * threads. */
#define S2S_SHARD 32
#define S2S_SHARDS 8

struct shard {
	struct s2s_run *run;
	float *grad;                    /* [L.size] */
	uint32_t *src, *in, *out;       /* [Smax b], [Tmax b], [Tmax b] */
	uint32_t *idx;                  /* [b] its pairs' indices in the data */
	const struct item *it;          /* its pairs */
	size_t B;
	struct rng rng;                 /* its dropout's */
	double loss;
};

struct trainer {
	struct s2s_model *m;
	const struct s2s_data *d, *va;
	const struct s2s_train_opts *o;
	float *grad, *m1, *v2, *best;   /* [L.size] each */
	struct shard sh[S2S_SHARDS];
	size_t nsh, shb;                /* shards, pairs a shard at most */
	float scale;                    /* the batch's 1 / target units */
	struct item *it;                /* [n] */
	size_t *bstart;                 /* [nb + 1] batch k is it[bstart[k] .. bstart[k+1]) */
	uint32_t *border;               /* [nb] the epoch's order of the batches */
	size_t nb, Smax, Tmax;
	uint64_t units;                 /* target units of an epoch, </s> included */
	float lr;                       /* the epoch's */
	struct rng rng;
	struct adam adam;
};

static int item_cmp(const void *pa, const void *pb)
{
	const struct item *a = pa, *b = pb;

	if (a->S != b->S)
		return a->S < b->S ? -1 : 1;
	if (a->T != b->T)
		return a->T < b->T ? -1 : 1;
	if (a->r != b->r)
		return a->r < b->r ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

static void trainer_free(struct trainer *t)
{
	free(t->grad);
	free(t->m1);
	free(t->v2);
	free(t->best);
	for (size_t k = 0; k < S2S_SHARDS; k++) {
		s2s_run_free(t->sh[k].run);
		free(t->sh[k].grad);
		free(t->sh[k].src);
		free(t->sh[k].in);
		free(t->sh[k].out);
		free(t->sh[k].idx);
	}
	free(t->it);
	free(t->bstart);
	free(t->border);
}

static int trainer_init(struct trainer *t, struct s2s_model *m, const struct s2s_data *d,
                        const struct s2s_data *va, const struct s2s_train_opts *o,
                        struct error *e)
{
	size_t B = o->batch, n = d->n;

	t->m = m;
	t->d = d;
	t->va = va;
	t->o = o;
	t->it = malloc((n + 1) * sizeof(*t->it));
	t->bstart = malloc((n + 1) * sizeof(size_t));
	t->border = malloc((n + 1) * sizeof(uint32_t));
	if (!t->it || !t->bstart || !t->border)
		return error_set(e, -1, ENOMEM, NULL, 0, "the batches of %zu pairs", n);
	for (size_t i = 0; i < n; i++) {
		size_t S, T;

		s2s_src(d, i, &S);
		s2s_tgt(d, i, &T);
		t->it[i] = (struct item){(uint32_t)S, (uint32_t)(T + 1), 0, (uint32_t)i};
		t->Smax = S > t->Smax ? S : t->Smax;
		t->Tmax = T + 1 > t->Tmax ? T + 1 : t->Tmax;
		t->units += T + 1;
	}
	if (!(t->grad = nn_block_alloc(&m->L, "the gradients", e)) ||
	    !(t->m1 = nn_block_alloc(&m->L, "Adam's moments", e)) ||
	    !(t->v2 = nn_block_alloc(&m->L, "Adam's moments", e)) ||
	    !(t->best = nn_block_alloc(&m->L, "the best epoch's parameters", e)))
		return -1;
	t->nsh = (B + S2S_SHARD - 1) / S2S_SHARD;
	t->nsh = t->nsh > S2S_SHARDS ? S2S_SHARDS : t->nsh;
	t->shb = (B + t->nsh - 1) / t->nsh;
	for (size_t k = 0; k < t->nsh; k++) {
		struct shard *h = &t->sh[k];
		size_t b = t->shb;

		h->src = malloc((t->Smax * b + 1) * sizeof(uint32_t));
		h->in = malloc((t->Tmax * b + 1) * sizeof(uint32_t));
		h->out = malloc((t->Tmax * b + 1) * sizeof(uint32_t));
		h->idx = malloc((b + 1) * sizeof(uint32_t));
		if (!h->src || !h->in || !h->out || !h->idx)
			return error_set(e, -1, ENOMEM, NULL, 0, "the batches of %zu pairs", n);
		if (!(h->grad = nn_block_alloc(&m->L, "the gradients", e)) ||
		    !(h->run = s2s_run_new(m, t->Smax, t->Tmax, b, o->dropout, e)))
			return -1;
	}
	t->adam = (struct adam){0.9f, 0.999f, 1e-8f, 0};
	t->lr = o->lr;
	return 0;
}

/* The epoch's batches: the pairs by source and target length (equals in a new order), cut at
 * each source length and every o->batch pairs; the batches in a new order. */
static void batches(struct trainer *t)
{
	size_t n = t->d->n;

	for (size_t i = 0; i < n; i++)
		t->it[i].r = rng_next(&t->rng);
	qsort(t->it, n, sizeof(*t->it), item_cmp);
	t->nb = 0;
	for (size_t i = 0; i < n; i++)
		if (i == 0 || t->it[i].S != t->it[t->bstart[t->nb]].S ||
		    i - t->bstart[t->nb] == t->o->batch)
			t->bstart[i == 0 ? 0 : ++t->nb] = i;
	if (n)
		t->bstart[++t->nb] = n;
	for (size_t k = 0; k < t->nb; k++)
		t->border[k] = (uint32_t)k;
	for (size_t k = t->nb; k > 1; k--) {
		size_t j = rng_below(&t->rng, k);
		uint32_t x = t->border[k - 1];

		t->border[k - 1] = t->border[j];
		t->border[j] = x;
	}
}

/* A shard's forward and backward into its gradient. */
static void shard_run(struct trainer *t, struct shard *h)
{
	size_t B = h->B, S = h->it[0].S, T;
	struct s2s_batch bt;

	for (size_t b = 0; b < B; b++)
		h->idx[b] = h->it[b].i;
	T = s2s_data_batch(t->d, h->idx, B, h->src, h->in, h->out);
	bt = (struct s2s_batch){h->src, h->in, h->out, S, T, B};
	s2s_forward(h->run, t->m, &bt, 1, &h->rng);
	memset(h->grad, 0, t->m->L.size * sizeof(float));
	h->loss = s2s_backward(h->run, t->m, h->grad, t->scale, NULL);
}

static void shards_run(void *ctx, int th, int nt)
{
	struct trainer *t = ctx;
	int was = nn_gemm_local();

	if (nt > 1)
		nn_gemm_threads(1);
	for (size_t k = (size_t)th; k < t->nsh; k += (size_t)nt)
		if (t->sh[k].B)
			shard_run(t, &t->sh[k]);
	nn_gemm_threads(was);
}

/* One batch's step; returns its summed loss, *units its target units. */
static double batch_step(struct trainer *t, size_t k, uint64_t *units)
{
	const struct item *it = t->it + t->bstart[k];
	size_t B = t->bstart[k + 1] - t->bstart[k], nt = (size_t)t->o->threads;
	struct s2s_model *m = t->m;
	uint64_t N = 0;
	double loss = 0;

	for (size_t b = 0; b < B; b++)
		N += it[b].T;
	t->scale = 1.0f / (float)N;
	for (size_t j = 0; j < t->nsh; j++) {
		struct shard *h = &t->sh[j];
		size_t from = j * t->shb;

		h->it = it + from;
		h->B = from < B ? (B - from < t->shb ? B - from : t->shb) : 0;
		rng_seed(&h->rng, rng_next(&t->rng));
	}
	nt = nt < t->nsh ? nt : t->nsh;
	if (nt > 1 && B > t->shb)
		par_run((int)nt, shards_run, t);
	else
		shards_run(t, 0, 1);
	memcpy(t->grad, t->sh[0].grad, m->L.size * sizeof(float));
	loss = t->sh[0].loss;
	for (size_t j = 1; j < t->nsh && t->sh[j].B; j++) {
		const float *g = t->sh[j].grad;

		for (size_t i = 0; i < m->L.size; i++)
			t->grad[i] += g[i];
		loss += t->sh[j].loss;
	}
	*units = N;
	if (t->o->clip > 0)
		nn_clip(t->grad, m->L.size, t->o->clip);
	adam_update(m->w, t->grad, t->m1, t->v2, m->L.size, t->lr, &t->adam);
	return loss;
}

static int epoch(struct trainer *t, struct s2s_epoch *ep, const struct s2s_hooks *h)
{
	double loss = 0, t0 = clock_seconds(), last = t0;
	uint64_t done = 0;

	batches(t);
	for (size_t k = 0; k < t->nb; k++) {
		uint64_t u;

		loss += batch_step(t, t->border[k], &u);
		done += u;
		if (h && h->step && clock_seconds() - last >= 0.25) {
			last = clock_seconds();
			h->step(h->ctx, ep, done, t->units, loss / (double)done);
		}
	}
	ep->seconds = clock_seconds() - t0;
	ep->train_loss = done ? loss / (double)done : NAN;
	ep->units_per_s = ep->seconds > 0 ? (double)done / ep->seconds : 0;
	return 0;
}

/* The validation's exact match, or NaN without validation pairs. */
static int validate(struct trainer *t, double *acc, struct error *e)
{
	struct s2s_results res;
	size_t right = 0;

	*acc = NAN;
	if (!t->va || t->va->n == 0)
		return 0;
	if (s2s_translate_all(t->m, t->va, 0, 0, 0, t->o->threads, &res, e) < 0)
		return -1;
	for (size_t i = 0; i < t->va->n; i++)
		right += (size_t)s2s_exact(t->va, i, &res.out[i]);
	s2s_results_free(&res);
	*acc = (double)right / (double)t->va->n;
	return 0;
}

static int train_epochs(struct trainer *t, const struct s2s_hooks *h, struct error *e)
{
	const struct s2s_train_opts *o = t->o;
	double best = -1;
	unsigned since = 0, best_epoch = 0;
	int valid = t->va && t->va->n;

	for (unsigned k = 1; k <= o->epochs; k++) {
		struct s2s_epoch ep = {.epoch = k, .epochs = o->epochs, .lr = t->lr};

		if (epoch(t, &ep, h) < 0 || validate(t, &ep.valid_acc, e) < 0)
			return -1;
		ep.best = !valid || ep.valid_acc > best;
		since = ep.best ? 0 : since + 1;
		if (ep.best) {
			best = valid ? ep.valid_acc : best;
			best_epoch = k;
			memcpy(t->best, t->m->w, t->m->L.size * sizeof(float));
			t->m->c.epochs = k;
			t->m->c.valid_acc = valid ? ep.valid_acc : NAN;
		}
		if (h && h->epoch && h->epoch(h->ctx, &ep, e) < 0)
			return -1;
		if (o->patience && valid && since >= o->patience)
			break;
		t->lr *= o->decay;
	}
	memcpy(t->m->w, t->best, t->m->L.size * sizeof(float));
	t->m->c.epochs = best_epoch;
	t->m->c.valid_acc = valid ? best : NAN;
	return 0;
}

int s2s_train(struct s2s_model *m, const struct s2s_data *train, const struct s2s_data *valid,
              const struct s2s_train_opts *o, const struct s2s_hooks *h, struct error *e)
{
	struct trainer t;
	int ret = -1;

	if (o->epochs < 1 || o->batch < 1 || !(o->lr > 0) || !(o->decay > 0 && o->decay <= 1) ||
	    !(o->clip >= 0) ||
	    !(o->dropout >= 0 && o->dropout < 1) || !(o->init >= 0))
		return error_bad(e, NULL, 0, "training settings out of range (epochs, batch, rate, "
		                 "decay, clipping, dropout or init)");
	if (train->n == 0)
		return error_bad(e, NULL, 0, "no pairs to learn from");
	memset(&t, 0, sizeof(t));
	rng_seed(&t.rng, o->seed);
	nn_init_uniform(&m->L, m->w, (float)o->init, &t.rng);
	if (trainer_init(&t, m, train, valid, o, e) == 0) {
		if (h && h->begin)
			h->begin(h->ctx, m, (uint64_t)m->L.size * sizeof(float) * (4 + t.nsh) +
			                    t.nsh * s2s_run_bytes(m, t.Smax, t.Tmax, t.shb, o->dropout));
		ret = train_epochs(&t, h, e);
	}
	trainer_free(&t);
	return ret;
}
