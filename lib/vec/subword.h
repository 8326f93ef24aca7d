/* subword.h: fastText's subwords (Bojanowski et al. 2017): the character n-grams of a word wrapped
 * in '<' and '>', of minn to maxn characters, each hashed into one of a fixed number of buckets,
 * whose rows follow the vocabulary's in the input matrix. The facts are fastText's, so that the
 * same word gets the same buckets:
 *   - characters are UTF-8 characters: a byte of the form 10xxxxxx continues the character
 *     before it (a Korean syllable is one character of three bytes); bytes that are no valid
 *     UTF-8 count by that rule too, so any byte string has its n-grams;
 *   - the n-grams of "<word>" start at each character and grow a character at a time; the lone
 *     '<' and '>' are left out (they are 1-grams when minn is 1);
 *   - the hash is the 32-bit FNV-1a of the n-gram's bytes, each byte taken as a signed char
 *     widened to 32 bits (fastText's quirk: a byte of 0x80 or more is xored in as 0xffffff80 and
 *     up), and the bucket is the hash modulo the buckets;
 *   - a word of the vocabulary has its own row and its n-grams' rows; a word outside it only its
 *     n-grams' rows; duplicates (an n-gram twice, two n-grams in one bucket) are kept. */
#ifndef NLP_SUBWORD_H
#define NLP_SUBWORD_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/strtab.h"

#define SUBWORD_MAX_N 64 /* the longest n-gram, in characters */

/* Called with each n-gram of a word: the bytes [from, to) of the wrapped word "<word>" and their
 * hash. */
typedef void subword_fn(void *ctx, size_t from, size_t to, uint32_t hash);

/* The 32-bit FNV-1a hash of s[0..n) over signed bytes, as fastText's. */
uint32_t subword_hash(const char *s, size_t n);

/* Visits the n-grams of w[0..n) of minn to maxn characters (1 <= minn <= maxn) in fastText's
 * order: by start, then by length. fn may be NULL. Returns their number. */
size_t subword_each(const char *w, size_t n, unsigned minn, unsigned maxn, subword_fn *fn,
                    void *ctx);

/* The n-grams' rows base + hash % buckets, in subword_each's order, in out[0..cap) (the rest is
 * counted, not written). Returns their number. */
size_t subword_rows(uint32_t *out, size_t cap, const char *w, size_t n, unsigned minn,
                    unsigned maxn, uint32_t buckets, uint32_t base);

/* The input rows of each word of a vocabulary, computed once before training: word i's list is
 * rows[off[i] .. off[i + 1]), its own row i first, then its n-grams' rows (words + bucket). */
struct subword_table {
	size_t words;
	uint64_t *off;     /* [words + 1] */
	uint32_t *rows;    /* [off[words]] */
	size_t longest;    /* the longest list */
};

/* Builds t for the words of tab (ids 0 .. tab->n - 1) with n-grams of minn to maxn characters in
 * buckets buckets (tab->n + buckets must fit in 32 bits). Returns 0, or -1 with e filled (out of
 * memory). subword_table_free frees it. */
int subword_table_build(struct subword_table *t, const struct strtab *tab, unsigned minn,
                        unsigned maxn, uint32_t buckets, struct error *e);
void subword_table_free(struct subword_table *t);

/* Word i's rows; *n receives their number. */
static inline const uint32_t *subword_list(const struct subword_table *t, size_t i, size_t *n)
{
	*n = (size_t)(t->off[i + 1] - t->off[i]);
	return t->rows + t->off[i];
}

#endif
