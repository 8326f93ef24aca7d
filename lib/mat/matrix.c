/* matrix.c: header, triple and value encoding of the nlp matrix format, with the checks a reader
 * makes before trusting any size; reading a whole body; the text form of values. */
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/le.h"
#include "base/phase.h"
#include "mat/matrix.h"

#define VALUE_BLOCK 4096 /* dense values read at a time */

/* What a reader's or writer's code means, as users read it. */
static const char *mat_what(int err)
{
	switch (err) {
	case MAT_OK: return "no error";
	case MAT_EIO: return "read or write error";
	case MAT_ETRUNC: return "truncated matrix";
	case MAT_EMAGIC: return "not an nlp matrix (bad magic)";
	case MAT_EVERSION: return "unsupported matrix format version";
	case MAT_EHEADER: return "invalid matrix header";
	case MAT_ERANGE: return "index out of range";
	case MAT_EORDER: return "triples not sorted by row then column";
	case MAT_ECOUNT: return "number of triples differs from the header";
	case MAT_EVALUE: return "value is not finite";
	case MAT_ERECORD: return "invalid matrix record";
	default: return "unknown matrix error";
	}
}

int mat_read_error(struct error *e, const struct reader *r)
{
	return error_set(e, MAT_EIO, errno, NULL, 0, "read %s", r->name);
}

/* Fills e for err met while reading r: "read NAME: reason" or "NAME: what". */
static int read_fail(struct error *e, int err, const struct reader *r)
{
	if (err == MAT_EIO)
		return mat_read_error(e, r);
	return error_set(e, err, 0, r->name, 0, "%s", mat_what(err));
}

const char *mat_type_name(uint32_t type)
{
	return type == MAT_F32 ? "float32" : "float64";
}

static size_t type_size(uint32_t type)
{
	return type == MAT_F32 ? 4 : 8;
}

/* Layout: magic[8], version u32, kind u32, type u32, record length u32 (0 in version 1),
 * rows u64, cols u64, nnz u64, reserved u64 (0) x 2 = 64 bytes; then the record (version 2). */
int mat_write_header(struct writer *w, const struct mat_header *h, struct error *e)
{
	unsigned char b[MAT_HEADER_SIZE] = {0};
	size_t nrec = strnlen(h->record, sizeof(h->record));

	if ((h->kind != MAT_DENSE && h->kind != MAT_SPARSE) ||
	    (h->type != MAT_F32 && h->type != MAT_F64) || h->rows > MAT_MAX_DIM ||
	    h->cols > MAT_MAX_DIM)
		return error_set(e, MAT_EHEADER, 0, NULL, 0, "write the matrix header: %s",
		                 mat_what(MAT_EHEADER));
	if (!mat_record_valid(h->record, nrec))
		return error_set(e, MAT_ERECORD, 0, NULL, 0, "write the matrix header: %s",
		                 mat_what(MAT_ERECORD));
	memcpy(b, MAT_MAGIC, 8);
	le_put_u32(b + 8, nrec ? MAT_VERSION_RECORD : MAT_VERSION);
	le_put_u32(b + 12, h->kind);
	le_put_u32(b + 16, h->type);
	le_put_u32(b + 20, (uint32_t)nrec);
	le_put_u64(b + 24, h->rows);
	le_put_u64(b + 32, h->cols);
	le_put_u64(b + 40, h->kind == MAT_DENSE ? h->rows * h->cols : h->nnz);
	writer_write(w, (const char *)b, sizeof(b));
	writer_write(w, h->record, nrec);
	if (w->err)
		return error_set(e, MAT_EIO, w->err, NULL, 0, "write the matrix header: %s",
		                 mat_what(MAT_EIO));
	return MAT_OK;
}

static void put_value(unsigned char *p, uint32_t type, double v)
{
	if (type == MAT_F32) {
		float f = (float)v;
		uint32_t u;

		memcpy(&u, &f, 4);
		le_put_u32(p, u);
	} else {
		uint64_t u;

		memcpy(&u, &v, 8);
		le_put_u64(p, u);
	}
}

static double get_value(const unsigned char *p, uint32_t type)
{
	if (type == MAT_F32) {
		uint32_t u = le_get_u32(p);
		float f;

		memcpy(&f, &u, 4);
		return f;
	} else {
		uint64_t u = le_get_u64(p);
		double d;

		memcpy(&d, &u, 8);
		return d;
	}
}

void mat_write_triple(struct writer *w, uint32_t type, uint32_t row, uint32_t col, double v)
{
	unsigned char b[16];

	le_put_u32(b, row);
	le_put_u32(b + 4, col);
	put_value(b + 8, type, v);
	writer_write(w, (const char *)b, 8 + type_size(type));
}

void mat_write_value(struct writer *w, uint32_t type, double v)
{
	unsigned char b[8];

	put_value(b, type, v);
	writer_write(w, (const char *)b, type_size(type));
}

int mat_write_dense(struct writer *w, const float *v, uint64_t rows, uint64_t cols,
                    struct error *e)
{
	struct mat_header h = {.kind = MAT_DENSE, .type = MAT_F32, .rows = rows, .cols = cols,
	                       .nnz = rows * cols};
	int k = mat_write_header(w, &h, e);

	if (k < 0)
		return k;
	for (uint64_t i = 0; i < rows * cols; i++)
		mat_write_value(w, MAT_F32, v[i]);
	return 0;
}

/* The header's error, without e. */
static int read_header(struct reader *r, struct mat_header *h)
{
	unsigned char b[MAT_HEADER_SIZE];
	ssize_t n = reader_read(r, b, sizeof(b));
	uint32_t version, nrec;

	h->record[0] = '\0';
	if (n < 0)
		return MAT_EIO;
	if (n >= 8 && memcmp(b, MAT_MAGIC, 8) != 0)
		return MAT_EMAGIC;
	if (n < (ssize_t)sizeof(b))
		return n < 8 && memcmp(b, MAT_MAGIC, (size_t)n) != 0 ? MAT_EMAGIC : MAT_ETRUNC;
	version = le_get_u32(b + 8);
	if (version != MAT_VERSION && version != MAT_VERSION_RECORD)
		return MAT_EVERSION;
	h->kind = le_get_u32(b + 12);
	h->type = le_get_u32(b + 16);
	h->rows = le_get_u64(b + 24);
	h->cols = le_get_u64(b + 32);
	h->nnz = le_get_u64(b + 40);
	nrec = le_get_u32(b + 20); /* the record's length: none in version 1, some in version 2 */
	if ((h->kind != MAT_DENSE && h->kind != MAT_SPARSE) ||
	    (h->type != MAT_F32 && h->type != MAT_F64) ||
	    (version == MAT_VERSION ? nrec != 0 : nrec == 0 || nrec > MAT_RECORD_MAX) ||
	    le_get_u64(b + 48) != 0 || le_get_u64(b + 56) != 0 || h->rows > MAT_MAX_DIM ||
	    h->cols > MAT_MAX_DIM)
		return MAT_EHEADER;
	if (h->kind == MAT_DENSE && h->nnz != h->rows * h->cols)
		return MAT_EHEADER;
	if (h->kind == MAT_SPARSE && h->nnz != MAT_NNZ_UNKNOWN &&
	    h->nnz > h->rows * h->cols) /* both below 2^32: no overflow */
		return MAT_EHEADER;        /* more entries than cells */
	if (nrec > 0) {
		if ((n = reader_read(r, h->record, nrec)) < 0)
			return MAT_EIO;
		if ((size_t)n < nrec)
			return MAT_ETRUNC;
		h->record[nrec] = '\0';
		if (!mat_record_valid(h->record, nrec)) {
			h->record[0] = '\0';
			return MAT_ERECORD;
		}
	}
	return MAT_OK;
}

int mat_read_header(struct reader *r, struct mat_header *h, struct error *e)
{
	int k = read_header(r, h);

	return k < 0 ? read_fail(e, k, r) : 0;
}

int mat_reread(struct reader *r, int fd, const char *name, struct mat_header *h,
               struct error *e)
{
	if (reader_reread(r, fd, name) < 0)
		return error_set(e, MAT_EIO, errno, NULL, 0, "read %s", name);
	return mat_read_header(r, h, e);
}

void mat_cursor_init(struct mat_cursor *c, const struct mat_header *h)
{
	c->h = *h;
	c->seen = 0;
	c->last_row = c->last_col = 0;
	c->quiet = 0;
}

/* mat_next_triple's work, its error without e. */
static inline int next_triple(struct reader *r, struct mat_cursor *c, uint32_t *row,
                              uint32_t *col, double *v)
{
	unsigned char b[16];
	size_t size = 8 + type_size(c->h.type);
	ssize_t n;

	if (c->h.nnz != MAT_NNZ_UNKNOWN && c->seen == c->h.nnz) {
		/* the header's count is reached: anything after it is an error */
		n = reader_read(r, b, 1);
		return n < 0 ? MAT_EIO : n > 0 ? MAT_ECOUNT : 0;
	}
	n = reader_read(r, b, size);
	if (n < 0)
		return MAT_EIO;
	if (n == 0)
		return c->h.nnz == MAT_NNZ_UNKNOWN ? 0 : MAT_ECOUNT;
	if ((size_t)n < size)
		return MAT_ETRUNC;
	*row = le_get_u32(b);
	*col = le_get_u32(b + 4);
	*v = get_value(b + 8, c->h.type);
	if (*row >= c->h.rows || *col >= c->h.cols)
		return MAT_ERANGE;
	if (c->seen > 0 && (*row < c->last_row || (*row == c->last_row && *col <= c->last_col)))
		return MAT_EORDER;
	if (!isfinite(*v))
		return MAT_EVALUE;
	c->last_row = *row;
	c->last_col = *col;
	c->seen++;
	return 1;
}

int mat_next_triple(struct reader *r, struct mat_cursor *c, uint32_t *row, uint32_t *col,
                    double *v, struct error *e)
{
	int k = next_triple(r, c, row, col, v);

	if ((c->seen & 0xffff) == 0 && !c->quiet) /* every 2^16 cells */
		phase_step(r->nread);
	return k < 0 ? read_fail(e, k, r) : k;
}

static int read_values(struct reader *r, uint32_t type, double *v, uint64_t n)
{
	unsigned char b[8];
	size_t size = type_size(type);

	for (uint64_t i = 0; i < n; i++) {
		ssize_t k = reader_read(r, b, size);

		if (k < 0)
			return MAT_EIO;
		if ((size_t)k < size)
			return MAT_ETRUNC;
		v[i] = get_value(b, type);
		if (!isfinite(v[i]))
			return MAT_EVALUE;
		if ((i & 0xffff) == 0xffff)
			phase_step(r->nread);
	}
	return MAT_OK;
}

int mat_read_values(struct reader *r, uint32_t type, double *v, uint64_t n, struct error *e)
{
	int k = read_values(r, type, v, n);

	return k < 0 ? read_fail(e, k, r) : 0;
}

int mat_dense_end(struct reader *r, const char *what, struct error *e)
{
	char b;
	ssize_t n = reader_read(r, &b, 1);

	if (n < 0)
		return mat_read_error(e, r);
	if (n > 0)
		return error_set(e, MAT_EFORMAT, 0, r->name, 0, "bytes after the last value of the %s",
		                 what);
	return 0;
}

int mat_load_dense(struct reader *r, const struct mat_header *h, double **v, struct error *e)
{
	uint64_t n = h->rows * h->cols;
	int k;

	*v = NULL;
	if (n > SIZE_MAX / sizeof(double) || !(*v = malloc(n ? n * sizeof(double) : 1)))
		return error_set(e, MAT_ENOMEM, 0, NULL, 0, "out of memory");
	if ((k = mat_read_values(r, h->type, *v, n, e)) == 0)
		k = mat_dense_end(r, "matrix", e);
	if (k < 0) {
		free(*v);
		*v = NULL;
	}
	return k;
}

int mat_visit(struct reader *r, const struct mat_header *h, mat_visit_fn fn, void *ctx,
              struct error *e)
{
	uint32_t row, col;
	double v;
	int k;

	if (h->kind == MAT_SPARSE) {
		struct mat_cursor c;

		mat_cursor_init(&c, h);
		while ((k = mat_next_triple(r, &c, &row, &col, &v, e)) == 1)
			if ((k = fn(ctx, row, col, v, e)) < 0)
				return k;
		return k;
	}
	double *buf = malloc(VALUE_BLOCK * sizeof(double));
	uint64_t left = h->rows * h->cols, i = 0, j = 0;

	if (!buf)
		return error_set(e, MAT_ENOMEM, 0, NULL, 0, "out of memory");
	while (left > 0) {
		uint64_t n = left < VALUE_BLOCK ? left : VALUE_BLOCK;

		if ((k = mat_read_values(r, h->type, buf, n, e)) < 0) {
			free(buf);
			return k;
		}
		for (uint64_t x = 0; x < n; x++) {
			if ((k = fn(ctx, (uint32_t)i, (uint32_t)j, buf[x], e)) < 0) {
				free(buf);
				return k;
			}
			if (++j == h->cols) {
				j = 0;
				i++;
			}
		}
		left -= n;
	}
	free(buf);
	return mat_dense_end(r, "matrix", e);
}

int mat_begin_stream(struct writer *w, const struct mat_header *h, off_t *start,
                     struct error *e)
{
	off_t at = lseek(w->fd, 0, SEEK_CUR);
	int fl = fcntl(w->fd, F_GETFL);

	if (at >= 0)
		at += (off_t)w->len; /* bytes buffered but not yet written */
	*start = fl < 0 || (fl & O_APPEND) ? -1 : at; /* appended: pwrite would miss the header */
	return mat_write_header(w, h, e);
}

int mat_write_nnz_at(int fd, off_t start, uint64_t nnz)
{
	unsigned char le[8];
	ssize_t n;

	le_put_u64(le, nnz);
	if ((n = pwrite(fd, le, 8, start + 40)) == 8)
		return 0;
	if (n >= 0)
		errno = EIO;
	return -1;
}

int mat_patch_nnz(struct writer *w, off_t start, uint64_t nnz, struct error *e)
{
	if (start < 0)
		return 0;
	if (writer_flush(w) == 0) {
		if (mat_write_nnz_at(w->fd, start, nnz) == 0)
			return 0;
	} else {
		errno = w->err;
	}
	return error_set(e, MAT_EIO, errno, NULL, 0,
	                 "could not write the number of triples into the header (left unknown)");
}

/* ---- records ---- */

/* The length of the word [a-z][a-z0-9-]* at p[0..n): 0 when there is none. */
static size_t record_word(const char *p, size_t n)
{
	size_t i = 0;

	if (n == 0 || p[0] < 'a' || p[0] > 'z')
		return 0;
	while (i < n && ((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= '0' && p[i] <= '9') || p[i] == '-'))
		i++;
	return i;
}

/* Whether line[0..n) (no '\n') is a stage word and KEY=VALUE fields, separated by one space. */
static int record_line_valid(const char *line, size_t n)
{
	size_t i = record_word(line, n);

	if (i == 0)
		return 0;
	while (i < n) {
		size_t k, v = 0;

		if (line[i++] != ' ' || (k = record_word(line + i, n - i)) == 0)
			return 0;
		i += k;
		if (i == n || line[i++] != '=')
			return 0;
		while (i < n && line[i] > ' ' && line[i] < 127) {
			i++;
			v++;
		}
		if (v == 0)
			return 0;
	}
	return 1;
}

int mat_record_valid(const char *rec, size_t n)
{
	size_t i = 0;

	if (n > MAT_RECORD_MAX || (n > 0 && rec[n - 1] != '\n'))
		return 0;
	while (i < n) {
		const char *nl = memchr(rec + i, '\n', n - i);
		size_t len = (size_t)(nl - (rec + i));

		if (!record_line_valid(rec + i, len))
			return 0;
		i += len + 1;
	}
	return 1;
}

int mat_record_append(char *rec, const char *line, struct error *e)
{
	size_t n = strlen(rec), len = strlen(line);

	if (!record_line_valid(line, len))
		return error_set(e, MAT_ERECORD, 0, NULL, 0, "%s: '%s'", mat_what(MAT_ERECORD), line);
	if (n + len + 1 > MAT_RECORD_MAX)
		return error_set(e, MAT_ERECORD, 0, NULL, 0,
		                 "the record of how the matrix was made would pass %d bytes",
		                 MAT_RECORD_MAX);
	memcpy(rec + n, line, len);
	rec[n + len] = '\n';
	rec[n + len + 1] = '\0';
	return 0;
}

const char *mat_record_last(const char *rec, size_t *len)
{
	size_t n = strlen(rec), i;

	if (n == 0)
		return NULL;
	for (i = n - 1; i > 0 && rec[i - 1] != '\n'; i--)
		;
	*len = n - 1 - i;
	return rec + i;
}

int mat_record_field(const char *line, size_t n, const char *key, char *val, size_t cap)
{
	size_t klen = strlen(key), i = 0;

	while (i < n && line[i] != ' ') /* the stage */
		i++;
	while (i < n) {
		size_t j = ++i;

		while (j < n && line[j] != ' ')
			j++;
		if (j - i > klen && memcmp(line + i, key, klen) == 0 && line[i + klen] == '=') {
			size_t vlen = j - i - klen - 1;

			if (vlen >= cap)
				return 0;
			memcpy(val, line + i + klen + 1, vlen);
			val[vlen] = '\0';
			return 1;
		}
		i = j;
	}
	return 0;
}

/* ---- values as text ---- */

int mat_format_value(char *buf, uint32_t type, double v, int precision)
{
	if (type == MAT_F32) {
		float f = (float)v;

		if (precision > 0)
			return snprintf(buf, MAT_VALUE_BUFSIZE, "%.*g", precision, (double)f);
		/* %g drops trailing zeros: the first precision that reads back is the shortest */
		for (int p = FLT_DIG; p < 9; p++) {
			int n = snprintf(buf, MAT_VALUE_BUFSIZE, "%.*g", p, (double)f);

			if (strtof(buf, NULL) == f)
				return n;
		}
		return snprintf(buf, MAT_VALUE_BUFSIZE, "%.9g", (double)f);
	}
	if (precision > 0)
		return snprintf(buf, MAT_VALUE_BUFSIZE, "%.*g", precision, v);
	for (int p = DBL_DIG; p < 17; p++) {
		int n = snprintf(buf, MAT_VALUE_BUFSIZE, "%.*g", p, v);

		if (strtod(buf, NULL) == v)
			return n;
	}
	return snprintf(buf, MAT_VALUE_BUFSIZE, "%.17g", v);
}

/* The decimal digits of v at p; returns their end. */
static char *put_decimal(char *p, uint64_t v)
{
	char tmp[20];
	int n = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) > 0);
	while (n > 0)
		*p++ = tmp[--n];
	return p;
}

void mat_write_text_triple(struct writer *w, enum mat_text_form form, uint32_t type,
                           uint32_t row, uint32_t col, double v, int precision)
{
	char line[2 * 21 + MAT_VALUE_BUFSIZE + 2], *p = line;
	uint64_t base = form == MAT_TEXT_MTX;
	char sep = form == MAT_TEXT_MTX ? ' ' : '\t';

	p = put_decimal(p, row + base);
	*p++ = sep;
	p = put_decimal(p, col + base);
	*p++ = sep;
	p += mat_format_value(p, type, v, precision);
	*p++ = '\n';
	writer_write(w, line, (size_t)(p - line));
}
