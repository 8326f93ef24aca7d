/* dmat.h: a dense float matrix in memory and its products with tall dense matrices through
 * OpenBLAS, in row blocks of a fixed size spread over threads (each calling BLAS on one thread), so
 * that results do not depend on the number of threads. */
#ifndef NLP_DMAT_H
#define NLP_DMAT_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/io.h"
#include "mat/matrix.h"
#include "mat/rsvd.h"

struct dmat {
	uint64_t rows, cols;
	float *v; /* row-major */
};

/* Reads the values after a dense header, and checks that nothing follows them. Returns 0 or a
 * negative code with e filled: the reader's, or "NAME: out of memory", "NAME: R x C is too large
 * to hold", "NAME: a value beyond the range of 32-bit floats", "NAME: data after the last
 * value". dmat_free frees a in every case. */
int dmat_read(struct reader *r, const struct mat_header *h, struct dmat *a, struct error *e);
void dmat_free(struct dmat *a);

/* The rows of a that are all 0, as csr_zero_rows. */
uint64_t dmat_zero_rows(const struct dmat *a);

/* As csr_mul and csr_tmul: y (rows x ld) = A x, z (cols x ld) = A^T y, row-major. */
void dmat_mul(const struct dmat *a, const float *x, float *y, size_t ld, int nt);
void dmat_tmul(const struct dmat *a, const float *y, float *z, size_t ld, int nt);

/* a as the operator rsvd() multiplies with; its release callback frees a (dmat_free) after the
 * last product. */
struct linop dmat_linop(struct dmat *a);

#endif
