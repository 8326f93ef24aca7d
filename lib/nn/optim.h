/* optim.h: the optimisers over a whole parameter block (nn/params.h): plain SGD and Adam, and
 * clipping by the global L2 norm (PyTorch's clip_grad_norm_). The norm adds in a fixed order,
 * so a seeded run repeats bit for bit. */
#ifndef NLP_NN_OPTIM_H
#define NLP_NN_OPTIM_H

#include <stddef.h>
#include <stdint.h>

/* The sum of the squares of g [n], in double. */
double nn_sumsq(const float *g, size_t n);

/* Scales g [n] so that its L2 norm is at most max_norm (> 0); returns the norm before. */
double nn_clip(float *g, size_t n, double max_norm);

/* w [n] -= lr g */
void sgd_update(float *w, const float *g, size_t n, float lr);

struct adam {
	float beta1, beta2, eps;  /* 0.9, 0.999, 1e-8 as PyTorch's */
	uint64_t t;               /* updates done */
};

/* One Adam step (Kingma and Ba, with PyTorch's bias correction): m, v [n] the moments, zero at
 * first; a->t counts up. */
void adam_update(float *w, const float *g, float *m, float *v, size_t n, float lr,
                 struct adam *a);

/* The same step on the rows [R] of w [.][D] (and of g, m, v alike) alone: "lazy" Adam for an
 * embedding whose other rows have no gradient, as PyTorch's SparseAdam. a->t counts one step. */
void adam_update_rows(float *w, const float *g, float *m, float *v, const uint32_t *rows,
                      size_t R, size_t D, float lr, struct adam *a);

#endif
