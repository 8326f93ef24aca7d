/* fuzz-lmbin: the binary form of n-gram models (lm/lmbin.c) as nlp-perplexity --model reads it,
 * through lm_model_read (lm/model.c). An accepted model passes fuzzlm.h's checks, its queries
 * (with the first byte's bit 0) are asked, and it is written again byte for byte: the file it
 * came from. */
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
		}
		if (m->flags & LM_FLAG_BINARY) {
			size_t n = lm_round_trip(m);
			unsigned char *x = malloc(n ? n : 1);

			/* the file it was read from */
			assert(n == size && x);
			assert(pread(lm_out.fd, x, n, 0) == (ssize_t)n);
			assert(memcmp(x, data, n) == 0);
			free(x);
		}
		lm_model_free(m);
	}
	assert(fuzz_fds() == fds);
	return 0;
}
