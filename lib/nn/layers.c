/* layers.c: embedding, affine, dropout. */
#include <string.h>

#include "base/simd.h"
#include "nn/gemm.h"
#include "nn/layers.h"

void embed_forward(float *out, const float *W, const uint32_t *ids, size_t N, size_t E)
{
	for (size_t n = 0; n < N; n++)
		memcpy(out + n * E, W + (size_t)ids[n] * E, E * sizeof(float));
}

SIMD_CLONES
void embed_backward(float *dW, const float *dout, const uint32_t *ids, size_t N, size_t E)
{
	for (size_t n = 0; n < N; n++) {
		float *restrict d = dW + (size_t)ids[n] * E;
		const float *restrict g = dout + n * E;

		for (size_t e = 0; e < E; e++)
			d[e] += g[e];
	}
}

void affine_forward(float *out, const float *inp, const float *W, const float *b, size_t N,
                    size_t In, size_t O)
{
	if (b)
		for (size_t n = 0; n < N; n++)
			memcpy(out + n * O, b, O * sizeof(float));
	nn_gemm(0, 1, N, O, In, 1.0f, inp, In, W, In, b ? 1.0f : 0.0f, out, O);
}

SIMD_CLONES
static void column_sums(float *restrict db, const float *restrict dout, size_t N, size_t O)
{
	for (size_t n = 0; n < N; n++)
		for (size_t o = 0; o < O; o++)
			db[o] += dout[n * O + o];
}

void affine_backward(float *dinp, float *dW, float *db, const float *dout, const float *inp,
                     const float *W, size_t N, size_t In, size_t O)
{
	if (dinp)
		nn_gemm(0, 0, N, In, O, 1.0f, dout, O, W, In, 0.0f, dinp, In);
	nn_gemm(1, 0, O, In, N, 1.0f, dout, O, inp, In, 1.0f, dW, In);
	if (db)
		column_sums(db, dout, N, O);
}

void dropout_mask(float *mask, size_t N, float p, struct rng *r)
{
	float keep = 1.0f / (1.0f - p);
	/* compared on 53-bit uniforms, so p = 0 keeps everything */
	for (size_t i = 0; i < N; i++)
		mask[i] = rng_uniform(r) < (double)p ? 0.0f : keep;
}

SIMD_CLONES
void dropout_forward(float *out, const float *inp, const float *mask, size_t T, size_t N,
                     int shared)
{
	for (size_t t = 0; t < T; t++) {
		const float *m = shared ? mask : mask + t * N;

		for (size_t i = 0; i < N; i++)
			out[t * N + i] = inp[t * N + i] * m[i];
	}
}

void seq_reverse(float *out, const float *inp, size_t T, size_t N)
{
	for (size_t t = 0; t < T; t++)
		memcpy(out + t * N, inp + (T - 1 - t) * N, N * sizeof(float));
}

void embed_bag_forward(float *out, const float *W, const uint32_t *rows, const uint32_t *start,
                       size_t N, size_t E)
{
	for (size_t n = 0; n < N; n++) {
		float *o = out + n * E, s = 1.0f / (float)(start[n + 1] - start[n]);

		memcpy(o, W + (size_t)rows[start[n]] * E, E * sizeof(float));
		for (uint32_t k = start[n] + 1; k < start[n + 1]; k++) {
			const float *w = W + (size_t)rows[k] * E;

			for (size_t j = 0; j < E; j++)
				o[j] += w[j];
		}
		for (size_t j = 0; j < E; j++)
			o[j] *= s;
	}
}

void embed_bag_backward(float *dW, const float *dout, const uint32_t *rows,
                        const uint32_t *start, size_t N, size_t E)
{
	for (size_t n = 0; n < N; n++) {
		const float *d = dout + n * E;
		float s = 1.0f / (float)(start[n + 1] - start[n]);

		for (uint32_t k = start[n]; k < start[n + 1]; k++) {
			float *w = dW + (size_t)rows[k] * E;

			for (size_t j = 0; j < E; j++)
				w[j] += s * d[j];
		}
	}
}
