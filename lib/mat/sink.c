/* sink.c: a sparse matrix written as our binary format or as text triples. */
#include "mat/sink.h"

int mat_sink_begin(struct mat_sink *s, struct writer *w, int text, uint32_t type, uint64_t rows,
                   uint64_t cols, uint64_t nnz, struct error *e)
{
	struct mat_header h = {MAT_SPARSE, type, rows, cols, nnz};

	s->w = w;
	s->type = type;
	s->text = text;
	s->patch = !text && nnz == MAT_NNZ_UNKNOWN;
	s->start = -1;
	s->nnz = 0;
	if (text)
		return 0;
	if (s->patch)
		return mat_begin_stream(w, &h, &s->start, e);
	return mat_write_header(w, &h, e);
}

int mat_sink_end(struct mat_sink *s, struct error *e)
{
	return s->patch ? mat_patch_nnz(s->w, s->start, s->nnz, e) : 0;
}
