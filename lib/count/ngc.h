/* ngc.h: counting n-grams of units (words, or characters) in bounded memory.
 *
 * Units are interned into a string table, whose values hold the unigram counts; longer n-grams
 * are fixed-length tuples of unit ids in one open-addressing table per length. When the next
 * line would take the tables past the memory budget, they are written to temporary files as
 * runs sorted by key and cleared; the runs of each length are kept few as they accumulate
 * (base/runs: runs_bound), so that all the lengths hold at most RUNS_FANIN files open at once
 * while counting, and the result merges them. The result comes out sorted by count descending, then by the bytes of the key (units
 * joined by single spaces), then by length.
 *
 * Functions that can fail return 0, or -1 with the caller's struct error filled: "counting:
 * reason" (out of memory, or why a temporary file failed); ngc_init's is "out of memory". */
#ifndef NLP_NGC_H
#define NLP_NGC_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/runs.h"
#include "base/strtab.h"
#include "count/countfile.h"

#define NGC_MAX_N 255
#define NGC_PREFETCH 8 /* lookups ahead whose slots are asked for */

struct ngc_entry {
	const char *key; /* units joined by single spaces, not NUL-terminated */
	size_t len;
	unsigned n;
	uint64_t count;
};

/* Called for each result in order; a positive return stops the output and is returned. */
typedef int ngc_emit_fn(void *ctx, const struct ngc_entry *e);

struct tuptab;

struct ngcount {
	unsigned min_n, max_n;
	size_t budget;        /* bytes */
	struct strtab units;  /* vals[id]: the unigram count */
	struct tuptab *tabs;  /* [max_n + 1]; tabs[n] for 2 <= n, min_n <= n */
	struct runlist *runs; /* [max_n + 1]: spilled runs of each length */
	size_t maxruns;       /* the most runs a length keeps open (runs_bound) */
	unsigned nspills;
	uint32_t *ids;        /* [idcap]: a line's unit ids */
	size_t idcap;
	uint64_t emitted;     /* the entries ngc_emit gave its fn */
};

/* Starts counting n-grams of min_n to max_n units in budget bytes. Returns 0, or -1 with e
 * filled ("out of memory"); ngc_free frees what c holds. */
int ngc_init(struct ngcount *c, unsigned min_n, unsigned max_n, size_t budget, struct error *e);
/* Frees what c holds (its runs on disk too). */
void ngc_free(struct ngcount *c);

/* Counts the n-grams of a line of units (interning them, reserving room first), given their
 * hashes h[i] = strtab_hash_bytes(v[i].p, v[i].n) (count/ngcfeed computes them on the reading
 * thread). Returns 0 or -1 with e filled. */
int ngc_add_hashed(struct ngcount *c, const struct span *v, const uint64_t *h, size_t n,
                   struct error *e);
/* Adds count to the n-gram whose units, joined by single spaces, are key[0..len). Returns 0 or
 * -1 with e filled. */
int ngc_add_key(struct ngcount *c, const char *key, size_t len, unsigned n, uint64_t count,
                struct error *e);

/* Emits the n-grams counted at least min_count times, the first top of them (0: all), in the
 * order above; frees what the counting held. fn stops the output with a positive return.
 * Returns 0, fn's positive return, or -1 with e filled. */
int ngc_emit(struct ngcount *c, uint64_t min_count, uint64_t top, ngc_emit_fn *fn, void *ctx,
             struct error *e);

/* Emits the n-grams of each length from min_n to max_n in turn, those of a length sorted by the
 * bytes of their keys, for a reader that builds a structure level by level (an n-gram model)
 * and holds about per_entry bytes for each entry. When nothing was spilled but the tables and
 * what the reader will hold together would pass the budget, the tables go to disk first; in
 * memory, the table of a length is freed once it is emitted. fn as ngc_emit's; returns 0, fn's
 * positive return, or -1 with e filled. */
int ngc_emit_bykey(struct ngcount *c, size_t per_entry, ngc_emit_fn *fn, void *ctx,
                   struct error *e);

#endif
