/* stack.c: the stack of recurrent layers, forward and backward. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/par.h"
#include "nn/gemm.h"
#include "nn/layers.h"
#include "nn/params.h"
#include "nn/stack.h"

/* ---- the arrays ---- */

static void sizes(struct nn_stack *s, enum nn_cell cell, unsigned layers, unsigned dirs,
                  size_t I, size_t H, size_t N, size_t B, float dropout, float rdropout)
{
	s->cell = cell;
	s->layers = layers;
	s->dirs = dirs;
	s->I = I;
	s->H = H;
	s->P = dirs * H;
	s->GH = nn_cell_gates(cell) * H;
	s->N = N;
	s->B = B;
	s->dropout = dropout;
	s->rdropout = rdropout;
}

/* Lays the arrays out from mem (NULL: only counts); returns the floats. */
static size_t layout(struct nn_stack *s, float *mem)
{
	size_t N = s->N, B = s->B, H = s->H, P = s->P, GH = s->GH, n = 0;
	size_t I0 = s->I > P ? s->I : P;
	float *at = mem;
	int lstm = s->cell == NN_CELL_LSTM, gru = s->cell == NN_CELL_GRU;

	for (unsigned l = 0; l < s->layers; l++) {
		size_t I = l ? P : s->I;

		s->drop[l] = s->dropout > 0 ? nn_take(&at, &n, N * I) : NULL;
		s->mask[l] = s->dropout > 0 ? nn_take(&at, &n, N * I) : NULL;
		s->xr[l] = s->dirs == 2 ? nn_take(&at, &n, N * I) : NULL;
		for (unsigned d = 0; d < s->dirs; d++) {
			s->hs[l][d] = nn_take(&at, &n, N * H);
			s->cs[l][d] = lstm ? nn_take(&at, &n, N * H) : NULL;
			s->gates[l][d] = nn_take(&at, &n, N * GH);
			s->hn[l][d] = gru ? nn_take(&at, &n, N * H) : NULL;
			s->hm[l][d] = s->rdropout > 0 ? nn_take(&at, &n, N * H) : NULL;
			s->rmask[l][d] = s->rdropout > 0 ? nn_take(&at, &n, B * H) : NULL;
		}
		s->y[l] = nn_take(&at, &n, N * P);
	}
	s->dy = nn_take(&at, &n, N * P);
	s->din = nn_take(&at, &n, N * I0);
	s->dxd = nn_take(&at, &n, N * I0);
	for (unsigned d = 0; d < s->dirs; d++) {
		s->tmp[d] = gru ? nn_take(&at, &n, B * GH) : NULL;
		s->dyd[d] = nn_take(&at, &n, N * H);
		s->dgx[d] = nn_take(&at, &n, N * GH);
		s->dgh[d] = gru ? nn_take(&at, &n, N * GH) : NULL;
		s->dc[d] = lstm ? nn_take(&at, &n, B * H) : NULL;
		s->dhm[d] = s->rdropout > 0 ? nn_take(&at, &n, B * H) : NULL;
	}
	return n;
}

uint64_t nn_stack_bytes(enum nn_cell cell, unsigned layers, unsigned dirs, size_t I, size_t H,
                        size_t N, size_t B, float dropout, float rdropout)
{
	struct nn_stack s;

	memset(&s, 0, sizeof(s));
	sizes(&s, cell, layers, dirs, I, H, N, B, dropout, rdropout);
	return (uint64_t)layout(&s, NULL) * sizeof(float) + sizeof(s);
}

struct nn_stack *nn_stack_new(enum nn_cell cell, unsigned layers, unsigned dirs, size_t I,
                              size_t H, size_t N, size_t B, float dropout, float rdropout,
                              struct error *e)
{
	struct nn_stack *s = calloc(1, sizeof(*s));
	size_t n;

	if (!s)
		goto nomem;
	sizes(s, cell, layers, dirs, I, H, N, B, dropout, rdropout);
	n = layout(s, NULL);
	if (posix_memalign((void **)&s->mem, 64, n * sizeof(float)) != 0) {
		s->mem = NULL;
		goto nomem;
	}
	memset(s->mem, 0, n * sizeof(float));
	layout(s, s->mem);
	return s;
nomem:
	free(s);
	error_set(e, -1, ENOMEM, NULL, 0, "the recurrent layers' activations (%zu cells, %zu "
	          "sequences)", N, B);
	return NULL;
}

void nn_stack_free(struct nn_stack *s)
{
	if (s)
		free(s->mem);
	free(s);
}

/* ---- one layer ---- */

static struct rnn_dims dims(const struct nn_stack *s, unsigned l, unsigned d, size_t T,
                            size_t B)
{
	struct rnn_dims dm = {.cell = s->cell, .T = T, .B = B, .In = l ? s->P : s->I, .H = s->H};

	if (s->train && s->rdropout > 0) {
		dm.hmask = s->rmask[l][d];
		dm.hm = s->hm[l][d];
		dm.dhm = s->dhm[d];
	}
	return dm;
}

/* A layer's work in one direction, for par_run. */
struct dir_job {
	struct nn_stack *s;
	const struct stack_w *w, *g;
	unsigned l;
	size_t T, B;
	int backward, want_dx;
	int threads;               /* each direction's products' */
};

static void dir_forward(const struct dir_job *j, unsigned d)
{
	struct nn_stack *s = j->s;
	const struct stack_w *w = j->w;
	unsigned l = j->l;
	size_t T = j->T, B = j->B, H = s->H, P = s->P;
	struct rnn_dims dm = dims(s, l, d, T, B);

	if (s->h0[l][d])
		memcpy(s->hs[l][d], s->h0[l][d], B * H * sizeof(float));
	else
		memset(s->hs[l][d], 0, B * H * sizeof(float));
	if (s->cs[l][d])
		memset(s->cs[l][d], 0, B * H * sizeof(float));
	rnn_forward(s->hs[l][d], s->cs[l][d], s->gates[l][d], s->hn[l][d], s->tmp[d],
	            d ? s->xr[l] : s->x[l], w->w_ih[l][d], w->w_hh[l][d], w->b_ih[l][d],
	            w->b_hh[l][d], &dm);
	/* output step t: the forward direction's state after t, the backward's after T-1-t */
	for (size_t t = 0; t < T; t++) {
		const float *h = s->hs[l][d] + (d ? T - t : t + 1) * B * H;

		for (size_t b = 0; b < B; b++)
			memcpy(s->y[l] + (t * B + b) * P + d * H, h + b * H, H * sizeof(float));
	}
}

static void dir_backward(const struct dir_job *j, unsigned d)
{
	struct nn_stack *s = j->s;
	const struct stack_w *w = j->w, *g = j->g;
	unsigned l = j->l;
	size_t T = j->T, B = j->B, H = s->H, P = s->P;
	struct rnn_dims dm = dims(s, l, d, T, B);
	float *dx = !j->want_dx ? NULL : d == 0 ? s->din : s->dxd;

	for (size_t t = 0; t < T; t++) {
		float *dst = s->dyd[d] + (d ? T - 1 - t : t) * B * H;

		for (size_t b = 0; b < B; b++)
			memcpy(dst + b * H, s->dy + (t * B + b) * P + d * H, H * sizeof(float));
	}
	if (s->dfin[l][d] && T > 0) {
		float *last = s->dyd[d] + (T - 1) * B * H;

		for (size_t k = 0; k < B * H; k++)
			last[k] += s->dfin[l][d][k];
	}
	dm.dh0 = s->dh0[l][d];
	rnn_backward(dx, g->w_ih[l][d], g->w_hh[l][d], g->b_ih[l][d], g->b_hh[l][d], s->dgx[d],
	             s->dgh[d], s->dc[d], s->dyd[d], s->hs[l][d], s->cs[l][d], s->gates[l][d],
	             s->hn[l][d], d ? s->xr[l] : s->x[l], w->w_ih[l][d], w->w_hh[l][d], &dm);
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

	if (j->s->dirs == 2 && nt >= 2) {
		j->threads = nt / 2;
		par_run(2, dir_run, j);
		return;
	}
	for (unsigned d = 0; d < j->s->dirs; d++)
		if (j->backward)
			dir_backward(j, d);
		else
			dir_forward(j, d);
}

/* ---- the stack ---- */

void nn_stack_forward(struct nn_stack *s, const struct stack_w *w, const float *x, size_t T,
                      size_t B, int train, struct rng *rng)
{
	s->steps = T;
	s->batch = B;
	s->train = train;
	for (unsigned l = 0; l < s->layers; l++) {
		size_t I = l ? s->P : s->I;
		const float *src = l ? s->y[l - 1] : x;
		struct dir_job j = {s, w, NULL, l, T, B, 0, 0, 1};

		if (train && s->dropout > 0) {
			dropout_mask(s->mask[l], T * B * I, s->dropout, rng);
			dropout_forward(s->drop[l], src, s->mask[l], 1, T * B * I, 0);
			src = s->drop[l];
		}
		s->x[l] = src;
		if (s->dirs == 2)
			seq_reverse(s->xr[l], s->x[l], T, B * I);
		if (train && s->rdropout > 0)
			for (unsigned d = 0; d < s->dirs; d++)
				dropout_mask(s->rmask[l][d], B * s->H, s->rdropout, rng);
		directions(&j);
	}
}

/* Layer l's backward from s->dy [T][B][P]: the weights' gradients, and (want_dx) the gradient
 * at its input as read into s->din [T][B][I]. */
static void layer_backward(struct nn_stack *s, const struct stack_w *w, const struct stack_w *g,
                           unsigned l, int want_dx)
{
	size_t T = s->steps, B = s->batch, I = l ? s->P : s->I;
	struct dir_job j = {s, w, g, l, T, B, 1, want_dx, 1};

	directions(&j);
	if (want_dx && s->dirs == 2)
		for (size_t t = 0; t < T; t++) {
			float *o = s->din + t * B * I;
			const float *src = s->dxd + (T - 1 - t) * B * I;

			for (size_t k = 0; k < B * I; k++)
				o[k] += src[k];
		}
	if (want_dx && s->train && s->dropout > 0)
		dropout_forward(s->din, s->din, s->mask[l], 1, T * B * I, 0);
}

void nn_stack_backward(struct nn_stack *s, const struct stack_w *w, const struct stack_w *g,
                       int want_dx)
{
	size_t T = s->steps, B = s->batch, P = s->P;

	for (unsigned l = s->layers; l-- > 0;) {
		layer_backward(s, w, g, l, l > 0 || want_dx);
		if (l > 0)
			memcpy(s->dy, s->din, T * B * P * sizeof(float));
	}
}
