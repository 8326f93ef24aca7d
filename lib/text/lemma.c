/* lemma.c: WordNet's index and exception files, and NLTK's morphy over them. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/io.h"
#include "base/spans.h"
#include "text/lemma.h"
#include "text/utf8.h"

/* An ending and what replaces it (NLTK's MORPHOLOGICAL_SUBSTITUTIONS), in NLTK's order. */
struct rule {
	const char *old, *new;
};

static const struct rule noun_rules[] = {
    {"s", ""},     {"ses", "s"},   {"ves", "f"}, {"xes", "x"}, {"zes", "z"},
    {"ches", "ch"}, {"shes", "sh"}, {"men", "man"}, {"ies", "y"}, {NULL, NULL}};
static const struct rule verb_rules[] = {
    {"s", ""},  {"ies", "y"}, {"es", "e"},  {"es", ""},
    {"ed", "e"}, {"ed", ""},  {"ing", "e"}, {"ing", ""}, {NULL, NULL}};
static const struct rule adj_rules[] = {
    {"er", ""}, {"est", ""}, {"er", "e"}, {"est", "e"}, {NULL, NULL}};
static const struct rule no_rules[] = {{NULL, NULL}};

static const struct rule *rules_of(char pos)
{
	switch (pos) {
	case 'n': return noun_rules;
	case 'v': return verb_rules;
	case 'a': case 's': return adj_rules;
	default: return no_rules;
	}
}

const char *lemma_pos_name(char pos)
{
	switch (pos) {
	case 'n': return "noun";
	case 'v': return "verb";
	case 'a': case 's': return "adj";
	case 'r': return "adv";
	default: return NULL;
	}
}

int lemma_init(struct lemma *lm, char pos, struct error *e)
{
	memset(lm, 0, sizeof(*lm));
	lm->pos = pos;
	if (!lemma_pos_name(pos))
		return error_bad(e, NULL, 0, "'%c' is not a part of speech (n, v, a, r or s)", pos);
	if (strtab_init(&lm->index, 1 << 10) < 0 || strtab_init(&lm->exc, 1 << 8) < 0 ||
	    strtab_init(&lm->level[0], 64) < 0 || strtab_init(&lm->level[1], 64) < 0)
		return error_set(e, -1, ENOMEM, NULL, 0, "WordNet's %s files", lemma_pos_name(pos));
	return 0;
}

void lemma_free(struct lemma *lm)
{
	strtab_free(&lm->index);
	strtab_free(&lm->exc);
	strtab_free(&lm->level[0]);
	strtab_free(&lm->level[1]);
	buf_free(&lm->bases);
	buf_free(&lm->form);
	free(lm->paths[0]);
	free(lm->paths[1]);
}

/* The next field of line[0..n) from *at on (blanks as spans_is_blank says), or NULL at the end;
 * *len receives its length. */
static const char *next_field(const char *line, size_t n, size_t *at, size_t *len)
{
	size_t i = *at, j;

	while (i < n && spans_is_blank((unsigned char)line[i]))
		i++;
	if (i == n)
		return NULL;
	for (j = i; j < n && !spans_is_blank((unsigned char)line[j]); j++)
		;
	*at = j;
	*len = j - i;
	return line + i;
}

/* Opens path for lm's file `which` (0 index, 1 exceptions), keeping a copy of the path for the
 * messages. Returns 0, or -1 with e filled. */
static int open_file(struct lemma *lm, int which, const char *path, struct reader *r,
                     struct error *e)
{
	free(lm->paths[which]);
	if (!(lm->paths[which] = strdup(path)))
		return error_set(e, -1, ENOMEM, NULL, 0, "open %s", path);
	if (reader_open(r, path) < 0)
		return error_sys(e, NULL, "open %s", path);
	r->name = lm->paths[which];
	return 0;
}

/* The end of a file's loop: n is reader_line's last value. Returns 0, or -1 with e filled. */
static int close_file(struct reader *r, ssize_t n, struct error *e)
{
	int saved = errno;

	if (n == -2) {
		error_set(e, -1, saved, NULL, 0, "read %s", r->name);
		reader_close(r);
		return -1;
	}
	reader_close(r);
	return 0;
}

/* Whether f[0..n) is a decimal number. */
static int is_number(const char *f, size_t n)
{
	return n > 0 && strspn(f, "0123456789") >= n;
}

int lemma_load_index(struct lemma *lm, const char *path, struct error *e)
{
	struct reader r;
	char *line, want = lm->pos == 's' ? 'a' : lm->pos;
	ssize_t n;
	uint64_t lineno = 0;

	if (open_file(lm, 0, path, &r, e) < 0)
		return -1;
	while ((n = reader_line(&r, &line)) >= 0) {
		size_t at = 0, ln, pn, cn;
		const char *lemma, *pos, *cnt;

		lineno++;
		if (n > 0 && line[0] == ' ') /* the licence, as NLTK skips it */
			continue;
		if (utf8_valid_prefix(line, (size_t)n) != (size_t)n) {
			reader_close(&r);
			return error_bad(e, lm->paths[0], lineno, "invalid UTF-8");
		}
		if (!(lemma = next_field(line, (size_t)n, &at, &ln)))
			continue;
		pos = next_field(line, (size_t)n, &at, &pn);
		cnt = next_field(line, (size_t)n, &at, &cn);
		if (!pos || pn != 1 || pos[0] != want || !cnt || !is_number(cnt, cn)) {
			reader_close(&r);
			return error_bad(e, lm->paths[0], lineno,
			                 "not a line of a WordNet index (LEMMA %c SYNSET_CNT ...)", want);
		}
		if (strtab_intern(&lm->index, lemma, ln) < 0) {
			reader_close(&r);
			return error_set(e, -1, ENOMEM, NULL, 0, "read %s", lm->paths[0]);
		}
		if (ln > lm->longest)
			lm->longest = ln;
	}
	if (close_file(&r, n, e) < 0)
		return -1;
	if (lm->index.n == 0)
		return error_bad(e, lm->paths[0], 0, "no lemma (not a WordNet index)");
	return 0;
}

/* Appends the u32 v to b. */
static void put_u32(struct buf *b, uint32_t v)
{
	buf_put(b, (const char *)&v, 4);
}

int lemma_load_exceptions(struct lemma *lm, const char *path, struct error *e)
{
	struct reader r;
	char *line;
	ssize_t n;
	uint64_t lineno = 0;

	if (open_file(lm, 1, path, &r, e) < 0)
		return -1;
	while ((n = reader_line(&r, &line)) >= 0) {
		size_t at = 0, fn, start, len;
		const char *form, *f;
		uint32_t count = 0;
		int64_t id;

		lineno++;
		if (utf8_valid_prefix(line, (size_t)n) != (size_t)n) {
			reader_close(&r);
			return error_bad(e, lm->paths[1], lineno, "invalid UTF-8");
		}
		if (!(form = next_field(line, (size_t)n, &at, &fn)))
			continue;
		if ((id = strtab_intern(&lm->exc, form, fn)) < 0) {
			reader_close(&r);
			return error_set(e, -1, ENOMEM, NULL, 0, "read %s", lm->paths[1]);
		}
		if (fn > lm->longest)
			lm->longest = fn;
		/* the bases: the count first, filled in once known */
		start = lm->bases.len;
		put_u32(&lm->bases, 0);
		while ((f = next_field(line, (size_t)n, &at, &len))) {
			put_u32(&lm->bases, (uint32_t)len);
			buf_put(&lm->bases, f, len);
			count++;
		}
		memcpy(lm->bases.p + start, &count, 4);
		lm->exc.vals[id] = start + 1; /* a form given again: its last bases, as NLTK's dict */
	}
	return close_file(&r, n, e);
}

int lemma_load(struct lemma *lm, const char *dir, struct error *e)
{
	const char *name = lemma_pos_name(lm->pos);
	size_t cap = strlen(dir) + strlen(name) + 16;
	char *path = malloc(cap);
	int k;

	if (!path)
		return error_set(e, -1, ENOMEM, NULL, 0, "WordNet's %s files", name);
	snprintf(path, cap, "%s/index.%s", dir, name);
	k = lemma_load_index(lm, path, e);
	if (k == 0) {
		snprintf(path, cap, "%s/%s.exc", dir, name);
		k = lemma_load_exceptions(lm, path, e);
	}
	free(path);
	return k;
}

size_t lemma_max_token(const struct lemma *lm)
{
	return lm->longest + LEMMA_REACH;
}

/* The best form found so far: the first of the shortest lemmas, in characters. */
struct best {
	const char *p;
	size_t n, chars;
};

/* Takes s[0..n) as the best when it is a lemma shorter than the best. */
static void consider(const struct lemma *lm, struct best *b, const char *s, size_t n)
{
	size_t chars = 0;

	for (size_t i = 0; i < n; i++)
		chars += ((unsigned char)s[i] & 0xC0) != 0x80;
	if ((!b->p || chars < b->chars) && strtab_find(&lm->index, s, n) >= 0) {
		b->p = s;
		b->n = n;
		b->chars = chars;
	}
}

/* Interns into t the forms one substitution makes of s[0..n), in the rules' order. Returns 0,
 * or -1 when memory runs out. */
static int substitute(struct lemma *lm, const char *s, size_t n, struct strtab *t)
{
	for (const struct rule *r = rules_of(lm->pos); r->old; r++) {
		size_t k = strlen(r->old);

		if (n < k || memcmp(s + n - k, r->old, k) != 0)
			continue;
		lm->form.len = 0;
		buf_put(&lm->form, s, n - k);
		buf_put(&lm->form, r->new, strlen(r->new));
		if (strtab_intern(t, lm->form.p ? lm->form.p : "", lm->form.len) < 0)
			return -1;
	}
	return 0;
}

/* Considers every form of t, in order. */
static void consider_all(const struct lemma *lm, struct best *b, const struct strtab *t)
{
	for (size_t id = 0; id < t->n; id++) {
		size_t len;
		const char *f = strtab_key(t, id, &len);

		consider(lm, b, f, len);
	}
}

int lemma_token(void *ctx, const char *s, size_t n, struct buf *out, struct error *e)
{
	struct lemma *lm = ctx;
	struct best b = {0};
	struct strtab *cur = &lm->level[0], *next = &lm->level[1], *swap;
	int64_t id;

	if (n > lemma_max_token(lm)) {
		buf_put(out, s, n);
		return 0;
	}
	consider(lm, &b, s, n); /* the token itself first, then its bases or forms */
	if ((id = strtab_find(&lm->exc, s, n)) >= 0) {
		const char *p = lm->bases.p + lm->exc.vals[id] - 1;
		uint32_t count, len;

		memcpy(&count, p, 4);
		for (p += 4; count-- > 0; p += 4 + len) {
			memcpy(&len, p, 4);
			consider(lm, &b, p + 4, len);
		}
	} else {
		strtab_clear(cur);
		if (substitute(lm, s, n, cur) < 0)
			goto nomem;
		consider_all(lm, &b, cur);
		while (!b.p && cur->n > 0) {
			strtab_clear(next);
			for (size_t i = 0; i < cur->n; i++) {
				size_t len;
				const char *f = strtab_key(cur, i, &len);

				if (substitute(lm, f, len, next) < 0)
					goto nomem;
			}
			consider_all(lm, &b, next);
			swap = cur;
			cur = next;
			next = swap;
		}
	}
	if (b.p)
		buf_put(out, b.p, b.n);
	else
		buf_put(out, s, n);
	return 0;
nomem:
	return error_set(e, -1, ENOMEM, NULL, 0, "lemmatize a token of %zu bytes", n);
}
