/* rnnlm.h: recurrent language models (nlp-rnnlm(1)): an embedding, L recurrent layers (nn/rnn.h:
 * tanh RNN, LSTM or GRU), dropout between them, and a softmax layer whose weight may be the
 * embedding's (tied); the model file (nlp-rnnlm-model(5)) through nn/nnfile.h; and a run: the
 * activations of a window of T steps of B streams, sized once, with the forward, the loss and
 * the backward over the window.
 *
 * The vocabulary's id 0 is </s> (the end of every line, and the first input of a stream) and id
 * 1 is <unk> (every word outside the vocabulary). */
#ifndef NLP_LM_RNNLM_H
#define NLP_LM_RNNLM_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/io.h"
#include "base/rng.h"
#include "base/strtab.h"
#include "nn/params.h"
#include "nn/rnn.h"

#define RNNLM_MAGIC "NLPRNNLM"
#define RNNLM_VERSION 1
#define RNNLM_HEADER 192
#define RNNLM_MAX_LAYERS 16
#define RNNLM_MAX_SIZE 8192         /* emb, hidden */
#define RNNLM_MAX_VOCAB (1u << 24)
#define RNNLM_MAX_WINDOW (1 << 20) /* T * B: the rows of a window's products (int in cblas) */
#define RNNLM_EOS 0
#define RNNLM_UNK 1

struct rnnlm_config {
	enum nn_cell cell;
	uint32_t layers, emb, hidden, vocab;
	int tied;
	/* how it was trained: kept in the file, for information */
	uint32_t bptt, batch, epochs, variational;
	double dropout, init, valid_ppl;
	uint64_t seed;
};

struct rnnlm {
	struct rnnlm_config c;
	struct strtab vocab;        /* [c.vocab] words, id 0 </s>, id 1 <unk> */
	struct nn_layout L;
	float *w;                   /* [L.size] the parameters */
	int emb, out_w, out_b;      /* tensors; out_w is emb when tied */
	int w_ih[RNNLM_MAX_LAYERS], w_hh[RNNLM_MAX_LAYERS];
	int b_ih[RNNLM_MAX_LAYERS], b_hh[RNNLM_MAX_LAYERS];
};

/* Checks c (ranges; tied needs emb = hidden) and builds m with zero parameters, taking vocab
 * (its c.vocab words, </s> and <unk> at ids 0 and 1) from the caller. Returns 0, or -1 with e
 * filled (vocab is then the caller's still). */
int rnnlm_init(struct rnnlm *m, const struct rnnlm_config *c, struct strtab *vocab,
               struct error *e);
void rnnlm_free(struct rnnlm *m);

/* Writes m as a model file; failures are w's. */
void rnnlm_write(const struct rnnlm *m, struct writer *w);
/* Reads a model file whole and checks it; data [size] a file's bytes named name. Returns 0, or
 * -1 with e filled ("NAME: why"). */
int rnnlm_parse(struct rnnlm *m, const unsigned char *data, size_t size, const char *name,
                struct error *e);
int rnnlm_load(struct rnnlm *m, const char *path, struct error *e);
/* Whether the bytes p [n] begin a model file (its magic). */
int rnnlm_is_model(const void *p, size_t n);

/* The id of a word, or RNNLM_UNK when the vocabulary lacks it. */
uint32_t rnnlm_id(const struct rnnlm *m, const char *s, size_t n);

/* The activations of a window, for a model, sized for T steps of B streams. */
struct rnnlm_run {
	size_t T, B;              /* capacity */
	size_t E, H, V, GH;
	unsigned layers;
	enum nn_cell cell;
	float dropout;            /* training's rate (0: none) */
	int variational;
	float *mem;               /* one allocation for all below */
	float *xemb;              /* [T][B][E] the embeddings */
	float *in[RNNLM_MAX_LAYERS]; /* [T][B][I] layer l's input: xemb or hs[l-1] + B*H, or
	                              * its dropped copy */
	float *top;               /* [T][B][H] what the softmax layer reads */
	float *hs[RNNLM_MAX_LAYERS]; /* [T+1][B][H] */
	float *cs[RNNLM_MAX_LAYERS]; /* [T+1][B][H] lstm */
	float *gates[RNNLM_MAX_LAYERS]; /* [T][B][GH] */
	float *hn[RNNLM_MAX_LAYERS]; /* [T][B][H] gru */
	float *mask[RNNLM_MAX_LAYERS + 1]; /* [T][B][I] dropout masks of each layer's input, and
	                                    * [L] of top */
	float *tmp;               /* [B][GH] gru */
	float *logits;            /* [T][B][V] logits; after the loss, their gradient */
	float *dgx, *dgh, *dc;    /* [T][B][GH], [T][B][GH] gru, [B][H] lstm */
	float *d1, *d2;           /* [T][B][max(E, H)] the gradient between layers */
	size_t steps;             /* the forward's T */
	int train;                /* the forward drew dropout masks */
};

/* A run for T steps of B streams, with dropout (0: none; variational: one mask a window).
 * Returns NULL with e filled when memory runs out. Its states start at zero. */
struct rnnlm_run *rnnlm_run_new(const struct rnnlm *m, size_t T, size_t B, float dropout,
                                int variational, struct error *e);
void rnnlm_run_free(struct rnnlm_run *r);
/* The bytes rnnlm_run_new would take. */
uint64_t rnnlm_run_bytes(const struct rnnlm *m, size_t T, size_t B, float dropout);
/* Whether a word can be in a model's vocabulary: 1 .. NNFILE_WORD_MAX bytes, no NUL (the text's
 * words have no blank). */
int rnnlm_word_ok(const char *s, size_t n);
/* Zero states. */
void rnnlm_run_reset(struct rnnlm_run *r);
/* The state after the last step of the forward becomes the state before the next window. */
void rnnlm_run_carry(struct rnnlm_run *r);

/* The forward of ids [T][B] (T <= r->T) into r->logits; train: with dropout, drawing the masks
 * from rng. */
void rnnlm_forward(struct rnnlm_run *r, const struct rnnlm *m, const uint32_t *ids, size_t T,
                   int train, struct rng *rng);
/* After a forward: the cross-entropy of the T*B targets [T][B] (natural log), returned summed,
 * and the gradient of scale times that sum added into grad (a block of m->L's layout): scale
 * 1 / (T*B) for the mean over the window (PyTorch's CrossEntropyLoss), 1 / B for the sum over the
 * steps of the mean over the streams (Zaremba et al.'s and TensorFlow's PTB models, whose
 * learning rate 1 and clipping norm 5 assume it). nt: threads. */
double rnnlm_backward(struct rnnlm_run *r, const struct rnnlm *m, float *grad,
                      const uint32_t *targets, const uint32_t *ids, float scale, int nt);
/* After a forward: lp [T*B] = ln p(targets[t][b]). */
void rnnlm_logprob(const struct rnnlm_run *r, double *lp, const uint32_t *targets, int nt);

#endif
