/* decode.h: translation by a sequence-to-sequence model (s2s/model.h): greedy (the most
 * probable unit at each step, `<s>` never) or beam search over B sentences whose sources have
 * the same length S at once, one step of the decoder's layers at a time from the encoder's
 * last states, each step attending over the sentence's encoder states. Beam search keeps the
 * K best partial outputs by the sum of their units' natural log probabilities (no length
 * normalisation); an output that says `</s>` among the step's K best is finished; the search
 * ends when K are, when the best finished one scores at least the best live one (the scores
 * only fall), or at the length limit; the best finished output wins, else the best live one.
 * With K = 1 it makes greedy's choices. */
#ifndef NLP_S2S_DECODE_H
#define NLP_S2S_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "s2s/model.h"
#include "s2s/s2s.h"

/* One output: its units (without `</s>`), its score, and with weights wanted its attention
 * rows [len + 1][S] (`</s>`'s last; absent when the output stopped at the length limit:
 * then [len][S]). */
struct s2s_out {
	uint32_t *ids;        /* [len] */
	size_t len;
	int ended;            /* it said </s> */
	double score;         /* the sum of ln p of its units (and of </s> when ended) */
	float *att;           /* [len + ended][S] or NULL, over the source in the model's order */
};

struct s2s_decoder;

/* A decoder for at most B sentences of sources of at most S units, outputs of at most maxlen
 * units, beam width K (0: greedy), with attention weights kept when weights. Returns NULL with
 * e filled when memory runs out. */
struct s2s_decoder *s2s_decoder_new(const struct s2s_model *m, size_t B, size_t S,
                                    size_t maxlen, size_t K, int weights, struct error *e);
void s2s_decoder_free(struct s2s_decoder *d);
/* The bytes s2s_decoder_new would take. */
uint64_t s2s_decoder_bytes(const struct s2s_model *m, size_t B, size_t S, size_t maxlen,
                           size_t K, int weights);

/* Translates B sentences: src [S][B] (time-major, in the model's order: reversed when it says
 * so), outputs of at most maxlen units (within the decoder's room). out[b] points into the
 * decoder's arrays until its next call. */
void s2s_decode(struct s2s_decoder *d, const struct s2s_model *m, const uint32_t *src,
                size_t S, size_t B, size_t maxlen, struct s2s_out *out);

#endif
