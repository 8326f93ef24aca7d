/* fuzz-conllu: nlp-tag's readers of tagged text (tag/data.c) as train and eval read it: each
 * line (the input cut at newlines, a last line without one included) made valid UTF-8 as the
 * programs' line loop makes it (utf8_clean, replace), then tag_data_add, up to the first line
 * refused, as the programs stop there; tag_data_end at the end. The first byte picks the format
 * (bits 0..1: auto, CoNLL-U, TSV, text), the column (bit 2: XPOS), and for text the units
 * (bit 3: characters) and the spacing tags (bit 4, with bit 3).
 * Checks: a refused line has a message and names its line. An accepted line adds what it says:
 * a CoNLL-U token line (an ID of digits) one token, its FORM with each blank byte U+00A0, and
 * its UPOS or XPOS; a range, an empty node, a comment or a blank line none; a TSV line its token
 * and tag; a text line a sentence of its own, the tokens as blanks separate them or the code
 * points that are not spaces (utf8_is_space), and with spacing the tag S exactly where spaces
 * follow a unit and another unit comes (never on the last). In the end: sentences tile the
 * tokens, none empty but text lines, each token and tag id valid, tokens and tags within
 * TAG_WORD_MAX bytes without NUL, tags without blanks, the counts adding up to the tokens. */
#include "fuzz.h"
#include "base/spans.h"
#include "tag/data.h"
#include "text/utf8.h"

/* The token d holds at k is w [n] (t [tn] its tag, or t NULL: none). */
static void token_is(const struct tag_data *d, size_t k, const char *w, size_t n, const char *t,
                     size_t tn)
{
	size_t len;
	const char *s = strtab_key(&d->words, d->tok[k], &len);

	assert(len == n && memcmp(s, w, n) == 0);
	if (!t) {
		assert(d->tag[k] == TAG_NONE);
		return;
	}
	s = strtab_key(&d->tags, d->tag[k], &len);
	assert(len == tn && memcmp(s, t, tn) == 0);
}

/* w [n] with each blank byte U+00A0, into b. */
static void unblank(struct buf *b, const char *w, size_t n)
{
	b->len = 0;
	for (size_t i = 0; i < n; i++)
		if (spans_is_blank((unsigned char)w[i]))
			buf_put(b, "\xc2\xa0", 2);
		else
			buf_putc(b, w[i]);
}

static int is_blank_line(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!spans_is_blank((unsigned char)s[i]))
			return 0;
	return 1;
}

/* A text line's sentence: its tokens from ntok0, as the line's units. */
static void check_text(const struct tag_data *d, size_t ntok0, const char *s, size_t n,
                       enum tag_units units, int spacing)
{
	size_t k = ntok0, i = 0;

	if (units == TAG_UNITS_WORDS) {
		while (i < n) {
			size_t j;

			while (i < n && spans_is_blank((unsigned char)s[i]))
				i++;
			if (i == n)
				break;
			for (j = i; j < n && !spans_is_blank((unsigned char)s[j]); j++)
				;
			assert(k < d->ntok);
			token_is(d, k++, s + i, j - i, NULL, 0);
			i = j;
		}
		assert(k == d->ntok);
		return;
	}
	while (i < n) {
		int32_t c;
		int len = utf8_decode(s + i, &c);
		size_t j = i + (size_t)len;
		int gap = 0, more = 0;

		if (utf8_is_space(c)) {
			i = j;
			continue;
		}
		/* a space follows, and another unit after it */
		for (size_t q = j; q < n;) {
			int32_t c2;
			int l2 = utf8_decode(s + q, &c2);

			if (!utf8_is_space(c2)) {
				more = 1;
				break;
			}
			gap = 1;
			q += (size_t)l2;
		}
		assert(k < d->ntok);
		if (spacing)
			token_is(d, k, s + i, (size_t)len, gap && more ? TAG_SPACE : TAG_NOSPACE, 1);
		else
			token_is(d, k, s + i, (size_t)len, NULL, 0);
		k++;
		i = j;
	}
	assert(k == d->ntok);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum tag_format formats[] = {TAG_FMT_AUTO, TAG_FMT_CONLLU, TAG_FMT_TSV,
	                                          TAG_FMT_TEXT};
	uint8_t opt = fuzz_take(&data, &size);
	enum tag_format format = formats[opt & 3];
	enum tag_column column = opt & 4 ? TAG_COL_XPOS : TAG_COL_UPOS;
	enum tag_units units = format == TAG_FMT_TEXT && (opt & 8) ? TAG_UNITS_CHARS
	                                                           : TAG_UNITS_WORDS;
	int spacing = units == TAG_UNITS_CHARS && (opt & 16);
	const char *s = (const char *)data, *end = s + size;
	struct tag_data d;
	struct buf tmp = {0}, form = {0};
	struct error e;
	uint64_t line = 0, count;

	assert(tag_data_init(&d, format, column, units, spacing, &e) == 0);
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s)), *next, *l;
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s), ntok0 = d.ntok, nsent0 = d.nsent;
		size_t open0 = d.open;
		uint64_t nbad = 0;

		next = nl ? nl + 1 : end;
		line++;
		l = utf8_clean(s, n, UTF8_REPLACE, &tmp, &n, &nbad);
		assert(l);
		if (tag_data_add(&d, l, n, "text", line, &e) < 0) {
			assert(e.msg[0] && e.line == line);
			break;
		}
		if (d.format == TAG_FMT_TEXT) {
			assert(d.nsent == nsent0 + 1 && d.open == 0);
			check_text(&d, ntok0, l, n, units, spacing);
		} else if (is_blank_line(l, n)) {
			assert(d.ntok == ntok0 && d.nsent == nsent0 + (open0 > 0) && d.open == 0);
		} else if (d.ntok > ntok0) {
			/* a token line: one token, the field's bytes */
			size_t f[12], k = 0, col = d.format == TAG_FMT_TSV ? 1 : column == TAG_COL_XPOS ? 4 : 3;

			assert(d.ntok == ntok0 + 1 && d.open == open0 + 1 && d.nsent == nsent0);
			f[k++] = 0;
			for (size_t i = 0; i < n && k < 11; i++)
				if (l[i] == '\t')
					f[k++] = i + 1;
			f[k] = n + 1;
			assert(k == (d.format == TAG_FMT_TSV ? 2 : 10));
			if (d.format == TAG_FMT_CONLLU) {
				for (size_t i = 0; i < f[1] - 1; i++)
					assert(l[i] >= '0' && l[i] <= '9');
				unblank(&form, l + f[1], f[2] - 1 - f[1]);
			} else {
				unblank(&form, l, f[1] - 1);
			}
			token_is(&d, d.ntok - 1, form.p, form.len, l + f[col], f[col + 1] - 1 - f[col]);
		} else {
			/* a comment, a range or an empty node */
			assert(d.nsent == nsent0 && d.open == open0);
			assert(l[0] == '#' || (d.format == TAG_FMT_CONLLU && l[0] >= '0' && l[0] <= '9'));
		}
		s = next;
	}
	assert(tag_data_end(&d, &e) == 0);
	assert(d.open == 0 && d.start[0] == 0 && d.start[d.nsent] == d.ntok);
	for (size_t i = 0; i < d.nsent; i++) {
		assert(d.start[i] <= d.start[i + 1]);
		assert(d.start[i] < d.start[i + 1] || d.format == TAG_FMT_TEXT);
		assert(d.line[i] >= 1 && d.line[i] <= line && d.name[i]);
	}
	for (size_t k = 0; k < d.ntok; k++) {
		assert(d.tok[k] < d.words.n);
		assert(d.tag[k] < d.tags.n || (d.tag[k] == TAG_NONE && d.format == TAG_FMT_TEXT &&
		                               !spacing));
	}
	count = 0;
	for (size_t i = 0; i < d.words.n; i++) {
		size_t len;
		const char *w = strtab_key(&d.words, i, &len);

		assert(len >= 1 && len <= TAG_WORD_MAX && !memchr(w, '\0', len));
		count += d.words.vals[i];
	}
	assert(count == d.ntok);
	count = 0;
	for (size_t i = 0; i < d.tags.n; i++) {
		size_t len;
		const char *t = strtab_key(&d.tags, i, &len);

		assert(len >= 1 && len <= TAG_WORD_MAX && !memchr(t, '\0', len));
		for (size_t j = 0; j < len; j++)
			assert(!spans_is_blank((unsigned char)t[j]));
		count += d.tags.vals[i];
	}
	assert(count == (d.format == TAG_FMT_TEXT && !spacing ? 0 : d.ntok));
	tag_data_free(&d);
	buf_free(&tmp);
	buf_free(&form);
	return 0;
}
