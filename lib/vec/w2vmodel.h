/* w2vmodel.h: the model file of nlp-w2v (--save-model): the vocabulary and the input matrix,
 * with fastText's subword buckets after the words' rows, from which the vector of any word is
 * built, seen in training or not. A versioned binary, little-endian, written field by field:
 *
 *   offset  size  field
 *        0     8  magic "NLPW2VMD"
 *        8     4  version (1)
 *       12     4  byte-order mark 0x01020304 (the bytes 04 03 02 01)
 *       16     4  header size in bytes (128)
 *       20     4  dim, 1 .. W2V_MAX_DIM
 *       24     8  words, 1 .. VEC_MAX_ROWS
 *       32     8  buckets, 0 .. W2V_MAX_BUCKETS
 *       40     4  minn \ the n-grams' lengths, 1 <= minn <= maxn <= SUBWORD_MAX_N; both 0 (and
 *       44     4  maxn / buckets 0, hash 0) in a model without subwords
 *       48     4  hash: 1 = fastText's FNV-1a over signed bytes (vec/subword.h); 0 without
 *       52     4  model: 0 skip-gram, 1 CBOW      \
 *       56     4  window                          |
 *       60     4  negative samples (0 with hs)    | how it was trained, for the record
 *       64     4  epochs                          | (checked against the trainer's ranges)
 *       68     4  hs: 1 hierarchical softmax, 0   |
 *       72     8  seed                            |
 *       80     8  sample (float64)                |
 *       88     8  alpha (float64)                 |
 *       96     8  min_alpha (float64)             |
 *      104     8  corpus words (one epoch's)      /
 *      112     8  bytes of the word table
 *      120     8  reserved, 0
 *      128        the word table: per word, its length (u32, >= 1), its bytes (no blank, no
 *                 newline, no word twice) and its count (u64), in row order
 *                 the input matrix: (words + buckets) rows of dim float32, all finite and
 *                 within +-W2VMODEL_MAX_VALUE
 *
 * and nothing after it: the file's size is 128 + the word table + 4 dim (words + buckets). */
#ifndef NLP_W2VMODEL_H
#define NLP_W2VMODEL_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/io.h"
#include "base/strtab.h"
#include "vec/vectors.h"

#define W2VMODEL_MAGIC "NLPW2VMD"
#define W2VMODEL_VERSION 1
#define W2VMODEL_HEADER 128
#define W2VMODEL_HASH_FASTTEXT 1
/* The largest magnitude of a value: far beyond what training gives, and small enough that the
 * sum of the rows of any word (at most 64 per byte of it) stays finite. */
#define W2VMODEL_MAX_VALUE 1e20f

/* The header's fields. */
struct w2vmodel_info {
	uint64_t words, buckets;  /* the input matrix's rows: the words', then the buckets' */
	uint32_t dim, minn, maxn; /* minn = maxn = 0: no subwords */
	uint32_t cbow, window, neg, hs, epochs;
	uint64_t seed, corpus_words;
	double sample, alpha, min_alpha;
};

struct w2vmodel {
	struct w2vmodel_info info;
	size_t stride;         /* dim rounded up to W2V_LANES, as the trainer lays rows out */
	struct strtab words;   /* the vocabulary: id = row; vals: the counts */
	float *in;             /* [words + buckets][stride] the input vectors, padding zero */
	uint32_t *list;        /* [listcap] a word's rows, for w2vmodel_vector */
	size_t listcap;
	float *mean;           /* [stride] */
};

/* Writes a model: the header of info, the words of tab (ids 0 .. info->words - 1, counts in
 * vals) and the input matrix in [words + buckets][stride]. Returns 0, or -1 with e filled (the
 * writer's error; info out of the ranges above; a value that is not finite or out of range, as
 * training that diverged leaves them). */
int w2vmodel_write(struct writer *w, const struct w2vmodel_info *info, const struct strtab *tab,
                   const float *in, size_t stride, struct error *e);

/* Reads a model from r, which must be a regular file read from its start: every size in the
 * header is checked against the file's before anything is allocated, then every field and word
 * and value. Returns 0, or -1 with e filled (naming r: not a model, another version or byte order,
 * truncated, inconsistent, a bad word or value; a read error; memory), m then empty.
 * w2vmodel_free frees m. */
int w2vmodel_read(struct w2vmodel *m, struct reader *r, struct error *e);
/* The same for the file at path (opening it is part of the errors). */
int w2vmodel_load(struct w2vmodel *m, const char *path, struct error *e);
void w2vmodel_free(struct w2vmodel *m);

enum w2vmodel_found {
	W2VMODEL_WORD,     /* a word of the vocabulary: its trained vector */
	W2VMODEL_SUBWORDS, /* an unseen word: the mean of its n-grams' rows */
	W2VMODEL_NONE      /* an unseen word and no subwords, or no n-gram in minn .. maxn */
};

/* Which vector the word w[0..n) has (an enum w2vmodel_found), without building it. */
int w2vmodel_find(const struct w2vmodel *m, const char *w, size_t n);

/* The vector of the word w[0..n) in out [dim]: for a word of the vocabulary, the mean of its
 * own row and its n-grams' rows (its row alone without subwords), as the trainer writes it;
 * for another word, the mean of its n-grams' rows. Returns an enum w2vmodel_found (out is left
 * alone for W2VMODEL_NONE), or -1 when memory runs out. Uses m's scratch: one call at a time. */
int w2vmodel_vector(struct w2vmodel *m, const char *w, size_t n, float *out);

/* The vocabulary's vectors (w2vmodel_vector's) as vec_read would read them, row-normalised, in
 * v. Returns 0, or -1 with e filled (memory); vec_free frees v. */
int w2vmodel_vectors(struct w2vmodel *m, struct vectors *v, struct error *e);

#endif
