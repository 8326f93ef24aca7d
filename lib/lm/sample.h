/* sample.h: drawing sentences from an n-gram model (lm/model.h), word by word from
 * p(w | the words so far), as the notes generate text from a language model. */
#ifndef NLP_LM_SAMPLE_H
#define NLP_LM_SAMPLE_H

#include <stddef.h>
#include <stdint.h>

#include "base/rng.h"
#include "lm/model.h"

/* Draws the words of a sentence after <s> and the nprefix words already in ids[0..), until
 * </s> or max words in all; cum is scratch room for lm_model_vocab_size(m) doubles. Every word
 * of the vocabulary but <s> can be drawn, </s> ending the sentence (and not stored). Returns
 * the number of words in ids (the prefix included). The same model, r's state and prefix give
 * the same sentence. */
size_t lm_sample(const struct lm_model *m, struct rng *r, uint32_t *ids, size_t nprefix,
                 size_t max, double *cum);

#endif
