/* sorter.c: triples sorted in bounded memory, with sorted runs spilled to temporary files and
 * merged. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/io.h"
#include "mat/sorter.h"

#define TRIPLE_COST (2 * sizeof(struct sorter_triple)) /* a triple and its place in the sort */

int sorter_temp_error(struct error *e, const char *what, int errnum)
{
	const char *dir = getenv("TMPDIR"); /* as tmpfile_open */

	return error_set(e, MAT_ETEMP, errnum, NULL, 0, "%s temporary file in %s", what,
	                 dir && *dir ? dir : "/tmp");
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

/* A new run file and its writer, the header written. Returns the fd or a negative code. */
static int run_open(struct writer *w, uint64_t nnz, struct error *e)
{
	struct mat_header h = {MAT_SPARSE, MAT_F64, MAT_MAX_DIM, MAT_MAX_DIM, nnz};
	int fd = tmpfile_open(), k;

	if (fd < 0)
		return sorter_temp_error(e, "create a", errno);
	writer_init(w, fd);
	if ((k = mat_write_header(w, &h, e)) < 0) {
		writer_free(w);
		close(fd);
		return k;
	}
	return fd;
}

/* Flushes run writer w, frees it and rewinds fd for reading; closes fd on failure. */
static int run_close(struct writer *w, int fd, struct error *e)
{
	int err;

	writer_flush(w);
	err = w->err;
	writer_free(w);
	if (!err && lseek(fd, 0, SEEK_SET) == 0)
		return 0;
	sorter_temp_error(e, err ? "write a" : "rewind a", err ? err : errno);
	close(fd);
	return MAT_ETEMP;
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

/* Moves the runs' fds into merge sources and starts the merge. */
static int sorter_open_merge(struct sorter *t, struct error *e)
{
	int k;

	t->src = calloc(t->nruns, sizeof(*t->src));
	t->srcp = calloc(t->nruns, sizeof(*t->srcp));
	if (!t->src || !t->srcp)
		return nomem(e);
	for (size_t i = 0; i < t->nruns; i++) {
		struct merge_source *s = &t->src[i];

		if (reader_fdopen(&s->r, t->runs[i], "<temporary run>") < 0)
			return nomem(e); /* the fds not yet moved are closed by sorter_free */
		t->runs[i] = -1;
		t->nsrc++;
		t->srcp[i] = s;
		if ((k = mat_read_header(&s->r, &s->h, e)) < 0)
			return k;
		mat_cursor_init(&s->c, &s->h);
	}
	t->nruns = 0;
	return merge_init(&t->m, t->srcp, t->nsrc, e);
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

/* Merges all runs into one. */
static int sorter_compact(struct sorter *t, struct error *e)
{
	struct writer w;
	uint32_t row, col;
	double v;
	int fd, k;

	if ((k = sorter_open_merge(t, e)) < 0)
		return k;
	if ((fd = run_open(&w, MAT_NNZ_UNKNOWN, e)) < 0)
		return fd;
	while ((k = sorter_merge_next(t, &row, &col, &v, e)) == 1)
		mat_write_triple(&w, MAT_F64, row, col, v);
	sorter_close_merge(t);
	if (k < 0) {
		writer_free(&w);
		close(fd);
		return k;
	}
	if ((k = run_close(&w, fd, e)) < 0)
		return k;
	t->runs[t->nruns++] = fd;
	return 0;
}

static int sorter_spill(struct sorter *t, struct error *e)
{
	struct writer w;
	int fd, k;

	if ((k = sort_chunk(t, e)) < 0)
		return k;
	if ((fd = run_open(&w, t->n, e)) < 0)
		return fd;
	for (size_t i = 0; i < t->n; i++)
		mat_write_triple(&w, MAT_F64, t->a[i].row, t->a[i].col, t->a[i].v);
	if ((k = run_close(&w, fd, e)) < 0)
		return k;
	t->runs[t->nruns++] = fd;
	t->n = 0;
	return t->nruns == SORTER_MAX_RUNS ? sorter_compact(t, e) : 0;
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
	int k;

	if (t->nruns == 0) {
		t->pos = 0;
		if ((k = sort_chunk(t, e)) < 0)
			return k;
		*nnz = t->n;
		return 0;
	}
	if (t->n > 0 && (k = sorter_spill(t, e)) < 0)
		return k;
	*nnz = t->dups == SORTER_DUPS_FAIL ? t->total : MAT_NNZ_UNKNOWN;
	return sorter_open_merge(t, e);
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

void sorter_free(struct sorter *t)
{
	sorter_close_merge(t);
	for (size_t i = 0; i < t->nruns; i++)
		if (t->runs[i] >= 0)
			close(t->runs[i]);
	free(t->a);
	t->a = NULL;
}
