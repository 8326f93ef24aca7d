/* matconv.h: whole-matrix work on the nlp matrix format (nlp-matrix(5)) beyond reading and
 * writing one header or triple: values as text, a summary, sorting triples in bounded memory
 * (sorted runs spilled to a temporary directory), the k-way merge of sorted sparse matrices
 * (sum, transpose), and conversion to and from Matrix Market and NumPy .npy. Every byte of our
 * format goes through matrix.h's reader and writer.
 *
 * Functions never print or exit. They return 0 (or 1 for "one more item") or a negative code:
 * one of matrix.h's MAT_E* codes, or MC_ENOMEM / MC_EFORMAT / MC_ETEMP, with the reason in a
 * struct mc_err. Output goes to a struct writer; a failed write of the program's `out` ends the
 * program through out_check(), as for every writer user. */
#ifndef NLP_MATCONV_H
#define NLP_MATCONV_H

#include <stddef.h>
#include <stdint.h>

#include "base/io.h"
#include "mat/matrix.h"

enum {
	MC_ENOMEM = -20, /* out of memory */
	MC_EFORMAT = -21, /* a foreign file breaks its format, or the data do not fit: see msg */
	MC_ETEMP = -22   /* a temporary file could not be created, written or read (errnum) */
};

struct mc_err {
	int code;         /* 0, a MAT_E* code, MC_ENOMEM, MC_EFORMAT or MC_ETEMP */
	int errnum;       /* errno, for MAT_EIO and MC_ETEMP */
	const char *name; /* the input the error is about (a reader's name), or NULL */
	char msg[256];    /* the reason, without the name */
};

/* ---- values as text ---- */

#define MAT_VALUE_BUFSIZE 48

/* Formats v for text output into buf[MAT_VALUE_BUFSIZE]. precision 0: the shortest %g form that
 * reads back (strtof/strtod) to the same value of `type`; 1..17: "%.<precision>g". Returns the
 * length. */
int mat_format_value(char *buf, uint32_t type, double v, int precision);
/* Writes "row<TAB>col<TAB>value\n", the value in its shortest form. */
void mat_write_text_triple(struct writer *w, uint32_t type, uint32_t row, uint32_t col, double v);

/* ---- summary ---- */

struct mat_stats {
	uint64_t entries;       /* stored values: the triples, or rows * cols for a dense matrix */
	uint64_t nonzeros;      /* stored values that are not zero */
	uint64_t nonempty_rows; /* rows with at least one nonzero value */
	uint64_t nonempty_cols;
	double sum;             /* of all values, with compensated (Neumaier) summation */
	double min, max;        /* of the stored values; 0 when entries == 0 */
};

/* Reads the body that follows header h to its end, validating it, and sums it up. */
int mat_stats(struct reader *r, const struct mat_header *h, struct mat_stats *s,
              struct mc_err *e);

/* Reads a dense body of h->rows * h->cols values into a new array (*v, row-major, freed by the
 * caller). */
int mat_load_dense(struct reader *r, const struct mat_header *h, double **v, struct mc_err *e);

/* ---- merging sorted sparse matrices ---- */

/* One sorted sparse input of a merge, opened with mc_source_open (or on a run file). */
struct mc_source {
	struct reader r;
	struct mat_header h;
	struct mat_cursor c;
	uint32_t row, col; /* the current triple, while the source is in the merge's heap */
	double v;
};

/* Opens path ("-" is stdin) and reads its header. On failure nothing stays open. */
int mc_source_open(struct mc_source *s, const char *path, struct mc_err *e);
void mc_source_close(struct mc_source *s);

struct mc_merge {
	struct mc_source **src; /* [n], not owned */
	size_t n;
	size_t *heap;           /* [n] sources holding a triple, a min-heap on (row, col, index) */
	size_t nheap;
};

/* Reads the first triple of every source. */
int mc_merge_init(struct mc_merge *m, struct mc_source **src, size_t n, struct mc_err *e);
/* The next cell in (row, col) order: *v is the sum of the values all sources hold for it, added
 * in source order; *count how many sources hold it. Returns 1, 0 at the end, or an error (with
 * e->name the failing source). */
int mc_merge_next(struct mc_merge *m, uint32_t *row, uint32_t *col, double *v, size_t *count,
                  struct mc_err *e);
void mc_merge_free(struct mc_merge *m);

/* ---- options of the conversions ---- */

enum mc_dups { MC_DUPS_FAIL, MC_DUPS_SUM };

struct mc_opts {
	uint32_t type;      /* element type of the output, 0: keep the input's */
	int precision;      /* of text values, see mat_format_value */
	enum mc_dups dups;  /* repeated cells of a Matrix Market file */
	size_t memory;      /* bytes for sorting triples before runs are spilled */
	const char *tmpdir; /* where runs and spooled output go */
};

/* ---- whole-matrix operations on our format; h is the header already read from r ---- */

/* Writes the element-wise sum of the sparse matrices src[0..n) (all headers read) to w: sparse,
 * nnz unknown. Shapes must agree. Cells are added in float64 in source order, then rounded once
 * to o->type (0: float64 if any input is, else float32). A cell that any input stores is stored,
 * even when its values cancel. */
int mat_sum(struct mc_source **src, size_t n, const struct mc_opts *o, struct writer *w,
            struct mc_err *e);
/* Writes the transpose. Sparse: triples sorted in o->memory, runs spilled to o->tmpdir and
 * merged; dense: loaded whole. */
int mat_transpose(struct reader *r, const struct mat_header *h, const struct mc_opts *o,
                  struct writer *w, struct mc_err *e);
/* Rewrites the matrix with the element type o->type and the kind `kind` (0: keep). A dense
 * matrix made sparse keeps its nonzero values, nnz unknown; a sparse one made dense is
 * streamed with its zeros. */
int mat_convert(struct reader *r, const struct mat_header *h, uint32_t kind,
                const struct mc_opts *o, struct writer *w, struct mc_err *e);
/* Text: sparse as "row\tcol\tvalue" lines (0-based), dense as rows of values separated by
 * spaces. as_kind 0 prints the matrix as it is stored; MAT_DENSE prints a sparse matrix with
 * its zeros; MAT_SPARSE prints a dense one as the triples of its nonzero values. */
int mat_print(struct reader *r, const struct mat_header *h, uint32_t as_kind,
              const struct mc_opts *o, struct writer *w, struct mc_err *e);

/* ---- Matrix Market ---- */

/* Writes Matrix Market: "coordinate real general" for sparse, "array real general"
 * (column-major, so the matrix is loaded) for dense, with a "% nlp-mat: float32|float64"
 * comment naming the element type. A sparse stream of unknown nnz is spooled to o->tmpdir to
 * count it first. */
int mat_to_mtx(struct reader *r, const struct mat_header *h, const struct mc_opts *o,
               struct writer *w, struct mc_err *e);
/* Reads Matrix Market (real, double, integer or pattern; general, symmetric or skew-symmetric)
 * and writes our format: coordinate as sparse (sorted, repeated cells summed or rejected by
 * o->dups), array as dense. */
int mtx_to_mat(struct reader *r, const struct mc_opts *o, struct writer *w, struct mc_err *e);

/* ---- NumPy .npy ---- */

struct npy_header {
	uint32_t type; /* MAT_F32 ('<f4') or MAT_F64 ('<f8') */
	uint64_t rows, cols;
};

/* Writes a version 1.0 header for a C-ordered 2-D little-endian array, byte for byte as
 * numpy.save does. */
void npy_write_header(struct writer *w, const struct npy_header *h);
/* Reads and checks a header: versions 1.0, 2.0 and 3.0; only '<f4' and '<f8', C order, 2-D. */
int npy_read_header(struct reader *r, struct npy_header *h, struct mc_err *e);
/* Writes the matrix as a dense .npy array (a sparse one streamed with its zeros). */
int mat_to_npy(struct reader *r, const struct mat_header *h, const struct mc_opts *o,
               struct writer *w, struct mc_err *e);
/* Reads a .npy array and writes it as a dense matrix. */
int npy_to_mat(struct reader *r, const struct mc_opts *o, struct writer *w, struct mc_err *e);

#endif
