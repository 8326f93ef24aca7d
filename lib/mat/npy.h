/* npy.h: NumPy .npy arrays (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html)
 * to and from our format (nlp-matrix(5)): what nlp-mat's to-npy and from-npy do. Only 2-D,
 * little-endian float32 and float64 arrays; C order is written, C and Fortran order are read. */
#ifndef NLP_NPY_H
#define NLP_NPY_H

#include <stdint.h>

#include "base/error.h"
#include "base/io.h"
#include "mat/matrix.h"

struct npy_header {
	uint32_t type; /* MAT_F32 ('<f4') or MAT_F64 ('<f8') */
	uint64_t rows, cols;
	int fortran;   /* read: 'fortran_order': True, the values column by column */
};

/* Writes a version 1.0 header for a C-ordered 2-D little-endian array, byte for byte as
 * numpy.save does. Returns 0, or MAT_EIO with e filled when w has failed. */
int npy_write_header(struct writer *w, const struct npy_header *h, struct error *e);
/* Reads and checks a header: versions 1.0, 2.0 and 3.0; only '<f4' and '<f8', 2-D, either order.
 * Returns 0 or a negative code with e filled. */
int npy_read_header(struct reader *r, struct npy_header *h, struct error *e);
/* Reads the body after header h from r and writes it to w as a dense .npy array of type (0: the
 * input's), a sparse matrix streamed with its zeros. Returns 0 or a negative code (e filled). */
int npy_write(struct reader *r, const struct mat_header *h, uint32_t type, struct writer *w,
              struct error *e);
/* Reads a .npy array from r and writes it to w as a dense matrix of type (0: the array's). A
 * C-ordered array streams through; a Fortran-ordered one is transposed while read, its cells
 * sorted in `memory` bytes with sorted runs spilled to $TMPDIR (mat/sorter.h), and written once
 * it has been read whole. Returns 0 or a negative code (e filled). */
int npy_read(struct reader *r, uint32_t type, size_t memory, struct writer *w, struct error *e);

#endif
