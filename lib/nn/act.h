/* act.h: the element-wise functions of the layers, written so that the compiler vectorises the
 * loops that call them (no branches, no library calls): e^x from a rounded power of two and a
 * polynomial, and the logistic sigmoid and tanh from it. Accurate to a few units in the last
 * place of a float; inputs are clamped to where e^x is a normal float, so no NaN comes from a
 * finite input and the sigmoid saturates at 0 and 1. The lib/nn files are compiled with the
 * vectoriser's dynamic cost model (Makefile), which -O2 alone does not use. */
#ifndef NLP_NN_ACT_H
#define NLP_NN_ACT_H

#include <stdint.h>

/* e^x for x clamped to [-87, 88] (NaN to -87). */
static inline float nn_exp(float x)
{
	union {
		uint32_t u;
		float f;
	} scale;
	float t, n, f, p;

	/* written so that NaN falls to a bound: no NaN reaches the conversion to an integer */
	x = x > -87.0f ? x : -87.0f;
	x = x < 88.0f ? x : 88.0f;
	t = x * 1.44269504088896341f; /* x log2(e) = n + f, n an integer, |f| <= 1/2 */
	n = (t + 12582912.0f) - 12582912.0f; /* rounded to the nearest integer (1.5 * 2^23) */
	f = t - n;
	/* 2^f = e^(f ln 2): Taylor to the 7th power, below 1e-8 relative for |f| <= 1/2 */
	p = 1.0f + f * (0.693147181f + f * (0.240226507f + f * (0.0555041087f +
	    f * (0.00961812911f + f * (0.00133335581f + f * (0.000154035304f +
	    f * 1.52527338e-5f))))));
	scale.u = (uint32_t)((int32_t)n + 127) << 23;
	return p * scale.f;
}

static inline float nn_sigmoid(float x)
{
	return 1.0f / (1.0f + nn_exp(-x));
}

/* tanh x = 1 - 2 / (e^(2x) + 1): exact at 0, within about 1e-7 of tanh elsewhere. */
static inline float nn_tanh(float x)
{
	return 1.0f - 2.0f / (nn_exp(2.0f * x) + 1.0f);
}

#endif
