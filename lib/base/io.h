/* io.h: a line reader that returns lines of any length from a file descriptor without copying them
 * more than once, a checked, buffered writer on any descriptor (the policy for the program's
 * standard output is cli/out.h's), temporary files and lists of descriptors. */
#ifndef NLP_IO_H
#define NLP_IO_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "base/error.h"

struct reader {
	int fd;
	char *buf;       /* [cap] bytes; buf[start..end) not yet returned */
	size_t cap, start, end;
	int eof;
	uint64_t nread;  /* bytes read so far, for progress */
	const char *name;
};

/* Open path for reading ("-" or NULL is stdin). Returns 0, or -1 with errno set. */
int reader_open(struct reader *r, const char *path);
/* The size of the regular file open on fd; 0 for anything else (a pipe, a terminal) or when
 * fstat fails. */
uint64_t fd_size(int fd);
/* The bytes left to read in files[0..nfiles) ("-": stdin, from where it stands; none: stdin),
 * when every one is a regular file; 0 (unknown) otherwise. For the total of a progress. */
uint64_t files_size(char **files, int nfiles);
/* Reads an open descriptor (which reader_close closes unless it is 0). Returns 0, or -1 with
 * errno set when memory runs out. name is kept, not copied. */
int reader_fdopen(struct reader *r, int fd, const char *name);
/* reader_fdopen with a buffer of `size` bytes (the default is 256 KiB) for readers that are open
 * many at once. */
int reader_fdopen_size(struct reader *r, int fd, const char *name, size_t size);
/* Closes the descriptor (unless it is the standard input) and frees the buffer. */
void reader_close(struct reader *r);
/* Whether reader_line can return a line without waiting for input: a whole line is buffered,
 * the input has ended, or the descriptor has bytes to read now. Returns 1 or 0. */
int reader_ready(const struct reader *r);

/* A temporary file in tmpfile_dir(), already unlinked, so nothing is left behind whatever
 * happens. Returns its descriptor (the caller closes it), or -1 with errno set. */
int tmpfile_open(void);
/* The directory of temporary files: $TMPDIR when it is set and not empty, else /tmp. Returns the
 * environment's string or a constant (not to be freed), for messages too. */
const char *tmpfile_dir(void);

/* A descriptor of path ("-": the standard input) that can be read more than once: the file
 * itself when it is a regular file read from its start, else a copy of it in a temporary file.
 * Returns it (the caller closes it), or -1 with e filled: "open NAME", "read NAME" or "a
 * temporary copy of NAME", and the system's reason; name is what messages call path. */
int open_rereadable(const char *path, const char *name, struct error *e);
/* Opens r on a duplicate of fd from its first byte (fd stays open). Returns 0 or -1 (errno). */
int reader_reread(struct reader *r, int fd, const char *name);

/* Next line without its '\n': *line points into the reader's buffer and stays valid until the next
 * call; a NUL is written at line[len] so C string functions stop there. Returns the length, -1 at
 * end of input, -2 on a read error (errno set). A last line without '\n' is returned as a line. */
ssize_t reader_line(struct reader *r, char **line);

struct writer {
	int fd;
	char *buf;      /* [cap] */
	size_t cap, len;
	int err;        /* errno of the first failed write, 0 if none */
	uint64_t nwritten;
	/* Called after a write fails, when set: a program's policy for its standard output (cli/out.h
	 * ends the program there). The library itself only records w->err. */
	void (*on_error)(struct writer *w);
};

/* Sets up a writer on fd with no on_error hook. */
void writer_init(struct writer *w, int fd);
/* Writes everything buffered. Returns 0 or -1 with w->err set. */
int writer_flush(struct writer *w);
/* Frees the buffer without flushing it (the descriptor stays open). */
void writer_free(struct writer *w);

/* Buffers one byte, flushing first when the buffer is full; a failed write is recorded in w->err
 * (and reported through on_error). */
static inline void writer_putc(struct writer *w, char c)
{
	if (w->len == w->cap)
		writer_flush(w);
	w->buf[w->len++] = c;
}

/* writer_write's path when p[0..n) does not fit in what is left of the buffer. */
void writer_write_slow(struct writer *w, const char *p, size_t n);

/* Buffers p[0..n), flushing as needed; failures as for writer_putc. */
static inline void writer_write(struct writer *w, const char *p, size_t n)
{
	if (n <= w->cap - w->len) {
		memcpy(w->buf + w->len, p, n);
		w->len += n;
	} else {
		writer_write_slow(w, p, n);
	}
}


/* Binary reads through the same buffer: copies up to n bytes to dst. Returns the count copied,
 * which is less than n only at the end of input; -1 on a read error (errno set). */
ssize_t reader_read(struct reader *r, void *dst, size_t n);
#endif
