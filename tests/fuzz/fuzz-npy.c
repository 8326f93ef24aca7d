/* fuzz-npy: NumPy .npy arrays (mat/npy.c) as nlp-mat from-npy reads them: npy_read with the
 * element type the first byte picks (the array's, float32 or float64), the rest being the file.
 * An array that is read becomes a dense matrix of its header's shape, which is read back. A
 * Fortran-ordered array is sorted in so little memory that a few dozen values spill runs. */
#include "fuzzmat.h"
#include "mat/npy.h"

#define SORT_MEMORY 1024 /* bytes: 32 cells a run */

static struct fuzz_file in, out;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t type = fuzz_take(&data, &size) % 3; /* 0: the array's */
	struct npy_header nh;
	struct reader r;
	struct writer w;
	struct error e;
	int header_ok;

	fuzz_file_init(&in, "npy");
	fuzz_file_init(&out, "output");
	fuzz_file_set(&in, data, size);
	int fds = fuzz_fds();
	fuzz_reader(&r, &in, "array");
	header_ok = npy_read_header(&r, &nh, &e) == 0;
	reader_close(&r);
	fuzz_reader(&r, &in, "array");
	fuzz_writer(&w, &out);
	if (npy_read(&r, type, SORT_MEMORY, &w, &e) == 0) {
		assert(header_ok);
		assert(writer_flush(&w) == 0);
		fuzz_check_matrix(&out, MAT_DENSE, type ? type : nh.type, nh.rows, nh.cols);
	}
	fuzz_writer_free(&w);
	reader_close(&r);
	assert(fuzz_fds() == fds);
	return 0;
}
