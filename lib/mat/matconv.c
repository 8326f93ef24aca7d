/* matconv.c: whole-matrix operations on our format: print, convert, transpose, sum. */
#include <stdlib.h>

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

static int transpose_add(void *ctx, uint32_t row, uint32_t col, double v, struct error *e)
{
	return sorter_add(ctx, col, row, v, e);
}

static int transpose_dense(struct reader *r, const struct mat_header *h, uint32_t type,
                           struct writer *w, struct error *e)
{
	struct mat_header out = {MAT_DENSE, type, h->cols, h->rows, 0};
	double *a;
	int k;

	if ((k = mat_load_dense(r, h, &a, e)) < 0)
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
	struct mat_header out = {MAT_SPARSE, type, h->cols, h->rows, 0};
	struct cells_sparse s = {w, type, CELLS_BINARY, 0, 0, 0};
	struct sorter t;
	double v;
	int k;

	if (h->kind == MAT_DENSE)
		return transpose_dense(r, h, type, w, e);
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
	struct mat_header out = {MAT_SPARSE, o->type, 0, 0, MAT_NNZ_UNKNOWN};
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
	}
	s.type = out.type ? out.type : MAT_F64;
	out.type = s.type;
	if ((k = merge_init(&m, src, n, e)) < 0 || (k = mat_write_header(w, &out, e)) < 0) {
		merge_free(&m);
		return k;
	}
	while ((k = merge_next(&m, &row, &col, &v, &count, e)) == 1)
		if ((k = cells_sparse_put(&s, row, col, v, e)) < 0)
			break;
	merge_free(&m);
	return k;
}

