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

/* A line of the cache: a word and its written pieces side by side, found by the word's hash
 * alone (direct-mapped, as a processor's cache: a word pushes out the one of its line). */
#define BPE_CACHE_LINE 64
struct bpe_cache_line {
	uint8_t klen, plen;    /* 0, 0: empty */
	char bytes[BPE_CACHE_LINE - 2]; /* the word, then its pieces */
};

struct bpe_apply {
	const struct bpe *b;
	enum bpe_style style;
	const struct strtab *vocab; /* the written pieces counted threshold times or more, or NULL */
	struct strtab own_vocab;    /* what vocab points to when bpe_apply_vocab read it */
	int owns_vocab;
	struct bpe_cache_line *cache; /* [cache_mask + 1], or NULL: no cache */
	size_t cache_mask;
	struct bpe_word { size_t at, n; uint64_t h; } *line; /* [nline] a line's words and hashes */
	size_t nline, line_cap;
	struct bpe_seg seg;
	struct buf tmp;        /* a piece as written, for the vocabulary */
	struct bpe_split { uint32_t sym, a, b, flags; } *stack; /* pieces left to check */
	size_t nstack, stack_cap;
};

/* Sets a up to apply b (which must outlive it) in style st with a cache of at most cache_max
 * bytes (the greatest power of two of lines that fits; none below one line). A word and its
 * pieces longer than a line in all are never cached. Returns 0, or -1 with e filled when memory
 * runs out. */
int bpe_apply_init(struct bpe_apply *a, const struct bpe *b, enum bpe_style st,
                   size_t cache_max, struct error *e);
/* Reads the vocabulary path ("-": stdin): lines "PIECE<TAB>COUNT" (nlp-vocab) or "PIECE COUNT"
 * (subword-nmt's get_vocab.py); a piece counted threshold times or more is kept, and from then
 * on a piece whose written form is not kept is split back by the merges that made it, as
 * subword-nmt's --vocabulary and --vocabulary-threshold do. Returns 0, or -1 with e filled: the
 * file cannot be read, a line is malformed or not UTF-8, memory runs out. */
int bpe_apply_vocab(struct bpe_apply *a, const char *path, uint64_t threshold, struct error *e);
/* Uses from's vocabulary (from must outlive a): threads share one. */
static inline void bpe_apply_share_vocab(struct bpe_apply *a, const struct bpe_apply *from)
{
	a->vocab = from->vocab;
}
/* Appends the pieces of the line s[0..n) (valid UTF-8), without a newline: each word (a run of
 * non-blank bytes) as its marked pieces separated by spaces, the blanks between words copied. */
void bpe_apply_line(struct bpe_apply *a, const char *s, size_t n, struct buf *out);
/* Frees what a holds (not the merges). */
void bpe_apply_free(struct bpe_apply *a);

/* Appends the words of a line of pieces written in style st: the exact inverse of
 * bpe_apply_line; what it never writes passes unchanged (nlp-bpe(1) says how). */
void bpe_decode_line(enum bpe_style st, const char *s, size_t n, struct buf *out);

#endif
