/* charcnn.c: the character encoder, forward and backward. */
#include <string.h>

#include "nn/act.h"
#include "nn/charcnn.h"
#include "nn/layers.h"

void charcnn_forward(float *out, uint32_t *arg, float *col, float *conv, const float *cemb,
                     const float *W, const float *b, const uint32_t *ids, const uint32_t *start,
                     const struct charcnn_dims *d)
{
	size_t E = d->E, F = d->F, K = d->K, KE = K * E, h = K / 2;

	/* col [L][K*E]: each position's window of rows, zeros past the word's ends */
	for (size_t n = 0; n < d->N; n++) {
		size_t s = start[n], len = start[n + 1] - s;

		for (size_t p = 0; p < len; p++) {
			float *c = col + (s + p) * KE;

			for (size_t k = 0; k < K; k++) {
				size_t q = p + k; /* the character p + k - h, shifted by h */

				if (q < h || q - h >= len)
					memset(c + k * E, 0, E * sizeof(float));
				else
					memcpy(c + k * E, cemb + (size_t)ids[s + q - h] * E,
					       E * sizeof(float));
			}
		}
	}
	affine_forward(conv, col, W, b, d->L, KE, F);
	for (size_t n = 0; n < d->N; n++) {
		float *o = out + n * F;
		uint32_t *a = arg + n * F;

		memcpy(o, conv + (size_t)start[n] * F, F * sizeof(float));
		for (size_t f = 0; f < F; f++)
			a[f] = start[n];
		for (size_t p = start[n] + 1; p < start[n + 1]; p++) {
			const float *c = conv + p * F;

			for (size_t f = 0; f < F; f++)
				if (c[f] > o[f]) {
					o[f] = c[f];
					a[f] = (uint32_t)p;
				}
		}
		for (size_t f = 0; f < F; f++)
			o[f] = nn_tanh(o[f]);
	}
}

void charcnn_backward(float *dcemb, float *dW, float *db, float *dconv, float *dcol,
                      const float *dout, const float *out, const uint32_t *arg, const float *col,
                      const float *W, const uint32_t *ids, const uint32_t *start,
                      const struct charcnn_dims *d)
{
	size_t E = d->E, F = d->F, K = d->K, KE = K * E, h = K / 2;

	memset(dconv, 0, d->L * F * sizeof(float));
	for (size_t n = 0; n < d->N; n++)
		for (size_t f = 0; f < F; f++) {
			float y = out[n * F + f];

			dconv[(size_t)arg[n * F + f] * F + f] += dout[n * F + f] * (1 - y * y);
		}
	affine_backward(dcol, dW, db, dconv, col, W, d->L, KE, F);
	for (size_t n = 0; n < d->N; n++) {
		size_t s = start[n], len = start[n + 1] - s;

		for (size_t p = 0; p < len; p++) {
			const float *c = dcol + (s + p) * KE;

			for (size_t k = 0; k < K; k++) {
				size_t q = p + k;
				float *row;

				if (q < h || q - h >= len)
					continue;
				row = dcemb + (size_t)ids[s + q - h] * E;
				for (size_t j = 0; j < E; j++)
					row[j] += c[k * E + j];
			}
		}
	}
}
