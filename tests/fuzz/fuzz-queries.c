/* fuzz-queries: nlp-similar's queries read from its standard input, a word or three words a line
 * (vec/answers.c): each line through answers_add over fixed vectors (fuzzvec.h), the batch
 * answered by answers_flush, with the number of answers, the candidates, case matching, the
 * method and the --with-query form that the first two bytes pick, the rest being the input. */
#include "fuzzvec.h"
#include "vec/answers.h"

static struct fuzz_file in, out;

static void ignore(const struct error *e)
{
	(void)e;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t opt = fuzz_take(&data, &size), top = fuzz_take(&data, &size);
	const struct vectors *v = fuzz_toy_vectors();
	enum similar_method m = opt & 2 ? SIMILAR_MUL : SIMILAR_ADD;
	size_t cands = 1 + (size_t)(opt >> 3) % v->rows;
	struct answers a;
	struct reader r;
	struct writer w;
	struct error e;
	char *line;
	ssize_t n;

	fuzz_file_init(&in, "queries");
	fuzz_file_init(&out, "output");
	fuzz_file_set(&in, data, size);
	int fds = fuzz_fds();
	fuzz_writer(&w, &out);
	assert(answers_init(&a, v, cands, top % 20, m, opt & 1, 1, opt >> 2 & 1, &e) == 0);
	fuzz_reader(&r, &in, "<stdin>");
	while ((n = reader_line(&r, &line)) >= 0) {
		int k = answers_add(&a, &w, line, (size_t)n, ignore, &e);

		assert(k == 0 || k == 1);
		assert(a.n <= a.cap);
	}
	assert(n == -1);
	assert(answers_flush(&a, &w, &e) == 0);
	assert(a.n == 0);
	answers_free(&a);
	reader_close(&r);
	fuzz_writer_free(&w);
	assert(fuzz_fds() == fds);
	return 0;
}
