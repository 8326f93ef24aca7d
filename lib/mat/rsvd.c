/* rsvd.c: the randomized SVD. Dense work matrices are row-major with ld = l rounded up to 16
 * columns; a row-major m x l matrix is LAPACK's column-major l x m, so QR of it is LQ of that. */
#include <cblas.h>
#include <lapacke.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/par.h"
#include "base/phase.h"
#include "base/rng.h"
#include "mat/rsvd.h"

static size_t round_up(size_t n, size_t m)
{
	return (n + m - 1) / m * m;
}

/* Standard normal values in the first l columns of the n x ld matrix x (Box-Muller). */
static void gaussian(float *x, uint64_t n, size_t l, size_t ld, uint64_t seed)
{
	struct rng r;
	double spare = 0;
	int have = 0;

	rng_seed(&r, seed);
	for (uint64_t i = 0; i < n; i++)
		for (size_t c = 0; c < l; c++) {
			if (have) {
				x[i * ld + c] = (float)spare;
				have = 0;
				continue;
			}
			double rad = sqrt(-2 * log(1 - rng_uniform(&r))), th = 2 * M_PI * rng_uniform(&r);

			x[i * ld + c] = (float)(rad * cos(th));
			spare = rad * sin(th);
			have = 1;
		}
}

/* Copies the first l columns of the row-major n x ld matrix y into column-major s (n x l), or
 * back, in tiles that stay in cache. */
static void transpose(float *y, float *s, uint64_t n, size_t l, size_t ld, int back)
{
	enum { T = 32 };

	for (uint64_t i0 = 0; i0 < n; i0 += T)
		for (size_t c0 = 0; c0 < l; c0 += T)
			for (uint64_t i = i0; i < i0 + T && i < n; i++)
				for (size_t c = c0; c < c0 + T && c < l; c++) {
					if (back)
						y[i * ld + c] = s[c * n + i];
					else
						s[c * n + i] = y[i * ld + c];
				}
}

/* Householder QR of the first l columns of the n x ld matrix y, through the column-major copy
 * in scratch (n x l): Q replaces them. */
static int orth_householder(float *y, float *scratch, uint64_t n, size_t l, size_t ld,
                            float *tau)
{
	transpose(y, scratch, n, l, ld, 0);
	if (LAPACKE_sgeqrf(LAPACK_COL_MAJOR, (lapack_int)n, (lapack_int)l, scratch, (lapack_int)n,
	                   tau) ||
	    LAPACKE_sorgqr(LAPACK_COL_MAJOR, (lapack_int)n, (lapack_int)l, (lapack_int)l, scratch,
	                   (lapack_int)n, tau))
		return -1;
	transpose(y, scratch, n, l, ld, 1);
	return 0;
}

#define SOLVE_BLOCK 4096

struct solve {
	float *y;
	const float *g;
	uint64_t n;
	size_t l, ld;
};

/* Thread t solves the blocks of rows t, t + nt, ... */
static void solve_part(void *ctx, int t, int nt)
{
	const struct solve *s = ctx;

	for (uint64_t i0 = (uint64_t)t * SOLVE_BLOCK; i0 < s->n; i0 += (uint64_t)nt * SOLVE_BLOCK)
		cblas_strsm(CblasColMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, (int)s->l,
		            s->n - i0 < SOLVE_BLOCK ? (int)(s->n - i0) : SOLVE_BLOCK, 1, s->g, (int)s->l,
		            s->y + i0 * s->ld, (int)s->ld);
}

/* One Cholesky QR step: G = Y^T Y, G = R^T R (in double), Y = Y R^-1. Returns -1 when G is not
 * numerically positive definite (Y too ill-conditioned for it). */
static int cholesky_qr(float *y, uint64_t n, size_t l, size_t ld, float *g, double *gd, int nt)
{
	/* in LAPACK's terms y is Y^T (column-major l x n): G = Y^T Y, then Y^T = R^-T Y^T, where
	 * the lower triangle of column-major g is R^T */
	cblas_ssyrk(CblasColMajor, CblasLower, CblasNoTrans, (int)l, (int)n, 1, y, (int)ld, 0, g,
	            (int)l);
	for (size_t i = 0; i < l * l; i++)
		gd[i] = g[i];
	if (LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'L', (lapack_int)l, gd, (lapack_int)l))
		return -1;
	for (size_t j = 0; j < l; j++)
		for (size_t i = 0; i < l; i++)
			g[j * l + i] = i >= j ? (float)gd[j * l + i] : 0;
	/* in blocks (OpenBLAS would take a copy of the whole of y), spread over the threads */
	struct solve sv = {y, g, n, l, ld};

	par_run(nt, solve_part, &sv);
	return 0;
}

struct work {
	float *scratch, *tau, *g;
	double *gd;
	int threads;
};

/* An orthonormal basis of the span of the first l columns of y. Between power iterations, twice
 * Cholesky QR (fast, all level-3 BLAS) does; Householder QR when it fails, and for the last. */
static int orthonormalize(float *y, uint64_t n, size_t l, size_t ld, struct work *w, int exact)
{
	if (!exact && cholesky_qr(y, n, l, ld, w->g, w->gd, w->threads) == 0 &&
	    cholesky_qr(y, n, l, ld, w->g, w->gd, w->threads) == 0)
		return 0;
	return orth_householder(y, w->scratch, n, l, ld, w->tau);
}

/* U = Q Ub, row block by row block, into the first k columns of q (Ub is column-major l x l, so
 * its first k columns are k rows of length l). Returns 0 when memory runs out. */
static int left_vectors(float *q, uint64_t m, size_t l, size_t ld, const float *ub, size_t k)
{
	enum { B = 512 };
	float *tmp = malloc(B * k * sizeof(float));

	if (!tmp)
		return 0;
	for (uint64_t i0 = 0; i0 < m; i0 += B) {
		size_t rows = m - i0 < B ? (size_t)(m - i0) : B;

		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)k, (int)l, 1,
		            q + i0 * ld, (int)ld, ub, (int)l, 0, tmp, (int)k);
		for (size_t i = 0; i < rows; i++)
			memcpy(q + (i0 + i) * ld, tmp + i * k, k * sizeof(float));
	}
	free(tmp);
	return 1;
}

/* Packs the first k columns of the rows x ld matrix *p into rows x k and gives the buffer up. */
static float *shrink(float **p, uint64_t rows, size_t k, size_t ld)
{
	float *v = *p, *small;

	for (uint64_t i = 0; i < rows; i++)
		memmove(v + i * k, v + i * ld, k * sizeof(float));
	small = realloc(v, (rows * k + 1) * sizeof(float));
	*p = NULL;
	return small ? small : v;
}

/* Flips the sign of singular pairs so that each column of u has its largest entry positive. */
static void flip_signs(struct rsvd_result *res, uint64_t rows, uint64_t cols)
{
	for (size_t j = 0; j < res->k; j++) {
		float best = 0;

		for (uint64_t i = 0; i < rows; i++)
			if (fabsf(res->u[i * res->k + j]) > fabsf(best))
				best = res->u[i * res->k + j];
		if (best >= 0)
			continue;
		for (uint64_t i = 0; i < rows; i++)
			res->u[i * res->k + j] = -res->u[i * res->k + j];
		for (uint64_t i = 0; res->v && i < cols; i++)
			res->v[i * res->k + j] = -res->v[i * res->k + j];
	}
}

int rsvd(const struct linop *a, const struct rsvd_opts *o, struct rsvd_result *res,
         struct error *e)
{
	uint64_t m = a->rows, n = a->cols, small = m < n ? m : n, big = m > n ? m : n;
	size_t l = o->k + o->oversample > small ? (size_t)small : o->k + o->oversample;
	size_t ld = round_up(l, 16), k = o->k;
	float *x = NULL, *y = NULL, *ub = NULL, *s = NULL, *vt = NULL;
	struct work w = {.threads = o->threads};
	const char *why = "out of memory"; /* what failed, if it does */
	struct {
		double product, qr_m, qr_n, total, done;
	} flops = {0};
	int ret = -1;

	memset(res, 0, sizeof(*res));
	if (k == 0 || k > small)
		return error_bad(e, NULL, 0, "the rank asked for is above the matrix's smaller side");
	if (big * ld > INT_MAX)
		return error_bad(e, NULL, 0, "the matrix is too large for LAPACK's 32-bit indices");
	/* x and y take turns as the other's scratch space, so both hold the larger side */
	x = calloc(big * ld, sizeof(float));
	y = calloc(big * ld, sizeof(float));
	w.tau = malloc(l * sizeof(float));
	w.g = malloc(l * l * sizeof(float));
	w.gd = malloc(l * l * sizeof(double));
	ub = malloc(l * l * sizeof(float));
	s = malloc(l * sizeof(float));
	if (!x || !y || !w.tau || !w.g || !w.gd || !ub || !s)
		goto out;
	/* range finder: Y = (A A^T)^q A X, orthonormalized after every product. The progress
	 * counts the flops each step is expected to take: a product 2 nnz l, an orthonormalization
	 * of r rows (LQ and its Q) 4 r l^2, U = Q Ub 2 m l k, and the small SVD as 30 n l^2: about
	 * 8 n l^2, but LAPACK's sgesdd runs on one thread at about a quarter of the others' rate
	 * (enwiki-100M's PPMI matrix, l = 310: 19 s of 62) */
	flops.product = 2 * (double)a->nnz * (double)l;
	flops.qr_m = 4 * (double)m * (double)l * (double)l;
	flops.qr_n = 4 * (double)n * (double)l * (double)l;
	flops.total = (2 * (double)o->iters + 2) * flops.product +
	              (double)o->iters * (flops.qr_m + flops.qr_n) + flops.qr_m +
	              30 * (double)n * (double)l * (double)l + 2 * (double)m * (double)l * (double)k;
	phase_begin("SVD", (uint64_t)flops.total, "flops");
	gaussian(x, n, l, ld, o->seed);
	a->mul(a->a, x, y, ld, o->threads);
	phase_step((uint64_t)(flops.done += flops.product));
	why = "LAPACK's QR failed";
	for (unsigned it = 0; it < o->iters; it++) {
		w.scratch = x;
		if (orthonormalize(y, m, l, ld, &w, 0) < 0)
			goto out;
		phase_step((uint64_t)(flops.done += flops.qr_m));
		a->tmul(a->a, y, x, ld, o->threads);
		phase_step((uint64_t)(flops.done += flops.product));
		w.scratch = y;
		if (orthonormalize(x, n, l, ld, &w, 0) < 0)
			goto out;
		phase_step((uint64_t)(flops.done += flops.qr_n));
		a->mul(a->a, x, y, ld, o->threads);
		phase_step((uint64_t)(flops.done += flops.product));
	}
	w.scratch = x;
	if (orthonormalize(y, m, l, ld, &w, 1) < 0)
		goto out;
	phase_step((uint64_t)(flops.done += flops.qr_m));
	/* B = Q^T A, held as its transpose A^T Q: LAPACK's column-major l x n B */
	a->tmul(a->a, y, x, ld, o->threads);
	phase_step((uint64_t)(flops.done += flops.product));
	if (a->release)
		a->release(a->a);
	/* the SVD of B: wide, V^T overwrites B (row j of x becomes row j of V); else into vt */
	if (l >= n && !(vt = malloc(n * n * sizeof(float))))
		goto out;
	why = "LAPACK's SVD did not converge";
	if (LAPACKE_sgesdd(LAPACK_COL_MAJOR, l < n ? 'O' : 'S', (lapack_int)l, (lapack_int)n, x,
	                   (lapack_int)ld, s, ub, (lapack_int)l, vt ? vt : x,
	                   vt ? (lapack_int)n : (lapack_int)ld))
		goto out;
	phase_step((uint64_t)(flops.done += 30 * (double)n * (double)l * (double)l));
	why = "out of memory";
	res->k = k;
	if (!(res->s = malloc(k * sizeof(float))))
		goto out;
	memcpy(res->s, s, k * sizeof(float));
	if (!left_vectors(y, m, l, ld, ub, k))
		goto out;
	phase_step((uint64_t)flops.total);
	res->u = shrink(&y, m, k, ld);
	if (o->want_v)
		res->v = vt ? shrink(&vt, n, k, n) : shrink(&x, n, k, ld);
	flip_signs(res, m, n);
	ret = 0;
out:
	if (ret < 0) {
		rsvd_free(res);
		error_bad(e, NULL, 0, "%s", why);
	}
	free(x);
	free(y);
	free(w.tau);
	free(w.g);
	free(w.gd);
	free(ub);
	free(s);
	free(vt);
	return ret;
}

void rsvd_free(struct rsvd_result *res)
{
	free(res->s);
	free(res->u);
	free(res->v);
	memset(res, 0, sizeof(*res));
}

/* U S^weight: each row scaled column by column, then normalised. */
void rsvd_weight(struct rsvd_result *res, uint64_t rows, double weight, int normalize)
{
	float *scale = emalloc(res->k * sizeof(float));

	for (size_t j = 0; j < res->k; j++)
		scale[j] = weight == 0 ? 1 : res->s[j] > 0 ? (float)pow(res->s[j], weight) : 0;
	for (uint64_t i = 0; i < rows; i++) {
		float *u = res->u + i * res->k;
		double norm = 0;

		for (size_t j = 0; j < res->k; j++) {
			u[j] *= scale[j];
			norm += (double)u[j] * u[j];
		}
		if (normalize && norm > 0)
			for (size_t j = 0; j < res->k; j++)
				u[j] = (float)(u[j] / sqrt(norm));
	}
	free(scale);
}
