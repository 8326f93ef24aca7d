/* fuzz.h: what the libFuzzer targets (tests/fuzz/fuzz-*.c) share. The readers take a descriptor
 * (struct reader) or a path, never a memory buffer, so each input is written into a memory file
 * (memfd) that the reader then opens as the programs open their files: through a duplicate of
 * its descriptor, or by its path /proc/self/fd/N. Output goes to a second memory file, which a
 * target may read back. Everything is test code: a broken invariant is an assert. */
#ifndef NLP_FUZZ_H
#define NLP_FUZZ_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/io.h"

/* A memory file and the path that opens it afresh. */
struct fuzz_file {
	int fd;
	char path[40];
};

/* Creates f once (name is for /proc only); later calls keep it. */
static inline void fuzz_file_init(struct fuzz_file *f, const char *name)
{
	if (f->path[0])
		return;
	f->fd = memfd_create(name, MFD_CLOEXEC);
	assert(f->fd >= 0);
	snprintf(f->path, sizeof(f->path), "/proc/self/fd/%d", f->fd);
}

/* Empties f and rewinds it. */
static inline void fuzz_file_clear(struct fuzz_file *f)
{
	int k = ftruncate(f->fd, 0);

	assert(k == 0);
	assert(lseek(f->fd, 0, SEEK_SET) == 0);
}

/* Makes f hold exactly data[0..size), positioned at its first byte. */
static inline void fuzz_file_set(struct fuzz_file *f, const uint8_t *data, size_t size)
{
	fuzz_file_clear(f);
	for (size_t off = 0; off < size;) {
		ssize_t n = pwrite(f->fd, data + off, size - off, (off_t)off);

		assert(n > 0);
		off += (size_t)n;
	}
}

/* Opens r on f from its first byte, as a program's reader on a file; reader_close closes it.
 * name is what messages call the file. */
static inline void fuzz_reader(struct reader *r, struct fuzz_file *f, const char *name)
{
	int fd;

	assert(lseek(f->fd, 0, SEEK_SET) == 0);
	fd = dup(f->fd);
	assert(fd > 0);
	assert(reader_fdopen(r, fd, name) == 0);
}

/* A writer on f (emptied first), for output that a target reads back or throws away; after
 * writer_flush, f holds what was written. fuzz_writer_free frees it; f stays open. */
static inline void fuzz_writer(struct writer *w, struct fuzz_file *f)
{
	fuzz_file_clear(f);
	writer_init(w, f->fd);
}

static inline void fuzz_writer_free(struct writer *w)
{
	writer_free(w);
}

/* The lowest free descriptor: the same after an input as before it when every descriptor a
 * reader opened was closed again (libFuzzer's own come and go between inputs). */
static inline int fuzz_fds(void)
{
	int fd = dup(2);

	assert(fd >= 0);
	close(fd);
	return fd;
}

/* Bytes of the input a target takes for its options; the rest is the file. */
static inline uint8_t fuzz_take(const uint8_t **data, size_t *size)
{
	uint8_t b;

	if (*size == 0)
		return 0;
	b = **data;
	(*data)++;
	(*size)--;
	return b;
}

#endif
