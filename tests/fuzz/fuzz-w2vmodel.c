/* fuzz-w2vmodel: nlp-w2v's model files (vec/w2vmodel.c) as nlp-w2v oov and nlp-similar --model
 * read them: w2vmodel_read, then on an accepted model the vocabulary's vectors
 * (w2vmodel_vectors), the vectors of a few words seen or not (w2vmodel_vector), the model
 * written again (w2vmodel_write), and with the first byte's bit 0 queries of unseen words
 * through nlp-similar's answers (vec/answers.c) with the model's subwords. An accepted model has
 * its header's number of distinct, non-empty words without blanks, each found again, finite
 * values and zero padding; rows of length 1 or 0; a vector for each word of the vocabulary and,
 * with subwords, for each unseen word with an n-gram; and it is written again byte for byte. */
#include <math.h>

#include "fuzz.h"
#include "base/spans.h"
#include "vec/answers.h"
#include "vec/subword.h"
#include "vec/w2vmodel.h"

static struct fuzz_file in, out;

/* words no vocabulary of the seeds holds, among them a Korean form and bytes that are no UTF-8 */
static const char *const unseen[] = {"zzq", "영화관에서", "a", "\xff\x80x", "unseenword"};

static void ignore(const struct error *e)
{
	(void)e;
}

/* Whether w has a vector: a word of the vocabulary, or one with an n-gram of the model's. */
static int has_vector(const struct w2vmodel *m, const char *w, size_t n)
{
	const struct w2vmodel_info *h = &m->info;

	return strtab_find(&m->words, w, n) >= 0 ||
	       (h->minn && subword_each(w, n, h->minn, h->maxn, NULL, NULL) > 0);
}

static void check_model(struct w2vmodel *m)
{
	const struct w2vmodel_info *h = &m->info;
	uint64_t rows = h->words + h->buckets;
	float *x = malloc(h->dim * sizeof(*x));

	assert(x);
	assert(m->words.n == h->words && h->words > 0 && h->dim > 0);
	assert((h->minn == 0) == (h->buckets == 0) && h->minn <= h->maxn);
	for (size_t i = 0; i < m->words.n; i++) {
		size_t len;
		const char *w = strtab_key(&m->words, i, &len);

		assert(len > 0 && strtab_find(&m->words, w, len) == (int64_t)i);
		for (size_t k = 0; k < len; k++)
			assert(!spans_is_blank((unsigned char)w[k]) && w[k] != '\n');
		assert(w2vmodel_vector(m, w, len, x) == W2VMODEL_WORD);
		for (size_t j = 0; j < h->dim; j++)
			assert(isfinite(x[j]));
	}
	for (uint64_t r = 0; r < rows; r++)
		for (size_t j = 0; j < m->stride; j++)
			assert(j < h->dim ? isfinite(m->in[r * m->stride + j]) : m->in[r * m->stride + j] == 0);
	for (size_t i = 0; i < sizeof(unseen) / sizeof(*unseen); i++) {
		size_t len = strlen(unseen[i]);
		int known = strtab_find(&m->words, unseen[i], len) >= 0;
		int grams = h->minn && subword_each(unseen[i], len, h->minn, h->maxn, NULL, NULL) > 0;
		int k = w2vmodel_vector(m, unseen[i], len, x);

		assert(k == (known ? W2VMODEL_WORD : grams ? W2VMODEL_SUBWORDS : W2VMODEL_NONE));
	}
	free(x);
}

static void check_vectors(struct w2vmodel *m)
{
	struct vectors v;
	struct error e;

	assert(w2vmodel_vectors(m, &v, &e) == 0);
	assert(v.rows == m->info.words && v.dim == m->info.dim);
	for (size_t i = 0; i < v.rows; i++) {
		double sq = 0;

		for (size_t j = 0; j < v.dim; j++)
			sq += (double)v.unit[i * v.dim + j] * v.unit[i * v.dim + j];
		assert(sq == 0 || fabs(sq - 1) < 1e-4);
	}
	vec_free(&v);
}

/* The model written again is the file it was read from. */
static void check_rewrite(struct w2vmodel *m, const uint8_t *data, size_t size)
{
	struct writer w;
	struct error e;
	uint8_t *back = malloc(size);

	assert(back);
	fuzz_writer(&w, &out);
	assert(w2vmodel_write(&w, &m->info, &m->words, m->in, m->stride, &e) == 0);
	assert(writer_flush(&w) == 0);
	fuzz_writer_free(&w);
	assert(lseek(out.fd, 0, SEEK_END) == (off_t)size);
	assert(pread(out.fd, back, size, 0) == (ssize_t)size);
	assert(memcmp(back, data, size) == 0);
	free(back);
}

/* answers_oov_fn over the model, as nlp-similar --model asks it. */
static int model_oov(void *ctx, const char *w, size_t n, float *out_)
{
	int k = w2vmodel_vector(ctx, w, n, out_);

	return k < 0 ? -1 : k == W2VMODEL_NONE ? 1 : 0;
}

static void check_queries(struct w2vmodel *m)
{
	struct vectors v;
	struct answers a;
	struct writer w;
	struct error e;
	size_t len;
	const char *first = strtab_key(&m->words, 0, &len);
	char q[80];
	int n = snprintf(q, sizeof(q), "%.*s zzq %s", (int)(len < 40 ? len : 40), first,
	                 unseen[1]);

	assert(w2vmodel_vectors(m, &v, &e) == 0);
	fuzz_writer(&w, &out);
	assert(answers_init(&a, &v, v.rows, 3, SIMILAR_ADD, 0, 1, 1, &e) == 0);
	assert(answers_oov(&a, model_oov, m, &e) == 0);
	for (size_t i = 0; i < sizeof(unseen) / sizeof(*unseen); i++) {
		int k = answers_add(&a, &w, unseen[i], strlen(unseen[i]), ignore, &e);

		assert(k == !has_vector(m, unseen[i], strlen(unseen[i])));
	}
	/* a known word (unless it is cut or has bytes that split it) in an analogy with two unseen */
	assert(answers_add(&a, &w, q, (size_t)n, ignore, &e) >= 0);
	assert(answers_flush(&a, &w, &e) == 0);
	answers_free(&a);
	fuzz_writer_free(&w);
	vec_free(&v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t opt = fuzz_take(&data, &size);
	struct w2vmodel m;
	struct reader r;
	struct error e;

	fuzz_file_init(&in, "model");
	fuzz_file_init(&out, "output");
	fuzz_file_set(&in, data, size);
	int fds = fuzz_fds();
	fuzz_reader(&r, &in, "model");
	if (w2vmodel_read(&m, &r, &e) == 0) {
		check_model(&m);
		check_vectors(&m);
		check_rewrite(&m, data, size);
		if (opt & 1)
			check_queries(&m);
	} else {
		assert(!m.in && m.words.n == 0);
	}
	w2vmodel_free(&m);
	reader_close(&r);
	assert(fuzz_fds() == fds);
	return 0;
}
