/* fuzz-vectors: word vectors in the word2vec formats (vec/vectors.c) as nlp-similar reads them:
 * vec_read in the format the first byte picks (detected, text or binary), the rest being the
 * file, then the lookup that queries and benchmarks use (vec/lookup.c), matching case or not.
 * Vectors that are read have one distinct, non-empty word per row, each found again, and rows
 * of length 1 or 0. With the option's fourth bit, the rows as read (vec_read_rows raw, the
 * pretrained vectors of the trainers' cli/trainout.c) copied into an embedding of their words
 * by vec_fill_rows, each row found again. */
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

/* The embedding of v's words from v's rows is v's rows. */
static void check_raw(const struct vectors *v)
{
	float *emb = calloc(v->rows * v->dim + 1, sizeof(float));
	struct error e;

	assert(emb);
	assert(vec_fill_rows(emb, v->dim, &v->words, v, &e) == 0);
	assert(memcmp(emb, v->unit, v->rows * v->dim * sizeof(float)) == 0 || v->rows * v->dim == 0);
	assert(vec_fill_rows(emb, v->dim + 1, &v->words, v, &e) < 0);
	free(emb);
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
	if (opt & 8 ? vec_read_rows(&v, &r, f, 1, &e) == 0 : vec_read(&v, &r, f, &e) == 0) {
		assert(f == VEC_AUTO || v.binary == (f == VEC_BINARY));
		if (opt & 8)
			check_raw(&v);
		else
			check_vectors(&v, opt / 3 % 2);
	} else {
		assert(v.rows == 0 && !v.unit);
	}
	vec_free(&v);
	reader_close(&r);
	assert(fuzz_fds() == fds);
	return 0;
}
