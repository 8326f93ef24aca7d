/* nnfile.h: the container of every model file of lib/nn's models (nlp-rnnlm-model(5) has the
 * layout): a header whose first 64 bytes are common to all kinds and the rest the kind's own,
 * word tables, then the parameters as float32, with a checksum of all that follows the header.
 * Little-endian, written field by field; a reader takes the whole file, checks the common header,
 * the sizes against the file's, the checksum and every word before anything is trusted, and
 * says what is wrong otherwise.
 *
 *   offset size
 *        0    8  magic, the kind's
 *        8    4  version, the kind's
 *       12    4  byte-order mark 0x01020304
 *       16    4  header bytes (a multiple of 64, at least 128)
 *       20    4  word tables
 *       24    8  bytes of the word tables
 *       32    8  parameters P (float32)
 *       40    8  FNV-1a 64 of every byte after the header
 *       48   16  reserved, 0
 *       64       the kind's fields, to the header's end
 *                the tables: each a u32 count, then per word a u32 length (1 .. NNFILE_WORD_MAX)
 *                and its bytes (valid UTF-8, no blank, no newline, no word twice in a table)
 *                zeros to a multiple of 64 bytes from the file's start
 *                the P parameters */
#ifndef NLP_NN_NNFILE_H
#define NLP_NN_NNFILE_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/io.h"
#include "base/strtab.h"
#include "nn/params.h"

#define NNFILE_MAGIC_LEN 8
#define NNFILE_COMMON 64
#define NNFILE_MAX_TABLES 4
#define NNFILE_WORD_MAX 1024
#define NNFILE_MAX_WORDS ((uint64_t)1 << 31)

/* What nnfile_parse found: the kind reads its fields from hdr and copies the parameters. */
struct nnfile {
	const unsigned char *hdr;       /* [header] inside the caller's data */
	uint32_t header;
	uint32_t ntables;
	struct strtab tables[NNFILE_MAX_TABLES]; /* owned: nnfile_free */
	const unsigned char *params;    /* [nparams * 4] little-endian float32, inside the data */
	uint64_t nparams;
};

/* Writes a model: hdr [header] with the kind's fields from byte 64 on (bytes 0..63 are written
 * here from magic, version and the sizes), the tables, and the tensors of the block params (of
 * layout L) one after another, without the block's gaps. Failures are the writer's
 * (base/io.h). */
void nnfile_write(struct writer *w, const char *magic, uint32_t version, unsigned char *hdr,
                  uint32_t header, const struct strtab *const *tables, uint32_t ntables,
                  const struct nn_layout *L, const float *params);

/* Checks data [size] (a whole file, named name in messages) as a model of the kind magic and
 * version, with a header of header bytes and ntables tables, and fills f. Returns 0, or -1 with
 * e filled (and f freed). what names the kind in messages ("an nlp-rnnlm model"). */
int nnfile_parse(struct nnfile *f, const unsigned char *data, size_t size, const char *name,
                 const char *magic, uint32_t version, uint32_t header, uint32_t ntables,
                 const char *what, struct error *e);

/* Names the kind of file whose first bytes are d [size] when its magic is one of the suite's
 * files' (the models of lib/nn's container, nlp-lm's binary model, nlp-w2v's model, the matrix
 * format) other than mine ("an nlp-tag model"), else NULL: so that a reader given another
 * program's file says which it is. */
const char *nnfile_other_kind(const unsigned char *d, size_t size, const char *mine);

/* Reads the file path whole into *data (free with free()), *size its bytes. Returns 0 or -1 with
 * e filled. */
int nnfile_slurp(const char *path, unsigned char **data, size_t *size, struct error *e);

/* The checksum of p [n]: FNV-1a 64 (what bytes 40..47 hold of the bytes after the header). */
uint64_t nnfile_checksum(const unsigned char *p, size_t n);

/* Copies n parameters from the file's little-endian float32 at src into dst. */
void nnfile_get_floats(float *dst, const unsigned char *src, size_t n);

/* Copies the file's parameters into the tensors of block (of layout L, whose tensors hold
 * f->nparams floats: the caller's check), one after another in layout order, each finite.
 * Returns 0, or -1 with e filled naming name, the parameter and its tensor. */
int nnfile_read_params(const struct nnfile *f, const struct nn_layout *L, float *block,
                       const char *name, struct error *e);

void nnfile_free(struct nnfile *f);

#endif
