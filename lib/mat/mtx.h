/* mtx.h: Matrix Market (https://math.nist.gov/MatrixMarket/formats.html) to and from our format
 * (nlp-matrix(5)): what nlp-mat's to-mtx and from-mtx do. */
#ifndef NLP_MTX_H
#define NLP_MTX_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/io.h"
#include "mat/matrix.h"
#include "mat/sorter.h"

/* Reads the body after header h from r and writes it to w as Matrix Market: "coordinate real
 * general" for sparse, "array real general" (column-major, so the matrix is loaded) for dense,
 * with a "% nlp-mat: float32|float64" comment naming the element type (type, or 0 for the
 * input's). Values are text as mat_format_value writes them with `precision`. A sparse stream of
 * unknown nnz is spooled to a temporary file to count it first. Returns 0 or a negative code
 * with e filled. */
int mtx_write(struct reader *r, const struct mat_header *h, uint32_t type, int precision,
              struct writer *w, struct error *e);
/* Reads Matrix Market (real, double, integer or pattern; general, symmetric or skew-symmetric)
 * from r and writes our format to w: coordinate as sparse (sorted in `memory` bytes, repeated
 * cells summed or rejected with MAT_EDUP by dups), array as dense. The element type is type, or
 * else the one a "% nlp-mat: TYPE" comment names, or else float64. Returns 0 or a negative code
 * with e filled. */
int mtx_read(struct reader *r, uint32_t type, enum sorter_dups dups, size_t memory,
             struct writer *w, struct error *e);

#endif
