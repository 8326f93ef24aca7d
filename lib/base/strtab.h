/* strtab.h: a table of byte strings with dense ids (0, 1, 2 ... in insertion order), open
 * addressing, keys stored in one arena. A slot holds a tag of the hash and the place of the key's
 * record, so a lookup touches the slot and the record only. Vocabulary and n-gram counting
 * build on it. */
#ifndef NLP_STRTAB_H
#define NLP_STRTAB_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "base/mix.h"

struct strtab {
	uint64_t *slots;   /* [nslots] hash tag << 32 | (record offset / 8 + 1), 0 for empty */
	size_t nslots;     /* a power of two */
	uint64_t *hashes;  /* [cap] hash of each id's key */
	size_t *offs;      /* [cap] offset of id's record in the arena */
	uint64_t *vals;    /* [cap] a count or other value per id */
	size_t n, cap;
	char *arena;       /* records of u32 id, u32 length, key bytes, padded to 8 bytes */
	size_t arena_len, arena_cap;
};

/* The first size (at most 8) bytes of s as an integer, in the machine's byte order. */
static inline uint64_t strtab_hash_word(const char *s, size_t size)
{
	uint64_t w = 0;

	memcpy(&w, s, size);
	return w;
}

/* A 64-bit hash of s[0..n). Short keys (most words) are read as one or two overlapping loads,
 * longer ones as 8-byte words, the last overlapping the one before; splitmix64's finalizer mixes
 * the result. */
static inline uint64_t strtab_hash_bytes(const char *s, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull * (n + 1), w;

	if (n > 8) {
		for (size_t i = 0; i + 8 < n; i += 8) {
			h = (h ^ strtab_hash_word(s + i, 8)) * 0xff51afd7ed558ccdull;
			h ^= h >> 32;
		}
		w = strtab_hash_word(s + n - 8, 8);
	} else if (n >= 4) {
		w = strtab_hash_word(s, 4) | strtab_hash_word(s + n - 4, 4) << 32;
	} else if (n > 0) {
		const unsigned char *u = (const unsigned char *)s;

		w = (uint64_t)u[0] | (uint64_t)u[n / 2] << 8 | (uint64_t)u[n - 1] << 16;
	} else {
		w = 0;
	}
	return mix64(h ^ w);
}

/* Returns 0, or -1 when memory runs out; every function below that can allocate does the same. */
int strtab_init(struct strtab *t, size_t expected);
/* Frees what the table holds (t itself is the caller's). */
void strtab_free(struct strtab *t);
/* Id of the key, or -1 when absent. */
int64_t strtab_find(const struct strtab *t, const char *s, size_t n);
/* Id of the key, inserting it (value 0) when absent; -2 when memory runs out. */
int64_t strtab_intern(struct strtab *t, const char *s, size_t n);
/* The same with the key's strtab_hash_bytes() already computed. */
int64_t strtab_intern_hashed(struct strtab *t, const char *s, size_t n, uint64_t h);

/* Asks the cache for the slot where a key of hash h is looked up first. */
static inline void strtab_prefetch(const struct strtab *t, uint64_t h)
{
	__builtin_prefetch(t->slots + (h & (t->nslots - 1)));
}

/* qsort_r's comparison of two uint32_t ids of the table ctx by the bytes of their keys (a
 * key that is a prefix of another comes first). */
int strtab_cmp_ids(const void *pa, const void *pb, void *ctx);
/* The same by the ids' values (vals: counts) descending first, then by their bytes: the order of
 * a vocabulary. */
int strtab_cmp_count_ids(const void *pa, const void *pb, void *ctx);

/* Bytes the table holds in memory (its capacities, not only what is used). */
size_t strtab_bytes(const struct strtab *t);
/* Bytes the table would hold after room is made for more keys and key bytes. */
size_t strtab_bytes_after(const struct strtab *t, size_t more_keys, size_t more_bytes);
/* Makes room for more keys and key bytes, so that interning them does not allocate. */
int strtab_reserve(struct strtab *t, size_t more_keys, size_t more_bytes);
/* Forgets every key, keeping the memory. */
void strtab_clear(struct strtab *t);

/* The key of id, in the table's arena: valid until the next call that may allocate
 * (strtab_intern*, strtab_reserve) or strtab_free. *len receives its length. */
static inline const char *strtab_key(const struct strtab *t, size_t id, size_t *len)
{
	const char *rec = t->arena + t->offs[id];
	uint32_t n;

	memcpy(&n, rec + 4, 4);
	*len = n;
	return rec + 8;
}

#endif
