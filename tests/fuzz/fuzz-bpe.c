/* fuzz-bpe: byte-pair-encoding merges files (text/bpe.c, nlp-bpe apply -c) and apply's
 * vocabulary (text/bpeline.c, --vocab), as nlp-bpe reads them. The input after the option byte
 * is the merges file (bpe_load); with bit 1 of the option byte, only up to its first NUL byte,
 * and what follows the NUL is the vocabulary (bpe_apply_vocab, threshold: bits 2..3, plus 1). Bit 0: the style (subword-nmt, sentencepiece); bit 4: a cache of 300 bytes,
 * emptied again and again, else none.
 * A merges file that loads: every rank's result is its halves, the pair's rank and the result's
 * first maker no later than the rank. Then every line of the merges file, and a word of all its
 * symbols one after another (long: merged through the heap), are segmented, applied and decoded:
 * each word's pieces (bpe_segment) cover it from grapheme boundary to grapheme boundary, a piece
 * with a symbol is that symbol's bytes (the last with </w>), a piece of more than one cluster has
 * one, and no two adjacent pieces make a merge; the applied line is valid UTF-8 without a newline
 * and decodes to the line again, byte for byte; the line decoded as it is gives valid UTF-8. */
#include "fuzz.h"
#include "base/spans.h"
#include "text/bpe.h"
#include "text/bpeline.h"
#include "text/utf8.h"

#define LONG_MAX_BYTES 8192 /* the word of all the symbols: at most this long */

static struct fuzz_file merges_file, vocab_file;

/* The key of symbol id. */
static const char *sym_key(const struct bpe *b, uint32_t id, size_t *len)
{
	assert(id < b->syms.n);
	return strtab_key(&b->syms, id, len);
}

/* The merges' own consistency. */
static void check_merges(const struct bpe *b)
{
	for (size_t r = 0; r < b->n; r++) {
		size_t ln, rn, n;
		const char *l = sym_key(b, b->left[r], &ln), *rr = sym_key(b, b->right[r], &rn);
		const char *res = sym_key(b, b->result[r], &n);

		assert(ln > 0 && rn > 0 && n == ln + rn);
		assert(memcmp(res, l, ln) == 0 && memcmp(res + ln, rr, rn) == 0);
		assert(bpe_rank(b, b->left[r], b->right[r]) <= r);
		assert(b->made_by[b->result[r]] <= r);
	}
}

/* The segmentation of word w[0..len) by seg (bpe_segment's). */
static void check_word(const struct bpe *b, struct bpe_seg *seg, const char *w, size_t len,
                       struct buf *tmp)
{
	size_t n = bpe_segment(b, w, len, seg), g = 0;

	assert(n >= 1 && seg->start[0] == 0 && seg->start[n] == len);
	for (size_t i = 0; i < n; i++) {
		size_t a = seg->start[i], z = seg->start[i + 1], clusters = 0, k;

		assert(a < z);
		/* the piece starts where a cluster starts and is whole clusters */
		while (g < a)
			g = bpe_grapheme_end(w, len, g);
		assert(g == a);
		while (g < z) {
			g = bpe_grapheme_end(w, len, g);
			clusters++;
		}
		assert(g == z);
		if (seg->sym[i] != BPE_NONE) {
			const char *s = sym_key(b, seg->sym[i], &k);

			tmp->len = 0;
			buf_put(tmp, w + a, z - a);
			if (i + 1 == n)
				buf_put(tmp, BPE_EOW, BPE_EOW_LEN);
			assert(k == tmp->len && memcmp(s, tmp->p, k) == 0);
		} else {
			assert(clusters == 1);
		}
		if (i + 1 < n)
			assert(bpe_rank(b, seg->sym[i], seg->sym[i + 1]) == BPE_NONE);
	}
}

/* Segments, applies and decodes the valid UTF-8 line s[0..n) (no newline). */
static void check_line(const struct bpe *b, struct bpe_apply *a, struct bpe_seg *seg,
                       const char *s, size_t n, struct buf *out, struct buf *back, struct buf *tmp)
{
	size_t i = 0;

	while (i < n) {
		size_t j;

		while (i < n && spans_is_blank((unsigned char)s[i]))
			i++;
		for (j = i; j < n && !spans_is_blank((unsigned char)s[j]); j++)
			;
		if (j > i)
			check_word(b, seg, s + i, j - i, tmp);
		i = j;
	}
	out->len = 0;
	bpe_apply_line(a, s, n, out);
	assert(utf8_valid_prefix(out->p, out->len) == out->len);
	assert(!out->len || !memchr(out->p, '\n', out->len));
	back->len = 0;
	bpe_decode_line(a->style, out->p, out->len, back);
	assert(back->len == n && (n == 0 || memcmp(back->p, s, n) == 0));
	back->len = 0;
	bpe_decode_line(a->style, s, n, back);
	assert(utf8_valid_prefix(back->p, back->len) == back->len);
}

/* Every line of the merges file, then a word of all its symbols. */
static void check_text(const struct bpe *b, struct bpe_apply *a, const char *s, size_t n)
{
	struct bpe_seg seg = {0};
	struct buf out = {0}, back = {0}, tmp = {0}, word = {0};
	const char *end = s + n;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t k = nl ? (size_t)(nl - s) : (size_t)(end - s);

		if (utf8_valid_prefix(s, k) == k) {
			check_line(b, a, &seg, s, k, &out, &back, &tmp);
			for (size_t i = 0; i < k && word.len < LONG_MAX_BYTES; i++)
				if (!spans_is_blank((unsigned char)s[i]))
					buf_put(&word, s + i, 1);
		}
		s += k + 1;
	}
	word.len = utf8_valid_prefix(word.p, word.len); /* the cap may cut a character */
	if (word.len > 0) {
		struct buf two = {0};

		check_line(b, a, &seg, word.p, word.len, &out, &back, &tmp);
		/* twice, with a blank between: the cache gives it again */
		buf_put(&two, word.p, word.len);
		buf_put(&two, " ", 1);
		buf_put(&two, word.p, word.len);
		check_line(b, a, &seg, two.p, two.len, &out, &back, &tmp);
		buf_free(&two);
	}
	bpe_seg_free(&seg);
	buf_free(&out);
	buf_free(&back);
	buf_free(&tmp);
	buf_free(&word);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t opt = fuzz_take(&data, &size);
	const uint8_t *nul = opt & 2 ? memchr(data, '\0', size) : NULL;
	size_t msize = nul ? (size_t)(nul - data) : size;
	enum bpe_style st = opt & 1 ? BPE_SENTENCEPIECE : BPE_SUBWORD_NMT;
	struct bpe b;
	struct bpe_apply a;
	struct error e;
	int fds;

	fuzz_file_init(&merges_file, "merges");
	fuzz_file_init(&vocab_file, "vocab");
	fuzz_file_set(&merges_file, data, msize);
	if (opt & 2)
		fuzz_file_set(&vocab_file, nul ? nul + 1 : data + size, nul ? size - msize - 1 : 0);
	fds = fuzz_fds();
	assert(bpe_init(&b, &e) == 0);
	if (bpe_load(&b, merges_file.path, &e) < 0) {
		assert(e.msg[0] != '\0');
		bpe_free(&b);
		assert(fuzz_fds() == fds);
		return 0;
	}
	check_merges(&b);
	assert(bpe_apply_init(&a, &b, st, opt & 16 ? 300 : 0, &e) == 0);
	if (!(opt & 2) || bpe_apply_vocab(&a, vocab_file.path, (uint64_t)(opt >> 2 & 3) + 1, &e) == 0)
		check_text(&b, &a, (const char *)data, msize);
	else
		assert(e.msg[0] != '\0');
	bpe_apply_free(&a);
	bpe_free(&b);
	assert(fuzz_fds() == fds);
	return 0;
}
