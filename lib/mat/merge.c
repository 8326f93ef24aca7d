/* merge.c: the k-way merge of sorted sparse matrices, over base/heap.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/heap.h"
#include "mat/merge.h"

int merge_source_open(struct merge_source *s, const char *path, struct error *e)
{
	int k;

	memset(s, 0, sizeof(*s));
	if (reader_open(&s->r, path) < 0)
		return error_set(e, MAT_EIO, errno, NULL, 0, "open %s", path);
	if ((k = mat_read_header(&s->r, &s->h, e)) < 0) {
		reader_close(&s->r);
		return k;
	}
	mat_cursor_init(&s->c, &s->h);
	return 0;
}

void merge_source_close(struct merge_source *s)
{
	reader_close(&s->r);
}

/* Heap items are source indices; equal cells leave in source order. */
static int src_less(const void *pa, const void *pb, void *ctx)
{
	const struct merge *m = ctx;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	const struct merge_source *x = m->src[a], *y = m->src[b];

	if (x->row != y->row)
		return x->row < y->row;
	if (x->col != y->col)
		return x->col < y->col;
	return a < b;
}

/* Reads source i's next triple; 1, 0 at its end, or an error. */
static int advance(struct merge *m, size_t i, struct error *e)
{
	struct merge_source *s = m->src[i];

	return mat_next_triple(&s->r, &s->c, &s->row, &s->col, &s->v, e);
}

int merge_init(struct merge *m, struct merge_source **src, size_t n, struct error *e)
{
	m->src = src;
	m->n = n;
	m->nheap = 0;
	if (!(m->heap = malloc((n ? n : 1) * sizeof(size_t))))
		return error_set(e, MAT_ENOMEM, 0, NULL, 0, "out of memory");
	for (size_t i = 0; i < n; i++) {
		int k = advance(m, i, e);

		if (k < 0)
			return k;
		if (k == 1)
			heap_push(m->heap, &m->nheap, &i, sizeof(size_t), src_less, m);
	}
	return 0;
}

int merge_next(struct merge *m, uint32_t *row, uint32_t *col, double *v, size_t *count,
               struct error *e)
{
	size_t top;
	struct merge_source *s;

	if (m->nheap == 0)
		return 0;
	top = m->heap[0];
	s = m->src[top];
	*row = s->row;
	*col = s->col;
	*v = s->v;
	*count = 1;
	for (;;) {
		int k = advance(m, top, e);

		if (k < 0)
			return k;
		if (k == 0)
			heap_pop(m->heap, &m->nheap, sizeof(size_t), src_less, m);
		else
			heap_down(m->heap, m->nheap, 0, sizeof(size_t), src_less, m);
		if (m->nheap == 0)
			break;
		top = m->heap[0];
		s = m->src[top];
		if (s->row != *row || s->col != *col)
			break;
		*v += s->v;
		(*count)++;
	}
	return 1;
}

void merge_free(struct merge *m)
{
	free(m->heap);
	m->heap = NULL;
	m->nheap = 0;
}
