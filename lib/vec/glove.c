/* glove.c: the GloVe fit, its non-zeros in memory or in shuffled blocks, its model file. */
#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/bigmem.h"
#include "base/clock.h"
#include "base/le.h"
#include "base/par.h"
#include "base/rng.h"
#include "base/simd.h"
#include "nn/nnfile.h"
#include "nn/params.h"
#include "vec/glove.h"
#include "vec/vectors.h"
#include "vec/w2v.h"
#include "vec/w2vmodel.h"

#define AHEAD 8             /* swap partners drawn ahead of the visit */
#define ROWS_AHEAD 4        /* cells ahead whose parameter rows are prefetched */
#define REPORT_EVERY 65536  /* cells between the first thread's progress calls */
#define MAX_BUCKETS 256     /* of the shuffle's partition: a byte's keys */
#define BUCKET_CELLS 65536  /* the most cells of a bucket, short of MAX_BUCKETS (768 KiB) */
#define CELL_BYTES sizeof(struct glove_cell)
#define IO_CHUNK ((size_t)1 << 20) /* bytes of a read or write of the temporary files */

_Static_assert(sizeof(struct glove_cell) == 12, "a non-zero is 12 bytes");

/* ---- the model ---- */

static size_t round_up(size_t n, size_t k)
{
	return (n + k - 1) / k * k;
}

static void shape(struct glove_model *m, size_t rows, size_t dim)
{
	m->rows = rows;
	m->dim = dim;
	m->vd = round_up(dim, GLOVE_LANES);
	m->stride = round_up(m->vd + 1, 16);
}

uint64_t glove_params_bytes(size_t rows, size_t dim)
{
	struct glove_model m;

	shape(&m, rows, dim);
	return (uint64_t)4 * rows * m.stride * sizeof(float);
}

/* The one allocation of the parameters: zero, but for the sums of the vectors' padding, which
 * are 1 like the others, so that the padding's steps are 0 / 1, not 0 / 0. */
static int alloc_params(struct glove_model *m, struct error *e)
{
	struct nn_layout L = {0};

	nn_layout_add(&L, "params", 4 * m->rows, m->stride);
	if (!(m->params = nn_block_alloc(&L, "the GloVe parameters", e)))
		return -1;
	for (int side = 0; side < 2; side++)
		for (size_t i = 0; i < m->rows; i++)
			for (size_t k = m->dim; k < m->vd; k++)
				glove_row(m, side, i)[m->stride + k] = 1;
	return 0;
}

int glove_init(struct glove_model *m, size_t rows, const struct glove_settings *s,
               struct error *e)
{
	struct rng r;

	memset(m, 0, sizeof(*m));
	shape(m, rows, s->dim);
	m->x_max = s->x_max;
	m->alpha = s->alpha;
	m->eta = s->eta;
	m->grad_clip = s->grad_clip;
	m->seed = s->seed;
	if (alloc_params(m, e) < 0)
		return -1;
	rng_seed(&r, s->seed);
	for (int side = 0; side < 2; side++)
		for (size_t i = 0; i < rows; i++) {
			float *w = glove_row(m, side, i), *g = w + m->stride;

			/* glove.c: (rand() / RAND_MAX - 0.5) / vector_size */
			for (size_t k = 0; k < m->dim; k++)
				w[k] = (float)((rng_uniform(&r) - 0.5) / (double)m->dim);
			w[m->vd] = (float)((rng_uniform(&r) - 0.5) / (double)m->dim);
			for (size_t k = 0; k < m->dim; k++)
				g[k] = 1;
			g[m->vd] = 1;
		}
	return 0;
}

void glove_free(struct glove_model *m)
{
	free(m->params);
	memset(m, 0, sizeof(*m));
}

/* ---- the update ---- */

/* f(x) = min(1, (x / x_max)^alpha) from log x. */
static inline float weight(float logx, float log_xmax, float alpha)
{
	return logx >= log_xmax ? 1.0f : expf(alpha * (logx - log_xmax));
}

/* The step of one non-zero on the rows a (word i: vector, bias at [vd], sums at [stride]) and c
 * (context j), as GloVe's glove.c (master) takes it: each component's gradient clipped to
 * [-clip, clip] and scaled by eta, from the old values, divided by the root of its sum before the
 * sum grows by its square; the biases' gradient neither clipped nor scaled by eta. Returns the
 * cost 0.5 f diff^2, or NaN (nothing changed) when diff is not finite. */
static inline __attribute__((always_inline)) double step(float *restrict a, float *restrict c,
                                                         size_t vd, size_t stride, float logx,
                                                         float fx, float eta, float clip)
{
	float *restrict ga = a + stride, *restrict gc = c + stride;
	float dot = w2v_dot(a, c, vd), diff, fdiff;
	size_t k;

	diff = dot + a[vd] + c[vd] - logx;
	if (!isfinite(diff))
		return NAN;
	fdiff = fx * diff;
	for (k = 0; k < vd; k++) {
		float u = fdiff * c[k], v = fdiff * a[k];

		u = (u > clip ? clip : u < -clip ? -clip : u) * eta;
		v = (v > clip ? clip : v < -clip ? -clip : v) * eta;
		a[k] -= u / sqrtf(ga[k]);
		c[k] -= v / sqrtf(gc[k]);
		ga[k] += u * u;
		gc[k] += v * v;
	}
	a[vd] -= fdiff / sqrtf(ga[vd]);
	c[vd] -= fdiff / sqrtf(gc[vd]);
	ga[vd] += fdiff * fdiff;
	gc[vd] += fdiff * fdiff;
	return 0.5 * (double)fdiff * (double)diff;
}

double glove_update(struct glove_model *m, const struct glove_cell *c)
{
	return step(glove_row(m, 0, c->row), glove_row(m, 1, c->col), m->vd, m->stride,
	            logf(c->x), weight(logf(c->x), (float)log(m->x_max), (float)m->alpha),
	            (float)m->eta, (float)m->grad_clip);
}

double glove_cost_grad(const struct glove_model *m, const struct glove_cell *c, size_t n,
                       float *grad)
{
	double J = 0;

	for (size_t t = 0; t < n; t++) {
		const float *a = glove_row(m, 0, c[t].row), *b = glove_row(m, 1, c[t].col);
		double d = (double)a[m->vd] + b[m->vd] - log(c[t].x), f;

		for (size_t k = 0; k < m->dim; k++)
			d += (double)a[k] * b[k];
		f = c[t].x >= m->x_max ? 1 : pow(c[t].x / m->x_max, m->alpha);
		J += 0.5 * f * d * d;
		if (grad) {
			float *ga = grad + (glove_row(m, 0, c[t].row) - m->params);
			float *gb = grad + (glove_row(m, 1, c[t].col) - m->params);

			for (size_t k = 0; k < m->dim; k++) {
				ga[k] += (float)(f * d * b[k]);
				gb[k] += (float)(f * d * a[k]);
			}
			ga[m->vd] += (float)(f * d);
			gb[m->vd] += (float)(f * d);
		}
	}
	return J;
}

/* ---- the non-zeros ---- */

static int pread_full(int fd, void *p, size_t n, uint64_t at)
{
	char *q = p;

	while (n) {
		ssize_t k = pread(fd, q, n < IO_CHUNK ? n : IO_CHUNK, (off_t)at);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			if (k == 0)
				errno = EIO; /* the file is shorter than what was written to it */
			return -1;
		}
		q += k;
		n -= (size_t)k;
		at += (uint64_t)k;
	}
	return 0;
}

static int pwrite_full(int fd, const void *p, size_t n, uint64_t at)
{
	const char *q = p;

	while (n) {
		ssize_t k = pwrite(fd, q, n < IO_CHUNK ? n : IO_CHUNK, (off_t)at);

		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		q += k;
		n -= (size_t)k;
		at += (uint64_t)k;
	}
	return 0;
}

static int temp_error(struct error *e)
{
	return error_sys(e, NULL, "a temporary file in %s", tmpfile_dir());
}

/* Grows d->cells to hold cap cells (bigmem: huge pages for the random access of the shuffle). */
static int grow(struct glove_data *d, size_t *cap, size_t want, struct error *e)
{
	struct glove_cell *p;

	if (want <= *cap)
		return 0;
	if (!(p = bigmem_alloc(want * CELL_BYTES)))
		return error_set(e, -1, ENOMEM, NULL, 0, "the non-zeros (%zu bytes)",
		                 want * CELL_BYTES);
	if (d->cells) {
		memcpy(p, d->cells, d->n * CELL_BYTES);
		bigmem_free(d->cells, *cap * CELL_BYTES);
	}
	d->cells = p;
	*cap = want;
	return 0;
}

/* Deals the n cells of the file t0 (in the order read) at random into nb blocks of the file t1,
 * block after block, through buf [cap]: half of it reads t0, the other half buffers each block's
 * cells. Fills d->count and d->largest. */
static int scatter(struct glove_data *d, int t0, int t1, struct glove_cell *buf, size_t cap,
                   uint64_t seed, struct error *e)
{
	int nb = d->nblocks;
	size_t in_cap = cap / 2, per = (cap - in_cap) / (size_t)nb;
	uint64_t *off = calloc((size_t)nb, sizeof(*off)), *fill = calloc((size_t)nb, sizeof(*fill));
	struct glove_cell *in = buf, *out = buf + in_cap;
	struct rng r;
	int rc = -1;

	if (per == 0)
		per = 1;
	if (!off || !fill) {
		error_set(e, -1, ENOMEM, NULL, 0, "the blocks' tables");
		goto done;
	}
	/* the blocks' sizes first, from the same draws as the dealing below */
	rng_seed(&r, seed ^ 0x5ca77e12b10c5ull);
	for (uint64_t i = 0; i < d->n; i++)
		d->count[rng_below(&r, (uint64_t)nb)]++;
	for (int b = 0; b < nb; b++) {
		off[b] = b ? off[b - 1] + d->count[b - 1] : 0;
		if (d->count[b] > d->largest)
			d->largest = d->count[b];
	}
	rng_seed(&r, seed ^ 0x5ca77e12b10c5ull);
	for (uint64_t at = 0; at < d->n;) {
		size_t k = d->n - at < in_cap ? (size_t)(d->n - at) : in_cap;

		if (pread_full(t0, in, k * CELL_BYTES, at * CELL_BYTES) < 0) {
			temp_error(e);
			goto done;
		}
		for (size_t i = 0; i < k; i++) {
			uint32_t b = (uint32_t)rng_below(&r, (uint64_t)nb);
			struct glove_cell *o = out + (size_t)b * per;

			o[fill[b] % per] = in[i];
			if (++fill[b] % per == 0 &&
			    pwrite_full(t1, o, per * CELL_BYTES, (off[b] + fill[b] - per) * CELL_BYTES) < 0) {
				temp_error(e);
				goto done;
			}
		}
		at += k;
	}
	for (int b = 0; b < nb; b++) {
		size_t left = (size_t)(fill[b] % per);

		if (left && pwrite_full(t1, out + (size_t)b * per, left * CELL_BYTES,
		                        (off[b] + fill[b] - left) * CELL_BYTES) < 0) {
			temp_error(e);
			goto done;
		}
	}
	rc = 0;
done:
	free(off);
	free(fill);
	return rc;
}

/* Turns the cells read so far (d->n of them, the last `held` still in d->cells) and the file t0
 * holding the rest into blocks in a new temporary file. */
static int make_blocks(struct glove_data *d, int t0, size_t held, size_t cap, uint64_t seed,
                       struct error *e)
{
	uint64_t per_block = cap / 2 ? cap / 2 : 1, nb = (d->n + per_block - 1) / per_block;
	int t1;

	if (held && pwrite_full(t0, d->cells, held * CELL_BYTES, (d->n - held) * CELL_BYTES) < 0)
		return temp_error(e);
	if (nb > INT32_MAX / 2)
		return error_set(e, -1, 0, NULL, 0, "%llu blocks: raise the memory budget (-M)",
		                 (unsigned long long)nb);
	if (nb < 2)
		nb = 2;
	if ((t1 = tmpfile_open()) < 0)
		return temp_error(e);
	d->nblocks = (int)nb;
	d->fd = t1;
	if (!(d->count = calloc(nb, sizeof(*d->count))))
		return error_set(e, -1, ENOMEM, NULL, 0, "the blocks' tables");
	return scatter(d, t0, t1, d->cells, cap, seed, e);
}

int glove_data_load(struct glove_data *d, struct reader *r, const struct mat_header *h,
                    uint64_t budget, uint64_t seed, struct error *e)
{
	struct mat_cursor cur;
	size_t cap = 0, limit = (size_t)(budget / (CELL_BYTES + 1)), held = 0; /* + its key */
	uint32_t row, col;
	double v;
	int t0 = -1, k;

	memset(d, 0, sizeof(*d));
	if (limit < 16)
		limit = 16;
	if (h->nnz != MAT_NNZ_UNKNOWN && grow(d, &cap, h->nnz < limit ? (size_t)h->nnz : limit, e) < 0)
		return -1;
	mat_cursor_init(&cur, h);
	while ((k = mat_next_triple(r, &cur, &row, &col, &v, e)) > 0) {
		if (!(v > 0)) {
			error_bad(e, r->name, 0, "row %u, column %u: %g: co-occurrence counts are "
			          "positive", row, col, v);
			goto fail;
		}
		if (!((float)v > 0) || isinf((float)v)) {
			error_bad(e, r->name, 0, "row %u, column %u: %g is beyond the range of float32",
			          row, col, v);
			goto fail;
		}
		if (held == cap) {
			if (cap < limit) {
				size_t want = cap ? cap * 2 : 65536;

				if (grow(d, &cap, want < limit ? want : limit, e) < 0)
					goto fail;
			} else { /* past the budget: the cells go to a temporary file */
				if (t0 < 0 && (t0 = tmpfile_open()) < 0) {
					temp_error(e);
					goto fail;
				}
				if (pwrite_full(t0, d->cells, held * CELL_BYTES,
				                (d->n - held) * CELL_BYTES) < 0) {
					temp_error(e);
					goto fail;
				}
				held = 0;
			}
		}
		d->cells[held++] = (struct glove_cell){row, col, (float)v};
		d->n++;
	}
	if (k < 0)
		goto fail;
	if (d->n == 0) {
		error_bad(e, r->name, 0, "no non-zero: nothing to fit");
		goto fail;
	}
	if (t0 >= 0) {
		if (make_blocks(d, t0, held, cap, seed, e) < 0)
			goto fail;
		close(t0);
	}
	if (d->nblocks && d->largest > cap) { /* an unlucky deal: a block beyond the buffer */
		bigmem_free(d->cells, cap * CELL_BYTES);
		d->cells = NULL;
		if (!(d->cells = bigmem_alloc(d->largest * CELL_BYTES))) {
			error_set(e, -1, ENOMEM, NULL, 0, "a block of non-zeros");
			goto fail;
		}
		cap = (size_t)d->largest;
	}
	d->cap = cap;
	return 0;
fail:
	if (t0 >= 0)
		close(t0);
	d->cap = cap;
	glove_data_free(d);
	return -1;
}

void glove_data_free(struct glove_data *d)
{
	if (d->cells)
		bigmem_free(d->cells, d->cap * CELL_BYTES);
	if (d->nblocks)
		close(d->fd);
	free(d->count);
	memset(d, 0, sizeof(*d));
}

/* ---- training ---- */

struct run {
	struct glove_model *m;
	struct glove_cell *cells;  /* the cells of this pass */
	uint8_t *keys;             /* [n] the shuffle's buckets of the cells */
	uint64_t n;
	uint64_t seed;             /* of this pass: the iteration's and the block's */
	float log_xmax, alpha, eta, clip;
	unsigned iter;
	_Atomic uint64_t *done;    /* [threads * 8]: each thread's count on its own line */
	double *cost;              /* [threads * 8] */
	uint64_t *skipped;         /* [threads * 8] */
	uint64_t before;           /* cells of the iteration before this pass */
	double cost_before;
	glove_progress_fn *pfn;
	void *ctx;
};

/* The first stage of a uniformly random order of a [n], in place: each cell draws one of B
 * buckets (B a power of two, at most MAX_BUCKETS, with about BUCKET_CELLS cells each or fewer),
 * and the cells move into their buckets, American flag sort's way (the moves follow B write
 * heads, each forward: little random access). start [B + 1] gets the buckets' bounds. A uniform
 * shuffle of each bucket then makes a uniform shuffle of the whole, whose random accesses stay
 * within a bucket (in the processor's caches). Returns B. */
static unsigned partition(struct glove_cell *a, uint8_t *key, uint64_t n, struct rng *r,
                          uint64_t *start)
{
	uint64_t head[MAX_BUCKETS], count[MAX_BUCKETS] = {0};
	unsigned B = 1;

	while (B < MAX_BUCKETS && n / B > BUCKET_CELLS)
		B *= 2;
	start[0] = 0;
	if (B == 1) {
		start[1] = n;
		return 1;
	}
	for (uint64_t i = 0; i < n; i += 8) {
		uint64_t x = rng_next(r);

		for (unsigned j = 0; j < 8 && i + j < n; j++, x >>= 8) {
			key[i + j] = (uint8_t)(x & (B - 1));
			count[x & (B - 1)]++;
		}
	}
	for (unsigned b = 0; b < B; b++) {
		start[b + 1] = start[b] + count[b];
		head[b] = start[b];
	}
	for (unsigned b = 0; b < B; b++)
		while (head[b] < start[b + 1]) {
			struct glove_cell c = a[head[b]];
			uint8_t k = key[head[b]];

			while (k != b) { /* c goes to its bucket's head; take what was there */
				uint64_t h = head[k]++;
				struct glove_cell c2 = a[h];
				uint8_t k2 = key[h];

				a[h] = c;
				key[h] = k;
				c = c2;
				k = k2;
			}
			a[head[b]] = c;
			key[head[b]] = (uint8_t)b;
			head[b]++;
		}
	return B;
}

/* a [n] in a uniformly random order: the partition, then Fisher-Yates in each bucket. */
static void shuffle(struct glove_cell *a, uint8_t *key, uint64_t n, struct rng *r)
{
	uint64_t start[MAX_BUCKETS + 1];
	unsigned B = partition(a, key, n, r, start);

	for (unsigned b = 0; b < B; b++)
		for (uint64_t i = start[b]; i + 1 < start[b + 1]; i++) {
			uint64_t j = i + rng_below(r, start[b + 1] - i);
			struct glove_cell c = a[j];

			a[j] = a[i];
			a[i] = c;
		}
}

static inline void prefetch_rows(const struct glove_model *m, const struct glove_cell *c)
{
	const char *a = (const char *)glove_row(m, 0, c->row);
	const char *b = (const char *)glove_row(m, 1, c->col);

	for (size_t o = 0; o < 2 * m->stride * sizeof(float); o += 64) {
		__builtin_prefetch(a + o, 1, 3);
		__builtin_prefetch(b + o, 1, 3);
	}
}

/* What a thread has done in an iteration's pass. */
struct tally {
	uint64_t done, skipped;
	double cost;
};

/* The updates of a [n] in a uniformly random order, a Fisher-Yates pass fused with them (the cell
 * swapped into place s is a uniform draw from those not visited yet), the swap partners drawn
 * AHEAD and the rows of the cells ROWS_AHEAD prefetched. */
static inline __attribute__((always_inline)) void visit(struct run *R, int t, int nt,
                                                        struct glove_cell *a, uint64_t n,
                                                        struct rng *r, struct tally *y)
{
	struct glove_model *m = R->m;
	size_t vd = m->vd, stride = m->stride;
	uint64_t js[AHEAD];

	for (uint64_t s = 0; s < AHEAD && s < n; s++)
		js[s] = s + rng_below(r, n - s);
	for (uint64_t s = 0; s < n; s++) {
		uint64_t j = js[s % AHEAD];
		struct glove_cell c;
		float lx;
		double q;

		if (s + AHEAD < n)
			js[s % AHEAD] = s + AHEAD + rng_below(r, n - s - AHEAD);
		if (s + ROWS_AHEAD < n)
			prefetch_rows(m, a + js[(s + ROWS_AHEAD) % AHEAD]);
		c = a[j];
		a[j] = a[s];
		a[s] = c;
		lx = logf(c.x);
		q = step(glove_row(m, 0, c.row), glove_row(m, 1, c.col), vd, stride, lx,
		         weight(lx, R->log_xmax, R->alpha), R->eta, R->clip);
		if (isnan(q))
			y->skipped++;
		else
			y->cost += q;
		if ((++y->done & 4095) == 0) {
			atomic_store_explicit(&R->done[8 * t], y->done, memory_order_relaxed);
			if (t == 0 && R->pfn && (y->done & (REPORT_EVERY - 1)) == 0) {
				uint64_t all = R->before;

				for (int u = 0; u < nt; u++)
					all += atomic_load_explicit(&R->done[8 * u], memory_order_relaxed);
				R->pfn(R->ctx, R->iter, all, (R->cost_before + y->cost) /
				       (double)(R->before + y->done));
			}
		}
	}
}

/* Thread t's share of the pass: the t-th of nt equal runs of the cells, partitioned at random
 * into buckets which are visited one after another, each in a uniformly random order: the whole
 * share in a uniformly random order. */
SIMD_CLONES static void train_share(void *arg, int t, int nt)
{
	struct run *R = arg;
	uint64_t lo = R->n * (uint64_t)t / (uint64_t)nt, hi = R->n * (uint64_t)(t + 1) / (uint64_t)nt;
	uint64_t start[MAX_BUCKETS + 1];
	struct tally y = {0};
	struct rng r;
	unsigned B;

	rng_seed(&r, R->seed + 0x9e3779b97f4a7c15ull * (uint64_t)(t + 1));
	B = partition(R->cells + lo, R->keys + lo, hi - lo, &r, start);
	for (unsigned b = 0; b < B; b++)
		visit(R, t, nt, R->cells + lo + start[b], start[b + 1] - start[b], &r, &y);
	atomic_store_explicit(&R->done[8 * t], y.done, memory_order_relaxed);
	R->cost[8 * t] = y.cost;
	R->skipped[8 * t] = y.skipped;
}

/* One pass over cells [n] on nt threads; adds its cost and skipped updates. */
static void pass(struct run *R, int nt, double *cost, uint64_t *skipped)
{
	for (int t = 0; t < nt; t++) {
		atomic_store_explicit(&R->done[8 * t], 0, memory_order_relaxed);
		R->cost[8 * t] = 0;
		R->skipped[8 * t] = 0;
	}
	par_run(nt, train_share, R);
	for (int t = 0; t < nt; t++) {
		*cost += R->cost[8 * t];
		*skipped += R->skipped[8 * t];
	}
}

static uint64_t mix(uint64_t seed, uint64_t iter, uint64_t block)
{
	uint64_t z = seed ^ (iter * 0xbf58476d1ce4e5b9ull) ^ (block * 0x94d049bb133111ebull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* The cells of a pass, cells [n] (of the block b, or UINT64_MAX: all in memory), ready for nt
 * threads: with several, a whole shuffle first, so that each thread's share (a run of the cells)
 * is a random one, not a range of rows of the matrix's order. */
static void deal(struct run *R, struct glove_cell *cells, uint64_t n, int nt, uint64_t global,
                 uint64_t b)
{
	R->cells = cells;
	R->n = n;
	R->seed = mix(R->m->seed, global, b);
	if (nt > 1) {
		struct rng r;

		rng_seed(&r, mix(R->m->seed, global, b ^ 0x5eed));
		shuffle(cells, R->keys, n, &r);
	}
}

int glove_train(struct glove_model *m, const struct glove_settings *s, struct glove_data *d,
                glove_progress_fn *pfn, glove_iter_fn *ifn, void *ctx, struct glove_stats *st,
                struct error *e)
{
	int nt = s->threads > 0 ? s->threads : 1;
	struct run R = {.m = m, .log_xmax = (float)log(m->x_max), .alpha = (float)m->alpha,
	                .eta = (float)m->eta, .clip = (float)m->grad_clip, .pfn = pfn, .ctx = ctx};
	int *order = NULL, rc = -1;

	memset(st, 0, sizeof(*st));
	st->cost = NAN;
	R.done = calloc((size_t)nt * 8, sizeof(*R.done));
	R.cost = calloc((size_t)nt * 8, sizeof(*R.cost));
	R.skipped = calloc((size_t)nt * 8, sizeof(*R.skipped));
	R.keys = bigmem_alloc(d->cap ? d->cap : 1);
	if (d->nblocks)
		order = malloc((size_t)d->nblocks * sizeof(*order));
	if (!R.done || !R.cost || !R.skipped || !R.keys || (d->nblocks && !order)) {
		error_set(e, -1, ENOMEM, NULL, 0, "the shuffle's keys and the threads' counters");
		goto done;
	}
	if (!d->nblocks && nt > 1 && s->iters) /* the threads' shares, drawn once */
		deal(&R, d->cells, d->n, nt, (uint64_t)m->iters + 1, UINT64_MAX - 1);
	for (unsigned it = 1; it <= s->iters; it++) {
		uint64_t global = (uint64_t)m->iters + 1, skipped = 0;
		double cost = 0, t0 = clock_seconds();

		R.iter = it;
		R.before = 0;
		R.cost_before = 0;
		if (!d->nblocks) {
			R.cells = d->cells;
			R.n = d->n;
			R.seed = mix(m->seed, global, 0);
			pass(&R, nt, &cost, &skipped);
		} else {
			struct rng r;
			uint64_t at = 0;

			rng_seed(&r, mix(m->seed, global, UINT64_MAX));
			for (int b = 0; b < d->nblocks; b++) { /* the blocks' order: Fisher-Yates */
				int j = (int)rng_below(&r, (uint64_t)b + 1);

				order[b] = order[j];
				order[j] = b;
			}
			for (int k = 0; k < d->nblocks; k++) {
				int b = order[k];
				uint64_t off = 0;

				for (int x = 0; x < b; x++)
					off += d->count[x];
				if (d->count[b] && pread_full(d->fd, d->cells, d->count[b] * CELL_BYTES,
				                              off * CELL_BYTES) < 0) {
					error_sys(e, NULL, "read back a block of non-zeros from %s",
					          tmpfile_dir());
					goto done;
				}
				deal(&R, d->cells, d->count[b], nt, global, (uint64_t)b + 1);
				pass(&R, nt, &cost, &skipped);
				at += d->count[b];
				R.before = at;
				R.cost_before = cost;
			}
		}
		m->iters++;
		st->skipped += skipped;
		st->cost = cost / (double)d->n; /* over every non-zero, as glove.c */
		if (ifn)
			ifn(ctx, it, st->cost, clock_seconds() - t0);
	}
	rc = 0;
done:
	free(R.done);
	free(R.cost);
	free(R.skipped);
	bigmem_free(R.keys, d->cap ? d->cap : 1);
	free(order);
	return rc;
}

/* ---- output ---- */

void glove_write_vectors(struct writer *w, int binary, const struct glove_model *m,
                         const struct strtab *words, enum glove_vectors which)
{
	size_t dim = m->dim, cols = which == GLOVE_CONCAT ? 2 * dim : dim;
	float *v = malloc(cols * sizeof(*v) + 1);

	if (!v) { /* a row of at most 2 x GLOVE_MAX_DIM floats */
		w->err = ENOMEM;
		return;
	}
	vec_write_header(w, m->rows, cols);
	for (size_t i = 0; i < m->rows; i++) {
		const float *a = glove_row(m, 0, i), *c = glove_row(m, 1, i);
		size_t len;
		const char *word = strtab_key(words, i, &len);

		for (size_t k = 0; k < dim; k++)
			switch (which) {
			case GLOVE_SUM: v[k] = a[k] + c[k]; break;
			case GLOVE_WORD: v[k] = a[k]; break;
			case GLOVE_CONTEXT: v[k] = c[k]; break;
			case GLOVE_CONCAT: v[k] = a[k]; v[dim + k] = c[k]; break;
			}
		vec_write_row(w, binary, VEC_PRECISION, word, len, v, cols);
	}
	free(v);
}

/* ---- the model file ---- */

/* The file's tensors, in order: W, Wc [rows][dim], b, bc [rows], gW, gWc, gb, gbc. */
static void file_layout(struct nn_layout *L, size_t rows, size_t dim)
{
	memset(L, 0, sizeof(*L));
	nn_layout_add(L, "W", rows, dim);
	nn_layout_add(L, "Wc", rows, dim);
	nn_layout_add(L, "b", 1, rows);
	nn_layout_add(L, "bc", 1, rows);
	nn_layout_add(L, "gW", rows, dim);
	nn_layout_add(L, "gWc", rows, dim);
	nn_layout_add(L, "gb", 1, rows);
	nn_layout_add(L, "gbc", 1, rows);
}

/* Copies between the model's rows and the file's tensors: to the file (out) or from it. */
static void convert(const struct nn_layout *L, float *block, const struct glove_model *m,
                    int out)
{
	for (int side = 0; side < 2; side++)
		for (int sums = 0; sums < 2; sums++) {
			float *vec = nn_tensor(L, block, 4 * sums + side);
			float *bias = nn_tensor(L, block, 4 * sums + 2 + side);

			for (size_t i = 0; i < m->rows; i++) {
				float *row = glove_row(m, side, i) + (sums ? m->stride : 0);

				if (out) {
					memcpy(vec + i * m->dim, row, m->dim * sizeof(float));
					bias[i] = row[m->vd];
				} else {
					memcpy(row, vec + i * m->dim, m->dim * sizeof(float));
					row[m->vd] = bias[i];
				}
			}
		}
}

int glove_model_write(struct writer *w, const struct glove_model *m, const struct strtab *words,
                      struct error *e)
{
	unsigned char h[GLOVE_HEADER] = {0};
	const struct strtab *tabs[1] = {words};
	struct nn_layout L;
	float *block;

	file_layout(&L, m->rows, m->dim);
	if (!(block = nn_block_alloc(&L, "the model's copy for writing", e)))
		return -1;
	convert(&L, block, m, 1);
	le_put_u64(h + 64, m->rows);
	le_put_u32(h + 72, (uint32_t)m->dim);
	le_put_u32(h + 76, m->iters);
	le_put_f64(h + 80, m->x_max);
	le_put_f64(h + 88, m->alpha);
	le_put_f64(h + 96, m->eta);
	le_put_f64(h + 104, m->grad_clip);
	le_put_u64(h + 112, m->seed);
	nnfile_write(w, GLOVE_MAGIC, GLOVE_VERSION, h, GLOVE_HEADER, tabs, 1, &L, block);
	free(block);
	return 0;
}

static const char WHAT[] = "an nlp-glove model";

int glove_model_parse(struct glove_model *m, struct strtab *words, const unsigned char *data,
                      size_t size, const char *name, struct error *e)
{
	struct nnfile f;
	struct nn_layout L;
	const unsigned char *h;
	uint64_t rows;
	uint32_t dim;
	float *block = NULL;

	memset(m, 0, sizeof(*m));
	memset(words, 0, sizeof(*words));
	if (size >= NNFILE_MAGIC_LEN && memcmp(data, W2VMODEL_MAGIC, NNFILE_MAGIC_LEN) == 0)
		return error_bad(e, name, 0, "an nlp-w2v model, not %s", WHAT);
	if (nnfile_parse(&f, data, size, name, GLOVE_MAGIC, GLOVE_VERSION, GLOVE_HEADER, 1, WHAT,
	                 e) < 0)
		return -1;
	h = f.hdr;
	rows = le_get_u64(h + 64);
	dim = le_get_u32(h + 72);
	m->iters = le_get_u32(h + 76);
	m->x_max = le_get_f64(h + 80);
	m->alpha = le_get_f64(h + 88);
	m->eta = le_get_f64(h + 96);
	m->grad_clip = le_get_f64(h + 104);
	m->seed = le_get_u64(h + 112);
	for (int i = 120; i < GLOVE_HEADER; i++)
		if (h[i]) {
			error_bad(e, name, 0, "the reserved bytes 120..127 are not zero");
			goto fail;
		}
	if (dim < 1 || dim > GLOVE_MAX_DIM || rows < 1 || rows > GLOVE_MAX_ROWS ||
	    rows != f.tables[0].n) {
		error_bad(e, name, 0, "%llu words of %u dimensions, and a table of %zu words",
		          (unsigned long long)rows, dim, f.tables[0].n);
		goto fail;
	}
	/* the options' ranges (nlp-glove(1)), within which the steps' float32 are finite */
	if (!(m->x_max >= GLOVE_MIN_SETTING && m->x_max <= GLOVE_MAX_SETTING) ||
	    !(m->alpha >= 0 && m->alpha <= GLOVE_MAX_ALPHA) ||
	    !(m->eta >= GLOVE_MIN_SETTING && m->eta <= GLOVE_MAX_ETA) ||
	    !(m->grad_clip >= GLOVE_MIN_SETTING && m->grad_clip <= GLOVE_MAX_SETTING)) {
		error_bad(e, name, 0, "settings out of range: x_max %g, alpha %g, eta %g, grad_clip %g",
		          m->x_max, m->alpha, m->eta, m->grad_clip);
		goto fail;
	}
	file_layout(&L, (size_t)rows, dim);
	if (f.nparams != L.used) {
		error_bad(e, name, 0, "%llu parameters; %llu words of %u dimensions have %zu",
		          (unsigned long long)f.nparams, (unsigned long long)rows, dim, L.used);
		goto fail;
	}
	shape(m, (size_t)rows, dim);
	if (!(block = nn_block_alloc(&L, "the model's parameters as read", e)))
		goto fail;
	for (size_t i = 0, at = 0; i < (size_t)L.n; i++) {
		size_t n = L.t[i].rows * L.t[i].cols;
		float *p = nn_tensor(&L, block, (int)i);

		nnfile_get_floats(p, f.params + 4 * at, n);
		for (size_t k = 0; k < n; k++)
			if (!isfinite(p[k]) || (i >= 4 && !(p[k] >= 1))) {
				error_bad(e, name, 0, "parameter %zu of %s is %s", k + 1, L.t[i].name,
				          isfinite(p[k]) ? "below 1, which no AdaGrad sum is" : "not finite");
				goto fail;
			}
		at += n;
	}
	if (alloc_params(m, e) < 0)
		goto fail;
	convert(&L, block, m, 0);
	free(block);
	*words = f.tables[0];
	memset(&f.tables[0], 0, sizeof(f.tables[0]));
	nnfile_free(&f);
	return 0;
fail:
	free(block);
	free(m->params);
	memset(m, 0, sizeof(*m));
	nnfile_free(&f);
	return -1;
}
