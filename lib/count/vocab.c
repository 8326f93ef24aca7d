/* vocab.c: loading a vocabulary file into a string table. */
#include <errno.h>
#include <string.h>

#include "text/utf8.h"
#include "count/vocab.h"

enum { HAS_SPACE = 3, REPEATED, NOMEM };

static int add_token(void *ctx, const char *key, size_t len, unsigned nunits, uint64_t count)
{
	struct strtab *t = ctx;
	size_t before = t->n;
	int64_t id;

	if (nunits != 1)
		return HAS_SPACE;
	if ((id = strtab_intern(t, key, len)) < 0)
		return NOMEM;
	if (t->n == before)
		return REPEATED;
	t->vals[id] = count;
	return 0;
}

int vocab_load(struct vocab *v, const char *path, struct error *e)
{
	int r;

	if (strtab_init(&v->tab, 1024) < 0)
		return error_set(e, -1, ENOMEM, NULL, 0, "open %s",
		                 path && strcmp(path, "-") ? path : "<stdin>");
	r = countfile_read(path, UTF8_FAIL, add_token, &v->tab, e);
	if (r == HAS_SPACE)
		r = error_bad(e, e->name, e->line, "a token with a space is not a vocabulary entry");
	else if (r == REPEATED)
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
