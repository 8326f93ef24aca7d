/* mtx.c: Matrix Market to and from our format. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/runs.h"
#include "mat/cells.h"
#include "mat/mtx.h"
#include "mat/sorter.h"

#define SPOOL_BUF (1u << 14) /* bytes copied at a time from the spool */

/* ---- Matrix Market out ---- */

#define RECORD_COMMENT "% nlp-record: " /* before each line of our header's record */

/* The header line and our comments: the element type, and the record line by line. */
static void mtx_banner(struct writer *w, const char *format, uint32_t type, const char *record)
{
	char b[128];
	int n = snprintf(b, sizeof(b), "%%%%MatrixMarket matrix %s real general\n%% nlp-mat: %s\n",
	                 format, mat_type_name(type));

	writer_write(w, b, (size_t)n);
	for (const char *p = record, *nl; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		writer_write(w, RECORD_COMMENT, strlen(RECORD_COMMENT));
		writer_write(w, p, (size_t)(nl + 1 - p));
	}
}

static void write_dims(struct writer *w, uint64_t a, uint64_t b, uint64_t c, int three)
{
	char buf[70];
	int n = three ? snprintf(buf, sizeof(buf), "%llu %llu %llu\n", (unsigned long long)a,
	                         (unsigned long long)b, (unsigned long long)c)
	              : snprintf(buf, sizeof(buf), "%llu %llu\n", (unsigned long long)a,
	                         (unsigned long long)b);

	writer_write(w, buf, (size_t)n);
}

/* Copies the spooled run fd (closed here) to w. Returns 0 or MAT_ETEMP with e filled. */
static int copy_spool(int fd, struct writer *w, struct error *e)
{
	struct reader r;
	char buf[SPOOL_BUF];
	ssize_t n;

	if (runs_read(&r, fd) < 0)
		return sorter_temp_error(e, "rewind a", errno);
	while ((n = reader_read(&r, buf, sizeof(buf))) > 0)
		writer_write(w, buf, (size_t)n);
	if (n < 0)
		sorter_temp_error(e, "read a", errno);
	reader_close(&r);
	return n < 0 ? MAT_ETEMP : 0;
}

/* A sparse stream of unknown length: the entries go to a temporary file (a run of base/runs.h)
 * until they are counted, then follow the size line. */
static int sparse_to_mtx_spooled(struct reader *r, const struct mat_header *h,
                                 struct cells_sparse *s, struct writer *w, struct error *e)
{
	struct runs_writer spool;
	int k, fd;

	if (runs_begin(&spool) < 0)
		return sorter_temp_error(e, "create a", errno);
	s->w = &spool.w;
	k = mat_visit(r, h, cells_sparse_put, s, e);
	if ((fd = runs_finish(&spool, k < 0 ? EIO : 0)) < 0)
		return k < 0 ? k : sorter_temp_error(e, "write a", errno);
	write_dims(w, h->rows, h->cols, s->n, 1);
	return copy_spool(fd, w, e);
}

int mtx_write(struct reader *r, const struct mat_header *h, uint32_t type, int precision,
              struct writer *w, struct error *e)
{
	struct cells_sparse s = {w, type ? type : h->type, CELLS_MTX, precision, 0, 0};
	char b[MAT_VALUE_BUFSIZE + 1];
	double *a;
	int k;

	if (h->kind == MAT_SPARSE) {
		mtx_banner(w, "coordinate", s.type, h->record);
		if (h->nnz == MAT_NNZ_UNKNOWN)
			return sparse_to_mtx_spooled(r, h, &s, w, e);
		write_dims(w, h->rows, h->cols, h->nnz, 1);
		return mat_visit(r, h, cells_sparse_put, &s, e);
	}
	if ((k = mat_load_dense(r, h, &a, e)) < 0)
		return k;
	type = s.type;
	mtx_banner(w, "array", type, h->record);
	write_dims(w, h->rows, h->cols, 0, 0);
	for (uint64_t j = 0; j < h->cols; j++) { /* Matrix Market arrays are column-major */
		for (uint64_t i = 0; i < h->rows; i++) {
			double v = a[i * h->cols + j];
			int n;

			if (!cells_fit(type, &v)) {
				free(a);
				return cells_range_error(e, type, i, j);
			}
			n = mat_format_value(b, type, v, precision);
			b[n++] = '\n';
			writer_write(w, b, (size_t)n);
		}
	}
	free(a);
	return 0;
}

/* ---- Matrix Market in ---- */

#define MTX_TOKENS 5 /* fields kept of a line: the header has the most */

enum { MTX_REAL, MTX_INTEGER, MTX_PATTERN };
enum { MTX_GENERAL, MTX_SYMMETRIC, MTX_SKEW };

struct mtx {
	struct reader *r;
	uint64_t line;          /* of the last line read */
	int array, field, sym;
	uint64_t rows, cols, entries, seen;
	uint64_t ai, aj;        /* an array's next cell */
	uint32_t type;          /* of the output, for range checks */
	uint32_t hint;          /* from a "% nlp-mat: float32" comment, or 0 */
	char record[MAT_RECORD_MAX + 1]; /* from "% nlp-record: LINE" comments */
	int sum_dups;           /* repeated entries allowed: there may be more than cells */
	char *tok[MTX_TOKENS];
	int ntok;               /* fields on the line, counted beyond MTX_TOKENS */
};

static int mtx_err(struct mtx *m, struct error *e, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int mtx_err(struct mtx *m, struct error *e, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return error_set(e, MAT_EFORMAT, 0, m->r->name, m->line, "%s", msg);
}

/* Next line, split into fields at spaces and tabs. Returns 1, 0 at the end, or an error. */
static int mtx_line(struct mtx *m, char **line, struct error *e)
{
	char *p;
	ssize_t n = reader_line(m->r, line);

	if (n == -1)
		return 0;
	if (n < 0)
		return mat_read_error(e, m->r);
	m->line++;
	if (n > 0 && (*line)[n - 1] == '\r')
		(*line)[n - 1] = '\0';
	if (strncmp(*line, RECORD_COMMENT, strlen(RECORD_COMMENT)) == 0) {
		struct error why;

		if (mat_record_append(m->record, *line + strlen(RECORD_COMMENT), &why) < 0)
			return mtx_err(m, e, "%s", why.msg);
	}
	m->ntok = 0;
	for (p = *line; *p;) {
		p += strspn(p, " \t");
		if (!*p)
			break;
		if (m->ntok < MTX_TOKENS)
			m->tok[m->ntok] = p;
		m->ntok++;
		p += strcspn(p, " \t");
		if (*p)
			*p++ = '\0';
	}
	return 1;
}

/* The next line that is neither blank nor a comment; a "% nlp-mat: TYPE" comment sets the
 * type hint. */
static int mtx_data_line(struct mtx *m, struct error *e)
{
	char *line;
	int k;

	while ((k = mtx_line(m, &line, e)) == 1) {
		if (line[0] == '%') { /* mtx_line has cut the line into fields */
			if (m->ntok == 3 && strcmp(m->tok[0], "%") == 0 &&
			    strcmp(m->tok[1], "nlp-mat:") == 0) {
				if (strcmp(m->tok[2], "float32") == 0)
					m->hint = MAT_F32;
				else if (strcmp(m->tok[2], "float64") == 0)
					m->hint = MAT_F64;
			}
			continue;
		}
		if (m->ntok > 0)
			return 1;
	}
	return k;
}

static int parse_u64(const char *s, uint64_t *v)
{
	uint64_t x = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || x > (UINT64_MAX - 9) / 10)
			return -1;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	*v = x;
	return 0;
}

static int mtx_banner_fields(struct mtx *m, struct error *e)
{
	static const char *fields[] = {"real", "double", "integer", "pattern"};
	static const int fieldv[] = {MTX_REAL, MTX_REAL, MTX_INTEGER, MTX_PATTERN};
	int i;

	if (m->ntok != 5)
		return mtx_err(m, e, "the header has %d fields, not 5 "
		                     "(%%%%MatrixMarket matrix format field symmetry)", m->ntok);
	if (strcasecmp(m->tok[1], "matrix") != 0)
		return mtx_err(m, e, "object '%s' is not 'matrix'", m->tok[1]);
	if (strcasecmp(m->tok[2], "coordinate") == 0)
		m->array = 0;
	else if (strcasecmp(m->tok[2], "array") == 0)
		m->array = 1;
	else
		return mtx_err(m, e, "format '%s' is not 'coordinate' or 'array'", m->tok[2]);
	for (i = 0; i < 4 && strcasecmp(m->tok[3], fields[i]) != 0; i++)
		;
	if (i == 4)
		return strcasecmp(m->tok[3], "complex") == 0
		           ? mtx_err(m, e, "complex matrices are not supported")
		           : mtx_err(m, e, "field '%s' is not real, double, integer or pattern",
		                     m->tok[3]);
	m->field = fieldv[i];
	if (m->array && m->field == MTX_PATTERN)
		return mtx_err(m, e, "an array cannot have the pattern field");
	return 0;
}

static int mtx_symmetry(struct mtx *m, const char *s, struct error *e)
{
	if (strcasecmp(s, "general") == 0)
		m->sym = MTX_GENERAL;
	else if (strcasecmp(s, "symmetric") == 0)
		m->sym = MTX_SYMMETRIC;
	else if (strcasecmp(s, "skew-symmetric") == 0)
		m->sym = MTX_SKEW;
	else if (strcasecmp(s, "hermitian") == 0)
		return mtx_err(m, e, "hermitian symmetry is for complex matrices");
	else
		return mtx_err(m, e, "symmetry '%s' is not general, symmetric or skew-symmetric",
		               s);
	return 0;
}

/* The most entries a file of this shape and symmetry can list. */
static uint64_t mtx_max_entries(const struct mtx *m)
{
	if (m->sym == MTX_SYMMETRIC)
		return m->rows * (m->rows + 1) / 2;
	if (m->sym == MTX_SKEW)
		return m->rows ? m->rows * (m->rows - 1) / 2 : 0;
	return m->rows * m->cols;
}

static int mtx_size_line(struct mtx *m, struct error *e)
{
	int k = mtx_data_line(m, e), want = m->array ? 2 : 3;

	if (k < 0)
		return k;
	if (k == 0)
		return error_set(e, MAT_EFORMAT, 0, m->r->name, 0, "no size line");
	if (m->ntok != want)
		return mtx_err(m, e, "the size line has %d fields, not %d", m->ntok, want);
	if (parse_u64(m->tok[0], &m->rows) < 0 || parse_u64(m->tok[1], &m->cols) < 0 ||
	    (!m->array && parse_u64(m->tok[2], &m->entries) < 0))
		return mtx_err(m, e, "the size line is not %d non-negative integers", want);
	if (m->rows > MAT_MAX_DIM || m->cols > MAT_MAX_DIM)
		return mtx_err(m, e, "%llux%llu: more than %llu rows or columns",
		               (unsigned long long)m->rows, (unsigned long long)m->cols,
		               (unsigned long long)MAT_MAX_DIM);
	if (m->sym != MTX_GENERAL && m->rows != m->cols)
		return mtx_err(m, e, "a %s matrix must be square, not %llux%llu",
		               m->sym == MTX_SKEW ? "skew-symmetric" : "symmetric",
		               (unsigned long long)m->rows, (unsigned long long)m->cols);
	if (m->array)
		m->entries = mtx_max_entries(m);
	else if (!m->sum_dups && m->entries > mtx_max_entries(m))
		return mtx_err(m, e, "%llu entries do not fit in a %llux%llu matrix",
		               (unsigned long long)m->entries, (unsigned long long)m->rows,
		               (unsigned long long)m->cols);
	if (m->array && m->sym == MTX_SKEW)
		m->ai = 1; /* the diagonal is not listed */
	return 0;
}

static int mtx_read_header(struct mtx *m, struct error *e)
{
	char *line;
	int k = mtx_line(m, &line, e);

	if (k < 0)
		return k;
	if (k == 0)
		return error_set(e, MAT_EFORMAT, 0, m->r->name, 0, "empty file: no %%%%MatrixMarket header");
	if (m->ntok == 0 || strcmp(m->tok[0], "%%MatrixMarket") != 0)
		return mtx_err(m, e, "not a Matrix Market file (no %%%%MatrixMarket header)");
	if ((k = mtx_banner_fields(m, e)) < 0 || (k = mtx_symmetry(m, m->tok[4], e)) < 0)
		return k;
	return mtx_size_line(m, e);
}

static int mtx_index(struct mtx *m, const char *s, uint64_t max, const char *what,
                     uint32_t *out, struct error *e)
{
	uint64_t v;

	if (parse_u64(s, &v) < 0)
		return mtx_err(m, e, "%s index '%s' is not a positive integer", what, s);
	if (v < 1 || v > max)
		return mtx_err(m, e, "%s index %s out of range 1..%llu", what, s,
		               (unsigned long long)max);
	*out = (uint32_t)(v - 1);
	return 0;
}

static int mtx_value(struct mtx *m, const char *s, double *v, struct error *e)
{
	char *end;

	errno = 0;
	if (m->field == MTX_INTEGER) {
		long long x = strtoll(s, &end, 10);

		if (end == s || *end)
			return mtx_err(m, e, "'%s' is not an integer", s);
		if (errno == ERANGE)
			return mtx_err(m, e, "integer %s is out of range", s);
		*v = (double)x;
	} else {
		*v = strtod(s, &end);
		if (end == s || *end)
			return mtx_err(m, e, "'%s' is not a number", s);
		if (!isfinite(*v))
			return mtx_err(m, e, "value %s is not finite", s);
		if (m->type == MAT_F32) /* straight to the nearest float32, not through a double */
			*v = strtof(s, NULL);
	}
	if (!cells_fit(m->type, v))
		return mtx_err(m, e, "value %s is out of the range of %s", s, mat_type_name(m->type));
	return 0;
}

/* Next entry as a 0-based cell (an array's in column-major order). Returns 1, or 0 after the
 * last entry when nothing but comments and blank lines follow it. */
static int mtx_next(struct mtx *m, uint32_t *i, uint32_t *j, double *v, struct error *e)
{
	int k = mtx_data_line(m, e), want = m->array ? 1 : m->field == MTX_PATTERN ? 2 : 3;

	if (k < 0)
		return k;
	if (m->seen == m->entries) {
		if (k == 1)
			return mtx_err(m, e, "more entries than the %llu of the size line",
			               (unsigned long long)m->entries);
		return 0;
	}
	if (k == 0)
		return error_set(e, MAT_EFORMAT, 0, m->r->name, 0, "the file ends after %llu of %llu entries",
		            (unsigned long long)m->seen, (unsigned long long)m->entries);
	if (m->ntok != want)
		return mtx_err(m, e, "%d fields, not %d", m->ntok, want);
	if (m->array) {
		*i = (uint32_t)m->ai;
		*j = (uint32_t)m->aj;
		if (++m->ai == m->rows) { /* next column; a symmetric one starts at the diagonal */
			m->aj++;
			m->ai = m->sym == MTX_GENERAL     ? 0
			        : m->sym == MTX_SYMMETRIC ? m->aj
			                                  : m->aj + 1;
		}
	} else if ((k = mtx_index(m, m->tok[0], m->rows, "row", i, e)) < 0 ||
	           (k = mtx_index(m, m->tok[1], m->cols, "column", j, e)) < 0) {
		return k;
	}
	if (m->field == MTX_PATTERN)
		*v = 1;
	else if ((k = mtx_value(m, m->tok[want - 1], v, e)) < 0)
		return k;
	if (m->sym == MTX_SKEW && *i == *j)
		return mtx_err(m, e, "a diagonal entry in a skew-symmetric matrix");
	m->seen++;
	return 1;
}

/* Feeds the sorter every cell of the file, and the mirror image of each below the diagonal of a
 * symmetric (skew-symmetric) one. Returns 0 or a negative code with e filled. */
static int mtx_sort(struct mtx *m, struct sorter *t, struct error *e)
{
	uint32_t i, j;
	double v = 0;
	int k;

	while ((k = mtx_next(m, &i, &j, &v, e)) == 1) {
		if ((k = sorter_add(t, i, j, v, e)) < 0)
			break;
		if (m->sym != MTX_GENERAL && i != j &&
		    (k = sorter_add(t, j, i, m->sym == MTX_SKEW ? -v : v, e)) < 0)
			break;
	}
	return k;
}

/* An array lists its values column by column: the sorter puts them in rows (in memory bytes,
 * spilling past them), so a size line alone, however large, asks for nothing. */
static int mtx_dense(struct mtx *m, size_t memory, struct writer *w, struct error *e)
{
	struct mat_header h = {.kind = MAT_DENSE, .type = m->type, .rows = m->rows,
	                       .cols = m->cols};
	struct sorter t;
	int k;

	sorter_init(&t, memory, SORTER_DUPS_FAIL);
	if ((k = mtx_sort(m, &t, e)) == 0) { /* record comments may come anywhere */
		memcpy(h.record, m->record, sizeof(h.record));
		k = sorter_write_dense(&t, &h, w, e);
	}
	sorter_free(&t);
	return k;
}

static int mtx_sparse(struct mtx *m, enum sorter_dups dups, size_t memory, struct writer *w,
                      struct error *e)
{
	struct mat_header h = {.kind = MAT_SPARSE, .type = m->type, .rows = m->rows,
	                       .cols = m->cols};
	struct cells_sparse s = {w, m->type, CELLS_BINARY, 0, 0, 0};
	struct sorter t;
	uint32_t i, j;
	double v;
	int k;

	sorter_init(&t, memory, dups);
	if ((k = mtx_sort(m, &t, e)) == 0) /* record comments may come anywhere */
		memcpy(h.record, m->record, sizeof(h.record));
	if (k == 0 && (k = sorter_finish(&t, &h.nnz, e)) == 0 &&
	    (k = mat_write_header(w, &h, e)) == 0) {
		while ((k = sorter_next(&t, &i, &j, &v, e)) == 1)
			if ((k = cells_sparse_put(&s, i, j, v, e)) < 0)
				break;
	}
	if (k < 0 && !e->name && (e->code == MAT_EFORMAT || e->code == MAT_EDUP))
		e->name = m->r->name; /* a repeated entry or an overflowing sum */
	sorter_free(&t);
	return k;
}

int mtx_read(struct reader *r, uint32_t type, enum sorter_dups dups, size_t memory,
             struct writer *w, struct error *e)
{
	struct mtx m = {.r = r, .type = type ? type : MAT_F64, .sum_dups = dups == SORTER_DUPS_SUM};
	int k = mtx_read_header(&m, e);

	if (k < 0)
		return k;
	if (!type && m.hint)
		m.type = m.hint;
	return m.array ? mtx_dense(&m, memory, w, e) : mtx_sparse(&m, dups, memory, w, e);
}
