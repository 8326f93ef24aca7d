/* pool.c: mean, max and attention pooling over the steps of a sequence. */
#include <math.h>
#include <string.h>

#include "base/simd.h"
#include "nn/act.h"
#include "nn/gemm.h"
#include "nn/pool.h"

void pool_mean_forward(float *out, const float *y, size_t T, size_t B, size_t D)
{
	float s = 1.0f / (float)T;

	memset(out, 0, B * D * sizeof(float));
	for (size_t t = 0; t < T; t++)
		for (size_t i = 0; i < B * D; i++)
			out[i] += y[t * B * D + i];
	for (size_t i = 0; i < B * D; i++)
		out[i] *= s;
}

void pool_mean_backward(float *dy, const float *dout, size_t T, size_t B, size_t D)
{
	float s = 1.0f / (float)T;

	for (size_t t = 0; t < T; t++)
		for (size_t i = 0; i < B * D; i++)
			dy[t * B * D + i] += dout[i] * s;
}

void pool_max_forward(float *out, uint32_t *arg, const float *y, size_t T, size_t B, size_t D)
{
	memcpy(out, y, B * D * sizeof(float));
	memset(arg, 0, B * D * sizeof(uint32_t));
	for (size_t t = 1; t < T; t++)
		for (size_t i = 0; i < B * D; i++)
			if (y[t * B * D + i] > out[i]) {
				out[i] = y[t * B * D + i];
				arg[i] = (uint32_t)t;
			}
}

void pool_max_backward(float *dy, const float *dout, const uint32_t *arg, size_t T, size_t B,
                       size_t D)
{
	(void)T;
	for (size_t i = 0; i < B * D; i++)
		dy[arg[i] * B * D + i] += dout[i];
}

SIMD_CLONES
static void tanh_rows(float *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		x[i] = nn_tanh(x[i]);
}

static float dot(const float *x, const float *y, size_t n)
{
	float s = 0;

	for (size_t i = 0; i < n; i++)
		s += x[i] * y[i];
	return s;
}

void attention_forward(float *out, float *u, float *a, const float *y, const float *W,
                       const float *b, const float *v, const struct att_dims *d)
{
	size_t T = d->T, B = d->B, D = d->D, A = d->A;

	for (size_t r = 0; r < T * B; r++)
		memcpy(u + r * A, b, A * sizeof(float));
	nn_gemm(0, 1, T * B, A, D, 1.0f, y, D, W, D, 1.0f, u, A);
	tanh_rows(u, T * B * A);
	for (size_t bi = 0; bi < B; bi++) {
		float mx = -INFINITY, z = 0;
		float *o = out + bi * D;

		for (size_t t = 0; t < T; t++) {
			a[t * B + bi] = dot(v, u + (t * B + bi) * A, A);
			if (a[t * B + bi] > mx)
				mx = a[t * B + bi];
		}
		for (size_t t = 0; t < T; t++)
			z += a[t * B + bi] = expf(a[t * B + bi] - mx);
		memset(o, 0, D * sizeof(float));
		for (size_t t = 0; t < T; t++) {
			const float *yt = y + (t * B + bi) * D;
			float w = a[t * B + bi] /= z;

			for (size_t k = 0; k < D; k++)
				o[k] += w * yt[k];
		}
	}
}

void attention_backward(float *dy, float *dW, float *db, float *dv, float *du,
                        const float *dout, const float *u, const float *a, const float *y,
                        const float *W, const float *v, const struct att_dims *d)
{
	size_t T = d->T, B = d->B, D = d->D, A = d->A;

	for (size_t bi = 0; bi < B; bi++) {
		const float *g = dout + bi * D;
		float mean = 0;

		/* da_t = dout . y_t; ds_t = a_t (da_t - sum a da), kept in du's first lane a while */
		for (size_t t = 0; t < T; t++) {
			size_t r = t * B + bi;

			du[r * A] = dot(g, y + r * D, D);
			mean += a[r] * du[r * A];
			for (size_t k = 0; k < D; k++)
				dy[r * D + k] += a[r] * g[k];
		}
		for (size_t t = 0; t < T; t++) {
			size_t r = t * B + bi;
			float ds = a[r] * (du[r * A] - mean);
			const float *ur = u + r * A;

			for (size_t k = 0; k < A; k++) {
				dv[k] += ds * ur[k];
				du[r * A + k] = ds * v[k] * (1.0f - ur[k] * ur[k]);
			}
		}
	}
	for (size_t r = 0; r < T * B; r++)
		for (size_t k = 0; k < A; k++)
			db[k] += du[r * A + k];
	nn_gemm(1, 0, A, D, T * B, 1.0f, du, A, y, D, 1.0f, dW, D);
	nn_gemm(0, 0, T * B, D, A, 1.0f, du, A, W, D, 1.0f, dy, D);
}
