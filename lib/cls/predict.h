/* predict.h: a classifier's predictions for either kind of model: text by text (a line's tokens,
 * as nlp-classify predict reads them) through a predictor that keeps its buffers from one text
 * to the next, and over a whole labelled data set at once (nlp-classify eval). */
#ifndef NLP_CLS_PREDICT_H
#define NLP_CLS_PREDICT_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/spans.h"
#include "cls/data.h"
#include "cls/linear.h"
#include "cls/model.h"
#include "cls/rnncls.h"

struct cls_predictor {
	const struct cls_model *m;
	struct cls_run *run;           /* recurrent: one text, grown to the longest */
	struct cls_linear_scratch ws;  /* linear */
	uint32_t *rows, *start;        /* [rcap], [cap + 1] a text's embedding rows */
	size_t cap, rcap;
};

/* Sets p up for the model m (which it reads, not owns). Returns 0 or -1 with e filled. */
int cls_predictor_init(struct cls_predictor *p, const struct cls_model *m, struct error *e);
void cls_predictor_free(struct cls_predictor *p);

/* probs [C] = the class probabilities of the text tok [n] (n >= 1; the first max_len tokens
 * when the model has one). With a recurrent model pooled by attention, p->run->att
 * [p->run->steps] holds then each token's weight. Returns 0 or -1 with e filled (memory). */
int cls_predict(struct cls_predictor *p, const struct span *tok, size_t n, float *probs,
                struct error *e);

/* pred [d->n] = the most probable class of each example of d (the first of equal ones);
 * threads: the linear model's. Returns 0 or -1 with e filled (memory). */
int cls_predict_data(const struct cls_model *m, const struct cls_data *d, int threads,
                     uint32_t *pred, struct error *e);

#endif
