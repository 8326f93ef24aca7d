/* tfidf.c: TF-IDF document vectors in two passes over a spool of (term, count) pairs. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/phase.h"
#include "mat/matrix.h"
#include "mat/sink.h"
#include "vec/tfidf.h"

/* One nonzero cell of a document's row. */
struct cell {
	uint32_t col;
	uint64_t count;
	double w;
};

/* ---- the first pass: counting and spooling ---- */

static void put_varint(struct writer *w, uint64_t v)
{
	while (v >= 0x80) {
		writer_putc(w, (char)(v | 0x80));
		v >>= 7;
	}
	writer_putc(w, (char)v);
}

/* Grows *p from `have` to `cap` counters, the new ones zero. Returns 0, or -1 when memory runs
 * out (*p unchanged). */
static int grow_counters(uint64_t **p, size_t have, size_t cap)
{
	uint64_t *q = realloc(*p, cap * sizeof(*q));

	if (!q)
		return -1;
	memset(q + have, 0, (cap - have) * sizeof(*q));
	*p = q;
	return 0;
}

/* Makes room for the counters of terms [0, need). Returns 0, or -1 with e filled ("counting
 * terms: " and the system's reason) when memory runs out. */
static int grow_terms(struct tfidf *t, size_t need, struct error *e)
{
	size_t cap = t->cap ? t->cap : 1024;

	while (cap < need)
		cap *= 2;
	if (grow_counters(&t->df, t->cap, cap) < 0 || grow_counters(&t->total, t->cap, cap) < 0 ||
	    grow_counters(&t->cnt, t->cap, cap) < 0)
		return error_set(e, -1, ENOMEM, NULL, 0, "counting terms");
	t->cap = cap;
	return 0;
}

static int nomem(struct error *e)
{
	return error_bad(e, NULL, 0, "out of memory");
}

/* The training document frequencies of set->docs, checked against the number of documents. */
static int check_training_df(const struct tfidf *t, const struct tfidf_settings *set,
                             struct error *e)
{
	for (size_t id = 0; id < vocab_size(&t->v); id++) {
		uint64_t df = t->v.tab.vals[id];

		if (df > set->docs)
			return error_bad(e, set->vocab, id + 1, "document frequency %llu is above --docs "
			                 "%llu", (unsigned long long)df, (unsigned long long)set->docs);
		if (df == 0 && set->idf == TFIDF_IDF_PLAIN)
			return error_bad(e, set->vocab, id + 1,
			                 "document frequency 0: --idf plain divides by it");
	}
	return 0;
}

int tfidf_begin(struct tfidf *t, const struct tfidf_settings *set, struct vocab *terms,
                struct error *e)
{
	memset(t, 0, sizeof(*t));
	t->set = set;
	t->spool.fd = -1;
	if (terms) {
		t->v = *terms;
		memset(terms, 0, sizeof(*terms));
		if (vocab_size(&t->v) > MAT_MAX_DIM)
			return error_bad(e, set->vocab, 0, "more terms than a matrix can index");
		if (grow_terms(t, vocab_size(&t->v), e) < 0)
			return -1;
	} else if (strtab_init(&t->v.tab, 1 << 16) < 0) {
		return error_sys(e, NULL, "counting terms");
	}
	if (set->docs && check_training_df(t, set, e) < 0)
		return -1;
	if (runs_begin(&t->spool) < 0) /* spool.fd is -1 then */
		return error_sys(e, NULL, "temporary file");
	return 0;
}

/* The id of a token: interned when fitting, looked up among the given terms otherwise (-1 when
 * absent); -2 with e filled on an error. */
static int64_t term_id(struct tfidf *t, const char *p, size_t n, struct error *e)
{
	int64_t id;

	if (t->set->vocab)
		return vocab_id(&t->v, p, n);
	if ((id = strtab_intern(&t->v.tab, p, n)) < 0)
		return error_sys(e, NULL, "counting terms"), -2;
	if ((uint64_t)id >= MAT_MAX_DIM)
		return error_bad(e, NULL, 0, "more distinct terms than a matrix can index"), -2;
	if ((size_t)id >= t->cap && grow_terms(t, (size_t)id + 1, e) < 0)
		return -2;
	return id;
}

int tfidf_add_doc(struct tfidf *t, const char *s, size_t n, struct error *e)
{
	if (!t->set->top && t->ndocs == MAT_MAX_DIM)
		return error_bad(e, NULL, 0, "more documents than a matrix can index");
	t->nids = 0;
	spans_split_blank(s, n, &t->tokens);
	for (size_t i = 0; i < t->tokens.n; i++) {
		int64_t id = term_id(t, t->tokens.v[i].p, t->tokens.v[i].n, e);

		if (id == -2)
			return -1;
		if (id < 0 || t->cnt[id]++ > 0)
			continue;
		if (t->nids == t->capids) {
			size_t cap = t->capids ? 2 * t->capids : 256;
			uint32_t *ids = realloc(t->ids, cap * sizeof(*ids));

			if (!ids)
				return nomem(e);
			t->ids = ids;
			t->capids = cap;
		}
		t->ids[t->nids++] = (uint32_t)id;
	}
	put_varint(&t->spool.w, t->nids);
	for (size_t k = 0; k < t->nids; k++) {
		uint32_t id = t->ids[k];

		put_varint(&t->spool.w, id);
		put_varint(&t->spool.w, t->cnt[id]);
		t->df[id]++;
		t->total[id] += t->set->binary ? 1 : t->cnt[id];
		t->cnt[id] = 0;
	}
	if (t->spool.w.err)
		return error_set(e, -1, t->spool.w.err, NULL, 0, "write temporary file");
	t->ndocs++;
	return 0;
}

/* ---- choosing the columns ---- */

/* Orders of terms (by id) for qsort_r, whose context is the tfidf. */
static int cmp_bytes(const struct tfidf *t, uint32_t a, uint32_t b)
{
	size_t na, nb;
	const char *pa = strtab_key(&t->v.tab, a, &na), *pb = strtab_key(&t->v.tab, b, &nb);
	int r = memcmp(pa, pb, na < nb ? na : nb);

	return r ? r : (na > nb) - (na < nb);
}

static int by_bytes(const void *a, const void *b, void *t)
{
	return cmp_bytes(t, *(const uint32_t *)a, *(const uint32_t *)b);
}

/* Highest total count first, then term bytes. */
static int by_total(const void *a, const void *b, void *ctx)
{
	const struct tfidf *t = ctx;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	if (t->total[x] != t->total[y])
		return t->total[x] > t->total[y] ? -1 : 1;
	return cmp_bytes(t, x, y);
}

static double df_limit(const struct tfidf_df_bound *b, uint64_t ndocs)
{
	return b->share ? b->v * (double)ndocs : b->v;
}

/* Fitting: the terms within min_df and max_df, the max_features most frequent of them, sorted
 * by their bytes. Returns their number, their ids in t->term; -1 with e filled. */
static int64_t fit_terms(struct tfidf *t, struct error *e)
{
	const struct tfidf_settings *set = t->set;
	size_t nterms = vocab_size(&t->v), n = 0;
	double low = df_limit(&set->min_df, t->ndocs), high = df_limit(&set->max_df, t->ndocs);

	if (high < low && nterms > 0) /* no terms (no documents): nothing to choose */
		return error_bad(e, NULL, 0, "--max-df comes to %g documents, fewer than the %g of "
		                 "--min-df (of %llu documents)", high, low,
		                 (unsigned long long)t->ndocs);
	if (!(t->term = malloc((nterms ? nterms : 1) * sizeof(*t->term))))
		return nomem(e);
	for (size_t id = 0; id < nterms; id++)
		if ((double)t->df[id] >= low && (double)t->df[id] <= high)
			t->term[n++] = (uint32_t)id;
	if (set->max_features && n > set->max_features) { /* so n > 1 */
		qsort_r(t->term, n, sizeof(*t->term), by_total, t);
		n = set->max_features;
	}
	if (n > 1)
		qsort_r(t->term, n, sizeof(*t->term), by_bytes, t);
	return (int64_t)n;
}

static double idf_of(enum tfidf_idf kind, uint64_t df, uint64_t ndocs)
{
	switch (kind) {
	case TFIDF_IDF_SMOOTH: return log((double)(ndocs + 1) / (double)(df + 1)) + 1.0;
	case TFIDF_IDF_PLAIN: return df ? log((double)ndocs / (double)df) + 1.0 : 0.0;
	case TFIDF_IDF_NOTES: return log((double)ndocs / (double)(df + 1));
	case TFIDF_IDF_NONE: break;
	}
	return 1.0;
}

int tfidf_fit(struct tfidf *t, struct error *e)
{
	const struct tfidf_settings *set = t->set;
	size_t nterms = vocab_size(&t->v);

	if (set->vocab) {
		t->ncols = nterms;
		if (!(t->term = malloc((nterms ? nterms : 1) * sizeof(*t->term))))
			return nomem(e);
		for (size_t id = 0; id < nterms; id++)
			t->term[id] = (uint32_t)id;
	} else {
		int64_t n = fit_terms(t, e);

		if (n < 0)
			return -1;
		t->ncols = (size_t)n;
	}
	t->of_term = malloc((nterms ? nterms : 1) * sizeof(*t->of_term));
	t->idf = malloc((t->ncols ? t->ncols : 1) * sizeof(*t->idf));
	if (!t->of_term || !t->idf)
		return nomem(e);
	for (size_t id = 0; id < nterms; id++)
		t->of_term[id] = TFIDF_NONE;
	t->nnz = 0;
	for (size_t j = 0; j < t->ncols; j++) {
		uint32_t id = t->term[j];

		t->of_term[id] = (uint32_t)j;
		t->idf[j] = set->docs ? idf_of(set->idf, t->v.tab.vals[id], set->docs)
		                      : idf_of(set->idf, t->df[id], t->ndocs);
		if (t->idf[j] != 0) /* a term's weight is zero only where its idf is */
			t->nnz += t->df[id];
	}
	return 0;
}

int tfidf_write_vocab(const struct tfidf *t, const char *path, struct error *e)
{
	struct writer w;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666), ret = 0;

	if (fd < 0)
		return error_sys(e, NULL, "open %s", path);
	writer_init(&w, fd);
	for (size_t j = 0; j < t->ncols; j++) {
		size_t len;
		const char *s = strtab_key(&t->v.tab, t->term[j], &len);

		countfile_put(&w, s, len, t->df[t->term[j]]);
	}
	writer_flush(&w);
	if (w.err)
		ret = error_set(e, -1, w.err, NULL, 0, "write %s", path);
	if (close(fd) < 0 && ret == 0)
		ret = error_sys(e, NULL, "close %s", path);
	writer_free(&w);
	return ret;
}

/* ---- the second pass: weighing each document ---- */

/* Returns 0, or -1 with e filled: a read error, a truncated or overlong number. */
static int get_varint(struct reader *r, uint64_t *v, struct error *e)
{
	uint64_t x = 0;

	for (unsigned shift = 0; shift < 64; shift += 7) {
		unsigned char b;
		ssize_t got;

		if (r->start < r->end)
			b = (unsigned char)r->buf[r->start++];
		else if ((got = reader_read(r, &b, 1)) != 1)
			return got < 0 ? error_sys(e, NULL, "read temporary file")
			               : error_bad(e, NULL, 0, "read temporary file: truncated");
		x |= (uint64_t)(b & 0x7F) << shift;
		if (!(b & 0x80)) {
			*v = x;
			return 0;
		}
	}
	return error_bad(e, NULL, 0, "read temporary file: truncated");
}

static int by_col(const void *a, const void *b)
{
	const struct cell *x = a, *y = b;

	return (x->col > y->col) - (x->col < y->col);
}

/* Highest weight first, then term bytes (col holds the term id here). */
static int by_weight(const void *a, const void *b, void *t)
{
	const struct cell *x = a, *y = b;

	if (x->w != y->w)
		return x->w > y->w ? -1 : 1;
	return cmp_bytes(t, x->col, y->col);
}

/* w[i] = tf(count[i]) * idf[col[i]], the row then scaled to unit norm, as scikit-learn's
 * TfidfTransformer: tf is the count, 1 when binary, 1 + ln(tf) when sublinear. */
static void weigh_row(struct cell *row, size_t n, const double *idf,
                      const struct tfidf_settings *set)
{
	double norm = 0;

	for (size_t i = 0; i < n; i++) {
		double tf = set->binary ? 1.0 : (double)row[i].count;

		if (set->sublinear)
			tf = 1.0 + log(tf);
		row[i].w = tf * idf[row[i].col];
		norm += set->norm == TFIDF_NORM_L2 ? row[i].w * row[i].w : fabs(row[i].w);
	}
	if (set->norm == TFIDF_NORM_NONE || norm == 0)
		return;
	if (set->norm == TFIDF_NORM_L2)
		norm = sqrt(norm);
	for (size_t i = 0; i < n; i++)
		row[i].w /= norm;
}

/* term:weight for the K cells of highest weight, ties by term bytes; one line. */
static void write_top(struct writer *w, struct cell *row, size_t n, const struct tfidf *t)
{
	size_t shown = 0;

	for (size_t i = 0; i < n; i++)
		row[i].col = t->term[row[i].col];
	if (n > 1)
		qsort_r(row, n, sizeof(*row), by_weight, (void *)t);
	for (size_t i = 0; i < n && shown < t->set->top; i++) {
		char val[MAT_VALUE_BUFSIZE];
		size_t len;
		const char *s;

		if (row[i].w == 0)
			continue;
		s = strtab_key(&t->v.tab, row[i].col, &len);
		if (shown++)
			writer_putc(w, ' ');
		writer_write(w, s, len);
		writer_putc(w, ':');
		writer_write(w, val, (size_t)mat_format_value(val, t->set->type, row[i].w, 0));
	}
	writer_putc(w, '\n');
}

/* Reads one document's cells of kept terms from the spool into *row (growing it), sorted by
 * column. Returns their number, or -1 with e filled. */
static int64_t read_row(struct tfidf *t, struct reader *r, struct cell **row, size_t *cap,
                        struct error *e)
{
	uint64_t nids, id, count;
	size_t n = 0;

	if (get_varint(r, &nids, e) < 0)
		return -1;
	for (uint64_t i = 0; i < nids; i++) {
		if (get_varint(r, &id, e) < 0 || get_varint(r, &count, e) < 0)
			return -1;
		if (id >= vocab_size(&t->v))
			return error_bad(e, NULL, 0, "read temporary file: corrupt");
		if (t->of_term[id] == TFIDF_NONE)
			continue;
		if (n == *cap) {
			size_t c = *cap ? 2 * *cap : 256;
			struct cell *p = realloc(*row, c * sizeof(*p));

			if (!p)
				return nomem(e);
			*row = p;
			*cap = c;
		}
		(*row)[n++] = (struct cell){t->of_term[id], count, 0};
	}
	if (n > 1)
		qsort(*row, n, sizeof(**row), by_col);
	return (int64_t)n;
}

int tfidf_write(struct tfidf *t, struct writer *w, struct error *e)
{
	const struct tfidf_settings *set = t->set;
	struct mat_header h = {.kind = MAT_SPARSE, .type = set->type, .rows = t->ndocs,
	                       .cols = t->ncols, .nnz = t->nnz};
	struct mat_sink sink;
	struct reader r;
	struct cell *row = NULL;
	size_t cap = 0;
	int ret = -1, fd = runs_finish(&t->spool, 0);

	t->spool.fd = -1; /* ended (closed when that failed) */
	if (fd < 0)
		return error_sys(e, NULL, "write temporary file");
	if (runs_read(&r, fd) < 0)
		return error_sys(e, NULL, "read temporary file");
	if (!set->top && mat_sink_begin(&sink, w, set->text, &h, e) < 0)
		goto out;
	phase_begin("writing", t->ndocs, "documents");
	for (uint64_t doc = 0; doc < t->ndocs; doc++) {
		int64_t n = read_row(t, &r, &row, &cap, e);

		if (n < 0)
			goto out;
		phase_step(doc);
		weigh_row(row, (size_t)n, t->idf, set);
		if (set->top) {
			write_top(w, row, (size_t)n, t);
			continue;
		}
		for (int64_t i = 0; i < n; i++)
			if (row[i].w != 0)
				mat_sink_put(&sink, (uint32_t)doc, row[i].col, row[i].w);
	}
	if (!set->top && sink.nnz != t->nnz) {
		error_bad(e, NULL, 0, "internal error: %llu cells written, %llu counted",
		          (unsigned long long)sink.nnz, (unsigned long long)t->nnz);
		goto out;
	}
	ret = set->top ? 0 : mat_sink_end(&sink, e);
out:
	reader_close(&r);
	free(row);
	return ret;
}

void tfidf_free(struct tfidf *t)
{
	vocab_free(&t->v);
	free(t->df);
	free(t->total);
	free(t->cnt);
	free(t->ids);
	spans_free(&t->tokens);
	if (t->spool.fd >= 0) {
		writer_free(&t->spool.w);
		close(t->spool.fd);
	}
	free(t->of_term);
	free(t->term);
	free(t->idf);
}
