/* stack.h: a stack of recurrent layers (nn/rnn.h) over a batch of B sequences of the same
 * length T, each layer bidirectional or not: a bidirectional layer is a forward direction and a
 * backward direction that reads the steps in reverse, their states side by side in its output.
 * Inverted dropout (in training) on each layer's input, and recurrent dropout on the states
 * entering W_hh. The two directions of a layer run on two threads when nn/gemm.h has two, each
 * with its products on one: the same bits as one after the other. The classifier (cls/rnncls.h)
 * pools the top layer's states; the tagger (tag/tagrnn.h) reads them at every step. */
#ifndef NLP_NN_STACK_H
#define NLP_NN_STACK_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/rng.h"
#include "nn/rnn.h"

#define NN_STACK_MAX 8   /* layers */

/* The weights of the layers (a model's tensors), or their gradients: [l][d] for layer l's
 * direction d (1: the backward one), of PyTorch's shapes: w_ih [G*H][I], w_hh [G*H][H], b_ih and
 * b_hh [G*H], I the input's size at layer 0 and P = dirs H above. */
struct stack_w {
	float *w_ih[NN_STACK_MAX][2], *w_hh[NN_STACK_MAX][2];
	float *b_ih[NN_STACK_MAX][2], *b_hh[NN_STACK_MAX][2];
};

struct nn_stack {
	enum nn_cell cell;
	unsigned layers, dirs;
	size_t I, H, P, GH;          /* input, hidden, output (dirs H), gates (G H) */
	size_t N, B;                 /* capacity: B' <= B sequences of T steps, (T + 1) B' <= N */
	float dropout, rdropout;     /* training's rates (0: none) */
	float *mem;                  /* one allocation for all below */
	float *drop[NN_STACK_MAX];   /* [T][B][I or P] layer l's input after dropout */
	float *mask[NN_STACK_MAX];   /* [T][B][I or P] its dropout mask */
	const float *x[NN_STACK_MAX];/* layer l's input as read: the stack's, y[l-1] or drop[l] */
	float *xr[NN_STACK_MAX];     /* [T][B][I or P] the input reversed in time (backward dir) */
	float *hs[NN_STACK_MAX][2], *cs[NN_STACK_MAX][2];    /* [T+1][B][H] (cs: lstm) */
	float *gates[NN_STACK_MAX][2];                       /* [T][B][GH] */
	float *hn[NN_STACK_MAX][2];                          /* [T][B][H] gru */
	float *hm[NN_STACK_MAX][2];                          /* [T][B][H] rdropout */
	float *rmask[NN_STACK_MAX][2];                       /* [B][H] rdropout */
	float *y[NN_STACK_MAX];      /* [T][B][P] layer l's output, both directions side by side */
	float *dy;                   /* [T][B][P] in: the gradient at the top's output (the
	                              * caller's to fill before nn_stack_backward; destroyed) */
	float *din;                  /* [T][B][max(I, P)] out: the gradient at the stack's input */
	float *dxd;                  /* [T][B][max(I, P)] the backward direction's input gradient */
	/* each direction's scratch, so that the two run at once: */
	float *tmp[2];               /* [B][GH] gru */
	float *dyd[2];               /* [T][B][H] the gradient at its outputs */
	float *dgx[2], *dgh[2];      /* [T][B][GH], [T][B][GH] gru */
	float *dc[2], *dhm[2];       /* [B][H] lstm, [B][H] recurrent dropout */
	size_t steps, batch;         /* the forward's T and B */
	int train;                   /* the forward drew dropout masks */
	/* The link of an encoder and a decoder (a seq2seq model), each set by the caller and NULL
	 * otherwise (as nn_stack_new leaves them), for layer l's direction d:
	 * h0: the state before the window (NULL: zero; an lstm's cell starts at zero either way);
	 * dh0: the backward writes the gradient at that state there (NULL: not wanted);
	 * dfin: the backward adds it to the gradient at the direction's last state (the state after
	 * its last step: step T-1's output for the forward direction, step 0's for the backward). */
	const float *h0[NN_STACK_MAX][2];   /* [B][H] */
	float *dh0[NN_STACK_MAX][2];        /* [B][H] */
	const float *dfin[NN_STACK_MAX][2]; /* [B][H] */
};

/* A stack of layers of cell over inputs of size I, hidden size H, bidirectional (dirs 2) or
 * not, for at most B sequences of T steps with (T + 1) B at most N, with training's dropout
 * rates (0: none). Returns NULL with e filled when memory runs out. */
struct nn_stack *nn_stack_new(enum nn_cell cell, unsigned layers, unsigned dirs, size_t I,
                              size_t H, size_t N, size_t B, float dropout, float rdropout,
                              struct error *e);
void nn_stack_free(struct nn_stack *s);
/* The bytes nn_stack_new would take. */
uint64_t nn_stack_bytes(enum nn_cell cell, unsigned layers, unsigned dirs, size_t I, size_t H,
                        size_t N, size_t B, float dropout, float rdropout);

/* The forward of x [T][B][I] ((T + 1) B <= N, B <= s->B) through the layers into
 * s->y[layers - 1] [T][B][P]; train: with dropout, the masks drawn from rng. x must stay as it
 * is until the backward. */
void nn_stack_forward(struct nn_stack *s, const struct stack_w *w, const float *x, size_t T,
                      size_t B, int train, struct rng *rng);

/* After a forward, with s->dy [T][B][P] the gradient at the top layer's output: adds the
 * weights' gradients into g and, when want_dx, writes the gradient at x into s->din [T][B][I]
 * (the input dropout's mask applied). */
void nn_stack_backward(struct nn_stack *s, const struct stack_w *w, const struct stack_w *g,
                       int want_dx);

#endif
