/* matconv.c: whole-matrix operations on the nlp matrix format (summary, print, convert,
 * transpose, sum), sorting triples in bounded memory with runs spilled to temporary files, and
 * conversion to and from Matrix Market and NumPy .npy. Our format is only ever read and written
 * through matrix.h. */
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "mat/matconv.h"

#define VALUE_BLOCK 4096            /* dense values read at a time */
#define RUN_READ_BUF (1u << 16)     /* read buffer of each run in a merge */
#define MAX_RUNS 64                 /* runs are merged into one when there are this many */
#define TRIPLE_COST (2 * sizeof(struct mc_triple)) /* a triple and its place in the sort buffer */

/* ---- errors ---- */

static int fail(struct mc_err *e, int code, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int fail(struct mc_err *e, int code, const char *name, const char *fmt, ...)
{
	va_list ap;

	e->code = code;
	e->errnum = 0;
	e->name = name;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return code;
}

/* An error code of matrix.h met while reading r. */
static int mat_fail(struct mc_err *e, int code, const struct reader *r)
{
	int errnum = errno;

	if (code == MAT_EIO)
		fail(e, code, NULL, "read %s: %s", r->name, strerror(errnum));
	else
		fail(e, code, r->name, "%s", mat_strerror(code));
	e->errnum = errnum;
	return code;
}

static int nomem(struct mc_err *e)
{
	return fail(e, MC_ENOMEM, NULL, "out of memory");
}

static int temp_fail(struct mc_err *e, const char *what, const char *dir, int errnum)
{
	fail(e, MC_ETEMP, NULL, "%s temporary file in %s: %s", what, dir, strerror(errnum));
	e->errnum = errnum;
	return MC_ETEMP;
}

static const char *tmpdir_of(const struct mc_opts *o)
{
	return o->tmpdir && *o->tmpdir ? o->tmpdir : "/tmp";
}

static const char *type_name(uint32_t type)
{
	return type == MAT_F32 ? "float32" : "float64";
}

/* Rounds *v to type; 0 when it is not finite there (a float64 beyond float32's range, or a sum
 * that overflowed). */
static int fit(uint32_t type, double *v)
{
	if (type == MAT_F32)
		*v = (float)*v;
	return isfinite(*v);
}

static int range_fail(struct mc_err *e, uint32_t type, uint64_t row, uint64_t col)
{
	return fail(e, MC_EFORMAT, NULL,
	            "value at row %llu, column %llu (from 0) is out of the range of %s",
	            (unsigned long long)row, (unsigned long long)col, type_name(type));
}

/* ---- values as text ---- */

int mat_format_value(char *buf, uint32_t type, double v, int precision)
{
	if (type == MAT_F32) {
		float f = (float)v;

		if (precision > 0)
			return snprintf(buf, MAT_VALUE_BUFSIZE, "%.*g", precision, (double)f);
		/* %g drops trailing zeros: the first precision that reads back is the shortest */
		for (int p = FLT_DIG; p < 9; p++) {
			int n = snprintf(buf, MAT_VALUE_BUFSIZE, "%.*g", p, (double)f);

			if (strtof(buf, NULL) == f)
				return n;
		}
		return snprintf(buf, MAT_VALUE_BUFSIZE, "%.9g", (double)f);
	}
	if (precision > 0)
		return snprintf(buf, MAT_VALUE_BUFSIZE, "%.*g", precision, v);
	for (int p = DBL_DIG; p < 17; p++) {
		int n = snprintf(buf, MAT_VALUE_BUFSIZE, "%.*g", p, v);

		if (strtod(buf, NULL) == v)
			return n;
	}
	return snprintf(buf, MAT_VALUE_BUFSIZE, "%.17g", v);
}

void mat_write_text_triple(struct writer *w, uint32_t type, uint32_t row, uint32_t col, double v)
{
	char line[32 + MAT_VALUE_BUFSIZE];
	int n = snprintf(line, sizeof(line), "%u\t%u\t", row, col);

	n += mat_format_value(line + n, type, v, 0);
	line[n++] = '\n';
	writer_write(w, line, (size_t)n);
}

/* Decimal digits of v at p; returns the end. */
static char *put_u64(char *p, uint64_t v)
{
	char tmp[20];
	int n = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) > 0);
	while (n > 0)
		*p++ = tmp[--n];
	return p;
}

/* ---- visiting every stored value ---- */

typedef int (*visit_fn)(void *ctx, uint32_t row, uint32_t col, double v, struct mc_err *e);

/* After a dense body: the input must end there. */
static int dense_end(struct reader *r, const char *what, struct mc_err *e)
{
	char b;
	ssize_t n = reader_read(r, &b, 1);

	if (n < 0)
		return mat_fail(e, MAT_EIO, r);
	if (n > 0)
		return fail(e, MC_EFORMAT, r->name, "bytes after the last value of the %s", what);
	return 0;
}

/* Calls fn for each stored value in row-major order (each triple of a sparse matrix, each cell
 * of a dense one) and checks that the input ends where the matrix does. */
static int mat_visit(struct reader *r, const struct mat_header *h, visit_fn fn, void *ctx,
                     struct mc_err *e)
{
	uint32_t row, col;
	double v;
	int k;

	if (h->kind == MAT_SPARSE) {
		struct mat_cursor c;

		mat_cursor_init(&c, h);
		while ((k = mat_next_triple(r, &c, &row, &col, &v)) == 1)
			if ((k = fn(ctx, row, col, v, e)) < 0)
				return k;
		return k < 0 ? mat_fail(e, k, r) : 0;
	}
	double *buf = malloc(VALUE_BLOCK * sizeof(double));
	uint64_t left = h->rows * h->cols, i = 0, j = 0;

	if (!buf)
		return nomem(e);
	while (left > 0) {
		uint64_t n = left < VALUE_BLOCK ? left : VALUE_BLOCK;

		if ((k = mat_read_values(r, h->type, buf, n)) < 0) {
			free(buf);
			return mat_fail(e, k, r);
		}
		for (uint64_t x = 0; x < n; x++) {
			if ((k = fn(ctx, (uint32_t)i, (uint32_t)j, buf[x], e)) < 0) {
				free(buf);
				return k;
			}
			if (++j == h->cols) {
				j = 0;
				i++;
			}
		}
		left -= n;
	}
	free(buf);
	return dense_end(r, "matrix", e);
}

/* ---- summary ---- */

/* A set of column indices that grows with the largest index seen. */
struct bitset {
	unsigned char *b; /* [cap] */
	size_t cap;
};

/* Returns 1 when i was not in the set, 0 when it was, -1 out of memory. */
static int bitset_add(struct bitset *s, uint64_t i)
{
	size_t byte = (size_t)(i / 8);
	unsigned bit = 1u << (i % 8);

	if (byte >= s->cap) {
		size_t ncap = s->cap ? s->cap : 64;
		unsigned char *nb;

		while (ncap <= byte)
			ncap *= 2;
		if (!(nb = realloc(s->b, ncap)))
			return -1;
		memset(nb + s->cap, 0, ncap - s->cap);
		s->b = nb;
		s->cap = ncap;
	}
	if (s->b[byte] & bit)
		return 0;
	s->b[byte] |= bit;
	return 1;
}

struct stats_ctx {
	struct mat_stats *s;
	double comp; /* Neumaier's compensation of s->sum */
	struct bitset cols;
	uint64_t last_row;
	int any_row;
};

static int stats_visit(void *ctx, uint32_t row, uint32_t col, double v, struct mc_err *e)
{
	struct stats_ctx *c = ctx;
	struct mat_stats *s = c->s;
	double t = s->sum + v;
	int k;

	if (s->entries == 0 || v < s->min)
		s->min = v;
	if (s->entries == 0 || v > s->max)
		s->max = v;
	s->entries++;
	if (isfinite(t))
		c->comp += fabs(s->sum) >= fabs(v) ? (s->sum - t) + v : (v - t) + s->sum;
	s->sum = t;
	if (v == 0)
		return 0;
	s->nonzeros++;
	if (!c->any_row || row != c->last_row)
		s->nonempty_rows++;
	c->any_row = 1;
	c->last_row = row;
	if ((k = bitset_add(&c->cols, col)) < 0)
		return nomem(e);
	s->nonempty_cols += (uint64_t)k;
	return 0;
}

int mat_stats(struct reader *r, const struct mat_header *h, struct mat_stats *s,
              struct mc_err *e)
{
	struct stats_ctx c = {.s = s};
	int k;

	memset(s, 0, sizeof(*s));
	k = mat_visit(r, h, stats_visit, &c, e);
	if (isfinite(s->sum))
		s->sum += c.comp;
	free(c.cols.b);
	return k;
}

int mat_load_dense(struct reader *r, const struct mat_header *h, double **v, struct mc_err *e)
{
	uint64_t n = h->rows * h->cols;
	int k;

	*v = NULL;
	if (n > SIZE_MAX / sizeof(double) || !(*v = malloc(n ? n * sizeof(double) : 1)))
		return nomem(e);
	if ((k = mat_read_values(r, h->type, *v, n)) < 0)
		k = mat_fail(e, k, r);
	else
		k = dense_end(r, "matrix", e);
	if (k < 0) {
		free(*v);
		*v = NULL;
	}
	return k;
}

/* ---- merging sorted sparse matrices ---- */

int mc_source_open(struct mc_source *s, const char *path, struct mc_err *e)
{
	int k;

	memset(s, 0, sizeof(*s));
	if (reader_open(&s->r, path) < 0)
		return fail(e, MAT_EIO, NULL, "open %s: %s", path, strerror(errno));
	if ((k = mat_read_header(&s->r, &s->h)) < 0) {
		mat_fail(e, k, &s->r);
		reader_close(&s->r);
		return k;
	}
	mat_cursor_init(&s->c, &s->h);
	return 0;
}

void mc_source_close(struct mc_source *s)
{
	reader_close(&s->r);
}

static int src_less(const struct mc_merge *m, size_t a, size_t b)
{
	const struct mc_source *x = m->src[a], *y = m->src[b];

	if (x->row != y->row)
		return x->row < y->row;
	if (x->col != y->col)
		return x->col < y->col;
	return a < b; /* equal cells leave in source order */
}

static void sift_down(struct mc_merge *m, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, min = i, t;

		if (l < m->nheap && src_less(m, m->heap[l], m->heap[min]))
			min = l;
		if (l + 1 < m->nheap && src_less(m, m->heap[l + 1], m->heap[min]))
			min = l + 1;
		if (min == i)
			return;
		t = m->heap[i];
		m->heap[i] = m->heap[min];
		m->heap[min] = t;
		i = min;
	}
}

static void sift_up(struct mc_merge *m, size_t i)
{
	while (i > 0) {
		size_t p = (i - 1) / 2, t;

		if (!src_less(m, m->heap[i], m->heap[p]))
			return;
		t = m->heap[i];
		m->heap[i] = m->heap[p];
		m->heap[p] = t;
		i = p;
	}
}

/* Reads source i's next triple; 1, 0 at its end, or an error. */
static int advance(struct mc_merge *m, size_t i, struct mc_err *e)
{
	struct mc_source *s = m->src[i];
	int k = mat_next_triple(&s->r, &s->c, &s->row, &s->col, &s->v);

	return k < 0 ? mat_fail(e, k, &s->r) : k;
}

int mc_merge_init(struct mc_merge *m, struct mc_source **src, size_t n, struct mc_err *e)
{
	m->src = src;
	m->n = n;
	m->nheap = 0;
	if (!(m->heap = malloc((n ? n : 1) * sizeof(size_t))))
		return nomem(e);
	for (size_t i = 0; i < n; i++) {
		int k = advance(m, i, e);

		if (k < 0)
			return k;
		if (k == 1) {
			m->heap[m->nheap++] = i;
			sift_up(m, m->nheap - 1);
		}
	}
	return 0;
}

int mc_merge_next(struct mc_merge *m, uint32_t *row, uint32_t *col, double *v, size_t *count,
                  struct mc_err *e)
{
	size_t top;
	struct mc_source *s;

	if (m->nheap == 0)
		return 0;
	top = m->heap[0];
	s = m->src[top];
	*row = s->row;
	*col = s->col;
	*v = s->v;
	*count = 1;
	for (;;) {
		int k = advance(m, top, e);

		if (k < 0)
			return k;
		if (k == 0)
			m->heap[0] = m->heap[--m->nheap];
		sift_down(m, 0);
		if (m->nheap == 0)
			break;
		top = m->heap[0];
		s = m->src[top];
		if (s->row != *row || s->col != *col)
			break;
		*v += s->v;
		(*count)++;
	}
	return 1;
}

void mc_merge_free(struct mc_merge *m)
{
	free(m->heap);
	m->heap = NULL;
	m->nheap = 0;
}

/* ---- sorting triples in bounded memory ---- */

struct mc_triple {
	uint32_t row, col;
	double v;
};

/* Triples come in any order; they leave sorted by (row, col), repeated cells added up in the
 * order they came or rejected. Chunks that fill the memory budget are sorted and spilled as
 * runs in our format (float64, so values stay exact) to unlinked temporary files; the runs are
 * merged at the end, and into one run whenever there are MAX_RUNS of them. */
struct sorter {
	struct mc_triple *a;   /* [n] of [cap]: the chunk being filled */
	size_t n, cap, max;    /* max: triples a chunk may hold */
	enum mc_dups dups;
	const char *tmpdir;
	uint64_t total;        /* triples added */
	int runs[MAX_RUNS];    /* fds of the spilled runs, positioned at their start */
	size_t nruns;
	size_t pos;            /* next triple of a[] when nothing was spilled */
	struct mc_source *src; /* [nsrc] the runs being merged */
	struct mc_source **srcp;
	size_t nsrc;
	struct mc_merge m;
};

static void sorter_init(struct sorter *t, const struct mc_opts *o, enum mc_dups dups)
{
	memset(t, 0, sizeof(*t));
	t->max = o->memory / TRIPLE_COST;
	if (t->max < 16)
		t->max = 16;
	t->dups = dups;
	t->tmpdir = tmpdir_of(o);
}

static uint64_t cell_key(const struct mc_triple *x)
{
	return (uint64_t)x->row << 32 | x->col;
}

/* Stable bottom-up merge sort by cell, so repeated cells stay in the order they came. */
static int sort_triples(struct mc_triple *a, size_t n, struct mc_err *e)
{
	struct mc_triple *aux;

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

static int dup_fail(struct mc_err *e, uint32_t row, uint32_t col)
{
	return fail(e, MC_EFORMAT, NULL, "repeated entry (row %llu, column %llu)",
	            (unsigned long long)row + 1, (unsigned long long)col + 1);
}

/* Sorts the chunk and adds up (or rejects) its repeated cells. */
static int sort_chunk(struct sorter *t, struct mc_err *e)
{
	size_t k = 0;
	int err;

	if ((err = sort_triples(t->a, t->n, e)) < 0)
		return err;
	for (size_t i = 0; i < t->n; i++) {
		if (k > 0 && t->a[k - 1].row == t->a[i].row && t->a[k - 1].col == t->a[i].col) {
			if (t->dups == MC_DUPS_FAIL)
				return dup_fail(e, t->a[i].row, t->a[i].col);
			t->a[k - 1].v += t->a[i].v;
		} else {
			t->a[k++] = t->a[i];
		}
	}
	t->n = k;
	return 0;
}

static int temp_open(const char *dir, struct mc_err *e)
{
	size_t n = strlen(dir) + sizeof("/nlp-mat-XXXXXX");
	char *path = malloc(n);
	int fd;

	if (!path)
		return nomem(e);
	snprintf(path, n, "%s/nlp-mat-XXXXXX", dir);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0) {
		free(path);
		return temp_fail(e, "create a", dir, errno);
	}
	unlink(path); /* it lives as long as the fd: nothing is left behind on any exit */
	free(path);
	return fd;
}

/* A reader on an open fd (reader_open takes paths); reader_close closes the fd. */
static int reader_on_fd(struct reader *r, int fd, const char *name)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->name = name;
	r->cap = RUN_READ_BUF + 1;
	r->buf = malloc(r->cap);
	return r->buf ? 0 : -1;
}

/* Flushes run writer w, frees it and rewinds fd for reading. */
static int run_close(struct writer *w, int fd, const char *dir, struct mc_err *e)
{
	int err;

	writer_flush(w);
	err = w->err;
	writer_free(w);
	if (err)
		return temp_fail(e, "write a", dir, err);
	if (lseek(fd, 0, SEEK_SET) < 0)
		return temp_fail(e, "rewind a", dir, errno);
	return 0;
}

static int run_header(struct writer *w, uint64_t nnz)
{
	struct mat_header h = {MAT_SPARSE, MAT_F64, MAT_MAX_DIM, MAT_MAX_DIM, nnz};

	return mat_write_header(w, &h);
}

static void sorter_close_merge(struct sorter *t)
{
	for (size_t i = 0; i < t->nsrc; i++)
		mc_source_close(&t->src[i]);
	free(t->src);
	free(t->srcp);
	t->src = NULL;
	t->srcp = NULL;
	t->nsrc = 0;
	mc_merge_free(&t->m);
}

/* Moves the runs' fds into merge sources and starts the merge. */
static int sorter_open_merge(struct sorter *t, struct mc_err *e)
{
	int k;

	t->src = calloc(t->nruns, sizeof(*t->src));
	t->srcp = calloc(t->nruns, sizeof(*t->srcp));
	if (!t->src || !t->srcp)
		return nomem(e);
	for (size_t i = 0; i < t->nruns; i++) {
		struct mc_source *s = &t->src[i];

		if (reader_on_fd(&s->r, t->runs[i], "<temporary run>") < 0)
			return nomem(e); /* the fds not yet moved are closed by sorter_free */
		t->runs[i] = -1;
		t->nsrc++;
		t->srcp[i] = s;
		if ((k = mat_read_header(&s->r, &s->h)) < 0)
			return mat_fail(e, k, &s->r);
		mat_cursor_init(&s->c, &s->h);
	}
	t->nruns = 0;
	return mc_merge_init(&t->m, t->srcp, t->nsrc, e);
}

static int sorter_merge_next(struct sorter *t, uint32_t *row, uint32_t *col, double *v,
                             struct mc_err *e)
{
	size_t count;
	int k = mc_merge_next(&t->m, row, col, v, &count, e);

	if (k == 1 && count > 1 && t->dups == MC_DUPS_FAIL)
		return dup_fail(e, *row, *col);
	return k;
}

/* Merges all runs into one. */
static int sorter_compact(struct sorter *t, struct mc_err *e)
{
	struct writer w;
	uint32_t row, col;
	double v;
	int fd, k;

	if ((k = sorter_open_merge(t, e)) < 0)
		return k;
	if ((fd = temp_open(t->tmpdir, e)) < 0)
		return fd;
	writer_init(&w, fd);
	run_header(&w, MAT_NNZ_UNKNOWN);
	while ((k = sorter_merge_next(t, &row, &col, &v, e)) == 1)
		mat_write_triple(&w, MAT_F64, row, col, v);
	sorter_close_merge(t);
	if (k < 0)
		writer_free(&w);
	if (k < 0 || (k = run_close(&w, fd, t->tmpdir, e)) < 0) {
		close(fd);
		return k;
	}
	t->runs[t->nruns++] = fd;
	return 0;
}

static int sorter_spill(struct sorter *t, struct mc_err *e)
{
	struct writer w;
	int fd, k;

	if ((k = sort_chunk(t, e)) < 0)
		return k;
	if ((fd = temp_open(t->tmpdir, e)) < 0)
		return fd;
	writer_init(&w, fd);
	run_header(&w, t->n);
	for (size_t i = 0; i < t->n; i++)
		mat_write_triple(&w, MAT_F64, t->a[i].row, t->a[i].col, t->a[i].v);
	if ((k = run_close(&w, fd, t->tmpdir, e)) < 0) {
		close(fd);
		return k;
	}
	t->runs[t->nruns++] = fd;
	t->n = 0;
	return t->nruns == MAX_RUNS ? sorter_compact(t, e) : 0;
}

static int sorter_add(struct sorter *t, uint32_t row, uint32_t col, double v, struct mc_err *e)
{
	if (t->n == t->cap) {
		size_t ncap;
		struct mc_triple *na;
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
	t->a[t->n++] = (struct mc_triple){row, col, v};
	t->total++;
	return 0;
}

/* After the last triple: *nnz is the number of cells to come, or MAT_NNZ_UNKNOWN when repeated
 * cells are being added up across spilled runs. */
static int sorter_finish(struct sorter *t, uint64_t *nnz, struct mc_err *e)
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
	*nnz = t->dups == MC_DUPS_FAIL ? t->total : MAT_NNZ_UNKNOWN;
	return sorter_open_merge(t, e);
}

static int sorter_next(struct sorter *t, uint32_t *row, uint32_t *col, double *v,
                       struct mc_err *e)
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

static void sorter_free(struct sorter *t)
{
	sorter_close_merge(t);
	for (size_t i = 0; i < t->nruns; i++)
		if (t->runs[i] >= 0)
			close(t->runs[i]);
	free(t->a);
	t->a = NULL;
}

/* ---- writing what the visitors see ---- */

/* Triples out: our format, tab-separated text from 0, or Matrix Market text from 1. */
enum { OUT_BINARY, OUT_TEXT, OUT_MTX };

struct sparse_out {
	struct writer *w;
	uint32_t type;
	int format, precision;
	int skip_zeros; /* a dense input: only its nonzero values */
	uint64_t n;     /* triples written */
};

static int sparse_put(void *ctx, uint32_t row, uint32_t col, double v, struct mc_err *e)
{
	struct sparse_out *s = ctx;
	char b[2 * 21 + MAT_VALUE_BUFSIZE + 2], *p = b;
	uint64_t base = s->format == OUT_MTX;
	char sep = s->format == OUT_MTX ? ' ' : '\t';

	if (s->skip_zeros && v == 0)
		return 0;
	if (!fit(s->type, &v))
		return range_fail(e, s->type, row, col);
	s->n++;
	if (s->format == OUT_BINARY) {
		mat_write_triple(s->w, s->type, row, col, v);
		return 0;
	}
	p = put_u64(p, row + base);
	*p++ = sep;
	p = put_u64(p, col + base);
	*p++ = sep;
	p += mat_format_value(p, s->type, v, s->precision);
	*p++ = '\n';
	writer_write(s->w, b, (size_t)(p - b));
	return 0;
}

/* Cells out in row-major order, zeros filled in: our format's values, or text rows. */
struct dense_out {
	struct writer *w;
	uint32_t type;
	int text, precision;
	uint64_t cols, pos; /* pos: the next cell */
};

static int dense_put(struct dense_out *d, double v, struct mc_err *e)
{
	if (!fit(d->type, &v))
		return range_fail(e, d->type, d->pos / d->cols, d->pos % d->cols);
	if (!d->text) {
		mat_write_value(d->w, d->type, v);
	} else {
		char b[MAT_VALUE_BUFSIZE + 1];
		int n = mat_format_value(b, d->type, v, d->precision);

		b[n++] = (d->pos + 1) % d->cols == 0 ? '\n' : ' ';
		writer_write(d->w, b, (size_t)n);
	}
	d->pos++;
	return 0;
}

/* Zeros up to cell `end`. */
static void dense_fill(struct dense_out *d, uint64_t end)
{
	struct mc_err unused;

	while (d->pos < end)
		dense_put(d, 0, &unused); /* a zero always fits */
}

static int dense_visit(void *ctx, uint32_t row, uint32_t col, double v, struct mc_err *e)
{
	struct dense_out *d = ctx;

	dense_fill(d, (uint64_t)row * d->cols + col);
	return dense_put(d, v, e);
}

/* Writes every cell of the matrix in row-major order. */
static int write_dense(struct reader *r, const struct mat_header *h, struct dense_out *d,
                       struct mc_err *e)
{
	int k = mat_visit(r, h, dense_visit, d, e);

	if (k < 0)
		return k;
	dense_fill(d, h->rows * h->cols);
	if (d->text && h->cols == 0)
		for (uint64_t i = 0; i < h->rows; i++)
			writer_putc(d->w, '\n');
	return 0;
}

/* ---- whole-matrix operations ---- */

int mat_print(struct reader *r, const struct mat_header *h, uint32_t as_kind,
              const struct mc_opts *o, struct writer *w, struct mc_err *e)
{
	uint32_t type = o->type ? o->type : h->type;

	if ((as_kind ? as_kind : h->kind) == MAT_SPARSE) {
		struct sparse_out s = {w, type, OUT_TEXT, o->precision, h->kind == MAT_DENSE, 0};

		return mat_visit(r, h, sparse_put, &s, e);
	}
	struct dense_out d = {w, type, 1, o->precision, h->cols, 0};

	return write_dense(r, h, &d, e);
}

int mat_convert(struct reader *r, const struct mat_header *h, uint32_t kind,
                const struct mc_opts *o, struct writer *w, struct mc_err *e)
{
	struct mat_header out = *h;

	out.kind = kind ? kind : h->kind;
	out.type = o->type ? o->type : h->type;
	if (out.kind == MAT_SPARSE && h->kind == MAT_DENSE)
		out.nnz = MAT_NNZ_UNKNOWN;
	mat_write_header(w, &out);
	if (out.kind == MAT_SPARSE) {
		struct sparse_out s = {w, out.type, OUT_BINARY, 0, h->kind == MAT_DENSE, 0};

		return mat_visit(r, h, sparse_put, &s, e);
	}
	struct dense_out d = {w, out.type, 0, 0, h->cols, 0};

	return write_dense(r, h, &d, e);
}

static int transpose_add(void *ctx, uint32_t row, uint32_t col, double v, struct mc_err *e)
{
	return sorter_add(ctx, col, row, v, e);
}

static int transpose_dense(struct reader *r, const struct mat_header *h, uint32_t type,
                           struct writer *w, struct mc_err *e)
{
	struct mat_header out = {MAT_DENSE, type, h->cols, h->rows, 0};
	double *a;
	int k;

	if ((k = mat_load_dense(r, h, &a, e)) < 0)
		return k;
	mat_write_header(w, &out);
	for (uint64_t j = 0; j < h->cols; j++) {
		for (uint64_t i = 0; i < h->rows; i++) {
			double v = a[i * h->cols + j];

			if (!fit(type, &v)) {
				free(a);
				return range_fail(e, type, j, i);
			}
			mat_write_value(w, type, v);
		}
	}
	free(a);
	return 0;
}

int mat_transpose(struct reader *r, const struct mat_header *h, const struct mc_opts *o,
                  struct writer *w, struct mc_err *e)
{
	uint32_t type = o->type ? o->type : h->type, row, col;
	struct mat_header out = {MAT_SPARSE, type, h->cols, h->rows, 0};
	struct sparse_out s = {w, type, OUT_BINARY, 0, 0, 0};
	struct sorter t;
	double v;
	int k;

	if (h->kind == MAT_DENSE)
		return transpose_dense(r, h, type, w, e);
	sorter_init(&t, o, MC_DUPS_FAIL); /* no cell repeats in a valid input */
	if ((k = mat_visit(r, h, transpose_add, &t, e)) < 0 ||
	    (k = sorter_finish(&t, &out.nnz, e)) < 0)
		goto done;
	mat_write_header(w, &out);
	while ((k = sorter_next(&t, &row, &col, &v, e)) == 1)
		if ((k = sparse_put(&s, row, col, v, e)) < 0)
			break;
done:
	sorter_free(&t);
	return k;
}

int mat_sum(struct mc_source **src, size_t n, const struct mc_opts *o, struct writer *w,
            struct mc_err *e)
{
	struct mat_header out = {MAT_SPARSE, o->type, 0, 0, MAT_NNZ_UNKNOWN};
	struct sparse_out s = {w, 0, OUT_BINARY, 0, 0, 0};
	struct mc_merge m;
	uint32_t row, col;
	size_t count;
	double v;
	int k;

	for (size_t i = 0; i < n; i++) {
		const struct mat_header *h = &src[i]->h;

		if (h->kind != MAT_SPARSE)
			return fail(e, MC_EFORMAT, src[i]->r.name,
			            "a dense matrix (sum adds sparse matrices only)");
		if (i > 0 && (h->rows != src[0]->h.rows || h->cols != src[0]->h.cols))
			return fail(e, MC_EFORMAT, src[i]->r.name,
			            "shape %llux%llu differs from %llux%llu of %s",
			            (unsigned long long)h->rows, (unsigned long long)h->cols,
			            (unsigned long long)src[0]->h.rows,
			            (unsigned long long)src[0]->h.cols, src[0]->r.name);
		if (!o->type && (i == 0 || h->type == MAT_F64))
			out.type = h->type;
	}
	if (n > 0) {
		out.rows = src[0]->h.rows;
		out.cols = src[0]->h.cols;
	}
	s.type = out.type ? out.type : MAT_F64;
	out.type = s.type;
	if ((k = mc_merge_init(&m, src, n, e)) < 0) {
		mc_merge_free(&m);
		return k;
	}
	mat_write_header(w, &out);
	while ((k = mc_merge_next(&m, &row, &col, &v, &count, e)) == 1)
		if ((k = sparse_put(&s, row, col, v, e)) < 0)
			break;
	mc_merge_free(&m);
	return k;
}

/* ---- Matrix Market out ---- */

static void mtx_banner(struct writer *w, const char *format, uint32_t type)
{
	char b[128];
	int n = snprintf(b, sizeof(b), "%%%%MatrixMarket matrix %s real general\n%% nlp-mat: %s\n",
	                 format, type_name(type));

	writer_write(w, b, (size_t)n);
}

static void write_dims(struct writer *w, uint64_t a, uint64_t b, uint64_t c, int three)
{
	char buf[70], *p = buf;

	p = put_u64(p, a);
	*p++ = ' ';
	p = put_u64(p, b);
	if (three) {
		*p++ = ' ';
		p = put_u64(p, c);
	}
	*p++ = '\n';
	writer_write(w, buf, (size_t)(p - buf));
}

/* Copies spooled text from fd to w. */
static int copy_spool(int fd, struct writer *w, const char *dir, struct mc_err *e)
{
	char *buf = malloc(RUN_READ_BUF);
	ssize_t n;

	if (!buf)
		return nomem(e);
	if (lseek(fd, 0, SEEK_SET) < 0) {
		free(buf);
		return temp_fail(e, "rewind a", dir, errno);
	}
	while ((n = read(fd, buf, RUN_READ_BUF)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int errnum = errno;

			free(buf);
			return temp_fail(e, "read a", dir, errnum);
		}
		writer_write(w, buf, (size_t)n);
	}
	free(buf);
	return 0;
}

/* A sparse stream of unknown length: the entries go to a temporary file until they are
 * counted, then follow the size line. */
static int sparse_to_mtx_spooled(struct reader *r, const struct mat_header *h,
                                 struct sparse_out *s, struct writer *w, const char *dir,
                                 struct mc_err *e)
{
	struct writer spool;
	int fd = temp_open(dir, e), k;

	if (fd < 0)
		return fd;
	writer_init(&spool, fd);
	s->w = &spool;
	if ((k = mat_visit(r, h, sparse_put, s, e)) < 0) {
		writer_free(&spool);
		close(fd);
		return k;
	}
	writer_flush(&spool);
	if (spool.err) {
		k = spool.err;
		writer_free(&spool);
		close(fd);
		return temp_fail(e, "write a", dir, k);
	}
	writer_free(&spool);
	write_dims(w, h->rows, h->cols, s->n, 1);
	k = copy_spool(fd, w, dir, e);
	close(fd);
	return k;
}

int mat_to_mtx(struct reader *r, const struct mat_header *h, const struct mc_opts *o,
               struct writer *w, struct mc_err *e)
{
	uint32_t type = o->type ? o->type : h->type;
	struct sparse_out s = {w, type, OUT_MTX, o->precision, 0, 0};
	char b[MAT_VALUE_BUFSIZE + 1];
	double *a;
	int k;

	if (h->kind == MAT_SPARSE) {
		mtx_banner(w, "coordinate", type);
		if (h->nnz == MAT_NNZ_UNKNOWN)
			return sparse_to_mtx_spooled(r, h, &s, w, tmpdir_of(o), e);
		write_dims(w, h->rows, h->cols, h->nnz, 1);
		return mat_visit(r, h, sparse_put, &s, e);
	}
	if ((k = mat_load_dense(r, h, &a, e)) < 0)
		return k;
	mtx_banner(w, "array", type);
	write_dims(w, h->rows, h->cols, 0, 0);
	for (uint64_t j = 0; j < h->cols; j++) { /* Matrix Market arrays are column-major */
		for (uint64_t i = 0; i < h->rows; i++) {
			double v = a[i * h->cols + j];
			int n;

			if (!fit(type, &v)) {
				free(a);
				return range_fail(e, type, i, j);
			}
			n = mat_format_value(b, type, v, o->precision);
			b[n++] = '\n';
			writer_write(w, b, (size_t)n);
		}
	}
	free(a);
	return 0;
}

/* ---- Matrix Market in ---- */

#define MTX_TOKENS 5 /* fields kept of a line: the header has the most */

enum { MTX_REAL, MTX_INTEGER, MTX_PATTERN };
enum { MTX_GENERAL, MTX_SYMMETRIC, MTX_SKEW };

struct mtx {
	struct reader *r;
	uint64_t line;          /* of the last line read */
	int array, field, sym;
	uint64_t rows, cols, entries, seen;
	uint64_t ai, aj;        /* an array's next cell */
	uint32_t type;          /* of the output, for range checks */
	uint32_t hint;          /* from a "% nlp-mat: float32" comment, or 0 */
	int sum_dups;           /* repeated entries allowed: there may be more than cells */
	char *tok[MTX_TOKENS];
	int ntok;               /* fields on the line, counted beyond MTX_TOKENS */
};

static int mtx_err(struct mtx *m, struct mc_err *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int mtx_err(struct mtx *m, struct mc_err *e, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return fail(e, MC_EFORMAT, m->r->name, "line %llu: %s", (unsigned long long)m->line, msg);
}

/* Next line, split into fields at spaces and tabs. Returns 1, 0 at the end, or an error. */
static int mtx_line(struct mtx *m, char **line, struct mc_err *e)
{
	char *p;
	ssize_t n = reader_line(m->r, line);

	if (n == -1)
		return 0;
	if (n < 0)
		return mat_fail(e, MAT_EIO, m->r);
	m->line++;
	if (n > 0 && (*line)[n - 1] == '\r')
		(*line)[n - 1] = '\0';
	m->ntok = 0;
	for (p = *line; *p;) {
		p += strspn(p, " \t");
		if (!*p)
			break;
		if (m->ntok < MTX_TOKENS)
			m->tok[m->ntok] = p;
		m->ntok++;
		p += strcspn(p, " \t");
		if (*p)
			*p++ = '\0';
	}
	return 1;
}

/* The next line that is neither blank nor a comment; a "% nlp-mat: TYPE" comment sets the
 * type hint. */
static int mtx_data_line(struct mtx *m, struct mc_err *e)
{
	char *line;
	int k;

	while ((k = mtx_line(m, &line, e)) == 1) {
		if (line[0] == '%') { /* mtx_line has cut the line into fields */
			if (m->ntok == 3 && strcmp(m->tok[0], "%") == 0 &&
			    strcmp(m->tok[1], "nlp-mat:") == 0) {
				if (strcmp(m->tok[2], "float32") == 0)
					m->hint = MAT_F32;
				else if (strcmp(m->tok[2], "float64") == 0)
					m->hint = MAT_F64;
			}
			continue;
		}
		if (m->ntok > 0)
			return 1;
	}
	return k;
}

static int parse_u64(const char *s, uint64_t *v)
{
	uint64_t x = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || x > (UINT64_MAX - 9) / 10)
			return -1;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	*v = x;
	return 0;
}

static int mtx_banner_fields(struct mtx *m, struct mc_err *e)
{
	static const char *fields[] = {"real", "double", "integer", "pattern"};
	static const int fieldv[] = {MTX_REAL, MTX_REAL, MTX_INTEGER, MTX_PATTERN};
	int i;

	if (m->ntok != 5)
		return mtx_err(m, e, "the header has %d fields, not 5 "
		                     "(%%%%MatrixMarket matrix format field symmetry)", m->ntok);
	if (strcasecmp(m->tok[1], "matrix") != 0)
		return mtx_err(m, e, "object '%s' is not 'matrix'", m->tok[1]);
	if (strcasecmp(m->tok[2], "coordinate") == 0)
		m->array = 0;
	else if (strcasecmp(m->tok[2], "array") == 0)
		m->array = 1;
	else
		return mtx_err(m, e, "format '%s' is not 'coordinate' or 'array'", m->tok[2]);
	for (i = 0; i < 4 && strcasecmp(m->tok[3], fields[i]) != 0; i++)
		;
	if (i == 4)
		return strcasecmp(m->tok[3], "complex") == 0
		           ? mtx_err(m, e, "complex matrices are not supported")
		           : mtx_err(m, e, "field '%s' is not real, double, integer or pattern",
		                     m->tok[3]);
	m->field = fieldv[i];
	if (m->array && m->field == MTX_PATTERN)
		return mtx_err(m, e, "an array cannot have the pattern field");
	return 0;
}

static int mtx_symmetry(struct mtx *m, const char *s, struct mc_err *e)
{
	if (strcasecmp(s, "general") == 0)
		m->sym = MTX_GENERAL;
	else if (strcasecmp(s, "symmetric") == 0)
		m->sym = MTX_SYMMETRIC;
	else if (strcasecmp(s, "skew-symmetric") == 0)
		m->sym = MTX_SKEW;
	else if (strcasecmp(s, "hermitian") == 0)
		return mtx_err(m, e, "hermitian symmetry is for complex matrices");
	else
		return mtx_err(m, e, "symmetry '%s' is not general, symmetric or skew-symmetric",
		               s);
	return 0;
}

/* The most entries a file of this shape and symmetry can list. */
static uint64_t mtx_max_entries(const struct mtx *m)
{
	if (m->sym == MTX_SYMMETRIC)
		return m->rows * (m->rows + 1) / 2;
	if (m->sym == MTX_SKEW)
		return m->rows ? m->rows * (m->rows - 1) / 2 : 0;
	return m->rows * m->cols;
}

static int mtx_size_line(struct mtx *m, struct mc_err *e)
{
	int k = mtx_data_line(m, e), want = m->array ? 2 : 3;

	if (k < 0)
		return k;
	if (k == 0)
		return fail(e, MC_EFORMAT, m->r->name, "no size line");
	if (m->ntok != want)
		return mtx_err(m, e, "the size line has %d fields, not %d", m->ntok, want);
	if (parse_u64(m->tok[0], &m->rows) < 0 || parse_u64(m->tok[1], &m->cols) < 0 ||
	    (!m->array && parse_u64(m->tok[2], &m->entries) < 0))
		return mtx_err(m, e, "the size line is not %d non-negative integers", want);
	if (m->rows > MAT_MAX_DIM || m->cols > MAT_MAX_DIM)
		return mtx_err(m, e, "%llux%llu: more than %llu rows or columns",
		               (unsigned long long)m->rows, (unsigned long long)m->cols,
		               (unsigned long long)MAT_MAX_DIM);
	if (m->sym != MTX_GENERAL && m->rows != m->cols)
		return mtx_err(m, e, "a %s matrix must be square, not %llux%llu",
		               m->sym == MTX_SKEW ? "skew-symmetric" : "symmetric",
		               (unsigned long long)m->rows, (unsigned long long)m->cols);
	if (m->array)
		m->entries = mtx_max_entries(m);
	else if (!m->sum_dups && m->entries > mtx_max_entries(m))
		return mtx_err(m, e, "%llu entries do not fit in a %llux%llu matrix",
		               (unsigned long long)m->entries, (unsigned long long)m->rows,
		               (unsigned long long)m->cols);
	if (m->array && m->sym == MTX_SKEW)
		m->ai = 1; /* the diagonal is not listed */
	return 0;
}

static int mtx_read_header(struct mtx *m, struct mc_err *e)
{
	char *line;
	int k = mtx_line(m, &line, e);

	if (k < 0)
		return k;
	if (k == 0)
		return fail(e, MC_EFORMAT, m->r->name, "empty file: no %%%%MatrixMarket header");
	if (m->ntok == 0 || strcmp(m->tok[0], "%%MatrixMarket") != 0)
		return mtx_err(m, e, "not a Matrix Market file (no %%%%MatrixMarket header)");
	if ((k = mtx_banner_fields(m, e)) < 0 || (k = mtx_symmetry(m, m->tok[4], e)) < 0)
		return k;
	return mtx_size_line(m, e);
}

static int mtx_index(struct mtx *m, const char *s, uint64_t max, const char *what,
                     uint32_t *out, struct mc_err *e)
{
	uint64_t v;

	if (parse_u64(s, &v) < 0)
		return mtx_err(m, e, "%s index '%s' is not a positive integer", what, s);
	if (v < 1 || v > max)
		return mtx_err(m, e, "%s index %s out of range 1..%llu", what, s,
		               (unsigned long long)max);
	*out = (uint32_t)(v - 1);
	return 0;
}

static int mtx_value(struct mtx *m, const char *s, double *v, struct mc_err *e)
{
	char *end;

	errno = 0;
	if (m->field == MTX_INTEGER) {
		long long x = strtoll(s, &end, 10);

		if (end == s || *end)
			return mtx_err(m, e, "'%s' is not an integer", s);
		if (errno == ERANGE)
			return mtx_err(m, e, "integer %s is out of range", s);
		*v = (double)x;
	} else {
		*v = strtod(s, &end);
		if (end == s || *end)
			return mtx_err(m, e, "'%s' is not a number", s);
		if (!isfinite(*v))
			return mtx_err(m, e, "value %s is not finite", s);
		if (m->type == MAT_F32) /* straight to the nearest float32, not through a double */
			*v = strtof(s, NULL);
	}
	if (!fit(m->type, v))
		return mtx_err(m, e, "value %s is out of the range of %s", s, type_name(m->type));
	return 0;
}

/* Next entry as a 0-based cell (an array's in column-major order). Returns 1, or 0 after the
 * last entry when nothing but comments and blank lines follow it. */
static int mtx_next(struct mtx *m, uint32_t *i, uint32_t *j, double *v, struct mc_err *e)
{
	int k = mtx_data_line(m, e), want = m->array ? 1 : m->field == MTX_PATTERN ? 2 : 3;

	if (k < 0)
		return k;
	if (m->seen == m->entries) {
		if (k == 1)
			return mtx_err(m, e, "more entries than the %llu of the size line",
			               (unsigned long long)m->entries);
		return 0;
	}
	if (k == 0)
		return fail(e, MC_EFORMAT, m->r->name, "the file ends after %llu of %llu entries",
		            (unsigned long long)m->seen, (unsigned long long)m->entries);
	if (m->ntok != want)
		return mtx_err(m, e, "%d fields, not %d", m->ntok, want);
	if (m->array) {
		*i = (uint32_t)m->ai;
		*j = (uint32_t)m->aj;
		if (++m->ai == m->rows) { /* next column; a symmetric one starts at the diagonal */
			m->aj++;
			m->ai = m->sym == MTX_GENERAL     ? 0
			        : m->sym == MTX_SYMMETRIC ? m->aj
			                                  : m->aj + 1;
		}
	} else if ((k = mtx_index(m, m->tok[0], m->rows, "row", i, e)) < 0 ||
	           (k = mtx_index(m, m->tok[1], m->cols, "column", j, e)) < 0) {
		return k;
	}
	if (m->field == MTX_PATTERN)
		*v = 1;
	else if ((k = mtx_value(m, m->tok[want - 1], v, e)) < 0)
		return k;
	if (m->sym == MTX_SKEW && *i == *j)
		return mtx_err(m, e, "a diagonal entry in a skew-symmetric matrix");
	m->seen++;
	return 1;
}

static int mtx_dense(struct mtx *m, struct writer *w, struct mc_err *e)
{
	struct mat_header h = {MAT_DENSE, m->type, m->rows, m->cols, 0};
	uint64_t n = m->rows * m->cols;
	double *a, v;
	uint32_t i, j;
	int k;

	if (n > SIZE_MAX / sizeof(double) || !(a = calloc(n ? n : 1, sizeof(double))))
		return nomem(e);
	while ((k = mtx_next(m, &i, &j, &v, e)) == 1) {
		a[(uint64_t)i * m->cols + j] = v;
		if (m->sym != MTX_GENERAL)
			a[(uint64_t)j * m->cols + i] = m->sym == MTX_SKEW ? -v : v;
	}
	if (k == 0) {
		mat_write_header(w, &h);
		for (uint64_t x = 0; x < n; x++)
			mat_write_value(w, m->type, a[x]);
	}
	free(a);
	return k;
}

static int mtx_sparse(struct mtx *m, const struct mc_opts *o, struct writer *w,
                      struct mc_err *e)
{
	struct mat_header h = {MAT_SPARSE, m->type, m->rows, m->cols, 0};
	struct sparse_out s = {w, m->type, OUT_BINARY, 0, 0, 0};
	struct sorter t;
	uint32_t i, j;
	double v;
	int k;

	sorter_init(&t, o, o->dups);
	while ((k = mtx_next(m, &i, &j, &v, e)) == 1) {
		if ((k = sorter_add(&t, i, j, v, e)) < 0)
			break;
		if (m->sym != MTX_GENERAL && i != j &&
		    (k = sorter_add(&t, j, i, m->sym == MTX_SKEW ? -v : v, e)) < 0)
			break;
	}
	if (k == 0 && (k = sorter_finish(&t, &h.nnz, e)) == 0) {
		mat_write_header(w, &h);
		while ((k = sorter_next(&t, &i, &j, &v, e)) == 1)
			if ((k = sparse_put(&s, i, j, v, e)) < 0)
				break;
	}
	if (k < 0 && !e->name && e->code == MC_EFORMAT)
		e->name = m->r->name; /* a repeated entry or an overflowing sum */
	sorter_free(&t);
	return k;
}

int mtx_to_mat(struct reader *r, const struct mc_opts *o, struct writer *w, struct mc_err *e)
{
	struct mtx m = {.r = r, .type = o->type ? o->type : MAT_F64,
	                .sum_dups = o->dups == MC_DUPS_SUM};
	int k = mtx_read_header(&m, e);

	if (k < 0)
		return k;
	if (!o->type && m.hint)
		m.type = m.hint;
	return m.array ? mtx_dense(&m, w, e) : mtx_sparse(&m, o, w, e);
}

/* ---- NumPy .npy ---- */

#define NPY_MAGIC "\x93NUMPY"
#define NPY_ALIGN 64

void npy_write_header(struct writer *w, const struct npy_header *h)
{
	char dict[160], pre[10];
	int n = snprintf(dict, sizeof(dict),
	                 "{'descr': '%s', 'fortran_order': False, 'shape': (%llu, %llu), }",
	                 h->type == MAT_F32 ? "<f4" : "<f8", (unsigned long long)h->rows,
	                 (unsigned long long)h->cols);
	/* as numpy.save: spaces and a newline pad the header to a multiple of 64 bytes */
	size_t len = (size_t)n + 1, pad = NPY_ALIGN - (10 + len) % NPY_ALIGN;

	len += pad;
	memcpy(pre, NPY_MAGIC "\x01\x00", 8);
	pre[8] = (char)(len & 0xff);
	pre[9] = (char)(len >> 8);
	writer_write(w, pre, 10);
	writer_write(w, dict, (size_t)n);
	for (size_t i = 0; i < pad; i++)
		writer_putc(w, ' ');
	writer_putc(w, '\n');
}

/* A cursor over the header's text, a Python dict literal. */
struct npy_parse {
	const char *p, *end;
};

static void npy_ws(struct npy_parse *q)
{
	while (q->p < q->end && strchr(" \t\r\n", *q->p) && *q->p)
		q->p++;
}

static int npy_char(struct npy_parse *q, char c)
{
	npy_ws(q);
	if (q->p < q->end && *q->p == c) {
		q->p++;
		return 1;
	}
	return 0;
}

/* A quoted string (no escapes) into out[size]. */
static int npy_string(struct npy_parse *q, char *out, size_t size)
{
	char quote;
	size_t n = 0;

	npy_ws(q);
	if (q->p >= q->end || (*q->p != '\'' && *q->p != '"'))
		return -1;
	quote = *q->p++;
	while (q->p < q->end && *q->p != quote) {
		if (*q->p == '\\' || n + 1 >= size)
			return -1;
		out[n++] = *q->p++;
	}
	if (q->p >= q->end)
		return -1;
	q->p++;
	out[n] = '\0';
	return 0;
}

static int npy_word(struct npy_parse *q, const char *w)
{
	size_t n = strlen(w);

	npy_ws(q);
	if ((size_t)(q->end - q->p) >= n && memcmp(q->p, w, n) == 0) {
		q->p += n;
		return 1;
	}
	return 0;
}

/* A tuple of non-negative integers; *ndim counts them all, dims[] keeps the first 3. */
static int npy_shape(struct npy_parse *q, uint64_t dims[3], int *ndim)
{
	*ndim = 0;
	if (!npy_char(q, '('))
		return -1;
	for (;;) {
		uint64_t v = 0;
		const char *start;

		if (npy_char(q, ')'))
			return 0;
		npy_ws(q);
		start = q->p;
		while (q->p < q->end && *q->p >= '0' && *q->p <= '9') {
			if (v > (UINT64_MAX - 9) / 10)
				return -1;
			v = v * 10 + (uint64_t)(*q->p++ - '0');
		}
		if (q->p == start)
			return -1;
		if (*ndim < 3)
			dims[*ndim] = v;
		(*ndim)++;
		if (!npy_char(q, ',')) {
			return npy_char(q, ')') ? 0 : -1;
		}
	}
}

static void shape_text(char *buf, size_t size, const uint64_t dims[3], int ndim)
{
	int n = snprintf(buf, size, "(");

	for (int i = 0; i < ndim && i < 3; i++)
		n += snprintf(buf + n, size - (size_t)n, "%s%llu", i ? ", " : "",
		              (unsigned long long)dims[i]);
	snprintf(buf + n, size - (size_t)n, "%s)", ndim == 1 ? "," : ndim > 3 ? ", ..." : "");
}

/* Parses the dict {'descr': ..., 'fortran_order': ..., 'shape': ...}. */
static int npy_dict(struct npy_parse *q, struct npy_header *h, const char *name,
                    struct mc_err *e)
{
	char key[32], descr[32] = "", shape[100];
	int seen = 0, fortran = 0, ndim = 0;
	uint64_t dims[3];

	if (!npy_char(q, '{'))
		return fail(e, MC_EFORMAT, name, "malformed .npy header: no '{'");
	while (!npy_char(q, '}')) {
		int bit;

		if (npy_string(q, key, sizeof(key)) < 0 || !npy_char(q, ':'))
			return fail(e, MC_EFORMAT, name, "malformed .npy header: expected a key");
		bit = !strcmp(key, "descr") ? 1 : !strcmp(key, "fortran_order") ? 2
		    : !strcmp(key, "shape") ? 4 : 0;
		if (!bit || (seen & bit))
			return fail(e, MC_EFORMAT, name, "malformed .npy header: %s key '%s'",
			            bit ? "repeated" : "unexpected", key);
		seen |= bit;
		if (bit == 1 && npy_string(q, descr, sizeof(descr)) < 0)
			return fail(e, MC_EFORMAT, name,
			            "dtype is not a simple type "
			            "(structured arrays are not supported)");
		if (bit == 2 && !(fortran = npy_word(q, "True")) && !npy_word(q, "False"))
			return fail(e, MC_EFORMAT, name,
			            "malformed .npy header: bad fortran_order");
		if (bit == 4 && npy_shape(q, dims, &ndim) < 0)
			return fail(e, MC_EFORMAT, name, "malformed .npy header: bad shape");
		if (!npy_char(q, ',')) {
			if (!npy_char(q, '}'))
				return fail(e, MC_EFORMAT, name,
				            "malformed .npy header: expected ','");
			break;
		}
	}
	npy_ws(q);
	if (q->p != q->end)
		return fail(e, MC_EFORMAT, name, "malformed .npy header: text after the dict");
	if (seen != 7)
		return fail(e, MC_EFORMAT, name, "malformed .npy header: missing %s",
		            !(seen & 1) ? "descr" : !(seen & 2) ? "fortran_order" : "shape");
	if (strcmp(descr, "<f4") == 0)
		h->type = MAT_F32;
	else if (strcmp(descr, "<f8") == 0)
		h->type = MAT_F64;
	else
		return fail(e, MC_EFORMAT, name,
		            "dtype '%s' is not supported (only '<f4' and '<f8')", descr);
	if (fortran)
		return fail(e, MC_EFORMAT, name, "Fortran-ordered arrays are not supported");
	shape_text(shape, sizeof(shape), dims, ndim);
	if (ndim != 2)
		return fail(e, MC_EFORMAT, name, "shape %s is not 2-D", shape);
	if (dims[0] > MAT_MAX_DIM || dims[1] > MAT_MAX_DIM)
		return fail(e, MC_EFORMAT, name, "shape %s has more than %llu rows or columns",
		            shape, (unsigned long long)MAT_MAX_DIM);
	h->rows = dims[0];
	h->cols = dims[1];
	return 0;
}

int npy_read_header(struct reader *r, struct npy_header *h, struct mc_err *e)
{
	unsigned char pre[12];
	ssize_t n = reader_read(r, pre, 8);
	size_t lenbytes, len, have = 0, cap = 0;
	char *text = NULL;
	int k;

	if (n < 0)
		return mat_fail(e, MAT_EIO, r);
	if (memcmp(pre, NPY_MAGIC, n < 6 ? (size_t)n : 6) != 0)
		return fail(e, MC_EFORMAT, r->name, "not a .npy file (bad magic)");
	if (n < 8)
		return fail(e, MC_EFORMAT, r->name, "truncated .npy header");
	if (pre[6] == 1 && pre[7] == 0)
		lenbytes = 2;
	else if ((pre[6] == 2 || pre[6] == 3) && pre[7] == 0)
		lenbytes = 4;
	else
		return fail(e, MC_EFORMAT, r->name, "unsupported .npy version %u.%u", pre[6],
		            pre[7]);
	if ((n = reader_read(r, pre + 8, lenbytes)) < 0)
		return mat_fail(e, MAT_EIO, r);
	if ((size_t)n < lenbytes)
		return fail(e, MC_EFORMAT, r->name, "truncated .npy header");
	len = pre[8] | (size_t)pre[9] << 8;
	if (lenbytes == 4)
		len |= (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
	while (have < len) { /* grows with the bytes actually there, whatever len claims */
		size_t want = len - have < 4096 ? len - have : 4096;
		char *nt;

		if (have + want > cap) {
			cap = cap ? 2 * cap : 4096;
			if (!(nt = realloc(text, cap))) {
				free(text);
				return nomem(e);
			}
			text = nt;
		}
		if ((n = reader_read(r, text + have, want)) < 0) {
			free(text);
			return mat_fail(e, MAT_EIO, r);
		}
		if ((size_t)n < want) {
			free(text);
			return fail(e, MC_EFORMAT, r->name, "truncated .npy header");
		}
		have += want;
	}
	struct npy_parse q = {text, text + len};

	k = npy_dict(&q, h, r->name, e);
	free(text);
	return k;
}

int mat_to_npy(struct reader *r, const struct mat_header *h, const struct mc_opts *o,
               struct writer *w, struct mc_err *e)
{
	struct npy_header nh = {o->type ? o->type : h->type, h->rows, h->cols};
	struct dense_out d = {w, nh.type, 0, 0, h->cols, 0};

	npy_write_header(w, &nh);
	return write_dense(r, h, &d, e);
}

int npy_to_mat(struct reader *r, const struct mc_opts *o, struct writer *w, struct mc_err *e)
{
	struct npy_header nh;
	struct mat_header h;
	uint64_t left, pos = 0;
	double *buf;
	int k = npy_read_header(r, &nh, e);

	if (k < 0)
		return k;
	h = (struct mat_header){MAT_DENSE, o->type ? o->type : nh.type, nh.rows, nh.cols, 0};
	if (!(buf = malloc(VALUE_BLOCK * sizeof(double))))
		return nomem(e);
	mat_write_header(w, &h);
	for (left = nh.rows * nh.cols; left > 0;) {
		uint64_t n = left < VALUE_BLOCK ? left : VALUE_BLOCK;

		if ((k = mat_read_values(r, nh.type, buf, n)) < 0) {
			free(buf);
			if (k == MAT_ETRUNC)
				return fail(e, MC_EFORMAT, r->name, "truncated .npy data");
			return mat_fail(e, k, r);
		}
		for (uint64_t x = 0; x < n; x++, pos++) {
			if (!fit(h.type, &buf[x])) {
				free(buf);
				return range_fail(e, h.type, pos / nh.cols, pos % nh.cols);
			}
			mat_write_value(w, h.type, buf[x]);
		}
		left -= n;
	}
	free(buf);
	return dense_end(r, ".npy array", e);
}
