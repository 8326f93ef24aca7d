/* layers.h: the feed-forward layers: embedding lookup, affine (PyTorch's nn.Linear), and
 * inverted dropout. Kernels in llm.c's form: op_forward(out, ..., in, ..., sizes) and
 * op_backward(dinp, dweight, ..., dout, ...). A backward adds into the weights' gradients
 * (they are cleared once a step) and says for each input gradient whether it adds or writes. */
#ifndef NLP_NN_LAYERS_H
#define NLP_NN_LAYERS_H

#include <stddef.h>
#include <stdint.h>

#include "base/rng.h"

/* out [N][E] = the rows ids[0..N) of W [V][E] (every id < V: the caller's promise). */
void embed_forward(float *out, const float *W, const uint32_t *ids, size_t N, size_t E);
/* dW [V][E] += dout [N][E] row by row at ids[0..N), in order. */
void embed_backward(float *dW, const float *dout, const uint32_t *ids, size_t N, size_t E);

/* out [N][E] = for each n the mean of the rows rows[start[n] .. start[n+1]) of W [.][E] (each
 * list not empty; the rows < W's: the caller's promise): a bag of embeddings, such as a word's
 * row and its character n-grams' rows. */
void embed_bag_forward(float *out, const float *W, const uint32_t *rows, const uint32_t *start,
                       size_t N, size_t E);
/* dW [.][E] += dout [N][E] / the list's length, at each row of each list, in order. */
void embed_bag_backward(float *dW, const float *dout, const uint32_t *rows,
                        const uint32_t *start, size_t N, size_t E);

/* out [N][O] = inp [N][In] W^T + b, W [O][In] (nn.Linear's), b [O] or NULL. One sgemm. */
void affine_forward(float *out, const float *inp, const float *W, const float *b, size_t N,
                    size_t In, size_t O);
/* dinp [N][In] = dout [N][O] W (written, not added; NULL: not wanted), dW [O][In] += dout^T inp,
 * db [O] += the column sums of dout (NULL: no bias). */
void affine_backward(float *dinp, float *dW, float *db, const float *dout, const float *inp,
                     const float *W, size_t N, size_t In, size_t O);

/* Draws mask [N]: each element 0 with probability p, else 1 / (1 - p) (0 <= p < 1). */
void dropout_mask(float *mask, size_t N, float p, struct rng *r);
/* out [T][N] = inp [T][N] * mask: mask [T][N], or mask [N] for every row when shared (the same
 * units dropped at every step). out may be inp. The backward is the same product:
 * dropout_forward(dinp, dout, mask, ...). */
void dropout_forward(float *out, const float *inp, const float *mask, size_t T, size_t N,
                     int shared);

/* out [T][N] = inp [T][N] with its T rows in reverse order (out[t] = inp[T-1-t]); out is not
 * inp. A bidirectional layer's backward direction reads its input so. */
void seq_reverse(float *out, const float *inp, size_t T, size_t N);

#endif
