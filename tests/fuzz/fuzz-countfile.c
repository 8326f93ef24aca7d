/* fuzz-countfile: count files, "w1 w2 ... wn<TAB>count" lines (count/countfile.c), as nlp-ngram
 * --merge reads them: countfile_read under the UTF-8 policy the first byte picks (replace, skip
 * or fail), the rest being the file. Every line handed on has a non-empty key of valid UTF-8
 * without a tab, of as many units as it has single spaces plus one. */
#include "count/countfile.h"
#include "fuzz.h"
#include "text/utf8.h"

static struct fuzz_file in;

static int check_line(void *ctx, const char *key, size_t len, unsigned nunits, uint64_t count)
{
	unsigned spaces = 0;

	(void)ctx;
	(void)count;
	assert(len > 0 && key[0] != ' ' && key[len - 1] != ' ');
	assert(!memchr(key, '\t', len) && !memchr(key, '\n', len));
	assert(utf8_valid_prefix(key, len) == len);
	for (size_t i = 0; i < len; i++)
		spaces += key[i] == ' ';
	assert(nunits == spaces + 1);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int policy = fuzz_take(&data, &size) % 3;
	struct error e;

	fuzz_file_init(&in, "counts");
	fuzz_file_set(&in, data, size);
	int fds = fuzz_fds();
	countfile_read(in.path, policy, check_line, NULL, &e);
	assert(fuzz_fds() == fds);
	return 0;
}
