/* lookup.c: a word's row among the first rows of word vectors, exactly or by upper case. */
#include <stdlib.h>
#include <string.h>

#include "text/pystr.h"
#include "vec/lookup.h"

static int nomem(struct lookup *lk, struct error *e)
{
	lookup_free(lk);
	return error_bad(e, NULL, 0, "out of memory");
}

int lookup_init(struct lookup *lk, const struct vectors *v, size_t known, int fold,
                struct error *e)
{
	memset(lk, 0, sizeof(*lk));
	lk->v = v;
	lk->known = known < v->rows ? known : v->rows;
	lk->fold = fold;
	if (!(lk->key = malloc((lk->known ? lk->known : 1) * sizeof(*lk->key))))
		return nomem(lk, e);
	if (!fold) {
		for (size_t i = 0; i < lk->known; i++)
			lk->key[i] = (uint32_t)i;
		return 0;
	}
	if (strtab_init(&lk->keys, lk->known) < 0)
		return nomem(lk, e);
	for (size_t i = 0; i < lk->known; i++) {
		size_t len, before = lk->keys.n;
		const char *w = vec_word(v, i, &len);
		int64_t id;

		lk->tmp.len = 0;
		pystr_upper(&lk->tmp, w, len);
		if ((id = strtab_intern(&lk->keys, lk->tmp.p, lk->tmp.len)) < 0)
			return nomem(lk, e);
		if ((size_t)id == before) /* the first row of this word wins */
			lk->keys.vals[id] = i;
		lk->key[i] = (uint32_t)id;
	}
	return 0;
}

void lookup_free(struct lookup *lk)
{
	free(lk->key);
	if (lk->fold)
		strtab_free(&lk->keys);
	buf_free(&lk->tmp);
	memset(lk, 0, sizeof(*lk));
}

int64_t lookup_find(struct lookup *lk, const char *w, size_t n)
{
	int64_t id;

	if (!lk->fold) {
		id = vec_find(lk->v, w, n);
		return id >= 0 && (size_t)id < lk->known ? id : -1;
	}
	lk->tmp.len = 0;
	pystr_upper(&lk->tmp, w, n);
	id = strtab_find(&lk->keys, lk->tmp.p, lk->tmp.len);
	return id >= 0 ? (int64_t)lk->keys.vals[id] : -1;
}
