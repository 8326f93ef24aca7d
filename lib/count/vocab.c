/* vocab.c: reading vocabulary files, loading one into a string table, and mapping tokens to ids
 * and back. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "text/utf8.h"
#include "count/vocab.h"

#define NOT_ONE_TOKEN (-2) /* read_entry's return for a key of several units */

struct reading {
	vocab_entry_fn *fn;
	void *ctx;
};

static int read_entry(void *ctx, const char *key, size_t len, unsigned nunits, uint64_t count)
{
	const struct reading *rd = ctx;

	return nunits == 1 ? rd->fn(rd->ctx, key, len, count) : NOT_ONE_TOKEN;
}

int vocab_read(char **files, int nfiles, int policy, vocab_entry_fn *fn, void *ctx,
               struct error *e)
{
	struct reading rd = {fn, ctx};
	int r = countfile_read_all(files, nfiles, policy, read_entry, &rd, e);

	if (r == NOT_ONE_TOKEN)
		return error_bad(e, e->name, e->line, "a token with a space is not a vocabulary entry");
	return r;
}

enum { REPEATED = 1, NOMEM };

static int add_token(void *ctx, const char *key, size_t len, uint64_t count)
{
	struct strtab *t = ctx;
	size_t before = t->n;
	int64_t id;

	if ((id = strtab_intern(t, key, len)) < 0)
		return NOMEM;
	if (t->n == before)
		return REPEATED;
	t->vals[id] = count;
	return 0;
}

int vocab_load(struct vocab *v, const char *path, struct error *e)
{
	char *files[] = {(char *)path};
	int r;

	if (strtab_init(&v->tab, 1024) < 0)
		return error_set(e, -1, ENOMEM, NULL, 0, "open %s",
		                 path && strcmp(path, "-") ? path : "<stdin>");
	r = vocab_read(files, 1, UTF8_FAIL, add_token, &v->tab, e);
	if (r == REPEATED)
		r = error_bad(e, e->name, e->line, "the token is already in the vocabulary");
	else if (r == NOMEM)
		r = error_set(e, -1, ENOMEM, NULL, 0, "read %s", e->name);
	if (r)
		strtab_free(&v->tab);
	return r;
}

void vocab_free(struct vocab *v)
{
	strtab_free(&v->tab);
}

/* Parses a whole decimal id below size; returns -1 if it is not one. */
static int64_t parse_id(const char *s, size_t n, size_t size)
{
	uint64_t id = 0;

	if (n == 0 || n > 19)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		id = id * 10 + (uint64_t)(s[i] - '0');
	}
	return id < size ? (int64_t)id : -1;
}

int vocab_map_line(struct vocab_mapper *m, const char *s, size_t n, struct buf *out,
                   const char *name, uint64_t line, struct error *e)
{
	int first = 1;

	spans_split_blank(s, n, &m->tokens);
	for (size_t i = 0; i < m->tokens.n; i++) {
		const struct span *t = &m->tokens.v[i];
		int64_t id;

		if (m->encode) {
			id = vocab_id(m->v, t->p, t->n);
			if (id < 0 && m->unknown == VOCAB_UNK_FAIL)
				return error_bad(e, name, line, "'%.*s' is not in the vocabulary",
				                 (int)(t->n > 200 ? 200 : t->n), t->p);
			if (id < 0 && m->unknown == VOCAB_UNK_SKIP)
				continue;
			if (id < 0)
				id = m->unk_id;
		} else if ((id = parse_id(t->p, t->n, vocab_size(m->v))) < 0) {
			return error_bad(e, name, line, "'%.*s' is not an id below %zu",
			                 (int)(t->n > 40 ? 40 : t->n), t->p, vocab_size(m->v));
		}
		if (!first)
			buf_putc(out, ' ');
		first = 0;
		if (m->encode) {
			char num[24];

			buf_put(out, num, (size_t)snprintf(num, sizeof(num), "%llu",
			                                   (unsigned long long)id));
		} else {
			size_t len;
			const char *tok = vocab_token(m->v, (size_t)id, &len);

			buf_put(out, tok, len);
		}
	}
	buf_putc(out, '\n');
	return 0;
}

void vocab_mapper_free(struct vocab_mapper *m)
{
	spans_free(&m->tokens);
}

uint64_t vocab_fingerprint(const struct vocab *v)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a, 64 bits */

	for (size_t id = 0; id < vocab_size(v); id++) {
		size_t len;
		const unsigned char *p = (const unsigned char *)vocab_token(v, id, &len);

		for (size_t i = 0; i <= len; i++)
			h = (h ^ (i < len ? p[i] : '\n')) * 0x100000001b3ull;
	}
	return h;
}
