/* arpa.c: the ARPA reader (nlp-arpa(5)). It reads the file in blocks of 4 MiB and parses each
 * line where it lies in the block (no allocation per line); the tables are sized once from the
 * counts of \data\, and each n-gram goes into its table a few lines after its slot was asked of
 * the memory (a prefetch), so that the random accesses of the inserts overlap. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/phase.h"
#include "base/spans.h"
#include "lm/arpa.h"
#include "lm/model.h"
#include "text/utf8.h"
#include "vec/vectors.h"

#define CHUNK ((size_t)1 << 22) /* bytes read at a time */
#define DEPTH 8                 /* n-grams between a slot's prefetch and the insert */
#define STEP_LINES 0xffff       /* lines between progress steps */
#define CACHED 32               /* the longest word the cache of the last line's words keeps */

/* ---- numbers ---- */

static const double pow10_exact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* The blanks of base/spans.h, by table: the loops over words test every byte. */
static const unsigned char blank[256] = {[' '] = 1, ['\t'] = 1, ['\r'] = 1, ['\v'] = 1, ['\f'] = 1};

static inline int is_blank(char c)
{
	return blank[(unsigned char)c];
}

static inline int is_digit(char c)
{
	return (unsigned char)(c - '0') < 10;
}

/* Whether s[0..end) starts with the word w (lower case), in any case. */
static int starts_nocase(const char *s, const char *end, const char *w)
{
	size_t n = strlen(w);

	if ((size_t)(end - s) < n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((s[i] | 0x20) != w[i])
			return 0;
	return 1;
}

/* lm_parse_float, inlined into the reader's loop. */
static inline const char *parse_float(const char *s, const char *end, float *out)
{
	uint64_t mant = 0;
	int neg = 0, digits = 0, any = 0;
	long exp10 = 0;
	double v;

	if (s < end && (*s == '-' || *s == '+'))
		neg = *s++ == '-';
	for (; s < end && is_digit(*s); s++) {
		any = 1;
		if (digits < 19) {
			mant = mant * 10 + (uint64_t)(*s - '0');
			digits += mant != 0; /* leading zeros are not significant */
		} else {
			exp10++;
		}
	}
	if (s < end && *s == '.') {
		for (s++; s < end && is_digit(*s); s++) {
			any = 1;
			if (digits < 19) {
				mant = mant * 10 + (uint64_t)(*s - '0');
				digits += mant != 0;
				exp10--;
			}
		}
	}
	if (!any) {
		if (starts_nocase(s, end, "infinity"))
			s += 8;
		else if (starts_nocase(s, end, "inf"))
			s += 3;
		else if (starts_nocase(s, end, "nan"))
			return *out = NAN, s + 3;
		else
			return NULL;
		*out = neg ? -INFINITY : INFINITY;
		return s;
	}
	if (s < end && (*s == 'e' || *s == 'E')) {
		int eneg = 0;
		long x = 0;

		s++;
		if (s < end && (*s == '-' || *s == '+'))
			eneg = *s++ == '-';
		if (s == end || !is_digit(*s))
			return NULL;
		for (; s < end && is_digit(*s); s++)
			if (x < 100000)
				x = x * 10 + (*s - '0');
		exp10 += eneg ? -x : x;
	}
	v = (double)mant;
	if (mant != 0) {
		/* one correctly rounded operation on exact operands while the power is exact; beyond,
		 * steps of 1e22 (far outside what an ARPA file holds) */
		while (exp10 > 22 && v < 1e300) {
			v *= 1e22;
			exp10 -= 22;
		}
		while (exp10 < -22 && v > 1e-300) {
			v /= 1e22;
			exp10 += 22;
		}
		if (exp10 > 22)
			v = INFINITY;
		else if (exp10 < -22)
			v = 0;
		else if (exp10 > 0)
			v *= pow10_exact[exp10];
		else if (exp10 < 0)
			v /= pow10_exact[-exp10];
	}
	*out = (float)(neg ? -v : v);
	return s;
}

const char *lm_parse_float(const char *s, const char *end, float *out)
{
	return parse_float(s, end, out);
}

/* ---- lines ---- */

struct arpa {
	int fd;
	const char *name;
	char *buf;              /* [cap]; buf[start..end) not yet returned */
	size_t cap, start, end;
	int eof;
	uint64_t line;          /* the number of the line last returned */
	uint64_t nread, size;   /* bytes read; the file's size */
	struct error *e;
	struct lm_model *m;
	/* the n-grams parsed, waiting for their insert */
	struct pending {
		uint64_t key, line;
		float prob, bow;
		uint32_t ids[LM_MAX_ORDER];
	} ring[DEPTH];
	unsigned head, queued;
	/* the words of the last n-gram by position, and their ids: files sorted by either end of
	 * the n-grams repeat most words of a line at the same place in the next one */
	struct cached {
		size_t len;             /* SIZE_MAX: none */
		uint32_t id;
		char s[CACHED];
	} cache[LM_MAX_ORDER];
};

static int bad(struct arpa *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Fills a->e about the current line. Returns -1. */
static int bad(struct arpa *a, const char *fmt, ...)
{
	va_list ap;
	char msg[ERROR_MSG_MAX];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return error_bad(a->e, a->name, a->line, "%s", msg);
}

/* Reads more of the file after what is buffered, moving it to the buffer's start first, and
 * growing the buffer when one line fills it. Returns 0, or -1 with e filled. */
static int refill(struct arpa *a)
{
	ssize_t k;

	if (a->start > 0) {
		memmove(a->buf, a->buf + a->start, a->end - a->start);
		a->end -= a->start;
		a->start = 0;
	}
	if (a->end == a->cap) {
		char *nb = a->cap <= SIZE_MAX / 2 ? realloc(a->buf, a->cap * 2) : NULL;

		if (!nb)
			return error_set(a->e, -1, ENOMEM, a->name, a->line + 1, "a line of %zu bytes",
			                 a->end);
		a->buf = nb;
		a->cap *= 2;
	}
	do
		k = read(a->fd, a->buf + a->end, a->cap - a->end);
	while (k < 0 && errno == EINTR);
	if (k < 0)
		return error_sys(a->e, NULL, "read %s", a->name);
	if (k == 0)
		a->eof = 1;
	a->end += (size_t)k;
	a->nread += (uint64_t)k;
	phase_step(a->nread);
	return 0;
}

/* The next line in *s[0..*n), without its newline and a carriage return before it. Returns 1,
 * 0 at the end of the file, -1 with e filled on a read error. */
static int next_line(struct arpa *a, const char **s, size_t *n)
{
	for (;;) {
		char *from = a->buf + a->start;
		size_t have = a->end - a->start;
		char *nl = memchr(from, '\n', have);

		if (nl || (a->eof && have > 0)) {
			size_t len = nl ? (size_t)(nl - from) : have;

			a->start += nl ? len + 1 : len;
			a->line++;
			if (len > 0 && from[len - 1] == '\r')
				len--;
			*s = from;
			*n = len;
			return 1;
		}
		if (a->eof)
			return 0;
		if (refill(a) < 0)
			return -1;
	}
}

/* s[0..n) without the blanks at its end. */
static size_t trim(const char *s, size_t n)
{
	while (n > 0 && is_blank(s[n - 1]))
		n--;
	return n;
}

static int line_is(const char *s, size_t n, const char *w)
{
	n = trim(s, n);
	return n == strlen(w) && memcmp(s, w, n) == 0;
}

/* The order of a section header "\N-grams:", or 0 when s[0..n) is none. */
static unsigned section_order(const char *s, size_t n)
{
	unsigned k = 0;
	size_t i = 1;

	n = trim(s, n);
	if (n < 2 || s[0] != '\\')
		return 0;
	for (; i < n && is_digit(s[i]) && k < 1000; i++)
		k = k * 10 + (unsigned)(s[i] - '0');
	if (i == 1 || k == 0 || n - i != 7 || memcmp(s + i, "-grams:", 7) != 0)
		return 0;
	return k;
}

/* A short, printable excerpt of s[0..n) for a message. */
static const char *excerpt(char *dst, size_t cap, const char *s, size_t n)
{
	return vec_excerpt(dst, cap, s, n);
}

/* ---- \data\ ---- */

/* Parses "ngram N=COUNT" (blanks allowed around "="). Returns 0, or -1 when the line is not
 * one. */
static int parse_count(const char *s, size_t n, unsigned *order, uint64_t *count)
{
	const char *p = s + 5, *end = s + trim(s, n);
	uint64_t k = 0;
	unsigned o = 0;

	if (n < 5 || memcmp(s, "ngram", 5) != 0 || p == end || !is_blank(*p))
		return -1;
	while (p < end && is_blank(*p))
		p++;
	if (p == end || !is_digit(*p))
		return -1;
	for (; p < end && is_digit(*p); p++)
		if ((o = o * 10 + (unsigned)(*p - '0')) > 1000)
			return -1;
	while (p < end && is_blank(*p))
		p++;
	if (p == end || *p++ != '=')
		return -1;
	while (p < end && is_blank(*p))
		p++;
	if (p == end || !is_digit(*p))
		return -1;
	for (; p < end && is_digit(*p); p++)
		if ((k = k * 10 + (uint64_t)(*p - '0')) > LM_MAX_NGRAMS * 10)
			return -1;
	if (p != end)
		return -1;
	*order = o;
	*count = k;
	return 0;
}

/* Skips the lines before \data\ and reads the counts. On success the line after them (the
 * first section's header) is in *s[0..*n). */
static int read_data(struct arpa *a, uint64_t *counts, unsigned *order, const char **s,
                     size_t *n)
{
	uint64_t need = 0;
	int k;

	*order = 0;
	while ((k = next_line(a, s, n)) == 1) {
		if (a->line == 1) {
			if (*n >= 2 && (unsigned char)(*s)[0] == 0x1f && (unsigned char)(*s)[1] == 0x8b)
				return error_bad(a->e, a->name, 0, "compressed with gzip: decompress it "
				                 "first");
			if (*n >= 3 && memcmp(*s, "BZh", 3) == 0)
				return error_bad(a->e, a->name, 0, "compressed with bzip2: decompress it "
				                 "first");
			if (*n >= 6 && memcmp(*s, "\xfd" "7zXZ", 6) == 0)
				return error_bad(a->e, a->name, 0, "compressed with xz: decompress it "
				                 "first");
		}
		if (line_is(*s, *n, "\\data\\"))
			break;
		if (*n > 0 && (*s)[0] == '\\') {
			char ex[48];

			return bad(a, "'%s' before \\data\\", excerpt(ex, sizeof(ex), *s, trim(*s, *n)));
		}
	}
	if (k < 0)
		return -1;
	if (k == 0)
		return error_bad(a->e, a->name, 0, a->nread == 0 ? "an empty file, not a language model"
		                 : "no \\data\\ line: not an ARPA file");
	while ((k = next_line(a, s, n)) == 1) {
		unsigned o;
		uint64_t c;

		if (trim(*s, *n) == 0)
			continue;
		if ((*s)[0] == '\\')
			break;
		if (parse_count(*s, *n, &o, &c) < 0) {
			char ex[48];

			return bad(a, "'%s' where \\data\\ has lines 'ngram N=COUNT'",
			           excerpt(ex, sizeof(ex), *s, trim(*s, *n)));
		}
		if (o != *order + 1)
			return bad(a, "'ngram %u=' where 'ngram %u=' was expected: the orders go 1, 2, "
			           "3 ...", o, *order + 1);
		if (o > LM_MAX_ORDER)
			return bad(a, "order %u: this reader takes orders up to %d", o, LM_MAX_ORDER);
		if (c > LM_MAX_NGRAMS)
			return bad(a, "%llu %u-grams: more than %llu", (unsigned long long)c, o,
			           (unsigned long long)LM_MAX_NGRAMS);
		*order = o;
		counts[o] = c;
	}
	if (k < 0)
		return -1;
	if (*order == 0)
		return k == 0 ? error_bad(a->e, a->name, 0, "truncated: the file ends in \\data\\")
		              : bad(a, "no 'ngram N=COUNT' line in \\data\\");
	if (counts[1] == 0)
		return bad(a, "\\data\\ declares no 1-grams");
	if (counts[1] >= LM_MAX_WORDS)
		return bad(a, "%llu 1-grams: more than %u", (unsigned long long)counts[1],
		           LM_MAX_WORDS - 1);
	/* a line of order n takes 2n + 1 bytes at least ("0 a b"); the counts are checked against
	 * the file's size before they size anything */
	for (unsigned o = 1; o <= *order; o++)
		need += counts[o] * (2 * o + 1);
	if (need > a->size)
		return error_bad(a->e, a->name, 0, "\\data\\ declares more n-grams than a file of "
		                 "%llu bytes can hold", (unsigned long long)a->size);
	if (k == 0)
		return error_bad(a->e, a->name, 0, "truncated: the file ends after \\data\\");
	return 0;
}

/* ---- the sections ---- */

static int insert(struct arpa *a, unsigned n, const struct pending *p)
{
	char words[160];
	size_t k = 0;

	if (lm_model_add_key(a->m, n, p->key, p->prob, p->bow) == 0)
		return 0;
	for (unsigned i = 0; i < n && k + 4 < sizeof(words); i++) {
		size_t len;
		const char *w = lm_model_string(a->m, p->ids[i], &len);
		char ex[48];

		k += (size_t)snprintf(words + k, sizeof(words) - k, "%s%s", i ? " " : "",
		                      excerpt(ex, sizeof(ex), w, len));
	}
	return error_bad(a->e, a->name, p->line, "the %u-gram '%s' again (or another %u-gram "
	                 "with its 64-bit key)", n, words, n);
}

/* Inserts the n-grams waiting. */
static int flush(struct arpa *a, unsigned n)
{
	for (; a->queued > 0; a->queued--, a->head = (a->head + 1) % DEPTH)
		if (insert(a, n, &a->ring[a->head]) < 0)
			return -1;
	return 0;
}

/* The end of the blank-free token at p. */
static inline const char *token_end(const char *p, const char *end)
{
	while (p < end && !is_blank(*p))
		p++;
	return p;
}

static inline const char *skip_blanks(const char *p, const char *end)
{
	while (p < end && is_blank(*p))
		p++;
	return p;
}

/* Parses a number that must fill the token at p: the end of the token, or NULL. */
static const char *number(const char *p, const char *end, float *x)
{
	const char *q = parse_float(p, end, x);

	return q && (q == end || is_blank(*q)) ? q : NULL;
}

/* What follows an entry's words at p: an optional back-off weight, then the line's end. */
static int parse_tail(struct arpa *a, unsigned n, const char *p, const char *end, float *bow)
{
	const char *q;
	char ex[48];

	*bow = 0;
	if (p == end)
		return 0;
	if (!(q = number(p, end, bow)))
		return bad(a, "'%s' is not a number (the back-off weight)",
		           excerpt(ex, sizeof(ex), p, (size_t)(token_end(p, end) - p)));
	if (!isfinite(*bow))
		return bad(a, "the back-off weight %s is not a finite number",
		           excerpt(ex, sizeof(ex), p, (size_t)(q - p)));
	if (skip_blanks(q, end) != end)
		return n == 1 ? bad(a, "more fields than a 1-gram's probability, word and back-off "
		                    "weight")
		              : bad(a, "more fields than a %u-gram's probability, words and back-off "
		                    "weight", n);
	return 0;
}

/* A 1-gram: the word w[0..wl) into the vocabulary. */
static int add_word(struct arpa *a, const char *w, size_t wl, float prob, float bow)
{
	char ex[48];
	int64_t id;

	if (utf8_valid_prefix(w, wl) != wl)
		return bad(a, "the word '%s' is not valid UTF-8", excerpt(ex, sizeof(ex), w, wl));
	id = lm_model_add_word(a->m, w, wl, prob, bow);
	if (id == -1)
		return bad(a, "the 1-gram '%s' again", excerpt(ex, sizeof(ex), w, wl));
	if (id == -2)
		return bad(a, "more 1-grams than the %llu that \\data\\ declares",
		           (unsigned long long)a->m->declared[1]);
	if (id < 0)
		return error_set(a->e, -1, ENOMEM, a->name, a->line, "the vocabulary");
	return 0;
}

/* The id of the word w[0..wl), the i-th of its n-gram: the last line's word there, or the
 * vocabulary's. */
static int word_id(struct arpa *a, unsigned i, const char *w, size_t wl, uint32_t *id)
{
	struct cached *c = &a->cache[i];
	int64_t k;
	char ex[48];

	if (wl == c->len && memcmp(w, c->s, wl) == 0) {
		*id = c->id;
		return 0;
	}
	if ((k = strtab_find(&a->m->vocab, w, wl)) < 0)
		return bad(a, "'%s' is not among the 1-grams", excerpt(ex, sizeof(ex), w, wl));
	*id = c->id = (uint32_t)k;
	c->len = wl <= CACHED ? wl : SIZE_MAX;
	memcpy(c->s, w, wl <= CACHED ? wl : 0);
	return 0;
}

/* Queues the n-gram ids[0..n) and asks the memory for its slot; the oldest n-gram of a full
 * ring goes into its table first. */
static int queue(struct arpa *a, unsigned n, const uint32_t *ids, float prob, float bow)
{
	struct pending *pe;

	if (a->queued == DEPTH) {
		if (insert(a, n, &a->ring[a->head]) < 0)
			return -1;
		a->head = (a->head + 1) % DEPTH;
		a->queued--;
	}
	pe = &a->ring[(a->head + a->queued) % DEPTH];
	pe->key = lm_key(ids, n);
	pe->line = a->line;
	pe->prob = prob;
	pe->bow = bow;
	memcpy(pe->ids, ids, n * sizeof(*ids));
	lm_table_prefetch(&a->m->tab[n], pe->key);
	a->queued++;
	return 0;
}

/* One entry of the n-grams' section in s[0..len). */
static int parse_entry(struct arpa *a, unsigned n, const char *s, size_t len)
{
	const char *p, *end = s + len, *q, *w = NULL;
	uint32_t ids[LM_MAX_ORDER];
	float prob, bow;
	char ex[48];

	p = skip_blanks(s, end);
	if (!(q = number(p, end, &prob)))
		return bad(a, "'%s' is not a number (the log10 probability)",
		           excerpt(ex, sizeof(ex), p, (size_t)(token_end(p, end) - p)));
	if (isnan(prob) || prob > 0)
		return bad(a, "the log10 probability %s is %s", excerpt(ex, sizeof(ex), p,
		           (size_t)(q - p)), isnan(prob) ? "not a number" : "above 0");
	p = skip_blanks(q, end);
	for (unsigned i = 0; i < n; i++) {
		if (p == end)
			return bad(a, "%u word%s where a %u-gram has %u", i, i == 1 ? "" : "s", n, n);
		q = token_end(p, end);
		if (n == 1)
			w = p; /* added below, with its back-off weight */
		else if (word_id(a, i, p, (size_t)(q - p), &ids[i]) < 0)
			return -1;
		p = skip_blanks(q, end);
	}
	if (parse_tail(a, n, p, end, &bow) < 0)
		return -1;
	if (n == 1)
		return add_word(a, w, (size_t)(token_end(w, end) - w), prob, bow);
	return queue(a, n, ids, prob, bow);
}

/* The section of order n, whose header is the current line. On success the line that ended it
 * is in *s[0..*len), or *s is NULL at the end of the file. */
static int read_section(struct arpa *a, unsigned n, const char **s, size_t *len)
{
	uint64_t got = 0, header = a->line, want = a->m->declared[n];
	int k;

	while ((k = next_line(a, s, len)) == 1) {
		if (*len == 0)
			continue;
		if ((*s)[0] == '\\')
			break;
		if (trim(*s, *len) == 0)
			continue;
		if (++got > want)
			return bad(a, "more %u-grams than the %llu that \\data\\ declares", n,
			           (unsigned long long)want);
		if (parse_entry(a, n, *s, *len) < 0)
			return -1;
		if ((a->line & STEP_LINES) == 0)
			phase_step(a->nread - (a->end - a->start));
	}
	if (k < 0 || flush(a, n) < 0)
		return -1;
	if (k == 0)
		*s = NULL;
	if (got < want)
		return k == 0 ? error_bad(a->e, a->name, 0, "truncated: the file ends in the "
		                          "\\%u-grams: section, after %llu of its %llu entries", n,
		                          (unsigned long long)got, (unsigned long long)want)
		              : error_bad(a->e, a->name, header, "the \\%u-grams: section has %llu "
		                          "entries; \\data\\ declares %llu", n,
		                          (unsigned long long)got, (unsigned long long)want);
	return 0;
}

static int parse(struct arpa *a, struct lm_model **mp)
{
	uint64_t counts[LM_MAX_ORDER + 1] = {0};
	unsigned order;
	const char *s;
	size_t n;
	char ex[48];
	int k;

	if (read_data(a, counts, &order, &s, &n) < 0)
		return -1;
	if (lm_model_new(mp, order, counts, a->e) < 0) {
		a->e->name = a->name;
		return -1;
	}
	a->m = *mp;
	for (unsigned o = 1; o <= order; o++) {
		unsigned got = section_order(s, n);

		if (got != o) {
			if (line_is(s, n, "\\end\\"))
				return bad(a, "\\end\\ where the \\%u-grams: section was expected (\\data\\ "
				           "declares orders up to %u)", o, order);
			if (got > order)
				return bad(a, "a \\%u-grams: section; \\data\\ declares orders up to %u", got,
				           order);
			return bad(a, "'%s' where the \\%u-grams: section was expected",
			           excerpt(ex, sizeof(ex), s, trim(s, n)), o);
		}
		if (read_section(a, o, &s, &n) < 0)
			return -1;
		if (!s)
			return error_bad(a->e, a->name, 0, "truncated: the file ends after the "
			                 "\\%u-grams: section, without %s", o,
			                 o < order ? "the sections after it and \\end\\" : "\\end\\");
	}
	if (!line_is(s, n, "\\end\\")) {
		unsigned got = section_order(s, n);

		if (got > order)
			return bad(a, "a \\%u-grams: section; \\data\\ declares orders up to %u", got,
			           order);
		return bad(a, "'%s' where \\end\\ was expected", excerpt(ex, sizeof(ex), s, trim(s, n)));
	}
	while ((k = next_line(a, &s, &n)) == 1)
		if (trim(s, n) > 0)
			return bad(a, "'%s' after \\end\\", excerpt(ex, sizeof(ex), s, trim(s, n)));
	if (k < 0)
		return -1;
	if (lm_model_finish(a->m, a->e) < 0) {
		a->e->name = a->name;
		return -1;
	}
	return 0;
}

int lm_model_read_arpa(struct lm_model **mp, int fd, const char *name, uint64_t size,
                       struct error *e)
{
	struct arpa *a = calloc(1, sizeof(*a));
	/* a small file needs no more than its size (and one byte to see its end) */
	size_t cap = size < CHUNK - 1 ? (size_t)size + 1 : CHUNK;
	int ret;

	*mp = NULL;
	if (!a || !(a->buf = malloc(cap))) {
		free(a);
		return error_set(e, -1, ENOMEM, name, 0, "reading the model");
	}
	a->fd = fd;
	a->name = name;
	a->cap = cap;
	a->size = size;
	a->e = e;
	for (unsigned i = 0; i < LM_MAX_ORDER; i++)
		a->cache[i].len = SIZE_MAX;
	phase_begin("loading the model", size, PHASE_BYTES);
	ret = parse(a, mp);
	free(a->buf);
	free(a);
	if (ret < 0) {
		lm_model_free(*mp);
		*mp = NULL;
	}
	return ret;
}
