/* csr.c: loading a sparse matrix into column panels of compressed rows, and the products. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mat/csr.h"
#include "base/par.h"
#include "base/simd.h"

#define PREFETCH 2 /* stored cells ahead whose dense row is asked for */

static uint64_t *row_ptr(const struct csr *a, size_t p)
{
	return a->ptr + p * (a->rows + 1);
}

int csr_count(struct reader *r, const struct mat_header *h, struct csr *a, struct error *e)
{
	struct mat_cursor cur;
	uint32_t row, col;
	double v;
	int k;

	memset(a, 0, sizeof(*a));
	a->rows = h->rows;
	a->cols = h->cols;
	a->npanels = (size_t)((h->cols + CSR_PANEL - 1) / CSR_PANEL);
	if (!(a->ptr = calloc(a->npanels * (a->rows + 1) + 1, sizeof(*a->ptr)))) {
		return error_set(e, MAT_ENOMEM, 0, r->name, 0, "out of memory");
	}
	mat_cursor_init(&cur, h);
	while ((k = mat_next_triple(r, &cur, &row, &col, &v, e)) == 1) {
		if (fabs(v) > FLT_MAX) {
			return error_set(e, MAT_EFORMAT, 0, r->name, 0,
			                 "a value beyond the range of 32-bit floats");
		}
		row_ptr(a, col / CSR_PANEL)[row + 1]++;
		a->nnz++;
	}
	if (k < 0)
		return k;
	/* offsets: panel after panel, row after row */
	uint64_t sum = 0;

	for (size_t p = 0; p < a->npanels; p++) {
		uint64_t *ptr = row_ptr(a, p);

		ptr[0] = sum;
		for (uint64_t i = 0; i < a->rows; i++) {
			sum += ptr[i + 1];
			ptr[i + 1] = sum;
		}
	}
	a->col = malloc((a->nnz ? a->nnz : 1) * sizeof(*a->col));
	a->val = malloc((a->nnz ? a->nnz : 1) * sizeof(*a->val));
	if (!a->col || !a->val) {
		return error_set(e, MAT_ENOMEM, 0, r->name, 0, "out of memory");
	}
	return 0;
}

int csr_fill(struct reader *r, const struct mat_header *h, struct csr *a, struct error *e)
{
	struct mat_cursor cur;
	uint64_t *next = malloc((a->npanels ? a->npanels : 1) * sizeof(*next)), seen = 0;
	uint32_t row, col, last_row = 0;
	double v;
	int k;

	if (!next) {
		return error_set(e, MAT_ENOMEM, 0, r->name, 0, "out of memory");
	}
	if (h->rows != a->rows || h->cols != a->cols)
		goto changed;
	for (size_t p = 0; p < a->npanels; p++)
		next[p] = row_ptr(a, p)[0];
	mat_cursor_init(&cur, h);
	while ((k = mat_next_triple(r, &cur, &row, &col, &v, e)) == 1) {
		size_t p = col / CSR_PANEL;

		if (row != last_row) /* a new row: each panel goes on from its start */
			for (size_t q = 0; q < a->npanels; q++)
				next[q] = row_ptr(a, q)[row];
		last_row = row;
		if (++seen > a->nnz || next[p] == row_ptr(a, p)[row + 1])
			goto changed;
		a->col[next[p]] = (uint16_t)(col % CSR_PANEL);
		a->val[next[p]++] = (float)v;
	}
	free(next);
	if (k < 0)
		return k;
	if (seen != a->nnz)
		return error_set(e, MAT_EFORMAT, 0, r->name, 0, "changed while it was read");
	return 0;
changed:
	free(next);
	return error_set(e, MAT_EFORMAT, 0, r->name, 0, "changed while it was read");
}

void csr_free(struct csr *a)
{
	free(a->ptr);
	free(a->col);
	free(a->val);
	memset(a, 0, sizeof(*a));
}

uint64_t csr_zero_rows(const struct csr *a)
{
	uint64_t n = 0;

	for (uint64_t i = 0; i < a->rows; i++) {
		int zero = 1;

		for (size_t p = 0; p < a->npanels && zero; p++) {
			const uint64_t *ptr = row_ptr(a, p);

			for (uint64_t k = ptr[i]; k < ptr[i + 1] && zero; k++)
				zero = a->val[k] == 0;
		}
		n += zero;
	}
	return n;
}

/* y[0..ld) += a x[0..ld), CSR_LANES at a time: a fixed length the compiler vectorizes */
static inline __attribute__((always_inline)) void axpy(float *restrict y, float a,
                                                        const float *restrict x, size_t ld)
{
	for (size_t c0 = 0; c0 < ld; c0 += CSR_LANES)
		for (int c = 0; c < CSR_LANES; c++)
			y[c0 + c] += a * x[c0 + c];
}

static inline __attribute__((always_inline)) void prefetch_row(const float *x, size_t ld)
{
	for (size_t b = 0; b < ld; b += 64 / sizeof(float))
		__builtin_prefetch(x + b);
}

/* The first index in p[0..n] (non-decreasing) whose value reaches v. */
static uint64_t lower_bound(const uint64_t *p, uint64_t n, uint64_t v)
{
	uint64_t lo = 0, hi = n;

	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (p[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct product {
	const struct csr *a;
	const float *in;
	float *out;
	size_t ld;
	uint64_t *share; /* [nt + 1]: rows (mul) or panels (tmul) of each thread */
};

/* Cuts 0..n into nt parts of about equal weight; weight(i) is w[i+1] - w[i] of prefix sums. */
static void cut(const uint64_t *w, uint64_t n, int nt, uint64_t *share)
{
	for (int t = 0; t <= nt; t++)
		share[t] = t == 0 ? 0 : t == nt ? n : lower_bound(w, n, w[n] / (uint64_t)nt * (uint64_t)t);
}

SIMD_CLONES static void mul_part(void *ctx, int t, int nt)
{
	const struct product *p = ctx;
	const struct csr *a = p->a;
	size_t ld = p->ld;
	uint64_t r0 = p->share[t], r1 = p->share[t + 1];

	(void)nt;
	memset(p->out + r0 * ld, 0, (r1 - r0) * ld * sizeof(float));
	for (size_t q = 0; q < a->npanels; q++) {
		const uint64_t *ptr = row_ptr(a, q);
		const float *x = p->in + q * CSR_PANEL * ld;
		uint64_t end = ptr[r1];

		for (uint64_t i = r0; i < r1; i++) {
			float *y = p->out + i * ld;

			for (uint64_t k = ptr[i]; k < ptr[i + 1]; k++) {
				if (k + PREFETCH < end)
					prefetch_row(x + (size_t)a->col[k + PREFETCH] * ld, ld);
				axpy(y, a->val[k], x + (size_t)a->col[k] * ld, ld);
			}
		}
	}
}

/* Row weights for cutting: the stored cells of each row, over all panels. */
static uint64_t *row_weights(const struct csr *a)
{
	uint64_t *w = calloc(a->rows + 1, sizeof(*w));

	if (!w)
		return NULL;
	for (size_t q = 0; q < a->npanels; q++) {
		const uint64_t *ptr = row_ptr(a, q);

		for (uint64_t i = 0; i < a->rows; i++)
			w[i + 1] += ptr[i + 1] - ptr[i];
	}
	for (uint64_t i = 0; i < a->rows; i++)
		w[i + 1] += w[i];
	return w;
}

void csr_mul(const struct csr *a, const float *x, float *y, size_t ld, int nt)
{
	uint64_t share[257], *w = row_weights(a);
	struct product p = {a, x, y, ld, share};

	if (nt > 256)
		nt = 256;
	if (!w || (uint64_t)nt > a->rows)
		nt = 1;
	if (w)
		cut(w, a->rows, nt, share);
	else
		share[0] = 0, share[1] = a->rows;
	free(w);
	par_run(nt, mul_part, &p);
}

/* Thread t sums the output rows of its panels, reading every row of them. */
SIMD_CLONES static void tmul_part(void *ctx, int t, int nt)
{
	const struct product *p = ctx;
	const struct csr *a = p->a;
	size_t ld = p->ld;

	(void)nt;
	for (uint64_t q = p->share[t]; q < p->share[t + 1]; q++) {
		const uint64_t *ptr = row_ptr(a, q);
		uint64_t c0 = q * CSR_PANEL, w = a->cols - c0 < CSR_PANEL ? a->cols - c0 : CSR_PANEL;
		float *z = p->out + c0 * ld;
		uint64_t end = ptr[a->rows];

		memset(z, 0, w * ld * sizeof(float));
		for (uint64_t i = 0; i < a->rows; i++) {
			const float *y = p->in + i * ld;

			for (uint64_t k = ptr[i]; k < ptr[i + 1]; k++) {
				if (k + PREFETCH < end)
					prefetch_row(z + (size_t)a->col[k + PREFETCH] * ld, ld);
				axpy(z + (size_t)a->col[k] * ld, a->val[k], y, ld);
			}
		}
	}
}

void csr_tmul(const struct csr *a, const float *y, float *z, size_t ld, int nt)
{
	uint64_t share[257], *w = malloc((a->npanels + 1) * sizeof(*w));
	struct product p = {a, y, z, ld, share};

	if (nt > 256)
		nt = 256;
	if ((size_t)nt > a->npanels)
		nt = a->npanels ? (int)a->npanels : 1;
	if (!w) {
		nt = 1;
		share[0] = 0, share[1] = a->npanels;
	} else {
		for (size_t q = 0; q <= a->npanels; q++)
			w[q] = q < a->npanels ? row_ptr(a, q)[0] : a->nnz;
		cut(w, a->npanels, nt, share);
	}
	free(w);
	par_run(nt, tmul_part, &p);
}

/* The callbacks of struct linop. */
static void op_mul(const void *a, const float *x, float *y, size_t ld, int nt)
{
	csr_mul(a, x, y, ld, nt);
}

static void op_tmul(const void *a, const float *y, float *z, size_t ld, int nt)
{
	csr_tmul(a, y, z, ld, nt);
}

static void op_release(const void *a)
{
	csr_free((struct csr *)a);
}

struct linop csr_linop(struct csr *a)
{
	return (struct linop){a->rows, a->cols, op_mul, op_tmul, op_release, a, a->nnz};
}
