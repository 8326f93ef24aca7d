/* charcnn.h: a word's vector from its characters (the encoder of Ma and Hovy 2016): each
 * character's row of an embedding, a convolution over K characters at a time (zero padding of
 * (K - 1) / 2 on each side, so a word of L characters has L positions), the maximum of each of
 * the F filters over the positions, then tanh:
 *   conv[p]  = W col[p] + b          col[p] [K*E]: the rows of characters p - K/2 .. p + K/2
 *   out[f]   = tanh(max_p conv[p][f])
 * The words of a batch share one array of character ids: word n's are
 * ids[start[n] .. start[n+1]) (at least one each), its positions the same indices. The
 * convolution is one sgemm over all the positions of the batch. Kernels in llm.c's form. */
#ifndef NLP_NN_CHARCNN_H
#define NLP_NN_CHARCNN_H

#include <stddef.h>
#include <stdint.h>

struct charcnn_dims {
	size_t N;        /* words */
	size_t L;        /* their characters in all: start[N] */
	size_t E, F, K;  /* character embedding size, filters, width (odd) */
};

/* out [N][F]; arg [N][F] out: the position (an index of ids) of each maximum, the first of
 * equal ones; col [L][K*E] and conv [L][F] out, kept for the backward; cemb [.][E] the
 * character embedding, W [F][K*E], b [F]; ids [L], start [N + 1]. */
void charcnn_forward(float *out, uint32_t *arg, float *col, float *conv, const float *cemb,
                     const float *W, const float *b, const uint32_t *ids, const uint32_t *start,
                     const struct charcnn_dims *d);

/* dcemb [.][E], dW [F][K*E], db [F] += the gradients; dout [N][F] the gradient at out; out,
 * arg, col the forward's; dconv [L][F] and dcol [L][K*E] scratch. */
void charcnn_backward(float *dcemb, float *dW, float *db, float *dconv, float *dcol,
                      const float *dout, const float *out, const uint32_t *arg, const float *col,
                      const float *W, const uint32_t *ids, const uint32_t *start,
                      const struct charcnn_dims *d);

#endif
