/* merge.h: the k-way merge of sorted sparse matrices of our format (nlp-matrix(5)): cells come
 * out in (row, col) order with the values of every input that holds them added up. nlp-mat's sum,
 * the sorter's spilled runs and nlp-cooccur's exact merge of shards use it. */
#ifndef NLP_MERGE_H
#define NLP_MERGE_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/io.h"
#include "mat/matrix.h"

/* One sorted sparse input of a merge, opened with merge_source_open (or on a run file). */
struct merge_source {
	struct reader r;
	struct mat_header h;
	struct mat_cursor c;
	uint32_t row, col; /* the current triple, while the source is in the merge's heap */
	double v;
	int done;          /* no triple left (or a failed read) */
};

/* Opens path ("-" is stdin) and reads its header. Returns 0, or a negative code with e filled
 * ("open PATH: reason", the header's error); on failure nothing stays open. */
int merge_source_open(struct merge_source *s, const char *path, struct error *e);
void merge_source_close(struct merge_source *s);

/* A source in the merge's heap, with the cell of its current triple, so that comparisons need
 * not reach the sources. */
struct merge_item {
	uint64_t cell; /* row << 32 | col */
	size_t i;      /* the source's index */
};

struct merge {
	struct merge_source **src; /* [n], not owned */
	size_t n;
	struct merge_item *heap;   /* [n] sources holding a triple, a min-heap on (cell, index) */
	size_t nheap;
	uint64_t cells;            /* triples read, while merge_report is on; else 0 */
	int report;
};

/* Reads the first triple of every source. Returns 0 or a negative code with e filled; call
 * merge_free in both cases. */
int merge_init(struct merge *m, struct merge_source **src, size_t n, struct error *e);
/* Reports the merge's progress from now on as a phase of base/phase.h: the bytes read of all
 * the sources, out of the sum of their sizes (unknown when one is not a regular file). */
void merge_report(struct merge *m, const char *phase);
/* The next cell in (row, col) order: *v is the sum of the values all sources hold for it, added
 * in source order; *count how many sources hold it. Returns 1, 0 at the end, or a negative code
 * with e filled (e->name the failing source). */
int merge_next(struct merge *m, uint32_t *row, uint32_t *col, double *v, size_t *count,
               struct error *e);
/* As merge_next, and fills at[0..*count) (room for n, the caller's) with the indices of the
 * sources that hold the cell, in source order, for a caller that adds their values its own way.
 * Each of them has moved on to its next triple, or is done. */
int merge_next_at(struct merge *m, uint32_t *row, uint32_t *col, double *v, size_t *at,
                  size_t *count, struct error *e);
/* Frees the heap (the sources stay open). */
void merge_free(struct merge *m);

#endif
