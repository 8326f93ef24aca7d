/* matrix.h: the nlp binary matrix format (nlp-matrix(5)), dense or sparse, read and written
 * field by field in little-endian, validated on read, and the text form of its values. One
 * reader and one writer for every program that touches matrices. Functions that can fail return
 * a negative enum mat_err and fill the caller's struct error (base/error.h) with it as `code`
 * and the message a user sees. */
#ifndef NLP_MATRIX_H
#define NLP_MATRIX_H

#include <stdint.h>
#include <sys/types.h>

#include "base/error.h"
#include "base/io.h"

#define MAT_MAGIC "NLPMATRX"
#define MAT_VERSION 1        /* a header alone */
#define MAT_VERSION_RECORD 2 /* a header followed by a record of how the matrix was made */
#define MAT_HEADER_SIZE 64
#define MAT_RECORD_MAX 1024  /* bytes of a record, its newlines included */
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
	MAT_EVALUE = -9,     /* a value that is NaN or infinite */
	/* the codes of the modules that work on whole matrices (mat/cells, sorter, merge, mtx,
	 * npy, matconv, ppmi) */
	MAT_ENOMEM = -10,    /* out of memory */
	MAT_EFORMAT = -11,   /* a foreign file breaks its format, or the data do not fit */
	MAT_ETEMP = -12,     /* a temporary file could not be created, written or read */
	MAT_EDUP = -13,      /* a cell given twice where that is an error */
	MAT_ERECORD = -14    /* a record that breaks its grammar, or one that would be too long */
};

struct mat_header {
	uint32_t kind, type;
	uint64_t rows, cols;
	uint64_t nnz; /* sparse: triples, or MAT_NNZ_UNKNOWN; dense: rows * cols */
	/* How the matrix was made, "" for nothing recorded: lines of "STAGE KEY=VALUE ...", each
	 * ending in '\n' (nlp-matrix(5), Record). A header with a record is written as version 2,
	 * without one as version 1, byte for byte what the format was before records. */
	char record[MAT_RECORD_MAX + 1];
};

/* A sparse reader's position: checks order and counts as triples go by. */
struct mat_cursor {
	struct mat_header h;
	uint64_t seen;
	uint64_t last_row, last_col;
	int quiet; /* mat_next_triple does not report the bytes read (base/phase.h): a merge's
	            * source, whose merge reports them all */
};

/* Fills e for a failed read of r (errno): "read NAME: reason", code MAT_EIO. Returns MAT_EIO. */
int mat_read_error(struct error *e, const struct reader *r);

/* Writes the 64-byte header, and h->record after it when there is one. For a dense matrix nnz
 * is ignored (rows * cols is written). Returns 0, MAT_EHEADER (a header the format cannot
 * hold), MAT_ERECORD (a record that breaks its grammar) or MAT_EIO (w->err), with e filled
 * ("write the matrix header: ..."). */
int mat_write_header(struct writer *w, const struct mat_header *h, struct error *e);
/* Appends one sparse triple or one dense value in the header's element type. */
void mat_write_triple(struct writer *w, uint32_t type, uint32_t row, uint32_t col, double v);
void mat_write_value(struct writer *w, uint32_t type, double v);
/* Writes a whole dense float32 matrix: the header, then v[0 .. rows * cols) (row-major, the
 * caller's). Returns 0 or mat_write_header's error (e filled); a failed write of the values is
 * recorded in w->err, as for mat_write_value. */
int mat_write_dense(struct writer *w, const float *v, uint64_t rows, uint64_t cols,
                    struct error *e);

/* Writes the header of a sparse stream (nnz MAT_NNZ_UNKNOWN) as mat_write_header does and sets
 * *start to where it starts when w's file can seek and is not opened for appending, else to -1;
 * mat_patch_nnz then writes the number of triples into it (a no-op for -1). Both return 0 or a
 * negative code with e filled. */
int mat_begin_stream(struct writer *w, const struct mat_header *h, off_t *start,
                     struct error *e);
int mat_patch_nnz(struct writer *w, off_t start, uint64_t nnz, struct error *e);
/* Writes nnz into the header that starts at offset start of fd, in place (pwrite): for a file
 * whose count was left unknown. Returns 0 or -1 with errno set. */
int mat_write_nnz_at(int fd, off_t start, uint64_t nnz);

/* Reads and validates a header, and its record (h->record, "" when the file has none). Returns
 * 0 or a negative code with e filled ("NAME: truncated matrix", "read NAME: reason", ...). */
int mat_read_header(struct reader *r, struct mat_header *h, struct error *e);
/* Opens r on fd from its first byte (reader_reread) and reads the header again: for programs
 * that read a matrix twice (fd from open_rereadable). Returns 0 or a negative code (e filled). */
int mat_reread(struct reader *r, int fd, const char *name, struct mat_header *h,
               struct error *e);
void mat_cursor_init(struct mat_cursor *c, const struct mat_header *h);
/* Next triple of a sparse matrix: returns 1 with the triple, 0 at a valid end, or a negative
 * code with e filled. */
int mat_next_triple(struct reader *r, struct mat_cursor *c, uint32_t *row, uint32_t *col,
                    double *v, struct error *e);
/* Reads n dense values into v (converted to double). Returns 0 or a negative code (e filled). */
int mat_read_values(struct reader *r, uint32_t type, double *v, uint64_t n, struct error *e);
/* Reads a dense body of h->rows * h->cols values into a new array (*v, row-major, freed by the
 * caller) and checks that the input ends there. Returns 0 or a negative code (e filled). */
int mat_load_dense(struct reader *r, const struct mat_header *h, double **v, struct error *e);

/* Called for each stored value by mat_visit; returns 0 or a negative code with e filled. */
typedef int (*mat_visit_fn)(void *ctx, uint32_t row, uint32_t col, double v, struct error *e);
/* Reads the body that follows header h and calls fn for each stored value in row-major order
 * (each triple of a sparse matrix, each cell of a dense one), then checks that the input ends
 * where the matrix does ("bytes after the last value of the matrix"). Returns 0, fn's error or
 * the reader's. */
int mat_visit(struct reader *r, const struct mat_header *h, mat_visit_fn fn, void *ctx,
              struct error *e);
/* After a dense body: returns 0 when r ends there, else a negative code with e filled ("NAME:
 * bytes after the last value of the WHAT"). */
int mat_dense_end(struct reader *r, const char *what, struct error *e);

/* "float32" or "float64". */
const char *mat_type_name(uint32_t type);

/* ---- records: how a matrix was made (nlp-matrix(5), Record) ---- */

/* Whether rec[0..n) is a record: lines of a stage word and KEY=VALUE fields, each line ending
 * in '\n', at most MAT_RECORD_MAX bytes ("" is none, and valid). Returns 1 or 0. */
int mat_record_valid(const char *rec, size_t n);
/* Appends the line `line` (without its '\n', which is added) to rec[MAT_RECORD_MAX + 1].
 * Returns 0, or MAT_ERECORD with e filled when the line breaks the grammar or the record would
 * pass MAT_RECORD_MAX bytes (rec is left as it was). */
int mat_record_append(char *rec, const char *line, struct error *e);
/* The last line of rec (without its '\n'): its start, and its length in *len; NULL when rec is
 * empty. */
const char *mat_record_last(const char *rec, size_t *len);
/* The value of KEY in the record line line[0..n) (without the stage word) into val[cap]: 1, or
 * 0 when the line has no such field or its value does not fit. */
int mat_record_field(const char *line, size_t n, const char *key, char *val, size_t cap);

/* ---- values as text: the --text output of every stage that writes matrices ---- */

#define MAT_VALUE_BUFSIZE 48

/* Formats v for text output into buf[MAT_VALUE_BUFSIZE]. precision 0: the shortest %g form that
 * reads back (strtof/strtod) to the same value of `type`; 1..17: "%.<precision>g". Returns the
 * length. */
int mat_format_value(char *buf, uint32_t type, double v, int precision);
/* The two text forms of a triple. */
enum mat_text_form {
	MAT_TEXT_TSV, /* "row<TAB>col<TAB>value\n", row and col from 0: our --text output */
	MAT_TEXT_MTX  /* "row col value\n", row and col from 1: Matrix Market's coordinate lines */
};
/* Writes one triple as a line of text in form, the value as mat_format_value writes it with
 * precision (0: the shortest form that reads back). The one writer of triples as text. */
void mat_write_text_triple(struct writer *w, enum mat_text_form form, uint32_t type,
                           uint32_t row, uint32_t col, double v, int precision);

#endif
