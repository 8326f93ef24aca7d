/* rnncls.h: the recurrent classifier's forward and backward over a batch of B texts of the
 * same length T (cls/model.h has the model): the embedding, the layers (nn/rnn.h), each
 * bidirectional one a forward direction and a backward direction that reads the steps in
 * reverse, their states concatenated; the pooling of the top layer's states (the last, mean,
 * max or attention, nn/pool.h); dropout (inverted, in training) on the embeddings, between
 * layers and on the pooled vector, and recurrent dropout on the states entering W_hh; the
 * output layer and the softmax cross-entropy averaged over the batch. The layers are
 * nn/stack.h's. */
#ifndef NLP_CLS_RNNCLS_H
#define NLP_CLS_RNNCLS_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/rng.h"
#include "cls/model.h"
#include "nn/stack.h"

/* The activations of a batch, sized once for at most T steps of B texts. */
struct cls_run {
	size_t N, B;                 /* capacity: a batch of B' <= B texts of T steps, (T + 1) B' <= N */
	size_t E, P, A, C;           /* sizes: embedding, pooled, attention, classes */
	unsigned layers, dirs;
	enum cls_pool pool;
	float dropout;               /* training's rate (0: none) */
	struct nn_stack *st;         /* the recurrent layers (nn/stack.h) */
	struct stack_w sw;           /* their weights in the model */
	float *mem;                  /* one allocation for all below */
	float *xemb;                 /* [T][B][E] the embeddings */
	float *pooled;               /* [B][P] */
	float *pdrop, *pmask;        /* [B][P] the pooled vector after dropout, and its mask */
	uint32_t *arg;               /* [B][P] max: the step of each maximum */
	float *u, *att;              /* [T][B][A], [T][B] attention: tanh layer, weights */
	float *logits;               /* [B][C] logits; after cls_backward, their gradient */
	float *du, *dpool;           /* [T][B][A], [B][P] */
	size_t steps, batch;         /* the forward's T and B */
	int train;                   /* the forward drew dropout masks */
};

/* The most embedding rows of one token: a word's row and its first character n-grams'. */
#define CLS_MAX_ROWS 1024

/* The embedding rows of the word w [n] whose model id is id (CLS_UNK: unknown) into out
 * [CLS_MAX_ROWS]: without character n-grams the id; with them the word's row when it is known
 * and its n-grams' rows (words + hash % buckets, fastText's), the first CLS_MAX_ROWS - 1 of
 * them (an unknown word without n-grams: <unk>'s). Returns their number (at least 1). */
size_t cls_word_rows(const struct cls_model *m, uint32_t id, const char *w, size_t n,
                     uint32_t *out);

/* A run for a recurrent model m, for batches of at most B texts of T steps with (T + 1) B at
 * most N (so one long text does not size every batch), with the dropout rates of training (0:
 * none). Returns NULL with e filled when memory runs out. */
struct cls_run *cls_run_new(const struct cls_model *m, size_t N, size_t B, float dropout,
                            float rdropout, struct error *e);
void cls_run_free(struct cls_run *r);
/* The bytes cls_run_new would take. */
uint64_t cls_run_bytes(const struct cls_model *m, size_t N, size_t B, float dropout,
                       float rdropout);

/* The input of a batch: at each of its [T][B] positions the rows of the embedding whose mean is
 * the token's vector: rows[start[i] .. start[i+1]) for position i (a word's row and, with
 * character n-grams, theirs), or with start NULL the one row rows[i]. */
struct cls_input {
	const uint32_t *rows;
	const uint32_t *start;   /* [T*B + 1] or NULL */
};

/* The forward of the input in [T][B] ((T + 1) B <= r->N, B <= r->B) into r->logits; train: with dropout,
 * the masks drawn from rng. */
void cls_forward(struct cls_run *r, const struct cls_model *m, const struct cls_input *in,
                 size_t T, size_t B, int train, struct rng *rng);
/* After a forward: the cross-entropy of the targets [B] (natural log) summed over the batch,
 * and the gradient of scale times that sum added into grad (a block of m->L's layout; the
 * embedding's rows of in alone, and not at all when emb_grad is 0). ok [B] out (or NULL):
 * whether each text's most probable class is its target. */
double cls_backward(struct cls_run *r, const struct cls_model *m, float *grad,
                    const uint32_t *targets, const struct cls_input *in, float scale,
                    int emb_grad,
                    uint8_t *ok);
/* After a forward: p [B][C] the class probabilities. */
void cls_probs(const struct cls_run *r, float *p);

#endif
