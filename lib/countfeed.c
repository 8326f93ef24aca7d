/* countfeed.c: a reading thread and a counting thread, joined by a ring of batches. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "countfeed.h"

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

/* Counts the batch's lines unless the counting has failed already; returns the error. */
static int count_batch(struct ngcount *c, struct feed_batch *b, int err)
{
	size_t k = 0;

	for (size_t i = 0; i < b->nlines && !err; i++) {
		if (ngc_add_hashed(c, b->v + k, b->h + k, b->lines[i]) < 0)
			err = errno ? errno : ENOMEM;
		k += b->lines[i];
	}
	b->len = b->ntok = b->nlines = 0;
	return err;
}

static void *counter(void *arg)
{
	struct ngc_feed *f = arg;
	int err = 0;

	pthread_mutex_lock(&f->lock);
	for (;;) {
		struct feed_batch *b;

		while (f->counted == f->filled && !f->done)
			pthread_cond_wait(&f->cond, &f->lock);
		if (f->counted == f->filled)
			break;
		b = &f->b[f->counted % FEED_BATCHES];
		pthread_mutex_unlock(&f->lock);
		err = count_batch(f->c, b, err);
		pthread_mutex_lock(&f->lock);
		f->err = err;
		f->counted++;
		pthread_cond_broadcast(&f->cond);
	}
	pthread_mutex_unlock(&f->lock);
	return NULL;
}

int ngc_feed_start(struct ngc_feed *f, struct ngcount *c)
{
	int e;

	memset(f, 0, sizeof(*f));
	f->c = c;
	if (!(f->b = calloc(FEED_BATCHES, sizeof(*f->b)))) {
		errno = ENOMEM;
		return -1;
	}
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->cond, NULL);
	if ((e = pthread_create(&f->thread, NULL, counter, f)) != 0) {
		free(f->b);
		errno = e;
		return -1;
	}
	return 0;
}

/* Passes the batch being filled on, and waits until the next one is free. Returns the counting's
 * error, if any. */
static int pass_on(struct ngc_feed *f)
{
	int err;

	pthread_mutex_lock(&f->lock);
	f->filled++;
	pthread_cond_broadcast(&f->cond);
	while (f->filled - f->counted == FEED_BATCHES)
		pthread_cond_wait(&f->cond, &f->lock);
	err = f->err;
	pthread_mutex_unlock(&f->lock);
	return err;
}

static int in_line(const struct span *u, const char *s, size_t len)
{
	return (uintptr_t)u->p >= (uintptr_t)s && (uintptr_t)u->p + u->n <= (uintptr_t)s + len;
}

int ngc_feed_line(struct ngc_feed *f, const char *s, size_t len, const struct span *v, size_t n)
{
	struct feed_batch *b = &f->b[f->filled % FEED_BATCHES];
	size_t nbytes = len; /* the line, and the units outside it */
	char *line;
	int err;

	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!in_line(&v[i], s, len))
			nbytes += v[i].n;
	if (b->len && b->len + nbytes > b->cap) {
		if ((err = pass_on(f)) != 0) {
			errno = err;
			return -1;
		}
		b = &f->b[f->filled % FEED_BATCHES];
	}
	if (batch_room(b, n, nbytes) < 0) {
		errno = ENOMEM;
		return -1;
	}
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
		b->h[b->ntok++] = hash_bytes(p, v[i].n);
	}
	b->lines[b->nlines++] = n;
	if (b->len >= FEED_BATCH_BYTES && (err = pass_on(f)) != 0) {
		errno = err;
		return -1;
	}
	return 0;
}

int ngc_feed_finish(struct ngc_feed *f)
{
	int err;

	pthread_mutex_lock(&f->lock);
	if (f->b[f->filled % FEED_BATCHES].nlines)
		f->filled++;
	f->done = 1;
	pthread_cond_broadcast(&f->cond);
	pthread_mutex_unlock(&f->lock);
	pthread_join(f->thread, NULL);
	err = f->err;
	for (int i = 0; i < FEED_BATCHES; i++)
		batch_free(&f->b[i]);
	free(f->b);
	pthread_mutex_destroy(&f->lock);
	pthread_cond_destroy(&f->cond);
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

int ngc_feed_files(struct ngc_feed *f, struct ngcount *c, const struct filter *fl, char **files,
                   int nfiles)
{
	int ret;

	if (ngc_feed_start(f, c) < 0)
		return -1;
	ret = filter_lines(fl, files, nfiles);
	if (ngc_feed_finish(f) < 0)
		return -1;
	return ret;
}
