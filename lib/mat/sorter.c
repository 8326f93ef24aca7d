/* sorter.c: triples sorted in bounded memory, with sorted runs spilled to temporary files and
 * merged. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/io.h"
#include "base/runs.h"
#include "mat/sorter.h"

#define TRIPLE_COST (2 * sizeof(struct sorter_triple)) /* a triple and its place in the sort */

int sorter_temp_error(struct error *e, const char *what, int errnum)
{
	return error_set(e, MAT_ETEMP, errnum, NULL, 0, "%s temporary file in %s", what,
	                 tmpfile_dir());
}

static int nomem(struct error *e)
{
	return error_set(e, MAT_ENOMEM, 0, NULL, 0, "out of memory");
}

void sorter_init(struct sorter *t, size_t memory, enum sorter_dups dups)
{
	memset(t, 0, sizeof(*t));
	t->max = memory / TRIPLE_COST;
	if (t->max < 16)
		t->max = 16;
	t->dups = dups;
}

static uint64_t cell_key(const struct sorter_triple *x)
{
	return (uint64_t)x->row << 32 | x->col;
}

/* Stable bottom-up merge sort by cell, so repeated cells stay in the order they came. */
static int sort_triples(struct sorter_triple *a, size_t n, struct error *e)
{
	struct sorter_triple *aux;

	if (n < 2)
		return 0;
	if (!(aux = malloc(n * sizeof(*aux))))
		return nomem(e);
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n - w; lo += 2 * w) {
			size_t mid = lo + w, hi = n - mid > w ? mid + w : n, i = 0, j = mid, k = lo;

			if (cell_key(&a[mid - 1]) <= cell_key(&a[mid]))
				continue; /* already in order: sorted input costs one pass */
			memcpy(aux, a + lo, w * sizeof(*aux));
			while (i < w && j < hi)
				a[k++] = cell_key(&aux[i]) <= cell_key(&a[j]) ? aux[i++] : a[j++];
			while (i < w)
				a[k++] = aux[i++];
		}
	}
	free(aux);
	return 0;
}

static int dup_fail(struct error *e, uint32_t row, uint32_t col)
{
	return error_set(e, MAT_EDUP, 0, NULL, 0, "repeated entry (row %llu, column %llu)",
	                 (unsigned long long)row + 1, (unsigned long long)col + 1);
}

/* Sorts the chunk and adds up (or rejects) its repeated cells. */
static int sort_chunk(struct sorter *t, struct error *e)
{
	size_t k = 0;
	int err;

	if ((err = sort_triples(t->a, t->n, e)) < 0)
		return err;
	for (size_t i = 0; i < t->n; i++) {
		if (k > 0 && t->a[k - 1].row == t->a[i].row && t->a[k - 1].col == t->a[i].col) {
			if (t->dups == SORTER_DUPS_FAIL)
				return dup_fail(e, t->a[i].row, t->a[i].col);
			t->a[k - 1].v += t->a[i].v;
		} else {
			t->a[k++] = t->a[i];
		}
	}
	t->n = k;
	return 0;
}

static void sorter_close_merge(struct sorter *t)
{
	for (size_t i = 0; i < t->nsrc; i++)
		merge_source_close(&t->src[i]);
	free(t->src);
	free(t->srcp);
	t->src = NULL;
	t->srcp = NULL;
	t->nsrc = 0;
	merge_free(&t->m);
}

/* Starts the merge of the runs fds[0..n), which it takes: each becomes a merge source, or is
 * closed on failure (sorter_close_merge closes the sources). */
static int sorter_open_merge(struct sorter *t, int *fds, size_t n, struct error *e)
{
	size_t i = 0;
	int k = 0;

	t->src = calloc(n, sizeof(*t->src));
	t->srcp = calloc(n, sizeof(*t->srcp));
	if (!t->src || !t->srcp)
		k = nomem(e);
	while (k == 0 && i < n) {
		struct merge_source *s = &t->src[i];

		if (runs_read(&s->r, fds[i++]) < 0) {
			k = sorter_temp_error(e, "read a", errno);
			break;
		}
		t->srcp[t->nsrc++] = s;
		if ((k = mat_read_header(&s->r, &s->h, e)) == 0)
			mat_cursor_init(&s->c, &s->h);
	}
	while (i < n)
		close(fds[i++]);
	return k < 0 ? k : merge_init(&t->m, t->srcp, t->nsrc, e);
}

static int sorter_merge_next(struct sorter *t, uint32_t *row, uint32_t *col, double *v,
                             struct error *e)
{
	size_t count;
	int k = merge_next(&t->m, row, col, v, &count, e);

	if (k == 1 && count > 1 && t->dups == SORTER_DUPS_FAIL)
		return dup_fail(e, *row, *col);
	return k;
}

/* runs_reduce's merge and where it reports: the code and e of the merge's own failures. */
struct reduce {
	struct sorter *t;
	struct error *e;
	int code;
};

/* Merges the runs fds[0..n) (taking them) into one run written to w. */
static int reduce_merge(void *ctx, int *fds, size_t n, struct writer *w)
{
	struct reduce *rd = ctx;
	struct mat_header h = {.kind = MAT_SPARSE, .type = MAT_F64, .rows = MAT_MAX_DIM,
	                       .cols = MAT_MAX_DIM, .nnz = MAT_NNZ_UNKNOWN};
	uint32_t row, col;
	double v;
	int k;

	if ((k = sorter_open_merge(rd->t, fds, n, rd->e)) == 0 &&
	    (k = mat_write_header(w, &h, rd->e)) == 0)
		while ((k = sorter_merge_next(rd->t, &row, &col, &v, rd->e)) == 1)
			mat_write_triple(w, MAT_F64, row, col, v);
	sorter_close_merge(rd->t);
	if (k < 0) {
		rd->code = k;
		errno = 0;
		return -1;
	}
	return 0;
}

/* Sorts the chunk, spills it as a run and keeps the runs below RUNS_FANIN. */
static int sorter_spill(struct sorter *t, struct error *e)
{
	struct mat_header h = {.kind = MAT_SPARSE, .type = MAT_F64, .rows = MAT_MAX_DIM,
	                       .cols = MAT_MAX_DIM};
	struct runs_writer rw;
	struct reduce rd = {t, e, 0};
	int k;

	if ((k = sort_chunk(t, e)) < 0)
		return k;
	if (runs_begin(&rw) < 0)
		return sorter_temp_error(e, "create a", errno);
	h.nnz = t->n;
	if ((k = mat_write_header(&rw.w, &h, e)) < 0) {
		runs_end(&rw, &t->runs, EIO); /* drops the run */
		return k;
	}
	for (size_t i = 0; i < t->n; i++)
		mat_write_triple(&rw.w, MAT_F64, t->a[i].row, t->a[i].col, t->a[i].v);
	if (runs_end(&rw, &t->runs, 0) < 0)
		return sorter_temp_error(e, "write a", errno);
	t->n = 0;
	if (runs_bound(&t->runs, RUNS_FANIN, t->dups == SORTER_DUPS_SUM, reduce_merge, &rd) < 0)
		return rd.code ? rd.code : sorter_temp_error(e, "write a", errno);
	return 0;
}

int sorter_add(struct sorter *t, uint32_t row, uint32_t col, double v, struct error *e)
{
	if (t->n == t->cap) {
		size_t ncap;
		struct sorter_triple *na;
		int k;

		if (t->cap == t->max) {
			if ((k = sorter_spill(t, e)) < 0)
				return k;
		} else {
			ncap = t->cap ? t->cap * 2 : 1024;
			if (ncap > t->max)
				ncap = t->max;
			if (!(na = realloc(t->a, ncap * sizeof(*na))))
				return nomem(e);
			t->a = na;
			t->cap = ncap;
		}
	}
	t->a[t->n++] = (struct sorter_triple){row, col, v};
	t->total++;
	return 0;
}

int sorter_finish(struct sorter *t, uint64_t *nnz, struct error *e)
{
	size_t n;
	int k;

	if (t->runs.n == 0) {
		t->pos = 0;
		if ((k = sort_chunk(t, e)) < 0)
			return k;
		*nnz = t->n;
		return 0;
	}
	if (t->n > 0 && (k = sorter_spill(t, e)) < 0)
		return k;
	*nnz = t->dups == SORTER_DUPS_FAIL ? t->total : MAT_NNZ_UNKNOWN;
	n = t->runs.n;
	t->runs.n = 0; /* the merge takes the runs */
	if ((k = sorter_open_merge(t, t->runs.fds, n, e)) == 0)
		merge_report(&t->m, "merging");
	return k;
}

int sorter_next(struct sorter *t, uint32_t *row, uint32_t *col, double *v, struct error *e)
{
	if (!t->src) {
		if (t->pos == t->n)
			return 0;
		*row = t->a[t->pos].row;
		*col = t->a[t->pos].col;
		*v = t->a[t->pos++].v;
		return 1;
	}
	return sorter_merge_next(t, row, col, v, e);
}

int sorter_write_dense(struct sorter *t, const struct mat_header *h, struct writer *w,
                       struct error *e)
{
	uint64_t nnz, at = 0, end = h->rows * h->cols;
	uint32_t row, col;
	double v;
	int k;

	if ((k = sorter_finish(t, &nnz, e)) < 0 || (k = mat_write_header(w, h, e)) < 0)
		return k;
	while ((k = sorter_next(t, &row, &col, &v, e)) == 1) {
		for (uint64_t pos = (uint64_t)row * h->cols + col; at < pos; at++)
			mat_write_value(w, h->type, 0);
		mat_write_value(w, h->type, v);
		at++;
	}
	for (; k == 0 && at < end; at++)
		mat_write_value(w, h->type, 0);
	return k;
}

void sorter_free(struct sorter *t)
{
	sorter_close_merge(t);
	runlist_close(&t->runs);
	free(t->a);
	t->a = NULL;
}
