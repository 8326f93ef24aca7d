/* xent.h: softmax with cross-entropy over rows of logits, the loss and its gradient in one pass
 * over the [N][V] logits (the largest array of a language model), rows split among threads;
 * each row's loss is kept and the rows are summed in order, so the result does not depend on
 * the number of threads. Natural logarithms, as PyTorch's CrossEntropyLoss. */
#ifndef NLP_NN_XENT_H
#define NLP_NN_XENT_H

#include <stddef.h>
#include <stdint.h>

/* logits [N][V] in; out: the gradient of scale * (the summed loss) at the logits,
 * scale (softmax - onehot(targets[n])) row by row. Returns the loss summed over the rows,
 * -sum ln softmax(row)[target]. nt: threads (1: the caller's alone). */
double softmax_xent_backward(float *logits, const uint32_t *targets, size_t N, size_t V,
                             float scale, int nt);

/* lp [N] = ln softmax(logits row n)[targets[n]]; logits [N][V] unchanged. */
void softmax_xent_forward(double *lp, const float *logits, const uint32_t *targets, size_t N,
                          size_t V, int nt);

/* p [V] in: logits, out: softmax(logits / temperature) (temperature > 0). */
void softmax_row(float *p, size_t V, float temperature);

#endif
