/* params.h: a model's parameters as one float block with named tensors in it (llm.c's layout):
 * the model lists its tensors once, and the parameters, their gradients and an optimiser's
 * moments are blocks of the same layout, so one memset clears the gradients, one loop updates
 * everything and one write saves the model. Each tensor starts on a 64-byte boundary of its
 * block (the block itself is 64-byte aligned); the gaps are zero and stay zero.
 *
 * The layout of every sequence in lib/nn, written down once: time-major, row-major float32,
 * [T][B][D] for T steps of B streams (or sequences) of D values. */
#ifndef NLP_NN_PARAMS_H
#define NLP_NN_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/rng.h"

#define NN_MAX_TENSORS 80
#define NN_NAME_MAX 24

struct nn_tensor {
	char name[NN_NAME_MAX];  /* "emb", "0.w_ih", "out.b" */
	size_t rows, cols;       /* a vector has 1 row */
	size_t off;              /* where it starts in a block, in floats */
};

struct nn_layout {
	struct nn_tensor t[NN_MAX_TENSORS];
	int n;
	size_t size;     /* floats in a block, gaps included */
	size_t used;     /* floats of the tensors alone */
};

/* Adds the tensor name [rows][cols] to the layout. Returns its index, or -1 when the layout is
 * full or the name too long (a model's own mistake). */
int nn_layout_add(struct nn_layout *l, const char *name, size_t rows, size_t cols);

/* A block of l->size floats, zeroed and 64-byte aligned (free with free()), or NULL with e
 * filled. what names it in the message ("the parameters"). */
float *nn_block_alloc(const struct nn_layout *l, const char *what, struct error *e);

/* The tensor i in the block. */
static inline float *nn_tensor(const struct nn_layout *l, float *block, int i)
{
	return block + l->t[i].off;
}

/* Lays a module's working arrays out one after another in one allocation: takes n floats from
 * *at, each array starting on a 64-byte boundary from the start, or only counts them into
 * *total when *at is NULL (the first pass, which sizes the allocation). */
static inline float *nn_take(float **at, size_t *total, size_t n)
{
	float *p = *at ? *at + *total : NULL;

	*total += (n + 15) / 16 * 16;
	return p;
}

/* Every tensor of the block uniform in [-a, a], in layout order from r. */
void nn_init_uniform(const struct nn_layout *l, float *block, float a, struct rng *r);

#endif
