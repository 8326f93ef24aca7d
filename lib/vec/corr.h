/* corr.h: the correlations of two samples that the word-pair benchmark reports, as scipy
 * computes them (pearsonr, spearmanr). */
#ifndef NLP_CORR_H
#define NLP_CORR_H

#include <stddef.h>

/* Pearson's r of x[0..n) and y[0..n), clamped to [-1, 1]; NaN when either is constant, n < 2
 * or (through the sums) a value is NaN. */
double corr_pearson(const double *x, const double *y, size_t n);

/* Spearman's rho: Pearson's r of the ranks (ties given their mean rank, as scipy's rankdata),
 * into *rho; NaN when a value is NaN. Returns 0, or -1 when memory runs out. */
int corr_spearman(const double *x, const double *y, size_t n, double *rho);

#endif
