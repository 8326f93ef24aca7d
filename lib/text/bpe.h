/* bpe.h: byte-pair-encoding merges as subword-nmt writes them (its codes file, version 0.2;
 * nlp-bpe(5)): the symbols, each merge's rank and result, the file's reader, and a word's
 * segmentation into pieces by the merges, as subword-nmt's apply_bpe.py segments it. */
#ifndef NLP_BPE_H
#define NLP_BPE_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/strtab.h"
#include "base/u64map.h"

#define BPE_HEADER "#version: 0.2" /* the merges file's first line */
#define BPE_EOW "</w>"            /* the end-of-word mark, part of a word's last symbol */
#define BPE_EOW_LEN 4
#define BPE_NONE UINT32_MAX       /* no symbol (a grapheme the merges never name), no rank */

/* The merges, ranked by their order in the file. */
struct bpe {
	struct strtab syms;    /* every symbol the merges name or make; a symbol's id is its strtab id */
	struct u64map pairs;   /* left id << 32 | right id → the first rank that merges them */
	uint32_t *left, *right, *result; /* [n] each rank's symbols */
	uint32_t *made_by;     /* [syms.n] the first rank whose result is the symbol, or BPE_NONE */
	size_t n, cap, made_cap;
	/* the symbols of one code point, looked up without hashing their bytes: [1] with BPE_EOW */
	uint32_t ascii[2][128];
	struct u64map chars;   /* code point | 1 << 32 with BPE_EOW → the symbol; beyond ASCII */
};

/* Returns 0, or -1 with e filled when memory runs out. */
int bpe_init(struct bpe *b, struct error *e);
/* Frees what b holds. */
void bpe_free(struct bpe *b);

/* Adds the merge of the symbols l[0..ln) and r[0..rn) as the next rank; a pair already ranked
 * keeps its first rank (the line counts, the merge does not). Returns 0, or -1 with e filled when
 * memory runs out or there are 2^32 - 1 symbols or merges. */
int bpe_add(struct bpe *b, const char *l, size_t ln, const char *r, size_t rn, struct error *e);
/* Adds the merge of line `line` (from 1, the header included) of a merges file: "LEFT RIGHT",
 * two non-empty symbols of valid UTF-8 without blanks, one space between them; a CR at its end is
 * dropped. Returns 0, or -1 with e filled (naming `name` and the line) for anything else. */
int bpe_add_line(struct bpe *b, const char *s, size_t n, const char *name, uint64_t line,
                 struct error *e);
/* Whether s[0..n) (a CR at its end dropped) is the header line BPE_HEADER. */
int bpe_is_header(const char *s, size_t n);
/* Reads the merges file path ("-": stdin) into b (bpe_init first). Returns 0, or -1 with e
 * filled: the file cannot be read, it is empty or its first line is not the header, or a line is
 * malformed (bpe_add_line). */
int bpe_load(struct bpe *b, const char *path, struct error *e);

/* The symbol s[0..n) names, or BPE_NONE. */
static inline uint32_t bpe_sym(const struct bpe *b, const char *s, size_t n)
{
	int64_t id = strtab_find(&b->syms, s, n);

	return id < 0 ? BPE_NONE : (uint32_t)id;
}

/* The rank that merges symbols l and r, or BPE_NONE. */
static inline uint32_t bpe_rank(const struct bpe *b, uint32_t l, uint32_t r)
{
	if (l == BPE_NONE || r == BPE_NONE)
		return BPE_NONE;
	return u64map_get(&b->pairs, (uint64_t)l << 32 | r);
}

/* A word's pieces, and the room segmenting it takes; {0} is empty. */
struct bpe_seg {
	size_t n;          /* pieces */
	uint32_t *start;   /* [n + 1] piece i is word[start[i]..start[i + 1]) */
	uint32_t *sym;     /* [n] its symbol (the last one's with BPE_EOW), or BPE_NONE */
	uint32_t *next, *prev; /* [graphemes] the pieces as a list while merging */
	uint64_t *heap;    /* [3 graphemes] rank << 32 | grapheme: adjacent pairs, least first */
	uint64_t *later;   /* [2 graphemes] pairs made by one rank's merges, pushed after them */
	size_t cap;
	struct buf last;   /* the last grapheme with BPE_EOW */
};

/* Segments the word w[0..len) (valid UTF-8, at least one byte, less than 4 GiB: see
 * bpe_seg_fits) into seg's pieces: its extended grapheme clusters, the last one with BPE_EOW,
 * then again and again the adjacent pair of the least rank merged at every place it occurs, left
 * to right, until no adjacent pair has a rank (subword-nmt's encode). Returns seg->n. */
size_t bpe_segment(const struct bpe *b, const char *w, size_t len, struct bpe_seg *seg);
/* Whether bpe_segment takes a word of len bytes (offsets are 32-bit). */
static inline int bpe_seg_fits(size_t len)
{
	return len < UINT32_MAX;
}
/* Frees what seg holds. */
void bpe_seg_free(struct bpe_seg *seg);

/* The extended grapheme cluster that starts at w[i] ends at the result (w has len bytes). */
size_t bpe_grapheme_end(const char *w, size_t len, size_t i);

#endif
