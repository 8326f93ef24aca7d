/* fuzz-glovemodel: nlp-glove's model files (vec/glove.c over nn/nnfile.c, nlp-glove-model(5))
 * as nlp-glove --model reads them: the whole file to glove_model_parse. The checksum (bytes
 * 40..47) is set to the mutated bytes' own unless the first byte's bit 1 is set, so that
 * mutations reach the checks behind it. On an accepted file: a word table of the header's rows,
 * each word found again at its id, without blanks, newlines or NUL; the shape glove.h gives (vd
 * the dimensions rounded up to GLOVE_LANES, the stride past it a multiple of 16); settings in
 * range; every parameter finite, every AdaGrad sum at least 1, the vectors' padding 0 and its
 * sums at least 1; the model written again (glove_model_write) is the file, byte for byte. With
 * bit 0, for a small model: the cost and gradient (glove_cost_grad) of a few non-zeros on the
 * first and last words, finite, the same cost with a gradient or without, nothing in the
 * gradient's padding; then a step on each (glove_update): a finite cost and the padding still 0,
 * or NaN (a diff that is not finite) and nothing changed. */
#include <math.h>

#include "fuzznn.h"
#include "base/le.h"
#include "base/spans.h"
#include "nn/nnfile.h"
#include "vec/glove.h"

static struct fuzz_file out;

/* The padding of every vector row: 0, its AdaGrad sums at least 1 (so that its steps are 0). */
static void check_padding(const struct glove_model *m)
{
	for (int side = 0; side < 2; side++)
		for (size_t i = 0; i < m->rows; i++) {
			const float *w = glove_row(m, side, i);

			for (size_t k = m->dim; k < m->vd; k++)
				assert(w[k] == 0 && w[m->stride + k] >= 1);
		}
}

static void check_model(const struct glove_model *m, const struct strtab *words)
{
	assert(m->rows >= 1 && m->rows == words->n);
	assert(m->dim >= 1 && m->dim <= GLOVE_MAX_DIM);
	assert(m->vd >= m->dim && m->vd % GLOVE_LANES == 0 && m->vd < m->dim + GLOVE_LANES);
	assert(m->stride > m->vd && m->stride % 16 == 0 && m->stride <= m->vd + 16);
	assert(m->x_max > 0 && isfinite(m->x_max) && m->alpha >= 0 && isfinite(m->alpha));
	assert(m->eta > 0 && isfinite(m->eta) && m->grad_clip > 0 && isfinite(m->grad_clip));
	for (size_t i = 0; i < words->n; i++) {
		size_t len;
		const char *s = strtab_key(words, i, &len);

		assert(len >= 1 && len <= NNFILE_WORD_MAX);
		assert(strtab_find(words, s, len) == (int64_t)i);
		for (size_t j = 0; j < len; j++)
			assert(s[j] != '\0' && s[j] != '\n' && !spans_is_blank((unsigned char)s[j]));
	}
	for (int side = 0; side < 2; side++)
		for (size_t i = 0; i < m->rows; i++) {
			const float *w = glove_row(m, side, i);

			for (size_t k = 0; k < m->dim; k++)
				assert(isfinite(w[k]) && w[m->stride + k] >= 1 && isfinite(w[m->stride + k]));
			assert(isfinite(w[m->vd]) && w[m->stride + m->vd] >= 1 &&
			       isfinite(w[m->stride + m->vd]));
		}
	check_padding(m);
}

/* The cost, the gradient and a step of a few non-zeros on the first and last words. */
static void fit(struct glove_model *m)
{
	uint32_t last = (uint32_t)(m->rows - 1);
	const struct glove_cell cells[] = {
	    {0, 0, 1.0f}, {last, 0, 3.5f}, {0, last, 150.0f}, {last, last, 0.25f}};
	size_t n = 2 * m->rows * 2 * m->stride;
	float *grad = aligned_alloc(64, n * sizeof(float)), *before = malloc(n * sizeof(float));
	double J, Jn;

	assert(grad && before);
	memset(grad, 0, n * sizeof(float));
	J = glove_cost_grad(m, cells, 4, grad);
	Jn = glove_cost_grad(m, cells, 4, NULL);
	assert(isfinite(J) && J >= 0 && (J == Jn || fabs(J - Jn) <= 1e-12 * J));
	for (size_t r = 0; r < 2 * m->rows; r++) {
		const float *g = grad + r * 2 * m->stride;

		for (size_t k = m->dim; k < 2 * m->stride; k++)
			assert(k == m->vd || g[k] == 0);
	}
	for (int c = 0; c < 4; c++) {
		double q;

		memcpy(before, m->params, n * sizeof(float));
		q = glove_update(m, &cells[c]);
		if (isnan(q))
			assert(memcmp(before, m->params, n * sizeof(float)) == 0);
		else
			assert(q >= 0 && isfinite(q));
		check_padding(m);
	}
	free(grad);
	free(before);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t opt = fuzz_take(&data, &size);
	uint8_t *fixed = fuzz_nnfile_copy(data, size, GLOVE_HEADER, opt & 2);
	struct glove_model m;
	struct strtab words;
	struct error e;

	if (glove_model_parse(&m, &words, fixed, size, "model", &e) < 0) {
		assert(e.msg[0]);
		free(fixed);
		return 0;
	}
	check_model(&m, &words);
	{
		struct writer w;
		unsigned char *x = malloc(size);

		fuzz_file_init(&out, "again");
		fuzz_writer(&w, &out);
		assert(glove_model_write(&w, &m, &words, &e) == 0);
		assert(writer_flush(&w) == 0);
		fuzz_writer_free(&w);
		assert(x && (size_t)lseek(out.fd, 0, SEEK_END) == size);
		assert(pread(out.fd, x, size, 0) == (ssize_t)size);
		assert(memcmp(x, fixed, size) == 0);
		free(x);
	}
	/* a fit costs the parameters' size: only for small models */
	if ((opt & 1) && m.rows * m.stride < 1 << 18)
		fit(&m);
	glove_free(&m);
	strtab_free(&words);
	free(fixed);
	return 0;
}
