/* cooccur.c: the counting threads of co-occurrence in a window, and the k-way merge of shards. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/par.h"
#include "count/cooccur.h"

#define EXACT_MAX UINT32_MAX /* the largest unit denominator counted in integers */
#define BATCH_IDS (1 << 16)  /* ids in a batch before it is passed on */

/* Ids for a counting thread: with --cross-lines one sequence whose first hist ids are context
 * only (the end of the batch before); else lines of lengths lines[]. */
struct cooccur_batch {
	uint32_t *ids;
	size_t n, cap, hist;
	size_t *lines;
	size_t nlines, linecap;
};

struct cooccur_worker {
	const struct cooccur_settings *set;
	struct cooc acc;
	struct ring ring;
	struct cooccur_batch batch[RING_SLOTS];
	int started;
	struct error err; /* the worker's failure, for the reading thread */
};

uint64_t cooccur_denom(const struct cooccur_settings *set)
{
	uint64_t l = 1;

	if (!set->harmonic)
		return 1;
	for (uint64_t k = 2; k <= set->window; k++) { /* the least common multiple of 1..window */
		uint64_t a = l, b = k;

		while (b) {
			uint64_t t = a % b;
			a = b;
			b = t;
		}
		l = l / a * k;
		if (l > EXACT_MAX)
			return 0;
	}
	return l;
}

static uint64_t dbl_bits(double d)
{
	uint64_t u;

	memcpy(&u, &d, 8);
	return u;
}

/* Counts the pairs of seq[0..n) whose center is at start or after. Returns 0 or -1 with e
 * filled. */
static int count_seq(struct cooc *acc, const struct cooccur_settings *set, const uint32_t *seq,
                     size_t n, size_t start, struct error *e)
{
	for (size_t j = start; j < n; j++) {
		uint32_t a = seq[j];

		if (a == COOCCUR_NONE)
			continue;
		for (size_t d = 1; d <= set->window && d <= j; d++) {
			uint32_t b = seq[j - d]; /* d to the left of a */

			if (b == COOCCUR_NONE)
				continue;
			if (set->dir <= 0 && cooc_add(acc, a, b, (unsigned)d, e) < 0)
				return -1;
			if (set->dir >= 0 && cooc_add(acc, b, a, (unsigned)d, e) < 0)
				return -1;
		}
	}
	return 0;
}

/* A worker's job: the pairs of a batch. A failure is kept in w->err, which the reading thread
 * reads after ring_pass or ring_finish has returned it (the ring's lock orders the two). */
static int count_batch(void *ctx, void *batch)
{
	struct cooccur_worker *w = ctx;
	const struct cooccur_batch *b = batch;
	int r = 0;

	if (w->set->cross)
		r = count_seq(&w->acc, w->set, b->ids, b->n, b->hist, &w->err);
	else
		for (size_t i = 0, at = 0; i < b->nlines && r == 0; at += b->lines[i++])
			r = count_seq(&w->acc, w->set, b->ids + at, b->lines[i], 0, &w->err);
	if (r == 0)
		return 0;
	/* the ring keeps an errno value; w->err says it all */
	errno = w->err.errnum ? w->err.errnum : ENOMEM;
	return -1;
}

static void batch_room(struct cooccur_batch *b, size_t ids)
{
	if (b->n + ids > b->cap) {
		b->cap = (b->n + ids) * 2 > BATCH_IDS ? (b->n + ids) * 2 : BATCH_IDS;
		b->ids = erealloc(b->ids, b->cap * sizeof(*b->ids));
	}
	if (b->nlines == b->linecap) {
		b->linecap = b->linecap ? b->linecap * 2 : 1024;
		b->lines = erealloc(b->lines, b->linecap * sizeof(*b->lines));
	}
}

/* Empties the batch about to be filled; with --cross-lines it starts with the last ids so far. */
static void batch_start(struct cooccur *k, struct cooccur_batch *b)
{
	b->n = b->hist = b->nlines = 0;
	if (k->set->cross && k->ntail) {
		batch_room(b, k->ntail);
		memcpy(b->ids, k->tail, k->ntail * sizeof(*b->ids));
		b->n = b->hist = k->ntail;
	}
}

/* Fills e with worker w's failure (count_batch and flush_part give it an errno value).
 * Returns -1. */
static int worker_failed(const struct cooccur_worker *w, struct error *e)
{
	if (e)
		*e = w->err;
	return -1;
}

/* Passes the batch being filled to its worker, and starts one for the next worker. */
static int pass_batch(struct cooccur *k, struct error *e)
{
	struct cooccur_worker *w = &k->w[k->next];
	struct cooccur_batch *b = ring_slot(&w->ring);

	if (k->set->cross) {
		k->ntail = b->n < k->set->window ? b->n : k->set->window;
		memcpy(k->tail, b->ids + b->n - k->ntail, k->ntail * sizeof(*k->tail));
	}
	if (ring_pass(&w->ring) < 0)
		return worker_failed(w, e);
	k->next = (k->next + 1) % COOCCUR_WORKERS;
	batch_start(k, ring_slot(&k->w[k->next].ring));
	return 0;
}

int cooccur_line(struct cooccur *k, const char *s, size_t n, struct error *e)
{
	const struct cooccur_settings *set = k->set;
	struct cooccur_batch *b = ring_slot(&k->w[k->next].ring);
	size_t start = b->n;

	spans_split_blank(s, n, &k->toks);
	batch_room(b, k->toks.n);
	for (size_t i = 0; i < k->toks.n; i++) {
		int64_t id = vocab_id(k->v, k->toks.v[i].p, k->toks.v[i].n);

		if (id >= 0 || set->keep_oov)
			b->ids[b->n++] = id >= 0 ? (uint32_t)id : COOCCUR_NONE;
	}
	if (!set->cross && b->n > start)
		b->lines[b->nlines++] = b->n - start;
	if (b->n >= BATCH_IDS)
		return pass_batch(k, e);
	return 0;
}

size_t cooccur_fixed_bytes(const struct vocab *v)
{
	/* a batch's ids grow to twice BATCH_IDS before it is passed on; its line lengths take a
	 * fraction of that on text of more than a few words a line */
	size_t batch = 2 * BATCH_IDS * sizeof(uint32_t) + BATCH_IDS;

	return strtab_bytes(&v->tab) + COOCCUR_WORKERS * RING_SLOTS * batch +
	       RUNS_FANIN * RUNS_READ_BUF;
}

size_t cooccur_min_bytes(const struct vocab *v)
{
	return cooccur_fixed_bytes(v) + COOCCUR_WORKERS * cooc_min_bytes((uint32_t)vocab_size(v));
}

int cooccur_start(struct cooccur *k, const struct cooccur_settings *set, const struct vocab *v,
                  size_t memory, struct error *e)
{
	*k = (struct cooccur){.set = set, .v = v};
	k->weight = ecalloc(set->window + 1, sizeof(*k->weight));
	for (unsigned d = 1; d <= set->window; d++)
		k->weight[d] = !set->harmonic ? (set->denom ? 1 : dbl_bits(1.0))
		               : set->denom ? set->denom / d : dbl_bits(1.0 / d);
	k->w = ecalloc(COOCCUR_WORKERS, sizeof(*k->w));
	memory = memory > cooccur_min_bytes(v) ? memory : cooccur_min_bytes(v);
	memory -= cooccur_fixed_bytes(v);
	k->tail = ecalloc(set->window, sizeof(*k->tail));
	for (int t = 0; t < COOCCUR_WORKERS; t++) {
		struct cooccur_worker *w = &k->w[t];
		void *slots[RING_SLOTS];

		w->set = set;
		if (cooc_init(&w->acc, (uint32_t)vocab_size(v), set->denom != 0, k->weight,
		              set->window + 1, memory / COOCCUR_WORKERS, RUNS_FANIN / COOCCUR_WORKERS,
		              e) < 0)
			return -1;
		for (int i = 0; i < RING_SLOTS; i++)
			slots[i] = &w->batch[i];
		if (ring_start(&w->ring, slots, count_batch, w) < 0)
			return error_set(e, -1, errno, NULL, 0, "counting");
		w->started = 1;
	}
	batch_start(k, ring_slot(&k->w[0].ring));
	return 0;
}

/* Whether a worker has written runs already (then the last buffers go to disk too). */
static int spilled(const struct cooccur *k)
{
	for (int t = 0; t < COOCCUR_WORKERS; t++)
		if (k->w[t].acc.runs->n)
			return 1;
	return 0;
}

static void flush_part(void *ctx, int t, int nt)
{
	struct cooccur *k = ctx;

	(void)nt;
	if (cooc_flush(&k->w[t].acc, &k->w[t].err) < 0 && !k->w[t].err.errnum)
		k->w[t].err.errnum = EIO;
}

int cooccur_finish(struct cooccur *k, struct error *e)
{
	int failed = -1;

	for (unsigned t = 0; t < COOCCUR_WORKERS; t++) {
		const struct cooccur_batch *b = ring_slot(&k->w[t].ring);
		int r = ring_finish(&k->w[t].ring, t == k->next && b->n > b->hist);

		k->w[t].started = 0;
		if (r < 0 && failed < 0)
			failed = (int)t;
	}
	if (failed >= 0)
		return worker_failed(&k->w[failed], e);
	if (spilled(k)) { /* sort the last buffers at once, not one after the other */
		par_run(COOCCUR_WORKERS, flush_part, k);
		for (int t = 0; t < COOCCUR_WORKERS; t++)
			if (k->w[t].err.code)
				return worker_failed(&k->w[t], e);
	}
	for (int t = 1; t < COOCCUR_WORKERS; t++)
		if (cooc_absorb(&k->w[0].acc, &k->w[t].acc, e) < 0)
			return -1;
	return 0;
}

int cooccur_emit(struct cooccur *k, cooc_emit_fn *fn, void *ctx, struct error *e)
{
	return cooc_emit(&k->w[0].acc, fn, ctx, e);
}

void cooccur_free(struct cooccur *k)
{
	for (int t = 0; k->w && t < COOCCUR_WORKERS; t++) {
		if (k->w[t].started)
			ring_finish(&k->w[t].ring, 0);
		cooc_free(&k->w[t].acc);
		for (int i = 0; i < RING_SLOTS; i++) {
			free(k->w[t].batch[i].ids);
			free(k->w[t].batch[i].lines);
		}
	}
	free(k->w);
	free(k->tail);
	free(k->weight);
	spans_free(&k->toks);
	k->w = NULL;
	k->tail = NULL;
	k->weight = NULL;
}

/* ---- merging shards ---- */

/* The value of a shard's current triple as units of the settings, which must be exact: checks
 * that it is a count of them. Returns 0 or -1 with e filled. */
static int to_units(const struct cooccur_settings *set, const struct merge_source *s,
                    uint64_t *units, struct error *e)
{
	double u = s->v * (double)set->denom;

	if (u < 0 || u > 9007199254740992.0 || fabs(u - nearbyint(u)) > 1e-6 * (u > 1 ? u : 1))
		return error_bad(e, s->r.name, 0,
		                 "value %.17g at (%u, %u) is not a count of this --window and --weight: "
		                 "merge matrices counted with the same settings", s->v, s->row, s->col);
	*units = (uint64_t)nearbyint(u);
	return 0;
}

int cooccur_merge_open(struct cooccur_merge *m, struct cooccur_settings *set, char **files,
                       int nfiles, void (*warn)(const char *name), struct error *e)
{
	*m = (struct cooccur_merge){.set = set, .n = (size_t)nfiles};
	m->src = ecalloc(m->n, sizeof(*m->src));
	m->srcp = ecalloc(m->n, sizeof(*m->srcp));
	m->at = ecalloc(m->n, sizeof(*m->at));
	m->units = ecalloc(m->n, sizeof(*m->units));
	for (size_t i = 0; i < m->n; i++) {
		struct merge_source *s = &m->src[i];
		const struct mat_header *h = &s->h;

		m->srcp[i] = s;
		if (merge_source_open(s, files[i], e) < 0)
			return -1;
		m->nopen++;
		if (h->kind != MAT_SPARSE || h->rows != h->cols)
			return error_bad(e, s->r.name, 0, "not a square sparse matrix");
		if (i > 0 && h->rows != m->size)
			return error_bad(e, s->r.name, 0, "%llu rows, but %s has %llu",
			                 (unsigned long long)h->rows, m->src[0].r.name,
			                 (unsigned long long)m->size);
		m->size = h->rows;
		if (h->type == MAT_F32 && set->denom) {
			if (warn)
				warn(s->r.name);
			set->denom = 0;
		}
	}
	if (merge_init(&m->m, m->srcp, m->n, e) < 0)
		return -1;
	for (size_t i = 0; set->denom && i < m->n; i++)
		if (!m->src[i].done && to_units(set, &m->src[i], &m->units[i], e) < 0)
			return -1;
	return 0;
}

int cooccur_merge_run(struct cooccur_merge *m, cooc_emit_fn *fn, void *ctx, struct error *e)
{
	const struct cooccur_settings *set = m->set;
	uint32_t row, col;
	double v;
	size_t count;
	int k, r;

	while ((k = merge_next_at(&m->m, &row, &col, &v, m->at, &count, e)) == 1) {
		uint64_t val = 0;

		if (!set->denom) {
			val = dbl_bits(v); /* the doubles added in the order of the files */
		} else {
			/* the units of each shard's triple, checked when it was read; then those of the
			 * triples the shards have moved on to: a bad value stops before this cell */
			for (size_t j = 0; j < count; j++) {
				size_t i = m->at[j];

				val += m->units[i];
				if (!m->src[i].done && to_units(set, &m->src[i], &m->units[i], e) < 0)
					return -1;
			}
		}
		if ((r = fn(ctx, row, col, val)) != 0)
			return r;
	}
	return k < 0 ? -1 : 0;
}

void cooccur_merge_close(struct cooccur_merge *m)
{
	merge_free(&m->m);
	for (size_t i = 0; i < m->nopen; i++)
		merge_source_close(&m->src[i]);
	free(m->src);
	free(m->srcp);
	free(m->at);
	free(m->units);
	m->src = NULL;
	m->srcp = NULL;
	m->at = NULL;
	m->units = NULL;
	m->nopen = 0;
}
