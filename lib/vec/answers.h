/* answers.h: the queries of nlp-similar answered in batches: each query is a word (its nearest
 * neighbours) or three words a b c (a is to b as c is to ?), and its answers are written as
 * "word<TAB>similarity" lines, a blank line between queries, or each line led by the query and a
 * tab. Batches let one pass over the candidates (vec/similar.h) serve many queries. */
#ifndef NLP_ANSWERS_H
#define NLP_ANSWERS_H

#include <stddef.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/io.h"
#include "vec/lookup.h"
#include "vec/similar.h"

struct answers {
	struct lookup lk;
	struct similar_search s;
	int with_query;             /* lines begin with the query and a tab; no blank lines */
	struct similar_query *q;    /* [cap] */
	struct buf *text;           /* [cap] each query's words, for with_query */
	int *ok;                    /* [cap] the query could be asked */
	size_t n, cap, done;        /* done: queries answered so far */
	struct similar_hit *hits;   /* [cap][k] */
	size_t *nhits;              /* [cap] */
	struct answers_oov *oov;    /* NULL: words outside the vectors cannot be asked */
};

/* Builds the vector out [dim] of a word w[0..n) that is not among the vectors (from a model's
 * subwords). Returns 0, 1 when the word has no vector, -1 when memory runs out. */
typedef int answers_oov_fn(void *ctx, const char *w, size_t n, float *out);

/* What answers_oov sets up: the function and the query words' vectors it built for the batch. */
struct answers_oov {
	answers_oov_fn *fn;
	void *ctx;
	float *extra;  /* [3 cap][dim] their unit vectors (similar_search's extra) */
	size_t n;      /* rows of extra used by the batch */
	float *x;      /* [dim] */
	double *wide;  /* [dim] */
};

/* Called with each reason a query cannot be asked (it then gets no answers). */
typedef void answers_warn_fn(const struct error *e);

/* Begins answering among the first cands rows of v (kept by pointer), top answers a query,
 * words matched by upper case when fold. Returns 0, or -1 with e filled ("out of memory");
 * answers_free frees a either way. */
int answers_init(struct answers *a, const struct vectors *v, size_t cands, size_t top,
                 enum similar_method m, int fold, int threads, int with_query, struct error *e);

/* Lets queries have words that are not among the vectors: fn builds their vectors (the
 * candidates stay the vectors' rows). Returns 0, or -1 with e filled ("out of memory"). */
int answers_oov(struct answers *a, answers_oov_fn *fn, void *ctx, struct error *e);

/* Adds the query s[0..n) (blank: none); each problem with it goes to warn. A full batch is
 * answered to w. Returns 0 for a query asked or blank, 1 for one that cannot be asked, -1 with e
 * filled when memory runs out. */
int answers_add(struct answers *a, struct writer *w, const char *s, size_t n,
                answers_warn_fn *warn, struct error *e);

/* Answers the queries added so far and writes their answers to w. Returns 0, or -1 with e
 * filled ("out of memory"). */
int answers_flush(struct answers *a, struct writer *w, struct error *e);

/* Frees what a holds (not the vectors). */
void answers_free(struct answers *a);

#endif
