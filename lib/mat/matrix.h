/* matrix.h: the nlp binary matrix format (nlp-matrix(5)), dense or sparse, read and written
 * field by field in little-endian, validated on read. One reader and one writer for every
 * program that touches matrices. Functions return 0 or a negative enum mat_err; mat_strerror
 * says what went wrong. */
#ifndef NLP_MATRIX_H
#define NLP_MATRIX_H

#include <stdint.h>
#include <sys/types.h>

#include "base/io.h"

#define MAT_MAGIC "NLPMATRX"
#define MAT_VERSION 1
#define MAT_HEADER_SIZE 64
#define MAT_NNZ_UNKNOWN UINT64_MAX /* a sparse stream whose length the writer did not know */
#define MAT_MAX_DIM UINT32_MAX     /* rows and columns are stored as 32-bit indices */

enum mat_kind { MAT_DENSE = 1, MAT_SPARSE = 2 };
enum mat_type { MAT_F32 = 1, MAT_F64 = 2 };

enum mat_err {
	MAT_OK = 0,
	MAT_EIO = -1,        /* read or write failed (errno set) */
	MAT_ETRUNC = -2,     /* the file ends inside the header or a record */
	MAT_EMAGIC = -3,     /* not an nlp matrix */
	MAT_EVERSION = -4,   /* a version this program does not know */
	MAT_EHEADER = -5,    /* unknown kind or type, reserved fields set, impossible sizes */
	MAT_ERANGE = -6,     /* an index at or beyond rows or cols */
	MAT_EORDER = -7,     /* triples not sorted by row then column, or repeated */
	MAT_ECOUNT = -8,     /* more or fewer triples than the header's nnz */
	MAT_EVALUE = -9      /* a value that is NaN or infinite */
};

struct mat_header {
	uint32_t kind, type;
	uint64_t rows, cols;
	uint64_t nnz; /* sparse: triples, or MAT_NNZ_UNKNOWN; dense: rows * cols */
};

/* A sparse reader's position: checks order and counts as triples go by. */
struct mat_cursor {
	struct mat_header h;
	uint64_t seen;
	uint64_t last_row, last_col;
};

const char *mat_strerror(int err);

/* Writes the 64-byte header. For a dense matrix nnz is ignored (rows * cols is written). */
int mat_write_header(struct writer *w, const struct mat_header *h);
/* Appends one sparse triple or one dense value in the header's element type. */
void mat_write_triple(struct writer *w, uint32_t type, uint32_t row, uint32_t col, double v);
void mat_write_value(struct writer *w, uint32_t type, double v);

/* Writes the header of a sparse stream (nnz MAT_NNZ_UNKNOWN), with mat_write_header's result in
 * *err, and returns where it starts when w's file can seek and is not opened for appending, else
 * -1; mat_patch_nnz then writes the number of triples into it (a no-op for -1). Returns 0, or -1
 * with errno. */
off_t mat_begin_stream(struct writer *w, const struct mat_header *h, int *err);
int mat_patch_nnz(struct writer *w, off_t start, uint64_t nnz);

/* Reads and validates a header. */
int mat_read_header(struct reader *r, struct mat_header *h);
/* Opens r on fd from its first byte (reader_reread) and reads the header again: for programs
 * that read a matrix twice (fd from open_rereadable). Returns 0, MAT_EIO (errno) or the header's
 * error. */
int mat_reread(struct reader *r, int fd, const char *name, struct mat_header *h);
void mat_cursor_init(struct mat_cursor *c, const struct mat_header *h);
/* Next triple of a sparse matrix: returns 1 with the triple, 0 at a valid end, or an error. */
int mat_next_triple(struct reader *r, struct mat_cursor *c, uint32_t *row, uint32_t *col,
                    double *v);
/* Reads n dense values into v (converted to double). */
int mat_read_values(struct reader *r, uint32_t type, double *v, uint64_t n);

#endif
