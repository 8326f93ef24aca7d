/* sink.c: a sparse matrix written as our binary format or as text triples. */
#include "mat/sink.h"

int mat_sink_begin(struct mat_sink *s, struct writer *w, int text, const struct mat_header *h,
                   struct error *e)
{
	s->w = w;
	s->type = h->type;
	s->text = text;
	s->patch = !text && h->nnz == MAT_NNZ_UNKNOWN;
	s->start = -1;
	s->nnz = 0;
	if (text)
		return 0;
	if (s->patch)
		return mat_begin_stream(w, h, &s->start, e);
	return mat_write_header(w, h, e);
}

int mat_sink_end(struct mat_sink *s, struct error *e)
{
	return s->patch ? mat_patch_nnz(s->w, s->start, s->nnz, e) : 0;
}
