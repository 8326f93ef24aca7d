/* data.c: the pairs of a sequence-to-sequence model, read a line at a time. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "nn/nnfile.h"
#include "s2s/data.h"

int s2s_data_init(struct s2s_data *d, enum s2s_units units, int pairs, int reverse,
                  const struct s2s_model *m, struct error *e)
{
	memset(d, 0, sizeof(*d));
	d->units = units;
	d->pairs = pairs;
	d->reverse = reverse;
	d->m = m;
	if (strtab_init(&d->src, 64) < 0 || strtab_init(&d->tgt, 64) < 0 ||
	    !(d->start = malloc(sizeof(uint64_t) * 64))) {
		s2s_data_free(d);
		return error_set(e, -1, ENOMEM, NULL, 0, "the pairs");
	}
	d->cap = 31;
	d->start[0] = 0;
	return 0;
}

void s2s_data_free(struct s2s_data *d)
{
	strtab_free(&d->src);
	strtab_free(&d->tgt);
	free(d->ids);
	free(d->start);
	spans_free(&d->sp);
	memset(d, 0, sizeof(*d));
}

void s2s_data_clear(struct s2s_data *d)
{
	d->n = 0;
	d->nids = 0;
	d->skipped = 0;
}

static int grow_ids(struct s2s_data *d, size_t more)
{
	if (d->nids + more > d->idcap) {
		size_t cap = d->idcap ? d->idcap : 1024;
		uint32_t *p;

		while (cap < d->nids + more)
			cap *= 2;
		if (!(p = realloc(d->ids, cap * sizeof(uint32_t))))
			return -1;
		d->ids = p;
		d->idcap = cap;
	}
	return 0;
}

/* The units of s [n] into d->ids as one side (tgt: the target), reversed when rev. */
static int side(struct s2s_data *d, const char *s, size_t n, int tgt, int rev, const char *name,
                uint64_t lineno, struct error *e)
{
	struct spans *sp = &d->sp;
	struct strtab *own = tgt ? &d->tgt : &d->src;
	const struct strtab *look = d->m ? (tgt ? &d->m->tgt : &d->m->src) : NULL;
	char kb[16];

	s2s_split(s, n, d->units, sp);
	if (sp->n > S2S_MAX_LEN)
		return error_bad(e, name, lineno, "a %s of %zu units: at most %d", tgt ? "target" :
		                 "source", sp->n, S2S_MAX_LEN);
	if (grow_ids(d, sp->n) < 0)
		return error_set(e, -1, ENOMEM, NULL, 0, "the pairs");
	for (size_t i = 0; i < sp->n; i++) {
		const struct span *u = &sp->v[rev ? sp->n - 1 - i : i];
		size_t len;
		const char *k = s2s_unit_key(u->p, u->n, d->units, kb, &len);
		int64_t id;

		if (d->units == S2S_TOKENS && (len > NNFILE_WORD_MAX || memchr(k, '\0', len)))
			return error_bad(e, name, lineno, "a token of %zu bytes%s", len,
			                 len > NNFILE_WORD_MAX ? ": at most 1024" : " with a NUL byte");
		if (look) {
			id = strtab_find(look, k, len);
			id = id < 0 ? S2S_UNK : id;
		} else {
			if ((id = strtab_intern(own, k, len)) < 0)
				return error_set(e, -1, ENOMEM, NULL, 0, "the units' table");
			own->vals[id]++;
		}
		d->ids[d->nids++] = (uint32_t)id;
	}
	return 0;
}

int s2s_data_add(struct s2s_data *d, const char *s, size_t n, const char *name, uint64_t lineno,
                 struct error *e)
{
	const char *tab = memchr(s, '\t', n);
	size_t sn = tab ? (size_t)(tab - s) : n, mark = d->nids;

	if (d->pairs && !tab)
		return error_bad(e, name, lineno, "no tab between a source and its target");
	if (d->pairs && sn == 0) {
		if (d->need_source)
			return error_bad(e, name, lineno, "an empty source");
		d->skipped++;
		return 0;
	}
	if (d->n + 1 > d->cap) {
		size_t cap = 2 * d->cap + 1;
		uint64_t *p = realloc(d->start, (2 * cap + 1) * sizeof(uint64_t));

		if (!p)
			return error_set(e, -1, ENOMEM, NULL, 0, "the pairs");
		d->start = p;
		d->cap = cap;
	}
	if (side(d, s, sn, 0, d->reverse, name, lineno, e) < 0)
		goto undo;
	d->start[2 * d->n + 1] = d->nids;
	if (d->pairs && side(d, tab + 1, n - sn - 1, 1, 0, name, lineno, e) < 0)
		goto undo;
	d->start[2 * d->n + 2] = d->nids;
	d->n++;
	return 0;
undo:
	d->nids = mark;
	return -1;
}

size_t s2s_data_batch(const struct s2s_data *d, const uint32_t *idx, size_t B, uint32_t *src,
                      uint32_t *in, uint32_t *out)
{
	size_t T = 0;

	for (size_t b = 0; b < B; b++) {
		size_t S, tl;
		const uint32_t *x = s2s_src(d, idx[b], &S);

		for (size_t s = 0; s < S; s++)
			src[s * B + b] = x[s];
		s2s_tgt(d, idx[b], &tl);
		T = tl + 1 > T ? tl + 1 : T;
	}
	if (!in || !out)
		return 0;
	for (size_t b = 0; b < B; b++) {
		size_t tl;
		const uint32_t *y = s2s_tgt(d, idx[b], &tl);

		for (size_t t = 0; t < T; t++) {
			in[t * B + b] = t == 0 ? S2S_BOS : t - 1 < tl ? y[t - 1] : S2S_EOS;
			out[t * B + b] = t < tl ? y[t] : t == tl ? S2S_EOS : S2S_PAD;
		}
	}
	return T;
}

/* Appends the units of own to t in the order of a vocabulary, into map [own->n] their ids. */
static int add_sorted(struct strtab *t, const struct strtab *own, uint32_t *map)
{
	uint32_t *ord = malloc((own->n ? own->n : 1) * sizeof(uint32_t));

	if (!ord)
		return -1;
	for (size_t i = 0; i < own->n; i++)
		ord[i] = (uint32_t)i;
	qsort_r(ord, own->n, sizeof(uint32_t), strtab_cmp_count_ids, (void *)own);
	for (size_t i = 0; i < own->n; i++) {
		size_t len;
		const char *k = strtab_key(own, ord[i], &len);
		int64_t id = strtab_intern(t, k, len);

		if (id < 0) {
			free(ord);
			return -1;
		}
		t->vals[id] += own->vals[ord[i]];
		map[ord[i]] = (uint32_t)id;
	}
	free(ord);
	return 0;
}

int s2s_data_tables(struct s2s_data *d, struct strtab *src, struct strtab *tgt,
                    struct error *e)
{
	uint32_t *smap = malloc((d->src.n + 1) * sizeof(uint32_t));
	uint32_t *tmap = malloc((d->tgt.n + 1) * sizeof(uint32_t));
	static const char *const spec[3] = {"<unk>", "<s>", "</s>"};
	int ok = smap && tmap && strtab_init(src, d->src.n + 1) == 0;

	if (ok && strtab_init(tgt, d->tgt.n + 3) < 0) {
		strtab_free(src);
		ok = 0;
	}
	if (ok) {
		ok = strtab_intern(src, spec[0], 5) == 0;
		for (int i = 0; i < 3 && ok; i++)
			ok = strtab_intern(tgt, spec[i], strlen(spec[i])) == i;
		ok = ok && add_sorted(src, &d->src, smap) == 0 && add_sorted(tgt, &d->tgt, tmap) == 0;
		if (!ok) {
			strtab_free(src);
			strtab_free(tgt);
		}
	}
	if (ok)
		for (size_t i = 0; i < d->n; i++) {
			for (uint64_t k = d->start[2 * i]; k < d->start[2 * i + 1]; k++)
				d->ids[k] = smap[d->ids[k]];
			for (uint64_t k = d->start[2 * i + 1]; k < d->start[2 * i + 2]; k++)
				d->ids[k] = tmap[d->ids[k]];
		}
	free(smap);
	free(tmap);
	return ok ? 0 : error_set(e, -1, ENOMEM, NULL, 0, "the units' tables");
}
