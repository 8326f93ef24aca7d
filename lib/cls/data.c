/* data.c: reading labelled text. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cls/data.h"

int cls_data_init(struct cls_data *d, struct error *e)
{
	memset(d, 0, sizeof(*d));
	d->start = malloc(sizeof(*d->start));
	if (!d->start || strtab_init(&d->labels, 16) < 0 || strtab_init(&d->words, 1024) < 0) {
		cls_data_free(d);
		return error_set(e, -1, ENOMEM, NULL, 0, "labelled text");
	}
	d->start[0] = 0;
	return 0;
}

void cls_data_free(struct cls_data *d)
{
	strtab_free(&d->labels);
	strtab_free(&d->words);
	free(d->label);
	free(d->start);
	free(d->ids);
	free(d->line);
	free(d->name);
	spans_free(&d->sp);
	memset(d, 0, sizeof(*d));
}

int cls_split(const char *s, size_t n, const char **label, size_t *label_len, const char **text,
              size_t *text_len, const char *name, uint64_t lineno, struct error *e)
{
	const char *tab = memchr(s, '\t', n);
	size_t i;

	if (!tab)
		return error_bad(e, name, lineno, "no tab between the label and the text");
	*label = s;
	*label_len = (size_t)(tab - s);
	*text = tab + 1;
	*text_len = n - *label_len - 1;
	if (*label_len == 0)
		return error_bad(e, name, lineno, "an empty label");
	if (*label_len > CLS_WORD_MAX)
		return error_bad(e, name, lineno, "a label of %zu bytes (at most %d)", *label_len,
		                 CLS_WORD_MAX);
	for (i = 0; i < *label_len; i++)
		if (spans_is_blank((unsigned char)s[i]) || s[i] == '\0')
			return error_bad(e, name, lineno, "a blank or NUL in the label");
	for (i = 0; i < *text_len; i++)
		if (!spans_is_blank((unsigned char)(*text)[i]))
			return 0;
	return error_bad(e, name, lineno, "an empty text (no token after the tab)");
}

/* Room for one more example and k more ids. */
static int grow(struct cls_data *d, size_t k)
{
	if (d->n + 1 > d->cap) {
		size_t c = d->cap ? 2 * d->cap : 1024;
		uint32_t *l = realloc(d->label, c * sizeof(*l));
		uint64_t *st, *ln;
		const char **nm;

		if (!l)
			return -1;
		d->label = l;
		if (!(st = realloc(d->start, (c + 1) * sizeof(*st))))
			return -1;
		d->start = st;
		if (!(ln = realloc(d->line, c * sizeof(*ln))))
			return -1;
		d->line = ln;
		if (!(nm = realloc(d->name, c * sizeof(*nm))))
			return -1;
		d->name = nm;
		d->cap = c;
	}
	if (d->nids + k > d->idcap) {
		size_t c = d->idcap ? 2 * d->idcap : 16384;
		uint32_t *p;

		while (c < d->nids + k)
			c *= 2;
		if (!(p = realloc(d->ids, c * sizeof(*p))))
			return -1;
		d->ids = p;
		d->idcap = c;
	}
	return 0;
}

int cls_data_add(struct cls_data *d, const char *s, size_t n, const char *name, uint64_t lineno,
                 struct error *e)
{
	const char *label, *text;
	size_t ll, tl;
	int64_t id;

	if (cls_split(s, n, &label, &ll, &text, &tl, name, lineno, e) < 0)
		return -1;
	spans_split_blank(text, tl, &d->sp);
	for (size_t i = 0; i < d->sp.n; i++) {
		if (d->sp.v[i].n > CLS_WORD_MAX)
			return error_bad(e, name, lineno, "a word of %zu bytes (at most %d)",
			                 d->sp.v[i].n, CLS_WORD_MAX);
		/* the model's word table holds no NUL (nlp-classify-model(5)) */
		if (memchr(d->sp.v[i].p, '\0', d->sp.v[i].n))
			return error_bad(e, name, lineno, "a NUL byte in the text");
	}
	if (grow(d, d->sp.n) < 0)
		goto nomem;
	for (size_t i = 0; i < d->sp.n; i++) {
		if ((id = strtab_intern(&d->words, d->sp.v[i].p, d->sp.v[i].n)) < 0)
			goto nomem;
		d->words.vals[id]++;
		d->ids[d->nids++] = (uint32_t)id;
	}
	if ((id = strtab_intern(&d->labels, label, ll)) < 0)
		goto nomem;
	d->labels.vals[id]++;
	d->label[d->n] = (uint32_t)id;
	d->line[d->n] = lineno;
	d->name[d->n] = name;
	d->start[++d->n] = d->nids;
	return 0;
nomem:
	return error_set(e, -1, ENOMEM, name, lineno, "labelled text");
}

int cls_data_check(const struct cls_data *d, struct error *e)
{
	if (d->n == 0)
		return error_bad(e, NULL, 0, "no labelled text");
	if (d->labels.n < 2)
		return error_bad(e, d->name[0], 0, "a single class: a classifier needs at least 2");
	for (size_t i = 0; i < d->n; i++) {
		size_t len;
		const char *l = strtab_key(&d->labels, d->label[i], &len);

		if (d->labels.vals[d->label[i]] == 1)
			return error_bad(e, d->name[i], d->line[i], "label '%.*s' is seen once: a class "
			                 "needs at least 2 examples", (int)(len > 64 ? 64 : len), l);
	}
	return 0;
}

int cls_table_build(struct strtab *out, const struct strtab *counts, uint64_t min_count,
                    const char *special, uint64_t special_count, struct error *e)
{
	uint32_t *order = malloc((counts->n ? counts->n : 1) * sizeof(*order));
	size_t k = 0;
	int64_t id;

	memset(out, 0, sizeof(*out));
	if (!order || strtab_init(out, counts->n + 1) < 0)
		goto nomem;
	if (special && strtab_intern(out, special, strlen(special)) < 0)
		goto nomem;
	for (size_t i = 0; i < counts->n; i++) {
		size_t len;
		const char *w = strtab_key(counts, i, &len);

		if (special && len == strlen(special) && memcmp(w, special, len) == 0)
			special_count += counts->vals[i];
		else if (counts->vals[i] >= min_count)
			order[k++] = (uint32_t)i;
	}
	if (special)
		out->vals[0] = special_count;
	qsort_r(order, k, sizeof(*order), strtab_cmp_count_ids, (void *)counts);
	for (size_t i = 0; i < k; i++) {
		size_t len;
		const char *w = strtab_key(counts, order[i], &len);

		if ((id = strtab_intern(out, w, len)) < 0)
			goto nomem;
		out->vals[id] = counts->vals[order[i]];
	}
	free(order);
	return 0;
nomem:
	free(order);
	strtab_free(out);
	return error_set(e, -1, ENOMEM, NULL, 0, "a table of %zu words", counts->n);
}

int cls_table_map(uint32_t **map, const struct strtab *from, const struct strtab *to,
                  uint32_t missing, struct error *e)
{
	uint32_t *m = malloc((from->n ? from->n : 1) * sizeof(*m));

	if (!(*map = m))
		return error_set(e, -1, ENOMEM, NULL, 0, "mapping %zu words", from->n);
	for (size_t i = 0; i < from->n; i++) {
		size_t len;
		const char *w = strtab_key(from, i, &len);
		int64_t id = strtab_find(to, w, len);

		m[i] = id < 0 ? missing : (uint32_t)id;
	}
	return 0;
}
