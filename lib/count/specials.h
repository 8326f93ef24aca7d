/* specials.h: the special tokens of a vocabulary (nlp-vocab --specials): placed first, in the
 * order given, and counted beside the counter, whose entries follow them without them. */
#ifndef NLP_SPECIALS_H
#define NLP_SPECIALS_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/io.h"
#include "count/ngc.h"

struct specials {
	char **tok;               /* [n] NUL-terminated */
	size_t *len;              /* [n] */
	uint64_t *counts;         /* [n] */
	size_t n;
	unsigned char first[256]; /* first bytes of the specials */
};

/* Adds the tokens of a comma-separated list. Returns 0, or -1 with e filled (no name: "'T' has a
 * blank", "'T' is given twice", "no token given"); specials_free frees what it holds. */
int specials_parse(struct specials *sp, const char *list, struct error *e);
/* Frees what sp holds and empties it. */
void specials_free(struct specials *sp);

/* The index of the special s[0..n), or -1. */
static inline int specials_index(const struct specials *sp, const char *s, size_t n)
{
	if (!n || !sp->first[(unsigned char)s[0]])
		return -1;
	for (size_t i = 0; i < sp->n; i++)
		if (sp->len[i] == n && __builtin_memcmp(sp->tok[i], s, n) == 0)
			return (int)i;
	return -1;
}

/* Writes the vocabulary to w as counts lines: the specials first, in their order, with their
 * counts; then the entries of c counted min_count times or more that are not specials, in
 * ngc_emit's order; max_size lines in all at the most (0: no limit). Frees what the counting
 * held (ngc_emit). Returns 0 or -1 with e filled (the counting's error); a failed write is w's
 * (its on_error hook). */
int specials_write(const struct specials *sp, struct ngcount *c, uint64_t min_count,
                   uint64_t max_size, struct writer *w, struct error *e);

/* Adds count to the special s[0..n), if it is one. */
static inline void specials_count(struct specials *sp, const char *s, size_t n, uint64_t count)
{
	int i = specials_index(sp, s, n);

	if (i >= 0)
		sp->counts[i] += count;
}

#endif
