/* bpelearn.h: learning byte-pair-encoding merges from word counts by Sennrich et al.'s algorithm
 * as subword-nmt's learn_bpe.py runs it (without its pruning of the pair counts, which the
 * result does not depend on): symbols are a word's extended grapheme clusters, the last with
 * BPE_EOW; each step merges the pair of the highest count, counts weighted by the words' counts;
 * of equal counts the greatest pair (left symbol, then right, as byte strings) wins, as Python's
 * max(stats, key=lambda p: (stats[p], p)) picks it. */
#ifndef NLP_BPELEARN_H
#define NLP_BPELEARN_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/strtab.h"

struct bpe_learn_opts {
	uint64_t merges;        /* at most this many merges */
	uint64_t vocab_size;    /* when not 0: merges = vocab_size - the initial symbols instead */
	uint64_t min_frequency; /* stop when the best pair is counted fewer times (at least 1) */
};

/* Called with each merge in order (0 from rank 0); a non-zero return stops the learning and is
 * returned. */
typedef int bpe_merge_fn(void *ctx, uint64_t rank, const char *l, size_t ln, const char *r,
                         size_t rn);

struct bpe_learn_stats {
	uint64_t symbols;   /* distinct initial symbols (graphemes, with and without BPE_EOW) */
	uint64_t target;    /* the merges asked for (after vocab_size) */
	uint64_t merges;    /* the merges made */
	uint64_t stop_count; /* the best pair's count when it stopped below min_frequency, else 0 */
	size_t bytes;       /* memory the learning held at its peak (tables, not the words) */
};

/* Counts the words (runs of non-blank bytes) of the valid UTF-8 line s[0..n) into words (vals:
 * counts). Returns 0, or -1 when memory runs out. */
int bpe_count_line(struct strtab *words, const char *s, size_t n);

/* Learns merges from words (vals[id]: the word's count; words of count 0 are left out; a word
 * must not be empty nor hold a blank) and calls fn with each. Returns 0, fn's non-zero return, or
 * -1 with e filled when memory runs out. stats is filled in every case. */
int bpe_learn(const struct strtab *words, const struct bpe_learn_opts *o, bpe_merge_fn *fn,
              void *ctx, struct bpe_learn_stats *stats, struct error *e);

#endif
