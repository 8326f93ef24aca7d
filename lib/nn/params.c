/* params.c: the layout of a model's parameter block. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "nn/params.h"

#define ALIGN_FLOATS 16 /* 64 bytes */
#define HUGE_PAGE ((uintptr_t)1 << 21)

/* Asks for transparent huge pages under the whole 2 MiB pages of p [bytes] (advice only: it
 * changes no contents, whatever else shares the pages): a model of hundreds of
 * megabytes then faults in 2 MiB at a time, not 4 KiB, which the memset below pays for once
 * per page (several times faster where page faults are dear, as in a virtual machine). */
static void advise_huge(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
	uintptr_t from = ((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	uintptr_t to = ((uintptr_t)p + bytes) & ~(HUGE_PAGE - 1);

	if (to > from)
		madvise((void *)from, to - from, MADV_HUGEPAGE);
#else
	(void)p;
	(void)bytes;
#endif
}

int nn_layout_add(struct nn_layout *l, const char *name, size_t rows, size_t cols)
{
	struct nn_tensor *t;

	if (l->n >= NN_MAX_TENSORS || strlen(name) >= NN_NAME_MAX)
		return -1;
	t = &l->t[l->n];
	strcpy(t->name, name);
	t->rows = rows;
	t->cols = cols;
	t->off = l->size;
	l->size += (rows * cols + ALIGN_FLOATS - 1) / ALIGN_FLOATS * ALIGN_FLOATS;
	l->used += rows * cols;
	return l->n++;
}

float *nn_block_alloc(const struct nn_layout *l, const char *what, struct error *e)
{
	size_t bytes = (l->size ? l->size : ALIGN_FLOATS) * sizeof(float);
	void *p = NULL;

	if (posix_memalign(&p, 64, bytes) != 0) {
		error_set(e, -1, ENOMEM, NULL, 0, "%s (%zu bytes)", what, bytes);
		return NULL;
	}
	advise_huge(p, bytes);
	memset(p, 0, bytes);
	return p;
}

void nn_init_uniform(const struct nn_layout *l, float *block, float a, struct rng *r)
{
	for (int i = 0; i < l->n; i++) {
		float *w = nn_tensor(l, block, i);
		size_t n = l->t[i].rows * l->t[i].cols;

		for (size_t k = 0; k < n; k++)
			w[k] = (float)((2.0 * rng_uniform(r) - 1.0) * a);
	}
}
