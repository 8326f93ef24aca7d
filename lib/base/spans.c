/* spans.c: growing an array of spans, and splitting a line at blanks. */
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/spans.h"

void spans_grow(struct spans *sp)
{
	sp->cap = sp->cap ? sp->cap * 2 : 64;
	sp->v = erealloc(sp->v, sp->cap * sizeof(*sp->v));
}

void spans_free(struct spans *sp)
{
	free(sp->v);
	sp->v = NULL;
	sp->n = sp->cap = 0;
}

/* Index of the first blank in s[i..n), or n: eight bytes at a time, looking for a byte below
 * 0x21 (the lowest such byte of a word is found exactly). */
static inline size_t find_blank(const char *s, size_t i, size_t n)
{
	while (i + 8 <= n) {
		uint64_t x, m;

		memcpy(&x, s + i, 8);
		m = (x - 0x2121212121212121ull) & ~x & 0x8080808080808080ull;
		if (!m) {
			i += 8;
			continue;
		}
		i += (size_t)__builtin_ctzll(m) / 8;
		if (spans_is_blank((unsigned char)s[i]))
			return i;
		i++;
	}
	while (i < n && !spans_is_blank((unsigned char)s[i]))
		i++;
	return i;
}

void spans_split_blank(const char *s, size_t n, struct spans *sp)
{
	size_t i = 0;

	sp->n = 0;
	for (;;) {
		size_t end;

		while (i < n && spans_is_blank((unsigned char)s[i]))
			i++;
		if (i == n)
			return;
		end = find_blank(s, i, n);
		spans_push(sp, s + i, end - i);
		i = end;
	}
}
