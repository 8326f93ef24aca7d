/* stats.h: a summary of the values of a matrix (what nlp-mat info reports), read in one pass. */
#ifndef NLP_STATS_H
#define NLP_STATS_H

#include <stdint.h>

#include "base/error.h"
#include "base/io.h"
#include "mat/matrix.h"

struct stats {
	uint64_t entries;       /* stored values: the triples, or rows * cols for a dense matrix */
	uint64_t nonzeros;      /* stored values that are not zero */
	uint64_t nonempty_rows; /* rows with at least one nonzero value */
	uint64_t nonempty_cols;
	double sum;             /* of all values, with compensated (Neumaier) summation */
	double min, max;        /* of the stored values; 0 when entries == 0 */
};

/* Reads the body that follows header h to its end, validating it, and sums it up into s.
 * Returns 0 or a negative code with e filled. */
int stats_read(struct reader *r, const struct mat_header *h, struct stats *s, struct error *e);
/* Writes the summary as nlp-mat info prints it: "key<TAB>value" lines (kind, type, rows, cols,
 * nnz, header-nnz, nonzeros, nonempty-rows, nonempty-cols, sum, min, max, density, and a
 * "record" line for each line of h's record). */
void stats_write(struct writer *w, const struct mat_header *h, const struct stats *s);

#endif
