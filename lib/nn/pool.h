/* pool.h: many-to-one pooling of a sequence's states into one vector: the mean, the maximum,
 * and additive attention with a learned query (Bahdanau et al. 2015's scoring with Yang et al.
 * 2016's context vector v):
 *   u_t = tanh(W y_t + b)   [A]
 *   s_t = v . u_t           a = softmax over t of s
 *   out = sum_t a_t y_t     [D]
 * Every sequence of a batch has the same T steps (no padding). Kernels in llm.c's form; a
 * backward adds into dy and into the weights' gradients. */
#ifndef NLP_NN_POOL_H
#define NLP_NN_POOL_H

#include <stddef.h>
#include <stdint.h>

/* out [B][D] = the mean over t of y [T][B][D]. */
void pool_mean_forward(float *out, const float *y, size_t T, size_t B, size_t D);
/* dy [T][B][D] += dout [B][D] / T */
void pool_mean_backward(float *dy, const float *dout, size_t T, size_t B, size_t D);

/* out [B][D] = the largest over t of y [T][B][D]; arg [B][D] the step it came from (the first
 * of equal ones). */
void pool_max_forward(float *out, uint32_t *arg, const float *y, size_t T, size_t B, size_t D);
/* dy[arg][b][d] += dout [B][D] */
void pool_max_backward(float *dy, const float *dout, const uint32_t *arg, size_t T, size_t B,
                       size_t D);

struct att_dims {
	size_t T, B, D, A;   /* steps, sequences, state size, attention size */
};

/* out [B][D]; u [T][B][A] out: the tanh layer's values; a [T][B] out: the weights;
 * y [T][B][D]; W [A][D], b [A], v [A]. */
void attention_forward(float *out, float *u, float *a, const float *y, const float *W,
                       const float *b, const float *v, const struct att_dims *d);
/* dy [T][B][D] += the gradient at y; dW [A][D], db [A], dv [A] += theirs; dout [B][D];
 * du [T][B][A] scratch; u, a, y, W, v the forward's. */
void attention_backward(float *dy, float *dW, float *db, float *dv, float *du,
                        const float *dout, const float *u, const float *a, const float *y,
                        const float *W, const float *v, const struct att_dims *d);

#endif
