/* cells.c: the cells of a matrix written as binary or text triples, or as dense rows. */

#include "mat/cells.h"

int cells_range_error(struct error *e, uint32_t type, uint64_t row, uint64_t col)
{
	return error_set(e, MAT_EFORMAT, 0, NULL, 0,
	                 "value at row %llu, column %llu (from 0) is out of the range of %s",
	                 (unsigned long long)row, (unsigned long long)col, mat_type_name(type));
}

int cells_sparse_put(void *ctx, uint32_t row, uint32_t col, double v, struct error *e)
{
	struct cells_sparse *s = ctx;

	if (s->skip_zeros && v == 0)
		return 0;
	if (!cells_fit(s->type, &v))
		return cells_range_error(e, s->type, row, col);
	s->n++;
	if (s->format == CELLS_BINARY)
		mat_write_triple(s->w, s->type, row, col, v);
	else
		mat_write_text_triple(s->w, s->format == CELLS_MTX ? MAT_TEXT_MTX : MAT_TEXT_TSV,
		                      s->type, row, col, v, s->precision);
	return 0;
}

static int dense_put(struct cells_dense *d, double v, struct error *e)
{
	if (!cells_fit(d->type, &v))
		return cells_range_error(e, d->type, d->pos / d->cols, d->pos % d->cols);
	if (!d->text) {
		mat_write_value(d->w, d->type, v);
	} else {
		char b[MAT_VALUE_BUFSIZE + 1];
		int n = mat_format_value(b, d->type, v, d->precision);

		b[n++] = (d->pos + 1) % d->cols == 0 ? '\n' : ' ';
		writer_write(d->w, b, (size_t)n);
	}
	d->pos++;
	return 0;
}

/* Zeros up to cell `end`. */
static void dense_fill(struct cells_dense *d, uint64_t end)
{
	while (d->pos < end)
		dense_put(d, 0, NULL); /* a zero always fits */
}

static int dense_visit(void *ctx, uint32_t row, uint32_t col, double v, struct error *e)
{
	struct cells_dense *d = ctx;

	dense_fill(d, (uint64_t)row * d->cols + col);
	return dense_put(d, v, e);
}

int cells_dense_write(struct reader *r, const struct mat_header *h, struct cells_dense *d,
                      struct error *e)
{
	int k = mat_visit(r, h, dense_visit, d, e);

	if (k < 0)
		return k;
	dense_fill(d, h->rows * h->cols);
	if (d->text && h->cols == 0)
		for (uint64_t i = 0; i < h->rows; i++)
			writer_putc(d->w, '\n');
	return 0;
}
