/* fuzz-stopword: stopword lists, a word a line with '#' comments (text/stopword.c), as
 * nlp-stopword reads them: stopword_load into a set matched exactly or case-folded, as words or
 * as Korean particles, as the first byte says, the rest being the file. A list that loads is
 * then applied to its own lines (when they are valid UTF-8), keeping or dropping its words and
 * splitting particles or not: every output line is valid UTF-8 ending in a newline. */
#include "fuzz.h"
#include "text/stopword.h"
#include "text/utf8.h"

static struct fuzz_file in;

static void apply(struct stopword *sw, const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *end = s + size;
	struct buf out = {0};
	struct error e;

	if (utf8_valid_prefix(s, size) != size)
		return;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);

		out.len = 0;
		if (stopword_line(sw, s, n, &out, &e) == 0) {
			assert(out.len > 0 && out.p[out.len - 1] == '\n');
			assert(utf8_valid_prefix(out.p, out.len) == out.len);
		}
		s += n + 1;
	}
	buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t opt = fuzz_take(&data, &size);
	struct stopword sw;
	struct error e;

	fuzz_file_init(&in, "stopwords");
	fuzz_file_set(&in, data, size);
	int fds = fuzz_fds();
	if (stopword_init(&sw, opt & 1, &e) == 0 &&
	    stopword_load(&sw, in.path, opt >> 1 & 1, &e) == 0) {
		sw.keep = opt >> 2 & 1;
		sw.split_particles = opt >> 3 & 1;
		apply(&sw, data, size);
	}
	stopword_free(&sw);
	assert(fuzz_fds() == fds);
	return 0;
}
