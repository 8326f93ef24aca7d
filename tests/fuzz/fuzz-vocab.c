/* fuzz-vocab: vocabulary files, token<TAB>count lines (count/vocab.c), read as the programs read
 * them: the first byte picks vocab_load (nlp-cooccur, nlp-svd, nlp-tfidf and nlp-vocab
 * --encode/--decode, invalid UTF-8 an error) or vocab_read under the replace, skip or fail
 * policy (nlp-vocab --merge); the rest is the file. Every entry is one non-empty token of valid
 * UTF-8; a loaded vocabulary maps each token to its line and back, and encodes and decodes a
 * line of all its tokens to itself. */
#include "count/vocab.h"
#include "fuzz.h"
#include "text/utf8.h"

static struct fuzz_file in;

static int check_entry(void *ctx, const char *tok, size_t len, uint64_t count)
{
	uint64_t *n = ctx;

	(void)count;
	assert(len > 0 && !memchr(tok, ' ', len) && !memchr(tok, '\t', len));
	assert(utf8_valid_prefix(tok, len) == len);
	++*n;
	return 0;
}

/* The vocabulary's tokens, joined by spaces, encode to their ids and decode back. */
static void check_mapping(const struct vocab *v)
{
	struct vocab_mapper enc = {.v = v, .encode = 1, .unknown = VOCAB_UNK_FAIL};
	struct vocab_mapper dec = {.v = v};
	struct buf line = {0}, ids = {0}, back = {0};
	struct error e;

	for (size_t id = 0; id < vocab_size(v); id++) {
		size_t len;
		const char *tok = vocab_token(v, id, &len);

		assert(vocab_id(v, tok, len) == (int64_t)id);
		if (id > 0)
			buf_putc(&line, ' ');
		buf_put(&line, tok, len);
	}
	buf_putc(&line, '\n');
	assert(vocab_map_line(&enc, line.p, line.len - 1, &ids, "line", 1, &e) == 0);
	assert(vocab_map_line(&dec, ids.p, ids.len - 1, &back, "ids", 1, &e) == 0);
	assert(back.len == line.len && memcmp(back.p, line.p, line.len) == 0);
	vocab_mapper_free(&enc);
	vocab_mapper_free(&dec);
	buf_free(&line);
	buf_free(&ids);
	buf_free(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t mode = fuzz_take(&data, &size) % 4;
	struct error e;

	fuzz_file_init(&in, "vocab");
	fuzz_file_set(&in, data, size);
	int fds = fuzz_fds();
	if (mode == 0) {
		struct vocab v;

		if (vocab_load(&v, in.path, &e) == 0) {
			check_mapping(&v);
			vocab_free(&v);
		}
	} else {
		char *files[] = {in.path};
		uint64_t n = 0;

		vocab_read(files, 1, mode - 1, check_entry, &n, &e);
	}
	assert(fuzz_fds() == fds);
	return 0;
}
