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
	if (particle_init(&sw->pt, e) < 0)
		return -1;
	if (strtab_init(&sw->words, 512) < 0)
		return error_bad(e, NULL, 0, "out of memory");
	return fold ? norm_init(&sw->norm, NORM_NFC, 1, 0, e) : 0;
}

void stopword_free(struct stopword *sw)
{
	strtab_free(&sw->words);
	particle_free(&sw->pt);
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
		if ((particles ? particle_add(&sw->pt, k, kn)
		               : strtab_intern(&sw->words, k, kn)) < 0) {
			reader_close(&r);
			return error_set(e, -1, ENOMEM, NULL, 0, "open %s", path);
		}
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

/* Appends the token s[0..n) to the line that starts at out->p[line_start]. */
static void put_token(const char *s, size_t n, struct buf *out, size_t line_start)
{
	if (out->len > line_start)
		buf_putc(out, ' ');
	buf_put(out, s, n);
}

/* Whether the particle chain p[0..n) is a stopword: itself, or each of its particles. */
static int is_stop_chain(struct stopword *sw, const char *p, size_t n)
{
	size_t ends[PARTICLE_MAX_CHAIN], at = 0;
	int k;

	if (is_stop(sw, p, n))
		return 1;
	if ((k = particle_chain(&sw->pt, p, n, ends)) < 2)
		return 0;
	for (int i = 0; i < k; at = ends[i++])
		if (!is_stop(sw, p + at, ends[i] - at))
			return 0;
	return 1;
}

/* Appends the word w[0..n) cut before its last cut bytes, as stopword_line's doc says. */
static void put_cut(struct stopword *sw, const char *w, size_t n, size_t cut, struct buf *out,
                    size_t line_start)
{
	size_t sn = n - cut;
	int stem = is_stop(sw, w, sn), part = is_stop_chain(sw, w + sn, cut);

	if (!sw->keep && stem && part && particle_nominal(&sw->pt, w, n) >= STOPWORD_NOUN_MIN) {
		if (!is_stop(sw, w, n))
			put_token(w, n, out, line_start);
		return;
	}
	if (stem == sw->keep)
		put_token(w, sn, out, line_start);
	if (part == sw->keep)
		put_token(w + sn, cut, out, line_start);
}

int stopword_line(struct stopword *sw, const char *s, size_t n, struct buf *out, struct error *e)
{
	size_t i = 0, line_start = out->len;

	while (i < n) {
		size_t j, cut;

		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i >= n)
			break;
		j = i;
		while (j < n && s[j] != ' ' && s[j] != '\t')
			j++;
		cut = sw->split_particles ? particle_cut(&sw->pt, s + i, j - i) : 0;
		if (cut == (size_t)-1)
			return error_set(e, -1, ENOMEM, NULL, 0, "particles");
		if (cut > 0)
			put_cut(sw, s + i, j - i, cut, out, line_start);
		else if (is_stop(sw, s + i, j - i) == sw->keep)
			put_token(s + i, j - i, out, line_start);
		i = j;
	}
	if (sw->norm.err)
		return norm_error(e, sw->norm.err);
	buf_putc(out, '\n');
	return 0;
}
