/* cooccur.h: word-context co-occurrence counting in a window, and the exact merge of the
 * matrices of shards (nlp-cooccur).
 *
 * Counting: the reading thread splits each line into tokens, looks them up in the vocabulary
 * and deals batches of ids in turn to WORKERS counting threads, each with its own accumulator
 * (count/cooc.h) holding its share of the memory budget; the end sums them into one.
 *
 * Values: a context d tokens away counts 1/d (harmonic) or 1 (flat). When the least common
 * multiple of 1..window (the denominator) fits, values are counted as integers in units of
 * 1/denominator, exact whatever the order of the sums; else as doubles.
 *
 * Merging: the shards' triples come out in row-major order by mat/merge's k-way merge, equal
 * cells summed in the order of the files, as units of the settings when they are exact.
 *
 * Record: the matrix's header records the settings and a fingerprint of the vocabulary in a
 * line "cooccur window=N weight=W context=C cross-lines=X drop-oov=D vocab=HEX"
 * (nlp-matrix(5)); the merge takes its settings from it and checks that the shards agree. */
#ifndef NLP_COOCCUR_H
#define NLP_COOCCUR_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/io.h"
#include "base/ring.h"
#include "count/cooc.h"
#include "count/countfile.h"
#include "count/vocab.h"
#include "mat/matrix.h"
#include "mat/merge.h"

#define COOCCUR_MAX_WINDOW 10000
#define COOCCUR_NONE UINT32_MAX /* a position held by a word not in the vocabulary */
#define COOCCUR_WORKERS 2       /* counting threads, each with its own accumulator */

struct cooccur_settings {
	unsigned window;
	int dir;        /* 0 both sides, -1 left only, 1 right only */
	int harmonic;   /* 1/d, else flat */
	int cross;      /* windows run on across line ends */
	int keep_oov;   /* words not in the vocabulary take up positions (--drop-oov after) */
	uint64_t denom; /* values count units of 1 / denom; 0: doubles (cooccur_denom) */
};

/* Writes into rec[MAT_RECORD_MAX + 1] the record of counting with set and the vocabulary of
 * fingerprint vocab_fp (count/vocab.h): one "cooccur ..." line. */
void cooccur_record(const struct cooccur_settings *set, uint64_t vocab_fp, char *rec);

/* The settings of rec, the record of the matrix `name` (a shard, or a program's input): its last
 * line must be nlp-cooccur's, with every setting; *vocab_fp (may be NULL) gets its vocabulary's
 * fingerprint. Returns 0, or -1 with e filled ("NAME: does not hold counts: its record ends with
 * the stage 'ppmi', not cooccur", or the setting that is missing or malformed). */
int cooccur_parse_record(const char *name, const char *rec, struct cooccur_settings *set,
                         uint64_t *vocab_fp, struct error *e);

/* The denominator of the settings' values: the least common multiple of 1..window for
 * harmonic weights, 1 for flat ones, or 0 (doubles) when it would pass UINT32_MAX. */
uint64_t cooccur_denom(const struct cooccur_settings *set);

/* A value as written: units divided by the denominator, or the double itself. */
static inline double cooccur_value(const struct cooccur_settings *set, uint64_t v)
{
	double d;

	if (set->denom)
		return (double)v / (double)set->denom;
	__builtin_memcpy(&d, &v, 8);
	return d;
}

struct cooccur_batch;
struct cooccur_worker;

/* The counting of one run. */
struct cooccur {
	const struct cooccur_settings *set;
	const struct vocab *v;
	uint64_t *weight; /* [window + 1] a context's value at each distance */
	struct cooccur_worker *w; /* [COOCCUR_WORKERS] */
	unsigned next;    /* the worker whose batch is being filled */
	uint32_t *tail;   /* --cross-lines: the last window ids so far */
	size_t ntail;
	struct spans toks;
};

/* What counting holds besides its accumulators, in bytes: the vocabulary v, the batches of ids
 * in flight, and the read buffers of the final merge of the runs. */
size_t cooccur_fixed_bytes(const struct vocab *v);
/* The least budget that counting with the vocabulary v fits in: cooccur_fixed_bytes and the
 * least of each accumulator (cooc_min_bytes). */
size_t cooccur_min_bytes(const struct vocab *v);

/* Starts the counting threads for the vocabulary v (at most COOC_MAX_SIZE words; set and v stay
 * the caller's), in a budget of memory bytes, all that counting holds: cooccur_fixed_bytes, and
 * the rest split between the accumulators (a budget below cooccur_min_bytes is taken as it). Returns 0, or -1 with e filled ("counting:
 * reason"); cooccur_free frees what it holds in both cases. */
int cooccur_start(struct cooccur *k, const struct cooccur_settings *set, const struct vocab *v,
                  size_t memory, struct error *e);
/* Counts a line of blank-separated tokens. Returns 0, or -1 with e filled once the counting has
 * failed. */
int cooccur_line(struct cooccur *k, const char *s, size_t n, struct error *e);
/* Counts what is left, stops the threads and sums their counts. Returns 0 or -1 with e filled. */
int cooccur_finish(struct cooccur *k, struct error *e);
/* After cooccur_finish: calls fn for every non-zero cell in row-major order (values as units or
 * double bits: cooccur_value). Returns 0, fn's non-zero return, or -1 with e filled. */
int cooccur_emit(struct cooccur *k, cooc_emit_fn *fn, void *ctx, struct error *e);
/* Stops the threads if they still run and frees what k holds (not set or v). */
void cooccur_free(struct cooccur *k);

/* What the user gave for a merge, to check against the shards' records. */
enum { COOCCUR_GIVEN_WINDOW = 1, COOCCUR_GIVEN_WEIGHT = 2 };

/* The merge of the matrices of shards. */
struct cooccur_merge {
	struct cooccur_settings *set;
	char record[MAT_RECORD_MAX + 1]; /* of the sum: the shards', when every one has it */
	struct merge_source *src;   /* [n] the shards, nopen of them open */
	struct merge_source **srcp; /* [n] */
	struct merge m;
	size_t *at;                 /* [n] the shards of the cell being summed */
	uint64_t *units;            /* [n] exact: the value of each shard's current triple in units */
	size_t n, nopen;
	uint64_t size;              /* rows = columns */
};

/* Opens files[0..nfiles) ("-" is stdin) and reads their headers: square sparse matrices of one
 * size. The settings come from the shards' records, which must be records of counting and all
 * the same, and agree with the window and weight of set that `given` (COOCCUR_GIVEN_*) flags;
 * shards without a record (written before records were) are taken to be counted with set's.
 * set->denom is then set: 0 when a shard holds 32-bit values, which makes the merge sum doubles
 * (warn, when not NULL, is called with the first one's name). Returns 0, or -1 with e filled
 * ("open NAME: reason", "NAME: why"); cooccur_merge_close frees what it holds in both cases. */
int cooccur_merge_open(struct cooccur_merge *m, struct cooccur_settings *set, unsigned given,
                       char **files, int nfiles, void (*warn)(const char *name),
                       struct error *e);
/* Calls fn for each cell of the sum in row-major order. Returns 0, fn's non-zero return, or -1
 * with e filled (a bad file, or a value that is not a count of the settings). */
int cooccur_merge_run(struct cooccur_merge *m, cooc_emit_fn *fn, void *ctx, struct error *e);
/* Closes the files and frees what m holds. */
void cooccur_merge_close(struct cooccur_merge *m);

#endif
