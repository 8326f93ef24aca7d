/* rnntrain.h: training a recurrent language model (lm/rnnlm.h) by truncated backpropagation
 * through time, as Zaremba et al. (2014) and PyTorch's word_language_model do: the token stream
 * (each line's words, then </s>) is cut into B streams of equal length, read in windows of T
 * steps, the state carried from one window to the next; the loss is the sum over the window's
 * steps of the mean cross-entropy over the streams (as Zaremba's and TensorFlow's; PyTorch's
 * mean over the window is this divided by T: its rate R and clipping norm C are this one's R / T
 * and C * T); the gradient's global norm is clipped; SGD with a learning rate constant for E
 * epochs and then decayed by a factor an epoch, or Adam. The text's words are read first into a
 * table of their own, so the vocabulary can be built from their counts. */
#ifndef NLP_LM_RNNTRAIN_H
#define NLP_LM_RNNTRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/spans.h"
#include "base/strtab.h"
#include "lm/rnnlm.h"

/* Token text as ids of its own words (word 0 "</s>", word 1 "<unk>"), vals the counts. */
struct rnn_text {
	struct strtab words;
	uint32_t *ids;          /* [n] */
	size_t n, cap;
	uint64_t lines;
};

int rnn_text_init(struct rnn_text *t, struct error *e);
void rnn_text_free(struct rnn_text *t);
/* Appends the words of the line s [n] (split at blanks) and </s>. sp is scratch. Returns 0 or
 * -1 with e filled (memory). */
int rnn_text_line(struct rnn_text *t, const char *s, size_t n, struct spans *sp,
                  struct error *e);
/* The vocabulary of t's words counted at least min_count times: </s>, <unk>, then by count
 * descending, ties by their bytes; words a model cannot hold (rnnlm_word_ok) are left out.
 * Returns 0 or -1 with e filled. */
int rnn_text_vocab(const struct rnn_text *t, uint64_t min_count, struct strtab *vocab,
                   struct error *e);
/* Maps t's ids to vocab's in place (a word outside it to <unk>). Returns 0 or -1 with e filled
 * (memory). */
int rnn_text_map(struct rnn_text *t, const struct strtab *vocab, struct error *e);

struct rnn_train_opts {
	size_t bptt, batch;
	float dropout;           /* 0 <= p < 1 */
	int variational;         /* one dropout mask a window */
	int adam;                /* Adam, else SGD */
	float lr;
	unsigned decay_after;    /* epochs at lr before the decay starts */
	float decay;             /* the factor an epoch after them */
	int plateau;             /* halve the rate when the validation perplexity does not improve */
	double clip;             /* the gradient's norm at most this (0: no clipping) */
	unsigned epochs;
	int threads;
	uint64_t seed;
	double init;             /* parameters uniform in [-init, init] */
};

struct rnn_epoch {
	unsigned epoch, epochs;
	double lr, train_ppl, valid_ppl;  /* valid_ppl NaN without validation text */
	double tokens_per_s, seconds;     /* of the training alone */
	int best;                         /* the best validation so far (without: the last epoch) */
};

struct rnn_hooks {
	void *ctx;
	/* after each window: the epoch's targets done of total, its mean loss so far, its rate */
	void (*step)(void *ctx, const struct rnn_epoch *ep, uint64_t done, uint64_t total,
	             double loss);
	/* after each epoch; a negative return stops the training with e filled */
	int (*epoch)(void *ctx, const struct rnn_epoch *ep, struct error *e);
};

/* The bytes training takes besides the model's parameters and the texts: gradients (and Adam's
 * moments), the window's activations and, with validation, the scorer's. */
uint64_t rnn_train_bytes(const struct rnnlm *m, const struct rnn_train_opts *o, int valid);

/* Initialises m's parameters from o->seed and trains them on ids [n] (vocabulary ids), scoring
 * valid [nvalid] (NULL: none) after each epoch. Returns 0, or -1 with e filled (too little
 * text for the streams, memory, a hook's failure). */
int rnn_train(struct rnnlm *m, const uint32_t *ids, size_t n, const uint32_t *valid,
              size_t nvalid, const struct rnn_train_opts *o, const struct rnn_hooks *h,
              struct error *e);

#endif
