/* fuzznn.h: what the fuzz targets of the models in lib/nn's container (nn/nnfile.h) share:
 * the input made into a file whose checksum is right, so that the fuzzer reaches what the
 * checksum guards (a leading option bit keeps the input's own, so that a wrong one is tried too),
 * and the check that a model a reader accepted is written again byte for byte. */
#ifndef NLP_FUZZNN_H
#define NLP_FUZZNN_H

#include "base/le.h"
#include "fuzz.h"
#include "nn/nnfile.h"

/* A copy of data [size] (free it) whose checksum (bytes 40..47) is that of the bytes after a
 * header of header bytes, unless keep. */
static inline uint8_t *fuzz_nnfile_copy(const uint8_t *data, size_t size, size_t header,
                                        int keep)
{
	uint8_t *c = malloc(size ? size : 1);

	assert(c);
	memcpy(c, data, size);
	if (!keep && size >= header)
		le_put_u64(c + 40, nnfile_checksum(c + header, size - header));
	return c;
}

/* After w (fuzz_writer on f) has written a model: asserts that f holds data [size] byte for
 * byte, and frees w. */
static inline void fuzz_wrote_back(struct writer *w, struct fuzz_file *f, const uint8_t *data,
                                   size_t size)
{
	unsigned char *x = malloc(size ? size : 1);

	assert(writer_flush(w) == 0);
	fuzz_writer_free(w);
	assert(x && (size_t)lseek(f->fd, 0, SEEK_END) == size);
	assert(pread(f->fd, x, size, 0) == (ssize_t)size);
	assert(memcmp(x, data, size) == 0);
	free(x);
}

#endif
