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
	return fold ? norm_init(&sw->norm, NORM_NFC, 1, 0, e) : 0;
}

void stopword_free(struct stopword *sw)
{
	strtab_free(&sw->words);
	strtab_free(&sw->particles);
	if (sw->fold)
		norm_free(&sw->norm);
	buf_free(&sw->tmp);
}

/* The key a token is looked up by: itself, or its case folding (whose failure sw->norm.err
 * keeps for the caller to report after the line). */
static const char *key(struct stopword *sw, const char *s, size_t n, size_t *kn)
{
	if (!sw->fold) {
		*kn = n;
		return s;
	}
	sw->tmp.len = 0;
	norm_apply(&sw->norm, s, n, &sw->tmp);
	*kn = sw->tmp.len;
	return sw->tmp.p;
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
		k = key(sw, line + a, b - a, &kn);
		if (sw->norm.err) {
			reader_close(&r);
			return norm_error(e, sw->norm.err);
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

static int is_stop(struct stopword *sw, const char *s, size_t n)
{
	size_t kn;
	const char *k = key(sw, s, n, &kn);

	return strtab_find(&sw->words, k, kn) >= 0;
}

static void put_token(struct stopword *sw, const char *s, size_t n, struct buf *out,
                      size_t line_start)
{
	if (is_stop(sw, s, n) != sw->keep)
		return;
	if (out->len > line_start)
		buf_putc(out, ' ');
	buf_put(out, s, n);
}

static int ends_in_hangul(const char *s, size_t n)
{
	int32_t c;

	if (n == 0)
		return 0;
	utf8_decode(s + utf8_prev(s, n), &c);
	return utf8_is_hangul_syllable(c);
}

/* Byte length of the longest particle that ends s and leaves a non-empty stem, or 0. */
static size_t particle_suffix(struct stopword *sw, const char *s, size_t n)
{
	size_t best = 0;

	for (size_t k = 3; k < n && k <= sw->longest_particle; k += 3) {
		size_t kn;
		const char *key_;

		if (((unsigned char)s[n - k] & 0xC0) == 0x80)
			continue;
		key_ = key(sw, s + n - k, k, &kn);
		if (strtab_find(&sw->particles, key_, kn) >= 0)
			best = k;
	}
	return best;
}

int stopword_line(struct stopword *sw, const char *s, size_t n, struct buf *out, struct error *e)
{
	size_t i = 0, line_start = out->len;

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
			size_t p = particle_suffix(sw, s + i, j - i);

			if (p > 0) {
				put_token(sw, s + i, j - i - p, out, line_start);
				put_token(sw, s + j - p, p, out, line_start);
				i = j;
				continue;
			}
		}
		put_token(sw, s + i, j - i, out, line_start);
		i = j;
	}
	if (sw->norm.err)
		return norm_error(e, sw->norm.err);
	buf_putc(out, '\n');
	return 0;
}
