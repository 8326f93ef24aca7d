/* tagrnn.h: the recurrent tagger's forward and backward over a batch of B sentences of the same
 * length T (tag/model.h has the model): each token's word row beside its character encoder's
 * vector (nn/charcnn.h), the recurrent layers (nn/stack.h, dropout on each layer's input),
 * dropout on the top layer's states, the affine layer to the tags' logits at every token, and
 * the softmax cross-entropy of every token. Sentences of one length need no padding: the
 * trainer batches them so (tag/train.c). */
#ifndef NLP_TAG_TAGRNN_H
#define NLP_TAG_TAGRNN_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/rng.h"
#include "nn/stack.h"
#include "tag/model.h"

/* A sentence longer than this is tagged (and trained on) in pieces of at most this many
 * tokens. */
#define TAG_MAX_STEPS 1000

/* The activations of a batch, sized once for at most B sentences of T steps with (T + 1) B at
 * most N; the character arrays grow to the batch's characters. */
struct tag_run {
	size_t N, B;
	size_t E, F, I, P, C, CE, K;  /* word rows, filters, the layers' input (E + F), the top's
	                               * states, tags, character rows, width */
	float dropout;
	struct nn_stack *st;
	struct stack_w sw;            /* the layers' weights in the model */
	float *mem;                   /* one allocation for the arrays below */
	float *xw;                    /* [T][B][E] the word rows */
	float *xc;                    /* [T][B][F] the character encoder's vectors */
	uint32_t *carg;               /* [T][B][F] its maxima's positions */
	float *x;                     /* [T][B][I] the two side by side: the layers' input */
	float *ydrop, *ymask;         /* [T][B][P] the top's states after dropout, the mask */
	float *logits;                /* [T][B][C]; after tag_backward, their gradient */
	float *dtop;                  /* [T][B][P] */
	float *dxc;                   /* [T][B][F] */
	float *dxw;                   /* [T][B][E] */
	size_t Lcap;                  /* positions the character arrays hold */
	float *col, *conv, *dconv, *dcol; /* [Lcap][K CE], [Lcap][F], [Lcap][F], [Lcap][K CE] */
	size_t steps, batch;
	int train;
};

/* A batch's input at its [T][B] positions (time-major): word rows [T*B] and, with the
 * character encoder, the character ids of each token: chars[cstart[i] .. cstart[i+1]) for
 * position i (at least one). */
struct tag_input {
	const uint32_t *words;
	const uint32_t *chars;
	const uint32_t *cstart;    /* [T*B + 1] */
};

struct tag_run *tag_run_new(const struct tag_model *m, size_t N, size_t B, float dropout,
                            float rdropout, struct error *e);
void tag_run_free(struct tag_run *r);
/* The bytes tag_run_new would take (the character arrays for L positions). */
uint64_t tag_run_bytes(const struct tag_model *m, size_t N, size_t B, float dropout,
                       float rdropout, size_t L);
/* Room for L character positions. Returns 0 or -1 with e filled (memory). */
int tag_run_chars(struct tag_run *r, size_t L, struct error *e);

/* The forward of in over [T][B] ((T + 1) B <= r->N, B <= r->B, the characters within
 * tag_run_chars's room) into r->logits; train: with dropout, the masks drawn from rng. */
void tag_forward(struct tag_run *r, const struct tag_model *m, const struct tag_input *in,
                 size_t T, size_t B, int train, struct rng *rng);

/* After a forward: the cross-entropy of targets [T*B] (natural log) summed over the tokens,
 * and the gradient of scale times that sum added into grad (a block of m->L's layout; the word
 * rows only when emb_grad). *correct += the tokens whose most probable tag is the target. */
double tag_backward(struct tag_run *r, const struct tag_model *m, float *grad,
                    const uint32_t *targets, const struct tag_input *in, float scale,
                    int emb_grad, uint64_t *correct);

/* After a forward: the most probable tag of each of the T*B positions into pred. */
void tag_argmax(const struct tag_run *r, uint32_t *pred);

#endif
