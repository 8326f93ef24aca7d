/* similar.h: nearest neighbours and analogies by cosine over row-normalised word vectors
 * (lib/vectors), computed in batches through BLAS, and the word-pair and analogy benchmarks. The
 * conventions are gensim's (most_similar, most_similar_cosmul, evaluate_word_pairs,
 * evaluate_word_analogies), so that the figures agree with it. */
#ifndef NLP_SIMILAR_H
#define NLP_SIMILAR_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/strtab.h"
#include "base/io.h"
#include "vec/vectors.h"

#define SIM_COSMUL_EPS 1e-6f /* 3CosMul's term in the denominator, as in gensim */
#define SIM_EVAL_TOPN 5      /* answers an analogy question looks at, as in gensim */

enum sim_method {
	SIM_ADD, /* 3CosAdd: cos(x, b) - cos(x, a) + cos(x, c) */
	SIM_MUL  /* 3CosMul: cos'(x, b) cos'(x, c) / (cos'(x, a) + eps), cos' = (1 + cos) / 2 */
};

/* Where and why a benchmark file could not be read. */
struct sim_error {
	int sys;        /* errno of a failed read (why is empty), 0 otherwise */
	uint64_t line;  /* from 1; 0 when the whole file is at fault */
	char why[160];
};

/* Appends Python's str.upper() of s[0..n) to b: the full case mapping of Unicode ('ß' becomes
 * "SS"), as gensim's case_insensitive matching uses it; bytes that are not UTF-8 stay as they are. */
void sim_upper(struct buf *b, const char *s, size_t n);

/* The words that queries are looked up among. */
struct sim_vocab {
	const struct vectors *v;
	size_t known;        /* rows [0, known) */
	int fold;            /* by upper case: the first row of each upper-cased word stands for it */
	struct strtab keys;  /* fold: the upper-cased words of the known rows; vals: their first row */
	uint32_t *key;       /* [known] what makes two rows the same word: fold: the id of the row's
	                      * upper-cased word, else the row */
	struct buf tmp;
};

/* Returns 0, or -1 when memory runs out. */
int sim_vocab_init(struct sim_vocab *sv, const struct vectors *v, size_t known, int fold);
void sim_vocab_free(struct sim_vocab *sv);
/* The row of a word, or -1 when it is not known. */
int64_t sim_vocab_find(struct sim_vocab *sv, const char *w, size_t n);

struct sim_query {
	uint32_t w[3]; /* rows: the neighbours of w[0] (n = 1), or w[0] is to w[1] as w[2] is to ? */
	int n;
};

struct sim_hit {
	float score;
	uint32_t row;
};

struct sim_search {
	const struct vectors *v;
	size_t cands;          /* the candidates: rows [0, cands) */
	const uint32_t *key;   /* a candidate with the key of one of its query's words is left out;
	                        * NULL: only the query's rows themselves */
	enum sim_method method;
	size_t k;              /* hits per query */
	int threads;
};

/* The k best candidates of each query, best first (ties: the lower row), in hits[i * k ...] and
 * their number in nhits[i]. The score of a neighbour is its cosine; of an analogy answer,
 * 3CosAdd: the cosine to the normalised b - a + c (gensim's most_similar), 3CosMul: as gensim's
 * most_similar_cosmul. Similarities come from matrix products of the query words and blocks of
 * candidates; each of s->threads threads takes every threads-th block through its own product, so
 * with BLAS itself on one thread the answers do not depend on the number of threads. Returns 0,
 * or -1 when memory runs out. */
int sim_search(const struct sim_search *s, const struct sim_query *q, size_t nq,
               struct sim_hit *hits, size_t *nhits);

/* Word pairs with human similarity scores, as in WordSim353. */
struct sim_pairs {
	uint64_t pairs;      /* scored: both words known */
	uint64_t oov;        /* skipped: a word unknown */
	uint64_t invalid;    /* lines that are neither comments nor "w1<TAB>w2<TAB>score" */
	double oov_percent;  /* 100 oov / (pairs + oov) */
	double pearson, spearman;
};

/* Reads "w1<TAB>w2<TAB>score" lines from r ('#' starts a comment; LF, CRLF and CR end lines) and
 * correlates the scores with the cosines. Returns 0, or -1 with *e filled in (also when no pair has
 * both words known). */
int sim_eval_pairs(struct sim_vocab *sv, struct reader *r, struct sim_pairs *res,
                   struct sim_error *e);

struct sim_section {
	char *name;
	uint64_t correct, total;
};

/* Analogy questions, as in word2vec's questions-words.txt. */
struct sim_analogies {
	struct sim_section *sec; /* [nsec] in the order of the file */
	size_t nsec;
	uint64_t questions;      /* lines of four words */
	uint64_t oov;            /* of these, skipped: a word unknown */
	uint64_t invalid;        /* lines that are neither ": section" nor four words, skipped */
	uint64_t correct, total; /* over all sections */
};

/* Reads ": section" lines and "a b c d" questions from r and answers each among the known rows,
 * as gensim does: the SIM_EVAL_TOPN best rows other than those of a, b and c, the first of them
 * that is not the same word as a, b or c (case variants, when folding). Returns 0, or -1 with *e
 * filled in. */
int sim_eval_analogies(struct sim_vocab *sv, struct reader *r, enum sim_method m, int threads,
                       struct sim_analogies *res, struct sim_error *e);
void sim_analogies_free(struct sim_analogies *res);

#endif
