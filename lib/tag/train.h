/* train.h: training a tagger (tag/model.h) on tagged sentences (tag/data.h): the settings both
 * kinds share, what each epoch reports, the hooks, and the trainers. The recurrent trainer
 * (tag/train.c) groups the sentences by length, so a batch is a [T][B] block without padding;
 * the linear one (tag/linear.c) is the averaged perceptron. Both validate after each epoch and
 * keep the epoch best on the validation sentences. */
#ifndef NLP_TAG_TRAIN_H
#define NLP_TAG_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "tag/data.h"
#include "tag/model.h"
#include "vec/vectors.h"

struct tag_train_opts {
	unsigned epochs;
	unsigned patience;       /* epochs without a better validation accuracy before stopping
	                          * (0: never) */
	int threads;
	uint64_t seed;
	/* recurrent */
	float lr;
	float decay;             /* the rate's factor after each epoch (1: constant) */
	int adam;                /* Adam, else SGD */
	size_t batch;            /* sentences a batch */
	double clip;             /* the gradient's norm at most this (0: never) */
	float dropout, rdropout;
	double init;             /* parameters uniform in [-init, init] */
	uint64_t min_count;      /* words seen fewer times have no row of their own */
	int freeze;              /* the words' rows are not updated */
	float word_dropout;      /* A: a token of a word seen c times in training takes <unk>'s row
	                          * with probability A / (A + c) (Kiperwasser and Goldberg 2016), so
	                          * that <unk> learns; 0: never */
	const struct vectors *pretrained; /* word vectors to start the words' rows from, or NULL */
	/* linear */
	int dict;                /* a tag dictionary of the frequent unambiguous words */
};

struct tag_epoch {
	unsigned epoch, epochs;
	double lr;
	double train_loss, train_acc;     /* the epoch's running mean over its tokens (linear: loss
	                                   * is the share of tokens it updated on) */
	double valid_acc;                 /* NaN without validation sentences */
	double tokens_per_s, seconds;     /* of the training alone */
	int best;                         /* the best validation so far (without: every epoch) */
};

struct tag_hooks {
	void *ctx;
	/* before the first epoch: the model built (linear: its configuration only, m->w NULL),
	 * and the bytes training holds besides the data */
	void (*begin)(void *ctx, const struct tag_model *m, uint64_t bytes);
	/* now and then during an epoch: tokens done of total, the mean loss so far */
	void (*step)(void *ctx, const struct tag_epoch *ep, uint64_t done, uint64_t total,
	             double loss);
	/* after each epoch; a negative return stops the training with e filled. The model holds
	 * the epoch's parameters then when ep->best (the linear one averaged), so the hook may write
	 * it. */
	int (*epoch)(void *ctx, const struct tag_epoch *ep, struct error *e);
};

/* The recurrent model's shape. */
struct tag_rnn_opts {
	enum nn_cell cell;
	unsigned layers, hidden, emb, bidirectional;
	unsigned char_emb, char_filters, char_width;
};

/* Builds a recurrent tagger m from train and trains it, validating on valid (NULL: none) after
 * each epoch and keeping the best epoch. Returns 0, or -1 with e filled. */
int tag_rnn_train(struct tag_model *m, const struct tag_data *train, const struct tag_data *valid,
                  const struct tag_rnn_opts *ro, const struct tag_train_opts *o,
                  const struct tag_hooks *h, struct error *e);

/* Builds a linear tagger (tag/linear.h). */
int tag_linear_train(struct tag_model *m, const struct tag_data *train,
                     const struct tag_data *valid, const struct tag_train_opts *o,
                     const struct tag_hooks *h, struct error *e);

#endif
