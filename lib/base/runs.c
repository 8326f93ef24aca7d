/* runs.c: writing sorted runs to temporary files, reading them back, reducing their number. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/runs.h"

void runlist_close(struct runlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		close(l->fds[i]);
	free(l->fds);
	free(l->level);
	memset(l, 0, sizeof(*l));
}

int runlist_push(struct runlist *l, int fd, unsigned level)
{
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 8;
		int *p = realloc(l->fds, nc * sizeof(*p));
		unsigned char *q;

		if (!p)
			return -1;
		l->fds = p;
		if (!(q = realloc(l->level, nc)))
			return -1;
		l->level = q;
		l->cap = nc;
	}
	l->fds[l->n] = fd;
	l->level[l->n++] = level > UCHAR_MAX ? UCHAR_MAX : (unsigned char)level;
	return 0;
}

int runlist_absorb(struct runlist *a, struct runlist *b)
{
	size_t i = 0;

	for (; i < b->n; i++)
		if (runlist_push(a, b->fds[i], b->level[i]) < 0)
			break;
	if (i == b->n) { /* all moved (b may have none, and no arrays) */
		b->n = 0;
		return 0;
	}
	memmove(b->fds, b->fds + i, (b->n - i) * sizeof(*b->fds));
	memmove(b->level, b->level + i, b->n - i);
	b->n -= i;
	errno = ENOMEM;
	return -1;
}

int runs_error(struct error *e, const char *what)
{
	if (errno == ENOMEM)
		return error_set(e, -1, 0, NULL, 0, "%s: out of memory", what);
	return error_sys(e, NULL, "%s: temporary file in %s", what, tmpfile_dir());
}

int runs_begin(struct runs_writer *rw)
{
	if ((rw->fd = tmpfile_open()) < 0)
		return -1;
	writer_init(&rw->w, rw->fd);
	return 0;
}

uint64_t runlist_bytes(const struct runlist *l)
{
	uint64_t total = 0;

	for (size_t i = 0; i < l->n; i++)
		total += fd_size(l->fds[i]);
	return total;
}

/* What runs_stats reports, added to by every thread that spills. */
static uint64_t nruns, nbytes;

void runs_stats(uint64_t *runs, uint64_t *bytes)
{
	*runs = __atomic_load_n(&nruns, __ATOMIC_RELAXED);
	*bytes = __atomic_load_n(&nbytes, __ATOMIC_RELAXED);
}

int runs_finish(struct runs_writer *rw, int err)
{
	if (!err && writer_flush(&rw->w) < 0)
		err = rw->w.err ? rw->w.err : EIO;
	if (!err)
		__atomic_fetch_add(&nbytes, rw->w.nwritten, __ATOMIC_RELAXED);
	writer_free(&rw->w);
	if (err) {
		close(rw->fd);
		errno = err;
		return -1;
	}
	return rw->fd;
}

/* runs_end at a level. */
static int end_at(struct runs_writer *rw, struct runlist *l, int err, unsigned level)
{
	int fd = runs_finish(rw, err);

	if (fd < 0)
		return -1;
	if (runlist_push(l, fd, level) < 0) {
		close(fd);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

int runs_end(struct runs_writer *rw, struct runlist *l, int err)
{
	if (!err)
		__atomic_fetch_add(&nruns, 1, __ATOMIC_RELAXED);
	return end_at(rw, l, err, 0);
}

int runs_read(struct reader *r, int fd)
{
	if (lseek(fd, 0, SEEK_SET) < 0 || reader_fdopen_size(r, fd, "run", RUNS_READ_BUF) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return 0;
}

/* Merges the runs l[from..n) into one at level that takes their place at the tail. */
static int merge_tail(struct runlist *l, size_t from, unsigned level, runs_merge_fn *merge,
                      void *ctx)
{
	struct runs_writer rw;
	int err;

	if (runs_begin(&rw) < 0)
		return -1;
	err = merge(ctx, l->fds + from, l->n - from, &rw.w) < 0 ? (errno ? errno : EIO) : 0;
	l->n = from; /* the merge closed them */
	return end_at(&rw, l, err, level);
}

int runs_bound(struct runlist *l, size_t max, int ordered, runs_merge_fn *merge, void *ctx)
{
	size_t f = max / 2 < 2 ? 2 : max / 2;

	if (ordered)
		return l->n < max ? 0 : merge_tail(l, 0, 0, merge, ctx);
	while (l->n >= 2) {
		size_t n = l->n, k = 1, from;
		unsigned top = 0;

		while (k < n && k < f && l->level[n - 1 - k] == l->level[n - 1])
			k++;
		if (k < f && n < max)
			return 0;
		from = n > f ? n - f : 0;
		for (size_t i = from; i < n; i++)
			if (l->level[i] > top)
				top = l->level[i];
		/* f runs alike make a run of the next level; to keep below max, the newest f merge
		 * into the level of the largest among them */
		if (merge_tail(l, from, k == f ? top + 1 : top, merge, ctx) < 0)
			return -1;
	}
	return 0;
}

int runs_reduce(struct runlist *l, size_t fanin, runs_merge_fn *merge, void *ctx)
{
	while (l->n > fanin) {
		struct runs_writer rw;
		unsigned top = 0;
		int err, fd;

		for (size_t i = 0; i < fanin; i++)
			if (l->level[i] > top)
				top = l->level[i];
		if (runs_begin(&rw) < 0)
			return -1;
		err = merge(ctx, l->fds, fanin, &rw.w) < 0 ? (errno ? errno : EIO) : 0;
		memmove(l->fds, l->fds + fanin, (l->n - fanin) * sizeof(*l->fds));
		memmove(l->level, l->level + fanin, l->n - fanin);
		l->n -= fanin;
		if (end_at(&rw, l, err, top + 1) < 0)
			return -1;
		/* the merged run takes its inputs' place at the head: runs stay oldest first */
		fd = l->fds[l->n - 1];
		memmove(l->fds + 1, l->fds, (l->n - 1) * sizeof(*l->fds));
		l->fds[0] = fd;
		memmove(l->level + 1, l->level, l->n - 1);
		l->level[0] = top + 1 > UCHAR_MAX ? UCHAR_MAX : (unsigned char)(top + 1);
	}
	return 0;
}
