/* fuzz-rnnlm: nlp-rnnlm's model files (lm/rnnlm.c over nn/nnfile.c) as nlp-rnnlm score and
 * nlp-perplexity --model read them, through rnnlm_load. The checksum (bytes 40..47) is set to
 * the mutated bytes' own unless the first byte's bit 1 is set, so that mutations reach the
 * checks behind it. An accepted model is written again byte for byte (the file it came from)
 * and, with bit 0, scores a few tokens, whose log probabilities must be at most 0 or NaN (the
 * scorer's report of absurd weights), never above. */
#include <math.h>

#include "fuzznn.h"
#include "lm/rnninfer.h"
#include "base/le.h"
#include "nn/gemm.h"
#include "nn/nnfile.h"

static struct fuzz_file in, out;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t opt = fuzz_take(&data, &size);
	uint8_t *fixed = fuzz_nnfile_copy(data, size, RNNLM_HEADER, opt & 2);
	struct rnnlm m;
	struct error e;

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

		fuzz_writer(&w, &out);
		rnnlm_write(&m, &w);
		fuzz_wrote_back(&w, &out, data, size);
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
