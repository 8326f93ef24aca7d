/* fuzz-vectors: word vectors in the word2vec formats (vec/vectors.c) as nlp-similar reads them:
 * vec_read in the format the first byte picks (detected, text or binary), the rest being the
 * file, then the lookup that queries and benchmarks use (vec/lookup.c), matching case or not.
 * Vectors that are read have one distinct, non-empty word per row, each found again, and rows
 * of length 1 or 0. */
#include <math.h>

#include "fuzz.h"
#include "vec/lookup.h"
#include "vec/vectors.h"

static struct fuzz_file in;

static void check_vectors(struct vectors *v, int fold)
{
	struct lookup lk;
	struct error e;

	assert(v->words.n == v->rows);
	assert(v->rows == 0 || v->dim > 0);
	for (size_t i = 0; i < v->rows; i++) {
		const float *u = v->unit + i * v->dim;
		double sq = 0;
		size_t len;
		const char *w = vec_word(v, i, &len);

		assert(len > 0 && !memchr(w, ' ', len));
		assert(vec_find(v, w, len) == (int64_t)i);
		for (size_t j = 0; j < v->dim; j++) {
			assert(isfinite(u[j]));
			sq += (double)u[j] * u[j];
		}
		assert(sq == 0 || fabs(sq - 1) < 1e-4);
	}
	assert(lookup_init(&lk, v, v->rows, fold, &e) == 0);
	for (size_t i = 0; i < v->rows; i++) {
		size_t len;
		const char *w = vec_word(v, i, &len);
		int64_t row = lookup_find(&lk, w, len);

		/* folded, the first row of the word's upper case stands for it */
		assert(fold ? row >= 0 && (size_t)row <= i : row == (int64_t)i);
	}
	lookup_free(&lk);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t opt = fuzz_take(&data, &size);
	enum vec_format f = opt % 3 == 0 ? VEC_AUTO : opt % 3 == 1 ? VEC_TEXT : VEC_BINARY;
	struct vectors v;
	struct reader r;
	struct error e;

	fuzz_file_init(&in, "vectors");
	fuzz_file_set(&in, data, size);
	int fds = fuzz_fds();
	fuzz_reader(&r, &in, "vectors");
	if (vec_read(&v, &r, f, &e) == 0) {
		assert(f == VEC_AUTO || v.binary == (f == VEC_BINARY));
		check_vectors(&v, opt / 3 % 2);
	} else {
		assert(v.rows == 0 && !v.unit);
	}
	vec_free(&v);
	reader_close(&r);
	assert(fuzz_fds() == fds);
	return 0;
}
