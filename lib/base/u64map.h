/* u64map.h: a hash table from 64-bit keys to 32-bit values, open addressing with linear probing.
 * The byte-pair encoder's tables (a pair of symbol ids as one key) build on it. */
#ifndef NLP_U64MAP_H
#define NLP_U64MAP_H

#include <stddef.h>
#include <stdint.h>

#include "base/mix.h"

#define U64MAP_NONE UINT32_MAX /* the value of an absent key; never stored */

struct u64map_slot {
	uint64_t key;
	uint32_t val; /* U64MAP_NONE: the slot is empty */
};

struct u64map {
	struct u64map_slot *slots; /* [mask + 1], a power of two */
	size_t mask, n;
};

/* The slot of a key, whatever pattern its bits have. */
static inline uint64_t u64map_hash(uint64_t x)
{
	return mix64(x);
}

/* Returns 0, or -1 when memory runs out (as u64map_put). */
int u64map_init(struct u64map *m, size_t expected);
/* Frees what the table holds (m itself is the caller's). */
void u64map_free(struct u64map *m);

/* The value of key, or U64MAP_NONE. */
static inline uint32_t u64map_get(const struct u64map *m, uint64_t key)
{
	for (size_t i = u64map_hash(key) & m->mask;; i = (i + 1) & m->mask) {
		const struct u64map_slot *s = &m->slots[i];

		if (s->val == U64MAP_NONE || s->key == key)
			return s->val;
	}
}

/* Sets key's value (val is not U64MAP_NONE), growing the table when it is half full. Returns 0,
 * or -1 when memory runs out (the table is unchanged). */
int u64map_put(struct u64map *m, uint64_t key, uint32_t val);
/* The value of key, inserting val first when the key is absent; U64MAP_NONE when memory runs
 * out. */
uint32_t u64map_get_or_put(struct u64map *m, uint64_t key, uint32_t val);

/* Bytes the table holds. */
static inline size_t u64map_bytes(const struct u64map *m)
{
	return (m->mask + 1) * sizeof(*m->slots);
}

#endif
