/* stem.c: the Snowball wrapper: libstemmer's stemmers behind a cache of whole tokens. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

#include <libstemmer.h>

#include "base/spans.h"
#include "text/stem.h"

const char **stem_list(void)
{
	return sb_stemmer_list();
}

/* Whether lang is one of the canonical names (so that a NULL from sb_stemmer_new is memory). */
static int is_listed(const char *lang)
{
	for (const char **l = sb_stemmer_list(); *l; l++)
		if (strcmp(*l, lang) == 0)
			return 1;
	return 0;
}

int stem_open(struct stem *st, const char *lang, struct error *e)
{
	memset(st, 0, sizeof(*st));
	/* libstemmer takes any string; only lower-case ASCII names are its algorithms or codes */
	if (!*lang || strspn(lang, "abcdefghijklmnopqrstuvwxyz") != strlen(lang) ||
	    !(st->sb = sb_stemmer_new(lang, "UTF_8"))) {
		if (*lang && is_listed(lang))
			return error_set(e, -1, ENOMEM, NULL, 0, "stemmer '%s'", lang);
		return error_set(e, STEM_EUNKNOWN, 0, NULL, 0, "unknown language '%s'", lang);
	}
	if (strtab_init(&st->seen, STEM_CACHE_WORDS) < 0) {
		sb_stemmer_delete(st->sb);
		st->sb = NULL;
		return error_set(e, -1, ENOMEM, NULL, 0, "stemmer '%s'", lang);
	}
	st->cache = 1;
	return 0;
}

void stem_close(struct stem *st)
{
	sb_stemmer_delete(st->sb);
	st->sb = NULL;
	strtab_free(&st->seen);
	buf_free(&st->stems);
}

/* Appends the stem libstemmer gives for s[0..n) (0 < n <= INT_MAX) to out and sets *k to its
 * length. Returns 0, or -1 with e filled. */
static int snowball(struct stem *st, const char *s, size_t n, struct buf *out, size_t *k,
                    struct error *e)
{
	const sb_symbol *r = sb_stemmer_stem(st->sb, (const sb_symbol *)s, (int)n);
	int len;

	if (!r)
		return error_set(e, -1, ENOMEM, NULL, 0, "stem a token of %zu bytes", n);
	len = sb_stemmer_length(st->sb);
	*k = len > 0 ? (size_t)len : 0;
	buf_put(out, (const char *)r, *k);
	return 0;
}

int stem_token(void *ctx, const char *s, size_t n, struct buf *out, struct error *e)
{
	struct stem *st = ctx;
	uint64_t h;
	int64_t id;
	uint32_t len;
	size_t k, at;

	if (n > INT_MAX) {
		buf_put(out, s, n);
		return 0;
	}
	if (!st->cache || n > STEM_CACHE_TOKEN)
		return snowball(st, s, n, out, &k, e);
	h = strtab_hash_bytes(s, n);
	if (st->seen.n >= STEM_CACHE_WORDS) {
		strtab_clear(&st->seen);
		st->stems.len = 0;
	}
	id = strtab_intern_hashed(&st->seen, s, n, h);
	if (id < 0)
		return error_set(e, -1, ENOMEM, NULL, 0, "the stems' cache");
	if (st->seen.vals[id] != 0) { /* stemmed before: its record */
		memcpy(&len, st->stems.p + st->seen.vals[id] - 1, 4);
		buf_put(out, st->stems.p + st->seen.vals[id] - 1 + 4, len);
		return 0;
	}
	at = out->len;
	if (snowball(st, s, n, out, &k, e) < 0)
		return -1;
	/* vals hold the record's offset + 1, so that 0 says "not stemmed yet" */
	len = (uint32_t)k;
	st->seen.vals[id] = st->stems.len + 1;
	buf_put(&st->stems, (const char *)&len, 4);
	buf_put(&st->stems, out->p + at, k);
	return 0;
}

int stem_line(stem_token_fn *fn, void *ctx, const char *s, size_t n, struct buf *out,
              struct error *e)
{
	size_t i = 0, j;

	while (i < n) {
		for (j = i; j < n && spans_is_blank((unsigned char)s[j]); j++)
			;
		buf_put(out, s + i, j - i);
		if (j == n)
			break;
		for (i = j; j < n && !spans_is_blank((unsigned char)s[j]); j++)
			;
		if (fn(ctx, s + i, j - i, out, e) < 0)
			return -1;
		i = j;
	}
	buf_putc(out, '\n');
	return 0;
}
