/* fuzz-wordnet: WordNet's dict files as nlp-stem --lemma reads them (text/lemma.c): the input is
 * an index file (lemma_load_index) or an exception list (lemma_load_exceptions) of a part of
 * speech, the other file of the pair fixed, as the first byte says (bit 0: the index; bits 1..3:
 * the part of speech, n v a r s, modulo 5). A pair that loads is then used: every field of the
 * input's valid UTF-8 lines, and a few fixed words, are lemmatized, and each lemma is non-empty,
 * valid UTF-8, and either the token itself or a lemma of the index. */
#include "fuzz.h"
#include "text/lemma.h"
#include "text/utf8.h"

static struct fuzz_file in, other;

static const char *const fixed_words[] = {"cats", "mice", "dogs", "running", "s", "ses", "bigger",
                                          "better", "a", NULL};

/* Lemmatizes s[0..n) and checks what lemma_token promises. */
static void check(struct lemma *lm, struct buf *out, const char *s, size_t n)
{
	struct error e;

	out->len = 0;
	if (lemma_token(lm, s, n, out, &e) < 0)
		return; /* out of memory only */
	assert(out->len > 0);
	assert(utf8_valid_prefix(out->p, out->len) == out->len);
	assert((out->len == n && memcmp(out->p, s, n) == 0) ||
	       strtab_find(&lm->index, out->p, out->len) >= 0);
}

/* Lemmatizes the blank-separated fields of each valid UTF-8 line of data[0..size). */
static void apply(struct lemma *lm, const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *end = s + size;
	struct buf out = {0};

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s), i = 0;

		if (utf8_valid_prefix(s, n) == n) {
			while (i < n) {
				size_t j;

				while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' ||
				                 s[i] == '\v' || s[i] == '\f'))
					i++;
				for (j = i; j < n && s[j] != ' ' && s[j] != '\t' && s[j] != '\r' &&
				            s[j] != '\v' && s[j] != '\f'; j++)
					;
				if (j > i)
					check(lm, &out, s + i, j - i);
				i = j;
			}
		}
		s += n + 1;
	}
	for (int k = 0; fixed_words[k]; k++)
		check(lm, &out, fixed_words[k], strlen(fixed_words[k]));
	buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char poses[] = "nvars";
	uint8_t opt = fuzz_take(&data, &size);
	char pos = poses[(opt >> 1 & 7) % 5], letter = pos == 's' ? 'a' : pos;
	char fixed[256];
	struct lemma lm;
	struct error e;
	int ok;

	fuzz_file_init(&in, "wordnet");
	fuzz_file_init(&other, "wordnet-fixed");
	fuzz_file_set(&in, data, size);
	if (opt & 1) /* the input is the index: a fixed exception list */
		snprintf(fixed, sizeof(fixed), "mice mouse\ncats cat dog\nbetter good well\n");
	else
		snprintf(fixed, sizeof(fixed),
		         "  1 licence\ncat %c 1 0 1 0 1\nmouse %c 2 0\ngood %c 1 0\nbig %c 1\n", letter,
		         letter, letter, letter);
	fuzz_file_set(&other, (const uint8_t *)fixed, strlen(fixed));
	int fds = fuzz_fds();
	ok = lemma_init(&lm, pos, &e) == 0;
	if (ok && opt & 1)
		ok = lemma_load_index(&lm, in.path, &e) == 0 &&
		     lemma_load_exceptions(&lm, other.path, &e) == 0;
	else if (ok)
		ok = lemma_load_index(&lm, other.path, &e) == 0 &&
		     lemma_load_exceptions(&lm, in.path, &e) == 0;
	if (ok) {
		assert(lm.index.n > 0);
		apply(&lm, data, size);
	} else {
		assert(e.msg[0] != '\0');
	}
	lemma_free(&lm);
	assert(fuzz_fds() == fds);
	return 0;
}
