/* csr.h: a sparse matrix in memory for products with tall dense matrices. The columns are cut
 * into panels of CSR_PANEL columns, each held as compressed rows with 16-bit column offsets, so
 * that a product goes over one panel at a time while the dense rows of that panel stay in cache,
 * and a stored cell takes 6 bytes. Products are split over threads so that each output row is
 * summed by one thread in a fixed order: results do not depend on the number of threads. */
#ifndef NLP_CSR_H
#define NLP_CSR_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/io.h"
#include "mat/matrix.h"
#include "mat/rsvd.h"

#define CSR_LANES 16     /* dense operands have a multiple of this many columns */
#define CSR_PANEL 4096   /* columns per panel, at most 65536 */

struct csr {
	uint64_t rows, cols, nnz;
	size_t npanels;
	uint64_t *ptr;  /* [npanels * (rows + 1)]: row i of panel p is ptr[p*(rows+1) + i] .. + 1 */
	uint16_t *col;  /* [nnz]: column - p * CSR_PANEL, increasing within a row of a panel */
	float *val;     /* [nnz] */
};

/* Two passes over the triples after a sparse header (the caller reads the header each time):
 * csr_count sizes the matrix, csr_fill stores the values. Each returns 0 or a negative code with
 * e filled: the reader's, or "NAME: out of memory", "NAME: a value beyond the range of 32-bit
 * floats", "NAME: changed while it was read" (the second pass does not read what the first
 * did). csr_free frees a in every case. */
int csr_count(struct reader *r, const struct mat_header *h, struct csr *a, struct error *e);
int csr_fill(struct reader *r, const struct mat_header *h, struct csr *a, struct error *e);
void csr_free(struct csr *a);

/* The rows of a with no value other than 0 (a stored 0 counts as none): their rows of U S are 0 in
 * any SVD of a (U S = a V). */
uint64_t csr_zero_rows(const struct csr *a);

/* Row-major dense operands of ld columns (a multiple of CSR_LANES): y (rows x ld) = A x, where x
 * is cols x ld; z (cols x ld) = A^T y. */
void csr_mul(const struct csr *a, const float *x, float *y, size_t ld, int nt);
void csr_tmul(const struct csr *a, const float *y, float *z, size_t ld, int nt);

/* a as the operator rsvd() multiplies with; its release callback frees a (csr_free) after the
 * last product. */
struct linop csr_linop(struct csr *a);

#endif
