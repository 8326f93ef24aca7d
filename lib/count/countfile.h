/* countfile.h: splitting lines of tokens into units, and the counts format shared by count
 * files and vocabularies: "key<TAB>count" per line, the key's units joined by single spaces. */
#ifndef NLP_COUNTFILE_H
#define NLP_COUNTFILE_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

struct span {
	const char *p;
	size_t n;
};

/* A growable array of spans. */
struct spans {
	struct span *v;
	size_t n, cap;
};

static inline int is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Replaces sp's contents by the runs of non-blank bytes of s[0..n). */
void split_blank(const char *s, size_t n, struct spans *sp);
void spans_grow(struct spans *sp);
void spans_free(struct spans *sp);

static inline void spans_push(struct spans *sp, const char *p, size_t n)
{
	if (sp->n == sp->cap)
		spans_grow(sp);
	sp->v[sp->n].p = p;
	sp->v[sp->n].n = n;
	sp->n++;
}

/* Parses a counts line: a key of units separated by single spaces, a tab, a decimal count.
 * Returns NULL and the key's length, unit count and count, or the reason the line is malformed. */
const char *countline_parse(const char *s, size_t n, size_t *keylen, unsigned *nunits,
                            uint64_t *count);

typedef int countline_fn(void *ctx, const char *key, size_t len, unsigned nunits,
                         uint64_t count);

/* Reads the counts file path ("-" is stdin), cleaning each line by the UTF-8 policy (an enum
 * utf8_policy), and calls fn for each line. Returns 0; -1 with e filled when the file cannot be
 * opened or read ("open NAME: reason", "read NAME: reason"), or for a malformed line or invalid
 * UTF-8 under the fail policy ("NAME: line N: why"); or fn's non-zero return, with e->name (the
 * file, "<stdin>" for standard input) and e->line saying where, for the caller's message. */
int countfile_read(const char *path, int policy, countline_fn *fn, void *ctx, struct error *e);
/* The same over files[0..nfiles) (stdin when there are none), stopping at the first non-zero
 * return, which it returns. */
int countfiles_read(char **files, int nfiles, int policy, countline_fn *fn, void *ctx,
                    struct error *e);

#endif
