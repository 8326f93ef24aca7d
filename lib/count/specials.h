/* specials.h: the special tokens of a vocabulary (nlp-vocab --specials): placed first, in the
 * order given, and counted beside the counter, which skips them when it writes its entries. */
#ifndef NLP_SPECIALS_H
#define NLP_SPECIALS_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

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

/* Adds count to the special s[0..n), if it is one. */
static inline void specials_count(struct specials *sp, const char *s, size_t n, uint64_t count)
{
	int i = specials_index(sp, s, n);

	if (i >= 0)
		sp->counts[i] += count;
}

#endif
