/* io.c: buffered line reader of unbounded line length, and checked output. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/mem.h"
#include "base/io.h"

#define READ_CHUNK (1u << 18)  /* bytes asked of read(2) at a time */
#define WRITE_BUF (1u << 17)

int reader_open(struct reader *r, const char *path)
{
	memset(r, 0, sizeof(*r));
	if (!path || strcmp(path, "-") == 0) {
		r->fd = 0;
		r->name = "<stdin>";
	} else {
		r->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (r->fd < 0)
			return -1;
		r->name = path;
	}
	r->cap = READ_CHUNK + 1;
	r->buf = malloc(r->cap);
	if (!r->buf) {
		if (r->fd > 0)
			close(r->fd);
		return -1;
	}
	return 0;
}

int reader_fdopen_size(struct reader *r, int fd, const char *name, size_t size)
{
	memset(r, 0, sizeof(*r));
	r->fd = fd;
	r->name = name;
	r->cap = size + 1;
	if (!(r->buf = malloc(r->cap)))
		return -1;
	return 0;
}

int reader_fdopen(struct reader *r, int fd, const char *name)
{
	return reader_fdopen_size(r, fd, name, READ_CHUNK);
}

const char *tmpfile_dir(void)
{
	const char *dir = getenv("TMPDIR");

	return dir && *dir ? dir : "/tmp";
}

int tmpfile_open(void)
{
	char *path;
	int fd, e;

	if (asprintf(&path, "%s/nlp-spill-XXXXXX", tmpfile_dir()) < 0)
		return -1;
	fd = mkostemp(path, O_CLOEXEC);
	e = errno;
	if (fd >= 0)
		unlink(path);
	free(path);
	errno = e;
	return fd;
}

/* Copies fd to the end of a temporary file; returns it, or -1 with *failed naming the step. */
static int copy_to_tmpfile(int fd, const char **failed)
{
	char buf[1 << 16];
	int tmp = tmpfile_open();
	ssize_t n;

	*failed = "a temporary copy of";
	if (tmp < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			*failed = "read";
			goto fail;
		}
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(tmp, buf + off, (size_t)(n - off));

			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				goto fail;
			off += w;
		}
	}
	return tmp;
fail:
	n = errno;
	close(tmp);
	errno = (int)n;
	return -1;
}

int open_rereadable(const char *path, const char *name, struct error *e)
{
	struct stat st;
	const char *failed;
	int fd = 0, tmp, errnum;

	if (strcmp(path, "-") != 0 && (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return error_sys(e, NULL, "open %s", name);
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && lseek(fd, 0, SEEK_CUR) == 0)
		return fd;
	tmp = copy_to_tmpfile(fd, &failed);
	errnum = errno;
	if (fd != 0)
		close(fd);
	if (tmp < 0)
		return error_set(e, -1, errnum, NULL, 0, "%s %s", failed, name);
	return tmp;
}

int reader_reread(struct reader *r, int fd, const char *name)
{
	int copy;

	if (lseek(fd, 0, SEEK_SET) < 0 || (copy = dup(fd)) < 0)
		return -1;
	return reader_fdopen(r, copy, name);
}

int reader_ready(const struct reader *r)
{
	struct pollfd p = {r->fd, POLLIN, 0};

	return memchr(r->buf + r->start, '\n', r->end - r->start) || r->eof || poll(&p, 1, 0) > 0;
}

void reader_close(struct reader *r)
{
	if (r->fd > 0)
		close(r->fd);
	free(r->buf);
	r->buf = NULL;
}

/* Makes room for at least READ_CHUNK more bytes after end: moves pending bytes to the front, or
 * grows the buffer when a single line fills it. */
static int reader_make_room(struct reader *r)
{
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->cap - r->end < READ_CHUNK + 1) {
		size_t ncap = r->cap * 2;
		char *nbuf;

		while (ncap - r->end < READ_CHUNK + 1)
			ncap *= 2;
		nbuf = realloc(r->buf, ncap);
		if (!nbuf)
			return -1;
		r->buf = nbuf;
		r->cap = ncap;
	}
	return 0;
}

ssize_t reader_line(struct reader *r, char **line)
{
	size_t seen = 0; /* bytes after start known to hold no '\n' */

	for (;;) {
		char *from = r->buf + r->start + seen;
		char *nl = memchr(from, '\n', r->end - r->start - seen);

		if (nl) {
			size_t len = (size_t)(nl - (r->buf + r->start));

			*line = r->buf + r->start;
			*nl = '\0';
			r->start += len + 1;
			return (ssize_t)len;
		}
		seen = r->end - r->start;
		if (r->eof) {
			if (seen == 0)
				return -1;
			*line = r->buf + r->start;
			r->buf[r->end] = '\0'; /* cap > end always holds */
			r->start = r->end;
			return (ssize_t)seen;
		}
		if (reader_make_room(r) < 0)
			return -2;
		for (;;) {
			ssize_t n = read(r->fd, r->buf + r->end, r->cap - r->end - 1);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return -2;
			if (n == 0)
				r->eof = 1;
			r->end += (size_t)n;
			r->nread += (uint64_t)n;
			break;
		}
	}
}

ssize_t reader_read(struct reader *r, void *dst, size_t n)
{
	char *d = dst;
	size_t got = 0;

	while (got < n) {
		size_t have = r->end - r->start, k;

		if (have == 0) {
			ssize_t m;

			if (r->eof)
				break;
			r->start = r->end = 0;
			do
				m = read(r->fd, r->buf, r->cap - 1);
			while (m < 0 && errno == EINTR);
			if (m < 0)
				return -1;
			if (m == 0)
				r->eof = 1;
			r->end = (size_t)m;
			r->nread += (uint64_t)m;
			continue;
		}
		k = have < n - got ? have : n - got;
		memcpy(d + got, r->buf + r->start, k);
		r->start += k;
		got += k;
	}
	return (ssize_t)got;
}

void writer_init(struct writer *w, int fd)
{
	w->fd = fd;
	w->cap = WRITE_BUF;
	w->buf = emalloc(w->cap);
	w->len = 0;
	w->err = 0;
	w->nwritten = 0;
	w->on_error = NULL;
}

int writer_flush(struct writer *w)
{
	size_t off = 0;

	while (off < w->len && !w->err) {
		ssize_t n = write(w->fd, w->buf + off, w->len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			w->err = errno;
		else
			off += (size_t)n;
	}
	w->nwritten += off;
	w->len = 0;
	if (w->err && w->on_error)
		w->on_error(w);
	return w->err ? -1 : 0;
}

void writer_write_slow(struct writer *w, const char *p, size_t n)
{
	while (n > 0) {
		size_t k;

		if (w->len == w->cap)
			writer_flush(w);
		k = w->cap - w->len;
		if (k > n)
			k = n;
		memcpy(w->buf + w->len, p, k);
		w->len += k;
		p += k;
		n -= k;
	}
}

void writer_free(struct writer *w)
{
	free(w->buf);
	w->buf = NULL;
}

uint64_t fd_size(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
}

uint64_t files_size(char **files, int nfiles)
{
	uint64_t total = 0;
	struct stat st;

	for (int i = 0; i < (nfiles ? nfiles : 1); i++) {
		int in = !nfiles || !strcmp(files[i], "-");
		off_t pos = 0;

		if ((in ? fstat(0, &st) : stat(files[i], &st)) < 0 || !S_ISREG(st.st_mode))
			return 0;
		if (in && (pos = lseek(0, 0, SEEK_CUR)) < 0)
			pos = 0;
		total += (uint64_t)(st.st_size - (pos < st.st_size ? pos : st.st_size));
	}
	return total;
}
