/* u64map.c: hash table of 64-bit keys, linear probing, doubled when half full. */
#include <stdlib.h>

#include "base/u64map.h"

static struct u64map_slot *slots_new(size_t n)
{
	struct u64map_slot *s = malloc(n * sizeof(*s));

	if (s)
		for (size_t i = 0; i < n; i++)
			s[i].val = U64MAP_NONE;
	return s;
}

int u64map_init(struct u64map *m, size_t expected)
{
	size_t n = 16;

	while (n < expected * 2)
		n *= 2;
	m->n = 0;
	m->mask = n - 1;
	m->slots = slots_new(n);
	return m->slots ? 0 : -1;
}

void u64map_free(struct u64map *m)
{
	free(m->slots);
	m->slots = NULL;
	m->mask = m->n = 0;
}

/* Doubles the table, re-placing every key. */
static int grow(struct u64map *m)
{
	size_t n = (m->mask + 1) * 2;
	struct u64map_slot *s = slots_new(n);

	if (!s)
		return -1;
	for (size_t i = 0; i <= m->mask; i++) {
		size_t j;

		if (m->slots[i].val == U64MAP_NONE)
			continue;
		for (j = u64map_hash(m->slots[i].key) & (n - 1); s[j].val != U64MAP_NONE;
		     j = (j + 1) & (n - 1))
			;
		s[j] = m->slots[i];
	}
	free(m->slots);
	m->slots = s;
	m->mask = n - 1;
	return 0;
}

/* The slot of key: where it is, or the empty slot where it goes. */
static struct u64map_slot *find(struct u64map *m, uint64_t key)
{
	for (size_t i = u64map_hash(key) & m->mask;; i = (i + 1) & m->mask)
		if (m->slots[i].val == U64MAP_NONE || m->slots[i].key == key)
			return &m->slots[i];
}

uint32_t u64map_get_or_put(struct u64map *m, uint64_t key, uint32_t val)
{
	struct u64map_slot *s = find(m, key);

	if (s->val != U64MAP_NONE)
		return s->val;
	if ((m->n + 1) * 2 > m->mask + 1) {
		if (grow(m) < 0)
			return U64MAP_NONE;
		s = find(m, key);
	}
	s->key = key;
	s->val = val;
	m->n++;
	return val;
}

int u64map_put(struct u64map *m, uint64_t key, uint32_t val)
{
	struct u64map_slot *s = find(m, key);

	if (s->val != U64MAP_NONE) {
		s->val = val;
		return 0;
	}
	if ((m->n + 1) * 2 > m->mask + 1) {
		if (grow(m) < 0)
			return -1;
		s = find(m, key);
	}
	s->key = key;
	s->val = val;
	m->n++;
	return 0;
}
