/* nlp-tfidf: document vectors, one document per line of tokens: a sparse matrix of documents x
 * terms holding TF-IDF weights with scikit-learn's options (TfidfVectorizer), raw counts (bag
 * of words) or one-hot values; the terms with their document frequencies; or each document's
 * highest-weighted terms as text.
 *
 * Two passes: the first reads the input once, numbering the terms and spooling each document
 * as its distinct (term, count) pairs to an unlinked temporary file; the columns and the idf
 * follow from the document frequencies; the second pass reads the spool back and weighs each
 * document. Memory holds the terms, never the documents. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "count/countfile.h"
#include "cli/err.h"
#include "cli/filter.h"
#include "cli/out.h"
#include "base/io.h"
#include "mat/matconv.h"
#include "mat/matrix.h"
#include "base/num.h"
#include "cli/opt.h"
#include "count/vocab.h"

static const char synopsis[] =
    "nlp-tfidf [-c] [-b] [--sublinear-tf] [--idf smooth|plain|notes|none] [--norm l2|l1|none] "
    "[-v vocab [--docs N] | [--min-df N] [--max-df N] [--max-features K]] [-o vocab-out] "
    "[-t | --top K] [--f32] [--invalid policy] [--progress] [file ...]";

static const char help[] =
    "Weighs each document (a line of tokens) as a row of a sparse matrix, documents x\n"
    "terms: TF-IDF as scikit-learn's TfidfVectorizer() does, counts or one-hot.\n"
    "\n"
    "  -c, --counts           raw counts (bag of words): no idf, no normalization\n"
    "  -b, --binary           a term present counts 1 (with -c: one-hot vectors)\n"
    "      --sublinear-tf     a count tf weighs 1 + ln(tf)\n"
    "      --idf KIND         smooth: ln((1+N)/(1+df)) + 1 (default);\n"
    "                         plain: ln(N/df) + 1; notes: ln(N/(1+df)); none: 1\n"
    "      --norm NORM        rows scaled to unit l2 (default) or l1 length, or none\n"
    "  -v, --vocab FILE       the columns: the terms of FILE (token<TAB>count)\n"
    "      --docs N           with --vocab: its counts are document frequencies in N\n"
    "                         training documents, which give the idf\n"
    "      --min-df N         keep terms in N documents or more (a share with a '.')\n"
    "      --max-df N         keep terms in N documents or fewer (a share with a '.';\n"
    "                         default 1.0, all)\n"
    "      --max-features K   keep the K terms counted most often\n"
    "  -o, --vocab-out FILE   write the terms of the columns, with their document\n"
    "                         frequencies\n"
    "  -t, --text             write 'row<TAB>col<TAB>value' lines, not a binary matrix\n"
    "      --top K            write each document's K highest-weighted terms as\n"
    "                         term:weight\n"
    "      --f32              write 32-bit values (default 64-bit)\n"
    "      --invalid POLICY   malformed UTF-8: replace (default), skip or fail\n"
    "      --progress         progress on stderr even when it is not a terminal\n"
    "  -h, --help             show this help\n"
    "      --version          show the version\n";

enum {
	OPT_SUBLINEAR = OPT_FIRST_PRIVATE,
	OPT_IDF,
	OPT_NORM,
	OPT_DOCS,
	OPT_MIN_DF,
	OPT_MAX_DF,
	OPT_MAX_FEATURES,
	OPT_TOP,
	OPT_F32
};

#define NONE UINT32_MAX /* the column of a term that is not kept */

enum idf_kind { IDF_SMOOTH, IDF_PLAIN, IDF_NOTES, IDF_NONE };
enum norm_kind { NORM_L2, NORM_L1, NORM_NONE };

/* A bound on document frequencies: a number of documents, or a share of them. */
struct df_bound {
	int share;
	double v;
};

struct settings {
	int binary, sublinear, text;
	enum idf_kind idf;
	enum norm_kind norm;
	struct df_bound min_df, max_df;
	uint64_t max_features; /* 0: no limit */
	uint64_t docs;         /* --docs: the training documents; 0: the idf comes from the input */
	uint64_t top;          /* --top K; 0: the matrix */
	uint32_t type;         /* MAT_F32 or MAT_F64 */
	const char *vocab, *vocab_out;
};

/* What the first pass learns. */
struct corpus {
	const struct settings *set;
	struct vocab v;    /* the terms: every one met (in order of appearance), or --vocab's */
	uint64_t *df;      /* [cap] documents each term occurs in */
	uint64_t *total;   /* [cap] its counts summed over the documents (1 a document with -b) */
	uint64_t *cnt;     /* [cap] its count in the current document; 0 between documents */
	size_t cap;
	uint32_t *ids;     /* [nids] the current document's distinct terms */
	size_t nids, capids;
	uint64_t ndocs;
	int spool_fd;
	struct writer spool; /* per document: n, then n (term, count) pairs, all as varints */
};

/* The columns chosen from the terms, and their idf. */
struct columns {
	uint32_t *of_term; /* [nterms] a term's column, or NONE */
	uint32_t *term;    /* [n] the term of each column */
	double *idf;       /* [n] */
	size_t n;
	uint64_t nnz;      /* the matrix's nonzero cells */
};

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

static void grow_terms(struct corpus *c, size_t need)
{
	size_t cap = c->cap ? c->cap : 1024;

	while (cap < need)
		cap *= 2;
	c->df = erealloc(c->df, cap * sizeof(*c->df));
	c->total = erealloc(c->total, cap * sizeof(*c->total));
	c->cnt = erealloc(c->cnt, cap * sizeof(*c->cnt));
	memset(c->df + c->cap, 0, (cap - c->cap) * sizeof(*c->df));
	memset(c->total + c->cap, 0, (cap - c->cap) * sizeof(*c->total));
	memset(c->cnt + c->cap, 0, (cap - c->cap) * sizeof(*c->cnt));
	c->cap = cap;
}

/* The id of a token: interned when fitting, looked up in --vocab (-1 when absent) otherwise. */
static int64_t term_id(struct corpus *c, const char *p, size_t n)
{
	int64_t id;

	if (c->set->vocab)
		return vocab_id(&c->v, p, n);
	if ((id = strtab_intern(&c->v.tab, p, n)) < 0)
		eprintf("counting terms:");
	if ((uint64_t)id >= MAT_MAX_DIM)
		eprintf("more distinct terms than a matrix can index");
	if ((size_t)id >= c->cap)
		grow_terms(c, (size_t)id + 1);
	return id;
}

static void add_token(struct corpus *c, const char *p, size_t n)
{
	int64_t id = term_id(c, p, n);

	if (id < 0)
		return;
	if (c->cnt[id]++ == 0) {
		if (c->nids == c->capids) {
			c->capids = c->capids ? 2 * c->capids : 256;
			c->ids = erealloc(c->ids, c->capids * sizeof(*c->ids));
		}
		c->ids[c->nids++] = (uint32_t)id;
	}
}

/* filter_line_fn: one document, whose tokens are the runs of non-blank bytes. */
static void count_doc(void *ctx, const char *s, size_t n, struct buf *res)
{
	struct corpus *c = ctx;
	size_t i = 0;

	(void)res;
	if (!c->set->top && c->ndocs == MAT_MAX_DIM)
		eprintf("more documents than a matrix can index");
	c->nids = 0;
	while (i < n) {
		size_t j;

		while (i < n && spans_is_blank((unsigned char)s[i]))
			i++;
		for (j = i; j < n && !spans_is_blank((unsigned char)s[j]); j++)
			;
		if (j > i)
			add_token(c, s + i, j - i);
		i = j;
	}
	put_varint(&c->spool, c->nids);
	for (size_t k = 0; k < c->nids; k++) {
		uint32_t id = c->ids[k];

		put_varint(&c->spool, id);
		put_varint(&c->spool, c->cnt[id]);
		c->df[id]++;
		c->total[id] += c->set->binary ? 1 : c->cnt[id];
		c->cnt[id] = 0;
	}
	if (c->spool.err)
		eprintf("write temporary file: %s", strerror(c->spool.err));
	c->ndocs++;
}

static void load_vocab(struct corpus *c, const char *path)
{
	struct error e;

	if (vocab_load(&c->v, path, &e) < 0)
		eprint_error(&e);
	if (vocab_size(&c->v) > MAT_MAX_DIM)
		eprintf("%s: more terms than a matrix can index", path);
	grow_terms(c, vocab_size(&c->v));
}

/* The training document frequencies of --docs, checked against the number of documents. */
static void check_training_df(const struct corpus *c, const struct settings *set)
{
	for (size_t id = 0; id < vocab_size(&c->v); id++) {
		uint64_t df = c->v.tab.vals[id];

		if (df > set->docs)
			eprintf("%s: line %zu: document frequency %llu is above --docs %llu", set->vocab,
			        id + 1, (unsigned long long)df, (unsigned long long)set->docs);
		if (df == 0 && set->idf == IDF_PLAIN)
			eprintf("%s: line %zu: document frequency 0: --idf plain divides by it",
			        set->vocab, id + 1);
	}
}

/* Reads every input into the spool. Returns the exit status of the reading. */
static int read_corpus(struct corpus *c, struct filter *f, char **files, int nfiles)
{
	if (c->set->vocab)
		load_vocab(c, c->set->vocab);
	else if (strtab_init(&c->v.tab, 1 << 16) < 0)
		eprintf("counting terms:");
	if (c->set->docs)
		check_training_df(c, c->set);
	if ((c->spool_fd = tmpfile_open()) < 0)
		eprintf("temporary file:");
	writer_init(&c->spool, c->spool_fd);
	f->fn = count_doc;
	f->ctx = c;
	return filter_lines(f, files, nfiles);
}

/* ---- choosing the columns ---- */

/* Orders of terms (by id) for qsort_r, whose context is the corpus. */
static int cmp_bytes(const struct corpus *c, uint32_t a, uint32_t b)
{
	size_t na, nb;
	const char *pa = strtab_key(&c->v.tab, a, &na), *pb = strtab_key(&c->v.tab, b, &nb);
	int r = memcmp(pa, pb, na < nb ? na : nb);

	return r ? r : (na > nb) - (na < nb);
}

static int by_bytes(const void *a, const void *b, void *c)
{
	return cmp_bytes(c, *(const uint32_t *)a, *(const uint32_t *)b);
}

/* Highest total count first, then term bytes. */
static int by_total(const void *a, const void *b, void *ctx)
{
	const struct corpus *c = ctx;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	if (c->total[x] != c->total[y])
		return c->total[x] > c->total[y] ? -1 : 1;
	return cmp_bytes(c, x, y);
}

static double df_limit(const struct df_bound *b, uint64_t ndocs)
{
	return b->share ? b->v * (double)ndocs : b->v;
}

/* Fitting: the terms within --min-df and --max-df, the --max-features most frequent of them,
 * sorted by their bytes as scikit-learn sorts its vocabulary. Returns their ids in *keep. */
static size_t fit_terms(const struct corpus *c, const struct settings *set, uint32_t **keep)
{
	size_t nterms = vocab_size(&c->v), n = 0;
	double low = df_limit(&set->min_df, c->ndocs), high = df_limit(&set->max_df, c->ndocs);

	if (high < low && nterms > 0) /* no terms (no documents): nothing to choose */
		eprintf("--max-df comes to %g documents, fewer than the %g of --min-df (of %llu "
		        "documents)", high, low, (unsigned long long)c->ndocs);
	*keep = emalloc((nterms ? nterms : 1) * sizeof(**keep));
	for (size_t id = 0; id < nterms; id++)
		if ((double)c->df[id] >= low && (double)c->df[id] <= high)
			(*keep)[n++] = (uint32_t)id;
	if (set->max_features && n > set->max_features) { /* so n > 1 */
		qsort_r(*keep, n, sizeof(**keep), by_total, (void *)c);
		n = set->max_features;
	}
	if (n > 1)
		qsort_r(*keep, n, sizeof(**keep), by_bytes, (void *)c);
	return n;
}

static double idf_of(enum idf_kind kind, uint64_t df, uint64_t ndocs)
{
	switch (kind) {
	case IDF_SMOOTH: return log((double)(ndocs + 1) / (double)(df + 1)) + 1.0;
	case IDF_PLAIN: return df ? log((double)ndocs / (double)df) + 1.0 : 0.0;
	case IDF_NOTES: return log((double)ndocs / (double)(df + 1));
	case IDF_NONE: break;
	}
	return 1.0;
}

static void choose_columns(struct columns *k, const struct corpus *c, const struct settings *set)
{
	size_t nterms = vocab_size(&c->v);

	if (set->vocab) {
		k->n = nterms;
		k->term = emalloc((nterms ? nterms : 1) * sizeof(*k->term));
		for (size_t id = 0; id < nterms; id++)
			k->term[id] = (uint32_t)id;
	} else {
		k->n = fit_terms(c, set, &k->term);
	}
	k->of_term = emalloc((nterms ? nterms : 1) * sizeof(*k->of_term));
	k->idf = emalloc((k->n ? k->n : 1) * sizeof(*k->idf));
	for (size_t id = 0; id < nterms; id++)
		k->of_term[id] = NONE;
	k->nnz = 0;
	for (size_t j = 0; j < k->n; j++) {
		uint32_t id = k->term[j];

		k->of_term[id] = (uint32_t)j;
		k->idf[j] = set->docs ? idf_of(set->idf, c->v.tab.vals[id], set->docs)
		                      : idf_of(set->idf, c->df[id], c->ndocs);
		if (k->idf[j] != 0) /* a term's weight is zero only where its idf is */
			k->nnz += c->df[id];
	}
}

static void columns_free(struct columns *k)
{
	free(k->of_term);
	free(k->term);
	free(k->idf);
}

/* term<TAB>document frequency in the input, for each column in order. */
static void write_vocab(const char *path, const struct corpus *c, const struct columns *k)
{
	struct writer w;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	char num[24];

	if (fd < 0)
		eprintf("open %s:", path);
	writer_init(&w, fd);
	for (size_t j = 0; j < k->n; j++) {
		size_t len;
		const char *t = strtab_key(&c->v.tab, k->term[j], &len);

		writer_write(&w, t, len);
		writer_write(&w, num, (size_t)snprintf(num, sizeof(num), "\t%llu\n",
		                                       (unsigned long long)c->df[k->term[j]]));
	}
	writer_flush(&w);
	if (w.err) {
		errno = w.err;
		eprintf("write %s:", path);
	}
	if (close(fd) < 0)
		eprintf("close %s:", path);
	writer_free(&w);
}

/* ---- the second pass: weighing each document ---- */

/* Returns 0, -1 on a read error (errno set), -2 at a truncated or overlong number. */
static int get_varint(struct reader *r, uint64_t *v)
{
	uint64_t x = 0;

	for (unsigned shift = 0; shift < 64; shift += 7) {
		unsigned char b;
		ssize_t got;

		if (r->start < r->end)
			b = (unsigned char)r->buf[r->start++];
		else if ((got = reader_read(r, &b, 1)) != 1)
			return got < 0 ? -1 : -2;
		x |= (uint64_t)(b & 0x7F) << shift;
		if (!(b & 0x80)) {
			*v = x;
			return 0;
		}
	}
	return -2;
}

static void spool_varint(struct reader *r, uint64_t *v)
{
	int e = get_varint(r, v);

	if (e == -1)
		eprintf("read temporary file:");
	if (e == -2)
		eprintf("read temporary file: truncated");
}

static int by_col(const void *a, const void *b)
{
	const struct cell *x = a, *y = b;

	return (x->col > y->col) - (x->col < y->col);
}

/* Highest weight first, then term bytes (col holds the term id here). */
static int by_weight(const void *a, const void *b, void *c)
{
	const struct cell *x = a, *y = b;

	if (x->w != y->w)
		return x->w > y->w ? -1 : 1;
	return cmp_bytes(c, x->col, y->col);
}

/* w[i] = tf(count[i]) * idf[col[i]], the row then scaled to unit norm, as scikit-learn's
 * TfidfTransformer: tf is the count, 1 with -b, 1 + ln(tf) with --sublinear-tf. */
static void weigh_row(struct cell *row, size_t n, const double *idf, const struct settings *set)
{
	double norm = 0;

	for (size_t i = 0; i < n; i++) {
		double tf = set->binary ? 1.0 : (double)row[i].count;

		if (set->sublinear)
			tf = 1.0 + log(tf);
		row[i].w = tf * idf[row[i].col];
		norm += set->norm == NORM_L2 ? row[i].w * row[i].w : fabs(row[i].w);
	}
	if (set->norm == NORM_NONE || norm == 0)
		return;
	if (set->norm == NORM_L2)
		norm = sqrt(norm);
	for (size_t i = 0; i < n; i++)
		row[i].w /= norm;
}

static uint64_t write_row(uint64_t doc, const struct cell *row, size_t n,
                          const struct settings *set)
{
	uint64_t nnz = 0;

	for (size_t i = 0; i < n; i++) {
		if (row[i].w == 0)
			continue;
		if (set->text)
			mat_write_text_triple(&out, set->type, (uint32_t)doc, row[i].col, row[i].w);
		else
			mat_write_triple(&out, set->type, (uint32_t)doc, row[i].col, row[i].w);
		nnz++;
	}
	return nnz;
}

/* term:weight for the K cells of highest weight, ties by term bytes; one line. */
static void write_top(struct cell *row, size_t n, const struct columns *k,
                      const struct corpus *c, const struct settings *set)
{
	size_t shown = 0;

	for (size_t i = 0; i < n; i++)
		row[i].col = k->term[row[i].col];
	if (n > 1)
		qsort_r(row, n, sizeof(*row), by_weight, (void *)c);
	for (size_t i = 0; i < n && shown < set->top; i++) {
		char val[MAT_VALUE_BUFSIZE];
		size_t len;
		const char *t;

		if (row[i].w == 0)
			continue;
		t = strtab_key(&c->v.tab, row[i].col, &len);
		if (shown++)
			writer_putc(&out, ' ');
		writer_write(&out, t, len);
		writer_putc(&out, ':');
		writer_write(&out, val, (size_t)mat_format_value(val, set->type, row[i].w, 0));
	}
	writer_putc(&out, '\n');
}

static void write_documents(struct corpus *c, const struct columns *k, const struct settings *set)
{
	struct mat_header h = {MAT_SPARSE, set->type, c->ndocs, k->n, k->nnz};
	struct reader r;
	struct cell *row = NULL;
	size_t cap = 0;
	uint64_t nnz = 0;

	writer_flush(&c->spool);
	if (c->spool.err)
		eprintf("write temporary file: %s", strerror(c->spool.err));
	if (lseek(c->spool_fd, 0, SEEK_SET) < 0 || reader_fdopen(&r, c->spool_fd, "spool") < 0)
		eprintf("read temporary file:");
	c->spool_fd = -1; /* the reader closes it */
	if (!set->text && !set->top)
		mat_write_header(&out, &h);
	for (uint64_t doc = 0; doc < c->ndocs; doc++) {
		uint64_t nids, id, count;
		size_t n = 0;

		spool_varint(&r, &nids);
		for (uint64_t i = 0; i < nids; i++) {
			spool_varint(&r, &id);
			spool_varint(&r, &count);
			if (id >= vocab_size(&c->v))
				eprintf("read temporary file: corrupt");
			if (k->of_term[id] == NONE)
				continue;
			if (n == cap) {
				cap = cap ? 2 * cap : 256;
				row = erealloc(row, cap * sizeof(*row));
			}
			row[n++] = (struct cell){k->of_term[id], count, 0};
		}
		if (n > 1)
			qsort(row, n, sizeof(*row), by_col);
		weigh_row(row, n, k->idf, set);
		if (set->top)
			write_top(row, n, k, c, set);
		else
			nnz += write_row(doc, row, n, set);
	}
	if (!set->top && nnz != k->nnz)
		eprintf("internal error: %llu cells written, %llu counted", (unsigned long long)nnz,
		        (unsigned long long)k->nnz);
	reader_close(&r);
	free(row);
}

static void corpus_free(struct corpus *c)
{
	vocab_free(&c->v);
	free(c->df);
	free(c->total);
	free(c->cnt);
	free(c->ids);
	writer_free(&c->spool);
	if (c->spool_fd >= 0)
		close(c->spool_fd);
}

/* ---- options ---- */

/* The index of arg in words (NULL-terminated), or exit 2 naming them (said). */
static int parse_word(const char *arg, const char *opt, const char *const *words,
                      const char *said)
{
	for (int i = 0; words[i]; i++)
		if (strcmp(arg, words[i]) == 0)
			return i;
	weprintf("%s: '%s' is not %s", opt, arg, said);
	exit(EXIT_USAGE);
}

/* A count of documents, or with a '.' (or an exponent) a share of them from 0 to 1. */
static struct df_bound parse_df(const char *arg, const char *opt)
{
	struct df_bound b;

	b.share = strpbrk(arg, ".eE") != NULL;
	b.v = b.share ? estrtod(arg, 0, 1, opt) : (double)estrtonum(arg, 0, LLONG_MAX, opt);
	return b;
}

static void usage_conflict(const char *why)
{
	weprintf("%s", why);
	usage_error(synopsis);
}

/* Parses the options into set and f; returns the index of the first operand. */
static int parse_options(struct settings *set, struct filter *f, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"counts", no_argument, NULL, 'c'},         {"binary", no_argument, NULL, 'b'},
	    {"sublinear-tf", no_argument, NULL, OPT_SUBLINEAR},
	    {"idf", required_argument, NULL, OPT_IDF}, {"norm", required_argument, NULL, OPT_NORM},
	    {"vocab", required_argument, NULL, 'v'},   {"docs", required_argument, NULL, OPT_DOCS},
	    {"min-df", required_argument, NULL, OPT_MIN_DF},
	    {"max-df", required_argument, NULL, OPT_MAX_DF},
	    {"max-features", required_argument, NULL, OPT_MAX_FEATURES},
	    {"vocab-out", required_argument, NULL, 'o'}, {"text", no_argument, NULL, 't'},
	    {"top", required_argument, NULL, OPT_TOP}, {"f32", no_argument, NULL, OPT_F32},
	    {"invalid", required_argument, NULL, OPT_INVALID},
	    {"progress", no_argument, NULL, OPT_PROGRESS}, {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, OPT_VERSION},   {NULL, 0, NULL, 0}};
	static const char *const idfs[] = {"smooth", "plain", "notes", "none", NULL};
	static const char *const norms[] = {"l2", "l1", "none", NULL};
	int counts = 0, weighting = 0, pruning = 0, c;

	while ((c = getopt_long(argc, argv, "cbv:o:th", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': counts = 1; break;
		case 'b': set->binary = 1; break;
		case OPT_SUBLINEAR: set->sublinear = weighting = 1; break;
		case OPT_IDF:
			set->idf = parse_word(optarg, "--idf", idfs, "smooth, plain, notes or none");
			weighting = 1;
			break;
		case OPT_NORM:
			set->norm = parse_word(optarg, "--norm", norms, "l2, l1 or none");
			weighting = 1;
			break;
		case 'v': set->vocab = optarg; break;
		case OPT_DOCS: set->docs = (uint64_t)estrtonum(optarg, 1, LLONG_MAX, "--docs"); break;
		case OPT_MIN_DF: set->min_df = parse_df(optarg, "--min-df"); pruning = 1; break;
		case OPT_MAX_DF: set->max_df = parse_df(optarg, "--max-df"); pruning = 1; break;
		case OPT_MAX_FEATURES:
			set->max_features = (uint64_t)estrtonum(optarg, 1, LLONG_MAX, "--max-features");
			pruning = 1;
			break;
		case 'o': set->vocab_out = optarg; break;
		case 't': set->text = 1; break;
		case OPT_TOP: set->top = (uint64_t)estrtonum(optarg, 1, LLONG_MAX, "--top"); break;
		case OPT_F32: set->type = MAT_F32; break;
		case OPT_INVALID: f->policy = opt_policy(optarg); break;
		case OPT_PROGRESS: f->progress = 1; break;
		case 'h': usage_help(synopsis, help);
		case OPT_VERSION: print_version();
		default: usage_error(synopsis);
		}
	}
	if (counts && weighting)
		usage_conflict("--counts excludes --sublinear-tf, --idf and --norm");
	if (counts)
		set->idf = IDF_NONE, set->norm = NORM_NONE;
	if (set->vocab && pruning)
		usage_conflict("--min-df, --max-df and --max-features choose terms: not with --vocab");
	if (set->docs && (!set->vocab || set->idf == IDF_NONE))
		usage_conflict("--docs needs --vocab and an idf");
	if (set->top && set->text)
		usage_conflict("--top and --text exclude each other");
	if (!set->min_df.share && !set->max_df.share && set->max_df.v < set->min_df.v)
		usage_conflict("--max-df is below --min-df");
	return optind;
}

int main(int argc, char **argv)
{
	struct settings set = {.idf = IDF_SMOOTH, .norm = NORM_L2, .type = MAT_F64,
	                       .min_df = {0, 1}, .max_df = {1, 1.0}};
	struct filter f = {.policy = UTF8_REPLACE};
	struct corpus c = {.set = &set, .spool_fd = -1};
	struct columns k = {0};
	int first, ret;

	prog_init("nlp-tfidf");
	first = parse_options(&set, &f, argc, argv);
	if (!set.text && !set.top && isatty(1))
		eprintf("not writing a binary matrix to a terminal (use --text or --top, or redirect)");
	ret = read_corpus(&c, &f, argv + first, argc - first);
	if (ret == 0) { /* weights of a part of the input would pass for the whole */
		choose_columns(&k, &c, &set);
		if (set.vocab_out)
			write_vocab(set.vocab_out, &c, &k);
		out_init();
		write_documents(&c, &k, &set);
		if (out_close())
			ret = EXIT_RUNTIME;
	}
	columns_free(&k);
	corpus_free(&c);
	return ret;
}
