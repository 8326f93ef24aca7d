/* model.h: an n-gram language model in back-off form (ARPA's), loaded for querying: the
 * vocabulary in a string table (base/strtab.h), the 1-grams in an array indexed by word id, and
 * for each order n >= 2 an open-addressing hash table of n-grams. As in KenLM's probing model,
 * a table stores no words, only a 64-bit hash of the n-gram's ids (its key), with its log10
 * probability and log10 back-off weight as floats: 16 bytes a slot, 1.5 slots an n-gram. Two
 * different n-grams of one order with the same key cannot be told apart; a reader takes the
 * second for a duplicate and rejects the model. For n n-grams the chance that any two collide is
 * about n^2 / 2^65: 1.5e-8 for the 740,000 5-grams of a PTB model, 3e-6 for 10 million.
 *
 * A model comes from an ARPA file (lm/arpa.c, nlp-arpa(5)), from the binary form that
 * lm_model_write_binary writes (lm/lmbin.c: the same tables written raw, so that loading is one
 * read plus checks), or is built entry by entry (lm_model_new ... lm_model_finish, as the ARPA
 * reader does). lm_model_load tells the two files apart by their first bytes.
 *
 * Query semantics (standard back-off, exactly): log10 p(w | h) is the probability of the
 * longest n-gram h' w of the model, h' a suffix of h (the 1-gram w at least), plus the back-off
 * weights of each suffix of h longer than h' that is itself an n-gram of the model (a missing
 * one weighs 0). No closure is assumed: an n-gram whose context or shorter suffix is missing
 * (as pruning can leave them) is still found. A word outside the vocabulary is <unk>. */
#ifndef NLP_LM_MODEL_H
#define NLP_LM_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/io.h"
#include "base/strtab.h"

#define LM_MAX_ORDER 15        /* the highest order a model may have */
#define LM_MAX_WORDS 0x7fffffffu /* the most words a vocabulary may hold */
#define LM_MAX_NGRAMS ((uint64_t)1 << 36) /* the most n-grams of one order */
#define LM_UNK_MISSING_LOGP (-100.0f) /* <unk>'s log10 p when the file has none (KenLM's) */

/* lm_model_flags() */
#define LM_FLAG_UNK_ADDED 1u /* the file had no <unk>: it was added with LM_UNK_MISSING_LOGP */
#define LM_FLAG_BINARY 2u    /* the model was read from the binary form */

/* A slot of an order's table. */
struct lm_entry {
	uint64_t key; /* lm_key() of the n-gram; 0: an empty slot */
	float prob;   /* log10 p, <= 0 (or -inf: a zero probability) */
	float bow;    /* log10 back-off weight, finite; 0 when the file gives none */
};

/* A 1-gram, indexed by word id. */
struct lm_unigram {
	float prob, bow;
};

/* The hash tables of one order. */
struct lm_table {
	struct lm_entry *slots; /* [nslots] */
	uint64_t nslots;        /* > n: at least one slot is empty, so every probe ends */
	uint64_t n;             /* n-grams held */
};

struct lm_model {
	unsigned order;                /* 1 .. LM_MAX_ORDER */
	unsigned flags;                /* LM_FLAG_* */
	uint32_t unk, bos, eos;        /* the ids of <unk>, <s> and </s> */
	uint64_t declared[LM_MAX_ORDER + 1]; /* [n]: the n-grams the builder was told of */
	struct strtab vocab;           /* words -> ids 0 .. V-1, in the 1-grams' order */
	struct lm_unigram *uni;        /* [ucap] the 1-grams; the first vocab.n are used */
	size_t ucap;
	struct lm_table tab[LM_MAX_ORDER + 1]; /* [2 .. order] */
	/* where the memory comes from: the builder's own blocks, or one block the binary was read
	 * into (uni and the tables point into it) */
	void *block;
	size_t block_size;
};

/* ---- loading, writing, freeing ---- */

/* Reads the model at path ("-": the standard input), ARPA or binary by its first bytes. Returns
 * 0 with *m set, or -1 with e filled (naming path, and for an ARPA file the line): the message
 * says what is wrong. lm_model_free frees *m. */
int lm_model_load(struct lm_model **m, const char *path, struct error *e);
/* The same from an open descriptor, from where it stands (not closed); name is what messages
 * call it (kept, not copied). Anything but a regular file (a pipe) is first copied to a
 * temporary file (base/io.h's tmpfile_open), so that every size is checked against the file's. */
int lm_model_read(struct lm_model **m, int fd, const char *name, struct error *e);
/* The ARPA reader itself (lm/arpa.c), on the regular file fd from where it stands; size is what
 * is left of the file in bytes: it bounds the counts \data\ may declare. */
int lm_model_read_arpa(struct lm_model **m, int fd, const char *name, uint64_t size,
                       struct error *e);
/* The binary reader on the whole file data[0..size) (lm/lmbin.c). The model takes data over,
 * which must come from bigmem_alloc(size) (base/bigmem.h): it is freed with the model, or at
 * once on failure. */
int lm_model_read_binary(struct lm_model **m, void *data, size_t size, const char *name,
                         struct error *e);
/* Writes the binary form (nlp-arpa(5)) to w. Returns 0, or -1 with e filled (w's error). */
int lm_model_write_binary(const struct lm_model *m, struct writer *w, struct error *e);
void lm_model_free(struct lm_model *m);

/* ---- building (what the ARPA reader does; nlp-lm can build a binary model the same way) ---- */

/* A model of the given order, with room for counts[n] n-grams of each order n in 1 .. order
 * (counts[0] is not used; counts[1] is the vocabulary's size: one more is kept for an <unk>
 * that lm_model_finish may add). Returns 0, or -1 with e filled (bad order or counts; memory).
 */
int lm_model_new(struct lm_model **m, unsigned order, const uint64_t *counts, struct error *e);
/* Adds the word s[0..n) as the next 1-gram. Returns its id, or -1 when the word is already
 * there, -2 when there is no room left (more than counts[1]), -3 when memory runs out. */
int64_t lm_model_add_word(struct lm_model *m, const char *s, size_t n, float prob, float bow);
/* Adds the n-gram ids[0..n) (oldest word first, 2 <= n <= order). Returns 0, or -1 when it is
 * already there (or another n-gram has its key), -2 when its order is full. */
int lm_model_add(struct lm_model *m, const uint32_t *ids, unsigned n, float prob, float bow);
/* The same for an n-gram whose key is already computed (lm_key). */
int lm_model_add_key(struct lm_model *m, unsigned n, uint64_t key, float prob, float bow);
/* Ends the building: finds <s>, </s> and <unk> (<unk> is added with LM_UNK_MISSING_LOGP when
 * missing; a missing <s> or </s> is an error). Returns 0, or -1 with e filled (e->name and
 * e->line left for the caller). */
int lm_model_finish(struct lm_model *m, struct error *e);

/* ---- the model ---- */

static inline unsigned lm_model_order(const struct lm_model *m)
{
	return m->order;
}

/* The words of the vocabulary, <s>, </s> and <unk> included: ids 0 .. size-1. */
static inline size_t lm_model_vocab_size(const struct lm_model *m)
{
	return m->vocab.n;
}

/* The n-grams of order n (1 .. order): for n = 1 the vocabulary's size. */
uint64_t lm_model_count(const struct lm_model *m, unsigned n);

static inline unsigned lm_model_flags(const struct lm_model *m)
{
	return m->flags;
}

/* The word of id (< lm_model_vocab_size), in the model's memory; *len gets its length. */
static inline const char *lm_model_string(const struct lm_model *m, uint32_t id, size_t *len)
{
	return strtab_key(&m->vocab, id, len);
}

/* The id of the word s[0..n), or -1 when it is not in the vocabulary. */
static inline int64_t lm_model_find(const struct lm_model *m, const char *s, size_t n)
{
	return strtab_find(&m->vocab, s, n);
}

static inline uint32_t lm_model_unk(const struct lm_model *m)
{
	return m->unk;
}

static inline uint32_t lm_model_bos(const struct lm_model *m)
{
	return m->bos;
}

static inline uint32_t lm_model_eos(const struct lm_model *m)
{
	return m->eos;
}

/* log10 p(w | ctx[0..nctx)), ctx oldest word first (only its last order-1 words matter); every
 * id < lm_model_vocab_size. *matched (when not NULL) gets the length of the n-gram whose
 * probability was used (1 .. order). */
float lm_model_logp(const struct lm_model *m, const uint32_t *ctx, size_t nctx, uint32_t w,
                    unsigned *matched);

/* Fills src with m's queries for the perplexity scorer (lm/score.h): its words, <unk> and </s>,
 * its order, and each sentence's log10 probabilities from lm_model_logp, after <s> when asked
 * (the context of a word is <s> and the words before it, as SRILM and KenLM score a line). m is
 * not changed, and must outlive src. */
struct lm_source;
void lm_model_source(struct lm_source *src, struct lm_model *m);

/* The stored values of the n-gram ids[0..n) (oldest first, 1 <= n <= order): returns 1 and
 * fills *prob and *bow when the model has it, 0 when not. */
int lm_model_get(const struct lm_model *m, const uint32_t *ids, unsigned n, float *prob,
                 float *bow);

/* ---- the keys ---- */

/* A key is built from the newest word back to the oldest, so that the keys of w, (c1 w),
 * (c2 c1 w) ... follow each other one step apart, as a query needs them: lm_key_start(w_n),
 * then lm_key_step(h, w_{n-1}) ... lm_key_step(h, w_1), then lm_key_final(h). Each word enters
 * through splitmix64's finalizer, so that two n-grams collide only by chance (about 2^-64 a
 * pair), not through a difference of ids that some difference of prefixes happens to equal. */
static inline uint64_t lm_mix(uint64_t x)
{
	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x;
}

static inline uint64_t lm_key_start(uint32_t w)
{
	return lm_mix((uint64_t)w + 0x9e3779b97f4a7c15ull);
}

static inline uint64_t lm_key_step(uint64_t h, uint32_t w)
{
	return (h ^ (h >> 32)) * 0xd6e8feb86659fd93ull + lm_mix((uint64_t)w + 0x9e3779b97f4a7c15ull);
}

/* The key of the n-gram whose fold is h; never 0 (0 marks an empty slot, so 0 becomes 1). */
static inline uint64_t lm_key_final(uint64_t h)
{
	h = lm_mix(h);
	return h ? h : 1;
}

/* The key of ids[0..n), oldest first. */
static inline uint64_t lm_key(const uint32_t *ids, unsigned n)
{
	uint64_t h = lm_key_start(ids[n - 1]);

	for (unsigned i = n - 1; i-- > 0;)
		h = lm_key_step(h, ids[i]);
	return lm_key_final(h);
}

/* The home slot of key in a table of nslots slots (Lemire's multiply-shift). */
static inline uint64_t lm_slot_home(uint64_t key, uint64_t nslots)
{
	return (uint64_t)(((unsigned __int128)key * nslots) >> 64);
}

/* The slots a table of n n-grams has: 1.5 per n-gram (KenLM's default), at least one empty. */
static inline uint64_t lm_slots_for(uint64_t n)
{
	return n + n / 2 + 1;
}

/* The entry of key in t, or NULL. */
static inline const struct lm_entry *lm_table_find(const struct lm_table *t, uint64_t key)
{
	uint64_t i = lm_slot_home(key, t->nslots);

	for (;;) {
		const struct lm_entry *s = &t->slots[i];

		if (s->key == key)
			return s;
		if (s->key == 0)
			return NULL;
		if (++i == t->nslots)
			i = 0;
	}
}

static inline void lm_table_prefetch(const struct lm_table *t, uint64_t key)
{
	__builtin_prefetch(&t->slots[lm_slot_home(key, t->nslots)]);
}

#endif
