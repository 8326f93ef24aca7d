/* lmbin.c: the binary form of an n-gram model (lm/lmbin.h): writing it from any model, and
 * reading it from memory that holds the whole file, every size checked against the file's and
 * every value and key checked before the model is used. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/bigmem.h"
#include "base/le.h"
#include "base/phase.h"
#include "base/spans.h"
#include "lm/lmbin.h"
#include "lm/model.h"
#include "text/utf8.h"
#include "vec/vectors.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#define LMBIN_SWAP 1 /* the tables are little-endian in the file: swapped on other machines */
#endif

static uint64_t align_up(uint64_t x)
{
	return (x + LMBIN_ALIGN - 1) & ~(uint64_t)(LMBIN_ALIGN - 1);
}

/* The offsets of the regions: off[1] the 1-grams, off[n] the table of order n (2 .. order),
 * off[order + 1] the end of the file. */
static void layout(uint64_t *off, unsigned order, uint64_t table_bytes, uint64_t words,
                   const uint64_t *slots)
{
	off[1] = align_up(LMBIN_HEADER + table_bytes);
	off[2] = off[1] + words * sizeof(struct lm_unigram);
	for (unsigned n = 2; n <= order; n++) {
		off[n] = align_up(off[n]);
		off[n + 1] = off[n] + slots[n] * sizeof(struct lm_entry);
	}
}

#ifdef LMBIN_SWAP
static uint32_t swap32(uint32_t x)
{
	return __builtin_bswap32(x);
}

static float swapf(float x)
{
	uint32_t u;

	memcpy(&u, &x, 4);
	u = swap32(u);
	memcpy(&x, &u, 4);
	return x;
}
#endif

/* ---- writing ---- */

static void put_zeros(struct writer *w, uint64_t n)
{
	static const char zeros[LMBIN_ALIGN];

	writer_write(w, zeros, (size_t)n);
}

int lm_model_write_binary(const struct lm_model *m, struct writer *w, struct error *e)
{
	unsigned char h[LMBIN_HEADER] = {0}, b[4];
	uint64_t table = 0, slots[LM_MAX_ORDER + 2] = {0}, off[LM_MAX_ORDER + 2], at;
	size_t words = m->vocab.n;

	for (size_t i = 0; i < words; i++) {
		size_t len;

		lm_model_string(m, (uint32_t)i, &len);
		table += 4 + len;
	}
	for (unsigned n = 2; n <= m->order; n++)
		slots[n] = m->tab[n].nslots;
	layout(off, m->order, table, words, slots);
	memcpy(h, LMBIN_MAGIC, LMBIN_MAGIC_LEN);
	le_put_u32(h + 8, LMBIN_VERSION);
	le_put_u32(h + 12, 0x01020304);
	le_put_u32(h + 16, LMBIN_HEADER);
	le_put_u32(h + 20, m->order);
	le_put_u32(h + 24, LMBIN_HASH);
	le_put_u32(h + 28, m->flags & LM_FLAG_UNK_ADDED);
	le_put_u64(h + 32, table);
	le_put_u64(h + 64, words);
	for (unsigned n = 2; n <= m->order; n++) {
		le_put_u64(h + 64 + 16 * (n - 1), m->tab[n].n);
		le_put_u64(h + 72 + 16 * (n - 1), m->tab[n].nslots);
	}
	writer_write(w, (const char *)h, sizeof(h));
	for (size_t i = 0; i < words; i++) {
		size_t len;
		const char *s = lm_model_string(m, (uint32_t)i, &len);

		le_put_u32(b, (uint32_t)len);
		writer_write(w, (const char *)b, 4);
		writer_write(w, s, len);
	}
	at = LMBIN_HEADER + table;
	put_zeros(w, off[1] - at);
	phase_begin("writing the model", off[m->order + 1], PHASE_BYTES);
#ifdef LMBIN_SWAP
	for (size_t i = 0; i < words; i++) {
		struct lm_unigram u = {swapf(m->uni[i].prob), swapf(m->uni[i].bow)};

		writer_write(w, (const char *)&u, sizeof(u));
	}
#else
	writer_write(w, (const char *)m->uni, words * sizeof(*m->uni));
#endif
	for (unsigned n = 2; n <= m->order; n++) {
		const struct lm_table *t = &m->tab[n];

		put_zeros(w, off[n] - off[n - 1] - (n == 2 ? words * sizeof(*m->uni)
		                                           : slots[n - 1] * sizeof(struct lm_entry)));
		phase_step(off[n]);
#ifdef LMBIN_SWAP
		for (uint64_t i = 0; i < t->nslots; i++) {
			struct lm_entry x = {__builtin_bswap64(t->slots[i].key), swapf(t->slots[i].prob),
			                     swapf(t->slots[i].bow)};

			writer_write(w, (const char *)&x, sizeof(x));
		}
#else
		writer_write(w, (const char *)t->slots, (size_t)t->nslots * sizeof(*t->slots));
#endif
	}
	if (w->err)
		return error_set(e, -1, w->err, NULL, 0, "write the model");
	return 0;
}

/* ---- reading ---- */

struct bin {
	const unsigned char *d;
	uint64_t size;
	const char *name;
	struct error *e;
};

static int fail(const struct bin *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Fills e with what is wrong with the file. Returns -1. */
static int fail(const struct bin *b, const char *fmt, ...)
{
	char why[ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return error_bad(b->e, b->name, 0, "%s", why);
}

static int check_header(const struct bin *b, unsigned *order, uint64_t *table, uint64_t *counts,
                        uint64_t *slots, uint64_t *off)
{
	const unsigned char *h = b->d;
	uint32_t version, bom, flags;
	uint64_t words;

	if (b->size < LMBIN_MAGIC_LEN || memcmp(h, LMBIN_MAGIC, LMBIN_MAGIC_LEN) != 0)
		return fail(b, "not a binary n-gram model (no " LMBIN_MAGIC " at its start)");
	if (b->size < LMBIN_HEADER)
		return fail(b, "truncated: %llu bytes, the header alone takes %d",
		            (unsigned long long)b->size, LMBIN_HEADER);
	version = le_get_u32(h + 8);
	bom = le_get_u32(h + 12);
	if (version != LMBIN_VERSION)
		return fail(b, "a binary model of version %u; this reader reads version %d", version,
		            LMBIN_VERSION);
	if (bom == 0x04030201)
		return fail(b, "a model written in big-endian byte order; this one is little-endian");
	if (bom != 0x01020304)
		return fail(b, "a bad byte-order mark (0x%08x)", bom);
	if (le_get_u32(h + 16) != LMBIN_HEADER)
		return fail(b, "a header of %u bytes; version %d's has %d", le_get_u32(h + 16),
		            LMBIN_VERSION, LMBIN_HEADER);
	*order = le_get_u32(h + 20);
	if (*order < 1 || *order > LM_MAX_ORDER)
		return fail(b, "order %u is not within 1..%d", *order, LM_MAX_ORDER);
	if (le_get_u32(h + 24) != LMBIN_HASH)
		return fail(b, "the key hash %u is not this reader's (%d)", le_get_u32(h + 24),
		            LMBIN_HASH);
	flags = le_get_u32(h + 28);
	if (flags & ~LM_FLAG_UNK_ADDED)
		return fail(b, "unknown flags 0x%x", flags);
	*table = le_get_u64(h + 32);
	for (unsigned i = 40; i < 64; i++)
		if (h[i])
			return fail(b, "the reserved bytes 40..63 of the header are not zero");
	for (unsigned i = 304; i < LMBIN_HEADER; i++)
		if (h[i])
			return fail(b, "the reserved bytes 304..319 of the header are not zero");
	words = counts[1] = le_get_u64(h + 64);
	if (words < 1 || words >= LM_MAX_WORDS)
		return fail(b, "%llu words: not within 1..%u", (unsigned long long)words,
		            LM_MAX_WORDS - 1);
	if (le_get_u64(h + 72) != 0)
		return fail(b, "the 1-grams have %llu slots; they have none",
		            (unsigned long long)le_get_u64(h + 72));
	for (unsigned n = 2; n <= LM_MAX_ORDER; n++) {
		uint64_t c = le_get_u64(h + 64 + 16 * (n - 1)), s = le_get_u64(h + 72 + 16 * (n - 1));

		if (n > *order) {
			if (c || s)
				return fail(b, "%llu %u-grams in %llu slots in a model of order %u",
				            (unsigned long long)c, n, (unsigned long long)s, *order);
			continue;
		}
		if (c > LM_MAX_NGRAMS || s <= c || s > LMBIN_MAX_SLOTS)
			return fail(b, "%llu %u-grams in %llu slots: the n-grams at most %llu, the slots "
			            "more than the n-grams and at most %llu", (unsigned long long)c, n,
			            (unsigned long long)s, (unsigned long long)LM_MAX_NGRAMS,
			            (unsigned long long)LMBIN_MAX_SLOTS);
		counts[n] = c;
		slots[n] = s;
	}
	/* the sizes against the file's before anything trusts them: the bounds above keep the
	 * sums far from overflowing */
	if (*table > b->size || *table < words * 5)
		return fail(b, "a word table of %llu bytes: %s", (unsigned long long)*table,
		            *table > b->size ? "more than the file" : "too small for its words");
	layout(off, *order, *table, words, slots);
	if (off[*order + 1] > b->size)
		return fail(b, "truncated: the header gives %llu bytes, the file has %llu",
		            (unsigned long long)off[*order + 1], (unsigned long long)b->size);
	if (off[*order + 1] < b->size)
		return fail(b, "%llu bytes after the model's end (byte %llu)",
		            (unsigned long long)(b->size - off[*order + 1]),
		            (unsigned long long)off[*order + 1]);
	return 0;
}

static int zeros(const struct bin *b, uint64_t from, uint64_t to)
{
	for (uint64_t i = from; i < to; i++)
		if (b->d[i])
			return fail(b, "the padding at byte %llu is not zero", (unsigned long long)i);
	return 0;
}

static int read_words(struct lm_model *m, const struct bin *b, uint64_t table, uint64_t words)
{
	const unsigned char *t = b->d + LMBIN_HEADER;
	uint64_t at = 0;
	char ex[48];

	if (strtab_init(&m->vocab, (size_t)words) < 0 ||
	    strtab_reserve(&m->vocab, 0, (size_t)table) < 0)
		return error_set(b->e, -1, ENOMEM, b->name, 0, "a vocabulary of %llu words",
		                 (unsigned long long)words);
	for (uint64_t i = 0; i < words; i++) {
		uint64_t len;
		const char *w;
		int64_t id;

		if (table - at < 4)
			return fail(b, "word %llu (byte %llu): the word table ends",
			            (unsigned long long)i + 1, (unsigned long long)(LMBIN_HEADER + at));
		len = le_get_u32(t + at);
		if (len < 1 || len > table - at - 4)
			return fail(b, "word %llu (byte %llu): a length of %llu bytes%s",
			            (unsigned long long)i + 1, (unsigned long long)(LMBIN_HEADER + at),
			            (unsigned long long)len, len ? ", past the word table" : "");
		w = (const char *)t + at + 4;
		for (uint64_t k = 0; k < len; k++)
			if (spans_is_blank((unsigned char)w[k]) || w[k] == '\n')
				return fail(b, "word %llu, '%s', has a blank", (unsigned long long)i + 1,
				            vec_excerpt(ex, sizeof(ex), w, (size_t)len));
		if (utf8_valid_prefix(w, (size_t)len) != len)
			return fail(b, "word %llu, '%s', is not valid UTF-8", (unsigned long long)i + 1,
			            vec_excerpt(ex, sizeof(ex), w, (size_t)len));
		id = strtab_intern(&m->vocab, w, (size_t)len);
		if (id < 0)
			return error_set(b->e, -1, ENOMEM, b->name, 0, "a vocabulary of %llu words",
			                 (unsigned long long)words);
		if ((uint64_t)id != i)
			return fail(b, "word %llu, '%s', again (first word %lld)", (unsigned long long)i + 1,
			            vec_excerpt(ex, sizeof(ex), w, (size_t)len), (long long)id + 1);
		at += 4 + len;
	}
	if (at != table)
		return fail(b, "%llu bytes of the word table after its %llu words",
		            (unsigned long long)(table - at), (unsigned long long)words);
	return 0;
}

/* What is wrong with a log10 probability and a back-off weight, or NULL. */
static const char *bad_values(float prob, float bow)
{
	if (isnan(prob) || prob > 0)
		return isnan(prob) ? "a log10 probability that is not a number"
		                   : "a log10 probability above 0";
	if (!isfinite(bow))
		return "a back-off weight that is not a finite number";
	return NULL;
}

static int check_table(const struct bin *b, const struct lm_table *t, unsigned n, uint64_t at)
{
	uint64_t found = 0;
	const char *why;

	for (uint64_t i = 0; i < t->nslots; i++) {
		const struct lm_entry *s = &t->slots[i];
		uint32_t pb, bb;

		if (s->key == 0) {
			memcpy(&pb, &s->prob, 4);
			memcpy(&bb, &s->bow, 4);
			if (pb || bb)
				return fail(b, "%u-gram slot %llu (byte %llu) is empty but has values", n,
				            (unsigned long long)i, (unsigned long long)(at + i * sizeof(*s)));
			continue;
		}
		if ((why = bad_values(s->prob, s->bow)))
			return fail(b, "%u-gram slot %llu (byte %llu) has %s", n, (unsigned long long)i,
			            (unsigned long long)(at + i * sizeof(*s)), why);
		if (lm_table_find(t, s->key) != s)
			return fail(b, "%u-gram slot %llu (byte %llu) holds a key that a lookup does not "
			            "reach, or that comes twice", n, (unsigned long long)i,
			            (unsigned long long)(at + i * sizeof(*s)));
		found++;
		if ((i & 0xfffff) == 0)
			phase_step(at + i * sizeof(*s));
	}
	if (found != t->n)
		return fail(b, "%llu %u-grams in the table, the header gives %llu",
		            (unsigned long long)found, n, (unsigned long long)t->n);
	return 0;
}

static int parse(struct lm_model *m, const struct bin *b)
{
	uint64_t table = 0, counts[LM_MAX_ORDER + 1] = {0}, slots[LM_MAX_ORDER + 2] = {0};
	uint64_t off[LM_MAX_ORDER + 2];
	unsigned order = 0;
	const char *why;
	int64_t id;

	if (check_header(b, &order, &table, counts, slots, off) < 0)
		return -1;
	m->order = order;
	m->flags = le_get_u32(b->d + 28) | LM_FLAG_BINARY;
	if (read_words(m, b, table, counts[1]) < 0 || zeros(b, LMBIN_HEADER + table, off[1]) < 0)
		return -1;
	m->uni = (struct lm_unigram *)(b->d + off[1]);
	m->ucap = (size_t)counts[1];
	m->declared[1] = counts[1];
#ifdef LMBIN_SWAP
	for (size_t i = 0; i < m->ucap; i++) {
		m->uni[i].prob = swapf(m->uni[i].prob);
		m->uni[i].bow = swapf(m->uni[i].bow);
	}
#endif
	for (size_t i = 0; i < m->ucap; i++)
		if ((why = bad_values(m->uni[i].prob, m->uni[i].bow))) {
			size_t len;
			char ex[48];
			const char *w = lm_model_string(m, (uint32_t)i, &len);

			return fail(b, "the 1-gram '%s' has %s", vec_excerpt(ex, sizeof(ex), w, len), why);
		}
	for (unsigned n = 2; n <= order; n++) {
		struct lm_table *t = &m->tab[n];

		if (zeros(b, off[n - 1] + (n == 2 ? counts[1] * sizeof(struct lm_unigram)
		                                  : slots[n - 1] * sizeof(struct lm_entry)),
		          off[n]) < 0)
			return -1;
		t->slots = (struct lm_entry *)(b->d + off[n]);
		t->nslots = slots[n];
		t->n = counts[n];
		m->declared[n] = counts[n];
#ifdef LMBIN_SWAP
		for (uint64_t i = 0; i < t->nslots; i++) {
			t->slots[i].key = __builtin_bswap64(t->slots[i].key);
			t->slots[i].prob = swapf(t->slots[i].prob);
			t->slots[i].bow = swapf(t->slots[i].bow);
		}
#endif
		if (check_table(b, t, n, off[n]) < 0)
			return -1;
	}
	if ((id = strtab_find(&m->vocab, "<s>", 3)) < 0)
		return fail(b, "no <s> among the words");
	m->bos = (uint32_t)id;
	if ((id = strtab_find(&m->vocab, "</s>", 4)) < 0)
		return fail(b, "no </s> among the words");
	m->eos = (uint32_t)id;
	if ((id = strtab_find(&m->vocab, "<unk>", 5)) < 0)
		return fail(b, "no <unk> among the words");
	m->unk = (uint32_t)id;
	return 0;
}

int lm_model_read_binary(struct lm_model **mp, void *data, size_t size, const char *name,
                         struct error *e)
{
	struct lm_model *m = calloc(1, sizeof(*m));
	struct bin b = {data, size, name, e};

	*mp = NULL;
	if (!m) {
		bigmem_free(data, size);
		return error_set(e, -1, ENOMEM, name, 0, "a model");
	}
	/* the model owns the block from here: lm_model_free frees it */
	m->block = data;
	m->block_size = size;
	phase_begin("checking the model", size, PHASE_BYTES);
	if (parse(m, &b) < 0) {
		lm_model_free(m);
		return -1;
	}
	*mp = m;
	return 0;
}
