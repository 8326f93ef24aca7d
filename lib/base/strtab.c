/* strtab.c: string table with open addressing (linear probing) and a byte arena. */
#include <stdlib.h>
#include <string.h>

#include "base/strtab.h"

#define REC_HEAD 8 /* u32 id, u32 length */

static inline size_t rec_size(size_t n)
{
	return (REC_HEAD + n + 7) & ~(size_t)7;
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
	t->offs = malloc(t->cap * sizeof(*t->offs));
	t->vals = malloc(t->cap * sizeof(*t->vals));
	t->arena = malloc(t->arena_cap);
	if (!t->slots || !t->hashes || !t->offs || !t->vals || !t->arena) {
		strtab_free(t);
		return -1;
	}
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

/* Equality of short keys without a call to memcmp. */
static inline int key_eq(const char *a, const char *b, size_t n)
{
	uint64_t x, y;

	if (n < 8) {
		for (size_t i = 0; i < n; i++)
			if (a[i] != b[i])
				return 0;
		return 1;
	}
	for (size_t i = 0; i + 8 < n; i += 8) {
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y)
			return 0;
	}
	memcpy(&x, a + n - 8, 8);
	memcpy(&y, b + n - 8, 8);
	return x == y;
}

#define TAG_MASK 0xffffffff00000000ull

/* The slot of the key: where it is, or the empty slot where it would go. */
static size_t probe(const struct strtab *t, uint64_t h, const char *s, size_t n)
{
	size_t mask = t->nslots - 1, i = (size_t)h & mask;
	uint64_t tag = h & TAG_MASK;

	for (;;) {
		uint64_t v = t->slots[i];

		if (v == 0)
			return i;
		if ((v & TAG_MASK) == tag) {
			const char *rec = t->arena + ((v & 0xffffffffu) - 1) * 8;
			uint32_t len;

			memcpy(&len, rec + 4, 4);
			if (len == n && key_eq(rec + REC_HEAD, s, n))
				return i;
		}
		i = (i + 1) & mask;
	}
}

static inline uint32_t slot_id(const struct strtab *t, uint64_t v)
{
	uint32_t id;

	memcpy(&id, t->arena + ((v & 0xffffffffu) - 1) * 8, 4);
	return id;
}

int64_t strtab_find(const struct strtab *t, const char *s, size_t n)
{
	uint64_t v = t->slots[probe(t, strtab_hash_bytes(s, n), s, n)];

	return v ? (int64_t)slot_id(t, v) : -1;
}

static size_t table_bytes(size_t nslots, size_t arena_cap)
{
	size_t cap = nslots / 2;

	return nslots * sizeof(uint64_t) + cap * (2 * sizeof(uint64_t) + sizeof(size_t)) + arena_cap;
}

size_t strtab_bytes(const struct strtab *t)
{
	return table_bytes(t->nslots, t->arena_cap);
}

/* The slot count and arena capacity that room for more keys and bytes needs. */
static void needed(const struct strtab *t, size_t more_keys, size_t more_bytes, size_t *nslots,
                   size_t *arena_cap)
{
	size_t room = more_bytes + more_keys * (REC_HEAD + 7);

	*nslots = t->nslots;
	while (*nslots / 2 < t->n + more_keys)
		*nslots *= 2;
	*arena_cap = t->arena_cap;
	while (*arena_cap - t->arena_len < room)
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

	if (ac <= t->arena_cap)
		return 0;
	if (ac / 8 > (size_t)UINT32_MAX - 1 || !(a = realloc(t->arena, ac)))
		return -1;
	t->arena = a;
	t->arena_cap = ac;
	return 0;
}

/* Doubles the slots and the per-id arrays. */
static int grow(struct strtab *t)
{
	size_t ns = t->nslots * 2, mask = ns - 1, cap = ns / 2;
	uint64_t *slots = calloc(ns, sizeof(*slots)), *p;
	size_t *offs;

	if (!slots)
		return -1;
	if (!(p = realloc(t->hashes, cap * sizeof(*p))))
		goto fail;
	t->hashes = p;
	if (!(p = realloc(t->vals, cap * sizeof(*p))))
		goto fail;
	t->vals = p;
	if (!(offs = realloc(t->offs, cap * sizeof(*offs))))
		goto fail;
	t->offs = offs;
	for (size_t id = 0; id < t->n; id++) {
		size_t i = (size_t)t->hashes[id] & mask;

		while (slots[i])
			i = (i + 1) & mask;
		slots[i] = (t->hashes[id] & TAG_MASK) | (t->offs[id] / 8 + 1);
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = ns;
	t->cap = cap;
	return 0;
fail:
	free(slots);
	return -1;
}

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

int64_t strtab_intern(struct strtab *t, const char *s, size_t n)
{
	return strtab_intern_hashed(t, s, n, strtab_hash_bytes(s, n));
}

int64_t strtab_intern_hashed(struct strtab *t, const char *s, size_t n, uint64_t h)
{
	size_t i = probe(t, h, s, n), need = rec_size(n);
	uint32_t id32, len32;

	if (t->slots[i])
		return (int64_t)slot_id(t, t->slots[i]);
	if (n > UINT32_MAX || t->n + 1 >= UINT32_MAX)
		return -2;
	if (t->n + 1 > t->cap) {
		if (grow(t) < 0)
			return -2;
		i = probe(t, h, s, n);
	}
	if (t->arena_cap - t->arena_len < need) {
		size_t ac = t->arena_cap * 2;

		while (ac - t->arena_len < need)
			ac *= 2;
		if (grow_arena(t, ac) < 0)
			return -2;
	}
	id32 = (uint32_t)t->n;
	len32 = (uint32_t)n;
	memcpy(t->arena + t->arena_len, &id32, 4);
	memcpy(t->arena + t->arena_len + 4, &len32, 4);
	memcpy(t->arena + t->arena_len + REC_HEAD, s, n);
	t->hashes[t->n] = h;
	t->vals[t->n] = 0;
	t->offs[t->n] = t->arena_len;
	t->slots[i] = (h & TAG_MASK) | (t->arena_len / 8 + 1);
	t->arena_len += need;
	return (int64_t)t->n++;
}

int strtab_cmp_ids(const void *pa, const void *pb, void *ctx)
{
	const struct strtab *t = ctx;
	size_t la, lb;
	const char *a = strtab_key(t, *(const uint32_t *)pa, &la);
	const char *b = strtab_key(t, *(const uint32_t *)pb, &lb);
	int r = memcmp(a, b, la < lb ? la : lb);

	if (r || la == lb)
		return r;
	return la < lb ? -1 : 1;
}

int strtab_cmp_count_ids(const void *pa, const void *pb, void *ctx)
{
	const struct strtab *t = ctx;
	uint64_t a = t->vals[*(const uint32_t *)pa], b = t->vals[*(const uint32_t *)pb];

	if (a != b)
		return a > b ? -1 : 1;
	return strtab_cmp_ids(pa, pb, ctx);
}
