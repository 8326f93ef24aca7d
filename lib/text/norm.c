/* norm.c: normalization with a fast path.
 *
 * A character is "safe" when it is a starter (combining class 0), not a mark, not a conjoining
 * jamo vowel or trailing consonant, and its own mapping starts with such a character. Such a
 * character can never combine with or reorder against what precedes it, so a normalization
 * boundary lies before it and a run of safe characters maps character by character through the
 * cache. An unsafe character sends the span from the preceding safe character up to the next safe
 * one through the full algorithm: utf8proc's per-character decomposition, the canonical order
 * (sorted here, in linear time), then utf8proc's composition. */
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "text/norm.h"
#include "text/utf8.h"

/* A starter that no composition can take as its second part. */
static int is_plain_starter(int32_t c)
{
	const utf8proc_property_t *p = utf8proc_get_property(c);

	if (p->combining_class != 0)
		return 0;
	if (p->category == UTF8PROC_CATEGORY_MN || p->category == UTF8PROC_CATEGORY_MC ||
	    p->category == UTF8PROC_CATEGORY_ME)
		return 0;
	/* jamo vowels and trailing consonants compose with a preceding jamo or LV syllable */
	if ((c >= 0x1160 && c <= 0x11FF) || (c >= 0xD7B0 && c <= 0xD7FF))
		return 0;
	return 1;
}

/* Combining class of c (0 for a starter). */
static inline int ccc(int32_t c)
{
	return utf8proc_get_property(c)->combining_class;
}

/* Puts the run of non-starters r[0..k) in canonical order: a stable sort by combining class.
 * Short runs, the usual case, by insertion; longer ones by counting, linear in k, through
 * tmp[k]. */
static void order_run(int32_t *r, size_t k, int32_t *tmp)
{
	if (k <= 16) {
		for (size_t i = 1; i < k; i++) {
			int32_t c = r[i];
			int cl = ccc(c);
			size_t j = i;

			for (; j > 0 && ccc(r[j - 1]) > cl; j--)
				r[j] = r[j - 1];
			r[j] = c;
		}
		return;
	}
	size_t count[257] = {0}; /* [class + 1], then where the first of each class goes */

	for (size_t i = 0; i < k; i++)
		count[ccc(r[i]) + 1]++;
	for (int cl = 1; cl < 257; cl++)
		count[cl] += count[cl - 1];
	for (size_t i = 0; i < k; i++)
		tmp[count[ccc(r[i])]++] = r[i];
	memcpy(r, tmp, k * sizeof(*r));
}

/* Decomposes s[0..len) into n->cps as utf8proc_decompose does, with the same options, and
 * returns the number of code points or utf8proc's negative code. utf8proc_decompose puts the
 * result in canonical order by swapping neighbours, which is quadratic in a run of non-starters
 * (a letter and 60,000 marks of alternating classes took 40 s); here each run is sorted with
 * order_run, which gives the same order in linear time. Leaves room for one more code point,
 * which utf8proc_reencode needs. */
static utf8proc_ssize_t decompose(struct norm *n, const char *s, size_t len)
{
	utf8proc_option_t f = n->flags;
	size_t w = 0, i = 0, run = 0;
	int bound = UTF8PROC_BOUNDCLASS_START;

	if (((f & UTF8PROC_COMPOSE) && (f & UTF8PROC_DECOMPOSE)) ||
	    ((f & UTF8PROC_STRIPMARK) && !(f & (UTF8PROC_COMPOSE | UTF8PROC_DECOMPOSE))))
		return UTF8PROC_ERROR_INVALIDOPTS;
	while (i < len) {
		int32_t c;
		utf8proc_ssize_t k;

		i += (size_t)utf8_decode(s + i, &c);
		for (;;) {
			utf8proc_ssize_t room = (utf8proc_ssize_t)(n->ncps - w);

			k = utf8proc_decompose_char(c, n->cps + w, room, f, &bound);
			if (k < room)
				break;
			/* no room for it and the spare: grow, decompose c again */
			n->ncps = (n->ncps + (size_t)k) * 2;
			n->cps = erealloc(n->cps, n->ncps * sizeof(int32_t));
		}
		if (k < 0)
			return k;
		w += (size_t)k;
	}
	if (!(f & (UTF8PROC_COMPOSE | UTF8PROC_DECOMPOSE)))
		return (utf8proc_ssize_t)w;
	/* each maximal run of non-starters, cps[run..i) */
	for (i = 0; i <= w; i++) {
		if (i < w && ccc(n->cps[i]) != 0)
			continue;
		if (i - run > 1) {
			if (n->ntmp < i - run) {
				n->ntmp = i - run;
				n->tmp = erealloc(n->tmp, n->ntmp * sizeof(int32_t));
			}
			order_run(n->cps + run, i - run, n->tmp);
		}
		run = i + 1;
	}
	return (utf8proc_ssize_t)w;
}

/* Runs utf8proc on s[0..len) and appends the result to out. Returns 0, or -1 with utf8proc's
 * negative code in n->err unless an earlier one is there (out unchanged). */
static int full_apply(struct norm *n, const char *s, size_t len, struct buf *out)
{
	utf8proc_ssize_t k = decompose(n, s, len);

	if (k < 0)
		goto fail;
	k = utf8proc_reencode(n->cps, k, n->flags);
	if (k < 0)
		goto fail;
	buf_put(out, (const char *)n->cps, (size_t)k);
	return 0;
fail:
	if (!n->err)
		n->err = (int)k;
	return -1;
}

int norm_error(struct error *e, int code)
{
	return error_set(e, -1, 0, NULL, 0, "utf8proc: %s", utf8proc_errmsg(code));
}

/* Computes the cache entry of c; when utf8proc fails (n->err is set) the entry says "full
 * algorithm". */
static void fill_entry(struct norm *n, int32_t c, struct norm_entry *e)
{
	char in[4];
	struct buf tmp = {0};
	int32_t first;

	e->state = 2;
	if (!is_plain_starter(c))
		return;
	if (full_apply(n, in, (size_t)utf8_encode(c, in), &tmp) < 0) {
		buf_free(&tmp);
		return;
	}
	if (tmp.len <= NORM_ENTRY_MAX && (tmp.len == 0 || (utf8_decode(tmp.p, &first),
	                                                   is_plain_starter(first)))) {
		e->state = 1;
		e->len = (uint8_t)tmp.len;
		if (tmp.len) /* an empty mapping leaves tmp.p NULL */
			memcpy(e->bytes, tmp.p, tmp.len);
	}
	buf_free(&tmp);
}

int norm_init(struct norm *n, enum norm_form form, int casefold, int strip_marks,
              struct error *err)
{
	static const utf8proc_option_t forms[] = {
	    [NORM_NONE] = 0,
	    [NORM_NFC] = UTF8PROC_STABLE | UTF8PROC_COMPOSE,
	    [NORM_NFD] = UTF8PROC_STABLE | UTF8PROC_DECOMPOSE,
	    [NORM_NFKC] = UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT,
	    [NORM_NFKD] = UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT,
	};

	memset(n, 0, sizeof(*n));
	n->flags = forms[form];
	if (casefold)
		n->flags |= UTF8PROC_CASEFOLD;
	if (strip_marks) {
		if (form == NORM_NONE)
			n->flags |= UTF8PROC_STABLE | UTF8PROC_COMPOSE;
		n->flags |= UTF8PROC_STRIPMARK;
	}
	n->identity = n->flags == 0;
	n->ncps = 64;
	n->cps = emalloc(n->ncps * sizeof(int32_t));
	n->bmp = ecalloc(0x10000, sizeof(struct norm_entry));
	for (int c = 0; c < 128; c++) {
		struct norm_entry *e = &n->bmp[c];

		fill_entry(n, c, e);
		if (e->state != 1 || e->len != 1) /* not with utf8proc's data: ASCII maps to ASCII */
			return error_bad(err, NULL, 0, "cannot set up normalization with these options");
		n->ascii[c] = (unsigned char)e->bytes[0];
	}
	return 0;
}

void norm_free(struct norm *n)
{
	free(n->cps);
	free(n->tmp);
	free(n->bmp);
	n->cps = NULL;
	n->tmp = NULL;
	n->bmp = NULL;
}

/* The cache entry for the character at s, or NULL when it needs the full algorithm. */
static inline const struct norm_entry *lookup(struct norm *n, const char *s, int *clen)
{
	int32_t c;
	struct norm_entry *e;

	*clen = utf8_decode(s, &c);
	if (c >= 0x10000)
		return NULL;
	e = &n->bmp[c];
	if (e->state == 0)
		fill_entry(n, c, e);
	return e->state == 1 ? e : NULL;
}

void norm_apply(struct norm *n, const char *s, size_t len, struct buf *out)
{
	size_t i = 0, safe_in = 0, safe_out = out->len;
	int have_safe = 0;

	if (n->identity) {
		buf_put(out, s, len);
		return;
	}
	buf_reserve(out, len + 16);
	while (i < len) {
		unsigned char b = (unsigned char)s[i];
		const struct norm_entry *e;
		int clen;

		if (b < 0x80) {
			/* a run of ASCII: the last byte is the boundary a later mark may need */
			size_t j = i;
			char *o;

			while (j < len && (unsigned char)s[j] < 0x80)
				j++;
			buf_reserve(out, j - i);
			o = out->p + out->len;
			for (size_t k = i; k < j; k++)
				*o++ = (char)n->ascii[(unsigned char)s[k]];
			out->len += j - i;
			safe_in = j - 1;
			safe_out = out->len - 1;
			have_safe = 1;
			i = j;
			continue;
		}
		e = lookup(n, s + i, &clen);
		if (e) {
			safe_in = i;
			safe_out = out->len;
			have_safe = 1;
			buf_put(out, e->bytes, e->len);
			i += (size_t)clen;
			continue;
		}
		/* from the last safe character through the unsafe run */
		size_t from = have_safe ? safe_in : i, j = i + (size_t)clen;

		if (have_safe)
			out->len = safe_out;
		while (j < len) {
			int k;

			if ((unsigned char)s[j] < 0x80 || lookup(n, s + j, &k))
				break;
			j += (size_t)k;
		}
		if (full_apply(n, s + from, j - from, out) < 0)
			return;
		have_safe = 0;
		i = j;
	}
}
