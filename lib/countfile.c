/* countfile.c: unit splitting and counts lines. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "countfile.h"
#include "io.h"
#include "utf8.h"
#include "err.h"

void spans_push(struct spans *sp, const char *p, size_t n)
{
	if (sp->n == sp->cap) {
		sp->cap = sp->cap ? sp->cap * 2 : 64;
		sp->v = erealloc(sp->v, sp->cap * sizeof(*sp->v));
	}
	sp->v[sp->n].p = p;
	sp->v[sp->n].n = n;
	sp->n++;
}

void spans_free(struct spans *sp)
{
	free(sp->v);
	sp->v = NULL;
	sp->n = sp->cap = 0;
}

void split_blank(const char *s, size_t n, struct spans *sp)
{
	size_t i = 0;

	sp->n = 0;
	for (;;) {
		size_t start;

		while (i < n && is_blank((unsigned char)s[i]))
			i++;
		if (i == n)
			return;
		start = i;
		while (i < n && !is_blank((unsigned char)s[i]))
			i++;
		spans_push(sp, s + start, i - start);
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

int countfile_read(const char *path, int policy, countline_fn *fn, void *ctx,
                   struct countfile_pos *pos)
{
	struct reader r;
	struct buf tmp = {0};
	char *line;
	ssize_t n;
	uint64_t bad = 0;
	int ret = 0;

	pos->name = path && strcmp(path, "-") ? path : "<stdin>";
	pos->line = 0;
	pos->why = NULL;
	if (reader_open(&r, path) < 0)
		return -1;
	while ((n = reader_line(&r, &line)) >= 0) {
		size_t len, keylen;
		unsigned units;
		uint64_t count;
		const char *s = utf8_clean(line, (size_t)n, policy, &tmp, &len, &bad);

		pos->line++;
		if (!s) {
			pos->why = "invalid UTF-8";
			ret = -2;
			break;
		}
		if ((pos->why = countline_parse(s, len, &keylen, &units, &count))) {
			ret = -2;
			break;
		}
		if ((ret = fn(ctx, s, keylen, units, count)))
			break;
	}
	if (n == -2)
		ret = -1;
	reader_close(&r);
	buf_free(&tmp);
	return ret;
}
