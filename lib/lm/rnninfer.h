/* rnninfer.h: using a recurrent language model (lm/rnnlm.h): scoring a stream of sentences and
 * drawing sentences. A stream starts with a zero state and </s> as its first input; each token
 * is predicted from the state before it, and the state runs on across sentences, as in
 * training. The steps of a sentence (or of a chunk of the stream) go through the model as one
 * window, so the softmax layer is one sgemm a window. */
#ifndef NLP_LM_RNNINFER_H
#define NLP_LM_RNNINFER_H

#include <stddef.h>
#include <stdint.h>

#include "base/rng.h"
#include "lm/rnnlm.h"
#include "lm/score.h"

#define RNNLM_CHUNK 128 /* the steps of a scoring window */

struct rnnlm_scorer {
	const struct rnnlm *m;
	struct rnnlm_run *r;     /* T = RNNLM_CHUNK, B = 1 */
	uint32_t in[RNNLM_CHUNK], tg[RNNLM_CHUNK];
	double lp[RNNLM_CHUNK];
	uint32_t last;           /* the input that comes next: the last token scored */
	int nt;
	uint32_t *ids;           /* [cap] a sentence and </s>, for rnnlm_source */
	double *lps;             /* [cap] */
	size_t cap;
};

/* Returns 0, or -1 with e filled. nt: threads for the softmax. */
int rnnlm_scorer_init(struct rnnlm_scorer *s, const struct rnnlm *m, int nt, struct error *e);
void rnnlm_scorer_free(struct rnnlm_scorer *s);
/* A new stream: zero state, </s> next. */
void rnnlm_scorer_reset(struct rnnlm_scorer *s);
/* Scores the tokens ids [n] in turn, each after the ones before: lp [n] their natural log
 * probabilities (NULL: not wanted); returns their sum, NaN when a model of absurd weights
 * (finite, but overflowing) gives a probability that is not a number. */
double rnnlm_score(struct rnnlm_scorer *s, const uint32_t *ids, size_t n, double *lp);

/* s as a model of lm/score.h (nlp-perplexity's report): a stream per file, each sentence's
 * words and </s> scored in turn, the state running on across sentences; bos has no effect, the
 * order of every token is 0. */
void rnnlm_source(struct lm_source *src, struct rnnlm_scorer *s);

/* How to draw. */
struct rnnlm_draw {
	float temperature;       /* > 0; 1: the model's distribution */
	uint32_t top_k;          /* draw among the k most probable (0: all) */
	size_t max_words;        /* stop after this many words */
};

/* Draws a sentence after the words prefix [np] (read first, from a zero state after </s>):
 * out [max_words] its drawn words (</s> ends it and is not stored; <unk> can be drawn);
 * returns how many. probs [V] and order [V] are scratch. */
size_t rnnlm_draw_sentence(struct rnnlm_scorer *s, const uint32_t *prefix, size_t np,
                           const struct rnnlm_draw *d, struct rng *rng, uint32_t *out,
                           float *probs, uint32_t *order);

#endif
