/* s2s.h: a sequence-to-sequence model's forward and backward over a batch of B pairs whose
 * sources have the same length S, the targets read with teacher forcing (s2s/model.h has the
 * model): the encoder over [S][B], the decoder's T steps as one window from the encoder's last
 * states (no input feeding, so that the steps need no loop of their own), attention at every
 * step at once, the output layer and the softmax cross-entropy of the target's real units (a
 * target shorter than the batch's T is padded, its padding out of the loss). The attention's
 * kernels serve the decoding step by step too (s2s/decode.h). */
#ifndef NLP_S2S_S2S_H
#define NLP_S2S_S2S_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/rng.h"
#include "nn/stack.h"
#include "s2s/model.h"

/* The activations of a batch, sized once for at most B pairs of sources of at most S units and
 * decoder windows of at most T steps. */
struct s2s_run {
	size_t S, T, B;
	size_t E, H, D, J, O, V;     /* rows, hidden of a direction, decoder, its input, the output
	                              * layer's input, target units */
	unsigned layers, dirs;
	enum s2s_attention att;
	int peeky;
	struct nn_stack *enc, *dec;
	struct stack_w ew, dw;       /* the layers' weights in the model */
	float *mem;                  /* one allocation for the arrays below */
	float *xs;                   /* [S][B][E] the source rows */
	float *xt;                   /* [T][B][J] the decoder's input: rows (and hfin) */
	float *hfin[S2S_MAX_LAYERS]; /* [B][D] each encoder layer's last state, directions side by
	                              * side: the decoder layer's first state */
	float *dh0[S2S_MAX_LAYERS];  /* [B][D] the gradient there */
	float *dfin[S2S_MAX_LAYERS][2]; /* [B][H] the same cut by direction, for the encoder */
	float *dhfin;                /* [B][D] peeky: the gradient at hfin's other uses */
	float *keys;                 /* [S][B][D] general: W e; additive: W2 e */
	float *dkeys;                /* [S][B][D] */
	float *q, *dq;               /* [T][B][D] additive: W1 h */
	float *z;                    /* [B][T][S][D] additive: tanh(W1 h + W2 e) */
	float *a;                    /* [B][T][S] the attention weights */
	float *da;                   /* [B][T][S] */
	float *cat;                  /* [T][B][2D] [c_t; h_t] */
	float *dcat;                 /* [T][B][2D] */
	float *xo;                   /* [T][B][D] tanh(comb) */
	float *oin;                  /* [T][B][O] the output layer's input: [x_t; hfin] */
	float *doin;                 /* [T][B][O] */
	float *gin;                  /* [T*B][O] oin's rows of the real units */
	float *dgin;                 /* [T*B][O] their gradient */
	float *logits;               /* [T*B][V] theirs; after the backward their gradient */
	float *de;                   /* [S][B][D] scratch */
	double *lpb;                 /* [T*B] the real units' log probabilities */
	uint32_t *pos;               /* [T*B] the real units' positions t*B+b */
	uint32_t *gold;              /* [T*B] their targets */
	const uint32_t *enc_in, *dec_in; /* the forward's ids: source [S][B], decoder's [T][B] */
	size_t steps, srclen, batch, real;
	int train;
};

/* A batch: B pairs, source ids [S][B] (time-major, already reversed when the model says so),
 * the decoder's inputs [T][B] (`<s>` then the target's units, padded with anything valid) and
 * its targets [T][B] (the units then `</s>`; S2S_PAD where padded). */
struct s2s_batch {
	const uint32_t *src;
	const uint32_t *in;
	const uint32_t *out;
	size_t S, T, B;
};

struct s2s_run *s2s_run_new(const struct s2s_model *m, size_t S, size_t T, size_t B,
                            float dropout, struct error *e);
void s2s_run_free(struct s2s_run *r);
/* The bytes s2s_run_new would take. */
uint64_t s2s_run_bytes(const struct s2s_model *m, size_t S, size_t T, size_t B, float dropout);

/* The encoder's forward of src [S][B] into r->enc's top states and r->hfin; train: with
 * dropout from rng. */
void s2s_encode(struct s2s_run *r, const struct s2s_model *m, const uint32_t *src, size_t S,
                size_t B, int train, struct rng *rng);

/* The forward of a batch with teacher forcing (the encoder included), to the real units'
 * logits. */
void s2s_forward(struct s2s_run *r, const struct s2s_model *m, const struct s2s_batch *b,
                 int train, struct rng *rng);

/* After s2s_forward: the cross-entropy (natural log) summed over the real units, and the
 * gradient of scale times that sum added into grad (a block of m->L's layout). When lp is not
 * NULL, lp [T*B] (position t*B+b) gets each real unit's log probability and nothing is
 * learnt (grad may then be NULL). */
double s2s_backward(struct s2s_run *r, const struct s2s_model *m, float *grad, float scale,
                    double *lp);

/* ---- the attention's kernels, for one decoder state row after another ---- */

/* The keys of the encoder's states e [S][B][D] into keys [S][B][D]: general W e, additive
 * W2 e (nothing for dot). */
void s2s_att_keys(const struct s2s_model *m, float *keys, const float *e, size_t S, size_t B);

/* The attention of T decoder states h (row t at h + t ldh) over one sentence's S encoder
 * states e (row s at e + s lde) and keys (the same stride): the weights into a [T][S] and the
 * context into c (row t at c + t ldc). q: additive W1 h, rows as h's; z [T][S][D] additive's
 * tanh (NULL: not kept). */
void s2s_att_forward(const struct s2s_model *m, float *a, float *c, size_t ldc, float *z,
                     const float *h, const float *q, size_t ldh, const float *e,
                     const float *keys, size_t lde, size_t T, size_t S);

#endif
