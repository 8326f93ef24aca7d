/* glove.h: GloVe (Pennington, Socher and Manning 2014): word vectors fitted to the logarithms of
 * a co-occurrence matrix by weighted least squares, f(x) (w_i . w~_j + b_i + b~_j - log x)^2
 * with f(x) = min(1, (x / x_max)^alpha), one non-zero at a time with AdaGrad, as GloVe's glove.c
 * fits them (the same initialisation, update, clipping and cost), on Hogwild threads.
 *
 * The parameters are one allocation of [2][rows][2][stride] floats: for each side (0 the words'
 * vectors W, 1 the contexts' W~) and each word, a row of its vector and its bias, then a row of
 * the AdaGrad sums of the same shape. A row holds the vector in its first vd floats (dim rounded
 * up to GLOVE_LANES, the rest zero, so that the kernel runs over whole SIMD vectors and the
 * padding's products and updates are zero) and the bias at index vd; stride is vd + 1 rounded up
 * to 16 floats, so that every row starts on a 64-byte line and two threads updating two words
 * never share one. The four rows of a non-zero's update (vector, sums, both sides) are two runs
 * of 2 * stride floats, which the trainer prefetches a few non-zeros ahead.
 *
 * The non-zeros (glove_data) are held in memory when they fit the budget (13 bytes each), and
 * each thread visits its share in a fresh uniformly random order each iteration: the share is
 * partitioned at random into buckets of at most about 768 KiB, in place, and each bucket visited
 * in a uniformly random order, a Fisher-Yates pass fused with the updates, so that the random
 * accesses stay in the caches. With several threads, the cells are shuffled once first, so that
 * each share is a random one. Past the budget the cells are dealt at random into blocks of a
 * temporary file, which each iteration reads in a random order, each visited as above. */
#ifndef NLP_GLOVE_H
#define NLP_GLOVE_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/io.h"
#include "base/strtab.h"
#include "mat/matrix.h"

#define GLOVE_MAGIC "NLPGLOVE"
#define GLOVE_VERSION 1
#define GLOVE_HEADER 128
#define GLOVE_MAX_DIM 10000
#define GLOVE_MAX_ITERS 100000
#define GLOVE_LANES 8 /* a vector is padded to a multiple, for w2v_dot and the vectorised update */
#define GLOVE_MAX_ROWS ((uint64_t)INT32_MAX)
/* the settings' ranges, of the options and of a model file: x_max and grad_clip in
 * [MIN_SETTING, MAX_SETTING], eta in [MIN_SETTING, MAX_ETA], alpha in [0, MAX_ALPHA] */
#define GLOVE_MIN_SETTING 1e-30
#define GLOVE_MAX_SETTING 1e30
#define GLOVE_MAX_ETA 1e6
#define GLOVE_MAX_ALPHA 100

/* A non-zero of the matrix: 12 bytes, and a byte of the shuffle's (its bucket) beside it. */
struct glove_cell {
	uint32_t row, col;
	float x;
};

struct glove_settings {
	size_t dim;
	double x_max, alpha, eta, grad_clip;
	unsigned iters;
	int threads;
	uint64_t seed;
	uint64_t budget; /* bytes of non-zeros held in memory at once */
};

struct glove_model {
	size_t rows, dim;
	size_t vd;       /* dim rounded up to GLOVE_LANES: where the bias is */
	size_t stride;   /* vd + 1 rounded up to 16 */
	float *params;   /* [2][rows][2][stride], 64-byte aligned */
	unsigned iters;  /* iterations trained so far */
	double x_max, alpha, eta, grad_clip;
	uint64_t seed;
};

/* The row of side (0 words, 1 contexts) for word i: its vector, its bias at [vd]; its AdaGrad
 * sums follow at [stride]. */
static inline float *glove_row(const struct glove_model *m, int side, size_t i)
{
	return m->params + ((size_t)side * m->rows + i) * 2 * m->stride;
}

/* Allocates m for rows words with s's dimensions and settings, the vectors and biases uniform in
 * [-0.5/dim, 0.5/dim) from s->seed (word side first, row by row, each vector then its bias) and
 * the AdaGrad sums 1, as glove.c. Returns 0 or -1 with e filled (out of memory). */
int glove_init(struct glove_model *m, size_t rows, const struct glove_settings *s,
               struct error *e);
void glove_free(struct glove_model *m);

/* The bytes of the parameters of rows words of dim dimensions. */
uint64_t glove_params_bytes(size_t rows, size_t dim);

/* The cost J = sum over c[0..n) of 0.5 f(x) (w_i . w~_j + b_i + b~_j - log x)^2, in double, and
 * when grad is not NULL its gradient added into grad, laid out as the parameters' vector rows
 * ([2][rows][2][stride]: the sums' rows are left alone). For the tests. */
double glove_cost_grad(const struct glove_model *m, const struct glove_cell *c, size_t n,
                       float *grad);
/* One AdaGrad step on the non-zero c, as training takes it; returns its cost 0.5 f(x) diff^2, or
 * NaN (and changes nothing) when diff is not finite. */
double glove_update(struct glove_model *m, const struct glove_cell *c);

/* ---- the non-zeros ---- */

struct glove_data {
	uint64_t n;               /* non-zeros */
	struct glove_cell *cells; /* in memory: all n; spilled: a buffer of the largest block */
	int nblocks;              /* 0: in memory */
	int fd;                   /* blocks: the temporary file (unlinked) that holds them */
	uint64_t *count;          /* [nblocks] non-zeros of each */
	uint64_t largest;         /* the largest block's */
	size_t cap;               /* cells that cells holds */
};

/* Reads the sparse matrix that follows header h in r (checked with the mat reader's checks) into
 * d: in memory when its non-zeros take at most budget bytes, else dealt at random (from seed)
 * into blocks of at most about half the budget in a temporary file. Errors: a value that is not
 * positive ("NAME: row R, column C: V: ...", ids from 0 as nlp-mat print numbers them) or beyond
 * float32's range, and a matrix without a non-zero. The mat reader reports the bytes read
 * (base/phase.h). Returns 0 or -1 with e filled. */
int glove_data_load(struct glove_data *d, struct reader *r, const struct mat_header *h,
                    uint64_t budget, uint64_t seed, struct error *e);
void glove_data_free(struct glove_data *d);

/* ---- training ---- */

/* Called now and then by the first thread: the iteration (from 1 of this run), the non-zeros
 * visited in it so far by all threads, and the mean cost of those. */
typedef void glove_progress_fn(void *ctx, unsigned iter, uint64_t done, double cost);
/* Called after each iteration: its number (from 1 of this run), the mean cost, its seconds. */
typedef void glove_iter_fn(void *ctx, unsigned iter, double cost, double secs);

struct glove_stats {
	double cost;     /* the last iteration's mean cost */
	uint64_t skipped; /* updates skipped for a diff that was not finite */
};

/* Trains m for s->iters iterations over d on s->threads threads (m->iters counts on, and the
 * shuffles of iteration k are drawn from (m->seed, k)). Returns 0 or -1 with e filled (a block
 * that cannot be read back). */
int glove_train(struct glove_model *m, const struct glove_settings *s, struct glove_data *d,
                glove_progress_fn *pfn, glove_iter_fn *ifn, void *ctx, struct glove_stats *st,
                struct error *e);

/* ---- output ---- */

enum glove_vectors { GLOVE_SUM, GLOVE_WORD, GLOVE_CONTEXT, GLOVE_CONCAT };

/* Writes the vectors of the words (in the word2vec format, vec/vectors.h) labelled by words'
 * keys in id order. Failures are the writer's. */
void glove_write_vectors(struct writer *w, int binary, const struct glove_model *m,
                         const struct strtab *words, enum glove_vectors which);

/* ---- the model file (nlp-glove-model(5)) ---- */

/* Writes m with the words (the vocabulary, in id order). Returns 0, or -1 with e filled (out of
 * memory); a failed write is the writer's. */
int glove_model_write(struct writer *w, const struct glove_model *m, const struct strtab *words,
                      struct error *e);
/* Parses a whole file data [size] (named name in messages): fills m, its parameters allocated,
 * and words (the vocabulary; strtab_free it). Returns 0 or -1 with e filled. */
int glove_model_parse(struct glove_model *m, struct strtab *words, const unsigned char *data,
                      size_t size, const char *name, struct error *e);

#endif
