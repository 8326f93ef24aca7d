/* model.h: a classifier (nlp-classify(1)), recurrent or linear, and its file
 * (nlp-classify-model(5)) through nn/nnfile.h: the configuration, the label and word tables, and
 * the parameters as one block of named tensors (nn/params.h). The recurrent model's forward and
 * training are cls/rnncls.h and cls/train.h, the linear model's cls/linear.h. */
#ifndef NLP_CLS_MODEL_H
#define NLP_CLS_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/io.h"
#include "base/strtab.h"
#include "nn/params.h"
#include "nn/rnn.h"

#define CLS_MAGIC "NLPCLSFY"
#define CLS_VERSION 1
#define CLS_HEADER 256
#define CLS_MAX_LAYERS 8
#define CLS_MAX_SIZE 8192           /* emb, hidden, attention */
#define CLS_MAX_VOCAB (1u << 24)
#define CLS_MAX_CLASSES (1u << 16)
#define CLS_MAX_BUCKETS (1u << 24)
#define CLS_UNK 0                   /* recurrent: word 0 is <unk> */
#define CLS_EOS 0                   /* linear: word 0 is </s> */

enum cls_kind { CLS_RECURRENT = 0, CLS_LINEAR = 1 };
enum cls_pool { CLS_POOL_LAST = 0, CLS_POOL_MEAN = 1, CLS_POOL_MAX = 2, CLS_POOL_ATTENTION = 3 };
enum cls_loss { CLS_LOSS_SOFTMAX = 0, CLS_LOSS_HS = 1 };

struct cls_config {
	enum cls_kind kind;
	uint32_t classes, words, emb;
	/* recurrent */
	enum nn_cell cell;
	uint32_t layers, hidden, bidirectional, att;
	enum cls_pool pool;
	uint32_t max_len;
	/* linear */
	uint32_t word_ngrams, minn, maxn, buckets;
	enum cls_loss loss;
	uint32_t kept;              /* K: the n-gram rows kept */
	/* how it was trained: kept in the file, for information */
	uint32_t epochs, batch;
	double dropout, rdropout, lr, valid_acc;
	uint64_t seed;
};

struct cls_model {
	struct cls_config c;
	struct strtab labels;       /* [c.classes] */
	struct strtab words;        /* [c.words] */
	struct nn_layout L;
	float *w;                   /* [L.size] the parameters */
	/* recurrent tensors (-1 when absent) */
	int emb, att_w, att_b, att_v, out_w, out_b;
	int w_ih[CLS_MAX_LAYERS][2], w_hh[CLS_MAX_LAYERS][2];
	int b_ih[CLS_MAX_LAYERS][2], b_hh[CLS_MAX_LAYERS][2];
	/* linear tensors */
	int in, in_idx, lin_out, hs_count;
	uint32_t *kept_bucket;      /* [c.kept] in_idx as integers, increasing (linear) */
};

/* Checks c and builds m with zero parameters, taking labels and words from the caller (their
 * counts are kept in vals). Returns 0, or -1 with e filled (the tables are then the caller's
 * still). */
int cls_model_init(struct cls_model *m, const struct cls_config *c, struct strtab *labels,
                   struct strtab *words, struct error *e);
void cls_model_free(struct cls_model *m);

/* Writes m as a model file; failures are w's. */
void cls_model_write(const struct cls_model *m, struct writer *w);
/* Reads a model file whole and checks it; data [size] a file's bytes named name. Returns 0, or
 * -1 with e filled ("NAME: why"; another kind of model file is named as such). */
int cls_model_parse(struct cls_model *m, const unsigned char *data, size_t size,
                    const char *name, struct error *e);
int cls_model_load(struct cls_model *m, const char *path, struct error *e);

/* The pooled size D*H of a recurrent model. */
static inline size_t cls_pooled(const struct cls_config *c)
{
	return (size_t)c->hidden * (c->bidirectional ? 2 : 1);
}

#endif
