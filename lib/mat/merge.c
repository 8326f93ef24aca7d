/* merge.c: the k-way merge of sorted sparse matrices, over base/heap.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/heap.h"
#include "base/phase.h"
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

/* Equal cells leave in source order. */
static int item_less(const void *pa, const void *pb, void *ctx)
{
	const struct merge_item *a = pa, *b = pb;

	(void)ctx;
	return a->cell < b->cell || (a->cell == b->cell && a->i < b->i);
}

static inline uint64_t cell_of(const struct merge_source *s)
{
	return (uint64_t)s->row << 32 | s->col;
}

/* Reads source i's next triple; 1, 0 at its end, or an error. */
static int advance(struct merge *m, size_t i, struct error *e)
{
	struct merge_source *s = m->src[i];
	int k = mat_next_triple(&s->r, &s->c, &s->row, &s->col, &s->v, e);
	s->done = k != 1;
	if (m->report && (++m->cells & 0xffff) == 0) {
		uint64_t done = 0;

		for (size_t j = 0; j < m->n; j++)
			done += m->src[j]->r.nread;
		phase_step(done);
	}
	return k;
}

void merge_report(struct merge *m, const char *phase)
{
	uint64_t total = 0, size;

	for (size_t i = 0; i < m->n; i++) {
		if (!(size = fd_size(m->src[i]->r.fd))) { /* a pipe: the total is unknown */
			total = 0;
			break;
		}
		total += size;
	}
	phase_begin(phase, total, PHASE_BYTES);
	m->report = 1;
}

int merge_init(struct merge *m, struct merge_source **src, size_t n, struct error *e)
{
	m->src = src;
	m->n = n;
	m->nheap = 0;
	m->cells = 0;
	m->report = 0;
	if (!(m->heap = malloc((n ? n : 1) * sizeof(*m->heap))))
		return error_set(e, MAT_ENOMEM, 0, NULL, 0, "out of memory");
	for (size_t i = 0; i < n; i++)
		src[i]->c.quiet = 1; /* the merge reports for them all */
	for (size_t i = 0; i < n; i++) {
		int k = advance(m, i, e);
		struct merge_item it = {cell_of(src[i]), i};

		if (k < 0)
			return k;
		if (k == 1)
			heap_push(m->heap, &m->nheap, &it, sizeof(it), item_less, NULL);
	}
	return 0;
}

/* merge_next, and merge_next_at when at is not NULL (each call site compiles to its own). */
static inline int next_cell(struct merge *m, uint32_t *row, uint32_t *col, double *v,
                            size_t *at, size_t *count, struct error *e)
{
	size_t top;
	uint64_t cell;
	const struct merge_source *s;

	if (m->nheap == 0)
		return 0;
	top = m->heap[0].i;
	cell = m->heap[0].cell;
	s = m->src[top];
	*row = s->row;
	*col = s->col;
	*v = s->v;
	if (at)
		at[0] = top;
	*count = 1;
	for (;;) {
		int k = advance(m, top, e);

		if (k < 0)
			return k;
		if (k == 0) {
			heap_pop(m->heap, &m->nheap, sizeof(*m->heap), item_less, NULL);
		} else {
			m->heap[0].cell = cell_of(s);
			heap_down(m->heap, m->nheap, 0, sizeof(*m->heap), item_less, NULL);
		}
		if (m->nheap == 0 || m->heap[0].cell != cell)
			break;
		top = m->heap[0].i;
		s = m->src[top];
		*v += s->v;
		if (at)
			at[*count] = top;
		(*count)++;
	}
	return 1;
}

int merge_next(struct merge *m, uint32_t *row, uint32_t *col, double *v, size_t *count,
               struct error *e)
{
	return next_cell(m, row, col, v, NULL, count, e);
}

int merge_next_at(struct merge *m, uint32_t *row, uint32_t *col, double *v, size_t *at,
                  size_t *count, struct error *e)
{
	return next_cell(m, row, col, v, at, count, e);
}

void merge_free(struct merge *m)
{
	free(m->heap);
	m->heap = NULL;
	m->nheap = 0;
}
