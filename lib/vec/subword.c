/* subword.c: the character n-grams of words, their hashes and the vocabulary's table of input
 * rows. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vec/subword.h"

#define FNV_BASIS 2166136261u
#define FNV_PRIME 16777619u

/* One FNV-1a step on byte c taken as a signed char, as fastText does. */
static inline uint32_t fnv_step(uint32_t h, unsigned char c)
{
	return (h ^ (uint32_t)(int32_t)(int8_t)c) * FNV_PRIME;
}

uint32_t subword_hash(const char *s, size_t n)
{
	uint32_t h = FNV_BASIS;

	for (size_t i = 0; i < n; i++)
		h = fnv_step(h, (unsigned char)s[i]);
	return h;
}

/* Byte k of "<w>", whose length is n + 2. */
static inline unsigned char wrapped(const char *w, size_t n, size_t k)
{
	return k == 0 ? '<' : k == n + 1 ? '>' : (unsigned char)w[k - 1];
}

static inline int continues(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

size_t subword_each(const char *w, size_t n, unsigned minn, unsigned maxn, subword_fn *fn,
                    void *ctx)
{
	size_t len = n + 2, count = 0;

	for (size_t i = 0; i < len; i++) {
		uint32_t h = FNV_BASIS;
		size_t j = i;

		if (continues(wrapped(w, n, i)))
			continue;
		/* the n-gram [i, j) grows by one character a turn, its hash with it */
		for (unsigned c = 1; j < len && c <= maxn; c++) {
			h = fnv_step(h, wrapped(w, n, j++));
			while (j < len && continues(wrapped(w, n, j)))
				h = fnv_step(h, wrapped(w, n, j++));
			if (c >= minn && !(c == 1 && (i == 0 || j == len))) {
				if (fn)
					fn(ctx, i, j, h);
				count++;
			}
		}
	}
	return count;
}

struct rows_ctx {
	uint32_t *out;
	size_t cap, n;
	uint32_t buckets, base;
};

static void put_row(void *ctx, size_t from, size_t to, uint32_t hash)
{
	struct rows_ctx *c = ctx;

	(void)from, (void)to;
	if (c->n < c->cap)
		c->out[c->n] = c->base + hash % c->buckets;
	c->n++;
}

size_t subword_rows(uint32_t *out, size_t cap, const char *w, size_t n, unsigned minn,
                    unsigned maxn, uint32_t buckets, uint32_t base)
{
	struct rows_ctx c = {out, cap, 0, buckets, base};

	if (cap == 0)
		return subword_each(w, n, minn, maxn, NULL, NULL);
	subword_each(w, n, minn, maxn, put_row, &c);
	return c.n;
}

int subword_table_build(struct subword_table *t, const struct strtab *tab, unsigned minn,
                        unsigned maxn, uint32_t buckets, struct error *e)
{
	size_t words = tab->n;
	uint64_t total = 0;

	memset(t, 0, sizeof(*t));
	t->words = words;
	if (!(t->off = malloc((words + 1) * sizeof(*t->off))))
		goto nomem;
	/* first the lengths, then the lists in one allocation */
	for (size_t i = 0; i < words; i++) {
		size_t len, k;
		const char *w = strtab_key(tab, i, &len);

		t->off[i] = total;
		k = 1 + subword_each(w, len, minn, maxn, NULL, NULL);
		total += k;
		if (k > t->longest)
			t->longest = k;
	}
	t->off[words] = total;
	if (total > SIZE_MAX / sizeof(*t->rows) || !(t->rows = malloc(total * sizeof(*t->rows))))
		goto nomem;
	for (size_t i = 0; i < words; i++) {
		size_t len, k = (size_t)(t->off[i + 1] - t->off[i]);
		const char *w = strtab_key(tab, i, &len);
		uint32_t *r = t->rows + t->off[i];

		r[0] = (uint32_t)i;
		subword_rows(r + 1, k - 1, w, len, minn, maxn, buckets, (uint32_t)words);
	}
	return 0;
nomem:
	subword_table_free(t);
	return error_set(e, -1, ENOMEM, NULL, 0, "the subwords of %zu words", words);
}

void subword_table_free(struct subword_table *t)
{
	free(t->off);
	free(t->rows);
	memset(t, 0, sizeof(*t));
}
