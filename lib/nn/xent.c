/* xent.c: softmax cross-entropy. Each row takes three passes: its maximum, e^(x - max) and their
 * sum, then the scaled gradient. The maximum and the sum run in 8 lanes (a fixed order, so every
 * build and thread count adds the same way), which the compiler vectorises. */
#include <math.h>
#include <stdlib.h>

#include "base/mem.h"
#include "base/par.h"
#include "base/simd.h"
#include "nn/act.h"
#include "nn/xent.h"

#define LANES 8
#define PAR_MIN ((size_t)1 << 16) /* fewer logits than this: one thread */

SIMD_CLONES
static float row_max(const float *x, size_t V)
{
	float m[LANES], r;
	size_t i = 0;

	for (int k = 0; k < LANES; k++)
		m[k] = -INFINITY;
	for (; i + LANES <= V; i += LANES)
		for (int k = 0; k < LANES; k++)
			m[k] = x[i + k] > m[k] ? x[i + k] : m[k];
	for (; i < V; i++)
		m[0] = x[i] > m[0] ? x[i] : m[0];
	r = m[0];
	for (int k = 1; k < LANES; k++)
		r = m[k] > r ? m[k] : r;
	return r;
}

/* s [LANES] += the values e [n] (n a multiple of LANES but for the row's last piece) */
SIMD_CLONES
static void lanes_add(float *restrict s, const float *restrict e, size_t n)
{
	size_t i = 0;

	for (; i + LANES <= n; i += LANES)
		for (int k = 0; k < LANES; k++)
			s[k] += e[i + k];
	for (; i < n; i++)
		s[0] += e[i];
}

static double lanes_total(const float *s)
{
	double r = 0;

	for (int k = 0; k < LANES; k++)
		r += s[k];
	return r;
}

SIMD_CLONES
static void exps(float *restrict e, const float *restrict x, size_t n, float m)
{
	for (size_t i = 0; i < n; i++)
		e[i] = nn_exp(x[i] - m);
}

/* e [V] = e^(x - m) (e may be x); returns their sum */
static double row_exp(float *e, const float *x, size_t V, float m)
{
	float s[LANES] = {0};

	exps(e, x, V, m);
	lanes_add(s, e, V);
	return lanes_total(s);
}

/* The sum of e^(x - m) over x [V], without storing them: the same sum as row_exp's (pieces of
 * a multiple of LANES add into the same lanes in the same order). */
static double row_sumexp(const float *x, size_t V, float m)
{
	float s[LANES] = {0}, e[256];

	for (size_t i = 0; i < V; i += 256) {
		size_t n = V - i < 256 ? V - i : 256;

		exps(e, x + i, n, m);
		lanes_add(s, e, n);
	}
	return lanes_total(s);
}

SIMD_CLONES
static void row_scale(float *x, size_t V, float s)
{
	for (size_t i = 0; i < V; i++)
		x[i] *= s;
}

struct job {
	float *logits;
	const float *in;
	const uint32_t *targets;
	double *loss;
	size_t N, V;
	float scale;
};

static void backward_rows(void *ctx, int t, int nt)
{
	struct job *j = ctx;
	size_t lo = j->N * (size_t)t / (size_t)nt, hi = j->N * (size_t)(t + 1) / (size_t)nt;

	for (size_t n = lo; n < hi; n++) {
		float *x = j->logits + n * j->V, m = row_max(x, j->V), xt = x[j->targets[n]];
		double sum = row_exp(x, x, j->V, m);

		j->loss[n] = log(sum) - ((double)xt - m);
		row_scale(x, j->V, (float)(j->scale / sum));
		x[j->targets[n]] -= j->scale;
	}
}

static void forward_rows(void *ctx, int t, int nt)
{
	struct job *j = ctx;
	size_t lo = j->N * (size_t)t / (size_t)nt, hi = j->N * (size_t)(t + 1) / (size_t)nt;

	for (size_t n = lo; n < hi; n++) {
		const float *x = j->in + n * j->V;
		float m = row_max(x, j->V);

		j->loss[n] = ((double)x[j->targets[n]] - m) - log(row_sumexp(x, j->V, m));
	}
}

static int threads(size_t N, size_t V, int nt)
{
	if (nt < 1 || N * V < PAR_MIN)
		return 1;
	return (size_t)nt > N ? (int)N : nt;
}

double softmax_xent_backward(float *logits, const uint32_t *targets, size_t N, size_t V,
                             float scale, int nt)
{
	double *loss = emalloc((N ? N : 1) * sizeof(double)), sum = 0;
	struct job j = {logits, NULL, targets, loss, N, V, scale};

	par_run(threads(N, V, nt), backward_rows, &j);
	for (size_t n = 0; n < N; n++)
		sum += loss[n];
	free(loss);
	return sum;
}

void softmax_xent_forward(double *lp, const float *logits, const uint32_t *targets, size_t N,
                          size_t V, int nt)
{
	struct job j = {NULL, logits, targets, lp, N, V, 0};

	par_run(threads(N, V, nt), forward_rows, &j);
}

void softmax_row(float *p, size_t V, float temperature)
{
	float m;
	double sum;

	row_scale(p, V, 1.0f / temperature);
	m = row_max(p, V);
	sum = row_exp(p, p, V, m);
	row_scale(p, V, (float)(1.0 / sum));
}
