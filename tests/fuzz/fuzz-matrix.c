/* fuzz-matrix: the nlp matrix format (nlp-matrix(5), mat/matrix.c) through every reader the
 * programs put it through. The first byte picks the path and its options, the rest is the file:
 *   visit      mat_read_header and mat_visit, every cell checked (the readers' common core)
 *   info       stats_read (mat/stats.c, nlp-mat info)
 *   print      matconv_print (mat/matconv.c), as stored, dense or sparse (nlp-mat print)
 *   convert    matconv_convert to a kind and type (nlp-mat convert), output read back
 *   transpose  matconv_transpose (nlp-mat transpose), output read back
 *   to-mtx     mtx_write (nlp-mat to-mtx), output read back through mtx_read
 *   to-npy     npy_write (nlp-mat to-npy), output read back through npy_read
 *   svd        dmat_read (mat/dmat.c), or csr_count and csr_fill (mat/csr.c) over two passes:
 *              nlp-svd's input
 *   ppmi       ppmi_sums and ppmi_write (mat/ppmi.c) over two passes (nlp-ppmi)
 *   sum        merge_source_open (mat/merge.c) and matconv_sum of one or two copies (nlp-mat
 *              sum, and the merge of nlp-cooccur's shards)
 * A path whose legitimate cost grows with the header's sizes rather than the file's (a sparse
 * matrix written dense, a dense matrix loaded whole or printed row by row, per-row sums) is
 * skipped when those sizes are large: the header is valid, the work would be too. The reading
 * itself (visit, info, sum, a dense svd input) is never skipped. */
#include <math.h>

#include "fuzzmat.h"
#include "mat/csr.h"
#include "mat/dmat.h"
#include "mat/matconv.h"
#include "mat/matrix.h"
#include "mat/merge.h"
#include "mat/mtx.h"
#include "mat/npy.h"
#include "mat/ppmi.h"
#include "mat/sink.h"
#include "mat/stats.h"

#define CAP ((uint64_t)1 << 22) /* cells, or rows and columns, a path may go over whatever the
                                * file holds */
#define SORT_MEMORY ((size_t)1 << 20) /* nlp-mat's smallest -M */

enum mode { VISIT, INFO, PRINT, CONVERT, TRANSPOSE, TO_MTX, TO_NPY, SVD, PPMI, SUM, NMODES };

static struct fuzz_file in, out, back;

static void flush(struct writer *w)
{
	assert(writer_flush(w) == 0);
}

/* The sizes a path would work on whatever the file holds are too large to fuzz at speed: what
 * writes or holds a dense matrix goes over every cell, and every row or column even of none. */
static int too_big(enum mode m, const struct mat_header *h, uint32_t kind)
{
	int sparse = h->kind == MAT_SPARSE;
	int dense_shape = h->rows * h->cols > CAP || h->rows + h->cols > CAP; /* both < 2^32 */

	switch (m) {
	case PRINT:
	case CONVERT: return (kind ? kind : h->kind) == MAT_DENSE && dense_shape;
	case TO_NPY: return dense_shape;
	case TRANSPOSE:
	case TO_MTX: return !sparse && dense_shape;
	case SVD:
		return sparse ? (h->cols + CSR_PANEL - 1) / CSR_PANEL * (h->rows + 1) > CAP
		              : h->rows * h->cols > CAP;
	case PPMI: return h->rows + h->cols > CAP;
	default: return 0;
	}
}

static void run_svd(const struct mat_header *h0)
{
	struct reader r;
	struct mat_header h;
	struct error e;

	fuzz_reader(&r, &in, "matrix");
	assert(mat_read_header(&r, &h, &e) == 0);
	if (h.kind == MAT_DENSE) {
		struct dmat a;

		if (dmat_read(&r, &h, &a, &e) == 0)
			assert(a.rows == h.rows && a.cols == h.cols);
		dmat_free(&a);
		reader_close(&r);
		return;
	}
	struct csr a;
	int k = csr_count(&r, &h, &a, &e);

	reader_close(&r);
	if (k == 0) {
		assert(mat_reread(&r, in.fd, "matrix", &h, &e) == 0);
		if (csr_fill(&r, &h, &a, &e) == 0) {
			/* each panel's rows end where the next panel's begin, the last at nnz */
			for (size_t p = 0; p < a.npanels; p++) {
				const uint64_t *ptr = a.ptr + p * (a.rows + 1);

				for (uint64_t i = 0; i < a.rows; i++)
					assert(ptr[i] <= ptr[i + 1]);
				if (p + 1 < a.npanels)
					assert(ptr[a.rows] == ptr[a.rows + 1]);
			}
			assert(a.npanels == 0 || a.ptr[a.npanels * (a.rows + 1) - 1] == a.nnz);
			assert(h0->nnz == MAT_NNZ_UNKNOWN || a.nnz == h0->nnz);
		}
		reader_close(&r);
	}
	csr_free(&a);
}

static void run_ppmi(const struct mat_header *h0, uint8_t opt)
{
	struct ppmi p = {.alpha = opt & 1 ? 0.75 : 1, .log_base = 1, .pmi = opt >> 1 & 1,
	                 .type = h0->type};
	struct reader r;
	struct mat_header h;
	struct mat_sink sink;
	struct writer w;
	struct error e;
	int k;

	if (h0->kind != MAT_SPARSE)
		return; /* nlp-ppmi refuses a dense matrix before reading it */
	assert(mat_reread(&r, in.fd, "matrix", &h, &e) == 0);
	if (ppmi_sums(&p, &r, &h, &e) == 0) {
		reader_close(&r);
		assert(mat_reread(&r, in.fd, "matrix", &h, &e) == 0);
		fuzz_writer(&w, &out);
		struct mat_header oh;

		/* the record may grow too long (an error); the header is valid otherwise */
		k = ppmi_header(&p, &h, &oh, &e);
		assert(k == 0 || k == MAT_ERECORD);
		if (k == 0)
			k = mat_sink_begin(&sink, &w, 0, &oh, &e);
		assert(k == 0 || k == MAT_ERECORD);
		if (k == 0 && ppmi_write(&p, &r, &h, &sink, &e) == 0) {
			assert(mat_sink_end(&sink, &e) == 0);
			flush(&w);
			fuzz_check_matrix(&out, MAT_SPARSE, p.type, h.rows, h.cols);
		}
		fuzz_writer_free(&w);
	}
	reader_close(&r);
	ppmi_free(&p);
}

static void run_sum(const struct mat_header *h0, uint8_t opt)
{
	struct merge_source src[2], *p[2] = {&src[0], &src[1]};
	struct matconv_opts o = {.type = opt % 3};
	size_t n = 1 + (opt / 3 & 1);
	struct writer w;
	struct error e;

	for (size_t i = 0; i < n; i++)
		assert(merge_source_open(&src[i], in.path, &e) == 0);
	fuzz_writer(&w, &out);
	if (matconv_sum(p, n, &o, &w, &e) == 0) {
		flush(&w);
		fuzz_check_matrix(&out, MAT_SPARSE, o.type ? o.type : h0->type, h0->rows, h0->cols);
	}
	fuzz_writer_free(&w);
	for (size_t i = 0; i < n; i++)
		merge_source_close(&src[i]);
}

/* The output of a conversion to a foreign format, read back into ours. */
static void check_foreign(int mtx, uint32_t type, const struct mat_header *h)
{
	struct reader r;
	struct writer w;
	struct error e;
	int k;

	fuzz_reader(&r, &out, "foreign");
	fuzz_writer(&w, &back);
	k = mtx ? mtx_read(&r, 0, SORTER_DUPS_FAIL, SORT_MEMORY, &w, &e)
	        : npy_read(&r, 0, SORT_MEMORY, &w, &e);
	assert(k == 0);
	flush(&w);
	fuzz_writer_free(&w);
	reader_close(&r);
	fuzz_check_matrix(&back, mtx ? h->kind : MAT_DENSE, type, h->rows, h->cols);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t opt = fuzz_take(&data, &size);
	enum mode m = (enum mode)(opt % NMODES);
	uint32_t kind = opt / NMODES % 3, type = opt / NMODES / 3 % 3; /* 0: the input's */
	struct matconv_opts o = {.type = type, .precision = opt & 0x80 ? 4 : 0,
	                         .memory = SORT_MEMORY};
	struct reader r;
	struct mat_header h;
	struct writer w;
	struct error e;
	int k;

	fuzz_file_init(&in, "matrix");
	fuzz_file_init(&out, "output");
	fuzz_file_init(&back, "back");
	fuzz_file_set(&in, data, size);
	int fds = fuzz_fds();
	fuzz_reader(&r, &in, "matrix");
	if (mat_read_header(&r, &h, &e) < 0 || too_big(m, &h, kind)) {
		reader_close(&r);
		assert(fuzz_fds() == fds);
		return 0;
	}
	uint32_t out_type = type ? type : h.type;

	fuzz_writer(&w, &out);
	switch (m) {
	case VISIT: fuzz_visit(&r, &h); break;
	case INFO: {
		struct stats s;

		if (stats_read(&r, &h, &s, &e) == 0) {
			assert(s.nonzeros <= s.entries && s.min <= s.max);
			assert(s.nonempty_rows <= h.rows && s.nonempty_cols <= h.cols);
			assert(h.kind == MAT_SPARSE || s.entries == h.rows * h.cols);
			stats_write(&w, &h, &s);
		}
		break;
	}
	case PRINT: matconv_print(&r, &h, kind, &o, &w, &e); break;
	case CONVERT:
		if (matconv_convert(&r, &h, kind, &o, &w, &e) == 0) {
			flush(&w);
			fuzz_check_matrix(&out, kind ? kind : h.kind, out_type, h.rows, h.cols);
		}
		break;
	case TRANSPOSE:
		if (matconv_transpose(&r, &h, &o, &w, &e) == 0) {
			flush(&w);
			fuzz_check_matrix(&out, h.kind, out_type, h.cols, h.rows);
		}
		break;
	case TO_MTX:
	case TO_NPY:
		if (m == TO_MTX)
			k = mtx_write(&r, &h, type, 0, &w, &e);
		else
			k = npy_write(&r, &h, type, &w, &e);
		if (k == 0) {
			flush(&w);
			check_foreign(m == TO_MTX, out_type, &h);
		}
		break;
	case SVD: run_svd(&h); break;
	case PPMI: run_ppmi(&h, opt / NMODES); break;
	case SUM: run_sum(&h, opt / NMODES); break;
	default: break;
	}
	fuzz_writer_free(&w);
	reader_close(&r);
	assert(fuzz_fds() == fds);
	return 0;
}
