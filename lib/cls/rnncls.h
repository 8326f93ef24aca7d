/* rnncls.h: the recurrent classifier's forward and backward over a batch of B texts of the
 * same length T (cls/model.h has the model): the embedding, the layers (nn/rnn.h), each
 * bidirectional one a forward direction and a backward direction that reads the steps in
 * reverse, their states concatenated; the pooling of the top layer's states (the last, mean,
 * max or attention, nn/pool.h); dropout (inverted, in training) on the embeddings, between
 * layers and on the pooled vector, and recurrent dropout on the states entering W_hh; the
 * output layer and the softmax cross-entropy averaged over the batch. The two directions of a
 * bidirectional layer run on two threads when nn/gemm.h has two, each with its products on
 * one: the same bits as one after the other. */
#ifndef NLP_CLS_RNNCLS_H
#define NLP_CLS_RNNCLS_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/rng.h"
#include "cls/model.h"

/* The activations of a batch, sized once for at most T steps of B texts. */
struct cls_run {
	size_t N, B;                 /* capacity: a batch of B' <= B texts of T steps, (T + 1) B' <= N */
	size_t E, H, P, A, C, GH;    /* sizes: embedding, hidden, pooled, attention, classes,
	                              * gates */
	unsigned layers, dirs;
	enum nn_cell cell;
	enum cls_pool pool;
	float dropout, rdropout;     /* training's rates (0: none) */
	float *mem;                  /* one allocation for all below */
	float *xemb;                 /* [T][B][E] the embeddings */
	float *drop[CLS_MAX_LAYERS]; /* [T][B][I] layer l's input after dropout */
	float *mask[CLS_MAX_LAYERS]; /* [T][B][I] its dropout mask */
	const float *x[CLS_MAX_LAYERS]; /* layer l's input as read: xemb, y[l-1] or drop[l] */
	float *xr[CLS_MAX_LAYERS];   /* [T][B][I] the input reversed in time (backward direction) */
	float *hs[CLS_MAX_LAYERS][2], *cs[CLS_MAX_LAYERS][2];    /* [T+1][B][H] (cs: lstm) */
	float *gates[CLS_MAX_LAYERS][2];                         /* [T][B][GH] */
	float *hn[CLS_MAX_LAYERS][2];                            /* [T][B][H] gru */
	float *hm[CLS_MAX_LAYERS][2];                            /* [T][B][H] rdropout */
	float *rmask[CLS_MAX_LAYERS][2];                         /* [B][H] rdropout */
	float *y[CLS_MAX_LAYERS];    /* [T][B][P] layer l's output, both directions side by side */
	float *pooled;               /* [B][P] */
	float *pdrop, *pmask;        /* [B][P] the pooled vector after dropout, and its mask */
	uint32_t *arg;               /* [B][P] max: the step of each maximum */
	float *u, *att;              /* [T][B][A], [T][B] attention: tanh layer, weights */
	float *logits;               /* [B][C] logits; after cls_backward, their gradient */
	float *dy, *din;             /* [T][B][P] gradients at a layer's output and input */
	float *dxd;                  /* [T][B][P or E] the backward direction's input gradient */
	/* each direction's scratch, so that the two run at once: */
	float *tmp[2];               /* [B][GH] gru */
	float *dyd[2];               /* [T][B][H] the gradient at its outputs */
	float *dgx[2], *dgh[2];      /* [T][B][GH], [T][B][GH] gru */
	float *dc[2], *dhm[2];       /* [B][H] lstm, [B][H] recurrent dropout */
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
