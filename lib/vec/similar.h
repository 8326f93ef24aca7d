/* similar.h: nearest neighbours and analogies by cosine over row-normalised word vectors
 * (vec/vectors.h), computed in batches through BLAS. The scores are gensim's (most_similar,
 * most_similar_cosmul), so that the answers agree with it. */
#ifndef NLP_SIMILAR_H
#define NLP_SIMILAR_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "vec/vectors.h"

#define SIMILAR_COSMUL_EPS 1e-6f /* 3CosMul's term in the denominator, as in gensim */

enum similar_method {
	SIMILAR_ADD, /* 3CosAdd: cos(x, b) - cos(x, a) + cos(x, c) */
	SIMILAR_MUL  /* 3CosMul: cos'(x, b) cos'(x, c) / (cos'(x, a) + eps), cos' = (1 + cos) / 2 */
};

struct similar_query {
	uint32_t w[3]; /* rows: the neighbours of w[0] (n = 1), or w[0] is to w[1] as w[2] is to ? */
	int n;
};

struct similar_hit {
	float score;
	uint32_t row;
};

struct similar_search {
	const struct vectors *v;
	size_t cands;          /* the candidates: rows [0, cands) */
	const uint32_t *key;   /* a candidate with the key of one of its query's words is left out;
	                        * NULL: only the query's rows themselves */
	enum similar_method method;
	size_t k;              /* hits per query */
	int threads;
	const float *extra;    /* [][v->dim] unit vectors of query words outside v (words never seen
	                        * in training, built from a model): row v->rows + i is extra's row i
	                        * and its own key; NULL: none */
};

/* The k best candidates of each query, best first (ties: the lower row), in hits[i * k ...] and
 * their number in nhits[i] (both the caller's). The score of a neighbour is its cosine; of an
 * analogy answer, 3CosAdd: the cosine to the normalised b - a + c (gensim's most_similar),
 * 3CosMul: as gensim's most_similar_cosmul. Similarities come from matrix products of the query
 * words and blocks of candidates; each of s->threads threads (base/par.h) takes every threads-th
 * block through its own product, so with BLAS itself on one thread the answers do not depend on
 * the number of threads. Returns 0, or -1 with e filled ("out of memory"). */
int similar_search(const struct similar_search *s, const struct similar_query *q, size_t nq,
                   struct similar_hit *hits, size_t *nhits, struct error *e);

#endif
