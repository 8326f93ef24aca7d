/* rnncls.c: the recurrent classifier's forward and backward. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cls/rnncls.h"
#include "nn/gemm.h"
#include "nn/layers.h"
#include "nn/params.h"
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

static void sizes(struct cls_run *r, const struct cls_model *m, size_t N, size_t B,
                  float dropout)
{
	const struct cls_config *c = &m->c;

	r->N = N;
	r->B = B;
	r->E = c->emb;
	r->P = cls_pooled(c);
	r->A = c->att;
	r->C = c->classes;
	r->layers = c->layers;
	r->dirs = c->bidirectional ? 2 : 1;
	r->pool = c->pool;
	r->dropout = dropout;
}

/* Lays the run's own arrays out from mem (NULL: only counts); returns the floats. */
static size_t run_layout(struct cls_run *r, float *mem)
{
	size_t N = r->N, B = r->B, P = r->P, n = 0;
	float *at = mem;

	r->xemb = nn_take(&at, &n, N * r->E);
	r->pooled = nn_take(&at, &n, B * P);
	r->pdrop = r->dropout > 0 ? nn_take(&at, &n, B * P) : NULL;
	r->pmask = r->dropout > 0 ? nn_take(&at, &n, B * P) : NULL;
	r->arg = (uint32_t *)nn_take(&at, &n, B * P);
	r->u = r->A ? nn_take(&at, &n, N * r->A) : NULL;
	r->att = r->A ? nn_take(&at, &n, N) : NULL;
	r->logits = nn_take(&at, &n, B * r->C);
	r->du = r->A ? nn_take(&at, &n, N * r->A) : NULL;
	r->dpool = nn_take(&at, &n, B * P);
	return n;
}

uint64_t cls_run_bytes(const struct cls_model *m, size_t N, size_t B, float dropout,
                       float rdropout)
{
	const struct cls_config *c = &m->c;
	struct cls_run r;

	memset(&r, 0, sizeof(r));
	sizes(&r, m, N, B, dropout);
	return (uint64_t)run_layout(&r, NULL) * sizeof(float) + sizeof(r) +
	       nn_stack_bytes(c->cell, c->layers, r.dirs, c->emb, c->hidden, N, B, dropout,
	                      rdropout);
}

/* The stack's weights: the model's tensors (grad NULL) or their places in the gradient block
 * grad. */
static struct stack_w stack_weights(const struct cls_model *m, float *grad)
{
	float *base = grad ? grad : m->w;
	struct stack_w w;

	memset(&w, 0, sizeof(w));
	for (unsigned l = 0; l < m->c.layers; l++)
		for (unsigned d = 0; d < (m->c.bidirectional ? 2u : 1u); d++) {
			w.w_ih[l][d] = base + m->L.t[m->w_ih[l][d]].off;
			w.w_hh[l][d] = base + m->L.t[m->w_hh[l][d]].off;
			w.b_ih[l][d] = base + m->L.t[m->b_ih[l][d]].off;
			w.b_hh[l][d] = base + m->L.t[m->b_hh[l][d]].off;
		}
	return w;
}

struct cls_run *cls_run_new(const struct cls_model *m, size_t N, size_t B, float dropout,
                            float rdropout, struct error *e)
{
	const struct cls_config *c = &m->c;
	struct cls_run *r = calloc(1, sizeof(*r));
	size_t n;

	if (!r)
		goto nomem;
	sizes(r, m, N, B, dropout);
	n = run_layout(r, NULL);
	if (posix_memalign((void **)&r->mem, 64, n * sizeof(float)) != 0) {
		r->mem = NULL;
		goto nomem;
	}
	memset(r->mem, 0, n * sizeof(float));
	run_layout(r, r->mem);
	if (!(r->st = nn_stack_new(c->cell, c->layers, r->dirs, c->emb, c->hidden, N, B, dropout,
	                           rdropout, e))) {
		cls_run_free(r);
		return NULL;
	}
	r->sw = stack_weights(m, NULL);
	return r;
nomem:
	cls_run_free(r);
	error_set(e, -1, ENOMEM, NULL, 0, "the classifier's activations (%zu cells, %zu texts)",
	          N, B);
	return NULL;
}

void cls_run_free(struct cls_run *r)
{
	if (r) {
		free(r->mem);
		nn_stack_free(r->st);
	}
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

static void pool_forward(struct cls_run *r, const struct cls_model *m, size_t T, size_t B)
{
	const float *y = r->st->y[r->layers - 1];
	size_t H = r->st->H, P = r->P;
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
	nn_stack_forward(r->st, &r->sw, r->xemb, T, B, train, rng);
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
	size_t H = r->st->H, P = r->P;
	float *dy = r->st->dy;
	struct att_dims ad = {T, B, P, r->A};

	memset(dy, 0, T * B * P * sizeof(float));
	switch (r->pool) {
	case CLS_POOL_LAST:
		for (size_t b = 0; b < B; b++) {
			float *dl = dy + ((T - 1) * B + b) * P, *df = dy + b * P;

			for (size_t k = 0; k < H; k++)
				dl[k] += r->dpool[b * P + k];
			for (size_t k = H; k < P; k++)
				df[k] += r->dpool[b * P + k];
		}
		break;
	case CLS_POOL_MEAN:
		pool_mean_backward(dy, r->dpool, T, B, P);
		break;
	case CLS_POOL_MAX:
		pool_max_backward(dy, r->dpool, r->arg, T, B, P);
		break;
	case CLS_POOL_ATTENTION:
		attention_backward(dy, G(m, grad, m->att_w), G(m, grad, m->att_b),
		                   G(m, grad, m->att_v), r->du, r->dpool, r->u, r->att,
		                   r->st->y[r->layers - 1], W(m, m->att_w), W(m, m->att_v), &ad);
		break;
	}
}

double cls_backward(struct cls_run *r, const struct cls_model *m, float *grad,
                    const uint32_t *targets, const struct cls_input *in, float scale,
                    int emb_grad, uint8_t *ok)
{
	size_t T = r->steps, B = r->batch, P = r->P, C = r->C;
	const float *top = r->train && r->dropout > 0 ? r->pdrop : r->pooled;
	struct stack_w gw;
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
	gw = stack_weights(m, grad);
	nn_stack_backward(r->st, &r->sw, &gw, emb_grad);
	if (emb_grad && in->start)
		embed_bag_backward(G(m, grad, m->emb), r->st->din, in->rows, in->start, T * B, r->E);
	else if (emb_grad)
		embed_backward(G(m, grad, m->emb), r->st->din, in->rows, T * B, r->E);
	return loss;
}
