/* runs.c: writing sorted runs to temporary files, reading them back, reducing their number. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "base/runs.h"

int runs_begin(struct runs_writer *rw)
{
	if ((rw->fd = tmpfile_open()) < 0)
		return -1;
	writer_init(&rw->w, rw->fd);
	return 0;
}

int runs_finish(struct runs_writer *rw, int err)
{
	if (!err && writer_flush(&rw->w) < 0)
		err = rw->w.err ? rw->w.err : EIO;
	writer_free(&rw->w);
	if (err) {
		close(rw->fd);
		errno = err;
		return -1;
	}
	return rw->fd;
}

int runs_end(struct runs_writer *rw, struct fdlist *l, int err)
{
	int fd = runs_finish(rw, err);

	if (fd < 0)
		return -1;
	if (fdlist_push(l, fd) < 0) {
		close(fd);
		errno = ENOMEM;
		return -1;
	}
	return 0;
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

int runs_reduce(struct fdlist *l, size_t fanin, runs_merge_fn *merge, void *ctx)
{
	while (l->n > fanin) {
		struct runs_writer rw;
		int err, fd;

		if (runs_begin(&rw) < 0)
			return -1;
		err = merge(ctx, l->fds, fanin, &rw.w) < 0 ? (errno ? errno : EIO) : 0;
		memmove(l->fds, l->fds + fanin, (l->n - fanin) * sizeof(*l->fds));
		l->n -= fanin;
		if (runs_end(&rw, l, err) < 0)
			return -1;
		/* the merged run takes its inputs' place at the head: runs stay oldest first */
		fd = l->fds[l->n - 1];
		memmove(l->fds + 1, l->fds, (l->n - 1) * sizeof(*l->fds));
		l->fds[0] = fd;
	}
	return 0;
}
