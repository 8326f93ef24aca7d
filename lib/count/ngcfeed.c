/* ngcfeed.c: batches of hashed units for the counting thread (base/ring.h). */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "count/ngcfeed.h"

struct feed_batch {
	char *bytes; /* the units, back to back; never moved while the batch holds units */
	size_t len, cap;
	struct span *v; /* units, pointing into bytes */
	uint64_t *h;    /* their hashes */
	size_t ntok, tokcap;
	size_t *lines; /* units per line */
	size_t nlines, linecap;
};

static void batch_free(struct feed_batch *b)
{
	free(b->bytes);
	free(b->v);
	free(b->h);
	free(b->lines);
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap ? *cap : 1024;
	void *q;

	while (c < need)
		c *= 2;
	if (c == *cap)
		return 0;
	if (!(q = realloc(*p, c * size)))
		return -1;
	*p = q;
	*cap = c;
	return 0;
}

/* Room for a line of n units of nbytes bytes; bytes only grows while the batch is empty. */
static int batch_room(struct feed_batch *b, size_t n, size_t nbytes)
{
	size_t tokcap = b->tokcap;

	if (b->len + nbytes > b->cap) {
		char *p;
		size_t cap = b->cap ? b->cap : FEED_BATCH_BYTES;

		while (cap < nbytes)
			cap *= 2;
		if (!(p = malloc(cap)))
			return -1;
		free(b->bytes);
		b->bytes = p;
		b->cap = cap;
	}
	if (grow((void **)&b->v, &b->tokcap, b->ntok + n, sizeof(*b->v)) < 0)
		return -1;
	if (b->tokcap != tokcap) {
		uint64_t *h = realloc(b->h, b->tokcap * sizeof(*h));

		if (!h)
			return -1;
		b->h = h;
	}
	return grow((void **)&b->lines, &b->linecap, b->nlines + 1, sizeof(*b->lines));
}

static void batch_empty(struct feed_batch *b)
{
	b->len = b->ntok = b->nlines = 0;
}

/* The worker: counts the batch's lines; a failure is kept in f->err for the reading thread,
 * which sees it after ring_pass or ring_finish (the ring's lock orders the two). */
static int count_batch(void *ctx, void *batch)
{
	struct ngcfeed *f = ctx;
	struct feed_batch *b = batch;
	size_t k = 0;

	for (size_t i = 0; i < b->nlines; i++) {
		if (ngc_add_hashed(f->c, b->v + k, b->h + k, b->lines[i], &f->err) < 0) {
			/* the ring keeps an errno value; f->err says it all */
			errno = f->err.errnum ? f->err.errnum : ENOMEM;
			return -1;
		}
		k += b->lines[i];
	}
	return 0;
}

/* Fills e with the counting thread's failure (count_batch keeps it in f->err). Returns -1. */
static int feed_failed(const struct ngcfeed *f, struct error *e)
{
	if (e)
		*e = f->err;
	return -1;
}

int ngcfeed_start(struct ngcfeed *f, struct ngcount *c, struct error *e)
{
	void *slots[RING_SLOTS];

	f->c = c;
	if (!(f->b = calloc(RING_SLOTS, sizeof(*f->b))))
		return error_set(e, -1, ENOMEM, NULL, 0, "counting");
	for (int i = 0; i < RING_SLOTS; i++)
		slots[i] = &f->b[i];
	if (ring_start(&f->ring, slots, count_batch, f) < 0) {
		free(f->b);
		return error_set(e, -1, errno, NULL, 0, "counting");
	}
	return 0;
}

/* Passes the batch being filled on; returns the next one, emptied, or NULL with e filled when
 * the counting has failed. */
static struct feed_batch *pass_on(struct ngcfeed *f, struct error *e)
{
	struct feed_batch *b;

	if (ring_pass(&f->ring) < 0) {
		feed_failed(f, e);
		return NULL;
	}
	b = ring_slot(&f->ring);
	batch_empty(b);
	return b;
}

static int in_line(const struct span *u, const char *s, size_t len)
{
	return (uintptr_t)u->p >= (uintptr_t)s && (uintptr_t)u->p + u->n <= (uintptr_t)s + len;
}

int ngcfeed_line(struct ngcfeed *f, const char *s, size_t len, const struct span *v, size_t n,
                 struct error *e)
{
	struct feed_batch *b = ring_slot(&f->ring);
	size_t nbytes = len; /* the line, and the units outside it */
	char *line;

	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!in_line(&v[i], s, len))
			nbytes += v[i].n;
	if (b->len && b->len + nbytes > b->cap && !(b = pass_on(f, e)))
		return -1;
	if (batch_room(b, n, nbytes) < 0)
		return error_set(e, -1, ENOMEM, NULL, 0, "counting");
	line = b->bytes + b->len;
	if (len)
		memcpy(line, s, len); /* one copy, the units pointing into it */
	b->len += len;
	for (size_t i = 0; i < n; i++) {
		const char *p;

		if (in_line(&v[i], s, len)) {
			p = line + (v[i].p - s);
		} else {
			p = memcpy(b->bytes + b->len, v[i].p, v[i].n);
			b->len += v[i].n;
		}
		b->v[b->ntok] = (struct span){p, v[i].n};
		b->h[b->ntok++] = strtab_hash_bytes(p, v[i].n);
	}
	b->lines[b->nlines++] = n;
	if (b->len >= FEED_BATCH_BYTES && !pass_on(f, e))
		return -1;
	return 0;
}

int ngcfeed_finish(struct ngcfeed *f, struct error *e)
{
	struct feed_batch *b = ring_slot(&f->ring);
	int r = ring_finish(&f->ring, b->nlines > 0);

	for (int i = 0; i < RING_SLOTS; i++)
		batch_free(&f->b[i]);
	free(f->b);
	return r < 0 ? feed_failed(f, e) : 0;
}
