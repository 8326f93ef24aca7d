/* fuzz-pairs: word-pair benchmark files, "w1<TAB>w2<TAB>score" as in WordSim353 (vec/wordeval.c),
 * as nlp-similar --eval-pairs reads them: wordeval_pairs over fixed vectors (fuzzvec.h), matching
 * case or not and knowing all rows or fewer as the first byte says, the rest being the file. */
#include <math.h>

#include "fuzzvec.h"
#include "vec/lookup.h"
#include "vec/wordeval.h"

static struct fuzz_file in, out;

/* A correlation, or NaN when the scores or cosines do not vary. */
static int correlation(double r)
{
	return isnan(r) || fabs(r) <= 1 + 1e-9;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t opt = fuzz_take(&data, &size);
	const struct vectors *v = fuzz_toy_vectors();
	struct wordeval_pairs p;
	struct lookup lk;
	struct reader r;
	struct writer w;
	struct error e;

	fuzz_file_init(&in, "pairs");
	fuzz_file_init(&out, "output");
	fuzz_file_set(&in, data, size);
	int fds = fuzz_fds();
	assert(lookup_init(&lk, v, (size_t)(opt >> 1) % (v->rows + 1), opt & 1, &e) == 0);
	fuzz_reader(&r, &in, "pairs");
	if (wordeval_pairs(&lk, &r, &p, &e) == 0) {
		assert(p.pairs > 0);
		assert(p.oov_percent >= 0 && p.oov_percent <= 100);
		assert(correlation(p.pearson) && correlation(p.spearman));
		fuzz_writer(&w, &out);
		wordeval_write_pairs(&w, &p);
		fuzz_writer_free(&w);
	}
	reader_close(&r);
	lookup_free(&lk);
	assert(fuzz_fds() == fds);
	return 0;
}
