/* lookup.h: finding a word's row among the first rows of word vectors, exactly or, as gensim's
 * case_insensitive matching does, by Python's upper case of the word (the first row of each
 * upper-cased word stands for it). The queries and the benchmarks of nlp-similar use it. */
#ifndef NLP_LOOKUP_H
#define NLP_LOOKUP_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/strtab.h"
#include "vec/vectors.h"

/* The words that queries are looked up among. */
struct lookup {
	const struct vectors *v;
	size_t known;        /* rows [0, known) */
	int fold;            /* by upper case: the first row of each upper-cased word stands for it */
	struct strtab keys;  /* fold: the upper-cased words of the known rows; vals: their first row */
	uint32_t *key;       /* [known] what makes two rows the same word: fold: the id of the row's
	                      * upper-cased word, else the row */
	struct buf tmp;
};

/* Begins the lookup among the first known rows of v (kept by pointer), folding case or not.
 * Returns 0, or -1 with e filled ("out of memory"); lookup_free frees it. */
int lookup_init(struct lookup *lk, const struct vectors *v, size_t known, int fold,
                struct error *e);
/* Frees what lk holds (not the vectors). */
void lookup_free(struct lookup *lk);
/* The row of the word w[0..n), or -1 when it is not known. */
int64_t lookup_find(struct lookup *lk, const char *w, size_t n);

#endif
