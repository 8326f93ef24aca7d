/* dmat.c: dense matrices read from nlp matrices, and blocked products. */
#include <cblas.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mat/dmat.h"
#include "base/par.h"

#define BLOCK 256 /* output rows per BLAS call */

int dmat_read(struct reader *r, const struct mat_header *h, struct dmat *a, struct error *e)
{
	double *row;
	char extra;
	ssize_t n;
	int k = 0;

	memset(a, 0, sizeof(*a));
	if (h->cols && h->rows > SIZE_MAX / sizeof(float) / h->cols)
		return error_set(e, MAT_ENOMEM, 0, r->name, 0, "%llu x %llu is too large to hold",
		                 (unsigned long long)h->rows, (unsigned long long)h->cols);
	a->rows = h->rows;
	a->cols = h->cols;
	/* a matrix without cells has nothing to read, whatever its other side: no row buffer as
	 * wide as 2^32 columns of none, no loop over 2^32 rows of nothing */
	row = malloc(((h->rows ? h->cols : 0) + 1) * sizeof(double));
	a->v = malloc((h->rows * h->cols + 1) * sizeof(float));
	if (!row || !a->v) {
		free(row);
		return error_set(e, MAT_ENOMEM, 0, r->name, 0, "out of memory");
	}
	for (uint64_t i = 0; i < a->rows && a->cols && !k; i++) {
		if ((k = mat_read_values(r, h->type, row, a->cols, e)) < 0)
			break;
		for (uint64_t j = 0; j < a->cols; j++) {
			if (fabs(row[j]) > FLT_MAX) {
				k = error_set(e, MAT_EFORMAT, 0, r->name, 0,
				              "a value beyond the range of 32-bit floats");
				break;
			}
			a->v[i * a->cols + j] = (float)row[j];
		}
	}
	free(row);
	if (k)
		return k;
	if ((n = reader_read(r, &extra, 1)) < 0)
		return mat_read_error(e, r);
	if (n > 0)
		return error_set(e, MAT_EFORMAT, 0, r->name, 0, "data after the last value");
	return 0;
}

void dmat_free(struct dmat *a)
{
	free(a->v);
	memset(a, 0, sizeof(*a));
}

uint64_t dmat_zero_rows(const struct dmat *a)
{
	uint64_t n = 0;

	for (uint64_t i = 0; i < a->rows; i++) {
		const float *row = a->v + i * a->cols;
		uint64_t j = 0;

		while (j < a->cols && row[j] == 0)
			j++;
		n += j == a->cols;
	}
	return n;
}

struct product {
	const struct dmat *a;
	const float *in;
	float *out;
	size_t ld;
	int trans;
};

/* Thread t computes the output blocks t, t + nt, t + 2 nt ... */
static void product_part(void *ctx, int t, int nt)
{
	const struct product *p = ctx;
	const struct dmat *a = p->a;
	uint64_t n = p->trans ? a->cols : a->rows, inner = p->trans ? a->rows : a->cols;

	for (uint64_t b = (uint64_t)t * BLOCK; b < n; b += (uint64_t)nt * BLOCK) {
		int rows = n - b < BLOCK ? (int)(n - b) : BLOCK;

		if (p->trans) /* rows b.. of A^T y are columns b.. of A */
			cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, rows, (int)p->ld, (int)inner,
			            1, a->v + b, (int)a->cols, p->in, (int)p->ld, 0, p->out + b * p->ld,
			            (int)p->ld);
		else
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, (int)p->ld,
			            (int)inner, 1, a->v + b * a->cols, (int)a->cols, p->in, (int)p->ld, 0,
			            p->out + b * p->ld, (int)p->ld);
	}
}

void dmat_mul(const struct dmat *a, const float *x, float *y, size_t ld, int nt)
{
	struct product p = {a, x, y, ld, 0};

	par_run(nt, product_part, &p);
}

void dmat_tmul(const struct dmat *a, const float *y, float *z, size_t ld, int nt)
{
	struct product p = {a, y, z, ld, 1};

	par_run(nt, product_part, &p);
}

/* The callbacks of struct linop. */
static void op_mul(const void *a, const float *x, float *y, size_t ld, int nt)
{
	dmat_mul(a, x, y, ld, nt);
}

static void op_tmul(const void *a, const float *y, float *z, size_t ld, int nt)
{
	dmat_tmul(a, y, z, ld, nt);
}

static void op_release(const void *a)
{
	dmat_free((struct dmat *)a);
}

struct linop dmat_linop(struct dmat *a)
{
	return (struct linop){a->rows, a->cols, op_mul, op_tmul, op_release, a, a->rows * a->cols};
}
