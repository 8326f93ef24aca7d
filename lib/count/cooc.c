/* cooc.c: a dense block, a buffer of updates sorted into runs on disk, and their merge in row
 * order. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/bigmem.h"
#include "base/heap.h"
#include "base/phase.h"
#include "base/runs.h"
#include "count/cooc.h"
#include "base/io.h"

#define DENSE_MAX ((size_t)64 << 20) /* bytes: the dense block should stay mostly in cache */
#define BUF_MAX ((size_t)16 << 20) /* updates in the buffer */
#define BUF_MIN ((size_t)1 << 14)  /* updates in the buffer, at the least: smaller runs cost more */
#define RADIX 11

static inline uint32_t key_row(uint64_t key)
{
	return (uint32_t)((key - 1) >> 32);
}

static inline uint32_t key_col(uint64_t key)
{
	return (uint32_t)(key - 1);
}

/* Cells of the dense block whose rows hold the columns below p / (row + 1). */
static uint64_t dense_cells(uint32_t size, uint64_t p)
{
	uint64_t n = 0;

	for (uint64_t r = 0; r < size; r++) {
		uint64_t lim = p / (r + 1);

		if (lim == 0)
			break;
		n += lim < size ? lim : size;
	}
	return n;
}

static int dense_init(struct cooc *c, size_t bytes)
{
	uint64_t lo = 0, hi = (uint64_t)c->size * c->size, max = bytes / sizeof(uint64_t);
	uint64_t p, at = 0;

	while (lo < hi) { /* the largest p whose block fits */
		uint64_t mid = lo + (hi - lo + 1) / 2;

		if (dense_cells(c->size, mid) <= max)
			lo = mid;
		else
			hi = mid - 1;
	}
	p = lo;
	c->lim = malloc((c->size ? c->size : 1) * sizeof(*c->lim));
	c->off = malloc((c->size ? c->size : 1) * sizeof(*c->off));
	if (!c->lim || !c->off)
		return -1;
	for (uint64_t r = 0; r < c->size; r++) {
		uint64_t lim = p / (r + 1);

		c->lim[r] = (uint32_t)(lim < c->size ? lim : c->size);
		c->off[r] = at;
		at += c->lim[r];
	}
	c->ncells = at;
	return (c->cells = bigmem_alloc(at * sizeof(uint64_t))) ? 0 : -1;
}

static unsigned bits_for(uint64_t n)
{
	unsigned b = 0;

	while (b < 64 && ((uint64_t)1 << b) < n)
		b++;
	return b;
}

/* What a failed public function fills e with: "counting: out of memory", or "counting:
 * temporary file in DIR: reason" (errno; base/runs). Returns -1. */
static int counting_error(struct error *e)
{
	return runs_error(e, "counting");
}

size_t cooc_min_bytes(uint32_t size)
{
	return (size_t)size * (sizeof(uint32_t) + sizeof(uint64_t)) + 2 * BUF_MIN * sizeof(uint64_t);
}

int cooc_init(struct cooc *c, uint32_t size, int exact, const uint64_t *weight,
              unsigned nweights, size_t budget, size_t maxruns, struct error *e)
{
	size_t fixed = (size_t)size * (sizeof(uint32_t) + sizeof(uint64_t)), dense;

	memset(c, 0, sizeof(*c));
	c->size = size;
	c->exact = exact;
	c->weight = weight;
	c->maxruns = maxruns;
	c->wbits = bits_for(nweights);
	c->cbits = bits_for(size);
	if (size > COOC_MAX_SIZE || 2 * c->cbits + c->wbits > 64)
		return error_set(e, -1, EOVERFLOW, NULL, 0, "counting");
	if (!(c->runs = calloc(1, sizeof(*c->runs))))
		goto nomem;
	budget = budget > fixed ? budget - fixed : 0;
	dense = budget / 8 < DENSE_MAX ? budget / 8 : DENSE_MAX;
	if (dense_init(c, dense) < 0)
		goto nomem;
	/* the rest: the buffer and as much again for the radix sort */
	budget -= c->ncells * sizeof(uint64_t);
	c->capbuf = budget / 2 / sizeof(uint64_t);
	if (c->capbuf > BUF_MAX)
		c->capbuf = BUF_MAX; /* larger buffers gain little and cost their first touch */
	if (c->capbuf < BUF_MIN)
		c->capbuf = BUF_MIN; /* cooc_min_bytes asks for it */
	if (!(c->buf = bigmem_alloc(c->capbuf * sizeof(uint64_t))) ||
	    !(c->tmp = bigmem_alloc(c->capbuf * sizeof(uint64_t))))
		goto nomem;
	return 0;
nomem:
	cooc_free(c);
	return error_set(e, -1, ENOMEM, NULL, 0, "counting");
}

void cooc_free(struct cooc *c)
{
	if (c->runs) {
		runlist_close(c->runs);
		free(c->runs);
	}
	free(c->lim);
	free(c->off);
	bigmem_free(c->cells, c->ncells * sizeof(uint64_t));
	bigmem_free(c->buf, c->capbuf * sizeof(uint64_t));
	bigmem_free(c->tmp, c->capbuf * sizeof(uint64_t));
	memset(c, 0, sizeof(*c));
}

/* ---- the buffer ---- */

static int write_run(struct cooc *c, const struct cooc_kv *a, size_t n);

/* Sorts a[0..n) by bits [lo, hi) with least-significant-digit radix passes through tmp; returns
 * where the sorted words are (a or tmp). */
static uint64_t *radix_sort(uint64_t *a, uint64_t *tmp, size_t n, unsigned lo, unsigned hi)
{
	size_t count[1 << RADIX]; /* 16 KB on the stack: each thread sorts its own buffer */

	for (unsigned shift = lo; shift < hi; shift += RADIX) {
		uint64_t *t;
		size_t sum = 0;

		memset(count, 0, sizeof(count));
		for (size_t i = 0; i < n; i++)
			count[(a[i] >> shift) & ((1u << RADIX) - 1)]++;
		for (size_t d = 0; d < (1u << RADIX); d++) {
			size_t k = count[d];

			count[d] = sum;
			sum += k;
		}
		for (size_t i = 0; i < n; i++)
			tmp[count[(a[i] >> shift) & ((1u << RADIX) - 1)]++] = a[i];
		t = a;
		a = tmp;
		tmp = t;
	}
	return a;
}

/* Sorts the buffer and sums equal cells into (key, value) pairs; with keep, returns them in
 * memory when they fit (*kvp, *np), else writes them as runs (and sets *np to 0). */
static int sort_buffer(struct cooc *c, int keep, struct cooc_kv **kvp, size_t *np);

int cooc_flush(struct cooc *c, struct error *e)
{
	struct cooc_kv *kv;
	size_t n;

	return sort_buffer(c, 0, &kv, &n) < 0 ? counting_error(e) : 0;
}

static int sort_buffer(struct cooc *c, int keep, struct cooc_kv **kvp, size_t *np)
{
	uint64_t *a = radix_sort(c->buf, c->tmp, c->nbuf, c->wbits, c->wbits + 2 * c->cbits);
	struct cooc_kv *kv = (struct cooc_kv *)(a == c->buf ? c->tmp : c->buf);
	uint64_t wmask = ((uint64_t)1 << c->wbits) - 1, cmask = ((uint64_t)1 << c->cbits) - 1;
	size_t n = 0, cap = c->capbuf * sizeof(uint64_t) / sizeof(*kv);

	/* the sorted words go to the other half as (key, value) pairs, flushed when it is full */
	for (size_t i = 0; i < c->nbuf;) {
		uint64_t cell = a[i] >> c->wbits, val = c->weight[a[i] & wmask];

		for (i++; i < c->nbuf && a[i] >> c->wbits == cell; i++)
			val = cooc_sum(c->exact, val, c->weight[a[i] & wmask]);
		if (n == cap) {
			if (write_run(c, kv, n) < 0)
				return -1;
			n = 0;
			keep = 0;
		}
		kv[n].key = ((cell >> c->cbits) << 32 | (cell & cmask)) + 1;
		kv[n++].val = val;
	}
	c->nbuf = 0;
	if (keep && c->runs->n == 0) {
		*kvp = kv;
		*np = n;
		return 0;
	}
	*np = 0;
	return n ? write_run(c, kv, n) : 0;
}

static runs_merge_fn reduce_merge;

/* Writes n sorted entries as a run (base/runs), and keeps c->maxruns open at most. */
static int write_run(struct cooc *c, const struct cooc_kv *a, size_t n)
{
	struct runs_writer rw;

	if (runs_begin(&rw) < 0)
		return -1;
	writer_write(&rw.w, (const char *)a, n * sizeof(*a));
	if (runs_end(&rw, c->runs, 0) < 0)
		return -1;
	return runs_bound(c->runs, c->maxruns, !c->exact, reduce_merge, c); /* doubles: in order */
}

/* ---- output ---- */

/* A sorted source of entries: entries in memory, or a run. */
struct src {
	struct cooc_kv cur;
	int done;
	const struct cooc_kv *mem;
	size_t i, n;
	struct reader r;
	int file;
	struct phase_meter *meter; /* the merge's progress, or NULL */
};

static int src_next(struct src *s)
{
	if (!s->file) {
		if (s->i == s->n)
			s->done = 1;
		else
			s->cur = s->mem[s->i++];
		return 0;
	}
	ssize_t got = reader_read(&s->r, &s->cur, sizeof(s->cur));

	if (got == 0) {
		s->done = 1;
		return 0;
	}
	if (got != (ssize_t)sizeof(s->cur)) {
		errno = got < 0 ? errno : EIO;
		return -1;
	}
	if (s->meter)
		phase_meter_add(s->meter, sizeof(s->cur));
	return 0;
}

static int src_open(struct src *s, int fd, struct phase_meter *meter)
{
	memset(s, 0, sizeof(*s));
	s->file = 1;
	s->meter = meter;
	if (runs_read(&s->r, fd) < 0) {
		s->file = 0;
		s->done = 1;
		return -1;
	}
	return src_next(s);
}

struct merger {
	struct src *srcs;
	struct src **heap;
	size_t n;
	int exact;
};

/* The heap of sources (base/heap.h): pointers, by their heads' keys. */
static int src_less(const void *a, const void *b, void *ctx)
{
	(void)ctx;
	return (*(struct src *const *)a)->cur.key < (*(struct src *const *)b)->cur.key;
}

/* The next entry of the merge, equal keys summed; returns 1, 0 at the end, or -1. */
static int merger_next(struct merger *m, struct cooc_kv *out)
{
	int have = 0;

	while (m->n > 0) {
		struct src *s = m->heap[0];

		if (have && s->cur.key != out->key)
			break;
		if (have)
			out->val = cooc_sum(m->exact, out->val, s->cur.val);
		else
			*out = s->cur;
		have = 1;
		if (src_next(s) < 0)
			return -1;
		if (s->done)
			heap_pop(m->heap, &m->n, sizeof(*m->heap), src_less, NULL);
		else
			heap_down(m->heap, m->n, 0, sizeof(*m->heap), src_less, NULL);
	}
	return have;
}

/* Opens the runs fds[0..n) and, when mem is not NULL, the sorted entries mem[0..nmem); meter
 * (or NULL) counts the bytes read from the runs. */
static int merger_open(struct merger *m, int *fds, size_t n, const struct cooc_kv *mem,
                       size_t nmem, int exact, struct phase_meter *meter)
{
	int r = 0;

	m->srcs = calloc(n + 1, sizeof(*m->srcs));
	m->heap = calloc(n + 1, sizeof(*m->heap));
	m->n = 0;
	m->exact = exact;
	if (!m->srcs || !m->heap) {
		for (size_t i = 0; i < n; i++)
			close(fds[i]);
		errno = ENOMEM;
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (src_open(&m->srcs[i], fds[i], meter) < 0)
			r = -1;
	if (mem) {
		m->srcs[n] = (struct src){.mem = mem, .n = nmem};
		src_next(&m->srcs[n]);
	}
	for (size_t i = 0; i <= n; i++)
		if (!m->srcs[i].done && (i < n || mem))
			m->heap[m->n++] = &m->srcs[i];
	heap_make(m->heap, m->n, sizeof(*m->heap), src_less, NULL);
	if (r)
		m->n = 0;
	return r;
}

static void merger_close(struct merger *m, size_t n)
{
	for (size_t i = 0; m->srcs && i < n; i++)
		if (m->srcs[i].file)
			reader_close(&m->srcs[i].r);
	free(m->srcs);
	free(m->heap);
}

/* runs_reduce's merge: the runs fds[0..n), equal cells summed, into w. */
static int reduce_merge(void *ctx, int *fds, size_t n, struct writer *w)
{
	struct cooc *c = ctx;
	struct merger m;
	struct cooc_kv kv;
	int r = merger_open(&m, fds, n, NULL, 0, c->exact, c->meter), e;

	while (r == 0 && (r = merger_next(&m, &kv)) == 1) {
		writer_write(w, (const char *)&kv, sizeof(kv));
		r = 0;
	}
	e = r < 0 ? (errno ? errno : EIO) : 0;
	merger_close(&m, n);
	errno = e;
	return r < 0 ? -1 : 0;
}

/* Merges runs RUNS_FANIN at a time until at most RUNS_FANIN are left (the workers' runs joined
 * make more). */
static int reduce_runs(struct cooc *c)
{
	return runs_reduce(c->runs, RUNS_FANIN, reduce_merge, c);
}

int cooc_absorb(struct cooc *a, struct cooc *b, struct error *e)
{
	if (a->size != b->size || a->ncells != b->ncells || a->exact != b->exact)
		return error_set(e, -1, EINVAL, NULL, 0, "counting");
	for (size_t i = 0; i < a->ncells; i++)
		a->cells[i] = cooc_sum(a->exact, a->cells[i], b->cells[i]);
	/* b's buffered updates join a's, which go to disk only when full */
	for (size_t i = 0; i < b->nbuf; i++) {
		a->buf[a->nbuf++] = b->buf[i];
		if (a->nbuf == a->capbuf && cooc_flush(a, e) < 0)
			return -1;
	}
	b->nbuf = 0;
	return runlist_absorb(a->runs, b->runs) < 0 ? counting_error(e) : 0;
}

int cooc_emit(struct cooc *c, cooc_emit_fn *fn, void *ctx, struct error *e)
{
	struct merger m;
	struct cooc_kv kv, *mem = NULL;
	size_t nruns, nmem = 0;
	int more, r = 0;

	struct phase_meter meter = {0};

	/* the last buffer stays in memory when nothing went to disk before */
	phase_begin("sorting", 0, "");
	if (sort_buffer(c, c->runs->n == 0, &mem, &nmem) < 0)
		return counting_error(e);
	if (c->runs->n > RUNS_FANIN) { /* the workers' runs joined */
		phase_begin("merging runs", runlist_bytes(c->runs), PHASE_BYTES);
		c->meter = &meter;
		r = reduce_runs(c);
		c->meter = NULL;
		if (r < 0)
			return counting_error(e);
		meter = (struct phase_meter){0};
	}
	phase_begin("writing", runlist_bytes(c->runs), PHASE_BYTES);
	nruns = c->runs->n;
	c->runs->n = 0; /* the merger owns the descriptors now */
	if (merger_open(&m, c->runs->fds, nruns, nmem ? mem : NULL, nmem, c->exact, &meter) < 0) {
		merger_close(&m, nruns);
		return counting_error(e);
	}
	more = merger_next(&m, &kv);
	for (uint32_t row = 0; row < c->size && more >= 0 && !r; row++) {
		const uint64_t *cells = c->cells + c->off[row];

		for (uint32_t col = 0; col < c->lim[row] && !r; col++)
			if (cells[col])
				r = fn(ctx, row, col, cells[col]);
		while (more == 1 && key_row(kv.key) == row && !r) {
			r = fn(ctx, row, key_col(kv.key), kv.val);
			more = merger_next(&m, &kv);
		}
	}
	if (more < 0 && !r)
		r = counting_error(e);
	merger_close(&m, nruns);
	return r;
}
