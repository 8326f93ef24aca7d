/* stem.h: Snowball stemmers (libstemmer) over lines of tokens: the algorithms' names, a stemmer
 * opened by name in UTF-8, a token stemmed into the caller's buffer through a bounded cache of
 * whole tokens, and the line walk that replaces each token and copies the blanks between them. */
#ifndef NLP_STEM_H
#define NLP_STEM_H

#include <stddef.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/strtab.h"

#define STEM_EUNKNOWN (-2) /* stem_open: no algorithm of that name */

/* The cache: tokens up to STEM_CACHE_TOKEN bytes and their stems, forgotten all at once when it
 * holds STEM_CACHE_WORDS tokens (a few MB at most; a Zipfian text fills it again with the words
 * that matter within a few thousand lines). */
#define STEM_CACHE_WORDS (1u << 16)
#define STEM_CACHE_TOKEN 64

struct sb_stemmer;

struct stem {
	struct sb_stemmer *sb;
	int cache;           /* whether tokens are cached (stem_open sets it) */
	struct strtab seen;  /* cached tokens; vals[id]: offset of the stem's record in stems */
	struct buf stems;    /* records: u32 length, then the stem's bytes */
};

/* The names of libstemmer's algorithms, NULL-terminated, in its order (owned by libstemmer). */
const char **stem_list(void);

/* Opens the algorithm lang: a name of stem_list() or one of the ISO 639 codes libstemmer
 * accepts ("en", "de", "fre"...), in lower case. Returns 0, or STEM_EUNKNOWN with e filled
 * ("unknown language 'X'"), or -1 with e filled when memory runs out. On failure st holds
 * nothing. */
int stem_open(struct stem *st, const char *lang, struct error *e);
/* Frees what st holds (st itself is the caller's). */
void stem_close(struct stem *st);

/* Appends the stem of the token s[0..n) (UTF-8, n > 0) to out: st is a struct stem. Case is
 * kept: Snowball's stemmers expect lower case, and leave most capitals alone. A token of 2^31
 * bytes or more, which libstemmer cannot take, is appended unchanged. Returns 0, or -1 with e
 * filled when libstemmer runs out of memory. */
int stem_token(void *st, const char *s, size_t n, struct buf *out, struct error *e);

/* What stem_token and lemma_token (text/lemma.h) are: the replacement of one token, appended. */
typedef int stem_token_fn(void *ctx, const char *s, size_t n, struct buf *out, struct error *e);

/* Appends the line s[0..n) to out with each token (a run of bytes that are not blanks, as
 * spans_is_blank says: space, tab, CR, VT, FF) replaced by what fn(ctx, ...) appends, the blanks
 * copied as they are, then '\n'. Returns 0, or fn's failure. */
int stem_line(stem_token_fn *fn, void *ctx, const char *s, size_t n, struct buf *out,
              struct error *e);

#endif
