/* fuzzlm.h: what fuzz-arpa and fuzz-lmbin check on an n-gram model that a reader accepted
 * (lm/model.c, lm/arpa.c, lm/lmbin.c): its vocabulary (distinct, non-empty words without blanks,
 * valid UTF-8, each found again; <s>, </s> and <unk> among them), its sizes, its values, queries
 * over contexts drawn from the vocabulary (never NaN, an n-gram length within the order and the
 * context), and its binary form, which reads back to the same model and queries and is written
 * again byte for byte. */
#ifndef NLP_FUZZLM_H
#define NLP_FUZZLM_H

#include <math.h>

#include "fuzz.h"
#include "base/spans.h"
#include "lm/model.h"
#include "text/utf8.h"

static struct fuzz_file lm_out, lm_again;

/* Creates the memory files of the round trip, before the target counts its descriptors. */
static void lm_files_init(void)
{
	fuzz_file_init(&lm_out, "binary");
	fuzz_file_init(&lm_again, "again");
}

/* The queries: for a few words, contexts of 0 to order-1 words drawn from the vocabulary. */
static void lm_queries(const struct lm_model *m, float *lp, size_t nlp)
{
	size_t v = lm_model_vocab_size(m), k = 0;
	uint32_t ctx[LM_MAX_ORDER];

	for (size_t w = 0; w < v && k < nlp; w += 1 + v / 40) {
		for (unsigned n = 0; n < lm_model_order(m) && k < nlp; n++) {
			unsigned len;

			for (unsigned i = 0; i < n; i++)
				ctx[i] = (uint32_t)((w * 7 + i * 13 + n) % v);
			lp[k] = lm_model_logp(m, ctx, n, (uint32_t)w, &len);
			assert(!isnan(lp[k]));
			assert(len >= 1 && len <= n + 1 && len <= lm_model_order(m));
			k++;
		}
	}
}

static void lm_check(const struct lm_model *m)
{
	size_t v = lm_model_vocab_size(m), len;
	const char *s;

	assert(m->order >= 1 && m->order <= LM_MAX_ORDER);
	assert(v >= 3 && lm_model_count(m, 1) == v);
	for (size_t i = 0; i < v; i++) {
		float p, b;
		uint32_t id = (uint32_t)i;

		s = lm_model_string(m, id, &len);
		assert(len > 0 && utf8_valid_prefix(s, len) == len);
		for (size_t k = 0; k < len; k++)
			assert(!spans_is_blank((unsigned char)s[k]) && s[k] != '\n');
		assert(lm_model_find(m, s, len) == (int64_t)i);
		assert(lm_model_get(m, &id, 1, &p, &b) == 1);
		assert(!isnan(p) && p <= 0 && isfinite(b));
	}
	s = lm_model_string(m, lm_model_bos(m), &len);
	assert(len == 3 && memcmp(s, "<s>", 3) == 0);
	s = lm_model_string(m, lm_model_eos(m), &len);
	assert(len == 4 && memcmp(s, "</s>", 4) == 0);
	s = lm_model_string(m, lm_model_unk(m), &len);
	assert(len == 5 && memcmp(s, "<unk>", 5) == 0);
	for (unsigned n = 2; n <= m->order; n++)
		assert(m->tab[n].n == lm_model_count(m, n) && m->tab[n].nslots > m->tab[n].n);
	for (unsigned n = m->order + 1; n <= LM_MAX_ORDER; n++)
		assert(lm_model_count(m, n) == 0);
}

/* Writes m's binary form into f and returns its size. */
static size_t lm_write(const struct lm_model *m, struct fuzz_file *f)
{
	struct writer w;
	struct error e;

	fuzz_writer(&w, f);
	assert(lm_model_write_binary(m, &w, &e) == 0);
	assert(writer_flush(&w) == 0);
	fuzz_writer_free(&w);
	return (size_t)lseek(f->fd, 0, SEEK_END);
}

/* Reads the model in f (from its start) as a program does. Returns 0 or -1. */
static int lm_read(struct lm_model **m, struct fuzz_file *f, const char *name)
{
	struct error e;
	int fd, r;

	assert(lseek(f->fd, 0, SEEK_SET) == 0);
	fd = dup(f->fd);
	assert(fd > 0);
	r = lm_model_read(m, fd, name, &e);
	close(fd);
	if (r < 0)
		assert(*m == NULL && e.msg[0]);
	return r;
}

/* m's binary form reads back to the same model, and is written again byte for byte; returns
 * the form's size (its bytes are in lm_out). */
static size_t lm_round_trip(const struct lm_model *m)
{
	struct lm_model *r;
	float a[256], b[256];
	size_t size, again;
	unsigned char *x, *y;

	size = lm_write(m, &lm_out);
	assert(lm_read(&r, &lm_out, "binary") == 0);
	lm_check(r);
	assert(r->order == m->order && lm_model_vocab_size(r) == lm_model_vocab_size(m));
	assert(r->unk == m->unk && r->bos == m->bos && r->eos == m->eos);
	assert((r->flags & LM_FLAG_UNK_ADDED) == (m->flags & LM_FLAG_UNK_ADDED));
	for (unsigned n = 1; n <= m->order; n++)
		assert(lm_model_count(r, n) == lm_model_count(m, n));
	for (size_t i = 0; i < lm_model_vocab_size(m); i++) {
		size_t la, lb;
		const char *sa = lm_model_string(m, (uint32_t)i, &la), *sb = lm_model_string(r, (uint32_t)i, &lb);

		assert(la == lb && memcmp(sa, sb, la) == 0);
	}
	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	lm_queries(m, a, 256);
	lm_queries(r, b, 256);
	assert(memcmp(a, b, sizeof(a)) == 0);
	again = lm_write(r, &lm_again);
	assert(again == size);
	x = malloc(size ? size : 1);
	y = malloc(size ? size : 1);
	assert(x && y);
	assert(pread(lm_out.fd, x, size, 0) == (ssize_t)size);
	assert(pread(lm_again.fd, y, size, 0) == (ssize_t)size);
	assert(memcmp(x, y, size) == 0);
	free(x);
	free(y);
	lm_model_free(r);
	return size;
}

#endif
