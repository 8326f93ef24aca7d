/* fuzz-rnnlm: nlp-rnnlm's model files (lm/rnnlm.c over nn/nnfile.c) as nlp-rnnlm score and
 * nlp-perplexity --model read them, through rnnlm_load. The checksum (bytes 40..47) is set to
 * the mutated bytes' own unless the first byte's bit 1 is set, so that mutations reach the
 * checks behind it. An accepted model is written again byte for byte (the file it came from)
 * and, with bit 0, scores a few tokens, whose log probabilities must be at most 0 or NaN (the
 * scorer's report of absurd weights), never above. */
#include <math.h>

#include "fuzz.h"
#include "lm/rnninfer.h"
#include "base/le.h"
#include "nn/gemm.h"
#include "nn/nnfile.h"

static struct fuzz_file in, out;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t opt = fuzz_take(&data, &size);
	uint8_t *fixed = malloc(size ? size : 1);
	struct rnnlm m;
	struct error e;

	assert(fixed);
	memcpy(fixed, data, size);
	if (!(opt & 2) && size >= RNNLM_HEADER)
		le_put_u64(fixed + 40, nnfile_checksum(fixed + RNNLM_HEADER, size - RNNLM_HEADER));
	data = fixed;
	fuzz_file_init(&in, "model");
	fuzz_file_init(&out, "again");
	fuzz_file_set(&in, data, size);
	if (rnnlm_load(&m, in.path, &e) < 0) {
		free(fixed);
		return 0;
	}
	{
		struct writer w;
		unsigned char *x = malloc(size ? size : 1);

		fuzz_file_clear(&out);
		writer_init(&w, out.fd);
		rnnlm_write(&m, &w);
		assert(writer_flush(&w) == 0);
		writer_free(&w);
		assert(x && (size_t)lseek(out.fd, 0, SEEK_END) == size);
		assert(pread(out.fd, x, size, 0) == (ssize_t)size);
		assert(memcmp(x, data, size) == 0);
		free(x);
	}
	/* scoring costs V x H a token: only for small models */
	if ((opt & 1) && (uint64_t)m.c.vocab * (m.c.hidden + m.c.emb) * m.c.layers < 1 << 20) {
		struct rnnlm_scorer sc;
		uint32_t ids[3] = {RNNLM_UNK, (uint32_t)(m.c.vocab - 1), RNNLM_EOS};
		double lp[3];

		nn_set_threads(1);
		assert(rnnlm_scorer_init(&sc, &m, 1, &e) == 0);
		rnnlm_score(&sc, ids, 3, lp);
		for (int i = 0; i < 3; i++)
			assert(lp[i] <= 1e-6 || isnan(lp[i]));
		rnnlm_scorer_free(&sc);
	}
	rnnlm_free(&m);
	free(fixed);
	return 0;
}
