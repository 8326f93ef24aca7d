/* gemm.c: products cut into blocks fixed by their sizes, the blocks shared among threads. */
#include <cblas.h>

#include "base/par.h"
#include "nn/gemm.h"

#define MAX_BLOCKS 16         /* the longer side of C in at most this many blocks, */
#define MIN_SIDE 64           /* about one block a MIN_SIDE of it, a multiple of 16 long */
#define BLOCK_MIN_FLOPS 4e6   /* smaller products are one block */

static int threads = 1;
static __thread int local;   /* this thread's own setting, 0: the process's */

void nn_set_threads(int n)
{
	openblas_set_num_threads(1);
	threads = n > 1 ? n : 1;
}

void nn_gemm_threads(int n)
{
	local = n > 0 ? n : 0;
}

int nn_gemm_local(void)
{
	return local;
}

int nn_threads(void)
{
	return local ? local : threads;
}

int nn_default_threads(void)
{
	int n = par_cpus();

	return n > 8 ? 8 : n;
}

struct product {
	int ta, tb;
	size_t M, N, K, lda, ldb, ldc;
	float alpha, beta;
	const float *A, *B;
	float *C;
	int by_cols;            /* C cut into blocks of columns, else of rows */
	size_t blocks, side;    /* the blocks and their length */
};

static void block(const struct product *p, size_t b)
{
	const float *A = p->A, *B = p->B;
	float *C = p->C;
	size_t M = p->M, N = p->N;

	if (p->by_cols) {
		size_t j0 = b * p->side;

		N = N - j0 < p->side ? N - j0 : p->side;
		B += p->tb ? j0 * p->ldb : j0;
		C += j0;
	} else {
		size_t i0 = b * p->side;

		M = M - i0 < p->side ? M - i0 : p->side;
		A += p->ta ? i0 : i0 * p->lda;
		C += i0 * p->ldc;
	}
	cblas_sgemm(CblasRowMajor, p->ta ? CblasTrans : CblasNoTrans,
	            p->tb ? CblasTrans : CblasNoTrans, (int)M, (int)N, (int)p->K, p->alpha, A,
	            (int)p->lda, B, (int)p->ldb, p->beta, C, (int)p->ldc);
}

static void run(void *ctx, int t, int nt)
{
	const struct product *p = ctx;

	for (size_t b = (size_t)t; b < p->blocks; b += (size_t)nt)
		block(p, b);
}

static void whole(const struct product *p)
{
	cblas_sgemm(CblasRowMajor, p->ta ? CblasTrans : CblasNoTrans,
	            p->tb ? CblasTrans : CblasNoTrans, (int)p->M, (int)p->N, (int)p->K, p->alpha,
	            p->A, (int)p->lda, p->B, (int)p->ldb, p->beta, p->C, (int)p->ldc);
}

void nn_gemm(int ta, int tb, size_t M, size_t N, size_t K, float alpha, const float *A,
             size_t lda, const float *B, size_t ldb, float beta, float *C, size_t ldc)
{
	struct product p = {ta, tb, M, N, K, lda, ldb, ldc, alpha, beta, A, B, C, N >= M, 0, 0};
	size_t L = p.by_cols ? N : M;

	if (M == 0 || N == 0)
		return;
	/* the cut depends on the sizes alone: the same blocks whatever the threads */
	p.blocks = (L + MIN_SIDE - 1) / MIN_SIDE;
	p.blocks = p.blocks < MAX_BLOCKS ? p.blocks : MAX_BLOCKS;
	p.side = ((L + p.blocks - 1) / p.blocks + 15) / 16 * 16;
	p.blocks = (L + p.side - 1) / p.side;
	if (2.0 * (double)M * (double)N * (double)K < BLOCK_MIN_FLOPS || p.blocks == 1) {
		whole(&p);
		return;
	}
	par_run(nn_threads() < (int)p.blocks ? nn_threads() : (int)p.blocks, run, &p);
}
