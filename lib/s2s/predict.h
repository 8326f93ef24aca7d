/* predict.h: the translations of a whole data set (s2s/data.h) by a model: the sources grouped
 * by length, batches of at most S2S_DECODE_BATCH of one length decoded at once (s2s/decode.h),
 * the batches shared among threads; the outputs in the data's order, the same for any number
 * of threads. Validation, eval and translation all go through it. */
#ifndef NLP_S2S_PREDICT_H
#define NLP_S2S_PREDICT_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "s2s/data.h"
#include "s2s/decode.h"

#define S2S_DECODE_BATCH 64

struct s2s_results {
	size_t n;
	struct s2s_out *out;   /* [n] pointing into the arrays below */
	uint32_t *ids;
	float *att;
};

/* The output limit of a source of S units when the user sets none. */
static inline size_t s2s_default_maxlen(size_t S)
{
	return 2 * S + 10;
}

/* Translates every source of d (ids in m's tables) with beam width K (0: greedy), outputs of
 * at most maxlen units (0: s2s_default_maxlen of each), the attention rows kept when weights
 * (their columns in the input's order, also when the model reverses the source),
 * on nt threads, into res (free with s2s_results_free). An empty source has an empty output.
 * Returns 0, or -1 with e filled (memory). */
int s2s_translate_all(const struct s2s_model *m, const struct s2s_data *d, size_t K,
                      size_t maxlen, int weights, int nt, struct s2s_results *res,
                      struct error *e);
void s2s_results_free(struct s2s_results *res);

/* scores [d->n] = the natural log probability of each pair's target (its units and `</s>`)
 * given its source under teacher forcing (an empty source: 0, as it has no translation).
 * Returns 0, or -1 with e filled (memory). */
int s2s_score_all(const struct s2s_model *m, const struct s2s_data *d, double *scores,
                  struct error *e);

/* Whether output o is pair i's target of d exactly, as it is written (an output cut at the
 * length limit too; a target with a unit the model does not know never is). */
int s2s_exact(const struct s2s_data *d, size_t i, const struct s2s_out *o);

#endif
