/* matconv.c: whole-matrix operations on our format: print, convert, transpose, sum. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mat/cells.h"
#include "mat/matconv.h"
#include "mat/sorter.h"

int matconv_print(struct reader *r, const struct mat_header *h, uint32_t as_kind,
                  const struct matconv_opts *o, struct writer *w, struct error *e)
{
	uint32_t type = o->type ? o->type : h->type;

	if ((as_kind ? as_kind : h->kind) == MAT_SPARSE) {
		struct cells_sparse s = {w, type, CELLS_TEXT, o->precision, h->kind == MAT_DENSE, 0};

		return mat_visit(r, h, cells_sparse_put, &s, e);
	}
	struct cells_dense d = {w, type, 1, o->precision, h->cols, 0};

	return cells_dense_write(r, h, &d, e);
}

int matconv_convert(struct reader *r, const struct mat_header *h, uint32_t kind,
                    const struct matconv_opts *o, struct writer *w, struct error *e)
{
	struct mat_header out = *h;
	int k;

	out.kind = kind ? kind : h->kind;
	out.type = o->type ? o->type : h->type;
	if (out.kind == MAT_SPARSE && h->kind == MAT_DENSE)
		out.nnz = MAT_NNZ_UNKNOWN;
	if ((k = mat_write_header(w, &out, e)) < 0)
		return k;
	if (out.kind == MAT_SPARSE) {
		struct cells_sparse s = {w, out.type, CELLS_BINARY, 0, h->kind == MAT_DENSE, 0};

		return mat_visit(r, h, cells_sparse_put, &s, e);
	}
	struct cells_dense d = {w, out.type, 0, 0, h->cols, 0};

	return cells_dense_write(r, h, &d, e);
}

/* The record of the transpose of a matrix of record rec into out[MAT_RECORD_MAX + 1]. Counts of
 * nlp-cooccur (a last line "cooccur ...") with contexts on both sides are symmetric, their own
 * transpose: the record stays; those of left contexts are the transpose of right ones and the
 * other way round: context=left and context=right swap. Any other record gets a line
 * "transpose", or loses it when it is its last, so that transposing twice gives the record
 * back. Returns 0 or MAT_ERECORD with e filled. */
static int transpose_record(const char *rec, char *out, struct error *e)
{
	static const char *const sides[2] = {" context=left", " context=right"};
	size_t n;
	const char *last = mat_record_last(rec, &n), *at;

	memcpy(out, rec, MAT_RECORD_MAX + 1);
	if (last && n > 8 && memcmp(last, "cooccur ", 8) == 0) {
		for (int i = 0; i < 2; i++) {
			size_t from = strlen(sides[i]), to = strlen(sides[1 - i]), pos;

			if (!(at = memmem(last, n, sides[i], from)) ||
			    (at[from] != ' ' && at[from] != '\n'))
				continue;
			pos = (size_t)(at - rec);
			if (strlen(rec) - from + to > MAT_RECORD_MAX)
				return error_set(e, MAT_ERECORD, 0, NULL, 0,
				                 "the record of how the matrix was made would pass %d bytes",
				                 MAT_RECORD_MAX);
			memcpy(out + pos, sides[1 - i], to);
			strcpy(out + pos + to, at + from);
			return 0;
		}
		return 0; /* context=both: symmetric */
	}
	if (last && n == 9 && memcmp(last, "transpose", 9) == 0) {
		out[last - rec] = '\0';
		return 0;
	}
	return mat_record_append(out, "transpose", e);
}

static int transpose_add(void *ctx, uint32_t row, uint32_t col, double v, struct error *e)
{
	return sorter_add(ctx, col, row, v, e);
}

static int transpose_dense(struct reader *r, const struct mat_header *h, uint32_t type,
                           struct writer *w, struct error *e)
{
	struct mat_header out = {.kind = MAT_DENSE, .type = type, .rows = h->cols, .cols = h->rows};
	double *a;
	int k;

	if ((k = transpose_record(h->record, out.record, e)) < 0 ||
	    (k = mat_load_dense(r, h, &a, e)) < 0)
		return k;
	if ((k = mat_write_header(w, &out, e)) < 0) {
		free(a);
		return k;
	}
	for (uint64_t j = 0; j < h->cols; j++) {
		for (uint64_t i = 0; i < h->rows; i++) {
			double v = a[i * h->cols + j];

			if (!cells_fit(type, &v)) {
				free(a);
				return cells_range_error(e, type, j, i);
			}
			mat_write_value(w, type, v);
		}
	}
	free(a);
	return 0;
}

int matconv_transpose(struct reader *r, const struct mat_header *h,
                      const struct matconv_opts *o, struct writer *w, struct error *e)
{
	uint32_t type = o->type ? o->type : h->type, row, col;
	struct mat_header out = {.kind = MAT_SPARSE, .type = type, .rows = h->cols,
	                         .cols = h->rows};
	struct cells_sparse s = {w, type, CELLS_BINARY, 0, 0, 0};
	struct sorter t;
	double v;
	int k;

	if (h->kind == MAT_DENSE)
		return transpose_dense(r, h, type, w, e);
	if ((k = transpose_record(h->record, out.record, e)) < 0)
		return k;
	sorter_init(&t, o->memory, SORTER_DUPS_FAIL); /* no cell repeats in a valid input */
	if ((k = mat_visit(r, h, transpose_add, &t, e)) < 0 ||
	    (k = sorter_finish(&t, &out.nnz, e)) < 0 || (k = mat_write_header(w, &out, e)) < 0)
		goto done;
	while ((k = sorter_next(&t, &row, &col, &v, e)) == 1)
		if ((k = cells_sparse_put(&s, row, col, v, e)) < 0)
			break;
done:
	sorter_free(&t);
	return k;
}

int matconv_sum(struct merge_source **src, size_t n, const struct matconv_opts *o,
                struct writer *w, struct error *e)
{
	struct mat_header out = {.kind = MAT_SPARSE, .type = o->type, .nnz = MAT_NNZ_UNKNOWN};
	struct cells_sparse s = {w, 0, CELLS_BINARY, 0, 0, 0};
	struct merge m;
	uint32_t row, col;
	size_t count;
	double v;
	int k;

	for (size_t i = 0; i < n; i++) {
		const struct mat_header *h = &src[i]->h;

		if (h->kind != MAT_SPARSE)
			return error_set(e, MAT_EFORMAT, 0, src[i]->r.name, 0,
			                 "a dense matrix (sum adds sparse matrices only)");
		if (i > 0 && (h->rows != src[0]->h.rows || h->cols != src[0]->h.cols))
			return error_set(e, MAT_EFORMAT, 0, src[i]->r.name, 0,
			                 "shape %llux%llu differs from %llux%llu of %s",
			                 (unsigned long long)h->rows, (unsigned long long)h->cols,
			                 (unsigned long long)src[0]->h.rows,
			                 (unsigned long long)src[0]->h.cols, src[0]->r.name);
		if (!o->type && (i == 0 || h->type == MAT_F64))
			out.type = h->type;
	}
	if (n > 0) {
		out.rows = src[0]->h.rows;
		out.cols = src[0]->h.cols;
		memcpy(out.record, src[0]->h.record, sizeof(out.record));
	}
	for (size_t i = 1; i < n; i++) /* a record the inputs share stays */
		if (strcmp(src[i]->h.record, out.record) != 0)
			out.record[0] = '\0';
	s.type = out.type ? out.type : MAT_F64;
	out.type = s.type;
	if ((k = merge_init(&m, src, n, e)) < 0 || (k = mat_write_header(w, &out, e)) < 0) {
		merge_free(&m);
		return k;
	}
	merge_report(&m, "summing");
	while ((k = merge_next(&m, &row, &col, &v, &count, e)) == 1)
		if ((k = cells_sparse_put(&s, row, col, v, e)) < 0)
			break;
	merge_free(&m);
	return k;
}

static int count_value(void *ctx, uint32_t row, uint32_t col, double v, struct error *e)
{
	(void)row, (void)col, (void)v, (void)e;
	++*(uint64_t *)ctx;
	return 0;
}

/* Opens path for reading and, when allowed, writing (*writable; *why is errno when it is not),
 * never blocking on a FIFO. Returns the descriptor or -1 (errno set). */
static int open_fixable(const char *path, int *writable, int *why)
{
	int fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);

	*writable = fd >= 0;
	*why = fd < 0 ? errno : 0;
	if (fd < 0 && (errno == EACCES || errno == EPERM || errno == EROFS || errno == EISDIR ||
	               errno == ETXTBSY))
		fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	return fd;
}

int matconv_fix_nnz(const char *path, struct error *e)
{
	struct reader r;
	struct mat_header h;
	struct stat st;
	uint64_t n = 0;
	int fd, writable, why, k;

	if ((fd = open_fixable(path, &writable, &why)) < 0)
		return error_set(e, MAT_EIO, errno, NULL, 0, "open %s", path);
	if (fstat(fd, &st) < 0) {
		k = error_set(e, MAT_EIO, errno, NULL, 0, "stat %s", path);
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		k = error_set(e, MAT_EFORMAT, 0, path, 0,
		              "not a regular file (fix-nnz rewrites a file in place)");
		goto done;
	}
	if (reader_reread(&r, fd, path) < 0) {
		k = error_set(e, MAT_EIO, errno, NULL, 0, "read %s", path);
		goto done;
	}
	if ((k = mat_read_header(&r, &h, e)) == 0)
		k = mat_visit(&r, &h, count_value, &n, e);
	reader_close(&r);
	if (k < 0 || h.kind != MAT_SPARSE || h.nnz != MAT_NNZ_UNKNOWN)
		goto done;
	if (!writable) {
		k = error_set(e, MAT_EIO, why, NULL, 0, "open %s for writing", path);
		goto done;
	}
	if (mat_write_nnz_at(fd, 0, n) < 0)
		k = error_set(e, MAT_EIO, errno, NULL, 0, "write %s", path);
done:
	if (close(fd) < 0 && k == 0)
		k = error_set(e, MAT_EIO, errno, NULL, 0, "write %s", path);
	return k;
}
