/* sample.c: sentences drawn from an n-gram model (sample.h). */
#include <math.h>

#include "lm/sample.h"

/* The next word after ctx[0..n): each word's probability is asked of the model, and the draw
 * is made among their running sums (whose total is 1 up to the file's rounding). */
static uint32_t draw(const struct lm_model *m, struct rng *r, const uint32_t *ctx, size_t n,
                     double *cum)
{
	size_t v = lm_model_vocab_size(m), lo = 0, hi = v;
	double total = 0, x;

	for (size_t w = 0; w < v; w++) {
		if (w != lm_model_bos(m))
			total += pow(10.0, lm_model_logp(m, ctx, n, (uint32_t)w, NULL));
		cum[w] = total;
	}
	x = rng_uniform(r) * total;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cum[mid] <= x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < v ? (uint32_t)lo : lm_model_eos(m);
}

size_t lm_sample(const struct lm_model *m, struct rng *r, uint32_t *ids, size_t nprefix,
                 size_t max, double *cum)
{
	size_t n = nprefix;
	unsigned order = lm_model_order(m);
	uint32_t ctx[LM_MAX_ORDER];

	while (n < max) {
		size_t k = 0;
		uint32_t w;

		/* the last order - 1 words, <s> before the first */
		for (size_t i = n + 1 > order - 1 ? n + 1 - (order - 1) : 0; i <= n; i++)
			ctx[k++] = i == 0 ? lm_model_bos(m) : ids[i - 1];
		w = draw(m, r, ctx, k, cum);
		if (w == lm_model_eos(m))
			break;
		ids[n++] = w;
	}
	return n;
}
