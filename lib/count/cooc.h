/* cooc.h: accumulating a square co-occurrence matrix in a memory budget.
 *
 * Cells where (row + 1) * (col + 1) is small -- the pairs of frequent words, which take a large
 * share of the updates -- live in a dense block of rows of decreasing length, small enough to
 * stay in cache. Every other update is appended to a buffer as one 64-bit word; a full buffer is
 * radix-sorted, equal cells are summed, and the result goes to a temporary file as a run. The
 * output merges the dense block and the runs in row-major order, summing equal cells. Random
 * access stays in cache; everything else is sequential.
 *
 * Values are 64-bit: integers (weights in units of 1/L, exact whatever the order of the sums) or
 * the bits of doubles. Functions that can fail return 0, or -1 with the caller's struct error
 * filled: "counting: reason" (out of memory, or why a temporary file failed). */
#ifndef NLP_COOC_H
#define NLP_COOC_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/phase.h"
#include "base/runs.h"

#define COOC_MAX_SIZE ((uint32_t)1 << 25) /* rows: an update must pack into 64 bits */

struct cooc_kv {
	uint64_t key; /* (row << 32 | col) + 1 */
	uint64_t val;
};


struct cooc {
	uint32_t size;          /* rows = columns */
	int exact;              /* values are integers, else doubles */
	const uint64_t *weight; /* [nweights] the value of an update of each kind */
	/* the dense block: row r holds columns [0, lim[r]) at cells + off[r] */
	uint32_t *lim;
	uint64_t *off, *cells;
	size_t ncells;
	/* other updates: (row << cbits | col) << wbits | weight index, sorted when full */
	uint64_t *buf, *tmp;
	size_t nbuf, capbuf;
	unsigned wbits, cbits;
	struct runlist *runs;   /* the runs written so far */
	size_t maxruns;         /* the most runs kept open (runs_bound) */
	struct phase_meter *meter; /* the progress of cooc_emit's merges, NULL while counting */
};

/* Called for each non-zero cell in row-major order; a positive return stops the output. */
typedef int cooc_emit_fn(void *ctx, uint32_t row, uint32_t col, uint64_t val);

/* The least budget of an accumulator of size rows: the dense block's row table and the smallest
 * buffer of updates with its sort. */
size_t cooc_min_bytes(uint32_t size);
/* Starts an accumulator of size rows (at most COOC_MAX_SIZE) in budget bytes that keeps at most
 * maxruns runs open (2 to RUNS_FANIN); weight[0..nweights) stays the caller's. Returns 0 or -1
 * with e filled; cooc_free frees what c holds. */
int cooc_init(struct cooc *c, uint32_t size, int exact, const uint64_t *weight,
              unsigned nweights, size_t budget, size_t maxruns, struct error *e);
/* Frees what c holds (its runs on disk too). */
void cooc_free(struct cooc *c);

/* Sorts the buffered updates and writes them as a run. Returns 0 or -1 with e filled. */
int cooc_flush(struct cooc *c, struct error *e);

/* The sum of two values of the same kind. */
static inline uint64_t cooc_sum(int exact, uint64_t a, uint64_t b)
{
	double x, y;

	if (exact)
		return a + b;
	__builtin_memcpy(&x, &a, 8);
	__builtin_memcpy(&y, &b, 8);
	x += y;
	__builtin_memcpy(&a, &x, 8);
	return a;
}

/* Adds weight[w] to cell (row, col). Returns 0, or -1 with e filled when a full buffer could not
 * be written. */
static inline int cooc_add(struct cooc *c, uint32_t row, uint32_t col, unsigned w,
                           struct error *e)
{
	if (col < c->lim[row]) {
		uint64_t *cell = &c->cells[c->off[row] + col];

		*cell = cooc_sum(c->exact, *cell, c->weight[w]);
		return 0;
	}
	c->buf[c->nbuf++] = (((uint64_t)row << c->cbits | col) << c->wbits) | w;
	return c->nbuf == c->capbuf ? cooc_flush(c, e) : 0;
}

/* Adds what b counted to a (both made with the same size, kind, weights and budget): its dense
 * block, its buffered updates and its runs, which a takes over. Returns 0 or -1 with e filled. */
int cooc_absorb(struct cooc *a, struct cooc *b, struct error *e);

/* Emits every non-zero cell, and frees what the counting held. fn stops the output with a
 * positive return. Returns 0, fn's positive return, or -1 with e filled. */
int cooc_emit(struct cooc *c, cooc_emit_fn *fn, void *ctx, struct error *e);

#endif
