/* data.c: reading tagged sentences. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "tag/data.h"
#include "text/utf8.h"

int tag_data_init(struct tag_data *d, enum tag_format format, enum tag_column column,
                  enum tag_units units, int spacing, struct error *e)
{
	memset(d, 0, sizeof(*d));
	d->format = format;
	d->column = column;
	d->units = units;
	d->spacing = spacing;
	d->start = malloc(sizeof(*d->start));
	if (!d->start || strtab_init(&d->words, 1024) < 0 || strtab_init(&d->tags, 16) < 0) {
		tag_data_free(d);
		return error_set(e, -1, ENOMEM, NULL, 0, "tagged text");
	}
	d->start[0] = 0;
	if (spacing) {
		strtab_free(&d->tags);
		if (tag_spacing_tags(&d->tags, e) < 0) {
			tag_data_free(d);
			return -1;
		}
	}
	return 0;
}

int tag_spacing_tags(struct strtab *out, struct error *e)
{
	if (strtab_init(out, 2) < 0 || strtab_intern(out, TAG_NOSPACE, 1) < 0 ||
	    strtab_intern(out, TAG_SPACE, 1) < 0) {
		strtab_free(out);
		return error_set(e, -1, ENOMEM, NULL, 0, "the spacing tags");
	}
	return 0;
}

void tag_data_free(struct tag_data *d)
{
	strtab_free(&d->words);
	strtab_free(&d->tags);
	free(d->tok);
	free(d->tag);
	free(d->start);
	free(d->line);
	free(d->name);
	spans_free(&d->sp);
	buf_free(&d->tmp);
	free(d->space);
	memset(d, 0, sizeof(*d));
}

/* Room for one more sentence and k more tokens. */
static int grow(struct tag_data *d, size_t k)
{
	if (d->nsent + 1 > d->sentcap) {
		size_t c = d->sentcap ? 2 * d->sentcap : 1024;
		uint64_t *st, *ln;
		const char **nm;

		if (!(st = realloc(d->start, (c + 1) * sizeof(*st))))
			return -1;
		d->start = st;
		if (!(ln = realloc(d->line, c * sizeof(*ln))))
			return -1;
		d->line = ln;
		if (!(nm = realloc(d->name, c * sizeof(*nm))))
			return -1;
		d->name = nm;
		d->sentcap = c;
	}
	if (d->ntok + k > d->tokcap) {
		size_t c = d->tokcap ? 2 * d->tokcap : 16384;
		uint32_t *p;

		while (c < d->ntok + k)
			c *= 2;
		if (!(p = realloc(d->tok, c * sizeof(*p))))
			return -1;
		d->tok = p;
		if (!(p = realloc(d->tag, c * sizeof(*p))))
			return -1;
		d->tag = p;
		d->tokcap = c;
	}
	return 0;
}

static int nomem(struct error *e, const char *name, uint64_t lineno)
{
	return error_set(e, -1, ENOMEM, name, lineno, "tagged text");
}

/* Closes the sentence of the last d->open tokens. */
static void close_sentence(struct tag_data *d)
{
	d->line[d->nsent] = d->open_line;
	d->name[d->nsent] = d->open_name;
	d->start[++d->nsent] = d->ntok;
	d->open = 0;
}

int tag_data_end(struct tag_data *d, struct error *e)
{
	(void)e;
	if (d->open)
		close_sentence(d);
	return 0;
}

/* Checks a token or tag w [n]: its length, no NUL, and for a tag no blank. */
static int check_field(const char *w, size_t n, int tag, const char *name, uint64_t lineno,
                       struct error *e)
{
	const char *what = tag ? "tag" : "token";

	if (n == 0)
		return error_bad(e, name, lineno, "an empty %s", what);
	if (n > TAG_WORD_MAX)
		return error_bad(e, name, lineno, "a %s of %zu bytes (at most %d)", what, n,
		                 TAG_WORD_MAX);
	if (memchr(w, '\0', n))
		return error_bad(e, name, lineno, "a NUL byte in a %s", what);
	if (tag)
		for (size_t i = 0; i < n; i++)
			if (spans_is_blank((unsigned char)w[i]))
				return error_bad(e, name, lineno, "a blank in the tag");
	return 0;
}

/* w [*n] with each blank byte replaced by U+00A0 (into d->tmp when there is one). */
static const char *unblank(struct tag_data *d, const char *w, size_t *n)
{
	size_t i = 0;

	while (i < *n && !spans_is_blank((unsigned char)w[i]))
		i++;
	if (i == *n)
		return w;
	d->tmp.len = 0;
	for (i = 0; i < *n; i++)
		if (spans_is_blank((unsigned char)w[i]))
			buf_put(&d->tmp, "\xc2\xa0", 2);
		else
			buf_putc(&d->tmp, w[i]);
	*n = d->tmp.len;
	return d->tmp.p;
}

/* Adds the token w [wn] with the tag t [tn] (t NULL: none) to the open sentence. */
static int add_token(struct tag_data *d, const char *w, size_t wn, const char *t, size_t tn,
                     const char *name, uint64_t lineno, struct error *e)
{
	int64_t id;

	if (check_field(w, wn, 0, name, lineno, e) < 0 ||
	    (t && check_field(t, tn, 1, name, lineno, e) < 0))
		return -1;
	w = unblank(d, w, &wn);
	if (wn > TAG_WORD_MAX)
		return error_bad(e, name, lineno, "a token of %zu bytes (at most %d)", wn,
		                 TAG_WORD_MAX);
	if (d->open >= TAG_MAX_SENT)
		return error_bad(e, name, lineno, "a sentence of more than %d tokens", TAG_MAX_SENT);
	if (grow(d, 1) < 0)
		return nomem(e, name, lineno);
	if (d->open == 0) {
		d->open_line = lineno;
		d->open_name = name;
	}
	if ((id = strtab_intern(&d->words, w, wn)) < 0)
		return nomem(e, name, lineno);
	d->words.vals[id]++;
	d->tok[d->ntok] = (uint32_t)id;
	d->tag[d->ntok] = TAG_NONE;
	if (t) {
		if ((id = strtab_intern(&d->tags, t, tn)) < 0)
			return nomem(e, name, lineno);
		d->tags.vals[id]++;
		d->tag[d->ntok] = (uint32_t)id;
	}
	d->ntok++;
	d->open++;
	return 0;
}

/* Whether s [n] is a CoNLL-U ID of a token (digits), else a range or an empty node (-1 when it
 * is neither). */
static int conllu_id(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	if (i == 0)
		return -1;
	if (i == n)
		return 1;
	if (s[i] != '-' && s[i] != '.')
		return -1;
	if (++i == n)
		return -1;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	return i == n ? 0 : -1;
}

/* The tab-separated fields of s [n], at most 11 counted (11: more than 10); f [12] their
 * starts, f[k + 1] - 1 the end of field k. */
static size_t fields(const char *s, size_t n, size_t *f)
{
	size_t k = 0;

	f[k++] = 0;
	for (size_t i = 0; i < n && k < 11; i++)
		if (s[i] == '\t')
			f[k++] = i + 1;
	f[k] = n + 1;
	return k;
}

static int add_conllu(struct tag_data *d, const char *s, size_t n, const char *name,
                      uint64_t lineno, struct error *e)
{
	size_t f[12], col = d->column == TAG_COL_XPOS ? 4 : 3;
	int id;

	if (fields(s, n, f) != 10)
		return error_bad(e, name, lineno, "not a CoNLL-U line of 10 tab-separated fields");
	if ((id = conllu_id(s, f[1] - 1)) < 0)
		return error_bad(e, name, lineno, "a CoNLL-U ID that is not a number, a range or a "
		                 "decimal");
	if (id == 0)
		return 0;
	return add_token(d, s + f[1], f[2] - 1 - f[1], s + f[col], f[col + 1] - 1 - f[col], name,
	                 lineno, e);
}

static int add_tsv(struct tag_data *d, const char *s, size_t n, const char *name,
                   uint64_t lineno, struct error *e)
{
	const char *tab = memchr(s, '\t', n);

	if (!tab || memchr(tab + 1, '\t', n - (size_t)(tab + 1 - s)))
		return error_bad(e, name, lineno, "not a line of token TAB tag");
	return add_token(d, s, (size_t)(tab - s), tab + 1, n - (size_t)(tab + 1 - s), name, lineno,
	                 e);
}

/* A text line: a sentence of its own (maybe empty). */
static int add_text(struct tag_data *d, const char *s, size_t n, const char *name,
                    uint64_t lineno, struct error *e)
{
	uint8_t *space = NULL;
	size_t k;

	tag_split(s, n, d->units, &d->sp, d->spacing ? &d->space : NULL, &d->spacecap);
	space = d->space;
	if (d->sp.n > TAG_MAX_SENT)
		return error_bad(e, name, lineno, "a sentence of more than %d tokens", TAG_MAX_SENT);
	if (grow(d, d->sp.n) < 0)
		return nomem(e, name, lineno);
	d->open_line = lineno;
	d->open_name = name;
	for (k = 0; k < d->sp.n; k++)
		if (add_token(d, d->sp.v[k].p, d->sp.v[k].n, d->spacing ? (space[k] ? TAG_SPACE :
		              TAG_NOSPACE) : NULL, d->spacing, name, lineno, e) < 0)
			return -1;
	close_sentence(d);
	return 0;
}

/* Whether s [n] is blank (only blanks or nothing). */
static int is_blank_line(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!spans_is_blank((unsigned char)s[i]))
			return 0;
	return 1;
}

int tag_data_add(struct tag_data *d, const char *s, size_t n, const char *name, uint64_t lineno,
                 struct error *e)
{
	size_t f[12];

	if (d->format == TAG_FMT_TEXT)
		return add_text(d, s, n, name, lineno, e);
	if (is_blank_line(s, n)) {
		if (d->open)
			close_sentence(d);
		return 0;
	}
	/* a comment, but not a TSV line of the token # */
	if (s[0] == '#' && (d->format == TAG_FMT_CONLLU ||
	                    (d->format == TAG_FMT_AUTO && fields(s, n, f) != 2)))
		return 0;
	if (d->format == TAG_FMT_AUTO)
		d->format = fields(s, n, f) == 10 ? TAG_FMT_CONLLU : TAG_FMT_TSV;
	if (d->format == TAG_FMT_CONLLU)
		return add_conllu(d, s, n, name, lineno, e);
	return add_tsv(d, s, n, name, lineno, e);
}

void tag_split(const char *s, size_t n, enum tag_units units, struct spans *sp, uint8_t **space,
               size_t *cap)
{
	size_t i = 0;

	sp->n = 0;
	if (units == TAG_UNITS_WORDS)
		spans_split_blank(s, n, sp);
	else
		while (i < n) {
			int32_t c;
			int len = utf8_decode(s + i, &c);

			if (!utf8_is_space(c))
				spans_push(sp, s + i, (size_t)len);
			i += (size_t)len;
		}
	if (!space)
		return;
	if (sp->n > *cap) {
		size_t c = *cap ? *cap : 256;

		while (c < sp->n)
			c *= 2;
		*space = erealloc(*space, c);
		*cap = c;
	}
	for (size_t k = 0; k < sp->n; k++)
		(*space)[k] = k + 1 < sp->n &&
		              sp->v[k + 1].p != sp->v[k].p + sp->v[k].n;
}
