/* vocab.h: a vocabulary file loaded for lookups both ways: token<TAB>count lines, the line
 * number (from 0) is the id. */
#ifndef NLP_VOCAB_H
#define NLP_VOCAB_H

#include <stddef.h>
#include <stdint.h>

#include "count/countfile.h"
#include "base/strtab.h"

struct vocab {
	struct strtab tab; /* id = line number; vals[id] = the count */
};

/* Loads path ("-" is stdin). Returns 0, or -1 with e filled when it cannot be opened or read,
 * or for a malformed line, a token with a space, a token given twice or invalid UTF-8 (e says
 * the file, the line and why). vocab_free frees what it holds. */
int vocab_load(struct vocab *v, const char *path, struct error *e);
void vocab_free(struct vocab *v);

static inline size_t vocab_size(const struct vocab *v)
{
	return v->tab.n;
}

/* The id of a token, or -1. */
static inline int64_t vocab_id(const struct vocab *v, const char *s, size_t n)
{
	return strtab_find(&v->tab, s, n);
}

static inline const char *vocab_token(const struct vocab *v, size_t id, size_t *len)
{
	return strtab_key(&v->tab, id, len);
}

#endif
