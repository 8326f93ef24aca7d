/* decode.c: greedy and beam-search translation. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nn/act.h"
#include "nn/layers.h"
#include "nn/params.h"
#include "nn/rnn.h"
#include "nn/xent.h"
#include "s2s/decode.h"

#define W(m, i) nn_tensor(&(m)->L, (m)->w, (i))

struct cand {
	double score;
	uint32_t beam, v;
};

struct s2s_decoder {
	size_t B, S, maxlen, K, Kw, R;  /* sentences, source units, output units, beam (0:
	                                 * greedy), rows a sentence (max(K, 1)), rows */
	int weights;
	unsigned layers;
	size_t D, J, O, V, E;
	struct s2s_run *run;            /* the encoder's */
	float *mem;
	float *hs[S2S_MAX_LAYERS];      /* [2][R][D] each layer's state before and after a step */
	float *cs[S2S_MAX_LAYERS];      /* [2][R][D] lstm */
	float *gates[S2S_MAX_LAYERS];   /* [R][G D] */
	float *hn[S2S_MAX_LAYERS];      /* [R][D] gru */
	float *tmp;                     /* [R][G D] gru */
	float *x;                       /* [R][J] the step's input */
	float *q;                       /* [R][D] additive: W1 h */
	float *z;                       /* [S][D] additive's tanh of a row */
	float *a;                       /* [R][S] the step's attention */
	float *cat;                     /* [R][2D] */
	float *xo;                      /* [R][D] */
	float *oin;                     /* [R][O] */
	float *logits;                  /* [R][V] then their log-softmax */
	uint32_t *prev;                 /* [R] the units the rows said last */
	uint32_t *ids[2];               /* [R][maxlen] the live outputs, and the next step's */
	float *hist[2];                 /* [R][maxlen + 1][S] their attention rows (weights) */
	double *score[2];               /* [R] */
	uint32_t *parent;               /* [R] the row a next-step row continues */
	uint32_t *fids;                 /* [B][Kw][maxlen] the finished outputs */
	float *fatt;                    /* [B][Kw][maxlen + 1][S] (weights) */
	double *fscore;                 /* [B][Kw] */
	size_t *flen;                   /* [B][Kw] */
	size_t *nfin;                   /* [B] */
	uint8_t *done;                  /* [B] */
	struct cand *cand;              /* [Kw Kw] */
};

/* Floats enough for n bytes. */
#define FL(n) (((n) + sizeof(float) - 1) / sizeof(float))

/* Lays the arrays out from mem (NULL: only counts); returns the floats. */
static size_t layout(struct s2s_decoder *d, const struct s2s_model *m, float *mem)
{
	size_t R = d->R, D = d->D, S = d->S, L1 = d->maxlen + 1, n = 0;
	size_t GD = nn_cell_gates(m->c.cell) * D, Kw = d->Kw, B = d->B;
	float *at = mem;

	for (unsigned l = 0; l < d->layers; l++) {
		d->hs[l] = nn_take(&at, &n, 2 * R * D);
		d->cs[l] = m->c.cell == NN_CELL_LSTM ? nn_take(&at, &n, 2 * R * D) : NULL;
		d->gates[l] = nn_take(&at, &n, R * GD);
		d->hn[l] = m->c.cell == NN_CELL_GRU ? nn_take(&at, &n, R * D) : NULL;
	}
	d->tmp = m->c.cell == NN_CELL_GRU ? nn_take(&at, &n, R * GD) : NULL;
	d->x = nn_take(&at, &n, R * d->J);
	d->q = nn_take(&at, &n, R * D);
	d->z = nn_take(&at, &n, S * D);
	d->a = nn_take(&at, &n, R * S);
	d->cat = nn_take(&at, &n, R * 2 * D);
	d->xo = nn_take(&at, &n, R * D);
	d->oin = nn_take(&at, &n, R * d->O);
	d->logits = nn_take(&at, &n, R * d->V);
	d->prev = (void *)nn_take(&at, &n, FL(R * sizeof(uint32_t)));
	for (int i = 0; i < 2; i++) {
		d->ids[i] = (void *)nn_take(&at, &n, FL(R * d->maxlen * sizeof(uint32_t)));
		d->hist[i] = d->weights ? nn_take(&at, &n, R * L1 * S) : NULL;
		d->score[i] = (void *)nn_take(&at, &n, FL(R * sizeof(double)));
	}
	d->parent = (void *)nn_take(&at, &n, FL(R * sizeof(uint32_t)));
	d->fids = (void *)nn_take(&at, &n, FL(B * Kw * d->maxlen * sizeof(uint32_t)));
	d->fatt = d->weights ? nn_take(&at, &n, B * Kw * L1 * S) : NULL;
	d->fscore = (void *)nn_take(&at, &n, FL(B * Kw * sizeof(double)));
	d->flen = (void *)nn_take(&at, &n, FL(B * Kw * sizeof(size_t)));
	d->nfin = (void *)nn_take(&at, &n, FL(B * sizeof(size_t)));
	d->done = (void *)nn_take(&at, &n, FL(B));
	d->cand = (void *)nn_take(&at, &n, FL(Kw * Kw * sizeof(struct cand)));
	return n;
}

static void sizes(struct s2s_decoder *d, const struct s2s_model *m, size_t B, size_t S,
                  size_t maxlen, size_t K, int weights)
{
	d->B = B;
	d->S = S;
	d->maxlen = maxlen;
	d->K = K;
	d->Kw = K ? K : 1;
	d->R = B * d->Kw;
	d->weights = weights && m->c.attention != S2S_ATT_NONE;
	d->layers = m->c.layers;
	d->D = m->D;
	d->J = m->J;
	d->O = m->O;
	d->V = m->c.tgt;
	d->E = m->c.emb;
}

uint64_t s2s_decoder_bytes(const struct s2s_model *m, size_t B, size_t S, size_t maxlen,
                           size_t K, int weights)
{
	struct s2s_decoder d;

	memset(&d, 0, sizeof(d));
	sizes(&d, m, B, S, maxlen, K, weights);
	return layout(&d, m, NULL) * sizeof(float) + sizeof(d) + s2s_run_bytes(m, S, 1, B, 0);
}

struct s2s_decoder *s2s_decoder_new(const struct s2s_model *m, size_t B, size_t S,
                                    size_t maxlen, size_t K, int weights, struct error *e)
{
	struct s2s_decoder *d = calloc(1, sizeof(*d));
	size_t n;

	if (!d)
		goto nomem;
	sizes(d, m, B, S, maxlen, K, weights);
	n = layout(d, m, NULL);
	if (posix_memalign((void **)&d->mem, 64, n * sizeof(float)) != 0) {
		d->mem = NULL;
		goto nomem;
	}
	memset(d->mem, 0, n * sizeof(float));
	layout(d, m, d->mem);
	if (!(d->run = s2s_run_new(m, S, 1, B, 0, e))) {
		s2s_decoder_free(d);
		return NULL;
	}
	return d;
nomem:
	free(d);
	error_set(e, -1, ENOMEM, NULL, 0, "the decoder's arrays (%zu sentences, beam %zu)", B, K);
	return NULL;
}

void s2s_decoder_free(struct s2s_decoder *d)
{
	if (!d)
		return;
	s2s_run_free(d->run);
	free(d->mem);
	free(d);
}

/* ---- a step ---- */

/* One step of the decoder for R rows from prev and the states in slot 0 of hs/cs: the new
 * states into slot 1, the attention into a, the log probabilities into logits. Row r belongs
 * to sentence r / Kw of the B encoded. */
static void step(struct s2s_decoder *d, const struct s2s_model *m, size_t S, size_t B)
{
	size_t R = B * d->Kw, D = d->D, E = d->E, J = d->J, O = d->O, V = d->V;
	const struct s2s_run *run = d->run;
	const float *top = run->hfin[d->layers - 1], *in = d->x, *h;
	const float *e = run->enc->y[d->layers - 1];
	struct stack_w ew, dw;
	int peeky = (int)m->c.peeky;

	s2s_stack_w(m, m->w, &ew, &dw);
	for (size_t r = 0; r < R; r++) {
		embed_forward(d->x + r * J, W(m, m->tgt_emb), d->prev + r, 1, E);
		if (peeky)
			memcpy(d->x + r * J + E, top + (r / d->Kw) * D, D * sizeof(float));
	}
	for (unsigned l = 0; l < d->layers; l++) {
		struct rnn_dims dm = {.cell = m->c.cell, .T = 1, .B = R, .In = l ? D : J, .H = D};

		rnn_forward(d->hs[l], d->cs[l], d->gates[l], d->hn[l], d->tmp, in, dw.w_ih[l][0],
		            dw.w_hh[l][0], dw.b_ih[l][0], dw.b_hh[l][0], &dm);
		in = d->hs[l] + R * D;
	}
	h = in;                                       /* [R][D] */
	if (m->c.attention != S2S_ATT_NONE) {
		if (m->c.attention == S2S_ATT_ADDITIVE)
			affine_forward(d->q, h, W(m, m->att_w1), NULL, R, D, D);
		for (size_t r = 0; r < R; r++) {
			size_t b = r / d->Kw;

			s2s_att_forward(m, d->a + r * S, d->cat + r * 2 * D, 2 * D, d->z, h + r * D,
			                d->q + r * D, D, e + b * D, run->keys ? run->keys + b * D : NULL,
			                B * D, 1, S);
			memcpy(d->cat + r * 2 * D + D, h + r * D, D * sizeof(float));
		}
		affine_forward(d->xo, d->cat, W(m, m->comb_w), W(m, m->comb_b), R, 2 * D, D);
		for (size_t k = 0; k < R * D; k++)
			d->xo[k] = nn_tanh(d->xo[k]);
		h = d->xo;
	}
	if (peeky) {
		for (size_t r = 0; r < R; r++) {
			memcpy(d->oin + r * O, h + r * D, D * sizeof(float));
			memcpy(d->oin + r * O + D, top + (r / d->Kw) * D, D * sizeof(float));
		}
		h = d->oin;
	}
	affine_forward(d->logits, h, W(m, m->out_w), W(m, m->out_b), R, O, V);
	for (size_t r = 0; r < R; r++) {
		float *p = d->logits + r * V, mx = p[0];
		double sum = 0;

		for (size_t v = 1; v < V; v++)
			mx = p[v] > mx ? p[v] : mx;
		for (size_t v = 0; v < V; v++)
			sum += exp((double)(p[v] - mx));
		for (size_t v = 0; v < V; v++)
			p[v] = (float)((double)(p[v] - mx) - log(sum));
	}
}

/* The states after the step become the states before the next, row r taking row from[r]'s
 * (NULL: its own). */
static void carry(struct s2s_decoder *d, size_t R, const uint32_t *from)
{
	size_t D = d->D;

	for (unsigned l = 0; l < d->layers; l++)
		for (int c = 0; c < 2; c++) {
			float *s = c ? d->cs[l] : d->hs[l];

			if (!s)
				continue;
			for (size_t r = 0; r < R; r++)
				memcpy(s + r * D, s + (R + (from ? from[r] : r)) * D, D * sizeof(float));
		}
}

/* The encoder, and every row's first state from its sentence's. */
static void start(struct s2s_decoder *d, const struct s2s_model *m, const uint32_t *src,
                  size_t S, size_t B)
{
	struct s2s_run *run = d->run;
	size_t D = d->D, R = B * d->Kw;

	s2s_encode(run, m, src, S, B, 0, NULL);
	s2s_att_keys(m, run->keys, run->enc->y[d->layers - 1], S, B);
	for (unsigned l = 0; l < d->layers; l++) {
		for (size_t r = 0; r < R; r++)
			memcpy(d->hs[l] + r * D, run->hfin[l] + (r / d->Kw) * D, D * sizeof(float));
		if (d->cs[l])
			memset(d->cs[l], 0, R * D * sizeof(float));
	}
	for (size_t r = 0; r < R; r++)
		d->prev[r] = S2S_BOS;
	memset(d->done, 0, B);
	memset(d->nfin, 0, B * sizeof(size_t));
}

/* The most probable unit of the row p [V], `<s>` never (the first of equals). */
static uint32_t best_unit(const float *p, size_t V)
{
	uint32_t v = S2S_UNK;

	for (uint32_t u = 1; u < V; u++)
		if (u != S2S_BOS && p[u] > p[v])
			v = u;
	return v;
}

static void greedy(struct s2s_decoder *d, const struct s2s_model *m, size_t S, size_t B,
                   size_t maxlen)
{
	size_t L1S = (d->maxlen + 1) * S, left = B;

	for (size_t b = 0; b < B; b++) {
		d->flen[b] = 0;
		d->fscore[b] = 0;
		d->nfin[b] = 0;
		if (maxlen == 0) {
			d->done[b] = 1;
			left--;
		}
	}
	while (left > 0) {
		step(d, m, S, B);
		for (size_t b = 0; b < B; b++) {
			const float *p = d->logits + b * d->V;
			uint32_t v;

			if (d->done[b])
				continue;
			v = best_unit(p, d->V);
			d->fscore[b] += p[v];
			if (d->weights)
				memcpy(d->fatt + b * L1S + d->flen[b] * S, d->a + b * S, S * sizeof(float));
			d->prev[b] = v;
			if (v == S2S_EOS) {
				d->nfin[b] = 1;
				d->done[b] = 1;
			} else {
				d->fids[b * d->maxlen + d->flen[b]++] = v;
				d->done[b] = d->flen[b] == maxlen;
			}
			left -= d->done[b];
		}
		carry(d, B, NULL);
	}
}

static int cand_cmp(const void *pa, const void *pb)
{
	const struct cand *a = pa, *b = pb;

	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->beam != b->beam)
		return a->beam < b->beam ? -1 : 1;
	return a->v < b->v ? -1 : a->v > b->v;
}

/* The K best units of the row p [V] (not `<s>`) after those of a live row k of score s, into
 * c from *n on (the first of equals first). */
static void row_best(struct cand *c, size_t *n, const float *p, size_t V, size_t K, uint32_t k,
                     double s)
{
	size_t n0 = *n, have = 0;

	for (uint32_t u = 0; u < V; u++) {
		struct cand x = {s + p[u], k, u};
		size_t i;

		if (u == S2S_BOS || (have == K && cand_cmp(&x, &c[n0 + have - 1]) >= 0))
			continue;
		i = have < K ? have++ : have - 1;
		while (i > 0 && cand_cmp(&x, &c[n0 + i - 1]) < 0) {
			c[n0 + i] = c[n0 + i - 1];
			i--;
		}
		c[n0 + i] = x;
	}
	*n = n0 + have;
}

static void beam(struct s2s_decoder *d, const struct s2s_model *m, size_t S, size_t B,
                 size_t maxlen)
{
	size_t K = d->K, R = B * K, L1S = (d->maxlen + 1) * S, ml = d->maxlen, left = B;
	int cur = 0;

	for (size_t r = 0; r < R; r++)
		d->score[0][r] = r % K ? -INFINITY : 0;
	if (maxlen == 0) {
		for (size_t b = 0; b < B; b++)
			d->done[b] = 1;
		left = 0;
	}
	for (size_t t = 0; left > 0; t++) {
		int nxt = !cur;

		step(d, m, S, B);
		for (size_t b = 0; b < B; b++) {
			size_t nc = 0, alive = 0;
			double best_fin = -INFINITY;

			for (size_t k = 0; k < K; k++) {
				size_t r = b * K + k;

				d->parent[r] = (uint32_t)r;
				d->score[nxt][r] = -INFINITY;
				if (!d->done[b] && d->score[cur][r] > -INFINITY)
					row_best(d->cand, &nc, d->logits + r * d->V, d->V, K, (uint32_t)k,
					         d->score[cur][r]);
			}
			if (d->done[b])
				continue;
			qsort(d->cand, nc, sizeof(*d->cand), cand_cmp);
			for (size_t i = 0; i < nc && alive < K; i++) {
				const struct cand *c = &d->cand[i];
				size_t from = b * K + c->beam;

				if (c->v == S2S_EOS) {
					size_t f = b * K + d->nfin[b];

					if (i >= K || d->nfin[b] >= K)
						continue;
					memcpy(d->fids + f * ml, d->ids[cur] + from * ml, t * sizeof(uint32_t));
					if (d->weights) {
						memcpy(d->fatt + f * L1S, d->hist[cur] + from * L1S,
						       t * S * sizeof(float));
						memcpy(d->fatt + f * L1S + t * S, d->a + from * S,
						       S * sizeof(float));
					}
					d->flen[f] = t;
					d->fscore[f] = c->score;
					d->nfin[b]++;
				} else {
					size_t to = b * K + alive++;

					memcpy(d->ids[nxt] + to * ml, d->ids[cur] + from * ml,
					       t * sizeof(uint32_t));
					d->ids[nxt][to * ml + t] = c->v;
					if (d->weights) {
						memcpy(d->hist[nxt] + to * L1S, d->hist[cur] + from * L1S,
						       t * S * sizeof(float));
						memcpy(d->hist[nxt] + to * L1S + t * S, d->a + from * S,
						       S * sizeof(float));
					}
					d->score[nxt][to] = c->score;
					d->parent[to] = (uint32_t)from;
					d->prev[to] = c->v;
				}
			}
			for (size_t f = 0; f < d->nfin[b]; f++)
				best_fin = d->fscore[b * K + f] > best_fin ? d->fscore[b * K + f] : best_fin;
			if (d->nfin[b] >= K || alive == 0 || t + 1 >= maxlen ||
			    (d->nfin[b] > 0 && best_fin >= d->score[nxt][b * K])) {
				d->done[b] = 1;
				left--;
			}
		}
		carry(d, R, d->parent);
		cur = nxt;
	}
	/* the best finished output, else the best live one: into the finished slot 0 */
	for (size_t b = 0; b < B; b++) {
		size_t best = 0, f0 = b * K;

		if (d->nfin[b] == 0) {
			size_t r = b * K;

			memcpy(d->fids + f0 * ml, d->ids[cur] + r * ml, maxlen * sizeof(uint32_t));
			if (d->weights)
				memcpy(d->fatt + f0 * L1S, d->hist[cur] + r * L1S,
				       maxlen * S * sizeof(float));
			d->flen[f0] = maxlen;
			d->fscore[f0] = maxlen ? d->score[cur][r] : 0;
			continue;
		}
		for (size_t f = 1; f < d->nfin[b]; f++)
			if (d->fscore[f0 + f] > d->fscore[f0 + best])
				best = f;
		if (best) {
			memcpy(d->fids + f0 * ml, d->fids + (f0 + best) * ml,
			       d->flen[f0 + best] * sizeof(uint32_t));
			if (d->weights)
				memcpy(d->fatt + f0 * L1S, d->fatt + (f0 + best) * L1S,
				       (d->flen[f0 + best] + 1) * S * sizeof(float));
			d->flen[f0] = d->flen[f0 + best];
			d->fscore[f0] = d->fscore[f0 + best];
		}
		d->nfin[b] = 1;
	}
}

void s2s_decode(struct s2s_decoder *d, const struct s2s_model *m, const uint32_t *src,
                size_t S, size_t B, size_t maxlen, struct s2s_out *out)
{
	size_t L1S = (d->maxlen + 1) * S;

	start(d, m, src, S, B);
	if (d->K)
		beam(d, m, S, B, maxlen);
	else
		greedy(d, m, S, B, maxlen);
	for (size_t b = 0; b < B; b++) {
		size_t f = b * d->Kw;

		out[b].ids = d->fids + f * d->maxlen;
		out[b].len = d->flen[f];
		out[b].ended = d->nfin[b] > 0;
		out[b].score = d->fscore[f];
		out[b].att = d->weights ? d->fatt + f * L1S : NULL;
	}
}
