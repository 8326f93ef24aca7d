/* countfile.h: the counts format shared by count files and vocabularies: "key<TAB>count" per
 * line, the key's units joined by single spaces; reading it and writing it. */
#ifndef NLP_COUNTFILE_H
#define NLP_COUNTFILE_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/io.h"
#include "base/spans.h"

/* Parses a counts line: a key of units separated by single spaces, a tab, a decimal count.
 * Returns 0 with the key's length, unit count and count; or -1 with e filled, for line `line`
 * of the file `name`, with what is malformed ("NAME: line N: no tab between the key and the
 * count"). */
int countfile_parse_line(const char *s, size_t n, size_t *keylen, unsigned *nunits,
                         uint64_t *count, const char *name, uint64_t line, struct error *e);

/* Called for each line of a counts file; a non-zero return stops the reading. */
typedef int countfile_line_fn(void *ctx, const char *key, size_t len, unsigned nunits,
                              uint64_t count);

/* Reads the counts file path ("-" is stdin), cleaning each line by the UTF-8 policy (an enum
 * utf8_policy), and calls fn for each line. Returns 0; -1 with e filled when the file cannot be
 * opened or read ("open NAME: reason", "read NAME: reason"), or for a malformed line or invalid
 * UTF-8 under the fail policy ("NAME: line N: why"); or fn's non-zero return, with e->name (the
 * file, "<stdin>" for standard input) and e->line saying where, for the caller's message. */
int countfile_read(const char *path, int policy, countfile_line_fn *fn, void *ctx,
                   struct error *e);
/* The same over files[0..nfiles) (stdin when there are none), stopping at the first non-zero
 * return, which it returns. */
int countfile_read_all(char **files, int nfiles, int policy, countfile_line_fn *fn, void *ctx,
                       struct error *e);

/* Writes the line "key<TAB>count" to w (whose on_error hook sees a failure). */
void countfile_put(struct writer *w, const char *key, size_t len, uint64_t count);

#endif
