/* w2vmodel.c: nlp-w2v's model file: writing it, reading it with every size checked against the
 * file's before it is trusted, and the vectors of words seen in training or not. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/le.h"
#include "base/phase.h"
#include "base/spans.h"
#include "vec/subword.h"
#include "vec/w2v.h"
#include "vec/w2vmodel.h"

#define ROW_BLOCK 4096 /* rows of the matrix between progress steps */

/* What is wrong with the header's fields, or NULL; why[cap] holds the text. */
static const char *check_info(const struct w2vmodel_info *h, char *why, size_t cap)
{
	int sub = h->minn || h->maxn;

	if (h->dim < 1 || h->dim > W2V_MAX_DIM)
		snprintf(why, cap, "the dimension %u is not within 1..%d", h->dim, W2V_MAX_DIM);
	else if (h->words < 1 || h->words > VEC_MAX_ROWS)
		snprintf(why, cap, "%llu words: not within 1..%llu", (unsigned long long)h->words,
		         (unsigned long long)VEC_MAX_ROWS);
	else if (h->buckets > W2V_MAX_BUCKETS)
		snprintf(why, cap, "%llu buckets: more than %d", (unsigned long long)h->buckets,
		         W2V_MAX_BUCKETS);
	else if (sub && (h->minn < 1 || h->minn > h->maxn || h->maxn > SUBWORD_MAX_N))
		snprintf(why, cap, "n-grams of %u to %u characters: not within 1..%d", h->minn, h->maxn,
		         SUBWORD_MAX_N);
	else if (sub && h->buckets == 0)
		snprintf(why, cap, "n-grams of %u to %u characters but no buckets", h->minn, h->maxn);
	else if (!sub && h->buckets > 0)
		snprintf(why, cap, "%llu buckets but no n-gram lengths", (unsigned long long)h->buckets);
	else if (h->cbow > 1)
		snprintf(why, cap, "the model %u is neither skip-gram (0) nor CBOW (1)", h->cbow);
	else if (h->window < 1 || h->window > W2V_MAX_WINDOW)
		snprintf(why, cap, "the window %u is not within 1..%d", h->window, W2V_MAX_WINDOW);
	else if (h->hs > 1)
		snprintf(why, cap, "hierarchical softmax %u is neither 0 nor 1", h->hs);
	else if (h->neg < !h->hs || h->neg > W2V_MAX_NEG)
		snprintf(why, cap, "%u negative samples: not within %d..%d", h->neg, !h->hs,
		         W2V_MAX_NEG);
	else if (h->epochs < 1 || h->epochs > W2V_MAX_EPOCHS)
		snprintf(why, cap, "%u epochs: not within 1..%d", h->epochs, W2V_MAX_EPOCHS);
	else if (!(h->sample >= 0 && h->sample <= 1))
		snprintf(why, cap, "the sample %g is not within 0..1", h->sample);
	else if (!(h->alpha > 0 && h->alpha <= 10) || !(h->min_alpha >= 0 && h->min_alpha <= h->alpha))
		snprintf(why, cap, "the learning rates %g and %g are not 0 <= min_alpha <= alpha <= 10",
		         h->alpha, h->min_alpha);
	else
		return NULL;
	return why;
}

/* ---- writing ---- */

int w2vmodel_write(struct writer *w, const struct w2vmodel_info *info, const struct strtab *tab,
                   const float *in, size_t stride, struct error *e)
{
	unsigned char b[W2VMODEL_HEADER] = {0};
	uint64_t table = 0, rows = info->words + info->buckets;
	char why[160];

	if (check_info(info, why, sizeof(why)) || tab->n != info->words || stride < info->dim)
		return error_set(e, -1, 0, NULL, 0, "write the model: %s",
		                 check_info(info, why, sizeof(why)) ? why : "inconsistent sizes");
	for (size_t i = 0; i < tab->n; i++) {
		size_t len;
		const char *word = strtab_key(tab, i, &len);

		/* what the reader would refuse is not written */
		for (size_t k = 0; k < len; k++)
			if (spans_is_blank((unsigned char)word[k]) || word[k] == '\n')
				len = 0;
		if (len == 0 || len > UINT32_MAX)
			return error_set(e, -1, 0, NULL, 0, "write the model: word %zu is empty, too long "
			                 "or has a blank", i + 1);
		table += 4 + len + 8;
	}
	/* the values are checked before anything is written: no half-written model */
	for (uint64_t r = 0; r < rows; r++)
		for (size_t j = 0; j < info->dim; j++)
			if (!(fabsf(in[r * stride + j]) <= W2VMODEL_MAX_VALUE))
				return error_set(e, -1, 0, NULL, 0, "write the model: %s %llu has the value "
				                 "%g: training diverged (a lower --alpha may help)",
				                 r < info->words ? "word" : "bucket",
				                 (unsigned long long)(r < info->words ? r : r - info->words) + 1,
				                 (double)in[r * stride + j]);
	memcpy(b, W2VMODEL_MAGIC, 8);
	le_put_u32(b + 8, W2VMODEL_VERSION);
	le_put_u32(b + 12, 0x01020304);
	le_put_u32(b + 16, W2VMODEL_HEADER);
	le_put_u32(b + 20, info->dim);
	le_put_u64(b + 24, info->words);
	le_put_u64(b + 32, info->buckets);
	le_put_u32(b + 40, info->minn);
	le_put_u32(b + 44, info->maxn);
	le_put_u32(b + 48, info->minn ? W2VMODEL_HASH_FASTTEXT : 0);
	le_put_u32(b + 52, info->cbow);
	le_put_u32(b + 56, info->window);
	le_put_u32(b + 60, info->neg);
	le_put_u32(b + 64, info->epochs);
	le_put_u32(b + 68, info->hs);
	le_put_u64(b + 72, info->seed);
	le_put_f64(b + 80, info->sample);
	le_put_f64(b + 88, info->alpha);
	le_put_f64(b + 96, info->min_alpha);
	le_put_u64(b + 104, info->corpus_words);
	le_put_u64(b + 112, table);
	writer_write(w, (const char *)b, sizeof(b));
	for (size_t i = 0; i < tab->n; i++) {
		size_t len;
		const char *word = strtab_key(tab, i, &len);

		le_put_u32(b, (uint32_t)len);
		writer_write(w, (const char *)b, 4);
		writer_write(w, word, len);
		le_put_u64(b, tab->vals[i]);
		writer_write(w, (const char *)b, 8);
	}
	phase_begin("saving the model", rows, "rows");
	for (uint64_t r = 0; r < rows && !w->err; r++) {
		const float *x = in + r * stride;

		for (size_t j = 0; j < info->dim; j++) {
			uint32_t u;

			memcpy(&u, &x[j], 4);
			le_put_u32(b, u);
			writer_write(w, (const char *)b, 4);
		}
		if (r % ROW_BLOCK == 0)
			phase_step(r);
	}
	if (w->err)
		return error_set(e, -1, w->err, NULL, 0, "write the model");
	return 0;
}

/* ---- reading ---- */

static int fail(struct error *e, const struct reader *r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Fills e with what is wrong with r's contents. Returns -1. */
static int fail(struct error *e, const struct reader *r, const char *fmt, ...)
{
	char why[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return error_bad(e, r->name, 0, "%s", why);
}

/* Reads exactly n bytes; 0, or -1 with e filled (a read error, or the file ended: it shrank
 * since its size was taken). */
static int read_all(struct reader *r, void *dst, size_t n, struct error *e)
{
	ssize_t got = reader_read(r, dst, n);

	if (got < 0)
		return error_sys(e, NULL, "read %s", r->name);
	if ((size_t)got < n)
		return fail(e, r, "truncated: the file ended while it was read");
	return 0;
}

static int parse_header(struct w2vmodel_info *h, uint64_t *table, const unsigned char *b,
                        uint64_t size, const struct reader *r, struct error *e)
{
	uint32_t version = le_get_u32(b + 8), bom = le_get_u32(b + 12);
	uint64_t rows, matrix, left;
	char why[160];

	if (version != W2VMODEL_VERSION)
		return fail(e, r, "a model of version %u; this nlp-w2v reads version %d", version,
		            W2VMODEL_VERSION);
	if (bom == 0x04030201)
		return fail(e, r, "a model written in big-endian byte order; this one is little-endian");
	if (bom != 0x01020304)
		return fail(e, r, "a bad byte-order mark (0x%08x)", bom);
	if (le_get_u32(b + 16) != W2VMODEL_HEADER)
		return fail(e, r, "a header of %u bytes; version %d's has %d", le_get_u32(b + 16),
		            W2VMODEL_VERSION, W2VMODEL_HEADER);
	h->dim = le_get_u32(b + 20);
	h->words = le_get_u64(b + 24);
	h->buckets = le_get_u64(b + 32);
	h->minn = le_get_u32(b + 40);
	h->maxn = le_get_u32(b + 44);
	h->cbow = le_get_u32(b + 52);
	h->window = le_get_u32(b + 56);
	h->neg = le_get_u32(b + 60);
	h->epochs = le_get_u32(b + 64);
	h->hs = le_get_u32(b + 68);
	h->seed = le_get_u64(b + 72);
	h->sample = le_get_f64(b + 80);
	h->alpha = le_get_f64(b + 88);
	h->min_alpha = le_get_f64(b + 96);
	h->corpus_words = le_get_u64(b + 104);
	*table = le_get_u64(b + 112);
	if (check_info(h, why, sizeof(why)))
		return fail(e, r, "%s", why);
	if (le_get_u32(b + 48) != (h->minn ? W2VMODEL_HASH_FASTTEXT : 0))
		return fail(e, r, "the n-gram hash %u is not %s", le_get_u32(b + 48),
		            h->minn ? "fastText's (1)" : "0 without subwords");
	if (le_get_u64(b + 120))
		return fail(e, r, "the reserved field of the header is not zero");
	/* the sizes against the file's, before they size anything: the bounds above keep these
	 * products far from overflowing */
	rows = h->words + h->buckets;
	matrix = rows * h->dim * 4;
	left = size - W2VMODEL_HEADER;
	if (matrix > left || *table > left - matrix)
		return fail(e, r, "truncated: the header gives %llu words and %llu buckets of %u "
		            "dimensions and a word table of %llu bytes, more than the file's %llu bytes",
		            (unsigned long long)h->words, (unsigned long long)h->buckets, h->dim,
		            (unsigned long long)*table, (unsigned long long)size);
	if (*table != left - matrix)
		return fail(e, r, "%llu bytes after the header, the header gives %llu (%llu of words, "
		            "%llu of vectors)", (unsigned long long)left,
		            (unsigned long long)(*table + matrix), (unsigned long long)*table,
		            (unsigned long long)matrix);
	if (*table / 13 < h->words) /* a word takes 4 + 1 + 8 bytes at least */
		return fail(e, r, "a word table of %llu bytes cannot hold %llu words",
		            (unsigned long long)*table, (unsigned long long)h->words);
	return 0;
}

/* The word table t[0..n) into m->words. */
static int parse_words(struct w2vmodel *m, const unsigned char *t, uint64_t n,
                       const struct reader *r, struct error *e)
{
	uint64_t at = 0;
	char ex[48];

	if (strtab_init(&m->words, (size_t)m->info.words) < 0)
		return error_set(e, -1, ENOMEM, NULL, 0, "a vocabulary of %llu words",
		                 (unsigned long long)m->info.words);
	for (uint64_t i = 0; i < m->info.words; i++) {
		uint64_t len;
		const char *w;
		int64_t id;

		if (n - at < 4 + 1 + 8)
			return fail(e, r, "word %llu (byte %llu): the word table ends",
			            (unsigned long long)i + 1, (unsigned long long)(W2VMODEL_HEADER + at));
		len = le_get_u32(t + at);
		if (len < 1 || len > n - at - 4 - 8)
			return fail(e, r, "word %llu (byte %llu): a length of %llu bytes%s",
			            (unsigned long long)i + 1, (unsigned long long)(W2VMODEL_HEADER + at),
			            (unsigned long long)len, len ? ", past the word table" : "");
		w = (const char *)t + at + 4;
		for (uint64_t k = 0; k < len; k++)
			if (spans_is_blank((unsigned char)w[k]) || w[k] == '\n')
				return fail(e, r, "word %llu, '%s', has a blank", (unsigned long long)i + 1,
				            vec_excerpt(ex, sizeof(ex), w, (size_t)len));
		id = strtab_intern(&m->words, w, (size_t)len);
		if (id == -2)
			return error_set(e, -1, ENOMEM, NULL, 0, "a vocabulary of %llu words",
			                 (unsigned long long)m->info.words);
		if ((uint64_t)id != i)
			return fail(e, r, "word %llu, '%s', again (first word %lld)",
			            (unsigned long long)i + 1, vec_excerpt(ex, sizeof(ex), w, (size_t)len),
			            (long long)id + 1);
		m->words.vals[id] = le_get_u64(t + at + 4 + len);
		at += 4 + len + 8;
	}
	if (at != n)
		return fail(e, r, "%llu bytes of the word table after its %llu words",
		            (unsigned long long)(n - at), (unsigned long long)m->info.words);
	return 0;
}

static int read_matrix(struct w2vmodel *m, struct reader *r, struct error *e)
{
	uint64_t rows = m->info.words + m->info.buckets;
	size_t d = m->info.dim;
	unsigned char *b = malloc(d * 4);
	int ret = 0;

	if (!b)
		return error_set(e, -1, ENOMEM, NULL, 0, "reading the model");
	phase_begin("loading", rows, "rows");
	for (uint64_t i = 0; i < rows && ret == 0; i++) {
		float *x = m->in + i * m->stride;

		if ((ret = read_all(r, b, d * 4, e)) < 0)
			break;
		for (size_t j = 0; j < d; j++) {
			uint32_t u = le_get_u32(b + 4 * j);

			memcpy(&x[j], &u, 4);
			if (!(fabsf(x[j]) <= W2VMODEL_MAX_VALUE)) {
				ret = fail(e, r, "%s %llu, value %zu: %s", i < m->info.words ? "word" : "bucket",
				           (unsigned long long)(i < m->info.words ? i : i - m->info.words) + 1,
				           j + 1, isfinite(x[j]) ? "beyond 1e20" : "not a finite number");
				break;
			}
		}
		if (i % ROW_BLOCK == 0)
			phase_step(i);
	}
	free(b);
	return ret;
}

int w2vmodel_read(struct w2vmodel *m, struct reader *r, struct error *e)
{
	unsigned char h[W2VMODEL_HEADER], *table = NULL;
	uint64_t size, ntable = 0, rows;
	struct stat st;
	ssize_t got;
	int ret = -1;

	memset(m, 0, sizeof(*m));
	if (fstat(r->fd, &st) < 0)
		return error_sys(e, NULL, "stat %s", r->name);
	if (!S_ISREG(st.st_mode))
		return fail(e, r, "not a regular file: a model is read from a file");
	/* what is left of the file from where the reader stands */
	size = (uint64_t)st.st_size > r->nread ? (uint64_t)st.st_size - r->nread : 0;
	size += r->end - r->start;
	got = reader_read(r, h, sizeof(h));
	if (got < 0)
		return error_sys(e, NULL, "read %s", r->name);
	if (got < 8 || memcmp(h, W2VMODEL_MAGIC, 8) != 0)
		return fail(e, r, got == 0 ? "an empty file, not an nlp-w2v model"
		                           : "not an nlp-w2v model (no " W2VMODEL_MAGIC " at its start)");
	if ((size_t)got < sizeof(h) || size < sizeof(h))
		return fail(e, r, "truncated: %llu bytes, the header alone takes %d",
		            (unsigned long long)(size < (uint64_t)got ? (uint64_t)got : size),
		            W2VMODEL_HEADER);
	if (parse_header(&m->info, &ntable, h, size, r, e) < 0)
		goto out;
	if (!(table = malloc((size_t)ntable))) {
		error_set(e, -1, ENOMEM, NULL, 0, "a word table of %llu bytes",
		          (unsigned long long)ntable);
		goto out;
	}
	if (read_all(r, table, (size_t)ntable, e) < 0 ||
	    parse_words(m, table, ntable, r, e) < 0)
		goto out;
	m->stride = (m->info.dim + W2V_LANES - 1) / W2V_LANES * W2V_LANES;
	rows = m->info.words + m->info.buckets;
	m->in = aligned_alloc(64, (size_t)rows * m->stride * sizeof(float));
	m->mean = aligned_alloc(64, m->stride * sizeof(float));
	if (!m->in || !m->mean) {
		error_set(e, -1, ENOMEM, NULL, 0, "the vectors of %llu rows", (unsigned long long)rows);
		goto out;
	}
	memset(m->in, 0, (size_t)rows * m->stride * sizeof(float));
	if (read_matrix(m, r, e) < 0)
		goto out;
	ret = 0;
out:
	free(table);
	if (ret < 0)
		w2vmodel_free(m);
	return ret;
}

int w2vmodel_load(struct w2vmodel *m, const char *path, struct error *e)
{
	struct reader r;
	int ret;

	memset(m, 0, sizeof(*m));
	if (reader_open(&r, path) < 0)
		return error_sys(e, NULL, "open %s", path);
	ret = w2vmodel_read(m, &r, e);
	reader_close(&r);
	return ret;
}

void w2vmodel_free(struct w2vmodel *m)
{
	if (m->words.slots)
		strtab_free(&m->words);
	free(m->in);
	free(m->list);
	free(m->mean);
	memset(m, 0, sizeof(*m));
}

/* ---- the vectors ---- */

int w2vmodel_find(const struct w2vmodel *m, const char *w, size_t n)
{
	if (strtab_find(&m->words, w, n) >= 0)
		return W2VMODEL_WORD;
	if (m->info.minn && subword_each(w, n, m->info.minn, m->info.maxn, NULL, NULL) > 0)
		return W2VMODEL_SUBWORDS;
	return W2VMODEL_NONE;
}

int w2vmodel_vector(struct w2vmodel *m, const char *w, size_t n, float *out)
{
	const struct w2vmodel_info *h = &m->info;
	int64_t id = strtab_find(&m->words, w, n);
	size_t k = 0, grams = h->minn ? subword_each(w, n, h->minn, h->maxn, NULL, NULL) : 0;

	if (id < 0 && grams == 0)
		return W2VMODEL_NONE;
	if (1 + grams > m->listcap) {
		uint32_t *p = realloc(m->list, (1 + grams) * sizeof(*p));

		if (!p)
			return -1;
		m->list = p;
		m->listcap = 1 + grams;
	}
	/* the trainer's list of rows (vec/subword.h): the word's own first, then its n-grams' */
	if (id >= 0)
		m->list[k++] = (uint32_t)id;
	if (grams)
		k += subword_rows(m->list + k, grams, w, n, h->minn, h->maxn, (uint32_t)h->buckets,
		                  (uint32_t)h->words);
	w2v_cbow_mean(m->mean, m->in, m->list, k, m->stride);
	memcpy(out, m->mean, h->dim * sizeof(*out));
	return id >= 0 ? W2VMODEL_WORD : W2VMODEL_SUBWORDS;
}

int w2vmodel_vectors(struct w2vmodel *m, struct vectors *v, struct error *e)
{
	size_t d = m->info.dim, rows = (size_t)m->info.words;
	float *x = malloc(d * sizeof(*x));
	double *wide = malloc(d * sizeof(*wide));
	int ret = -1;

	memset(v, 0, sizeof(*v));
	v->dim = d;
	v->unit = malloc(rows * d * sizeof(float));
	if (!x || !wide || !v->unit || strtab_init(&v->words, rows) < 0)
		goto out;
	for (size_t i = 0; i < rows; i++) {
		size_t len;
		const char *w = strtab_key(&m->words, i, &len);

		if (strtab_intern(&v->words, w, len) < 0 || w2vmodel_vector(m, w, len, x) < 0)
			goto out;
		vec_unit(v->unit + i * d, x, d, wide);
		v->rows++;
	}
	ret = 0;
out:
	free(x);
	free(wide);
	if (ret < 0) {
		if (v->words.slots)
			vec_free(v);
		else
			free(v->unit);
		memset(v, 0, sizeof(*v));
		return error_set(e, -1, ENOMEM, NULL, 0, "the vectors of %zu words", rows);
	}
	return 0;
}
