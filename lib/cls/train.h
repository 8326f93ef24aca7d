/* train.h: training a classifier (cls/model.h) on labelled text (cls/data.h): the settings both
 * kinds share, what each epoch reports, and the trainers. The recurrent trainer (cls/train.c)
 * groups the examples by length, so a batch is a [T][B] block without padding; the linear one
 * (cls/linear.c) is fastText's supervised training. Both validate after each epoch and keep the
 * epoch best on the validation text. */
#ifndef NLP_CLS_TRAIN_H
#define NLP_CLS_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "cls/data.h"
#include "cls/model.h"
#include "vec/vectors.h"

struct cls_train_opts {
	unsigned epochs;
	float lr;
	float decay;             /* recurrent: the rate's factor after each epoch (1: constant) */
	int adam;                /* recurrent: Adam, else SGD */
	size_t batch;            /* recurrent */
	double clip;             /* recurrent: the gradient's norm at most this (0: never) */
	float dropout, rdropout; /* recurrent */
	double init;             /* recurrent: parameters uniform in [-init, init] */
	uint64_t min_count;      /* words seen fewer times are unknown */
	unsigned patience;       /* epochs without a better validation accuracy before stopping
	                          * (0: never stops early) */
	int freeze;              /* the words' rows of the embedding are not updated (character
	                          * n-gram rows are) */
	const struct vectors *pretrained; /* word vectors (vec/vectors.h) to start the rows of the
	                          * words they hold from, of the model's emb size, or NULL */
	int threads;
	uint64_t seed;
};

struct cls_epoch {
	unsigned epoch, epochs;
	double lr;
	double train_loss, train_acc;     /* the epoch's running mean over its examples */
	double valid_loss, valid_acc;     /* NaN without validation text */
	double examples_per_s, seconds;   /* of the training alone */
	int best;                         /* the best validation so far (without: every epoch) */
};

struct cls_hooks {
	void *ctx;
	/* before the first epoch: the model built, and the bytes training holds besides the texts
	 * (parameters, gradients, the optimiser's moments, the best epoch's copy, activations) */
	void (*begin)(void *ctx, const struct cls_model *m, uint64_t bytes);
	/* now and then during an epoch: examples done of total, the mean loss so far */
	void (*step)(void *ctx, const struct cls_epoch *ep, uint64_t done, uint64_t total,
	             double loss);
	/* after each epoch; a negative return stops the training with e filled. The recurrent
	 * trainer's model holds the epoch's parameters then (c.epochs and c.valid_acc are the best
	 * epoch's), so the hook may write it when ep->best. */
	int (*epoch)(void *ctx, const struct cls_epoch *ep, struct error *e);
};

/* The recurrent model's shape. */
struct cls_rnn_opts {
	enum nn_cell cell;
	unsigned layers, hidden, emb, bidirectional, att;
	enum cls_pool pool;
	unsigned max_len;        /* tokens kept of a text, the first (0: all) */
	unsigned minn, maxn;     /* character n-grams of each word added to its vector (0 0: none) */
	uint32_t buckets;        /* their hash buckets */
};

/* Builds a recurrent model m from train (its vocabulary: <unk>, then the words seen at least
 * o->min_count times; its labels by count) and trains it, validating on valid (NULL: none)
 * after each epoch and keeping the best epoch. Returns 0, or -1 with e filled (a pretrained
 * file of another size, memory, a hook's failure). */
int cls_rnn_train(struct cls_model *m, const struct cls_data *train, const struct cls_data *valid,
                  const struct cls_rnn_opts *ro, const struct cls_train_opts *o,
                  const struct cls_hooks *h, struct error *e);

/* A recurrent model's predictions on d in batches of texts of the same length: pred [d->n]
 * the most probable class. Returns 0 or -1 with e filled (memory). */
int cls_rnn_predict(const struct cls_model *m, const struct cls_data *d, uint32_t *pred,
                    struct error *e);

#endif
