/* ngc.c: n-gram counting with a memory budget, sorted runs on disk and a k-way merge.
 *
 * Order of keys without building them: units never hold a space, so the bytes of "a b c" compare
 * as the units compare one by one, each but the last as if followed by a space ("terminated"),
 * the last as a plain string. Ranking the units in both orders once turns every key into a tuple
 * of integers that sorts like the bytes. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/bigmem.h"
#include "base/buf.h"
#include "base/heap.h"
#include "base/phase.h"
#include "base/runs.h"
#include "count/ngc.h"
#include "base/io.h"

#define TUP_MIN_SLOTS 1024
#define PREFETCH_LAG NGC_PREFETCH

/* ---- tuple tables ---- */

/* A slot is stride 32-bit words: the count (0: empty), then the n ids. A count that would
 * pass UINT32_MAX sends the table to disk first (counts on disk are 64-bit). */
struct tuptab {
	unsigned n, stride;
	uint32_t *slots;
	size_t nslots, used;
};

static inline size_t fastrange(uint64_t h, size_t n)
{
	return (size_t)(((unsigned __int128)h * n) >> 64);
}

static inline uint64_t tup_hash(const uint32_t *ids, unsigned n)
{
	uint64_t h = n;

	for (unsigned k = 0; k < n; k++) {
		h = (h + ids[k]) * 0x9e3779b97f4a7c15ull;
		h ^= h >> 32;
	}
	h *= 0xbf58476d1ce4e5b9ull;
	return h ^ (h >> 31);
}

static size_t tup_limit(size_t nslots)
{
	return nslots / 10 * 7;
}

static size_t tup_bytes(const struct tuptab *t, size_t nslots)
{
	return nslots * t->stride * sizeof(uint32_t);
}

/* Slots needed for more entries: the table doubles. */
static size_t tup_slots_for(const struct tuptab *t, size_t more)
{
	size_t ns = t->nslots;

	while (tup_limit(ns) < t->used + more)
		ns *= 2;
	return ns;
}

static inline int ids_equal(const uint32_t *a, const uint32_t *b, unsigned n)
{
	uint64_t x, y;

	if (n == 2) {
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		return x == y;
	}
	return memcmp(a, b, n * sizeof(uint32_t)) == 0;
}

/* Adds count to the n-gram's slot; returns -1, adding nothing, when its count would overflow. */
static inline int tup_bump(struct tuptab *t, const uint32_t *ids, uint64_t h, uint32_t count)
{
	size_t i = fastrange(h, t->nslots);

	for (;;) {
		uint32_t *s = t->slots + i * t->stride;

		if (s[0] == 0) {
			memcpy(s + 1, ids, t->n * sizeof(uint32_t));
			s[0] = count;
			t->used++;
			return 0;
		}
		if (ids_equal(s + 1, ids, t->n)) {
			if (count > UINT32_MAX - s[0])
				return -1;
			s[0] += count;
			return 0;
		}
		if (++i == t->nslots)
			i = 0;
	}
}

/* Rehashes into nslots slots, hashing a few entries ahead and prefetching their new slots. */
static int tup_resize(struct tuptab *t, size_t nslots)
{
	uint32_t *old = t->slots;
	size_t oldn = t->nslots, head = 0, tail = 0, j;
	uint64_t hs[PREFETCH_LAG];
	const uint32_t *pend[PREFETCH_LAG];

	if (!(t->slots = bigmem_alloc(tup_bytes(t, nslots)))) {
		t->slots = old;
		return -1;
	}
	t->nslots = nslots;
	t->used = 0;
	for (size_t i = 0; i < oldn; i++) {
		const uint32_t *s = old + i * t->stride;

		if (!s[0])
			continue;
		if (head - tail == PREFETCH_LAG) {
			j = tail++ % PREFETCH_LAG;
			tup_bump(t, pend[j] + 1, hs[j], pend[j][0]);
		}
		j = head++ % PREFETCH_LAG;
		pend[j] = s;
		hs[j] = tup_hash(s + 1, t->n);
		__builtin_prefetch(t->slots + fastrange(hs[j], nslots) * t->stride, 1);
	}
	while (tail < head) {
		j = tail++ % PREFETCH_LAG;
		tup_bump(t, pend[j] + 1, hs[j], pend[j][0]);
	}
	bigmem_free(old, tup_bytes(t, oldn));
	return 0;
}

static int tup_init(struct tuptab *t, unsigned n)
{
	t->n = n;
	t->stride = n + 1;
	t->slots = NULL;
	t->nslots = 0;
	t->used = 0;
	return tup_resize(t, TUP_MIN_SLOTS);
}

static void tup_free(struct tuptab *t)
{
	bigmem_free(t->slots, tup_bytes(t, t->nslots));
	t->slots = NULL;
	t->nslots = t->used = 0;
}

static void tup_clear(struct tuptab *t)
{
	memset(t->slots, 0, tup_bytes(t, t->nslots));
	t->used = 0;
}

/* Moves the entries with count >= min_count to the front; returns their number. */
static size_t tup_compact(struct tuptab *t, uint64_t min_count)
{
	size_t k = 0;

	for (size_t i = 0; i < t->nslots; i++) {
		uint32_t *s = t->slots + i * t->stride;

		if (s[0] && s[0] >= min_count) {
			if (k != i)
				memcpy(t->slots + k * t->stride, s, t->stride * sizeof(uint32_t));
			k++;
		}
	}
	return k;
}

/* ---- unit ranks ---- */

struct ranks {
	uint32_t *tord, *pord;   /* unit ids in terminated and plain byte order */
	uint32_t *trank, *prank; /* the inverse permutations */
};

static size_t ranks_bytes(size_t nunits)
{
	return nunits * 5 * sizeof(uint32_t); /* four arrays and qsort's buffer */
}

/* Byte order of a and b as if each were followed by a space. */
static int cmp_terminated(const void *pa, const void *pb, void *ctx)
{
	const struct strtab *u = ctx;
	size_t la, lb;
	const unsigned char *a = (const unsigned char *)strtab_key(u, *(const uint32_t *)pa, &la);
	const unsigned char *b = (const unsigned char *)strtab_key(u, *(const uint32_t *)pb, &lb);
	int r = memcmp(a, b, la < lb ? la : lb);

	if (r || la == lb)
		return r;
	if (la < lb)
		return b[la] > ' ' ? -1 : 1;
	return a[lb] > ' ' ? 1 : -1;
}

static void ranks_free(struct ranks *rk)
{
	free(rk->tord);
	free(rk->pord);
	free(rk->trank);
	free(rk->prank);
	memset(rk, 0, sizeof(*rk));
}

static int has_control(const struct strtab *u)
{
	for (size_t id = 0; id < u->n; id++) {
		size_t len;
		const unsigned char *k = (const unsigned char *)strtab_key(u, id, &len);

		for (size_t i = 0; i < len; i++)
			if (k[i] < ' ')
				return 1;
	}
	return 0;
}

static int ranks_build(struct ranks *rk, struct strtab *u)
{
	size_t n = u->n ? u->n : 1;

	rk->tord = malloc(n * sizeof(uint32_t));
	rk->pord = malloc(n * sizeof(uint32_t));
	rk->trank = malloc(n * sizeof(uint32_t));
	rk->prank = malloc(n * sizeof(uint32_t));
	if (!rk->tord || !rk->pord || !rk->trank || !rk->prank) {
		ranks_free(rk);
		errno = ENOMEM;
		return -1;
	}
	for (size_t i = 0; i < u->n; i++)
		rk->pord[i] = (uint32_t)i;
	qsort_r(rk->pord, u->n, sizeof(uint32_t), strtab_cmp_ids, u);
	/* the two orders differ only where a unit holds a byte below the space */
	memcpy(rk->tord, rk->pord, u->n * sizeof(uint32_t));
	if (has_control(u))
		qsort_r(rk->tord, u->n, sizeof(uint32_t), cmp_terminated, u);
	for (size_t i = 0; i < u->n; i++) {
		rk->trank[rk->tord[i]] = (uint32_t)i;
		rk->prank[rk->pord[i]] = (uint32_t)i;
	}
	return 0;
}

/* Replaces the ids of nrec compacted records by their ranks. */
static void ranks_apply(const struct ranks *rk, struct tuptab *t, size_t nrec)
{
	for (size_t i = 0; i < nrec; i++) {
		uint32_t *ids = t->slots + i * t->stride + 1;

		for (unsigned k = 0; k + 1 < t->n; k++)
			ids[k] = rk->trank[ids[k]];
		ids[t->n - 1] = rk->prank[ids[t->n - 1]];
	}
}

/* The unit of rank r at position k of an n-gram. */
static inline uint32_t rank_unit(const struct ranks *rk, uint32_t r, unsigned k, unsigned n)
{
	return k + 1 < n ? rk->tord[r] : rk->pord[r];
}

/* ---- sorting records of ranks ---- */

struct rsort {
	unsigned stride, n;
	int bycount; /* count descending first */
	uint32_t *pivot;
};

static inline int rec_cmp(const struct rsort *s, const uint32_t *a, const uint32_t *b)
{
	const uint32_t *x = a + 1, *y = b + 1;

	if (s->bycount && a[0] != b[0])
		return a[0] > b[0] ? -1 : 1;
	if (s->n == 2) {
		uint64_t u = (uint64_t)x[0] << 32 | x[1], v = (uint64_t)y[0] << 32 | y[1];

		return u < v ? -1 : u > v;
	}
	for (unsigned k = 0; k < s->n; k++)
		if (x[k] != y[k])
			return x[k] < y[k] ? -1 : 1;
	return 0;
}

static inline void rec_swap(uint32_t *a, uint32_t *b, unsigned stride)
{
	for (unsigned k = 0; k < stride; k++) {
		uint32_t t = a[k];

		a[k] = b[k];
		b[k] = t;
	}
}

static void rec_insertion(const struct rsort *s, uint32_t *base, size_t nrec)
{
	for (size_t i = 1; i < nrec; i++)
		for (size_t j = i; j > 0; j--) {
			uint32_t *a = base + (j - 1) * s->stride, *b = base + j * s->stride;

			if (rec_cmp(s, a, b) <= 0)
				break;
			rec_swap(a, b, s->stride);
		}
}

/* Quicksort with a median-of-three pivot (Hoare's partition), recursing into the smaller side. */
static void rec_qsort(const struct rsort *s, uint32_t *base, size_t nrec)
{
	unsigned w = s->stride;

	while (nrec > 16) {
		uint32_t *lo = base, *mid = base + (nrec - 1) / 2 * w, *hi = base + (nrec - 1) * w;
		size_t i = 0, j = nrec - 1, left;

		if (rec_cmp(s, mid, lo) < 0)
			rec_swap(mid, lo, w);
		if (rec_cmp(s, hi, mid) < 0) {
			rec_swap(hi, mid, w);
			if (rec_cmp(s, mid, lo) < 0)
				rec_swap(mid, lo, w);
		}
		memcpy(s->pivot, mid, w * sizeof(uint32_t));
		for (;;) {
			while (rec_cmp(s, base + i * w, s->pivot) < 0)
				i++;
			while (rec_cmp(s, s->pivot, base + j * w) < 0)
				j--;
			if (i >= j)
				break;
			rec_swap(base + i * w, base + j * w, w);
			i++;
			j--;
		}
		left = j + 1;
		if (left < nrec - left) {
			rec_qsort(s, base, left);
			base += left * w;
			nrec -= left;
		} else {
			rec_qsort(s, base + left * w, nrec - left);
			nrec = left;
		}
	}
	rec_insertion(s, base, nrec);
}

static int rec_sort(struct tuptab *t, size_t nrec, int bycount)
{
	struct rsort s = {t->stride, t->n, bycount, malloc(t->stride * sizeof(uint32_t))};

	if (!s.pivot)
		return -1;
	rec_qsort(&s, t->slots, nrec);
	free(s.pivot);
	return 0;
}

/* ---- runs on disk (base/runs): records of (u64 count, u32 n, u32 key length, key bytes) ---- */

static void runw_head(struct writer *w, uint64_t count, uint32_t n, uint32_t len)
{
	char h[16];

	memcpy(h, &count, 8);
	memcpy(h + 8, &n, 4);
	memcpy(h + 12, &len, 4);
	writer_write(w, h, sizeof(h));
}

/* An ngc_emit_fn writing the entry to the writer ctx. */
static int runw_entry(void *ctx, const struct ngc_entry *e)
{
	struct writer *w = ctx;

	runw_head(w, e->count, e->n, (uint32_t)e->len);
	writer_write(w, e->key, e->len);
	return w->err ? -1 : 0;
}

/* ---- sources of sorted entries, and their merge ---- */

enum order { BYKEY, BYCOUNT };

struct src {
	struct ngc_entry e; /* the head, while !done */
	int done;
	struct buf key;
	/* a run file */
	struct reader r;
	/* or sorted records in memory */
	const struct ngcount *c;
	const struct ranks *rk;
	const struct tuptab *t; /* NULL for unigrams, which are ids in unigram[] */
	const uint32_t *unigram;
	size_t i, nrec;
};

static int cmp_entry(const struct ngc_entry *a, const struct ngc_entry *b, enum order o)
{
	int r;

	if (o == BYCOUNT && a->count != b->count)
		return a->count > b->count ? -1 : 1;
	r = memcmp(a->key, b->key, a->len < b->len ? a->len : b->len);
	if (r)
		return r;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return a->n < b->n ? -1 : a->n > b->n;
}

static int src_next(struct src *s)
{
	if (s->c) {
		size_t len;
		const char *k;

		if (s->i == s->nrec) {
			s->done = 1;
			return 0;
		}
		s->key.len = 0;
		if (!s->t) {
			uint32_t id = s->unigram[s->i++];

			k = strtab_key(&s->c->units, id, &len);
			buf_put(&s->key, k, len);
			s->e.count = s->c->units.vals[id];
			s->e.n = 1;
		} else {
			const uint32_t *rec = s->t->slots + s->i++ * s->t->stride;
			const uint32_t *ids = rec + 1;

			for (unsigned j = 0; j < s->t->n; j++) {
				k = strtab_key(&s->c->units, rank_unit(s->rk, ids[j], j, s->t->n), &len);
				if (j)
					buf_putc(&s->key, ' ');
				buf_put(&s->key, k, len);
			}
			s->e.count = rec[0];
			s->e.n = s->t->n;
		}
	} else {
		char h[16];
		uint32_t len;
		ssize_t got = reader_read(&s->r, h, sizeof(h));

		if (got == 0) {
			s->done = 1;
			return 0;
		}
		if (got != sizeof(h)) {
			errno = got < 0 ? errno : EIO;
			return -1;
		}
		memcpy(&s->e.count, h, 8);
		memcpy(&s->e.n, h + 8, 4);
		memcpy(&len, h + 12, 4);
		s->key.len = 0;
		buf_reserve(&s->key, len);
		if (reader_read(&s->r, s->key.p, len) != (ssize_t)len) {
			errno = EIO;
			return -1;
		}
		s->key.len = len;
	}
	s->e.key = s->key.p;
	s->e.len = s->key.len;
	return 0;
}

/* Opens a run for merging; on failure the descriptor is closed here or by src_close. */
static int src_open_run(struct src *s, int fd)
{
	memset(s, 0, sizeof(*s));
	if (runs_read(&s->r, fd) < 0) {
		s->r.fd = -1;
		s->r.buf = NULL;
		return -1;
	}
	return src_next(s);
}

static void src_close(struct src *s)
{
	if (!s->c)
		reader_close(&s->r); /* closes the run's descriptor */
	buf_free(&s->key);
}

/* The heap of sources (base/heap.h): pointers, by their heads in the order *ctx. */
static int src_less(const void *a, const void *b, void *ctx)
{
	const struct src *x = *(struct src *const *)a, *y = *(struct src *const *)b;

	return cmp_entry(&x->e, &y->e, *(const enum order *)ctx) < 0;
}

/* Merges the sources in order o into fn; with sum, equal keys become one entry with the sum of
 * their counts, and entries below min_count are dropped. Stops after top entries (0: all).
 * meter (or NULL) counts the records of memory sources and the bytes of runs. */
static int merge(struct src **v, size_t k, enum order o, int sum, uint64_t min_count,
                 uint64_t top, ngc_emit_fn *fn, void *ctx, struct phase_meter *meter)
{
	struct buf acc = {0};
	size_t n = 0;
	struct ngc_entry cur = {0};
	uint64_t emitted = 0;
	int have = 0, r = 0;

	for (size_t i = 0; i < k; i++)
		if (!v[i]->done)
			v[n++] = v[i];
	heap_make(v, n, sizeof(*v), src_less, &o);
	while (n > 0 && !(top && emitted == top)) {
		struct src *s = v[0];

		if (sum && have && cur.n == s->e.n && cur.len == s->e.len &&
		    memcmp(cur.key, s->e.key, cur.len) == 0) {
			if (s->e.count > UINT64_MAX - cur.count) {
				errno = EOVERFLOW;
				r = -1;
				break;
			}
			cur.count += s->e.count;
		} else if (sum) {
			if (have && cur.count >= min_count) {
				if ((r = fn(ctx, &cur)))
					break;
				emitted++;
			}
			acc.len = 0;
			buf_put(&acc, s->e.key, s->e.len);
			cur = s->e;
			cur.key = acc.p;
			have = 1;
		} else {
			if ((r = fn(ctx, &s->e)))
				break;
			emitted++;
		}
		if (meter)
			phase_meter_add(meter, s->c ? 1 : 16 + s->e.len);
		if (src_next(s) < 0) {
			r = -1;
			break;
		}
		if (s->done)
			heap_pop(v, &n, sizeof(*v), src_less, &o);
		else
			heap_down(v, n, 0, sizeof(*v), src_less, &o);
	}
	if (!r && sum && have && cur.count >= min_count && !(top && emitted == top))
		r = fn(ctx, &cur);
	buf_free(&acc);
	return r;
}

/* Merges the runs of l in order o (summing equal keys when sum) into fn; meter as merge's. */
static int merge_runs(struct runlist *l, enum order o, int sum, uint64_t min_count, uint64_t top,
                      ngc_emit_fn *fn, void *ctx, struct phase_meter *meter)
{
	struct src *srcs = calloc(l->n ? l->n : 1, sizeof(*srcs));
	struct src **v = calloc(l->n ? l->n : 1, sizeof(*v));
	size_t opened = 0;
	int r = -1;

	if (!srcs || !v)
		goto out;
	for (; opened < l->n; opened++) {
		v[opened] = &srcs[opened];
		if (src_open_run(&srcs[opened], l->fds[opened]) < 0) {
			opened++;
			goto out;
		}
	}
	r = merge(v, l->n, o, sum, min_count, top, fn, ctx, meter);
out:
	for (size_t i = 0; i < opened; i++)
		src_close(&srcs[i]);
	for (size_t i = opened; i < l->n; i++)
		close(l->fds[i]);
	l->n = 0;
	free(srcs);
	free(v);
	return r;
}

/* runs_reduce's merge: the runs fds[0..n) in the order and summing of *ctx into w. */
struct reduce {
	enum order o;
	int sum;
};

static int reduce_merge(void *ctx, int *fds, size_t n, struct writer *w)
{
	const struct reduce *rd = ctx;
	struct runlist part = {fds, NULL, n, n};

	return merge_runs(&part, rd->o, rd->sum, 0, 0, runw_entry, w, NULL) ? -1 : 0;
}

/* Merges runs RUNS_FANIN at a time until at most RUNS_FANIN are left. */
static int reduce_runs(struct runlist *l, enum order o, int sum)
{
	struct reduce rd = {o, sum};

	return runs_reduce(l, RUNS_FANIN, reduce_merge, &rd);
}

/* Ends the run rw as the newest of l, which then keeps fewer than max runs open. */
static int end_run(struct runs_writer *rw, struct runlist *l, size_t max, enum order o, int sum)
{
	struct reduce rd = {o, sum};

	if (runs_end(rw, l, 0) < 0)
		return -1;
	return runs_bound(l, max, 0, reduce_merge, &rd); /* counts add up in any order */
}

/* ---- counting ---- */

/* What a failed public function fills e with: "counting: out of memory", or "counting:
 * temporary file in DIR: reason" (errno; base/runs). Returns -1. */
static int counting_error(struct error *e)
{
	return runs_error(e, "counting");
}

int ngc_init(struct ngcount *c, unsigned min_n, unsigned max_n, size_t budget, struct error *e)
{
	memset(c, 0, sizeof(*c));
	c->min_n = min_n;
	c->max_n = max_n;
	c->budget = budget;
	c->tabs = calloc(max_n + 1, sizeof(*c->tabs));
	c->runs = calloc(max_n + 1, sizeof(*c->runs));
	/* the unigrams' runs and those of each length from 2 share RUNS_FANIN open files */
	c->maxruns = RUNS_FANIN / (1 + max_n - (min_n > 2 ? min_n : 2) + 1);
	if (c->maxruns < 2)
		c->maxruns = 2;
	if (!c->tabs || !c->runs || strtab_init(&c->units, 1024) < 0) {
		ngc_free(c);
		return error_set(e, -1, 0, NULL, 0, "out of memory");
	}
	return 0;
}

void ngc_free(struct ngcount *c)
{
	if (c->tabs)
		for (unsigned n = 0; n <= c->max_n; n++)
			tup_free(&c->tabs[n]);
	if (c->runs)
		for (unsigned n = 0; n <= c->max_n; n++)
			runlist_close(&c->runs[n]);
	free(c->tabs);
	free(c->runs);
	free(c->ids);
	strtab_free(&c->units);
	memset(c, 0, sizeof(*c));
}

/* Whether the table of length n is in use (tables are made on first use). */
static int has_table(const struct ngcount *c, unsigned n)
{
	return n >= 2 && n >= c->min_n && n <= c->max_n && c->tabs[n].slots;
}

static int table(struct ngcount *c, unsigned n)
{
	if (c->tabs[n].slots || tup_init(&c->tabs[n], n) == 0)
		return 0;
	errno = ENOMEM;
	return -1;
}

static size_t bytes_after(const struct ngcount *c, size_t nunits, size_t nbytes)
{
	size_t b = strtab_bytes_after(&c->units, nunits, nbytes) + ranks_bytes(c->units.n + nunits);

	for (unsigned n = 2; n <= c->max_n; n++) {
		const struct tuptab *t = &c->tabs[n];
		size_t ns;

		if (!has_table(c, n))
			continue;
		ns = tup_slots_for(t, nunits);
		/* while a table grows, the old and the new are both held */
		b += tup_bytes(t, ns) + (ns != t->nslots ? tup_bytes(t, t->nslots) : 0);
	}
	return b;
}

static int spill_unigrams(struct ngcount *c, const struct ranks *rk)
{
	struct runs_writer rw;

	if (runs_begin(&rw) < 0)
		return -1;
	for (size_t i = 0; i < c->units.n; i++) {
		uint32_t id = rk->pord[i];
		size_t len;
		const char *k = strtab_key(&c->units, id, &len);

		if (c->units.vals[id]) {
			runw_head(&rw.w, c->units.vals[id], 1, (uint32_t)len);
			writer_write(&rw.w, k, len);
		}
	}
	return end_run(&rw, &c->runs[1], c->maxruns, BYKEY, 1);
}

/* Writes table n to disk as a run sorted by key, and clears it. */
static int spill_table(struct ngcount *c, const struct ranks *rk, unsigned n)
{
	struct tuptab *t = &c->tabs[n];
	struct runs_writer rw;
	size_t nrec = tup_compact(t, 1);

	ranks_apply(rk, t, nrec);
	if (rec_sort(t, nrec, 0) < 0 || runs_begin(&rw) < 0)
		return -1;
	for (size_t i = 0; i < nrec; i++) {
		const uint32_t *rec = t->slots + i * t->stride, *ids = rec + 1;
		size_t len = n - 1, l;

		for (unsigned j = 0; j < n; j++) {
			strtab_key(&c->units, rank_unit(rk, ids[j], j, n), &l);
			len += l;
		}
		runw_head(&rw.w, rec[0], n, (uint32_t)len);
		for (unsigned j = 0; j < n; j++) {
			const char *k = strtab_key(&c->units, rank_unit(rk, ids[j], j, n), &l);

			if (j)
				writer_putc(&rw.w, ' ');
			writer_write(&rw.w, k, l);
		}
	}
	if (end_run(&rw, &c->runs[n], c->maxruns, BYKEY, 1) < 0)
		return -1;
	tup_clear(t);
	c->nspills++;
	return 0;
}

/* Writes every table to disk and clears them, units too. */
static int spill(struct ngcount *c)
{
	struct ranks rk = {0};
	int r = -1;

	if (ranks_build(&rk, &c->units) < 0)
		return -1;
	if (c->min_n == 1 && spill_unigrams(c, &rk) < 0)
		goto out;
	for (unsigned n = 2; n <= c->max_n; n++)
		if (has_table(c, n) && c->tabs[n].used > 0 && spill_table(c, &rk, n) < 0)
			goto out;
	strtab_clear(&c->units);
	c->nspills++;
	r = 0;
out:
	ranks_free(&rk);
	return r;
}

/* Writes one table to disk (a count about to overflow), keeping the units. */
static int spill_one(struct ngcount *c, unsigned n)
{
	struct ranks rk = {0};
	int r;

	if (ranks_build(&rk, &c->units) < 0)
		return -1;
	r = spill_table(c, &rk, n);
	ranks_free(&rk);
	return r;
}

/* Adds to table n, sending it to disk first when the count would overflow. */
static int bump(struct ngcount *c, unsigned n, const uint32_t *ids, uint64_t h, uint32_t count)
{
	if (tup_bump(&c->tabs[n], ids, h, count) == 0)
		return 0;
	if (spill_one(c, n) < 0)
		return -1;
	return tup_bump(&c->tabs[n], ids, h, count);
}

/* Makes room for a line of at most nunits new units of nbytes bytes in all, spilling to disk
 * first when the room would exceed the budget; the ids unit() returns stay valid until the next
 * call. Returns 0, or -1 with errno set (as add_seq and add). */
static int reserve(struct ngcount *c, size_t nunits, size_t nbytes)
{
	if (bytes_after(c, nunits, nbytes) > c->budget && c->units.n > 0 && spill(c) < 0)
		return -1;
	if (strtab_reserve(&c->units, nunits, nbytes) < 0)
		goto nomem;
	for (unsigned n = 2; n <= c->max_n; n++) {
		struct tuptab *t = &c->tabs[n];
		size_t ns;

		if (has_table(c, n) && (ns = tup_slots_for(t, nunits)) != t->nslots &&
		    tup_resize(t, ns) < 0)
			goto nomem;
	}
	return 0;
nomem:
	errno = ENOMEM;
	return -1;
}

/* The id of a unit (interned); reserve must have made room for it. */
static uint32_t unit(struct ngcount *c, const char *s, size_t n)
{
	return (uint32_t)strtab_intern(&c->units, s, n);
}

/* Adds count to one n-gram; n is within min_n..max_n. */
static int add(struct ngcount *c, const uint32_t *ids, unsigned n, uint64_t count)
{
	if (count == 0)
		return 0;
	if (n == 1) {
		if (count > UINT64_MAX - c->units.vals[ids[0]]) {
			errno = EOVERFLOW;
			return -1;
		}
		c->units.vals[ids[0]] += count;
		return 0;
	}
	if (table(c, n) < 0)
		return -1;
	if (c->tabs[n].used + 1 > tup_limit(c->tabs[n].nslots) &&
	    tup_resize(&c->tabs[n], tup_slots_for(&c->tabs[n], 1)) < 0) {
		errno = ENOMEM;
		return -1;
	}
	return bump(c, n, ids, tup_hash(ids, n), (uint32_t)count);
}

/* Counts the n-grams of one length, hashing a few ahead and prefetching their slots. */
static int add_order(struct ngcount *c, unsigned n, const uint32_t *ids, size_t len)
{
	struct tuptab *t = &c->tabs[n];
	uint64_t hs[PREFETCH_LAG];
	size_t m = len - t->n + 1;

	for (size_t i = 0; i < m + PREFETCH_LAG; i++) {
		if (i >= PREFETCH_LAG) {
			size_t j = i - PREFETCH_LAG;

			if (bump(c, n, ids + j, hs[j % PREFETCH_LAG], 1) < 0)
				return -1;
		}
		if (i < m) {
			uint64_t h = tup_hash(ids + i, t->n);

			hs[i % PREFETCH_LAG] = h;
			__builtin_prefetch(t->slots + fastrange(h, t->nslots) * t->stride, 1);
		}
	}
	return 0;
}

/* Counts every n-gram of ids[0..len) once, for each n from min_n to max_n, making and growing
 * the tables as needed. */
static int add_seq(struct ngcount *c, const uint32_t *ids, size_t len)
{
	if (c->min_n == 1)
		for (size_t i = 0; i < len; i++)
			c->units.vals[ids[i]]++;
	for (unsigned n = c->min_n > 2 ? c->min_n : 2; n <= c->max_n && n <= len; n++) {
		if (table(c, n) < 0)
			return -1;
		if (c->tabs[n].used + len > tup_limit(c->tabs[n].nslots) &&
		    tup_resize(&c->tabs[n], tup_slots_for(&c->tabs[n], len)) < 0) {
			errno = ENOMEM;
			return -1;
		}
		if (add_order(c, n, ids, len) < 0)
			return -1;
	}
	return 0;
}

static int ids_room(struct ngcount *c, size_t n)
{
	if (n > c->idcap) {
		size_t cap = c->idcap ? c->idcap : 256;
		uint32_t *p;

		while (cap < n)
			cap *= 2;
		if (!(p = realloc(c->ids, cap * sizeof(*p)))) {
			errno = ENOMEM;
			return -1;
		}
		c->ids = p;
		c->idcap = cap;
	}
	return 0;
}

int ngc_add_hashed(struct ngcount *c, const struct span *v, const uint64_t *h, size_t n,
                   struct error *e)
{
	size_t bytes = 0;

	for (size_t i = 0; i < n; i++)
		bytes += v[i].n;
	if (ids_room(c, n) < 0 || reserve(c, n, bytes) < 0)
		return counting_error(e);
	for (size_t i = 0; i < n && i < PREFETCH_LAG; i++)
		strtab_prefetch(&c->units, h[i]);
	for (size_t i = 0; i < n; i++) {
		if (i + PREFETCH_LAG < n)
			strtab_prefetch(&c->units, h[i + PREFETCH_LAG]);
		c->ids[i] = (uint32_t)strtab_intern_hashed(&c->units, v[i].p, v[i].n, h[i]);
	}
	return add_seq(c, c->ids, n) < 0 ? counting_error(e) : 0;
}

/* A count too large for the tables goes to disk as a run of its own. */
static int spill_record(struct ngcount *c, const char *key, size_t len, unsigned n,
                        uint64_t count)
{
	struct runs_writer rw;

	if (runs_begin(&rw) < 0)
		return -1;
	runw_head(&rw.w, count, n, (uint32_t)len);
	writer_write(&rw.w, key, len);
	if (end_run(&rw, &c->runs[n], c->maxruns, BYKEY, 1) < 0)
		return -1;
	c->nspills++;
	return 0;
}

int ngc_add_key(struct ngcount *c, const char *key, size_t len, unsigned n, uint64_t count,
                struct error *e)
{
	size_t i = 0, start = 0;

	if (n >= 2 && count > UINT32_MAX)
		return spill_record(c, key, len, n, count) < 0 ? counting_error(e) : 0;

	if (ids_room(c, n) < 0 || reserve(c, n, len) < 0)
		return counting_error(e);
	for (size_t k = 0; k <= len; k++)
		if (k == len || key[k] == ' ') {
			c->ids[i++] = unit(c, key + start, k - start);
			start = k + 1;
		}
	return add(c, c->ids, n, count) < 0 ? counting_error(e) : 0;
}

/* ---- output ---- */

/* A unigram's sort key: count descending, then the key's bytes, of which the first 8 are read
 * as a big-endian number (zero-padded) so that most comparisons end there. */
struct unikey {
	uint64_t count, prefix;
	uint32_t id;
};

static int cmp_unikey(const void *pa, const void *pb, void *ctx)
{
	const struct unikey *a = pa, *b = pb;
	size_t la, lb;
	const char *ka, *kb;
	int r;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	if (a->prefix != b->prefix)
		return a->prefix < b->prefix ? -1 : 1;
	ka = strtab_key(ctx, a->id, &la);
	kb = strtab_key(ctx, b->id, &lb);
	r = memcmp(ka, kb, la < lb ? la : lb);
	if (r || la == lb)
		return r;
	return la < lb ? -1 : 1;
}

/* Fills uni[] with the ids of the units counted at least min_count times, in output order;
 * returns how many, or -1 (ENOMEM). */
static ssize_t sort_unigrams(const struct strtab *u, uint64_t min_count, uint32_t *uni)
{
	struct unikey *k = malloc((u->n ? u->n : 1) * sizeof(*k));
	size_t m = 0;

	if (!k) {
		errno = ENOMEM;
		return -1;
	}
	for (size_t i = 0; i < u->n; i++) {
		size_t len;
		const unsigned char *key;
		uint64_t p = 0;

		if (!u->vals[i] || u->vals[i] < min_count)
			continue;
		key = (const unsigned char *)strtab_key(u, i, &len);
		for (size_t j = 0; j < 8; j++)
			p = p << 8 | (j < len ? key[j] : 0);
		k[m++] = (struct unikey){u->vals[i], p, (uint32_t)i};
	}
	qsort_r(k, m, sizeof(*k), cmp_unikey, (void *)u);
	for (size_t i = 0; i < m; i++)
		uni[i] = k[i].id;
	free(k);
	return (ssize_t)m;
}

/* Emits straight from the tables, when nothing was spilled. */
static int emit_memory(struct ngcount *c, uint64_t min_count, uint64_t top, ngc_emit_fn *fn,
                       void *ctx)
{
	struct ranks rk = {0};
	struct src *srcs = calloc(c->max_n + 1, sizeof(*srcs));
	struct src **v = calloc(c->max_n + 1, sizeof(*v));
	struct phase_meter meter = {0};
	uint32_t *uni = NULL;
	uint64_t total = 0;
	size_t k = 0;
	int r = -1;

	phase_begin("sorting", 0, "");
	/* ranks order the units of longer n-grams */
	if (!srcs || !v || (c->max_n > 1 && ranks_build(&rk, &c->units) < 0))
		goto out;
	if (c->min_n == 1) {
		ssize_t m;

		if (!(uni = malloc((c->units.n ? c->units.n : 1) * sizeof(*uni))) ||
		    (m = sort_unigrams(&c->units, min_count, uni)) < 0)
			goto out;
		srcs[k] = (struct src){.c = c, .rk = &rk, .unigram = uni, .nrec = (size_t)m};
		v[k] = &srcs[k];
		k++;
	}
	for (unsigned n = 2; n <= c->max_n; n++) {
		struct tuptab *t = &c->tabs[n];
		size_t m;

		if (!has_table(c, n))
			continue;
		m = tup_compact(t, min_count ? min_count : 1);
		ranks_apply(&rk, t, m);
		if (rec_sort(t, m, 1) < 0)
			goto out;
		srcs[k] = (struct src){.c = c, .rk = &rk, .t = t, .nrec = m};
		v[k] = &srcs[k];
		k++;
	}
	for (size_t i = 0; i < k; i++) {
		total += srcs[i].nrec;
		src_next(v[i]);
	}
	phase_begin("writing", total, "entries");
	r = merge(v, k, BYCOUNT, 0, 0, top, fn, ctx, &meter);
out:
	if (r == -1 && !errno)
		errno = ENOMEM;
	for (size_t i = 0; i < k; i++)
		src_close(&srcs[i]);
	free(srcs);
	free(v);
	free(uni);
	ranks_free(&rk);
	return r;
}

/* The second phase after a spill: entries summed by key arrive here; they are gathered up to
 * the budget, sorted by count and written as runs. */
struct collector {
	struct buf arena;    /* records as in a run file */
	size_t *offs, noffs, cap;
	size_t budget;
	struct runlist runs;
	int err;
};

static int cmp_collected(const void *pa, const void *pb, void *ctx)
{
	const char *base = ctx;
	struct ngc_entry a, b;
	uint32_t la, lb;

	memcpy(&a.count, base + *(const size_t *)pa, 8);
	memcpy(&a.n, base + *(const size_t *)pa + 8, 4);
	memcpy(&la, base + *(const size_t *)pa + 12, 4);
	memcpy(&b.count, base + *(const size_t *)pb, 8);
	memcpy(&b.n, base + *(const size_t *)pb + 8, 4);
	memcpy(&lb, base + *(const size_t *)pb + 12, 4);
	a.key = base + *(const size_t *)pa + 16;
	a.len = la;
	b.key = base + *(const size_t *)pb + 16;
	b.len = lb;
	return cmp_entry(&a, &b, BYCOUNT);
}

static void collected_sort(struct collector *col)
{
	if (col->noffs > 1)
		qsort_r(col->offs, col->noffs, sizeof(size_t), cmp_collected, col->arena.p);
}

static void collected_entry(const struct collector *col, size_t i, struct ngc_entry *e)
{
	const char *p = col->arena.p + col->offs[i];
	uint32_t len;

	memcpy(&e->count, p, 8);
	memcpy(&e->n, p + 8, 4);
	memcpy(&len, p + 12, 4);
	e->key = p + 16;
	e->len = len;
}

static int collector_flush(struct collector *col)
{
	struct runs_writer rw;
	struct ngc_entry e;

	collected_sort(col);
	if (runs_begin(&rw) < 0)
		return -1;
	for (size_t i = 0; i < col->noffs; i++) {
		collected_entry(col, i, &e);
		runw_entry(&rw.w, &e);
	}
	/* while the lengths' runs are merged into it, half the open files are the collector's */
	if (end_run(&rw, &col->runs, RUNS_FANIN / 2, BYCOUNT, 0) < 0)
		return -1;
	col->arena.len = 0;
	col->noffs = 0;
	return 0;
}

static int collect(void *ctx, const struct ngc_entry *e)
{
	struct collector *col = ctx;
	uint32_t len = (uint32_t)e->len;

	/* the offsets, and as much again for qsort's buffer */
	if (col->arena.len + 2 * col->cap * sizeof(size_t) > col->budget && col->noffs > 0 &&
	    collector_flush(col) < 0)
		return -1;
	if (col->noffs == col->cap) {
		size_t nc = col->cap ? col->cap * 2 : 1024;
		size_t *p = realloc(col->offs, nc * sizeof(*p));

		if (!p)
			return -1;
		col->offs = p;
		col->cap = nc;
	}
	col->offs[col->noffs++] = col->arena.len;
	buf_put(&col->arena, (const char *)&e->count, 8);
	buf_put(&col->arena, (const char *)&e->n, 4);
	buf_put(&col->arena, (const char *)&len, 4);
	buf_put(&col->arena, e->key, e->len);
	return 0;
}

static int emit_spilled(struct ngcount *c, uint64_t min_count, uint64_t top, ngc_emit_fn *fn,
                        void *ctx)
{
	struct collector col = {.budget = c->budget};
	struct phase_meter meter = {0};
	uint64_t emitted = 0, total = 0;
	int r = -1;

	if (c->units.n > 0 && spill(c) < 0)
		return -1;
	strtab_free(&c->units);
	for (unsigned n = 0; n <= c->max_n; n++) {
		tup_free(&c->tabs[n]);
	}
	for (unsigned n = 1; n <= c->max_n; n++)
		total += runlist_bytes(&c->runs[n]);
	phase_begin("merging", total, PHASE_BYTES);
	for (unsigned n = 1; n <= c->max_n; n++)
		if (reduce_runs(&c->runs[n], BYKEY, 1) < 0 ||
		    merge_runs(&c->runs[n], BYKEY, 1, min_count ? min_count : 1, 0, collect, &col,
		               &meter) < 0)
			goto out;
	if (col.runs.n == 0) {
		collected_sort(&col);
		r = 0;
		for (size_t i = 0; i < col.noffs && !(top && emitted == top) && !r; i++, emitted++) {
			struct ngc_entry e;

			collected_entry(&col, i, &e);
			r = fn(ctx, &e);
		}
		goto out;
	}
	if (col.noffs > 0 && collector_flush(&col) < 0)
		goto out;
	buf_free(&col.arena);
	free(col.offs);
	col.offs = NULL;
	phase_begin("sorting by count", 0, "");
	if (reduce_runs(&col.runs, BYCOUNT, 0) < 0)
		goto out;
	meter = (struct phase_meter){0};
	phase_begin("writing", runlist_bytes(&col.runs), PHASE_BYTES);
	r = merge_runs(&col.runs, BYCOUNT, 0, 0, top, fn, ctx, &meter);
out:
	buf_free(&col.arena);
	free(col.offs);
	runlist_close(&col.runs);
	return r;
}

/* Emits each length's entries by key straight from the tables, when nothing was spilled. */
static int emit_memory_bykey(struct ngcount *c, ngc_emit_fn *fn, void *ctx)
{
	struct ranks rk = {0};
	struct src s;
	uint32_t *uni = NULL;
	int r = -1;

	phase_begin("sorting", 0, "");
	if (ranks_build(&rk, &c->units) < 0 ||
	    !(uni = malloc((c->units.n ? c->units.n : 1) * sizeof(*uni))))
		goto out;
	for (unsigned n = c->min_n; n <= c->max_n; n++) {
		struct tuptab *t = &c->tabs[n];
		size_t m = 0;

		if (n == 1) {
			for (size_t i = 0; i < c->units.n; i++)
				if (c->units.vals[rk.pord[i]])
					uni[m++] = rk.pord[i];
			s = (struct src){.c = c, .rk = &rk, .unigram = uni, .nrec = m};
		} else {
			if (!has_table(c, n))
				continue;
			m = tup_compact(t, 1);
			ranks_apply(&rk, t, m);
			if (rec_sort(t, m, 0) < 0)
				goto out;
			s = (struct src){.c = c, .rk = &rk, .t = t, .nrec = m};
		}
		while (src_next(&s) == 0 && !s.done)
			if ((r = fn(ctx, &s.e))) {
				src_close(&s);
				goto out;
			}
		src_close(&s);
		if (n > 1)
			tup_free(t);
	}
	r = 0;
out:
	if (r == -1 && !errno)
		errno = ENOMEM;
	free(uni);
	ranks_free(&rk);
	return r;
}

/* Emits each length's entries by key from the runs, everything spilled first. */
static int emit_spilled_bykey(struct ngcount *c, ngc_emit_fn *fn, void *ctx)
{
	struct phase_meter meter = {0};
	uint64_t total = 0;
	int r = -1;

	if (c->units.n > 0 && spill(c) < 0)
		return -1;
	strtab_free(&c->units);
	for (unsigned n = 0; n <= c->max_n; n++)
		tup_free(&c->tabs[n]);
	for (unsigned n = 1; n <= c->max_n; n++)
		total += runlist_bytes(&c->runs[n]);
	phase_begin("merging", total, PHASE_BYTES);
	for (unsigned n = c->min_n; n <= c->max_n; n++)
		if (reduce_runs(&c->runs[n], BYKEY, 1) < 0 ||
		    (r = merge_runs(&c->runs[n], BYKEY, 1, 1, 0, fn, ctx, &meter)))
			return r ? r : -1;
	return 0;
}

/* ngc_emit's fn, counting the entries for the caller's. */
struct counted {
	ngc_emit_fn *fn;
	void *ctx;
	uint64_t *n;
};

static int count_entry(void *ctx, const struct ngc_entry *e)
{
	struct counted *k = ctx;

	++*k->n;
	return k->fn(k->ctx, e);
}

int ngc_emit(struct ngcount *c, uint64_t min_count, uint64_t top, ngc_emit_fn *fn, void *ctx,
             struct error *e)
{
	struct counted k = {fn, ctx, &c->emitted};
	int r;

	errno = 0;
	if (c->nspills == 0)
		r = emit_memory(c, min_count, top, count_entry, &k);
	else
		r = emit_spilled(c, min_count, top, count_entry, &k);
	return r < 0 ? counting_error(e) : r;
}

int ngc_emit_bykey(struct ngcount *c, size_t per_entry, ngc_emit_fn *fn, void *ctx,
                   struct error *e)
{
	struct counted k = {fn, ctx, &c->emitted};
	size_t entries = c->units.n;
	int r;

	errno = 0;
	for (unsigned n = 2; n <= c->max_n; n++)
		if (has_table(c, n))
			entries += c->tabs[n].used;
	if (c->nspills == 0 && bytes_after(c, 0, 0) + entries * per_entry > c->budget)
		c->nspills++; /* emit_spilled_bykey sends the tables to disk */
	if (c->nspills == 0)
		r = emit_memory_bykey(c, count_entry, &k);
	else
		r = emit_spilled_bykey(c, count_entry, &k);
	return r < 0 ? counting_error(e) : r;
}
