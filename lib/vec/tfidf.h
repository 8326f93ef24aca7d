/* tfidf.h: document vectors with scikit-learn's TfidfVectorizer rules: each document (a line of
 * blank-separated tokens) becomes a row of a sparse matrix of documents x terms, holding TF-IDF
 * weights, raw counts (bag of words) or one-hot values, or a line of its highest-weighted terms.
 *
 * Two passes: tfidf_add_doc numbers the terms and spools each document as its distinct (term,
 * count) pairs to an unlinked temporary file; tfidf_fit chooses the columns and their idf from
 * the document frequencies; tfidf_write reads the spool back and weighs each document. Memory
 * holds the terms, never the documents. */
#ifndef NLP_TFIDF_H
#define NLP_TFIDF_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/io.h"
#include "base/runs.h"
#include "base/spans.h"
#include "count/countfile.h"
#include "count/vocab.h"

enum tfidf_idf { TFIDF_IDF_SMOOTH, TFIDF_IDF_PLAIN, TFIDF_IDF_NOTES, TFIDF_IDF_NONE };
enum tfidf_norm { TFIDF_NORM_L2, TFIDF_NORM_L1, TFIDF_NORM_NONE };

/* A bound on document frequencies: a number of documents, or a share of them. */
struct tfidf_df_bound {
	int share;
	double v;
};

struct tfidf_settings {
	int binary;            /* a term present counts 1 */
	int sublinear;         /* a count tf weighs 1 + ln(tf) */
	int text;              /* tfidf_write: text triples, not the binary format */
	enum tfidf_idf idf;
	enum tfidf_norm norm;
	struct tfidf_df_bound min_df, max_df;
	uint64_t max_features; /* 0: no limit */
	uint64_t docs;         /* with vocab: the training documents; 0: the idf comes from the input */
	uint64_t top;          /* K: each document's K best terms as a line; 0: the matrix */
	uint32_t type;         /* MAT_F32 or MAT_F64 */
	const char *vocab;     /* the name of the given terms' file (for messages), or NULL: fit */
};

/* The state of both passes. */
struct tfidf {
	const struct tfidf_settings *set;
	struct vocab v;    /* the terms: every one met (in order of appearance), or the given ones */
	uint64_t *df;      /* [cap] documents each term occurs in */
	uint64_t *total;   /* [cap] its counts summed over the documents (1 a document when binary) */
	uint64_t *cnt;     /* [cap] its count in the current document; 0 between documents */
	size_t cap;
	uint32_t *ids;     /* [nids] the current document's distinct terms */
	size_t nids, capids;
	struct spans tokens; /* the current document's tokens */
	uint64_t ndocs;
	struct runs_writer spool; /* a run of base/runs.h, per document: n, then n (term, count)
	                           * pairs, all as varints; spool.fd -1 once it has ended */
	/* the columns, after tfidf_fit */
	uint32_t *of_term; /* [nterms] a term's column, or TFIDF_NONE */
	uint32_t *term;    /* [ncols] the term of each column */
	double *idf;       /* [ncols] */
	size_t ncols;
	uint64_t nnz;      /* the matrix's nonzero cells */
};

#define TFIDF_NONE UINT32_MAX /* the column of a term that is not kept */

/* Begins with set (kept by pointer) and the given terms: *terms, moved into t (its values the
 * training document frequencies when set->docs), or NULL to number every term met. Checks the
 * terms against a matrix's limits and set->docs. Returns 0, or -1 with e filled; tfidf_free
 * frees t either way. */
int tfidf_begin(struct tfidf *t, const struct tfidf_settings *set, struct vocab *terms,
                struct error *e);

/* The first pass: adds one document, whose tokens are the runs of non-blank bytes of s[0..n).
 * Returns 0, or -1 with e filled (too many documents or terms, out of memory, the spool not
 * written). */
int tfidf_add_doc(struct tfidf *t, const char *s, size_t n, struct error *e);

/* Chooses the columns and their idf: the given terms, or those within min_df and max_df, the
 * max_features most frequent of them, sorted by their bytes as scikit-learn sorts its
 * vocabulary. Returns 0, or -1 with e filled (max_df comes below min_df, out of memory). */
int tfidf_fit(struct tfidf *t, struct error *e);

/* Writes "term<TAB>document frequency" for each column in order to the file path. Returns 0, or
 * -1 with e filled. */
int tfidf_write_vocab(const struct tfidf *t, const char *path, struct error *e);

/* The second pass: writes the matrix (binary or text, through mat/sink.h) or, with set->top,
 * each document's best terms as "term:weight ..." lines to w. Returns 0, or -1 with e filled (the
 * spool not read, the header not written, out of memory). */
int tfidf_write(struct tfidf *t, struct writer *w, struct error *e);

/* Frees what t holds and closes the spool. */
void tfidf_free(struct tfidf *t);

#endif
