/* sorter.h: sorting triples in bounded memory. Triples come in any order and leave sorted by
 * (row, col), repeated cells added up in the order they came or rejected. Chunks that fill the
 * memory budget are sorted and spilled as runs of our format (float64, so values stay exact)
 * through base/runs (unlinked temporary files in $TMPDIR); the runs are merged (mat/merge) at the
 * end, and kept fewer than RUNS_FANIN as they accumulate (runs_bound merges consecutive runs into
 * one that takes their place), so repeated cells are still added up in the order they came.
 * nlp-mat's transpose and from-mtx use it. */
#ifndef NLP_SORTER_H
#define NLP_SORTER_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/runs.h"
#include "mat/merge.h"

enum sorter_dups { SORTER_DUPS_FAIL, SORTER_DUPS_SUM };

struct sorter_triple {
	uint32_t row, col;
	double v;
};

struct sorter {
	struct sorter_triple *a;     /* [n] of [cap]: the chunk being filled */
	size_t n, cap, max;          /* max: triples a chunk may hold */
	enum sorter_dups dups;
	uint64_t total;              /* triples added */
	struct runlist runs;         /* the spilled runs, oldest first */
	size_t pos;                  /* next triple of a[] when nothing was spilled */
	struct merge_source *src;    /* [nsrc] the runs being merged */
	struct merge_source **srcp;
	size_t nsrc;
	struct merge m;
};

/* An empty sorter that holds about `memory` bytes of triples before it spills a run. */
void sorter_init(struct sorter *t, size_t memory, enum sorter_dups dups);
/* Adds a triple. Returns 0 or a negative code with e filled (MAT_EDUP: "repeated entry (row R,
 * column C)" from 1, when dups is SORTER_DUPS_FAIL; MAT_ETEMP; MAT_ENOMEM). */
int sorter_add(struct sorter *t, uint32_t row, uint32_t col, double v, struct error *e);
/* After the last triple: *nnz is the number of cells to come, or MAT_NNZ_UNKNOWN when repeated
 * cells are being added up across spilled runs. Returns 0 or a negative code with e filled. */
int sorter_finish(struct sorter *t, uint64_t *nnz, struct error *e);
/* The next cell in order: returns 1, 0 at the end, or a negative code with e filled. */
int sorter_next(struct sorter *t, uint32_t *row, uint32_t *col, double *v, struct error *e);
/* Instead of sorter_finish and sorter_next: writes the dense header h and every cell of its
 * shape row by row, a cell never added as 0, rounded to h->type (how from-npy reads a Fortran
 * array and from-mtx an array, both listed column by column). Returns 0 or a negative code with
 * e filled. */
int sorter_write_dense(struct sorter *t, const struct mat_header *h, struct writer *w,
                       struct error *e);
/* Frees the memory and closes the runs. */
void sorter_free(struct sorter *t);

/* Fills e for a temporary file that failed: MAT_ETEMP, "WHAT temporary file in DIR: reason",
 * DIR being tmpfile_dir() ($TMPDIR or /tmp). Returns MAT_ETEMP. */
int sorter_temp_error(struct error *e, const char *what, int errnum);

#endif
