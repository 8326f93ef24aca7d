/* ppmi.c: the two passes of pointwise mutual information over a sparse co-occurrence matrix. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mat/ppmi.h"

int ppmi_sums(struct ppmi *p, struct reader *r, const struct mat_header *h, struct error *e)
{
	struct mat_cursor cur;
	uint32_t row, col;
	double v, ctotal = 0;
	int k;

	p->rows = h->rows;
	p->cols = h->cols;
	p->row = calloc(h->rows ? h->rows : 1, sizeof(double));
	p->col = calloc(h->cols ? h->cols : 1, sizeof(double));
	if (!p->row || !p->col)
		return error_set(e, MAT_ENOMEM, 0, NULL, 0, "out of memory");
	mat_cursor_init(&cur, h);
	while ((k = mat_next_triple(r, &cur, &row, &col, &v, e)) == 1) {
		if (v < 0)
			return error_set(e, MAT_EFORMAT, 0, r->name, 0,
			                 "count %g at (%u, %u) is negative: not a co-occurrence matrix", v,
			                 row, col);
		p->row[row] += v;
		p->col[col] += v;
	}
	if (k < 0)
		return k;
	/* the sums are replaced by the terms ppmi_value subtracts */
	for (uint64_t j = 0; j < p->cols; j++) {
		p->col[j] = p->col[j] > 0 ? pow(p->col[j], p->alpha) : 0;
		ctotal += p->col[j];
	}
	for (uint64_t i = 0; i < p->rows; i++)
		p->row[i] = log(p->row[i]);
	for (uint64_t j = 0; j < p->cols; j++)
		p->col[j] = log(p->col[j]) - log(ctotal);
	return 0;
}

int ppmi_header(const struct ppmi *p, const struct mat_header *in, struct mat_header *out,
                struct error *e)
{
	char alpha[MAT_VALUE_BUFSIZE], shift[MAT_VALUE_BUFSIZE], base[MAT_VALUE_BUFSIZE];
	char line[4 * MAT_VALUE_BUFSIZE];

	*out = (struct mat_header){.kind = MAT_SPARSE, .type = p->type, .rows = in->rows,
	                           .cols = in->cols, .nnz = MAT_NNZ_UNKNOWN};
	memcpy(out->record, in->record, sizeof(out->record));
	mat_format_value(alpha, MAT_F64, p->alpha, 0);
	mat_format_value(shift, MAT_F64, p->shift ? p->shift : 1, 0);
	if (p->base)
		mat_format_value(base, MAT_F64, p->base, 0);
	else
		strcpy(base, "e");
	snprintf(line, sizeof(line), "ppmi alpha=%s shift=%s base=%s pmi=%s", alpha, shift, base,
	         p->pmi ? "yes" : "no");
	return mat_record_append(out->record, line, e);
}

int ppmi_write(const struct ppmi *p, struct reader *r, const struct mat_header *h,
               struct mat_sink *sink, struct error *e)
{
	struct mat_cursor cur;
	uint32_t row, col;
	double v, pmi;
	int k;

	mat_cursor_init(&cur, h);
	while ((k = mat_next_triple(r, &cur, &row, &col, &v, e)) == 1)
		if (ppmi_value(p, row, col, v, &pmi))
			mat_sink_put(sink, row, col, pmi);
	return k;
}

void ppmi_free(struct ppmi *p)
{
	free(p->row);
	free(p->col);
	p->row = p->col = NULL;
}
