/* stopword.c: loading word lists and filtering token lines against them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/io.h"
#include "text/stopword.h"
#include "text/utf8.h"

int stopword_init(struct stopword *sw, int fold, struct error *e)
{
	memset(sw, 0, sizeof(*sw));
	sw->fold = fold;
	if (strtab_init(&sw->words, 512) < 0 || strtab_init(&sw->particles, 64) < 0)
		return error_bad(e, NULL, 0, "out of memory");
	if (fold && norm_init(&sw->norm, NORM_NFC, 1, 0) < 0)
		return error_bad(e, NULL, 0, "cannot set up case folding");
	return 0;
}

void stopword_free(struct stopword *sw)
{
	strtab_free(&sw->words);
	strtab_free(&sw->particles);
	if (sw->fold)
		norm_free(&sw->norm);
	buf_free(&sw->tmp);
}

/* The key a token is looked up by, in *k and *kn: itself, or its case folding. Returns 0, or
 * norm_apply's negative code. */
static inline int key(struct stopword *sw, const char *s, size_t n, const char **k, size_t *kn)
{
	int r;

	if (!sw->fold) {
		*k = s;
		*kn = n;
		return 0;
	}
	sw->tmp.len = 0;
	r = norm_apply(&sw->norm, s, n, &sw->tmp);
	*k = sw->tmp.p;
	*kn = sw->tmp.len;
	return r;
}

int stopword_load(struct stopword *sw, const char *path, int particles, struct error *e)
{
	struct reader r;
	char *line;
	ssize_t n;
	unsigned long lineno = 0;
	int saved;

	if (reader_open(&r, path) < 0)
		return error_sys(e, NULL, "open %s", path);
	while ((n = reader_line(&r, &line)) >= 0) {
		size_t a = 0, b, kn;
		char *hash = memchr(line, '#', (size_t)n);
		const char *k;
		int fail;

		++lineno;
		b = hash ? (size_t)(hash - line) : (size_t)n;
		while (a < b && strchr(" \t\r", line[a]) && line[a] != '\0')
			a++;
		while (b > a && strchr(" \t\r", line[b - 1]) && line[b - 1] != '\0')
			b--;
		if (a == b)
			continue;
		if (utf8_valid_prefix(line + a, b - a) != b - a) {
			reader_close(&r);
			return error_bad(e, path, lineno, "invalid UTF-8");
		}
		if ((fail = key(sw, line + a, b - a, &k, &kn)) < 0) {
			reader_close(&r);
			return norm_error(e, fail);
		}
		if (strtab_intern(particles ? &sw->particles : &sw->words, k, kn) < 0) {
			reader_close(&r);
			return error_set(e, -1, ENOMEM, NULL, 0, "open %s", path);
		}
		if (particles && kn > sw->longest_particle)
			sw->longest_particle = kn;
	}
	saved = errno;
	reader_close(&r);
	if (n == -2)
		return error_set(e, -1, saved, NULL, 0, "open %s", path);
	return 0;
}

/* 1 when s[0..n) is a stopword, 0 when not, or norm_apply's negative code. */
static inline int is_stop(struct stopword *sw, const char *s, size_t n)
{
	size_t kn;
	const char *k;
	int r = key(sw, s, n, &k, &kn);

	return r < 0 ? r : strtab_find(&sw->words, k, kn) >= 0;
}

/* Returns 0, or norm_apply's negative code. */
static int put_token(struct stopword *sw, const char *s, size_t n, struct buf *out,
                     size_t line_start)
{
	int stop = is_stop(sw, s, n);

	if (stop < 0)
		return stop;
	if (stop != sw->keep)
		return 0;
	if (out->len > line_start)
		buf_putc(out, ' ');
	buf_put(out, s, n);
	return 0;
}

static int ends_in_hangul(const char *s, size_t n)
{
	int32_t c;

	if (n == 0)
		return 0;
	utf8_decode(s + utf8_prev(s, n), &c);
	return utf8_is_hangul_syllable(c);
}

/* Byte length of the longest particle that ends s and leaves a non-empty stem, or 0, in *best.
 * Returns 0, or norm_apply's negative code. */
static int particle_suffix(struct stopword *sw, const char *s, size_t n, size_t *best)
{
	*best = 0;
	for (size_t k = 3; k < n && k <= sw->longest_particle; k += 3) {
		size_t kn;
		const char *key_;
		int r;

		if (((unsigned char)s[n - k] & 0xC0) == 0x80)
			continue;
		if ((r = key(sw, s + n - k, k, &key_, &kn)) < 0)
			return r;
		if (strtab_find(&sw->particles, key_, kn) >= 0)
			*best = k;
	}
	return 0;
}

int stopword_line(struct stopword *sw, const char *s, size_t n, struct buf *out, struct error *e)
{
	size_t i = 0, line_start = out->len;
	int r;

	while (i < n) {
		size_t j;

		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i >= n)
			break;
		j = i;
		while (j < n && s[j] != ' ' && s[j] != '\t')
			j++;
		if (sw->split_particles && ends_in_hangul(s + i, j - i)) {
			size_t p;

			if ((r = particle_suffix(sw, s + i, j - i, &p)) < 0)
				return norm_error(e, r);
			if (p > 0) {
				if ((r = put_token(sw, s + i, j - i - p, out, line_start)) < 0 ||
				    (r = put_token(sw, s + j - p, p, out, line_start)) < 0)
					return norm_error(e, r);
				i = j;
				continue;
			}
		}
		if ((r = put_token(sw, s + i, j - i, out, line_start)) < 0)
			return norm_error(e, r);
		i = j;
	}
	buf_putc(out, '\n');
	return 0;
}
