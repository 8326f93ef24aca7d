/* vocab.h: vocabulary files (token<TAB>count lines, the line number from 0 is the id): reading
 * them, loading one for lookups both ways, and mapping lines of tokens to ids and back. */
#ifndef NLP_VOCAB_H
#define NLP_VOCAB_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/strtab.h"
#include "count/countfile.h"

struct vocab {
	struct strtab tab; /* id = line number; vals[id] = the count */
};

/* Called for each entry of a vocabulary file; a positive return stops the reading. */
typedef int vocab_entry_fn(void *ctx, const char *tok, size_t len, uint64_t count);

/* Reads vocabulary files (the counts format, one token a key) as countfile_read_all reads
 * counts files: files[0..nfiles), stdin when there are none, each line cleaned by the UTF-8
 * policy (an enum utf8_policy). Returns 0; fn's positive return (e->name and e->line say
 * where); or -1 with e filled as countfile_read_all fills it, or for a key of several units
 * ("NAME: line N: a token with a space is not a vocabulary entry"). */
int vocab_read(char **files, int nfiles, int policy, vocab_entry_fn *fn, void *ctx,
               struct error *e);

/* Loads path ("-" is stdin). Returns 0, or -1 with e filled when it cannot be opened or read,
 * or for a malformed line, a token with a space, a token given twice or invalid UTF-8 (e says
 * the file, the line and why). vocab_free frees what it holds. */
int vocab_load(struct vocab *v, const char *path, struct error *e);
/* Frees what v holds. */
void vocab_free(struct vocab *v);

static inline size_t vocab_size(const struct vocab *v)
{
	return v->tab.n;
}

/* A fingerprint of the vocabulary's tokens in id order: the 64-bit FNV-1a hash of each token
 * followed by a newline, as `cut -f 1` prints them. Counts do not enter it. */
uint64_t vocab_fingerprint(const struct vocab *v);

/* The id of a token, or -1. */
static inline int64_t vocab_id(const struct vocab *v, const char *s, size_t n)
{
	return strtab_find(&v->tab, s, n);
}

static inline const char *vocab_token(const struct vocab *v, size_t id, size_t *len)
{
	return strtab_key(&v->tab, id, len);
}

/* What --encode does with a token not in the vocabulary. */
enum vocab_unknown { VOCAB_UNK_ID, VOCAB_UNK_SKIP, VOCAB_UNK_FAIL };

/* Maps lines of tokens to ids (encode) or ids to tokens. */
struct vocab_mapper {
	const struct vocab *v;
	int encode;
	enum vocab_unknown unknown;
	int64_t unk_id;      /* VOCAB_UNK_ID: the id of <unk> */
	struct spans tokens; /* the line's, freed by vocab_mapper_free */
};

/* Appends to out the ids (or tokens) of the blank-separated tokens (or ids) of s[0..n), joined by
 * single spaces, and a newline. Returns 0, or -1 with e filled, naming the input name and its
 * line: "'T' is not in the vocabulary" (VOCAB_UNK_FAIL), "'T' is not an id below N". */
int vocab_map_line(struct vocab_mapper *m, const char *s, size_t n, struct buf *out,
                   const char *name, uint64_t line, struct error *e);
/* Frees what m holds (not the vocabulary). */
void vocab_mapper_free(struct vocab_mapper *m);

#endif
