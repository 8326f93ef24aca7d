/* rsvd.h: truncated singular value decomposition by a randomized range finder with power
 * iterations (Halko, Martinsson and Tropp 2011, algorithms 4.4 and 5.1), in single precision:
 * products with the matrix through a callback (sparse, mat/csr, or dense, mat/dmat on
 * OpenBLAS), QR by LAPACK (sgelqf/sorglq on the transposed storage), the small dense SVD by
 * LAPACK's sgesdd. */
#ifndef NLP_RSVD_H
#define NLP_RSVD_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

/* A matrix of rows x cols known through its products with row-major dense matrices of ld columns
 * (ld a multiple of 16): y (rows x ld) = A x, z (cols x ld) = A^T y. */
struct linop {
	uint64_t rows, cols;
	void (*mul)(const void *a, const float *x, float *y, size_t ld, int nt);
	void (*tmul)(const void *a, const float *y, float *z, size_t ld, int nt);
	void (*release)(const void *a); /* called after the last product, or NULL */
	const void *a;
	uint64_t nnz; /* the values a product reads, 2 nnz flops a column: for the progress */
};

struct rsvd_opts {
	size_t k;          /* singular triplets wanted */
	size_t oversample; /* extra columns of the sketch */
	unsigned iters;    /* power iterations */
	uint64_t seed;
	int threads;
	int want_v;
};

/* The k largest singular values (descending) and their vectors, signs chosen so that the entry of
 * largest magnitude in each column of U is positive (as scikit-learn's svd_flip). */
struct rsvd_result {
	size_t k;
	float *s; /* [k] */
	float *u; /* rows x k, row-major */
	float *v; /* cols x k, row-major, when want_v */
};

/* Fills res (freed with rsvd_free). Returns 0, or -1 with e filled: "out of memory", a LAPACK
 * failure, or sizes LAPACK cannot index (no name: the caller sets e->name). Products and
 * triangular solves are spread over o->threads threads in blocks of a fixed size; with BLAS
 * itself on one thread (openblas_set_num_threads(1)) the result is then the same whatever the
 * number of threads. */
int rsvd(const struct linop *a, const struct rsvd_opts *o, struct rsvd_result *res,
         struct error *e);
/* Frees what res holds. */
void rsvd_free(struct rsvd_result *res);

/* Turns res->u (rows x k) into the vectors U S^weight in place (weight 0: U itself), each scaled
 * to length 1 when normalize is set. */
void rsvd_weight(struct rsvd_result *res, uint64_t rows, double weight, int normalize);

#endif
