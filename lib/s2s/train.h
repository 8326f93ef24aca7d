/* train.h: training a sequence-to-sequence model (s2s/model.h) on pairs (s2s/data.h) with
 * teacher forcing (s2s/s2s.h): the pairs grouped by source length and, inside a group, by
 * target length (ties in a new random order each epoch), cut into batches of one source length,
 * the batches in a new random order each epoch; Adam on the whole block with clipping of the
 * gradient's norm; after each epoch the exact-match accuracy of greedy translations of the
 * validation pairs, the best epoch kept. */
#ifndef NLP_S2S_TRAIN_H
#define NLP_S2S_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "s2s/data.h"
#include "s2s/model.h"

struct s2s_train_opts {
	unsigned epochs;
	unsigned patience;       /* epochs without a better validation accuracy before stopping
	                          * (0: never) */
	int threads;
	uint64_t seed;
	float lr;                /* Adam's */
	float decay;             /* the rate's factor after each epoch (1: constant) */
	size_t batch;            /* pairs a batch (at most) */
	double clip;             /* the gradient's norm at most this (0: never) */
	float dropout;           /* on each recurrent layer's input */
	double init;             /* parameters uniform in [-init, init] */
};

struct s2s_epoch {
	unsigned epoch, epochs;
	double lr;               /* the epoch's learning rate */
	double train_loss;       /* the epoch's mean cross-entropy a target unit (natural log) */
	double valid_acc;        /* exact match; NaN without validation pairs */
	double units_per_s, seconds;   /* of the training alone (target units, </s> included) */
	int best;                /* the best validation so far (without: every epoch) */
};

struct s2s_hooks {
	void *ctx;
	/* before the first epoch: the bytes training holds besides the data */
	void (*begin)(void *ctx, const struct s2s_model *m, uint64_t bytes);
	/* now and then during an epoch: target units done of total, the mean loss so far */
	void (*step)(void *ctx, const struct s2s_epoch *ep, uint64_t done, uint64_t total,
	             double loss);
	/* after each epoch; a negative return stops the training with e filled. The model holds
	 * the epoch's parameters when ep->best, so the hook may write it. */
	int (*epoch)(void *ctx, const struct s2s_epoch *ep, struct error *e);
};

/* Trains m (built by s2s_model_init on train's tables; its parameters are drawn here) on the
 * pairs of train, validating on valid (read with m's tables; NULL: none) after each epoch and
 * keeping the best epoch in m. Returns 0, or -1 with e filled. */
int s2s_train(struct s2s_model *m, const struct s2s_data *train, const struct s2s_data *valid,
              const struct s2s_train_opts *o, const struct s2s_hooks *h, struct error *e);

#endif
