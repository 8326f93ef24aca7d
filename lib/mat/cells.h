/* cells.h: writing the cells that a visit of a matrix (mat_visit), a merge or a sort yields, in
 * the forms nlp-mat writes: triples in our binary format, as "row<TAB>col<TAB>value" text from 0
 * or as Matrix Market lines from 1; or every cell of a dense matrix in row-major order, zeros
 * filled in, as our binary values or as text rows. Each value is first rounded to the output's
 * type, and one that does not fit there is an error. */
#ifndef NLP_CELLS_H
#define NLP_CELLS_H

#include <math.h>
#include <stdint.h>

#include "base/error.h"
#include "base/io.h"
#include "mat/matrix.h"

/* Rounds *v to type; returns 0 when it is not finite there (a float64 beyond float32's range, or
 * a sum that overflowed), else 1. */
static inline int cells_fit(uint32_t type, double *v)
{
	if (type == MAT_F32)
		*v = (float)*v;
	return isfinite(*v);
}

/* Fills e for a value at (row, col), from 0, that is out of the range of type: MAT_EFORMAT,
 * "value at row R, column C (from 0) is out of the range of float32". Returns MAT_EFORMAT. */
int cells_range_error(struct error *e, uint32_t type, uint64_t row, uint64_t col);

enum cells_format { CELLS_BINARY, CELLS_TEXT, CELLS_MTX };

/* Triples out to w. */
struct cells_sparse {
	struct writer *w;
	uint32_t type;
	enum cells_format format;
	int precision;  /* of text values, see mat_format_value */
	int skip_zeros; /* a dense input: only its nonzero values */
	uint64_t n;     /* triples written */
};

/* Writes one triple (a mat_visit_fn on a struct cells_sparse). Returns 0 or MAT_EFORMAT when the
 * value does not fit the type (e filled). */
int cells_sparse_put(void *ctx, uint32_t row, uint32_t col, double v, struct error *e);

/* Cells out in row-major order, zeros filled in: our format's values, or text rows. */
struct cells_dense {
	struct writer *w;
	uint32_t type;
	int text, precision;
	uint64_t cols, pos; /* pos: the next cell */
};

/* Reads the body after h from r and writes every cell of the matrix through d. Returns 0 or a
 * negative code with e filled. */
int cells_dense_write(struct reader *r, const struct mat_header *h, struct cells_dense *d,
                      struct error *e);

#endif
