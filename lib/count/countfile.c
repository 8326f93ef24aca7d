/* countfile.c: reading and writing counts lines. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/phase.h"
#include "base/buf.h"
#include "count/countfile.h"
#include "base/io.h"
#include "text/utf8.h"

int countfile_parse_line(const char *s, size_t n, size_t *keylen, unsigned *nunits,
                         uint64_t *count, const char *name, uint64_t line, struct error *e)
{
	const char *tab = memchr(s, '\t', n);
	uint64_t c = 0;
	size_t i, k;
	unsigned units = 1;

	if (!tab)
		return error_bad(e, name, line, "no tab between the key and the count");
	k = (size_t)(tab - s);
	if (k == 0)
		return error_bad(e, name, line, "empty key");
	for (i = 0; i < k; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == ' ') {
			if (i == 0 || i + 1 == k || s[i + 1] == ' ')
				return error_bad(e, name, line,
				                 "the key's units are not separated by single spaces");
			if (units == UINT32_MAX)
				return error_bad(e, name, line, "too many units in the key");
			units++;
		} else if (spans_is_blank(ch)) {
			return error_bad(e, name, line, "a blank other than a space in the key");
		}
	}
	if (k + 1 == n)
		return error_bad(e, name, line, "no count after the tab");
	for (i = k + 1; i < n; i++) {
		unsigned d = (unsigned char)s[i] - '0';

		if (d > 9)
			return error_bad(e, name, line, "the count is not a decimal integer");
		if (c > (UINT64_MAX - d) / 10)
			return error_bad(e, name, line, "the count is too large");
		c = c * 10 + d;
	}
	*keylen = k;
	*nunits = units;
	*count = c;
	return 0;
}

/* countfile_read, with the bytes read before it, base, for the progress. */
static int read_file(const char *path, int policy, countfile_line_fn *fn, void *ctx,
                     uint64_t *base, struct error *e)
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
		const char *s = utf8_clean(line, (size_t)n, policy, &tmp, &len, &bad);

		lineno++;
		if (!s) {
			ret = error_bad(e, name, lineno, "invalid UTF-8");
			break;
		}
		if ((ret = countfile_parse_line(s, len, &keylen, &units, &count, name, lineno, e)))
			break;
		if ((ret = fn(ctx, s, keylen, units, count))) {
			error_set(e, ret, 0, name, lineno, "stopped");
			break;
		}
		phase_step(*base + r.nread);
	}
	if (n == -2)
		ret = error_sys(e, NULL, "read %s", name);
	*base += r.nread;
	reader_close(&r);
	buf_free(&tmp);
	return ret;
}

int countfile_read(const char *path, int policy, countfile_line_fn *fn, void *ctx,
                   struct error *e)
{
	uint64_t base = 0;

	return read_file(path, policy, fn, ctx, &base, e);
}

int countfile_read_all(char **files, int nfiles, int policy, countfile_line_fn *fn, void *ctx,
                       struct error *e)
{
	uint64_t base = 0;
	int r = 0;

	phase_begin("reading", files_size(files, nfiles), PHASE_BYTES);
	if (nfiles == 0)
		return read_file("-", policy, fn, ctx, &base, e);
	for (int i = 0; i < nfiles && !r; i++)
		r = read_file(files[i], policy, fn, ctx, &base, e);
	return r;
}

void countfile_put(struct writer *w, const char *key, size_t len, uint64_t count)
{
	char num[24];
	int k = snprintf(num, sizeof(num), "\t%llu\n", (unsigned long long)count);

	writer_write(w, key, len);
	writer_write(w, num, (size_t)k);
}
