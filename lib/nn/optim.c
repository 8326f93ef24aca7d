/* optim.c: SGD, Adam, clipping. */
#include <math.h>

#include "base/simd.h"
#include "nn/optim.h"

#define LANES 8

SIMD_CLONES
double nn_sumsq(const float *g, size_t n)
{
	double s[LANES] = {0}, r = 0;
	size_t i = 0;

	for (; i + LANES <= n; i += LANES)
		for (int k = 0; k < LANES; k++)
			s[k] += (double)g[i + k] * g[i + k];
	for (; i < n; i++)
		s[0] += (double)g[i] * g[i];
	for (int k = 0; k < LANES; k++)
		r += s[k];
	return r;
}

SIMD_CLONES
static void scale(float *x, size_t n, float s)
{
	for (size_t i = 0; i < n; i++)
		x[i] *= s;
}

double nn_clip(float *g, size_t n, double max_norm)
{
	double norm = sqrt(nn_sumsq(g, n));

	/* PyTorch's factor: max_norm / (norm + 1e-6), applied when below 1; an infinite norm
	 * would make every gradient 0 or NaN: left as it is, for the loss to show */
	if (norm > max_norm && isfinite(norm))
		scale(g, n, (float)(max_norm / (norm + 1e-6)));
	return norm;
}

SIMD_CLONES
void sgd_update(float *restrict w, const float *restrict g, size_t n, float lr)
{
	for (size_t i = 0; i < n; i++)
		w[i] -= lr * g[i];
}

SIMD_CLONES
static void adam_loop(float *restrict w, const float *restrict g, float *restrict m,
                      float *restrict v, size_t n, float lr_t, float b1, float b2, float eps_t)
{
	for (size_t i = 0; i < n; i++) {
		m[i] = b1 * m[i] + (1.0f - b1) * g[i];
		v[i] = b2 * v[i] + (1.0f - b2) * g[i] * g[i];
		w[i] -= lr_t * m[i] / (sqrtf(v[i]) + eps_t);
	}
}

void adam_update(float *w, const float *g, float *m, float *v, size_t n, float lr,
                 struct adam *a)
{
	double t = (double)++a->t, c1 = 1.0 - pow(a->beta1, t), c2 = 1.0 - pow(a->beta2, t);

	/* w -= lr / c1 m / (sqrt(v) / sqrt(c2) + eps) = lr sqrt(c2) / c1 m / (sqrt(v) + eps sqrt(c2)) */
	adam_loop(w, g, m, v, n, (float)(lr * sqrt(c2) / c1), a->beta1, a->beta2,
	          (float)(a->eps * sqrt(c2)));
}

void adam_update_rows(float *w, const float *g, float *m, float *v, const uint32_t *rows,
                      size_t R, size_t D, float lr, struct adam *a)
{
	double t = (double)++a->t, c1 = 1.0 - pow(a->beta1, t), c2 = 1.0 - pow(a->beta2, t);
	float step = (float)(lr * sqrt(c2) / c1), eps = (float)(a->eps * sqrt(c2));

	for (size_t r = 0; r < R; r++) {
		size_t o = (size_t)rows[r] * D;

		adam_loop(w + o, g + o, m + o, v + o, D, step, a->beta1, a->beta2, eps);
	}
}
