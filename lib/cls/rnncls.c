/* rnncls.c: the recurrent classifier's forward and backward. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/par.h"
#include "cls/rnncls.h"
#include "nn/gemm.h"
#include "nn/layers.h"
#include "nn/pool.h"
#include "nn/rnn.h"
#include "nn/xent.h"
#include "vec/subword.h"

size_t cls_word_rows(const struct cls_model *m, uint32_t id, const char *w, size_t n,
                     uint32_t *out)
{
	const struct cls_config *c = &m->c;
	size_t k = 0, g;

	if (!c->maxn || id != CLS_UNK)
		out[k++] = id;
	if (!c->maxn)
		return k;
	g = subword_rows(out + k, CLS_MAX_ROWS - 1, w, n, c->minn, c->maxn, c->buckets, c->words);
	k += g < CLS_MAX_ROWS - 1 ? g : CLS_MAX_ROWS - 1;
	if (k == 0)
		out[k++] = CLS_UNK;
	return k;
}

/* ---- the run ---- */

/* Takes n floats from *at (or counts them when *at is NULL), 16-float aligned. */
static float *take(float **at, size_t *total, size_t n)
{
	float *p = *at ? *at + *total : NULL;

	*total += (n + 15) / 16 * 16;
	return p;
}

static void sizes(struct cls_run *r, const struct cls_model *m, size_t N, size_t B,
                  float dropout, float rdropout)
{
	const struct cls_config *c = &m->c;

	r->N = N;
	r->B = B;
	r->E = c->emb;
	r->H = c->hidden;
	r->P = cls_pooled(c);
	r->A = c->att;
	r->C = c->classes;
	r->GH = nn_cell_gates(c->cell) * c->hidden;
	r->layers = c->layers;
	r->dirs = c->bidirectional ? 2 : 1;
	r->cell = c->cell;
	r->pool = c->pool;
	r->dropout = dropout;
	r->rdropout = rdropout;
}

/* Lays the run's arrays out from mem (NULL: only counts); returns the floats. */
static size_t run_layout(struct cls_run *r, float *mem)
{
	size_t N = r->N, B = r->B, H = r->H, P = r->P, GH = r->GH, n = 0;
	size_t I0 = r->E > P ? r->E : P;
	float *at = mem;
	int lstm = r->cell == NN_CELL_LSTM, gru = r->cell == NN_CELL_GRU;

	r->xemb = take(&at, &n, N * r->E);
	for (unsigned l = 0; l < r->layers; l++) {
		size_t I = l ? P : r->E;

		r->drop[l] = r->dropout > 0 ? take(&at, &n, N * I) : NULL;
		r->mask[l] = r->dropout > 0 ? take(&at, &n, N * I) : NULL;
		r->xr[l] = r->dirs == 2 ? take(&at, &n, N * I) : NULL;
		for (unsigned d = 0; d < r->dirs; d++) {
			r->hs[l][d] = take(&at, &n, N * H);
			r->cs[l][d] = lstm ? take(&at, &n, N * H) : NULL;
			r->gates[l][d] = take(&at, &n, N * GH);
			r->hn[l][d] = gru ? take(&at, &n, N * H) : NULL;
			r->hm[l][d] = r->rdropout > 0 ? take(&at, &n, N * H) : NULL;
			r->rmask[l][d] = r->rdropout > 0 ? take(&at, &n, B * H) : NULL;
		}
		r->y[l] = take(&at, &n, N * P);
	}
	r->pooled = take(&at, &n, B * P);
	r->pdrop = r->dropout > 0 ? take(&at, &n, B * P) : NULL;
	r->pmask = r->dropout > 0 ? take(&at, &n, B * P) : NULL;
	r->arg = (uint32_t *)take(&at, &n, B * P);
	r->u = r->A ? take(&at, &n, N * r->A) : NULL;
	r->att = r->A ? take(&at, &n, N) : NULL;
	r->logits = take(&at, &n, B * r->C);
	r->dy = take(&at, &n, N * P);
	r->din = take(&at, &n, N * I0);
	r->dxd = take(&at, &n, N * I0);
	for (unsigned d = 0; d < r->dirs; d++) {
		r->tmp[d] = gru ? take(&at, &n, B * GH) : NULL;
		r->dyd[d] = take(&at, &n, N * H);
		r->dgx[d] = take(&at, &n, N * GH);
		r->dgh[d] = gru ? take(&at, &n, N * GH) : NULL;
		r->dc[d] = lstm ? take(&at, &n, B * H) : NULL;
		r->dhm[d] = r->rdropout > 0 ? take(&at, &n, B * H) : NULL;
	}
	r->du = r->A ? take(&at, &n, N * r->A) : NULL;
	r->dpool = take(&at, &n, B * P);
	return n;
}

uint64_t cls_run_bytes(const struct cls_model *m, size_t N, size_t B, float dropout,
                       float rdropout)
{
	struct cls_run r;

	memset(&r, 0, sizeof(r));
	sizes(&r, m, N, B, dropout, rdropout);
	return (uint64_t)run_layout(&r, NULL) * sizeof(float) + sizeof(r);
}

struct cls_run *cls_run_new(const struct cls_model *m, size_t N, size_t B, float dropout,
                            float rdropout, struct error *e)
{
	struct cls_run *r = calloc(1, sizeof(*r));
	size_t n;

	if (!r)
		goto nomem;
	sizes(r, m, N, B, dropout, rdropout);
	n = run_layout(r, NULL);
	if (posix_memalign((void **)&r->mem, 64, n * sizeof(float)) != 0) {
		r->mem = NULL;
		goto nomem;
	}
	memset(r->mem, 0, n * sizeof(float));
	run_layout(r, r->mem);
	return r;
nomem:
	free(r);
	error_set(e, -1, ENOMEM, NULL, 0, "the classifier's activations (%zu cells, %zu texts)",
	          N, B);
	return NULL;
}

void cls_run_free(struct cls_run *r)
{
	if (r)
		free(r->mem);
	free(r);
}

/* ---- forward ---- */

static const float *W(const struct cls_model *m, int t)
{
	return m->w + m->L.t[t].off;
}

static float *G(const struct cls_model *m, float *grad, int t)
{
	return grad + m->L.t[t].off;
}

static struct rnn_dims dims(const struct cls_run *r, unsigned l, unsigned d, size_t T,
                            size_t B)
{
	struct rnn_dims dm = {.cell = r->cell, .T = T, .B = B, .In = l ? r->P : r->E, .H = r->H};

	if (r->train && r->rdropout > 0) {
		dm.hmask = r->rmask[l][d];
		dm.hm = r->hm[l][d];
		dm.dhm = r->dhm[d];
	}
	return dm;
}

/* A layer's work in one direction, for par_run. */
struct dir_job {
	struct cls_run *r;
	const struct cls_model *m;
	float *grad;
	unsigned l;
	size_t T, B;
	int backward, want_dx;
	int threads;               /* each direction's products' */
};

static void dir_forward(const struct dir_job *j, unsigned d)
{
	struct cls_run *r = j->r;
	const struct cls_model *m = j->m;
	unsigned l = j->l;
	size_t T = j->T, B = j->B, H = r->H, P = r->P;
	struct rnn_dims dm = dims(r, l, d, T, B);

	memset(r->hs[l][d], 0, B * H * sizeof(float));
	if (r->cs[l][d])
		memset(r->cs[l][d], 0, B * H * sizeof(float));
	rnn_forward(r->hs[l][d], r->cs[l][d], r->gates[l][d], r->hn[l][d], r->tmp[d],
	            d ? r->xr[l] : r->x[l], W(m, m->w_ih[l][d]), W(m, m->w_hh[l][d]),
	            W(m, m->b_ih[l][d]), W(m, m->b_hh[l][d]), &dm);
	/* output step t: the forward direction's state after t, the backward's after T-1-t */
	for (size_t t = 0; t < T; t++) {
		const float *h = r->hs[l][d] + (d ? T - t : t + 1) * B * H;

		for (size_t b = 0; b < B; b++)
			memcpy(r->y[l] + (t * B + b) * P + d * H, h + b * H, H * sizeof(float));
	}
}

static void dir_backward(const struct dir_job *j, unsigned d)
{
	struct cls_run *r = j->r;
	const struct cls_model *m = j->m;
	float *grad = j->grad;
	unsigned l = j->l;
	size_t T = j->T, B = j->B, H = r->H, P = r->P;
	struct rnn_dims dm = dims(r, l, d, T, B);
	float *dx = !j->want_dx ? NULL : d == 0 ? r->din : r->dxd;

	for (size_t t = 0; t < T; t++) {
		float *dst = r->dyd[d] + (d ? T - 1 - t : t) * B * H;

		for (size_t b = 0; b < B; b++)
			memcpy(dst + b * H, r->dy + (t * B + b) * P + d * H, H * sizeof(float));
	}
	rnn_backward(dx, G(m, grad, m->w_ih[l][d]), G(m, grad, m->w_hh[l][d]),
	             G(m, grad, m->b_ih[l][d]), G(m, grad, m->b_hh[l][d]), r->dgx[d], r->dgh[d],
	             r->dc[d], r->dyd[d], r->hs[l][d], r->cs[l][d], r->gates[l][d], r->hn[l][d],
	             d ? r->xr[l] : r->x[l], W(m, m->w_ih[l][d]), W(m, m->w_hh[l][d]), &dm);
}

static void dir_run(void *ctx, int t, int nt)
{
	const struct dir_job *j = ctx;
	int was = nn_gemm_local();

	(void)nt;
	nn_gemm_threads(j->threads);
	if (j->backward)
		dir_backward(j, (unsigned)t);
	else
		dir_forward(j, (unsigned)t);
	nn_gemm_threads(was);
}

/* Both directions of a layer: on two threads when there are (each with half of them for its
 * products), else one after the other. */
static void directions(struct dir_job *j)
{
	int nt = nn_threads();

	if (j->r->dirs == 2 && nt >= 2) {
		j->threads = nt / 2;
		par_run(2, dir_run, j);
		return;
	}
	for (unsigned d = 0; d < j->r->dirs; d++)
		if (j->backward)
			dir_backward(j, d);
		else
			dir_forward(j, d);
}

/* One layer, both directions, into r->y[l]. */
static void layer_forward(struct cls_run *r, const struct cls_model *m, unsigned l, size_t T,
                          size_t B, struct rng *rng)
{
	size_t I = l ? r->P : r->E;
	struct dir_job j = {r, m, NULL, l, T, B, 0, 0, 1};

	if (r->dirs == 2)
		seq_reverse(r->xr[l], r->x[l], T, B * I);
	if (r->train && r->rdropout > 0)
		for (unsigned d = 0; d < r->dirs; d++)
			dropout_mask(r->rmask[l][d], B * r->H, r->rdropout, rng);
	directions(&j);
}

static void pool_forward(struct cls_run *r, const struct cls_model *m, size_t T, size_t B)
{
	const float *y = r->y[r->layers - 1];
	size_t H = r->H, P = r->P;
	struct att_dims ad = {T, B, P, r->A};

	switch (r->pool) {
	case CLS_POOL_LAST:
		for (size_t b = 0; b < B; b++) {
			memcpy(r->pooled + b * P, y + ((T - 1) * B + b) * P, H * sizeof(float));
			if (r->dirs == 2)
				memcpy(r->pooled + b * P + H, y + b * P + H, H * sizeof(float));
		}
		break;
	case CLS_POOL_MEAN:
		pool_mean_forward(r->pooled, y, T, B, P);
		break;
	case CLS_POOL_MAX:
		pool_max_forward(r->pooled, r->arg, y, T, B, P);
		break;
	case CLS_POOL_ATTENTION:
		attention_forward(r->pooled, r->u, r->att, y, W(m, m->att_w), W(m, m->att_b),
		                  W(m, m->att_v), &ad);
		break;
	}
}

void cls_forward(struct cls_run *r, const struct cls_model *m, const struct cls_input *in,
                 size_t T, size_t B, int train, struct rng *rng)
{
	size_t P = r->P;
	const float *top;

	r->steps = T;
	r->batch = B;
	r->train = train;
	if (in->start)
		embed_bag_forward(r->xemb, W(m, m->emb), in->rows, in->start, T * B, r->E);
	else
		embed_forward(r->xemb, W(m, m->emb), in->rows, T * B, r->E);
	for (unsigned l = 0; l < r->layers; l++) {
		size_t I = l ? P : r->E;
		const float *src = l ? r->y[l - 1] : r->xemb;

		if (train && r->dropout > 0) {
			dropout_mask(r->mask[l], T * B * I, r->dropout, rng);
			dropout_forward(r->drop[l], src, r->mask[l], 1, T * B * I, 0);
			src = r->drop[l];
		}
		r->x[l] = src;
		layer_forward(r, m, l, T, B, rng);
	}
	pool_forward(r, m, T, B);
	top = r->pooled;
	if (train && r->dropout > 0) {
		dropout_mask(r->pmask, B * P, r->dropout, rng);
		dropout_forward(r->pdrop, r->pooled, r->pmask, 1, B * P, 0);
		top = r->pdrop;
	}
	affine_forward(r->logits, top, W(m, m->out_w), W(m, m->out_b), B, P, r->C);
}

void cls_probs(const struct cls_run *r, float *p)
{
	memcpy(p, r->logits, r->batch * r->C * sizeof(float));
	for (size_t b = 0; b < r->batch; b++)
		softmax_row(p + b * r->C, r->C, 1.0f);
}

/* ---- backward ---- */

static void pool_backward(struct cls_run *r, const struct cls_model *m, float *grad, size_t T,
                          size_t B)
{
	size_t H = r->H, P = r->P;
	struct att_dims ad = {T, B, P, r->A};

	memset(r->dy, 0, T * B * P * sizeof(float));
	switch (r->pool) {
	case CLS_POOL_LAST:
		for (size_t b = 0; b < B; b++) {
			float *dl = r->dy + ((T - 1) * B + b) * P, *df = r->dy + b * P;

			for (size_t k = 0; k < H; k++)
				dl[k] += r->dpool[b * P + k];
			for (size_t k = H; k < P; k++)
				df[k] += r->dpool[b * P + k];
		}
		break;
	case CLS_POOL_MEAN:
		pool_mean_backward(r->dy, r->dpool, T, B, P);
		break;
	case CLS_POOL_MAX:
		pool_max_backward(r->dy, r->dpool, r->arg, T, B, P);
		break;
	case CLS_POOL_ATTENTION:
		attention_backward(r->dy, G(m, grad, m->att_w), G(m, grad, m->att_b),
		                   G(m, grad, m->att_v), r->du, r->dpool, r->u, r->att,
		                   r->y[r->layers - 1], W(m, m->att_w), W(m, m->att_v), &ad);
		break;
	}
}

/* Layer l's backward from r->dy [T][B][P]: the weights' gradients, and (want_dx) the gradient
 * at its input as read into r->din [T][B][I]. */
static void layer_backward(struct cls_run *r, const struct cls_model *m, float *grad,
                           unsigned l, size_t T, size_t B, int want_dx)
{
	size_t I = l ? r->P : r->E;
	struct dir_job j = {r, m, grad, l, T, B, 1, want_dx, 1};

	directions(&j);
	if (want_dx && r->dirs == 2)
		for (size_t t = 0; t < T; t++) {
			float *o = r->din + t * B * I;
			const float *s = r->dxd + (T - 1 - t) * B * I;

			for (size_t k = 0; k < B * I; k++)
				o[k] += s[k];
		}
	if (want_dx && r->train && r->dropout > 0)
		dropout_forward(r->din, r->din, r->mask[l], 1, T * B * I, 0);
}

double cls_backward(struct cls_run *r, const struct cls_model *m, float *grad,
                    const uint32_t *targets, const struct cls_input *in, float scale,
                    int emb_grad, uint8_t *ok)
{
	size_t T = r->steps, B = r->batch, P = r->P, C = r->C;
	const float *top = r->train && r->dropout > 0 ? r->pdrop : r->pooled;
	double loss;

	if (ok)
		for (size_t b = 0; b < B; b++) {
			const float *z = r->logits + b * C;
			size_t best = 0;

			for (size_t k = 1; k < C; k++)
				if (z[k] > z[best])
					best = k;
			ok[b] = best == targets[b];
		}
	loss = softmax_xent_backward(r->logits, targets, B, C, scale, 1);
	affine_backward(r->dpool, G(m, grad, m->out_w), G(m, grad, m->out_b), r->logits, top,
	                W(m, m->out_w), B, P, C);
	if (r->train && r->dropout > 0)
		dropout_forward(r->dpool, r->dpool, r->pmask, 1, B * P, 0);
	pool_backward(r, m, grad, T, B);
	for (unsigned l = r->layers; l-- > 0;) {
		layer_backward(r, m, grad, l, T, B, l > 0 || emb_grad);
		if (l > 0)
			memcpy(r->dy, r->din, T * B * P * sizeof(float));
	}
	if (emb_grad && in->start)
		embed_bag_backward(G(m, grad, m->emb), r->din, in->rows, in->start, T * B, r->E);
	else if (emb_grad)
		embed_backward(G(m, grad, m->emb), r->din, in->rows, T * B, r->E);
	return loss;
}
