/* corr.c: Pearson's and Spearman's correlations, as scipy's pearsonr and spearmanr. */
#include <math.h>
#include <stdlib.h>

#include "vec/corr.h"

double corr_pearson(const double *x, const double *y, size_t n)
{
	double mx = 0, my = 0, sxy = 0, sxx = 0, syy = 0, r;

	if (n < 2)
		return NAN;
	for (size_t i = 0; i < n; i++) {
		mx += x[i];
		my += y[i];
	}
	mx /= (double)n;
	my /= (double)n;
	for (size_t i = 0; i < n; i++) {
		sxy += (x[i] - mx) * (y[i] - my);
		sxx += (x[i] - mx) * (x[i] - mx);
		syy += (y[i] - my) * (y[i] - my);
	}
	if (!(sxx > 0) || !(syy > 0))
		return NAN;
	r = sxy / sqrt(sxx * syy);
	return r > 1 ? 1 : r < -1 ? -1 : r;
}

/* Indices ordered by the values they index (qsort_r's context). */
static int by_value(const void *a, const void *b, void *values)
{
	const double *v = values;
	double x = v[*(const size_t *)a], y = v[*(const size_t *)b];

	return x < y ? -1 : x > y;
}

/* The ranks of x from 1, ties given their mean rank (scipy's rankdata). Returns 0, or -1 when
 * memory runs out. */
static int ranks(double *rank, const double *x, size_t n)
{
	size_t *idx = malloc((n ? n : 1) * sizeof(*idx));

	if (!idx)
		return -1;
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	qsort_r(idx, n, sizeof(*idx), by_value, (void *)x);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && x[idx[j]] == x[idx[i]]; j++)
			;
		for (size_t m = i; m < j; m++)
			rank[idx[m]] = (double)(i + j + 1) / 2;
	}
	free(idx);
	return 0;
}

int corr_spearman(const double *x, const double *y, size_t n, double *rho)
{
	double *rx = malloc((n ? n : 1) * sizeof(*rx)), *ry = malloc((n ? n : 1) * sizeof(*ry));
	int ret = 0;

	for (size_t i = 0; i < n; i++)
		if (isnan(x[i]) || isnan(y[i]))
			n = 0;
	if (!rx || !ry || ranks(rx, x, n) < 0 || ranks(ry, y, n) < 0) {
		*rho = NAN;
		ret = -1;
	} else {
		*rho = corr_pearson(rx, ry, n);
	}
	free(rx);
	free(ry);
	return ret;
}
