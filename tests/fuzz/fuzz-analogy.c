/* fuzz-analogy: analogy question files, ": section" and "a b c d" lines as in word2vec's
 * questions-words.txt (vec/wordeval.c), as nlp-similar --eval-analogy reads them:
 * wordeval_analogies over fixed vectors (fuzzvec.h), matching case or not, by 3CosAdd or
 * 3CosMul, knowing all rows or fewer as the first byte says, the rest being the file. */
#include "fuzzvec.h"
#include "vec/lookup.h"
#include "vec/wordeval.h"

static struct fuzz_file in, out;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t opt = fuzz_take(&data, &size);
	const struct vectors *v = fuzz_toy_vectors();
	enum similar_method m = opt & 2 ? SIMILAR_MUL : SIMILAR_ADD;
	struct wordeval_analogies a;
	struct lookup lk;
	struct reader r;
	struct writer w;
	struct error e;

	fuzz_file_init(&in, "analogy");
	fuzz_file_init(&out, "output");
	fuzz_file_set(&in, data, size);
	int fds = fuzz_fds();
	assert(lookup_init(&lk, v, (size_t)(opt >> 2) % (v->rows + 1), opt & 1, &e) == 0);
	fuzz_reader(&r, &in, "analogy");
	if (wordeval_analogies(&lk, &r, m, 1, &a, &e) == 0) {
		uint64_t correct = 0, total = 0;

		for (size_t i = 0; i < a.nsec; i++) {
			assert(a.sec[i].name && a.sec[i].correct <= a.sec[i].total);
			correct += a.sec[i].correct;
			total += a.sec[i].total;
		}
		assert(correct == a.correct && total == a.total);
		assert(a.oov <= a.questions && a.total + a.oov == a.questions);
		fuzz_writer(&w, &out);
		wordeval_write_analogies(&w, &a);
		fuzz_writer_free(&w);
	}
	wordeval_analogies_free(&a);
	reader_close(&r);
	lookup_free(&lk);
	assert(fuzz_fds() == fds);
	return 0;
}
