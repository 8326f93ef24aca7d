/* fuzz-mtx: Matrix Market files (mat/mtx.c) as nlp-mat from-mtx reads them: mtx_read with the
 * element type (the file's hint, float32 or float64) and the policy for repeated entries (fail
 * or sum) that the first byte picks, the rest being the file, sorted in nlp-mat's smallest
 * memory. A file that is read becomes a matrix of our format, which is read back. */
#include "fuzzmat.h"
#include "mat/mtx.h"

#define SORT_MEMORY ((size_t)1 << 20) /* nlp-mat's smallest -M */

static struct fuzz_file in, out;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t opt = fuzz_take(&data, &size);
	uint32_t type = opt % 3; /* 0: the file's */
	enum sorter_dups dups = opt / 3 % 2 ? SORTER_DUPS_SUM : SORTER_DUPS_FAIL;
	struct reader r;
	struct writer w;
	struct error e;

	fuzz_file_init(&in, "mtx");
	fuzz_file_init(&out, "output");
	fuzz_file_set(&in, data, size);
	int fds = fuzz_fds();
	fuzz_reader(&r, &in, "mtx");
	fuzz_writer(&w, &out);
	if (mtx_read(&r, type, dups, SORT_MEMORY, &w, &e) == 0) {
		struct reader o;
		struct mat_header h;

		assert(writer_flush(&w) == 0);
		fuzz_reader(&o, &out, "output");
		assert(mat_read_header(&o, &h, &e) == 0);
		reader_close(&o);
		fuzz_check_matrix(&out, 0, type, h.rows, h.cols);
	}
	fuzz_writer_free(&w);
	reader_close(&r);
	assert(fuzz_fds() == fds);
	return 0;
}
