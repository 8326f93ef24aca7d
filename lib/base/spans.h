/* spans.h: pieces of a line (pointer and length, pointing into the caller's bytes) in a growable
 * array, and splitting a line of tokens at blanks into them. */
#ifndef NLP_SPANS_H
#define NLP_SPANS_H

#include <stddef.h>
#include <stdint.h>

struct span {
	const char *p;
	size_t n;
};

/* A growable array of spans; {0} is empty. */
struct spans {
	struct span *v;
	size_t n, cap;
};

/* Whether c is a blank between tokens: space, tab, CR, VT or FF (not a newline). */
static inline int spans_is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Replaces sp's contents by the runs of non-blank bytes of s[0..n) (spans into s). */
void spans_split_blank(const char *s, size_t n, struct spans *sp);
/* Doubles sp's room (emalloc: ends the program when memory runs out). */
void spans_grow(struct spans *sp);
/* Frees sp's array and empties it. */
void spans_free(struct spans *sp);

/* Appends the span p[0..n). */
static inline void spans_push(struct spans *sp, const char *p, size_t n)
{
	if (sp->n == sp->cap)
		spans_grow(sp);
	sp->v[sp->n].p = p;
	sp->v[sp->n].n = n;
	sp->n++;
}

#endif
