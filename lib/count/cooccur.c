/* cooccur.c: the counting threads of co-occurrence in a window, and the k-way merge of shards. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
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

/* ---- the record ---- */

static const char *const CONTEXTS[] = {"left", "both", "right"}; /* by dir + 1 */

void cooccur_record(const struct cooccur_settings *set, uint64_t vocab_fp, char *rec)
{
	snprintf(rec, MAT_RECORD_MAX + 1,
	         "cooccur window=%u weight=%s context=%s cross-lines=%s drop-oov=%s vocab=%016llx\n",
	         set->window, set->harmonic ? "harmonic" : "flat", CONTEXTS[set->dir + 1],
	         set->cross ? "yes" : "no", set->keep_oov ? "after" : "before",
	         (unsigned long long)vocab_fp);
}

/* The keys of a record line, in the order they are compared and reported. */
static const char *const KEYS[] = {"window", "weight", "context", "cross-lines", "drop-oov",
                                   "vocab"};

/* Which of words[] val is, or -1. */
static int word_index(const char *val, const char *const *words, int n)
{
	for (int i = 0; i < n; i++)
		if (strcmp(val, words[i]) == 0)
			return i;
	return -1;
}

int cooccur_parse_record(const char *name, const char *rec, struct cooccur_settings *set,
                         uint64_t *vocab_fp, struct error *e)
{
	static const char *const weights[] = {"flat", "harmonic"}, *const yesno[] = {"no", "yes"},
	                         *const drops[] = {"before", "after"};
	char val[32], *end;
	size_t n;
	const char *line = mat_record_last(rec, &n);
	unsigned long w;
	int i;

	if (n < 8 || memcmp(line, "cooccur", 7) != 0 || line[7] != ' ') {
		size_t stage = strcspn(line, " \n");

		return error_bad(e, name, 0,
		                 "does not hold counts: its record ends with the stage '%.*s', not "
		                 "cooccur", (int)stage, line);
	}
	for (size_t k = 0; k < sizeof(KEYS) / sizeof(KEYS[0]); k++) {
		if (!mat_record_field(line, n, KEYS[k], val, sizeof(val)))
			goto bad;
		switch (k) {
		case 0:
			w = strtoul(val, &end, 10);
			if (*end || val[0] < '1' || val[0] > '9' || w > COOCCUR_MAX_WINDOW)
				goto bad;
			set->window = (unsigned)w;
			break;
		case 1:
		case 3:
		case 4:
			if ((i = word_index(val, k == 1 ? weights : k == 3 ? yesno : drops, 2)) < 0)
				goto bad;
			*(k == 1 ? &set->harmonic : k == 3 ? &set->cross : &set->keep_oov) = i;
			break;
		case 2:
			if ((i = word_index(val, CONTEXTS, 3)) < 0)
				goto bad;
			set->dir = i - 1;
			break;
		default:
			if (strlen(val) != 16 || strspn(val, "0123456789abcdef") != 16)
				goto bad;
			if (vocab_fp)
				*vocab_fp = strtoull(val, NULL, 16);
			break;
		}
		continue;
	bad:
		return error_bad(e, name, 0, "the cooccur line of its record has no valid %s",
		                 KEYS[k]);
	}
	return 0;
}

/* Why the record b of shard nb differs from a of shard na: the first key whose value differs,
 * or the record as a whole. Returns -1 with e filled. */
static int records_differ(const char *na, const char *a, const char *nb, const char *b,
                          struct error *e)
{
	size_t la, lb;
	const char *pa = mat_record_last(a, &la), *pb = mat_record_last(b, &lb);
	char va[32], vb[32];

	for (size_t k = 0; k < sizeof(KEYS) / sizeof(KEYS[0]); k++) {
		mat_record_field(pa, la, KEYS[k], va, sizeof(va)); /* both parsed: it is there */
		mat_record_field(pb, lb, KEYS[k], vb, sizeof(vb));
		if (strcmp(va, vb) == 0)
			continue;
		if (strcmp(KEYS[k], "vocab") == 0)
			return error_bad(e, nb, 0,
			                 "counted with another vocabulary than %s (vocab=%s, not %s)", na,
			                 vb, va);
		return error_bad(e, nb, 0,
		                 "counted with %s=%s, but %s with %s=%s: merge shards counted alike",
		                 KEYS[k], vb, na, KEYS[k], va);
	}
	return error_bad(e, nb, 0, "its record of how it was made differs from that of %s", na);
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

/* Checks the window and weight the user gave against the settings rec of shard name. Returns 0
 * or -1 with e filled. */
static int check_given(const struct cooccur_settings *want, unsigned given, const char *name,
                       const struct cooccur_settings *rec, struct error *e)
{
	if ((given & COOCCUR_GIVEN_WINDOW) && rec->window != want->window)
		return error_bad(e, name, 0, "counted with window=%u, not the --window %u given",
		                 rec->window, want->window);
	if ((given & COOCCUR_GIVEN_WEIGHT) && rec->harmonic != want->harmonic)
		return error_bad(e, name, 0, "counted with weight=%s, not the --weight %s given",
		                 rec->harmonic ? "harmonic" : "flat", want->harmonic ? "harmonic" : "flat");
	return 0;
}

int cooccur_merge_open(struct cooccur_merge *m, struct cooccur_settings *set, unsigned given,
                       char **files, int nfiles, void (*warn)(const char *name),
                       struct error *e)
{
	struct cooccur_settings rec = *set;
	const struct merge_source *first = NULL; /* the first shard with a record */
	const char *f32 = NULL;                  /* the first shard of 32-bit values */
	size_t recorded = 0;

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
		if (h->record[0]) {
			struct cooccur_settings here = *set;

			if (cooccur_parse_record(s->r.name, h->record, &here, NULL, e) < 0)
				return -1;
			if (!first) {
				if (check_given(set, given, s->r.name, &here, e) < 0)
					return -1;
				rec = here;
				first = s;
			} else if (strcmp(h->record, first->h.record) != 0) {
				return records_differ(first->r.name, first->h.record, s->r.name,
				                      h->record, e);
			}
			recorded++;
		}
		if (h->type == MAT_F32 && !f32)
			f32 = s->r.name;
	}
	if (first) {
		rec.denom = 0;
		*set = rec;
		if (recorded == m->n)
			memcpy(m->record, first->h.record, sizeof(m->record));
	}
	set->denom = cooccur_denom(set);
	if (f32 && set->denom) {
		if (warn)
			warn(f32);
		set->denom = 0;
	}
	if (merge_init(&m->m, m->srcp, m->n, e) < 0)
		return -1;
	merge_report(&m->m, "merging");
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
