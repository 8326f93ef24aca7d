/* buf.h: a growable byte buffer; the caller owns p and frees it with buf_free. */
#ifndef NLP_BUF_H
#define NLP_BUF_H

#include <stddef.h>
#include <string.h>

struct buf {
	char *p;    /* [cap] */
	size_t len, cap;
};

/* Ensures room for n more bytes; exits on out-of-memory (through erealloc). */
void buf_grow(struct buf *b, size_t n);
/* Frees b->p and leaves b empty (b itself is the caller's). */
void buf_free(struct buf *b);

/* Ensures room for n more bytes, growing only when needed. */
static inline void buf_reserve(struct buf *b, size_t n)
{
	if (b->cap - b->len < n)
		buf_grow(b, n);
}

/* Appends one byte. */
static inline void buf_putc(struct buf *b, char c)
{
	buf_reserve(b, 1);
	b->p[b->len++] = c;
}

/* Appends s[0..n). n may be 0, with s and b->p NULL (an empty buffer owns no memory yet):
 * memcpy must not see a NULL pointer even for 0 bytes, so that case returns first. */
static inline void buf_put(struct buf *b, const char *s, size_t n)
{
	if (n == 0)
		return;
	buf_reserve(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

#endif
