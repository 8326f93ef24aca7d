/* sink.c: a sparse matrix written as our binary format or as text triples. */
#include "mat/sink.h"

int mat_sink_begin(struct mat_sink *s, struct writer *w, int text, uint32_t type, uint64_t rows,
                   uint64_t cols, uint64_t nnz, struct error *e)
{
	struct mat_header h = {MAT_SPARSE, type, rows, cols, nnz};
	int r;

	s->w = w;
	s->type = type;
	s->text = text;
	s->patch = !text && nnz == MAT_NNZ_UNKNOWN;
	s->start = -1;
	s->nnz = 0;
	if (text)
		return 0;
	if (s->patch)
		s->start = mat_begin_stream(w, &h, &r);
	else
		r = mat_write_header(w, &h);
	if (r < 0)
		return error_set(e, r, r == MAT_EIO ? w->err : 0, NULL, 0, "write the matrix header: %s",
		                 mat_strerror(r));
	return 0;
}

int mat_sink_end(struct mat_sink *s, struct error *e)
{
	if (!s->patch || mat_patch_nnz(s->w, s->start, s->nnz) == 0)
		return 0;
	return error_sys(e, NULL, "could not write the number of triples into the header (left unknown)");
}
