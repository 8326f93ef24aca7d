/* npy.c: NumPy .npy arrays to and from our format. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mat/cells.h"
#include "mat/npy.h"
#include "mat/sorter.h"

#define VALUE_BLOCK 4096 /* values read at a time */
#define NPY_MAGIC "\x93NUMPY"
#define NPY_ALIGN 64

int npy_write_header(struct writer *w, const struct npy_header *h, struct error *e)
{
	char dict[160], pre[10];
	int n = snprintf(dict, sizeof(dict),
	                 "{'descr': '%s', 'fortran_order': False, 'shape': (%llu, %llu), }",
	                 h->type == MAT_F32 ? "<f4" : "<f8", (unsigned long long)h->rows,
	                 (unsigned long long)h->cols);
	/* as numpy.save: spaces and a newline pad the header to a multiple of 64 bytes */
	size_t len = (size_t)n + 1, pad = NPY_ALIGN - (10 + len) % NPY_ALIGN;

	len += pad;
	memcpy(pre, NPY_MAGIC "\x01\x00", 8);
	pre[8] = (char)(len & 0xff);
	pre[9] = (char)(len >> 8);
	writer_write(w, pre, 10);
	writer_write(w, dict, (size_t)n);
	for (size_t i = 0; i < pad; i++)
		writer_putc(w, ' ');
	writer_putc(w, '\n');
	if (w->err)
		return error_set(e, MAT_EIO, w->err, NULL, 0, "write the .npy header");
	return 0;
}

/* A cursor over the header's text, a Python dict literal. */
struct npy_parse {
	const char *p, *end;
};

static void npy_ws(struct npy_parse *q)
{
	while (q->p < q->end && strchr(" \t\r\n", *q->p) && *q->p)
		q->p++;
}

static int npy_char(struct npy_parse *q, char c)
{
	npy_ws(q);
	if (q->p < q->end && *q->p == c) {
		q->p++;
		return 1;
	}
	return 0;
}

/* A quoted string (no escapes) into out[size]. */
static int npy_string(struct npy_parse *q, char *out, size_t size)
{
	char quote;
	size_t n = 0;

	npy_ws(q);
	if (q->p >= q->end || (*q->p != '\'' && *q->p != '"'))
		return -1;
	quote = *q->p++;
	while (q->p < q->end && *q->p != quote) {
		if (*q->p == '\\' || n + 1 >= size)
			return -1;
		out[n++] = *q->p++;
	}
	if (q->p >= q->end)
		return -1;
	q->p++;
	out[n] = '\0';
	return 0;
}

static int npy_word(struct npy_parse *q, const char *w)
{
	size_t n = strlen(w);

	npy_ws(q);
	if ((size_t)(q->end - q->p) >= n && memcmp(q->p, w, n) == 0) {
		q->p += n;
		return 1;
	}
	return 0;
}

/* A tuple of non-negative integers; *ndim counts them all, dims[] keeps the first 3. */
static int npy_shape(struct npy_parse *q, uint64_t dims[3], int *ndim)
{
	*ndim = 0;
	if (!npy_char(q, '('))
		return -1;
	for (;;) {
		uint64_t v = 0;
		const char *start;

		if (npy_char(q, ')'))
			return 0;
		npy_ws(q);
		start = q->p;
		while (q->p < q->end && *q->p >= '0' && *q->p <= '9') {
			if (v > (UINT64_MAX - 9) / 10)
				return -1;
			v = v * 10 + (uint64_t)(*q->p++ - '0');
		}
		if (q->p == start)
			return -1;
		if (*ndim < 3)
			dims[*ndim] = v;
		(*ndim)++;
		if (!npy_char(q, ',')) {
			return npy_char(q, ')') ? 0 : -1;
		}
	}
}

static void shape_text(char *buf, size_t size, const uint64_t dims[3], int ndim)
{
	int n = snprintf(buf, size, "(");

	for (int i = 0; i < ndim && i < 3; i++)
		n += snprintf(buf + n, size - (size_t)n, "%s%llu", i ? ", " : "",
		              (unsigned long long)dims[i]);
	snprintf(buf + n, size - (size_t)n, "%s)", ndim == 1 ? "," : ndim > 3 ? ", ..." : "");
}

/* Parses the dict {'descr': ..., 'fortran_order': ..., 'shape': ...}. */
static int npy_dict(struct npy_parse *q, struct npy_header *h, const char *name,
                    struct error *e)
{
	char key[32], descr[32] = "", shape[100];
	int seen = 0, fortran = 0, ndim = 0;
	uint64_t dims[3];

	if (!npy_char(q, '{'))
		return error_set(e, MAT_EFORMAT, 0, name, 0, "malformed .npy header: no '{'");
	while (!npy_char(q, '}')) {
		int bit;

		if (npy_string(q, key, sizeof(key)) < 0 || !npy_char(q, ':'))
			return error_set(e, MAT_EFORMAT, 0, name, 0, "malformed .npy header: expected a key");
		bit = !strcmp(key, "descr") ? 1 : !strcmp(key, "fortran_order") ? 2
		    : !strcmp(key, "shape") ? 4 : 0;
		if (!bit || (seen & bit))
			return error_set(e, MAT_EFORMAT, 0, name, 0, "malformed .npy header: %s key '%s'",
			            bit ? "repeated" : "unexpected", key);
		seen |= bit;
		if (bit == 1 && npy_string(q, descr, sizeof(descr)) < 0)
			return error_set(e, MAT_EFORMAT, 0, name, 0,
			            "dtype is not a simple type "
			            "(structured arrays are not supported)");
		if (bit == 2 && !(fortran = npy_word(q, "True")) && !npy_word(q, "False"))
			return error_set(e, MAT_EFORMAT, 0, name, 0,
			            "malformed .npy header: bad fortran_order");
		if (bit == 4 && npy_shape(q, dims, &ndim) < 0)
			return error_set(e, MAT_EFORMAT, 0, name, 0, "malformed .npy header: bad shape");
		if (!npy_char(q, ',')) {
			if (!npy_char(q, '}'))
				return error_set(e, MAT_EFORMAT, 0, name, 0,
				            "malformed .npy header: expected ','");
			break;
		}
	}
	npy_ws(q);
	if (q->p != q->end)
		return error_set(e, MAT_EFORMAT, 0, name, 0, "malformed .npy header: text after the dict");
	if (seen != 7)
		return error_set(e, MAT_EFORMAT, 0, name, 0, "malformed .npy header: missing %s",
		            !(seen & 1) ? "descr" : !(seen & 2) ? "fortran_order" : "shape");
	if (strcmp(descr, "<f4") == 0)
		h->type = MAT_F32;
	else if (strcmp(descr, "<f8") == 0)
		h->type = MAT_F64;
	else
		return error_set(e, MAT_EFORMAT, 0, name, 0,
		            "dtype '%s' is not supported (only '<f4' and '<f8')", descr);
	shape_text(shape, sizeof(shape), dims, ndim);
	if (ndim != 2)
		return error_set(e, MAT_EFORMAT, 0, name, 0, "shape %s is not 2-D", shape);
	if (dims[0] > MAT_MAX_DIM || dims[1] > MAT_MAX_DIM)
		return error_set(e, MAT_EFORMAT, 0, name, 0, "shape %s has more than %llu rows or columns",
		            shape, (unsigned long long)MAT_MAX_DIM);
	h->rows = dims[0];
	h->cols = dims[1];
	h->fortran = fortran;
	return 0;
}

int npy_read_header(struct reader *r, struct npy_header *h, struct error *e)
{
	unsigned char pre[12];
	ssize_t n = reader_read(r, pre, 8);
	size_t lenbytes, len, have = 0, cap = 0;
	char *text = NULL;
	int k;

	if (n < 0)
		return mat_read_error(e, r);
	if (memcmp(pre, NPY_MAGIC, n < 6 ? (size_t)n : 6) != 0)
		return error_set(e, MAT_EFORMAT, 0, r->name, 0, "not a .npy file (bad magic)");
	if (n < 8)
		return error_set(e, MAT_EFORMAT, 0, r->name, 0, "truncated .npy header");
	if (pre[6] == 1 && pre[7] == 0)
		lenbytes = 2;
	else if ((pre[6] == 2 || pre[6] == 3) && pre[7] == 0)
		lenbytes = 4;
	else
		return error_set(e, MAT_EFORMAT, 0, r->name, 0, "unsupported .npy version %u.%u", pre[6],
		            pre[7]);
	if ((n = reader_read(r, pre + 8, lenbytes)) < 0)
		return mat_read_error(e, r);
	if ((size_t)n < lenbytes)
		return error_set(e, MAT_EFORMAT, 0, r->name, 0, "truncated .npy header");
	len = pre[8] | (size_t)pre[9] << 8;
	if (lenbytes == 4)
		len |= (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
	while (have < len) { /* grows with the bytes actually there, whatever len claims */
		size_t want = len - have < 4096 ? len - have : 4096;
		char *nt;

		if (have + want > cap) {
			cap = cap ? 2 * cap : 4096;
			if (!(nt = realloc(text, cap))) {
				free(text);
				return error_set(e, MAT_ENOMEM, 0, NULL, 0, "out of memory");
			}
			text = nt;
		}
		if ((n = reader_read(r, text + have, want)) < 0) {
			free(text);
			return mat_read_error(e, r);
		}
		if ((size_t)n < want) {
			free(text);
			return error_set(e, MAT_EFORMAT, 0, r->name, 0, "truncated .npy header");
		}
		have += want;
	}
	struct npy_parse q = {text, text ? text + len : NULL}; /* NULL: an empty header */

	k = npy_dict(&q, h, r->name, e);
	free(text);
	return k;
}

int npy_write(struct reader *r, const struct mat_header *h, uint32_t type, struct writer *w,
              struct error *e)
{
	struct npy_header nh = {type ? type : h->type, h->rows, h->cols, 0};
	struct cells_dense d = {w, nh.type, 0, 0, h->cols, 0};
	int k = npy_write_header(w, &nh, e);

	return k < 0 ? k : cells_dense_write(r, h, &d, e);
}

int npy_read(struct reader *r, uint32_t type, size_t memory, struct writer *w, struct error *e)
{
	struct npy_header nh;
	struct mat_header h;
	struct sorter t;
	uint64_t left, pos = 0;
	double *buf;
	int k = npy_read_header(r, &nh, e);

	if (k < 0)
		return k;
	h = (struct mat_header){.kind = MAT_DENSE, .type = type ? type : nh.type, .rows = nh.rows,
	                        .cols = nh.cols};
	if (!nh.fortran && (k = mat_write_header(w, &h, e)) < 0)
		return k;
	if (!(buf = malloc(VALUE_BLOCK * sizeof(double))))
		return error_set(e, MAT_ENOMEM, 0, NULL, 0, "out of memory");
	sorter_init(&t, memory, SORTER_DUPS_FAIL); /* allocates nothing until a value comes */
	for (left = nh.rows * nh.cols; left > 0;) {
		uint64_t n = left < VALUE_BLOCK ? left : VALUE_BLOCK;

		if ((k = mat_read_values(r, nh.type, buf, n, e)) < 0) {
			if (k == MAT_ETRUNC)
				k = error_set(e, MAT_EFORMAT, 0, r->name, 0, "truncated .npy data");
			goto done;
		}
		for (uint64_t x = 0; x < n; x++, pos++) {
			uint64_t row = nh.fortran ? pos % nh.rows : pos / nh.cols;
			uint64_t col = nh.fortran ? pos / nh.rows : pos % nh.cols;

			if (!cells_fit(h.type, &buf[x])) {
				k = cells_range_error(e, h.type, row, col);
				goto done;
			}
			if (!nh.fortran)
				mat_write_value(w, h.type, buf[x]);
			else if ((k = sorter_add(&t, (uint32_t)row, (uint32_t)col, buf[x], e)) < 0)
				goto done;
		}
		left -= n;
	}
	if ((k = mat_dense_end(r, ".npy array", e)) == 0 && nh.fortran)
		k = sorter_write_dense(&t, &h, w, e);
done:
	sorter_free(&t);
	free(buf);
	return k;
}
