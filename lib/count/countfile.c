/* countfile.c: unit splitting and counts lines. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "count/countfile.h"
#include "base/io.h"
#include "text/utf8.h"
#include "base/mem.h"

void spans_grow(struct spans *sp)
{
	sp->cap = sp->cap ? sp->cap * 2 : 64;
	sp->v = erealloc(sp->v, sp->cap * sizeof(*sp->v));
}

void spans_free(struct spans *sp)
{
	free(sp->v);
	sp->v = NULL;
	sp->n = sp->cap = 0;
}

/* Index of the first blank in s[i..n), or n: eight bytes at a time, looking for a byte below
 * 0x21 (the lowest such byte of a word is found exactly). */
static inline size_t find_blank(const char *s, size_t i, size_t n)
{
	while (i + 8 <= n) {
		uint64_t x, m;

		memcpy(&x, s + i, 8);
		m = (x - 0x2121212121212121ull) & ~x & 0x8080808080808080ull;
		if (!m) {
			i += 8;
			continue;
		}
		i += (size_t)__builtin_ctzll(m) / 8;
		if (is_blank((unsigned char)s[i]))
			return i;
		i++;
	}
	while (i < n && !is_blank((unsigned char)s[i]))
		i++;
	return i;
}

void split_blank(const char *s, size_t n, struct spans *sp)
{
	size_t i = 0;

	sp->n = 0;
	for (;;) {
		size_t end;

		while (i < n && is_blank((unsigned char)s[i]))
			i++;
		if (i == n)
			return;
		end = find_blank(s, i, n);
		spans_push(sp, s + i, end - i);
		i = end;
	}
}

const char *countline_parse(const char *s, size_t n, size_t *keylen, unsigned *nunits,
                            uint64_t *count)
{
	const char *tab = memchr(s, '\t', n);
	uint64_t c = 0;
	size_t i, k;
	unsigned units = 1;

	if (!tab)
		return "no tab between the key and the count";
	k = (size_t)(tab - s);
	if (k == 0)
		return "empty key";
	for (i = 0; i < k; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == ' ') {
			if (i == 0 || i + 1 == k || s[i + 1] == ' ')
				return "the key's units are not separated by single spaces";
			if (units == UINT32_MAX)
				return "too many units in the key";
			units++;
		} else if (is_blank(ch)) {
			return "a blank other than a space in the key";
		}
	}
	if (k + 1 == n)
		return "no count after the tab";
	for (i = k + 1; i < n; i++) {
		unsigned d = (unsigned char)s[i] - '0';

		if (d > 9)
			return "the count is not a decimal integer";
		if (c > (UINT64_MAX - d) / 10)
			return "the count is too large";
		c = c * 10 + d;
	}
	*keylen = k;
	*nunits = units;
	*count = c;
	return NULL;
}

int countfile_read(const char *path, int policy, countline_fn *fn, void *ctx, struct error *e)
{
	struct reader r;
	struct buf tmp = {0};
	char *line;
	ssize_t n;
	uint64_t bad = 0, lineno = 0;
	const char *name = path && strcmp(path, "-") ? path : "<stdin>";
	int ret = 0;

	if (reader_open(&r, path) < 0)
		return error_sys(e, NULL, "open %s", name);
	while ((n = reader_line(&r, &line)) >= 0) {
		size_t len, keylen;
		unsigned units;
		uint64_t count;
		const char *why, *s = utf8_clean(line, (size_t)n, policy, &tmp, &len, &bad);

		lineno++;
		if (!s) {
			ret = error_bad(e, name, lineno, "invalid UTF-8");
			break;
		}
		if ((why = countline_parse(s, len, &keylen, &units, &count))) {
			ret = error_bad(e, name, lineno, "%s", why);
			break;
		}
		if ((ret = fn(ctx, s, keylen, units, count))) {
			error_set(e, ret, 0, name, lineno, "stopped");
			break;
		}
	}
	if (n == -2)
		ret = error_sys(e, NULL, "read %s", name);
	reader_close(&r);
	buf_free(&tmp);
	return ret;
}

int countfiles_read(char **files, int nfiles, int policy, countline_fn *fn, void *ctx,
                    struct error *e)
{
	int r = 0;

	if (nfiles == 0)
		return countfile_read("-", policy, fn, ctx, e);
	for (int i = 0; i < nfiles && !r; i++)
		r = countfile_read(files[i], policy, fn, ctx, e);
	return r;
}
