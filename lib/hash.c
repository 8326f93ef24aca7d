/* hash.c: string table with open addressing (linear probing) and a byte arena. */
#include <stdlib.h>
#include <string.h>

#include "hash.h"

uint64_t hash_bytes(const char *s, size_t n)
{
	/* FNV-1a over 8-byte words, finished with a 64-bit mixer (splitmix64's) */
	uint64_t h = 0xcbf29ce484222325ull ^ n;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;

		memcpy(&w, s + i, 8);
		h = (h ^ w) * 0x100000001b3ull;
		h ^= h >> 29;
	}
	for (; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	h ^= h >> 31;
	return h;
}

int strtab_init(struct strtab *t, size_t expected)
{
	memset(t, 0, sizeof(*t));
	t->nslots = 64;
	while (t->nslots < expected * 2)
		t->nslots *= 2;
	t->cap = t->nslots / 2;
	t->arena_cap = 4096;
	t->slots = calloc(t->nslots, sizeof(*t->slots));
	t->hashes = malloc(t->cap * sizeof(*t->hashes));
	t->offs = malloc((t->cap + 1) * sizeof(*t->offs));
	t->vals = malloc(t->cap * sizeof(*t->vals));
	t->arena = malloc(t->arena_cap);
	if (!t->slots || !t->hashes || !t->offs || !t->vals || !t->arena) {
		strtab_free(t);
		return -1;
	}
	t->offs[0] = 0;
	return 0;
}

void strtab_free(struct strtab *t)
{
	free(t->slots);
	free(t->hashes);
	free(t->offs);
	free(t->vals);
	free(t->arena);
	memset(t, 0, sizeof(*t));
}

static size_t probe(const struct strtab *t, uint64_t h, const char *s, size_t n)
{
	size_t mask = t->nslots - 1, i = (size_t)h & mask;

	for (;;) {
		uint32_t v = t->slots[i];

		if (v == 0)
			return i;
		if (t->hashes[v - 1] == h && t->offs[v] - t->offs[v - 1] == n &&
		    memcmp(t->arena + t->offs[v - 1], s, n) == 0)
			return i;
		i = (i + 1) & mask;
	}
}

int64_t strtab_find(const struct strtab *t, const char *s, size_t n)
{
	uint32_t v = t->slots[probe(t, hash_bytes(s, n), s, n)];

	return v ? (int64_t)v - 1 : -1;
}

static size_t table_bytes(size_t nslots, size_t arena_cap)
{
	size_t cap = nslots / 2;

	return nslots * sizeof(uint32_t) + cap * (2 * sizeof(uint64_t) + sizeof(size_t)) + arena_cap;
}

size_t strtab_bytes(const struct strtab *t)
{
	return table_bytes(t->nslots, t->arena_cap);
}

/* The slot count and arena capacity that room for more keys and bytes needs. */
static void needed(const struct strtab *t, size_t more_keys, size_t more_bytes, size_t *nslots,
                   size_t *arena_cap)
{
	*nslots = t->nslots;
	while (*nslots / 2 < t->n + more_keys)
		*nslots *= 2;
	*arena_cap = t->arena_cap;
	while (*arena_cap - t->arena_len < more_bytes)
		*arena_cap *= 2;
}

size_t strtab_bytes_after(const struct strtab *t, size_t more_keys, size_t more_bytes)
{
	size_t ns, ac;

	needed(t, more_keys, more_bytes, &ns, &ac);
	return table_bytes(ns, ac);
}

static int grow_arena(struct strtab *t, size_t ac)
{
	char *a;

	if (ac == t->arena_cap)
		return 0;
	if (!(a = realloc(t->arena, ac)))
		return -1;
	t->arena = a;
	t->arena_cap = ac;
	return 0;
}

static int grow(struct strtab *t);

int strtab_reserve(struct strtab *t, size_t more_keys, size_t more_bytes)
{
	size_t ns, ac;

	needed(t, more_keys, more_bytes, &ns, &ac);
	if (t->n + more_keys >= UINT32_MAX)
		return -1;
	while (t->nslots < ns)
		if (grow(t) < 0)
			return -1;
	return grow_arena(t, ac);
}

void strtab_clear(struct strtab *t)
{
	memset(t->slots, 0, t->nslots * sizeof(*t->slots));
	t->n = 0;
	t->arena_len = 0;
}

static int grow(struct strtab *t)
{
	size_t ns = t->nslots * 2, mask = ns - 1, cap = ns / 2;
	uint32_t *slots = calloc(ns, sizeof(*slots));
	uint64_t *hashes = realloc(t->hashes, cap * sizeof(*hashes));
	size_t *offs;
	uint64_t *vals;

	if (!slots || !hashes) {
		free(slots);
		if (hashes)
			t->hashes = hashes;
		return -1;
	}
	t->hashes = hashes;
	offs = realloc(t->offs, (cap + 1) * sizeof(*offs));
	if (!offs) {
		free(slots);
		return -1;
	}
	t->offs = offs;
	vals = realloc(t->vals, cap * sizeof(*vals));
	if (!vals) {
		free(slots);
		return -1;
	}
	t->vals = vals;
	for (size_t id = 0; id < t->n; id++) {
		size_t i = (size_t)t->hashes[id] & mask;

		while (slots[i])
			i = (i + 1) & mask;
		slots[i] = (uint32_t)id + 1;
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = ns;
	t->cap = cap;
	return 0;
}

int64_t strtab_intern(struct strtab *t, const char *s, size_t n)
{
	uint64_t h = hash_bytes(s, n);
	size_t i = probe(t, h, s, n);

	if (t->slots[i])
		return (int64_t)t->slots[i] - 1;
	if (t->n + 1 > t->cap || t->n + 1 >= UINT32_MAX) {
		if (t->n + 1 >= UINT32_MAX || grow(t) < 0)
			return -2;
		i = probe(t, h, s, n);
	}
	if (t->arena_cap - t->arena_len < n) {
		size_t ac = t->arena_cap * 2;

		while (ac - t->arena_len < n)
			ac *= 2;
		if (grow_arena(t, ac) < 0)
			return -2;
	}
	memcpy(t->arena + t->arena_len, s, n);
	t->arena_len += n;
	t->hashes[t->n] = h;
	t->vals[t->n] = 0;
	t->offs[t->n + 1] = t->arena_len;
	t->slots[i] = (uint32_t)(t->n + 1);
	return (int64_t)t->n++;
}
