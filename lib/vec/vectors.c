/* vectors.c: word vectors in the word2vec text and binary formats: writing, and reading with
 * every row checked against the header. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cblas.h>
#include <utf8proc.h>

#include "base/buf.h"
#include "base/phase.h"
#include "vec/vectors.h"

void vec_write_header(struct writer *w, uint64_t rows, uint64_t dim)
{
	char s[48];
	int n = snprintf(s, sizeof(s), "%llu %llu\n", (unsigned long long)rows,
	                 (unsigned long long)dim);

	writer_write(w, s, (size_t)n);
}

/* Formats x with p digits after the point, rounded to nearest as printf's "%.*f" does for all
 * but exact ties; returns the length. */
static size_t format_fixed(char *s, double x, unsigned p)
{
	static const double scale[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
	char digits[32];
	unsigned long long n, ip;
	size_t len = 0, k = 0;
	double y;

	if (p > 9 || !isfinite(x) || fabs(x) * scale[p] >= 9e15)
		return (size_t)snprintf(s, 64, "%.*f", (int)p, x);
	y = nearbyint(fabs(x) * scale[p]);
	n = (unsigned long long)y;
	if (x < 0 && n)
		s[len++] = '-';
	ip = n / (unsigned long long)scale[p];
	n %= (unsigned long long)scale[p];
	do
		digits[k++] = (char)('0' + ip % 10);
	while ((ip /= 10) != 0);
	while (k)
		s[len++] = digits[--k];
	if (p) {
		s[len++] = '.';
		for (unsigned i = p; i-- > 0; n /= 10)
			s[len + i] = (char)('0' + n % 10);
		len += p;
	}
	return len;
}

void vec_write_row(struct writer *w, int binary, unsigned precision, const char *word, size_t len,
                   const float *v, size_t dim)
{
	writer_write(w, word, len);
	if (binary) {
		writer_putc(w, ' ');
		for (size_t i = 0; i < dim; i++) {
			uint32_t u;
			char b[4];

			memcpy(&u, &v[i], 4);
			for (int k = 0; k < 4; k++)
				b[k] = (char)(u >> (8 * k));
			writer_write(w, b, 4);
		}
		writer_putc(w, '\n');
		return;
	}
	for (size_t i = 0; i < dim; i++) {
		char s[72];

		s[0] = ' ';
		writer_write(w, s, 1 + format_fixed(s + 1, v[i], precision));
	}
	writer_putc(w, '\n');
}

/* ---- reading ---- */

void vec_unit(float *u, const float *x, size_t d, double *wide)
{
	double norm;

	/* divided as gensim's unitvec() divides, in double precision by BLAS's dnrm2, so that a
	 * word's cosine with another (BLAS's sdot) is gensim's similarity() to the last bit */
	for (size_t i = 0; i < d; i++)
		wide[i] = x[i];
	norm = cblas_dnrm2((int)d, wide, 1);
	if (norm > 0) {
		double inv = 1.0 / norm;

		for (size_t i = 0; i < d; i++)
			u[i] = (float)(wide[i] * inv);
	} else {
		memset(u, 0, d * sizeof(float));
	}
}

/* Exact powers of ten: a decimal of at most 2^53 with an exponent in [-22, 22] converts with one
 * correctly rounded multiplication or division, as strtod would (Clinger's fast path). */
static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static inline int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The rare long or far-out number, already checked: strtod on a terminated copy. */
static int slow_decimal(const char *s, size_t n, double *out)
{
	char small[64], *copy = n < sizeof(small) ? small : malloc(n + 1);

	if (!copy)
		return -1;
	memcpy(copy, s, n);
	copy[n] = '\0';
	*out = strtod(copy, NULL);
	if (copy != small)
		free(copy);
	return 0;
}

int vec_parse_decimal(const char *s, size_t n, double *out)
{
	const char *p = s, *end = s + n;
	uint64_t m = 0;
	long exp = 0, e = 0;
	int neg = 0, any = 0, exact = 1;

	if (p < end && (*p == '+' || *p == '-'))
		neg = *p++ == '-';
	for (; p < end && is_digit(*p); p++, any = 1) {
		if (m < 100000000000000000ull)
			m = m * 10 + (uint64_t)(*p - '0');
		else
			exp++, exact &= *p == '0';
	}
	if (p < end && *p == '.')
		for (p++; p < end && is_digit(*p); p++, any = 1) {
			if (m < 100000000000000000ull)
				m = m * 10 + (uint64_t)(*p - '0'), exp--;
			else
				exact &= *p == '0';
		}
	if (!any)
		return -1;
	if (p < end && (*p == 'e' || *p == 'E')) {
		int eneg = 0;

		if (++p < end && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		if (p == end || !is_digit(*p))
			return -1;
		for (; p < end && is_digit(*p); p++)
			if (e < 100000)
				e = e * 10 + (*p - '0');
		exp += eneg ? -e : e;
	}
	if (p != end)
		return -1;
	if (exact && m <= (1ull << 53) && exp >= -22 && exp <= 22) {
		double d = (double)m;

		d = exp < 0 ? d / pow10_exact[-exp] : d * pow10_exact[exp];
		*out = neg ? -d : d;
		return 0;
	}
	return slow_decimal(s, n, out);
}

static inline int is_space_ascii(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

const char *vec_excerpt(char *dst, size_t cap, const char *s, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n;) {
		utf8proc_int32_t c = -1;
		utf8proc_ssize_t m = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
		                                      (utf8proc_ssize_t)(n - i < 4 ? n - i : 4), &c);
		int raw = m <= 0 || c < 0x20 || c == 0x7f;
		size_t w = raw ? 4 : (size_t)m;

		if (k + w > cap - 4) {
			memcpy(dst + k, "...", 3);
			k += 3;
			break;
		}
		if (raw) {
			snprintf(dst + k, 5, "\\x%02x", (unsigned char)s[i]);
			i++;
		} else {
			memcpy(dst + k, s + i, w);
			i += w;
		}
		k += w;
	}
	dst[k] = '\0';
	return dst;
}

/* The bytes of a binary file after its header: what format detection read first, then r. */
struct src {
	struct reader *r;
	char *pend;     /* [npend] read ahead while detecting the format */
	size_t npend, ppos;
	uint64_t off;   /* bytes of the file consumed */
};

/* Next byte, -1 at the end, -2 on a read error. */
static int src_getc(struct src *s)
{
	unsigned char c;
	ssize_t n;

	if (s->ppos < s->npend) {
		s->off++;
		return (unsigned char)s->pend[s->ppos++];
	}
	if (s->r->start < s->r->end) { /* the reader's buffer, without a call */
		s->off++;
		return (unsigned char)s->r->buf[s->r->start++];
	}
	n = reader_read(s->r, &c, 1);
	if (n < 0)
		return -2;
	if (n == 0)
		return -1;
	s->off++;
	return c;
}

static ssize_t src_read(struct src *s, void *dst, size_t n)
{
	size_t k = s->npend - s->ppos < n ? s->npend - s->ppos : n;
	ssize_t m;

	if (k > 0)
		memcpy(dst, s->pend + s->ppos, k);
	s->ppos += k;
	m = reader_read(s->r, (char *)dst + k, n - k);
	if (m < 0)
		return -1;
	s->off += k + (size_t)m;
	return (ssize_t)(k + (size_t)m);
}

struct loader {
	struct vectors *v;
	struct error *e;
	const char *name; /* the file, for messages */
	int binary;       /* rows of a binary file: messages say "row N (byte B)", not "line N" */
	uint64_t offset;  /* binary: the first byte of the row being read */
	uint64_t want;    /* rows the header gives */
	size_t cap;       /* rows allocated in v->unit */
	int raw;          /* keep the rows as read */
	float *row;       /* [dim] the values of the row being read */
	double *wide;     /* [dim] the same in double precision */
};

static int fail(struct loader *ld, uint64_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Fills ld->e with what is wrong at line (a row when binary; 0: the whole file). Returns -1. */
static int fail(struct loader *ld, uint64_t line, const char *fmt, ...)
{
	char why[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (ld->binary && line)
		return error_bad(ld->e, ld->name, 0, "row %llu (byte %llu): %s",
		                 (unsigned long long)line, (unsigned long long)ld->offset, why);
	return error_bad(ld->e, ld->name, line, "%s", why);
}

static int fail_read(struct loader *ld)
{
	return error_set(ld->e, -1, errno, NULL, 0, "read %s", ld->name);
}

/* Adds the row just read (ld->row) under word, normalised unless raw. */
static int add_row(struct loader *ld, const char *word, size_t len, uint64_t line)
{
	struct vectors *v = ld->v;
	size_t d = v->dim;
	char ex[48];
	int64_t id;

	if (len == 0)
		return fail(ld, line, "an empty word");
	id = strtab_intern(&v->words, word, len);
	if (id == -2)
		return fail(ld, line, "out of memory");
	if ((size_t)id != v->rows)
		return fail(ld, line, "the word '%s' again (first in row %lld)",
		            vec_excerpt(ex, sizeof(ex), word, len), (long long)id + 1);
	if (v->rows == ld->cap) {
		size_t nc = ld->cap * 2 < ld->want ? ld->cap * 2 : (size_t)ld->want;
		float *p = realloc(v->unit, nc * d * sizeof(float));

		if (!p)
			return fail(ld, line, "out of memory for %zu rows of %zu values", nc, d);
		v->unit = p;
		ld->cap = nc;
	}
	if (ld->raw)
		memcpy(v->unit + v->rows * d, ld->row, d * sizeof(float));
	else
		vec_unit(v->unit + v->rows * d, ld->row, d, ld->wide);
	v->rows++;
	return 0;
}

/* A text row: the word, a space, dim values separated by spaces; trailing blanks (fastText's
 * space, a CR) are ignored, as gensim does. */
static int text_row(struct loader *ld, const char *s, size_t n, uint64_t line)
{
	size_t d = ld->v->dim, count = 0, wlen;
	const char *p, *end, *sp;
	char ex[48];

	while (n > 0 && is_space_ascii(s[n - 1]))
		n--;
	if (n == 0)
		return fail(ld, line, "an empty line where a row should be");
	sp = memchr(s, ' ', n);
	wlen = sp ? (size_t)(sp - s) : n;
	for (p = s + wlen, end = s + n; p < end;) {
		const char *t;
		double x;

		while (p < end && *p == ' ')
			p++;
		t = p;
		while (p < end && *p != ' ')
			p++;
		if (count >= d) {
			count++;
			continue;
		}
		if (vec_parse_decimal(t, (size_t)(p - t), &x) < 0)
			return fail(ld, line, "value %zu, '%s', is not a number", count + 1,
			            vec_excerpt(ex, sizeof(ex), t, (size_t)(p - t)));
		ld->row[count] = (float)x;
		if (!isfinite(ld->row[count]))
			return fail(ld, line, "value %zu, '%s', is out of the range of float32",
			            count + 1, vec_excerpt(ex, sizeof(ex), t, (size_t)(p - t)));
		count++;
	}
	if (count != d)
		return fail(ld, line, "%zu values after the word, the header says %zu", count, d);
	return add_row(ld, s, wlen, line);
}

static int read_text(struct loader *ld, struct reader *r)
{
	char *line;
	ssize_t n;

	while (ld->v->rows < ld->want) {
		uint64_t lineno = ld->v->rows + 2;

		n = reader_line(r, &line);
		if (n == -2)
			return fail_read(ld);
		if (n == -1)
			return fail(ld, lineno, "the file ends after %zu of the header's %llu rows",
			            ld->v->rows, (unsigned long long)ld->want);
		if (text_row(ld, line, (size_t)n, lineno) < 0)
			return -1;
		phase_step(ld->v->rows);
	}
	for (uint64_t lineno = ld->want + 2; (n = reader_line(r, &line)) >= 0; lineno++)
		for (ssize_t i = 0; i < n; i++)
			if (!is_space_ascii(line[i]))
				return fail(ld, lineno, "more rows than the header's %llu",
				            (unsigned long long)ld->want);
	return n == -2 ? fail_read(ld) : 0;
}

/* A binary row: newlines (word2vec.c ends rows with one, gensim does not), the word up to a space,
 * then dim little-endian float32. */
static int binary_row(struct loader *ld, struct src *s, struct buf *w)
{
	size_t d = ld->v->dim;
	uint64_t row = ld->v->rows + 1;
	unsigned char *b = (unsigned char *)ld->row;
	char ex[48];
	ssize_t got;
	int c;

	while ((c = src_getc(s)) == '\n')
		;
	ld->offset = s->off - (c >= 0);
	w->len = 0;
	for (; c >= 0 && c != ' '; c = src_getc(s))
		buf_putc(w, (char)c);
	if (c == -2)
		return fail_read(ld);
	if (c == -1)
		return fail(ld, row, "the file ends after %zu of the header's %llu rows%s",
		            ld->v->rows, (unsigned long long)ld->want,
		            w->len ? ", in a word" : "");
	if ((got = src_read(s, b, d * 4)) < 0)
		return fail_read(ld);
	if ((size_t)got < d * 4)
		return fail(ld, row, "the file ends in the vector of '%s' (%zu of %zu bytes)",
		            vec_excerpt(ex, sizeof(ex), w->p, w->len), (size_t)got, d * 4);
	for (size_t i = 0; i < d; i++) {
		uint32_t u = (uint32_t)b[4 * i] | (uint32_t)b[4 * i + 1] << 8 |
		             (uint32_t)b[4 * i + 2] << 16 | (uint32_t)b[4 * i + 3] << 24;

		memcpy(&ld->row[i], &u, 4);
		if (!isfinite(ld->row[i]))
			return fail(ld, row, "value %zu of '%s' is not a finite number", i + 1,
			            vec_excerpt(ex, sizeof(ex), w->p, w->len));
	}
	return add_row(ld, w->p, w->len, row);
}

static int read_binary(struct loader *ld, struct src *s)
{
	struct buf w = {0};
	int c, ret = 0;

	ld->binary = 1;
	while (ld->v->rows < ld->want && ret == 0) {
		ret = binary_row(ld, s, &w);
		phase_step(ld->v->rows);
	}
	buf_free(&w);
	if (ret < 0)
		return -1;
	while ((c = src_getc(s)) >= 0)
		if (!is_space_ascii((char)c)) {
			ld->offset = s->off - 1;
			return fail(ld, ld->want + 1, "more data than the header's %llu rows",
			            (unsigned long long)ld->want);
		}
	return c == -2 ? fail_read(ld) : 0;
}

/* "rows dim", two decimal numbers between blanks. */
static int parse_header(const char *s, size_t n, uint64_t *num)
{
	size_t i = 0;

	for (int k = 0; k < 2; k++) {
		size_t start;

		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		start = i;
		for (num[k] = 0; i < n && is_digit(s[i]); i++) {
			if (num[k] > (UINT64_MAX - 9) / 10)
				return -1;
			num[k] = num[k] * 10 + (uint64_t)(s[i] - '0');
		}
		if (i == start)
			return -1;
	}
	while (i < n && is_space_ascii(s[i]))
		i++;
	return i == n ? 0 : -1;
}

/* Reads the header; checks the sizes against the file's length when it has one, so that a
 * damaged header does not ask for memory the file cannot fill. */
static int read_header(struct loader *ld, struct reader *r, enum vec_format f)
{
	uint64_t num[2], left, minrow;
	struct stat st;
	char *line, ex[48];
	ssize_t n = reader_line(r, &line);

	if (n == -2)
		return fail_read(ld);
	if (n == -1)
		return fail(ld, 0, "an empty file, not word vectors");
	if (parse_header(line, (size_t)n, num) < 0)
		return fail(ld, 1, "'%s' is not a header of word vectors (rows and dimension)",
		            vec_excerpt(ex, sizeof(ex), line, (size_t)n));
	if (num[1] == 0 || num[1] > VEC_MAX_DIM)
		return fail(ld, 1, "the dimension %llu is not within 1..%llu",
		            (unsigned long long)num[1], (unsigned long long)VEC_MAX_DIM);
	if (num[0] > VEC_MAX_ROWS)
		return fail(ld, 1, "%llu rows: at most %llu can be read", (unsigned long long)num[0],
		            (unsigned long long)VEC_MAX_ROWS);
	if (fstat(r->fd, &st) == 0 && S_ISREG(st.st_mode) && num[0] > 0) {
		/* the shortest row: "w 0 0 ... 0" in text, "w " and the floats in binary */
		minrow = f == VEC_BINARY ? 2 + 4 * num[1] : 1 + 2 * num[1];
		left = (uint64_t)st.st_size > r->nread ? (uint64_t)st.st_size - r->nread : 0;
		left += r->end - r->start + 1;
		if (num[0] > left / minrow)
			return fail(ld, 1, "the header says %llu rows of %llu values, more than the "
			            "file's %lld bytes can hold", (unsigned long long)num[0],
			            (unsigned long long)num[1], (long long)st.st_size);
	}
	ld->want = num[0];
	ld->v->dim = (size_t)num[1];
	return 0;
}

/* VEC_AUTO: looks at the first row. Text values are printable ASCII; float32 bytes almost never
 * all are. Returns the format; the line read is handed back in *line (text) or kept in s. */
static enum vec_format detect(struct loader *ld, struct reader *r, struct src *s, char **line,
                              ssize_t *len)
{
	ssize_t n = reader_line(r, line);
	const char *sp;
	int unterminated;

	*len = n;
	if (n == -2) {
		fail_read(ld);
		return VEC_AUTO;
	}
	if (n < 0)
		return VEC_TEXT; /* read_text reports the early end */
	unterminated = *line + n == r->buf + r->end;
	sp = memchr(*line, ' ', (size_t)n);
	for (const char *p = sp ? sp + 1 : *line + n; p < *line + n; p++)
		if ((*p < 0x20 || *p > 0x7e) && *p != '\t' && *p != '\r') {
			s->npend = (size_t)n + !unterminated;
			if (!(s->pend = malloc(s->npend))) {
				fail(ld, 2, "out of memory");
				return VEC_AUTO;
			}
			memcpy(s->pend, *line, (size_t)n);
			if (!unterminated)
				s->pend[n] = '\n';
			return VEC_BINARY;
		}
	return VEC_TEXT;
}

int vec_read(struct vectors *v, struct reader *r, enum vec_format f, struct error *e)
{
	return vec_read_rows(v, r, f, 0, e);
}

int vec_read_rows(struct vectors *v, struct reader *r, enum vec_format f, int raw,
                  struct error *e)
{
	struct loader ld = {.v = v, .e = e, .name = r->name, .raw = raw};
	struct src s = {.r = r};
	char *line = NULL;
	ssize_t n = 0;
	int ret = -1;

	memset(v, 0, sizeof(*v));
	if (strtab_init(&v->words, 1024) < 0)
		return fail(&ld, 0, "out of memory");
	if (read_header(&ld, r, f) < 0)
		goto out;
	s.off = r->nread - (r->end - r->start);
	ld.cap = ld.want < 65536 ? (size_t)ld.want : 65536;
	/* no rows, nothing to hold: the dimension of an empty file is not checked against its
	 * length, so it must not size anything */
	ld.row = malloc((ld.want ? v->dim : 1) * sizeof(float));
	ld.wide = malloc((ld.want ? v->dim : 1) * sizeof(double));
	v->unit = malloc((ld.cap ? ld.cap * v->dim : 1) * sizeof(float));
	if (!ld.row || !ld.wide || !v->unit) {
		fail(&ld, 1, "out of memory for vectors of %zu values", v->dim);
		goto out;
	}
	if (f == VEC_AUTO && ld.want > 0 && (f = detect(&ld, r, &s, &line, &n)) == VEC_AUTO)
		goto out;
	if (f == VEC_TEXT && line && text_row(&ld, line, (size_t)n, 2) < 0)
		goto out;
	v->binary = f == VEC_BINARY;
	phase_begin("loading", ld.want, "vectors");
	ret = v->binary ? read_binary(&ld, &s) : read_text(&ld, r);
out:
	free(ld.row);
	free(ld.wide);
	free(s.pend);
	if (ret < 0)
		vec_free(v);
	return ret;
}

void vec_free(struct vectors *v)
{
	free(v->unit);
	strtab_free(&v->words);
	memset(v, 0, sizeof(*v));
}

int vec_fill_rows(float *emb, size_t dim, const struct strtab *words, const struct vectors *v,
                  struct error *e)
{
	if (v->dim != dim)
		return error_bad(e, NULL, 0, "the pretrained vectors have %zu dimensions, the "
		                 "embedding %zu", v->dim, dim);
	for (size_t i = 0; i < words->n; i++) {
		size_t len;
		const char *w = strtab_key(words, i, &len);
		int64_t row = vec_find(v, w, len);

		if (row >= 0)
			memcpy(emb + i * dim, v->unit + (size_t)row * dim, dim * sizeof(float));
	}
	return 0;
}
