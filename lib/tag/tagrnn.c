/* tagrnn.c: the recurrent tagger's forward and backward. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nn/charcnn.h"
#include "nn/layers.h"
#include "nn/params.h"
#include "nn/xent.h"
#include "tag/tagrnn.h"

/* ---- the run ---- */

static void sizes(struct tag_run *r, const struct tag_model *m, size_t N, size_t B,
                  float dropout)
{
	const struct tag_config *c = &m->c;

	r->N = N;
	r->B = B;
	r->E = c->emb;
	r->F = c->char_emb ? c->char_filters : 0;
	r->I = r->E + r->F;
	r->P = (size_t)c->hidden * (c->bidirectional ? 2 : 1);
	r->C = c->tags;
	r->CE = c->char_emb;
	r->K = c->char_width;
	r->dropout = dropout;
}

static size_t run_layout(struct tag_run *r, float *mem)
{
	size_t N = r->N, n = 0;
	float *at = mem;

	r->xw = nn_take(&at, &n, N * r->E);
	r->xc = r->F ? nn_take(&at, &n, N * r->F) : NULL;
	r->carg = r->F ? (uint32_t *)nn_take(&at, &n, N * r->F) : NULL;
	r->x = r->F ? nn_take(&at, &n, N * r->I) : NULL;
	r->ydrop = r->dropout > 0 ? nn_take(&at, &n, N * r->P) : NULL;
	r->ymask = r->dropout > 0 ? nn_take(&at, &n, N * r->P) : NULL;
	r->logits = nn_take(&at, &n, N * r->C);
	r->dxc = r->F ? nn_take(&at, &n, N * r->F) : NULL;
	r->dxw = nn_take(&at, &n, N * r->E);
	return n;
}

static uint64_t char_bytes(const struct tag_run *r, size_t L)
{
	return (uint64_t)L * (2 * r->K * r->CE + 2 * r->F) * sizeof(float);
}

uint64_t tag_run_bytes(const struct tag_model *m, size_t N, size_t B, float dropout,
                       float rdropout, size_t L)
{
	const struct tag_config *c = &m->c;
	struct tag_run r;

	memset(&r, 0, sizeof(r));
	sizes(&r, m, N, B, dropout);
	return (uint64_t)run_layout(&r, NULL) * sizeof(float) + sizeof(r) + char_bytes(&r, L) +
	       nn_stack_bytes(c->cell, c->layers, c->bidirectional ? 2 : 1, r.I, c->hidden, N, B,
	                      dropout, rdropout);
}

struct tag_run *tag_run_new(const struct tag_model *m, size_t N, size_t B, float dropout,
                            float rdropout, struct error *e)
{
	const struct tag_config *c = &m->c;
	struct tag_run *r = calloc(1, sizeof(*r));
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
	if (!(r->st = nn_stack_new(c->cell, c->layers, c->bidirectional ? 2 : 1, r->I, c->hidden,
	                           N, B, dropout, rdropout, e))) {
		tag_run_free(r);
		return NULL;
	}
	for (unsigned l = 0; l < c->layers; l++)
		for (unsigned d = 0; d < (c->bidirectional ? 2u : 1u); d++) {
			r->sw.w_ih[l][d] = m->w + m->L.t[m->w_ih[l][d]].off;
			r->sw.w_hh[l][d] = m->w + m->L.t[m->w_hh[l][d]].off;
			r->sw.b_ih[l][d] = m->w + m->L.t[m->b_ih[l][d]].off;
			r->sw.b_hh[l][d] = m->w + m->L.t[m->b_hh[l][d]].off;
		}
	return r;
nomem:
	tag_run_free(r);
	error_set(e, -1, ENOMEM, NULL, 0, "the tagger's activations (%zu cells, %zu sentences)",
	          N, B);
	return NULL;
}

void tag_run_free(struct tag_run *r)
{
	if (r) {
		free(r->mem);
		free(r->col);
		free(r->conv);
		free(r->dconv);
		free(r->dcol);
		nn_stack_free(r->st);
	}
	free(r);
}

int tag_run_chars(struct tag_run *r, size_t L, struct error *e)
{
	size_t c = r->Lcap ? r->Lcap : 1024, KE = r->K * r->CE;
	float *col, *conv, *dconv, *dcol;

	if (!r->F || L <= r->Lcap)
		return 0;
	while (c < L)
		c *= 2;
	col = realloc(r->col, c * KE * sizeof(float));
	if (col)
		r->col = col;
	conv = realloc(r->conv, c * r->F * sizeof(float));
	if (conv)
		r->conv = conv;
	dconv = realloc(r->dconv, c * r->F * sizeof(float));
	if (dconv)
		r->dconv = dconv;
	dcol = realloc(r->dcol, c * KE * sizeof(float));
	if (dcol)
		r->dcol = dcol;
	if (!col || !conv || !dconv || !dcol)
		return error_set(e, -1, ENOMEM, NULL, 0, "the character encoder's activations (%zu "
		                 "characters)", L);
	r->Lcap = c;
	return 0;
}

/* ---- forward and backward ---- */

static const float *W(const struct tag_model *m, int t)
{
	return m->w + m->L.t[t].off;
}

static float *G(const struct tag_model *m, float *grad, int t)
{
	return grad + m->L.t[t].off;
}

static struct charcnn_dims cdims(const struct tag_run *r, const struct tag_input *in, size_t N)
{
	struct charcnn_dims d = {N, in->cstart[N], r->CE, r->F, r->K};

	return d;
}

void tag_forward(struct tag_run *r, const struct tag_model *m, const struct tag_input *in,
                 size_t T, size_t B, int train, struct rng *rng)
{
	size_t N = T * B, E = r->E, F = r->F, I = r->I, P = r->P;
	const float *top;

	r->steps = T;
	r->batch = B;
	r->train = train;
	embed_forward(r->xw, W(m, m->emb), in->words, N, E);
	if (F) {
		struct charcnn_dims cd = cdims(r, in, N);

		charcnn_forward(r->xc, r->carg, r->col, r->conv, W(m, m->cemb), W(m, m->conv_w),
		                W(m, m->conv_b), in->chars, in->cstart, &cd);
		for (size_t i = 0; i < N; i++) {
			memcpy(r->x + i * I, r->xw + i * E, E * sizeof(float));
			memcpy(r->x + i * I + E, r->xc + i * F, F * sizeof(float));
		}
	}
	nn_stack_forward(r->st, &r->sw, F ? r->x : r->xw, T, B, train, rng);
	top = r->st->y[m->c.layers - 1];
	if (train && r->dropout > 0) {
		dropout_mask(r->ymask, N * P, r->dropout, rng);
		dropout_forward(r->ydrop, top, r->ymask, 1, N * P, 0);
		top = r->ydrop;
	}
	affine_forward(r->logits, top, W(m, m->out_w), W(m, m->out_b), N, P, r->C);
}

void tag_argmax(const struct tag_run *r, uint32_t *pred)
{
	size_t N = r->steps * r->batch, C = r->C;

	for (size_t i = 0; i < N; i++) {
		const float *z = r->logits + i * C;
		uint32_t best = 0;

		for (uint32_t k = 1; k < C; k++)
			if (z[k] > z[best])
				best = k;
		pred[i] = best;
	}
}

double tag_backward(struct tag_run *r, const struct tag_model *m, float *grad,
                    const uint32_t *targets, const struct tag_input *in, float scale,
                    int emb_grad, uint64_t *correct)
{
	const struct tag_config *c = &m->c;
	size_t N = r->steps * r->batch, E = r->E, F = r->F, I = r->I, P = r->P, C = r->C;
	const float *top = r->train && r->dropout > 0 ? r->ydrop : r->st->y[c->layers - 1];
	struct stack_w g;
	double loss;

	if (correct)
		for (size_t i = 0; i < N; i++) {
			const float *z = r->logits + i * C;
			size_t best = 0;

			for (size_t k = 1; k < C; k++)
				if (z[k] > z[best])
					best = k;
			*correct += best == targets[i];
		}
	loss = softmax_xent_backward(r->logits, targets, N, C, scale, 1);
	affine_backward(r->st->dy, G(m, grad, m->out_w), G(m, grad, m->out_b), r->logits, top,
	                W(m, m->out_w), N, P, C);
	if (r->train && r->dropout > 0)
		dropout_forward(r->st->dy, r->st->dy, r->ymask, 1, N * P, 0);
	memset(&g, 0, sizeof(g));
	for (unsigned l = 0; l < c->layers; l++)
		for (unsigned d = 0; d < (c->bidirectional ? 2u : 1u); d++) {
			g.w_ih[l][d] = G(m, grad, m->w_ih[l][d]);
			g.w_hh[l][d] = G(m, grad, m->w_hh[l][d]);
			g.b_ih[l][d] = G(m, grad, m->b_ih[l][d]);
			g.b_hh[l][d] = G(m, grad, m->b_hh[l][d]);
		}
	nn_stack_backward(r->st, &r->sw, &g, emb_grad || F);
	if (F) {
		struct charcnn_dims cd = cdims(r, in, N);

		for (size_t i = 0; i < N; i++) {
			memcpy(r->dxw + i * E, r->st->din + i * I, E * sizeof(float));
			memcpy(r->dxc + i * F, r->st->din + i * I + E, F * sizeof(float));
		}
		charcnn_backward(G(m, grad, m->cemb), G(m, grad, m->conv_w), G(m, grad, m->conv_b),
		                 r->dconv, r->dcol, r->dxc, r->xc, r->carg, r->col, W(m, m->conv_w),
		                 in->chars, in->cstart, &cd);
		if (emb_grad)
			embed_backward(G(m, grad, m->emb), r->dxw, in->words, N, E);
	} else if (emb_grad) {
		embed_backward(G(m, grad, m->emb), r->st->din, in->words, N, E);
	}
	return loss;
}
