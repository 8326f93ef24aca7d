/* fuzzmat.h: the fuzz targets' checks of matrices of our format (nlp-matrix(5)): a reader that
 * accepts a matrix has given every cell in row-major order, within the shape, finite, as many as
 * the header says; a writer's output reads back as such a matrix. */
#ifndef NLP_FUZZMAT_H
#define NLP_FUZZMAT_H

#include <math.h>

#include "fuzz.h"
#include "mat/matrix.h"

/* What a visit has seen. */
struct fuzz_seen {
	struct mat_header h;
	uint64_t n;
	uint32_t row, col;
};

static inline int fuzz_check_cell(void *ctx, uint32_t row, uint32_t col, double v,
                                  struct error *e)
{
	struct fuzz_seen *s = ctx;

	(void)e;
	assert(row < s->h.rows && col < s->h.cols);
	assert(isfinite(v));
	if (s->h.kind == MAT_DENSE)
		assert(row == s->n / s->h.cols && col == s->n % s->h.cols);
	else
		assert(s->n == 0 || row > s->row || (row == s->row && col > s->col));
	s->row = row;
	s->col = col;
	s->n++;
	return 0;
}

/* Visits the matrix in r after its header; returns mat_visit's result, and on success checks
 * that the number of cells is the header's. */
static inline int fuzz_visit(struct reader *r, const struct mat_header *h)
{
	struct fuzz_seen s = {.h = *h};
	struct error e;
	int k = mat_visit(r, h, fuzz_check_cell, &s, &e);

	if (k == 0 && h->kind == MAT_DENSE)
		assert(s.n == h->rows * h->cols);
	if (k == 0 && h->kind == MAT_SPARSE && h->nnz != MAT_NNZ_UNKNOWN)
		assert(s.n == h->nnz);
	return k;
}

/* The matrix in f is valid, of the kind and type (0: any) and shape given. */
static inline void fuzz_check_matrix(struct fuzz_file *f, uint32_t kind, uint32_t type,
                                     uint64_t rows, uint64_t cols)
{
	struct reader r;
	struct mat_header h;
	struct error e;

	fuzz_reader(&r, f, "output");
	assert(mat_read_header(&r, &h, &e) == 0);
	assert(kind == 0 || h.kind == kind);
	assert(type == 0 || h.type == type);
	assert(h.rows == rows && h.cols == cols);
	assert(fuzz_visit(&r, &h) == 0);
	reader_close(&r);
}

#endif
