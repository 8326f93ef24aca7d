/* vectors.h: word vectors in the word2vec formats, which word2vec.c, fastText and gensim read and
 * write: a header line "rows dim", then per word either the word and dim decimal values separated
 * by single spaces (text), or the word, a space, dim little-endian float32 and a newline (binary).
 * The reader takes the variants of all three tools (fastText's trailing space, gensim's binary rows
 * without a newline), checks every row against the header, and keeps row-normalised float32
 * vectors for cosine similarity. */
#ifndef NLP_VECTORS_H
#define NLP_VECTORS_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/io.h"
#include "base/strtab.h"

#define VEC_PRECISION 6 /* digits after the point in text values, as word2vec.c writes them */
#define VEC_MAX_ROWS ((uint64_t)INT32_MAX) /* rows and dimensions index BLAS matrices (int) */
#define VEC_MAX_DIM ((uint64_t)INT32_MAX)

void vec_write_header(struct writer *w, uint64_t rows, uint64_t dim);
/* Writes one word and its dim values; text values get precision digits after the point. */
void vec_write_row(struct writer *w, int binary, unsigned precision, const char *word, size_t len,
                   const float *v, size_t dim);

enum vec_format {
	VEC_AUTO,   /* text when the first row after the header is printable ASCII after its word */
	VEC_TEXT,
	VEC_BINARY
};

struct vectors {
	size_t rows, dim;
	float *unit;          /* [rows][dim] each row divided by its L2 norm; a zero row stays zero */
	struct strtab words;  /* the word of each row; its id is the row */
	int binary;           /* the format read */
};

/* Reads vectors from r in the given format (VEC_AUTO: detected). Returns 0, or -1 with e filled
 * (a read error, malformed contents or memory exhausted; it names r and the line, or the row and
 * its first byte in a binary file); v is then empty. vec_free frees v. */
int vec_read(struct vectors *v, struct reader *r, enum vec_format f, struct error *e);
/* The same, with raw: the rows kept as read, not normalised (v->unit then holds them; for a
 * model's embedding that starts from them). */
int vec_read_rows(struct vectors *v, struct reader *r, enum vec_format f, int raw,
                  struct error *e);
/* u [d] = x [d] divided by its L2 norm, as the reader normalises rows (a zero x gives zeros);
 * wide [d] is scratch. */
void vec_unit(float *u, const float *x, size_t d, double *wide);

/* Frees what v holds; v is then empty. */
void vec_free(struct vectors *v);

/* A model's embedding from pretrained vectors: row i of emb [words->n][dim] becomes the row of v
 * (as v holds it) of word i of words, for the words v has; the other rows stay as they are.
 * Returns 0, or -1 with e filled when v's vectors are not of dim dimensions. */
int vec_fill_rows(float *emb, size_t dim, const struct strtab *words, const struct vectors *v,
                  struct error *e);

/* The word of a row, not NUL-terminated. */
static inline const char *vec_word(const struct vectors *v, size_t row, size_t *len)
{
	return strtab_key(&v->words, row, len);
}

/* The row of a word, or -1. */
static inline int64_t vec_find(const struct vectors *v, const char *w, size_t n)
{
	return strtab_find(&v->words, w, n);
}

/* Parses s[0..n) as a decimal number, [+-]digits[.digits][(e|E)[+-]digits] with a digit before or
 * after the point, rounded as strtod(3) does. Returns 0, or -1 when it is no such number (hex,
 * inf and nan are not). */
int vec_parse_decimal(const char *s, size_t n, double *out);

/* A short excerpt of s[0..n) for a message, in dst[cap] (cap >= 8): valid UTF-8 as it is, other
 * bytes and controls as \xNN, "..." when cut. Returns dst. */
const char *vec_excerpt(char *dst, size_t cap, const char *s, size_t n);

#endif
