/* s2s.c: a sequence-to-sequence model's forward and backward with teacher forcing. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nn/act.h"
#include "nn/gemm.h"
#include "nn/layers.h"
#include "nn/params.h"
#include "nn/xent.h"
#include "s2s/s2s.h"

#define W(m, i) nn_tensor(&(m)->L, (m)->w, (i))
#define G(m, g, i) nn_tensor(&(m)->L, (g), (i))

/* ---- the run ---- */

static void sizes(struct s2s_run *r, const struct s2s_model *m, size_t S, size_t T, size_t B)
{
	r->S = S;
	r->T = T;
	r->B = B;
	r->E = m->c.emb;
	r->H = m->c.hidden;
	r->D = m->D;
	r->J = m->J;
	r->O = m->O;
	r->V = m->c.tgt;
	r->layers = m->c.layers;
	r->dirs = m->c.bidirectional ? 2 : 1;
	r->att = m->c.attention;
	r->peeky = (int)m->c.peeky;
}

static size_t run_layout(struct s2s_run *r, float *mem)
{
	size_t S = r->S, T = r->T, B = r->B, D = r->D, n = 0;
	float *at = mem;
	int att = r->att != S2S_ATT_NONE;

	r->xs = nn_take(&at, &n, S * B * r->E);
	r->xt = nn_take(&at, &n, T * B * r->J);
	for (unsigned l = 0; l < r->layers; l++) {
		r->hfin[l] = nn_take(&at, &n, B * D);
		r->dh0[l] = nn_take(&at, &n, B * D);
		for (unsigned d = 0; d < r->dirs; d++)
			r->dfin[l][d] = nn_take(&at, &n, B * r->H);
	}
	r->dhfin = nn_take(&at, &n, B * D);
	r->keys = r->att >= S2S_ATT_GENERAL ? nn_take(&at, &n, S * B * D) : NULL;
	r->dkeys = r->att >= S2S_ATT_GENERAL ? nn_take(&at, &n, S * B * D) : NULL;
	r->q = r->att == S2S_ATT_ADDITIVE ? nn_take(&at, &n, T * B * D) : NULL;
	r->dq = r->att == S2S_ATT_ADDITIVE ? nn_take(&at, &n, T * B * D) : NULL;
	r->z = r->att == S2S_ATT_ADDITIVE ? nn_take(&at, &n, B * T * S * D) : NULL;
	r->a = att ? nn_take(&at, &n, B * T * S) : NULL;
	r->da = att ? nn_take(&at, &n, B * T * S) : NULL;
	r->cat = att ? nn_take(&at, &n, T * B * 2 * D) : NULL;
	r->dcat = att ? nn_take(&at, &n, T * B * 2 * D) : NULL;
	r->xo = att ? nn_take(&at, &n, T * B * D) : NULL;
	r->oin = r->peeky ? nn_take(&at, &n, T * B * r->O) : NULL;
	r->doin = nn_take(&at, &n, T * B * r->O);
	r->gin = nn_take(&at, &n, T * B * r->O);
	r->dgin = nn_take(&at, &n, T * B * r->O);
	r->logits = nn_take(&at, &n, T * B * r->V);
	r->de = nn_take(&at, &n, (S > T ? S : T) * B * (D > r->J ? D : r->J));
	r->lpb = (void *)nn_take(&at, &n, 2 * T * B);
	r->pos = (void *)nn_take(&at, &n, T * B);
	r->gold = (void *)nn_take(&at, &n, T * B);
	return n;
}

static uint64_t stacks_bytes(const struct s2s_model *m, size_t S, size_t T, size_t B,
                             float dropout)
{
	const struct s2s_config *c = &m->c;

	return nn_stack_bytes(c->cell, c->layers, c->bidirectional ? 2 : 1, c->emb, c->hidden,
	                      (S + 1) * B, B, dropout, 0) +
	       nn_stack_bytes(c->cell, c->layers, 1, m->J, m->D, (T + 1) * B, B, dropout, 0);
}

uint64_t s2s_run_bytes(const struct s2s_model *m, size_t S, size_t T, size_t B, float dropout)
{
	struct s2s_run r;

	memset(&r, 0, sizeof(r));
	sizes(&r, m, S, T, B);
	return (uint64_t)run_layout(&r, NULL) * sizeof(float) + sizeof(r) +
	       stacks_bytes(m, S, T, B, dropout);
}

struct s2s_run *s2s_run_new(const struct s2s_model *m, size_t S, size_t T, size_t B,
                            float dropout, struct error *e)
{
	const struct s2s_config *c = &m->c;
	struct s2s_run *r = calloc(1, sizeof(*r));
	size_t n;

	if (!r)
		goto nomem;
	sizes(r, m, S, T, B);
	n = run_layout(r, NULL);
	if (posix_memalign((void **)&r->mem, 64, n * sizeof(float)) != 0) {
		r->mem = NULL;
		goto nomem;
	}
	memset(r->mem, 0, n * sizeof(float));
	run_layout(r, r->mem);
	r->enc = nn_stack_new(c->cell, c->layers, r->dirs, r->E, r->H, (S + 1) * B, B, dropout, 0,
	                      e);
	r->dec = r->enc ? nn_stack_new(c->cell, c->layers, 1, r->J, r->D, (T + 1) * B, B, dropout,
	                               0, e)
	                : NULL;
	if (!r->dec) {
		s2s_run_free(r);
		return NULL;
	}
	s2s_stack_w(m, m->w, &r->ew, &r->dw);
	return r;
nomem:
	if (r)
		free(r);
	error_set(e, -1, ENOMEM, NULL, 0, "the activations of %zu pairs (sources of %zu units, "
	          "targets of %zu)", B, S, T);
	return NULL;
}

void s2s_run_free(struct s2s_run *r)
{
	if (!r)
		return;
	nn_stack_free(r->enc);
	nn_stack_free(r->dec);
	free(r->mem);
	free(r);
}

/* ---- attention ---- */

void s2s_att_keys(const struct s2s_model *m, float *keys, const float *e, size_t S, size_t B)
{
	size_t D = m->D;

	if (m->c.attention == S2S_ATT_GENERAL)
		affine_forward(keys, e, W(m, m->att_w), NULL, S * B, D, D);
	else if (m->c.attention == S2S_ATT_ADDITIVE)
		affine_forward(keys, e, W(m, m->att_w2), NULL, S * B, D, D);
}

void s2s_att_forward(const struct s2s_model *m, float *a, float *c, size_t ldc, float *z,
                     const float *h, const float *q, size_t ldh, const float *e,
                     const float *keys, size_t lde, size_t T, size_t S)
{
	size_t D = m->D;

	if (m->c.attention == S2S_ATT_ADDITIVE) {
		const float *v = W(m, m->att_v);

		for (size_t t = 0; t < T; t++)
			for (size_t s = 0; s < S; s++) {
				float *zz = z + (t * S + s) * D, sc = 0;
				const float *qq = q + t * ldh, *kk = keys + s * lde;

				for (size_t k = 0; k < D; k++)
					zz[k] = tanhf(qq[k] + kk[k]);
				for (size_t k = 0; k < D; k++)
					sc += v[k] * zz[k];
				a[t * S + s] = sc;
			}
	} else {
		const float *kk = m->c.attention == S2S_ATT_GENERAL ? keys : e;

		/* a [T][S] = h [T][D] k^T */
		nn_gemm(0, 1, T, S, D, 1, h, ldh, kk, lde, 0, a, S);
	}
	for (size_t t = 0; t < T; t++)
		softmax_row(a + t * S, S, 1);
	/* c [T][D] = a [T][S] e [S][D] */
	nn_gemm(0, 0, T, D, S, 1, a, S, e, lde, 0, c, ldc);
}

/* ---- forward ---- */

void s2s_encode(struct s2s_run *r, const struct s2s_model *m, const uint32_t *src, size_t S,
                size_t B, int train, struct rng *rng)
{
	size_t H = r->H, D = r->D;

	embed_forward(r->xs, W(m, m->src_emb), src, S * B, r->E);
	nn_stack_forward(r->enc, &r->ew, r->xs, S, B, train, rng);
	for (unsigned l = 0; l < r->layers; l++)
		for (unsigned d = 0; d < r->dirs; d++) {
			const float *last = r->enc->hs[l][d] + S * B * H;

			for (size_t b = 0; b < B; b++)
				memcpy(r->hfin[l] + b * D + d * H, last + b * H, H * sizeof(float));
		}
	r->srclen = S;
	r->batch = B;
}

void s2s_forward(struct s2s_run *r, const struct s2s_model *m, const struct s2s_batch *bt,
                 int train, struct rng *rng)
{
	size_t S = bt->S, T = bt->T, B = bt->B, D = r->D, E = r->E, J = r->J, O = r->O;
	const float *h, *e, *x, *oin;
	float *top = r->hfin[r->layers - 1];
	size_t N = 0;

	s2s_encode(r, m, bt->src, S, B, train, rng);
	/* the decoder's input: the previous unit's row, and hfin beside it (peeky) */
	if (r->peeky)
		for (size_t i = 0; i < T * B; i++) {
			embed_forward(r->xt + i * J, W(m, m->tgt_emb), bt->in + i, 1, E);
			memcpy(r->xt + i * J + E, top + (i % B) * D, D * sizeof(float));
		}
	else
		embed_forward(r->xt, W(m, m->tgt_emb), bt->in, T * B, E);
	r->enc_in = bt->src;
	r->dec_in = bt->in;
	for (unsigned l = 0; l < r->layers; l++)
		r->dec->h0[l][0] = r->hfin[l];
	nn_stack_forward(r->dec, &r->dw, r->xt, T, B, train, rng);
	h = r->dec->y[r->layers - 1];              /* [T][B][D] */
	e = r->enc->y[r->layers - 1];              /* [S][B][D] */
	x = h;
	if (r->att != S2S_ATT_NONE) {
		s2s_att_keys(m, r->keys, e, S, B);
		if (r->att == S2S_ATT_ADDITIVE)
			affine_forward(r->q, h, W(m, m->att_w1), NULL, T * B, D, D);
		for (size_t b = 0; b < B; b++)
			s2s_att_forward(m, r->a + b * T * S, r->cat + b * 2 * D, B * 2 * D,
			                r->z ? r->z + b * T * S * D : NULL, h + b * D,
			                r->q ? r->q + b * D : NULL, B * D, e + b * D,
			                r->keys ? r->keys + b * D : NULL, B * D, T, S);
		for (size_t i = 0; i < T * B; i++)
			memcpy(r->cat + i * 2 * D + D, h + i * D, D * sizeof(float));
		affine_forward(r->xo, r->cat, W(m, m->comb_w), W(m, m->comb_b), T * B, 2 * D, D);
		for (size_t k = 0; k < T * B * D; k++)
			r->xo[k] = nn_tanh(r->xo[k]);
		x = r->xo;
	}
	oin = x;
	if (r->peeky) {
		for (size_t i = 0; i < T * B; i++) {
			memcpy(r->oin + i * O, x + i * D, D * sizeof(float));
			memcpy(r->oin + i * O + D, top + (i % B) * D, D * sizeof(float));
		}
		oin = r->oin;
	}
	/* the real units' rows, then their logits */
	for (size_t i = 0; i < T * B; i++)
		if (bt->out[i] != S2S_PAD) {
			r->pos[N] = (uint32_t)i;
			r->gold[N] = bt->out[i];
			memcpy(r->gin + N * O, oin + i * O, O * sizeof(float));
			N++;
		}
	affine_forward(r->logits, r->gin, W(m, m->out_w), W(m, m->out_b), N, O, r->V);
	r->real = N;
	r->steps = T;
	r->train = train;
}

/* ---- backward ---- */

/* The attention's backward for sentence b: from dc (the context's gradient, rows of stride
 * ldc) into dh (the decoder state's, stride ldh, added), de and dkeys (stride lde, added). */
static void att_backward(struct s2s_run *r, const struct s2s_model *m, float *grad, size_t b,
                         const float *dc, size_t ldc, float *dh, size_t ldh)
{
	size_t S = r->srclen, T = r->steps, B = r->batch, D = r->D, lde = B * D;
	const float *a = r->a + b * T * S, *e = r->enc->y[r->layers - 1] + b * D;
	const float *h = r->dec->y[r->layers - 1] + b * D;
	float *da = r->da + b * T * S, *de = r->enc->dy + b * D;

	/* da [T][S] = dc [T][D] e^T; de += a^T dc */
	nn_gemm(0, 1, T, S, D, 1, dc, ldc, e, lde, 0, da, S);
	nn_gemm(1, 0, S, D, T, 1, a, S, dc, ldc, 1, de, lde);
	/* the softmax: the scores' gradient in da */
	for (size_t t = 0; t < T; t++) {
		float dot = 0;

		for (size_t s = 0; s < S; s++)
			dot += a[t * S + s] * da[t * S + s];
		for (size_t s = 0; s < S; s++)
			da[t * S + s] = a[t * S + s] * (da[t * S + s] - dot);
	}
	if (r->att == S2S_ATT_DOT) {
		nn_gemm(0, 0, T, D, S, 1, da, S, e, lde, 1, dh, ldh);
		nn_gemm(1, 0, S, D, T, 1, da, S, h, lde, 1, de, lde);
	} else if (r->att == S2S_ATT_GENERAL) {
		const float *k = r->keys + b * D;

		nn_gemm(0, 0, T, D, S, 1, da, S, k, lde, 1, dh, ldh);
		nn_gemm(1, 0, S, D, T, 1, da, S, h, lde, 1, r->dkeys + b * D, lde);
	} else {
		const float *v = W(m, m->att_v), *z = r->z + b * T * S * D;
		float *dv = G(m, grad, m->att_v);

		for (size_t t = 0; t < T; t++)
			for (size_t s = 0; s < S; s++) {
				const float *zz = z + (t * S + s) * D;
				float g = da[t * S + s];
				float *dq = r->dq + (t * B + b) * D, *dk = r->dkeys + (s * B + b) * D;

				for (size_t k = 0; k < D; k++) {
					float du = g * v[k] * (1 - zz[k] * zz[k]);

					dv[k] += g * zz[k];
					dq[k] += du;
					dk[k] += du;
				}
			}
	}
}

double s2s_backward(struct s2s_run *r, const struct s2s_model *m, float *grad, float scale,
                    double *lp)
{
	size_t S = r->srclen, T = r->steps, B = r->batch, D = r->D, E = r->E, J = r->J, O = r->O;
	size_t N = r->real, H = r->H;
	unsigned top = r->layers - 1;
	struct stack_w ge, gd;
	double loss = 0;
	float *dx;

	if (lp) {
		double *one = r->lpb;

		softmax_xent_forward(one, r->logits, r->gold, N, r->V, 1);
		for (size_t i = 0; i < N; i++) {
			lp[r->pos[i]] = one[i];
			loss -= one[i];
		}
		return loss;
	}
	loss = softmax_xent_backward(r->logits, r->gold, N, r->V, scale, 1);
	s2s_stack_w(m, grad, &ge, &gd);
	/* the output layer: its input's gradient back to every position (0 where padded) */
	affine_backward(r->dgin, G(m, grad, m->out_w), G(m, grad, m->out_b), r->logits, r->gin,
	                W(m, m->out_w), N, O, r->V);
	memset(r->doin, 0, T * B * O * sizeof(float));
	for (size_t i = 0; i < N; i++)
		memcpy(r->doin + r->pos[i] * O, r->dgin + i * O, O * sizeof(float));
	memset(r->dhfin, 0, B * D * sizeof(float));
	if (r->peeky)
		for (size_t i = 0; i < T * B; i++)
			for (size_t k = 0; k < D; k++)
				r->dhfin[(i % B) * D + k] += r->doin[i * O + D + k];
	memset(r->enc->dy, 0, S * B * D * sizeof(float));
	dx = r->dec->dy;                         /* [T][B][D] the decoder's top states' gradient */
	if (r->att == S2S_ATT_NONE) {
		for (size_t i = 0; i < T * B; i++)
			memcpy(dx + i * D, r->doin + i * O, D * sizeof(float));
	} else {
		/* x = tanh(comb [c; h]) */
		for (size_t i = 0; i < T * B; i++)
			for (size_t k = 0; k < D; k++) {
				float y = r->xo[i * D + k];

				r->de[i * D + k] = r->doin[i * O + k] * (1 - y * y);
			}
		affine_backward(r->dcat, G(m, grad, m->comb_w), G(m, grad, m->comb_b), r->de, r->cat,
		                W(m, m->comb_w), T * B, 2 * D, D);
		for (size_t i = 0; i < T * B; i++)
			memcpy(dx + i * D, r->dcat + i * 2 * D + D, D * sizeof(float));
		if (r->dkeys)
			memset(r->dkeys, 0, S * B * D * sizeof(float));
		if (r->dq)
			memset(r->dq, 0, T * B * D * sizeof(float));
		for (size_t b = 0; b < B; b++)
			att_backward(r, m, grad, b, r->dcat + b * 2 * D, B * 2 * D, dx + b * D, B * D);
		if (r->att == S2S_ATT_GENERAL) {
			affine_backward(r->de, G(m, grad, m->att_w), NULL, r->dkeys,
			                r->enc->y[top], W(m, m->att_w), S * B, D, D);
			for (size_t k = 0; k < S * B * D; k++)
				r->enc->dy[k] += r->de[k];
		} else if (r->att == S2S_ATT_ADDITIVE) {
			affine_backward(r->de, G(m, grad, m->att_w1), NULL, r->dq, r->dec->y[top],
			                W(m, m->att_w1), T * B, D, D);
			for (size_t k = 0; k < T * B * D; k++)
				dx[k] += r->de[k];
			affine_backward(r->de, G(m, grad, m->att_w2), NULL, r->dkeys, r->enc->y[top],
			                W(m, m->att_w2), S * B, D, D);
			for (size_t k = 0; k < S * B * D; k++)
				r->enc->dy[k] += r->de[k];
		}
	}
	/* the decoder, down to its first states and its inputs */
	for (unsigned l = 0; l < r->layers; l++)
		r->dec->dh0[l][0] = r->dh0[l];
	nn_stack_backward(r->dec, &r->dw, &gd, 1);
	for (unsigned l = 0; l < r->layers; l++)
		r->dec->dh0[l][0] = NULL;
	if (r->peeky) {
		for (size_t i = 0; i < T * B; i++) {
			memcpy(r->de + i * E, r->dec->din + i * J, E * sizeof(float));
			for (size_t k = 0; k < D; k++)
				r->dhfin[(i % B) * D + k] += r->dec->din[i * J + E + k];
		}
		embed_backward(G(m, grad, m->tgt_emb), r->de, r->dec_in, T * B, E);
	} else {
		embed_backward(G(m, grad, m->tgt_emb), r->dec->din, r->dec_in, T * B, E);
	}
	/* the encoder, from its states' gradient and its last states' */
	for (unsigned l = 0; l < r->layers; l++)
		for (unsigned d = 0; d < r->dirs; d++) {
			float *f = r->dfin[l][d];

			for (size_t b = 0; b < B; b++)
				for (size_t k = 0; k < H; k++)
					f[b * H + k] = r->dh0[l][b * D + d * H + k] +
					               (l == top ? r->dhfin[b * D + d * H + k] : 0);
			r->enc->dfin[l][d] = f;
		}
	nn_stack_backward(r->enc, &r->ew, &ge, 1);
	for (unsigned l = 0; l < r->layers; l++)
		for (unsigned d = 0; d < r->dirs; d++)
			r->enc->dfin[l][d] = NULL;
	embed_backward(G(m, grad, m->src_emb), r->enc->din, r->enc_in, S * B, E);
	return loss;
}
