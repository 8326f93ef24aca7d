/* wordeval.h: the word-pair (WordSim353) and analogy (word2vec's questions-words.txt) benchmarks
 * of word vectors, reading their files as gensim's evaluate_word_pairs and
 * evaluate_word_analogies do, so that the figures agree with gensim's. */
#ifndef NLP_WORDEVAL_H
#define NLP_WORDEVAL_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/io.h"
#include "vec/lookup.h"
#include "vec/similar.h"

#define WORDEVAL_TOPN 5 /* answers an analogy question looks at, as in gensim */

/* Word pairs with human similarity scores, as in WordSim353. */
struct wordeval_pairs {
	uint64_t pairs;      /* scored: both words known */
	uint64_t oov;        /* skipped: a word unknown */
	uint64_t invalid;    /* lines that are neither comments nor "w1<TAB>w2<TAB>score" */
	double oov_percent;  /* 100 oov / (pairs + oov) */
	double pearson, spearman;
};

/* Reads "w1<TAB>w2<TAB>score" lines from r ('#' starts a comment; LF, CRLF and CR end lines) and
 * correlates the scores with the cosines. Returns 0, or -1 with e filled (naming r; also when no
 * pair has both words known). */
int wordeval_pairs(struct lookup *lk, struct reader *r, struct wordeval_pairs *res,
                   struct error *e);

struct wordeval_section {
	char *name;
	uint64_t correct, total;
};

/* Analogy questions, as in word2vec's questions-words.txt. */
struct wordeval_analogies {
	struct wordeval_section *sec; /* [nsec] in the order of the file */
	size_t nsec;
	uint64_t questions;      /* lines of four words */
	uint64_t oov;            /* of these, skipped: a word unknown */
	uint64_t invalid;        /* lines that are neither ": section" nor four words, skipped */
	uint64_t correct, total; /* over all sections */
};

/* Reads ": section" lines and "a b c d" questions from r and answers each among the known rows,
 * as gensim does: the WORDEVAL_TOPN best rows other than those of a, b and c, the first of them
 * that is not the same word as a, b or c (case variants, when folding). Returns 0, or -1 with e
 * filled (naming r); res is to be freed with wordeval_analogies_free either way. */
int wordeval_analogies(struct lookup *lk, struct reader *r, enum similar_method m, int threads,
                       struct wordeval_analogies *res, struct error *e);
/* Frees what res holds (the sections and their names). */
void wordeval_analogies_free(struct wordeval_analogies *res);

/* Writes the line "key<TAB>value" to w, the value formatted as printf's fmt (cut at 127 bytes):
 * the lines of the benchmarks' reports. */
void wordeval_line(struct writer *w, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The figures of a benchmark as report lines: pairs, oov, oov_percent, invalid, pearson,
 * spearman; or a section line each (name, accuracy, correct, total), then questions, oov,
 * oov_percent, invalid, correct, evaluated, accuracy. */
void wordeval_write_pairs(struct writer *w, const struct wordeval_pairs *p);
void wordeval_write_analogies(struct writer *w, const struct wordeval_analogies *a);

#endif
