/* estimate.h: estimating an n-gram language model from the counts of its n-grams, and writing it
 * as ARPA.
 *
 * The counts arrive length by length, each length sorted by key (count/ngc: ngc_emit_bykey), and
 * are kept as a trie in context order: level n holds the n-grams, each with its word, its count
 * and, below the top, the range of its children in level n+1; word ids follow the bytes of the
 * words. Estimation then walks the levels: the counts a smoothing method uses (for Kneser-Ney,
 * the number of distinct words before a lower-order n-gram), the count-of-counts and discounts of
 * each order, and for each context the probabilities of its children and its back-off weight.
 * Memory: about 20 bytes an n-gram below the top order, 12 at the top, plus 12 for the level
 * being built. nlp-lm(1) states each method's formulas, which are those of the code below.
 *
 * Functions that can fail return 0, or -1 with the caller's struct error filled. */
#ifndef NLP_LM_ESTIMATE_H
#define NLP_LM_ESTIMATE_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/io.h"
#include "base/strtab.h"
#include "lm/model.h"

#define LM_BYTES_PER_NGRAM 32 /* what the trie holds per n-gram while a level is built, with room to grow */

enum lm_method { LM_MKN, LM_KN, LM_ABS, LM_WB, LM_KATZ, LM_ADDK };

struct lm_opts {
	unsigned order;        /* 1 .. LM_MAX_ORDER */
	enum lm_method method;
	int backoff;           /* back-off form (katz and addk have no other) */
	double k;              /* addk's k */
	int fallback;          /* undefined discounts: use the fallback ones rather than fail */
	uint64_t prune[LM_MAX_ORDER + 1]; /* [n]: n-grams of order n counted at most this are left out */
	size_t budget;         /* bytes the model may hold (0: no limit) */
	int binary;            /* the model will be built for querying too (lmest_model) */
};

struct lm_level {
	size_t n, cap;     /* entries; room */
	uint32_t *word;    /* [n] the n-gram's last word */
	uint32_t *count;   /* [n] its count in the corpus */
	uint32_t *child;   /* [n + 1] below the top: its first child in the next level */
	float *prob;       /* [n] p(w | h) */
	float *bow;        /* [n] below the top: its back-off weight as a context (1: none) */
	uint32_t *parent;  /* [n] while the level is built: its context in the level below */
};

/* What the estimation found for each order, for the program's report. */
struct lm_order_stats {
	uint64_t t[7];     /* t[k]: count-of-counts of the counts the method uses, k = 1..6 */
	double d[6];       /* the discounts used: d[1..3] (mkn), d[1] (kn, abs); Katz's d(1..5) */
	int fell_back;     /* the discounts were undefined and the fallback ones were used */
	unsigned undiscounted; /* Katz: bit a set when d(a) fell outside (0, 1] and became 1 */
	uint64_t kept;     /* n-grams written (after pruning) */
};

struct lm_est {
	struct lm_opts o;
	struct strtab vocab;           /* the words; ids follow their bytes once level 1 is done */
	struct strtab pending;         /* level 1 while it arrives: words in arrival order */
	uint32_t bos, eos, unk;
	unsigned built;                /* levels complete (1 .. built) */
	unsigned cur;                  /* the level arriving */
	int unsorted;                  /* the level arriving came out of (parent, word) order */
	struct lm_level lv[LM_MAX_ORDER + 1]; /* lv[1 .. order] */
	char *ctx;                     /* the key of the last context looked up */
	size_t ctxlen, ctxcap;
	size_t ctxend[LM_MAX_ORDER];   /* where each of its words ends in it */
	size_t ctxnodes[LM_MAX_ORDER]; /* the node of its first k + 1 words */
	unsigned ctxwords;
	int havectx;
	struct lm_order_stats st[LM_MAX_ORDER + 1];
};

/* Starts an estimate with options o. Returns 0, or -1 with e filled ("out of memory"). */
int lmest_init(struct lm_est *m, const struct lm_opts *o, struct error *e);
/* Frees what m holds. */
void lmest_free(struct lm_est *m);

/* Bytes the estimation of what was added will hold at its peak: the trie with its
 * probabilities and back-off weights, the suffixes of two levels, the counts pruning keeps and,
 * for the binary form, the query model built beside the trie. */
size_t lmest_need(const struct lm_est *m);

/* Adds the n-gram whose n words, joined by single spaces, are key[0..len), counted count times.
 * Lengths come in increasing order, each sorted by key (n-grams longer than the order are left
 * out); an n-gram's context and each of its words must have come before it. Returns 0, or -1
 * with e filled: "counts: 'KEY' comes without its context", "counts: the count of 'KEY' passes
 * 4294967295", "the model needs more than the memory budget ...", "out of memory". */
int lmest_add(struct lm_est *m, const char *key, size_t len, unsigned n, uint64_t count,
              struct error *e);
/* Adds a word of the vocabulary that may never have been counted (count 0), before the first
 * n-gram of two words. Returns 0, or -1 with e filled. */
int lmest_add_word(struct lm_est *m, const char *w, size_t len, struct error *e);

/* Estimates the model from what was added. Returns 0, or -1 with e filled: "N-gram discounts are
 * undefined: ...; --discount-fallback uses ...", "counts: no n-grams of N words ...", "the
 * model needs about N MiB,
 * more than the memory budget", "out of memory". */
int lmest_estimate(struct lm_est *m, struct error *e);

/* Writes the model as ARPA to w (whose failure its on_error hook sees). */
void lmest_write_arpa(const struct lm_est *m, struct writer *w);

/* The model estimated, for querying or the binary form (lm/model.h): its n-grams after
 * pruning, with the values the ARPA text would have before rounding. Returns 0 with *out set,
 * or -1 with e filled. */
int lmest_model(const struct lm_est *m, struct lm_model **out, struct error *e);

/* The method's name as the options spell it: "mkn", "kn", ... */
const char *lm_method_name(enum lm_method method);

#endif
