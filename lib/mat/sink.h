/* sink.h: where a stage that produces a sparse matrix puts its triples: our binary format
 * (nlp-matrix(5)), or "row<TAB>col<TAB>value" lines for --text. Binary output starts with the
 * header; when the number of triples is not known in advance it is written as unknown and
 * patched at the end where the output can seek. One writer of triples for nlp-cooccur, nlp-ppmi
 * and nlp-tfidf. */
#ifndef NLP_SINK_H
#define NLP_SINK_H

#include <stdint.h>
#include <sys/types.h>

#include "base/error.h"
#include "base/io.h"
#include "mat/matrix.h"

struct mat_sink {
	struct writer *w;
	uint32_t type;  /* MAT_F32 or MAT_F64 */
	int text;       /* lines of text, not the binary format */
	int patch;      /* the header's nnz is unknown and will be patched */
	off_t start;    /* where the header begins, or -1 when it cannot be patched */
	uint64_t nnz;   /* triples put so far */
};

/* Begins the sparse matrix of header h on w (h->type, h->rows x h->cols, h->record): writes the
 * header unless text. h->nnz is the number of triples to come, or MAT_NNZ_UNKNOWN. Returns 0, or
 * a negative code with e filled (a header the format cannot hold, a failed write). */
int mat_sink_begin(struct mat_sink *s, struct writer *w, int text, const struct mat_header *h,
                   struct error *e);

/* Puts one triple; rows, then columns within a row, come in increasing order. */
static inline void mat_sink_put(struct mat_sink *s, uint32_t row, uint32_t col, double v)
{
	if (s->text)
		mat_write_text_triple(s->w, MAT_TEXT_TSV, s->type, row, col, v, 0);
	else
		mat_write_triple(s->w, s->type, row, col, v);
	s->nnz++;
}

/* Ends the matrix: writes the number of triples into a header begun with MAT_NNZ_UNKNOWN when
 * the output can seek (else it stays unknown, which readers accept). Returns 0, or -1 with e
 * filled when the patch could not be written. */
int mat_sink_end(struct mat_sink *s, struct error *e);

#endif
