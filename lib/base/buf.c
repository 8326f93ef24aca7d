/* buf.c: growth of byte buffers. */
#include <stdlib.h>

#include "base/buf.h"
#include "base/mem.h"

void buf_grow(struct buf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 256;

	while (cap - b->len < n)
		cap *= 2;
	b->p = erealloc(b->p, cap);
	b->cap = cap;
}

void buf_free(struct buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}
