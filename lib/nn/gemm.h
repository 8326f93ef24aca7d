/* gemm.h: the layers' large matrix products, cblas_sgemm's on threads of our own. OpenBLAS's
 * own threads change a product's last bits with their number; here the product is cut into
 * blocks of rows or columns fixed by its sizes alone, each block one single-threaded sgemm, and
 * the threads share the blocks: the same bits for any number of threads, so a seeded training
 * repeats bit for bit whatever --threads. nn_set_threads keeps OpenBLAS at one thread and says
 * how many threads these products take. */
#ifndef NLP_NN_GEMM_H
#define NLP_NN_GEMM_H

#include <stddef.h>

/* The threads of nn_gemm from now on (at least 1; the process's setting, as OpenBLAS's), and
 * OpenBLAS's own to 1. */
void nn_set_threads(int n);
/* The threads of nn_gemm from the calling thread (the process's setting, as nn_set_threads'),
 * for a caller that runs independent products on threads of its own: nn_gemm_threads(1) in
 * each, then nn_gemm_threads(0) to return to the process's setting. The blocks, and so the
 * bits, are the same. */
void nn_gemm_threads(int n);
/* The calling thread's own setting (0: none), to restore after nn_gemm_threads. */
int nn_gemm_local(void);
/* The threads nn_gemm takes now from the calling thread. */
int nn_threads(void);
/* The processors, at most 8: the default of the programs' -T. */
int nn_default_threads(void);

/* C [M][N] = alpha op(A) op(B) + beta C, row-major, as cblas_sgemm: op(A) [M][K] is A [M][K]
 * (lda >= K) or, with ta, A^T for A [K][M] (lda >= M); op(B) [K][N] is B [K][N] or, with tb,
 * B^T for B [N][K]. */
void nn_gemm(int ta, int tb, size_t M, size_t N, size_t K, float alpha, const float *A,
             size_t lda, const float *B, size_t ldb, float beta, float *C, size_t ldc);

#endif
