/* vocab.c: loading a vocabulary file into a string table. */
#include <errno.h>

#include "cli/err.h"
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

int vocab_load(struct vocab *v, const char *path, struct countfile_pos *pos)
{
	int r;

	if (strtab_init(&v->tab, 1024) < 0) {
		errno = ENOMEM;
		return -1;
	}
	r = countfile_read(path, UTF8_FAIL, add_token, &v->tab, pos);
	if (r == HAS_SPACE)
		pos->why = "a token with a space is not a vocabulary entry";
	if (r == REPEATED)
		pos->why = "the token is already in the vocabulary";
	if (r == NOMEM) {
		errno = ENOMEM;
		r = -1;
	} else if (r > 0) {
		r = -2;
	}
	if (r)
		strtab_free(&v->tab);
	return r;
}

void vocab_free(struct vocab *v)
{
	strtab_free(&v->tab);
}

void vocab_load_or_exit(struct vocab *v, const char *path)
{
	struct countfile_pos pos;
	int r = vocab_load(v, path, &pos);

	if (r == -1)
		eprintf("%s %s:", pos.line ? "read" : "open", pos.name);
	if (r == -2)
		eprintf("%s: line %llu: %s", pos.name, (unsigned long long)pos.line, pos.why);
}
