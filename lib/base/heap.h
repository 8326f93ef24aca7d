/* heap.h: a binary min-heap over an array of fixed-size items that the caller owns, ordered by
 * the caller's less(a, b, ctx). Every k-way merge (counts, co-occurrence runs, matrices) and the
 * nearest-neighbour search keep their heaps with it. The functions are static inline so that a
 * call with a constant item size and a known comparison compiles to a heap of that type: no
 * indirect call or byte loop is left on the hot path. */
#ifndef NLP_HEAP_H
#define NLP_HEAP_H

#include <stddef.h>
#include <string.h>

#define HEAP_ITEM_MAX 64 /* bytes in one item */

typedef int heap_less_fn(const void *a, const void *b, void *ctx);

static inline void heap_swap_(unsigned char *a, unsigned char *b, size_t size)
{
	unsigned char t[HEAP_ITEM_MAX];

	memcpy(t, a, size);
	memcpy(a, b, size);
	memcpy(b, t, size);
}

/* Moves item i of v[0..n) down until neither child is less than it. */
static inline void heap_down(void *v, size_t n, size_t i, size_t size, heap_less_fn *less,
                             void *ctx)
{
	unsigned char *p = (unsigned char *)v;

	for (;;) {
		size_t l = 2 * i + 1, m = i;

		if (l < n && less(p + l * size, p + m * size, ctx))
			m = l;
		if (l + 1 < n && less(p + (l + 1) * size, p + m * size, ctx))
			m = l + 1;
		if (m == i)
			return;
		heap_swap_(p + i * size, p + m * size, size);
		i = m;
	}
}

/* Moves item i up until its parent is not greater. */
static inline void heap_up(void *v, size_t i, size_t size, heap_less_fn *less, void *ctx)
{
	unsigned char *p = (unsigned char *)v;

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!less(p + i * size, p + parent * size, ctx))
			return;
		heap_swap_(p + i * size, p + parent * size, size);
		i = parent;
	}
}

/* Orders v[0..n) as a heap. */
static inline void heap_make(void *v, size_t n, size_t size, heap_less_fn *less, void *ctx)
{
	for (size_t i = n / 2; i-- > 0;)
		heap_down(v, n, i, size, less, ctx);
}

/* Appends x (size bytes) to the heap v[0..*n), which has room for it. */
static inline void heap_push(void *v, size_t *n, const void *x, size_t size, heap_less_fn *less,
                             void *ctx)
{
	memcpy((unsigned char *)v + *n * size, x, size);
	heap_up(v, (*n)++, size, less, ctx);
}

/* Removes the least item (v[0]) from a heap of *n > 0 items. */
static inline void heap_pop(void *v, size_t *n, size_t size, heap_less_fn *less, void *ctx)
{
	unsigned char *p = (unsigned char *)v;

	if (--*n > 0) {
		memcpy(p, p + *n * size, size);
		heap_down(v, *n, 0, size, less, ctx);
	}
}

#endif
