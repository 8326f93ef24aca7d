/* matconv.h: whole-matrix operations on our format (nlp-matrix(5)) that nlp-mat runs: text,
 * conversion between kinds and element types, transpose and the sum of sparse shards. Matrix
 * Market is in mat/mtx.h, .npy in mat/npy.h, the summary in mat/stats.h. Every byte of our
 * format goes through mat/matrix.h's reader and writer. Functions return 0 or a negative
 * MAT_E* code with the caller's struct error filled; output goes to a struct writer. */
#ifndef NLP_MATCONV_H
#define NLP_MATCONV_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/io.h"
#include "mat/matrix.h"
#include "mat/merge.h"

struct matconv_opts {
	uint32_t type;  /* element type of the output, 0: keep the input's */
	int precision;  /* of text values, see mat_format_value */
	size_t memory;  /* bytes for sorting triples before runs are spilled (mat/sorter.h) */
};

/* h is the header already read from r. */

/* Text: sparse as "row\tcol\tvalue" lines (0-based), dense as rows of values separated by
 * spaces. as_kind 0 prints the matrix as it is stored; MAT_DENSE prints a sparse matrix with
 * its zeros; MAT_SPARSE prints a dense one as the triples of its nonzero values. */
int matconv_print(struct reader *r, const struct mat_header *h, uint32_t as_kind,
                  const struct matconv_opts *o, struct writer *w, struct error *e);
/* Rewrites the matrix with the element type o->type and the kind `kind` (0: keep). A dense
 * matrix made sparse keeps its nonzero values, nnz unknown; a sparse one made dense is
 * streamed with its zeros. */
int matconv_convert(struct reader *r, const struct mat_header *h, uint32_t kind,
                    const struct matconv_opts *o, struct writer *w, struct error *e);
/* Writes the transpose. Sparse: triples sorted in o->memory, runs spilled to $TMPDIR and
 * merged; dense: loaded whole. */
int matconv_transpose(struct reader *r, const struct mat_header *h,
                      const struct matconv_opts *o, struct writer *w, struct error *e);
/* Writes the element-wise sum of the sparse matrices src[0..n) (all headers read) to w: sparse,
 * nnz unknown. Shapes must agree. Cells are added in float64 in source order, then rounded once
 * to o->type (0: float64 if any input is, else float32). A cell that any input stores is stored,
 * even when its values cancel. */
int matconv_sum(struct merge_source **src, size_t n, const struct matconv_opts *o,
                struct writer *w, struct error *e);

/* Reads the matrix of our format in the regular file path, checking all of it, and when its
 * header's nnz is unknown writes the number of triples there, in place (the 8 bytes of nnz, no
 * other): the file becomes what a writer that could seek would have written. A dense matrix,
 * or a sparse one whose header has the count, is left as it is. Returns 0 or a negative code
 * with e filled: "open PATH: reason", "PATH: not a regular file ...", the reader's errors (the
 * file is not changed), "open PATH for writing: reason", "write PATH: reason". */
int matconv_fix_nnz(const char *path, struct error *e);

#endif
