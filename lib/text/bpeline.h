/* bpeline.h: lines of words to subword pieces and back: the two ways of marking pieces
 * (subword-nmt's "@@ " after every piece but a word's last, SentencePiece's "▁" before its
 * first), the escapes that make decoding exact on every input, subword-nmt's vocabulary filter,
 * and a cache of whole words. */
#ifndef NLP_BPELINE_H
#define NLP_BPELINE_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/strtab.h"
#include "text/bpe.h"

enum bpe_style {
	BPE_SUBWORD_NMT,  /* "piece@@ piece@@ piece"; a word ending in @@ and \s gets one \ more */
	BPE_SENTENCEPIECE /* "▁piece piece piece"; a later piece starting with \s and ▁ gets a \ */
};

/* The styles' names, indexed by enum bpe_style and NULL-terminated (for opt_choice). */
extern const char *const bpe_style_names[];

#define BPE_CACHE_WORD_MAX 256 /* bytes of the longest word the cache keeps */

struct bpe_apply {
	const struct bpe *b;
	enum bpe_style style;
	struct strtab vocab;   /* with use_vocab: the written pieces counted threshold times or more */
	int use_vocab;
	struct strtab cache;   /* words; vals[id] = offset << 16 | length of its pieces in cache_out */
	struct buf cache_out;  /* the cached words' written pieces */
	size_t cache_max;      /* bytes the cache may hold; 0: no cache */
	uint64_t words, hits, flushes; /* words segmented, found in the cache; times it was emptied */
	struct bpe_seg seg;
	struct buf tmp;        /* a piece as written, for the vocabulary */
	struct bpe_split { uint32_t sym, a, b, flags; } *stack; /* pieces left to check */
	size_t nstack, stack_cap;
};

/* Sets a up to apply b (which must outlive it) in style st with a cache of cache_max bytes
 * (0: none). Returns 0, or -1 with e filled when memory runs out. */
int bpe_apply_init(struct bpe_apply *a, const struct bpe *b, enum bpe_style st,
                   size_t cache_max, struct error *e);
/* Reads the vocabulary path ("-": stdin): lines "PIECE<TAB>COUNT" (nlp-vocab) or "PIECE COUNT"
 * (subword-nmt's get_vocab.py); a piece counted threshold times or more is kept, and from then
 * on a piece whose written form is not kept is split back by the merges that made it, as
 * subword-nmt's --vocabulary and --vocabulary-threshold do. Returns 0, or -1 with e filled: the
 * file cannot be read, a line is malformed or not UTF-8, memory runs out. */
int bpe_apply_vocab(struct bpe_apply *a, const char *path, uint64_t threshold, struct error *e);
/* Appends the pieces of the line s[0..n) (valid UTF-8), without a newline: each word (a run of
 * non-blank bytes) as its marked pieces separated by spaces, the blanks between words copied. */
void bpe_apply_line(struct bpe_apply *a, const char *s, size_t n, struct buf *out);
/* Frees what a holds (not the merges). */
void bpe_apply_free(struct bpe_apply *a);

/* Appends the words of a line of pieces written in style st: the exact inverse of
 * bpe_apply_line; what it never writes passes unchanged (nlp-bpe(1) says how). */
void bpe_decode_line(enum bpe_style st, const char *s, size_t n, struct buf *out);

#endif
