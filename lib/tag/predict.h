/* predict.h: the tagger's predictions: the sentences of a data set as a model sees them (its
 * word rows, tags and characters; each sentence in pieces of at most TAG_MAX_STEPS tokens,
 * ordered by length so that batches need no padding), batched predictions over such a set, and
 * one interface over both kinds of model that tags one sentence at a time, for a stream. */
#ifndef NLP_TAG_PREDICT_H
#define NLP_TAG_PREDICT_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/spans.h"
#include "tag/data.h"
#include "tag/linear.h"
#include "tag/model.h"
#include "tag/tagrnn.h"

struct tag_seg {
	uint64_t first;     /* its first token in the data */
	uint32_t len;       /* tokens, at most TAG_MAX_STEPS */
};

struct tag_set {
	const struct tag_data *d;
	uint32_t *wmap;     /* [d->words.n] each word's model row (TAG_UNK: none of its own) */
	uint32_t *tmap;     /* [d->tags.n] each tag's model id, TAG_NONE when the model has none */
	uint32_t *cstart;   /* [d->words.n + 1] with the character encoder: each word's */
	uint32_t *cids;     /* characters' rows, cids[cstart[w] .. cstart[w+1]) */
	struct tag_seg *seg;/* [nseg] */
	uint32_t *order;    /* [nseg] the segments by length (stable) */
	size_t nseg, maxlen;
};

/* Returns 0 or -1 with e filled (memory). */
int tag_set_init(struct tag_set *s, const struct tag_model *m, const struct tag_data *d,
                 struct error *e);
void tag_set_free(struct tag_set *s);
/* Orders s->order by length, stably. Returns 0 or -1 (memory). */
int tag_set_sort(struct tag_set *s);
/* The number of segments of the same length from order[i] that make a batch of at most B. */
size_t tag_set_run(const struct tag_set *s, size_t i, size_t B);
/* The input of the B segments ex [B] (of one length T) into words [T*B], chars, cstart
 * [T*B + 1] and targets [T*B] (NULL: not wanted; TAG_NONE where the model has no such tag). */
void tag_set_gather(const struct tag_set *s, const uint32_t *ex, size_t B, uint32_t *words,
                    uint32_t *chars, uint32_t *cstart, uint32_t *targets, struct tag_input *in);

/* A recurrent model's tags of every token of s into pred [s->d->ntok], in batches. Returns 0 or
 * -1 with e filled (memory). */
int tag_rnn_predict_set(const struct tag_model *m, const struct tag_set *s, uint32_t *pred,
                        struct error *e);
/* The share of s's tokens whose tag pred gives (NaN without tokens). */
double tag_accuracy(const struct tag_set *s, const uint32_t *pred);

/* A model's tags of every token of d into pred [d->ntok]: a recurrent model in batches, a
 * linear one on threads threads (each sentence's tags do not depend on them). Returns 0 or -1
 * with e filled. */
int tag_predict_data(const struct tag_model *m, const struct tag_data *d, int threads,
                     uint32_t *pred, struct error *e);

/* Tags sentences one at a time: each thread has its own. */
struct tag_predictor {
	const struct tag_model *m;
	struct tag_lin lin;          /* linear */
	struct tag_run *run;         /* recurrent, for one sentence of TAG_MAX_STEPS tokens */
	uint32_t *words, *chars, *cstart, *out;   /* [TAG_MAX_STEPS], [ccap], [+1], [..] */
	size_t ccap;
	char *low;                   /* [lowcap] a word lowercased */
	size_t lowcap;
};

int tag_predictor_init(struct tag_predictor *p, const struct tag_model *m, struct error *e);
void tag_predictor_free(struct tag_predictor *p);
/* The tags of the n tokens w [n] (valid UTF-8, each at most TAG_WORD_MAX bytes) into out [n].
 * Returns 0 or -1 with e filled (memory). */
int tag_predict(struct tag_predictor *p, const struct span *w, size_t n, uint32_t *out,
                struct error *e);

#endif
