/* fuzz-arpa: ARPA files as nlp-perplexity --model reads them: lm_model_read (lm/model.c), which
 * tells the forms apart and hands an ARPA file to lm/arpa.c (a binary one to lm/lmbin.c). An
 * accepted model passes fuzzlm.h's checks; with the first byte's bit 0 its queries are asked too,
 * and its binary form (lm/lmbin.c) reads back to the same model and is written again byte for
 * byte. */
#include "fuzzlm.h"

static struct fuzz_file in;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t opt = fuzz_take(&data, &size);
	struct lm_model *m;
	int fds;

	fuzz_file_init(&in, "model");
	lm_files_init();
	fuzz_file_set(&in, data, size);
	fds = fuzz_fds();
	if (lm_read(&m, &in, "model") == 0) {
		lm_check(m);
		if (opt & 1) {
			float lp[256];

			lm_queries(m, lp, 256);
			lm_round_trip(m);
		}
		lm_model_free(m);
	}
	assert(fuzz_fds() == fds);
	return 0;
}
