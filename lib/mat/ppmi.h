/* ppmi.h: pointwise mutual information of a co-occurrence matrix (rows: words, columns:
 * contexts): PMI, positive PMI, shifted PPMI (Levy et al. 2015), context distribution smoothing.
 * Two passes over a sparse matrix: the row and column sums, then one value per stored count, so
 * memory holds the sums alone. nlp-ppmi is its program. */
#ifndef NLP_PPMI_H
#define NLP_PPMI_H

#include <math.h>
#include <stdint.h>

#include "base/error.h"
#include "base/io.h"
#include "mat/matrix.h"
#include "mat/sink.h"

struct ppmi {
	double alpha;     /* context counts are raised to alpha before they are normalised */
	double log_base;  /* natural logarithm of the base of the output's logarithms */
	double log_shift; /* log k in the output's base: subtracted from every value */
	int pmi;          /* keep every value, not only the positive ones */
	double shift;     /* k, as given: for the record (log_shift is what counts) */
	double base;      /* the base as given, 0 for e: for the record (log_base counts) */
	uint32_t type;    /* of the output: values are kept when positive there */
	uint64_t rows, cols;
	double *row;      /* [rows] log C(w) after ppmi_sums */
	double *col;      /* [cols] log(C(c)^alpha / sum of C(c')^alpha) after ppmi_sums */
};

/* First pass: reads the triples after the sparse header h from r and sets p->row and p->col (p's
 * settings filled in before; memory freed by ppmi_free). Counts must not be negative. Returns 0
 * or a negative code with e filled. */
int ppmi_sums(struct ppmi *p, struct reader *r, const struct mat_header *h, struct error *e);

/* The header of the output for the input's header in: sparse, p->type, in's shape, nnz
 * unknown, and in's record with a line of p's settings added: "ppmi alpha=A shift=K base=B
 * pmi=yes|no" (nlp-matrix(5)). Returns 0, or MAT_ERECORD with e filled when the record would
 * grow too long. */
int ppmi_header(const struct ppmi *p, const struct mat_header *in, struct mat_header *out,
                struct error *e);

/* PMI(w, c) = log C(w,c) - log C(w) - log(C(c)^alpha / sum of C(c')^alpha), in the output's
 * base, minus the shift: the total of the counts cancels out. Returns 1 with *out when the value
 * is stored (positive in p->type, or any value with p->pmi), 0 when it is not (a zero count has
 * no association). */
static inline int ppmi_value(const struct ppmi *p, uint32_t row, uint32_t col, double count,
                             double *out)
{
	double v;

	if (count == 0)
		return 0;
	v = (log(count) - p->row[row] - p->col[col]) / p->log_base - p->log_shift;
	if (!p->pmi && !(v > 0))
		return 0;
	if (p->type == MAT_F32 && !p->pmi && !((float)v > 0))
		return 0; /* positive, but below the smallest float */
	*out = v;
	return 1;
}

/* Second pass: reads the triples after the header h again from r and puts each stored value
 * into sink. Returns 0 or a negative code with e filled. */
int ppmi_write(const struct ppmi *p, struct reader *r, const struct mat_header *h,
               struct mat_sink *sink, struct error *e);

/* Frees the sums. */
void ppmi_free(struct ppmi *p);

#endif
