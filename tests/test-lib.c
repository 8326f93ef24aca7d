/* test-lib.c: unit tests of libnlp pieces that no program exercises fully yet: the string table
 * (against a naive count), the RNG (reproducibility, range, mean), number parsing, the line
 * reader (long lines, no final newline), UTF-8 cleaning, the matrix format (round trips and
 * every rejection), the normalizer's fast path (every BMP character through the cache equals
 * utf8proc run on it directly), and the spill engine (base/runs: a bounded number of open runs,
 * their order kept; the sorter and n-gram counting under a low limit of open files), and the
 * progress display as a trainer uses it; and, for the NumPy and Python references of
 * tests/nlp-w2v.bats, the word2vec kernels one step at a time and fastText's subwords (modes
 * w2v-step, w2v-huffman, w2v-subword-step, subwords); the ARPA reader's number parser against
 * strtof, and an n-gram model built entry by entry, queried, and read back from its binary
 * form; the perplexity scorer over a model that is not an n-gram model; GloVe's cost, gradient
 * and AdaGrad step (mode glove-grad, for tests/nlp-glove.bats); the stems' cache against
 * libstemmer; and the SVG of an attention map for given labels and weights (mode attmap, for
 * tests/libnlp.bats). Prints "ok NAME" or "FAIL NAME: why" per check and exits 1 on any
 * failure. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/resource.h>

#include "base/buf.h"
#include "cli/err.h"
#include "cli/progress.h"
#include "base/strtab.h"
#include "base/io.h"
#include "base/runs.h"
#include "count/ngc.h"
#include "lm/arpa.h"
#include "lm/model.h"
#include "lm/score.h"
#include "mat/matrix.h"
#include "mat/sorter.h"
#include "s2s/attmap.h"
#include "text/norm.h"
#include "text/stem.h"
#include "base/num.h"
#include "base/rng.h"
#include "text/utf8.h"
#include "vec/glove.h"
#include "vec/subword.h"
#include "vec/w2v.h"

static int failures;

static void check(int ok, const char *name, const char *why)
{
	if (ok) {
		printf("ok %s\n", name);
	} else {
		printf("FAIL %s: %s\n", name, why);
		failures++;
	}
}

static void test_strtab(void)
{
	struct strtab t;
	char key[32];
	int n = 200000, ok = 1;

	if (strtab_init(&t, 4) < 0) {
		check(0, "strtab", "init");
		return;
	}
	/* each key i inserted (i % 7) + 1 times */
	for (int rep = 0; rep < 7; rep++)
		for (int i = 0; i < n; i++) {
			if (i % 7 < rep)
				continue;
			int len = snprintf(key, sizeof(key), "k%d", i);
			int64_t id = strtab_intern(&t, key, (size_t)len);
			if (id < 0) {
				ok = 0;
				break;
			}
			t.vals[id]++;
		}
	ok = ok && t.n == (size_t)n;
	for (int i = 0; i < n && ok; i++) {
		int len = snprintf(key, sizeof(key), "k%d", i);
		int64_t id = strtab_find(&t, key, (size_t)len);
		size_t kl;
		const char *k;

		if (id < 0 || t.vals[id] != (uint64_t)(i % 7) + 1) {
			ok = 0;
			break;
		}
		k = strtab_key(&t, (size_t)id, &kl);
		ok = kl == (size_t)len && memcmp(k, key, kl) == 0;
	}
	ok = ok && strtab_find(&t, "absent", 6) == -1 && strtab_find(&t, "", 0) == -1;
	ok = ok && strtab_intern(&t, "", 0) == n && strtab_find(&t, "", 0) == n;
	check(ok, "strtab counts 200000 keys exactly", "a count or key differs");
	strtab_free(&t);
}

static void test_rng(void)
{
	struct rng a, b;
	double sum = 0;
	int same = 1, inrange = 1, n = 1000000;
	uint64_t hist[10] = {0};

	rng_seed(&a, 42);
	rng_seed(&b, 42);
	for (int i = 0; i < 1000; i++)
		same &= rng_next(&a) == rng_next(&b);
	check(same, "rng repeats with the same seed", "sequences differ");
	rng_seed(&b, 43);
	check(rng_next(&a) != rng_next(&b), "rng differs with another seed", "same output");
	for (int i = 0; i < n; i++) {
		double u = rng_uniform(&a);
		uint64_t k = rng_below(&a, 10);

		inrange &= u >= 0 && u < 1 && k < 10;
		sum += u;
		hist[k]++;
	}
	check(inrange, "rng ranges", "value out of range");
	check(sum / n > 0.499 && sum / n < 0.501, "rng uniform mean 0.5 +- 0.001", "mean off");
	int flat = 1;
	for (int k = 0; k < 10; k++)
		flat &= hist[k] > 99000 && hist[k] < 101000;
	check(flat, "rng_below(10) flat within 1%", "histogram off");
}

static void test_num(void)
{
	long long v;
	double d;
	struct error e;

	check(num_parse_ll("42", 0, 100, &v, &e) == 0 && v == 42, "num 42", "rejected");
	check(num_parse_ll("101", 0, 100, &v, &e) < 0 &&
	      strcmp(e.msg, "value '101' is too large (expected 0..100)") == 0 && !e.name,
	      "num too large", "accepted, or another message");
	check(num_parse_ll("-1", 0, 100, &v, &e) < 0 &&
	      strcmp(e.msg, "value '-1' is too small (expected 0..100)") == 0,
	      "num too small", "accepted, or another message");
	check(num_parse_ll("4x", 0, 100, &v, &e) < 0 &&
	      strcmp(e.msg, "value '4x' is invalid (expected 0..100)") == 0,
	      "num trailing junk", "accepted, or another message");
	check(num_parse_ll("", 0, 100, &v, &e) < 0, "num empty", "accepted");
	check(num_parse_ll("99999999999999999999", 0, 100, &v, &e) < 0, "num overflow", "accepted");
	check(num_parse_double("0.75", 0, 1, &d, &e) == 0 && d == 0.75, "double 0.75", "rejected");
	check(num_parse_double("nan", 0, 1, &d, &e) < 0 &&
	      strcmp(e.msg, "value 'nan' is invalid (expected 0..1)") == 0,
	      "double nan", "accepted, or another message");
}

static void test_reader(void)
{
	char path[] = "/tmp/nlp-test-reader-XXXXXX";
	int fd = mkstemp(path);
	size_t big = 3u << 20;
	char *line, *data = malloc(big);
	struct reader r;
	ssize_t n;
	int ok = 1;

	memset(data, 'x', big);
	if (fd < 0 || write(fd, "a\n\nbc\n", 6) != 6 || write(fd, data, big) != (ssize_t)big ||
	    write(fd, "\nlast", 5) != 5) {
		check(0, "reader", "cannot write temp file");
		return;
	}
	close(fd);
	reader_open(&r, path);
	ok &= (n = reader_line(&r, &line)) == 1 && line[0] == 'a';
	ok &= (n = reader_line(&r, &line)) == 0;
	ok &= (n = reader_line(&r, &line)) == 2 && memcmp(line, "bc", 2) == 0;
	ok &= (n = reader_line(&r, &line)) == (ssize_t)big && line[0] == 'x' && line[big - 1] == 'x';
	ok &= (n = reader_line(&r, &line)) == 4 && memcmp(line, "last", 4) == 0 && line[4] == '\0';
	ok &= reader_line(&r, &line) == -1;
	reader_close(&r);
	unlink(path);
	free(data);
	check(ok, "reader: empty lines, 3 MB line, last line without newline", "wrong line");
}

static void test_clean(void)
{
	struct buf tmp = {0};
	size_t len;
	uint64_t bad = 0;
	const char *s;

	s = utf8_clean("a\xff" "b\xc3\xa9\xed\xa0\x80", 8, UTF8_REPLACE, &tmp, &len, &bad);
	/* 0xFF bad; ED A0 80 is a surrogate: three bad bytes */
	check(s && len == 1 + 3 + 1 + 2 + 9 && bad == 4 && memcmp(s, "a\xef\xbf\xbd" "b", 5) == 0,
	      "utf8 replace", "wrong repair");
	bad = 0;
	s = utf8_clean("\xc0\xafok", 4, UTF8_SKIP, &tmp, &len, &bad);
	check(s && len == 2 && memcmp(s, "ok", 2) == 0 && bad == 2, "utf8 skip overlong",
	      "wrong repair");
	bad = 0;
	s = utf8_clean("ok\xf4\x90\x80\x80", 6, UTF8_FAIL, &tmp, &len, &bad);
	check(!s && len == 2, "utf8 fail above U+10FFFF at byte 3", "accepted");
	buf_free(&tmp);
}

/* The cache and the run splitting must give what utf8proc gives on the whole string. */
static void test_norm_fastpath(void)
{
	static const utf8proc_option_t base[] = {
	    UTF8PROC_STABLE | UTF8PROC_COMPOSE, UTF8PROC_STABLE | UTF8PROC_DECOMPOSE,
	    UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT,
	    UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT};
	int worst = 0;

	for (int form = 1; form <= 4; form++)
		for (int fold = 0; fold <= 1; fold++) {
			struct norm n;
			struct buf out = {0};
			int bad = 0;

			norm_init(&n, form, fold, 0, NULL);
			/* each BMP scalar value between two ASCII letters and before a combining mark */
			for (int32_t c = 0x80; c < 0x10000 && bad < 5; c++) {
				char in[16];
				int k = 0;
				utf8proc_uint8_t *ref;
				utf8proc_ssize_t rn;

				if (c >= 0xD800 && c <= 0xDFFF)
					continue;
				in[k++] = 'a';
				k += utf8_encode(c, in + k);
				k += utf8_encode(0x0301, in + k);
				in[k++] = 'B';
				out.len = 0;
				norm_apply(&n, in, (size_t)k, &out);
				rn = utf8proc_map((const utf8proc_uint8_t *)in, k, &ref,
				                  base[form - 1] | (fold ? UTF8PROC_CASEFOLD : 0));
				if (rn < 0 || (size_t)rn != out.len || memcmp(ref, out.p, out.len) != 0) {
					if (bad++ == 0)
						printf("# form %d fold %d differs at U+%04X\n", form, fold, c);
				}
				/* and alone, for the cached path */
				out.len = 0;
				norm_apply(&n, in + 1, (size_t)utf8_encode(c, in + 1), &out);
				free(ref);
				rn = utf8proc_map((const utf8proc_uint8_t *)in + 1,
				                  utf8_encode(c, in + 1), &ref,
				                  base[form - 1] | (fold ? UTF8PROC_CASEFOLD : 0));
				if (rn < 0 || (size_t)rn != out.len || memcmp(ref, out.p, out.len) != 0) {
					if (bad++ == 0)
						printf("# form %d fold %d differs alone at U+%04X\n", form, fold, c);
				}
				free(ref);
			}
			worst = bad > worst ? bad : worst;
			norm_free(&n);
			buf_free(&out);
		}
	check(worst == 0, "norm fast path equals utf8proc for every BMP character", "differs");
}

/* Writes a matrix built by fill() to a temp file and opens a reader on it. */
static void mat_file(const char *path, void (*fill)(struct writer *), struct reader *r)
{
	struct writer w;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	writer_init(&w, fd);
	fill(&w);
	writer_flush(&w);
	writer_free(&w);
	close(fd);
	reader_open(r, path);
}

static const uint32_t tri[][2] = {{0, 1}, {0, 3}, {2, 0}, {2, 2}};

static void fill_sparse(struct writer *w)
{
	struct mat_header h = {.kind = MAT_SPARSE, .type = MAT_F32, .rows = 3, .cols = 4, .nnz = 4};

	mat_write_header(w, &h, NULL);
	for (int i = 0; i < 4; i++)
		mat_write_triple(w, MAT_F32, tri[i][0], tri[i][1], 0.5 * (i + 1));
}

static void fill_dense(struct writer *w)
{
	struct mat_header h = {.kind = MAT_DENSE, .type = MAT_F64, .rows = 2, .cols = 3};

	mat_write_header(w, &h, NULL);
	for (int i = 0; i < 6; i++)
		mat_write_value(w, MAT_F64, i / 3.0);
}

/* Reads a sparse matrix to its end; returns the first error, or the triple count. */
static long read_all(struct reader *r)
{
	struct mat_header h;
	struct mat_cursor c;
	uint32_t row, col;
	double v;
	int e = mat_read_header(r, &h, NULL);
	long n = 0;

	if (e < 0)
		return e;
	mat_cursor_init(&c, &h);
	while ((e = mat_next_triple(r, &c, &row, &col, &v, NULL)) == 1)
		n++;
	return e < 0 ? e : n;
}

/* A sparse 3 x 4 f32 file with its bytes changed by edit(). */
static long read_edited(const char *path, void (*edit)(unsigned char *, size_t *))
{
	struct reader r;
	unsigned char b[256];
	size_t n;
	int fd;
	long res;

	mat_file(path, fill_sparse, &r);
	n = (size_t)reader_read(&r, b, sizeof(b));
	reader_close(&r);
	edit(b, &n);
	fd = open(path, O_WRONLY | O_TRUNC);
	if (write(fd, b, n) != (ssize_t)n)
		return 99;
	close(fd);
	reader_open(&r, path);
	res = read_all(&r);
	reader_close(&r);
	return res;
}

static void e_magic(unsigned char *b, size_t *n) { (void)n; b[0] = 'X'; }
static void e_version(unsigned char *b, size_t *n) { (void)n; b[8] = 3; }
static void e_kind(unsigned char *b, size_t *n) { (void)n; b[12] = 7; }
static void e_reserved(unsigned char *b, size_t *n) { (void)n; b[50] = 1; }
static void e_toomany(unsigned char *b, size_t *n) { (void)n; b[40] = 13; }
static void e_header_cut(unsigned char *b, size_t *n) { (void)b; *n = 30; }
static void e_triple_cut(unsigned char *b, size_t *n) { (void)b; *n -= 3; }
static void e_fewer(unsigned char *b, size_t *n) { (void)b; *n -= 12; }
static void e_extra(unsigned char *b, size_t *n) { b[*n] = 0; *n += 1; }
static void e_order(unsigned char *b, size_t *n) { (void)n; b[64 + 12 + 4] = 0; } /* (0,0) after (0,1) */
static void e_range(unsigned char *b, size_t *n) { (void)n; b[64 + 4] = 4; }       /* col 4 of 4 */
static void e_nan(unsigned char *b, size_t *n) { (void)n; memcpy(b + 64 + 8, "\x00\x00\xc0\x7f", 4); }
static void e_unknown(unsigned char *b, size_t *n) { (void)n; memset(b + 40, 0xff, 8); }
static void e_foreign(unsigned char *b, size_t *n) { memcpy(b, "\x89PNG\r\n", 6); *n = 6; }

/* Puts rec[0..len) after the header as a version 2 record whose length field says `field`. */
static void put_record(unsigned char *b, size_t *n, const char *rec, size_t len, uint32_t field)
{
	memmove(b + 64 + len, b + 64, *n - 64);
	memcpy(b + 64, rec, len);
	*n += len;
	b[8] = 2;
	for (int i = 0; i < 4; i++)
		b[20 + i] = (unsigned char)(field >> (8 * i));
}
#define RECORD(name, rec, field)                                        \
	static void name(unsigned char *b, size_t *n)                   \
	{                                                               \
		put_record(b, n, rec, sizeof(rec) - 1, field);          \
	}
RECORD(e_record, "cooccur window=5 weight=flat\nppmi alpha=0.75\n", 45)
RECORD(e_record_word, "Cooccur window=5\n", 17)
RECORD(e_record_field, "cooccur window=\n", 16)
RECORD(e_record_space, "cooccur  window=5\n", 18)
RECORD(e_record_newline, "cooccur window=5", 16)
RECORD(e_record_nul, "cooccur w=\0\n", 12)
RECORD(e_record_cut, "cooccur window=5\n", 200) /* the file ends inside it */
RECORD(e_record_zero, "", 0)
RECORD(e_record_long, "cooccur window=5\n", 1025)
static void e_record_v1(unsigned char *b, size_t *n)
{
	put_record(b, n, "cooccur window=5\n", 17, 17);
	b[8] = 1;
}

static const char *record_text;

static void fill_recorded(struct writer *w)
{
	struct mat_header h = {.kind = MAT_SPARSE, .type = MAT_F64, .rows = 2, .cols = 2, .nnz = 1};

	strcpy(h.record, record_text);
	mat_write_header(w, &h, NULL);
	mat_write_triple(w, MAT_F64, 1, 0, 2.5);
}

/* A record written is read back as it was; the writer refuses one that breaks the grammar; a
 * record grows line by line up to MAT_RECORD_MAX bytes and no further. */
static void test_record(const char *path)
{
	struct reader r;
	struct mat_header h;
	struct writer w;
	char rec[MAT_RECORD_MAX + 1] = "", line[64];
	size_t n;
	const char *last;
	int ok, k = 0;

	record_text = "cooccur window=5 vocab=00ff\ntranspose\n";
	mat_file(path, fill_recorded, &r);
	ok = read_all(&r) == 1;
	reader_close(&r);
	mat_file(path, fill_recorded, &r);
	ok &= mat_read_header(&r, &h, NULL) == 0 && strcmp(h.record, record_text) == 0;
	reader_close(&r);
	last = mat_record_last(h.record, &n);
	ok &= last && n == 9 && memcmp(last, "transpose", 9) == 0;
	ok &= mat_record_field(h.record, 27, "vocab", line, sizeof(line)) == 1 &&
	      strcmp(line, "00ff") == 0 && mat_record_field(h.record, 27, "window", line, 2) == 1 &&
	      strcmp(line, "5") == 0 && mat_record_field(h.record, 27, "windo", line, 8) == 0 &&
	      mat_record_field(h.record, 27, "vocab", line, 4) == 0; /* does not fit */
	check(ok, "matrix record round trip and its fields", "record differs");
	writer_init(&w, -1);
	strcpy(h.record, "cooccur window=5"); /* no newline */
	ok = mat_write_header(&w, &h, NULL) == MAT_ERECORD && w.len == 0;
	writer_free(&w);
	check(ok, "matrix writer refuses a bad record", "written");
	snprintf(line, sizeof(line), "ppmi alpha=%0*d", 51, 0); /* 63 bytes with its newline */
	while (mat_record_append(rec, line, NULL) == 0)
		k++;
	ok = k == MAT_RECORD_MAX / 63 && strlen(rec) == (size_t)k * 63 &&
	     mat_record_append(rec, "ppmi alpha=", NULL) == MAT_ERECORD &&
	     mat_record_append(rec, "Ppmi", NULL) == MAT_ERECORD;
	check(ok, "matrix record grows to its limit and no further", "wrong length");
}

static void test_matrix(void)
{
	char path[] = "/tmp/nlp-test-matrix-XXXXXX";
	int fd = mkstemp(path);
	struct reader r;
	struct mat_header h;
	struct mat_cursor c;
	uint32_t row, col;
	double v, d[6];
	int ok = 1, k = 0;

	close(fd);
	mat_file(path, fill_sparse, &r);
	ok &= mat_read_header(&r, &h, NULL) == 0 && h.kind == MAT_SPARSE && h.rows == 3 && h.cols == 4 &&
	      h.nnz == 4;
	mat_cursor_init(&c, &h);
	while (mat_next_triple(&r, &c, &row, &col, &v, NULL) == 1) {
		ok &= row == tri[k][0] && col == tri[k][1] && v == 0.5 * (k + 1);
		k++;
	}
	reader_close(&r);
	check(ok && k == 4, "matrix sparse round trip", "triples differ");
	mat_file(path, fill_dense, &r);
	ok = mat_read_header(&r, &h, NULL) == 0 && h.kind == MAT_DENSE && h.nnz == 6 &&
	     mat_read_values(&r, h.type, d, 6, NULL) == 0;
	for (int i = 0; i < 6; i++)
		ok &= d[i] == i / 3.0;
	reader_close(&r);
	check(ok, "matrix dense f64 round trip, bit exact", "values differ");
	test_record(path);

	static const struct {
		void (*edit)(unsigned char *, size_t *);
		long want;
		const char *name;
	} cases[] = {
	    {e_magic, MAT_EMAGIC, "matrix rejects a wrong magic"},
	    {e_foreign, MAT_EMAGIC, "matrix rejects a foreign file"},
	    {e_version, MAT_EVERSION, "matrix rejects version 3"},
	    {e_record, 4, "matrix reads a version 2 record and the triples after it"},
	    {e_record_word, MAT_ERECORD, "matrix rejects a record whose stage is not a word"},
	    {e_record_field, MAT_ERECORD, "matrix rejects a record field without a value"},
	    {e_record_space, MAT_ERECORD, "matrix rejects a record with two spaces"},
	    {e_record_newline, MAT_ERECORD, "matrix rejects a record without its last newline"},
	    {e_record_nul, MAT_ERECORD, "matrix rejects a record with a NUL"},
	    {e_record_cut, MAT_ETRUNC, "matrix rejects a file that ends in its record"},
	    {e_record_zero, MAT_EHEADER, "matrix rejects version 2 with no record"},
	    {e_record_long, MAT_EHEADER, "matrix rejects a record longer than 1024 bytes"},
	    {e_record_v1, MAT_EHEADER, "matrix rejects a record length in version 1"},
	    {e_kind, MAT_EHEADER, "matrix rejects an unknown kind"},
	    {e_reserved, MAT_EHEADER, "matrix rejects reserved bits"},
	    {e_toomany, MAT_EHEADER, "matrix rejects nnz > rows * cols"},
	    {e_header_cut, MAT_ETRUNC, "matrix rejects a cut header"},
	    {e_triple_cut, MAT_ETRUNC, "matrix rejects a cut triple"},
	    {e_fewer, MAT_ECOUNT, "matrix rejects missing triples"},
	    {e_extra, MAT_ECOUNT, "matrix rejects bytes after the last triple"},
	    {e_order, MAT_EORDER, "matrix rejects unsorted triples"},
	    {e_range, MAT_ERANGE, "matrix rejects a column out of range"},
	    {e_nan, MAT_EVALUE, "matrix rejects NaN"},
	    {e_unknown, 4, "matrix reads a stream of unknown length to its end"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		check(read_edited(path, cases[i].edit) == cases[i].want, cases[i].name,
		      "wrong result");
	unlink(path);
}

/* Spilled through base/runs with 16 triples a run (200 runs, so that each time RUNS_FANIN are
 * open they are merged into one), the cells come out in order, each the sum of its runs' sums added in the
 * order the runs were written, bit for bit: the merged run takes the place of its inputs. */
static void test_sorter(void)
{
	enum { RUN = 16, N = RUN * 200, CELLS = 100 };
	struct sorter t;
	struct rng r;
	double total[CELLS], run[CELLS];
	int in_total[CELLS] = {0}, in_run[CELLS] = {0};
	uint32_t row, col, prev = 0;
	uint64_t nnz;
	double v;
	int ok = 1, k = -1, n = 0;

	rng_seed(&r, 7);
	sorter_init(&t, 0, SORTER_DUPS_SUM); /* the smallest chunk: 16 triples */
	for (int i = 0; i < N; i++) {
		int c = (int)rng_below(&r, CELLS);

		v = rng_uniform(&r) * 1e3 - 500;
		ok &= sorter_add(&t, (uint32_t)c / 10, (uint32_t)c % 10, v, NULL) == 0;
		run[c] = in_run[c] ? run[c] + v : v;
		in_run[c] = 1;
		if ((i + 1) % RUN == 0)
			for (c = 0; c < CELLS; c++) {
				if (in_run[c])
					total[c] = in_total[c] ? total[c] + run[c] : run[c];
				in_total[c] |= in_run[c];
				in_run[c] = 0;
			}
	}
	ok &= sorter_finish(&t, &nnz, NULL) == 0 && nnz == MAT_NNZ_UNKNOWN;
	while (ok && (k = sorter_next(&t, &row, &col, &v, NULL)) == 1) {
		uint32_t c = row * 10 + col;

		ok = c < CELLS && (n == 0 || c > prev) && in_total[c] && memcmp(&v, &total[c], 8) == 0;
		prev = c;
		n++;
	}
	check(ok && k == 0 && n == CELLS,
	      "sorter: 200 runs through base/runs give every cell, in order, summed run by run",
	      "a cell is missing, out of order or summed in another order");
	sorter_free(&t);
}

/* The number of open descriptors of this process. */
static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n - 1; /* the directory's own */
}

/* A merge for the test: the doubles of the runs fds[0..n) one after the other (concatenated),
 * or, when *ctx, their sum added up run by run (a left fold). */
static int merge_doubles(void *ctx, int *fds, size_t n, struct writer *w)
{
	int sum = *(int *)ctx, r = 0, have = 0;
	double total = 0, v;

	for (size_t i = 0; i < n; i++) {
		struct reader rd;

		if (runs_read(&rd, fds[i]) < 0) {
			r = -1;
			continue;
		}
		while (reader_read(&rd, &v, sizeof(v)) == sizeof(v)) {
			if (!sum)
				writer_write(w, (const char *)&v, sizeof(v));
			total = have ? total + v : v;
			have = 1;
		}
		reader_close(&rd);
	}
	if (sum && have)
		writer_write(w, (const char *)&total, sizeof(total));
	return r;
}

/* 300 runs of one double each, kept below 12 (and below RUNS_FANIN) open: in any order they
 * come back concatenated in the order written, and ordered they add up as a left fold, bit for
 * bit; the descriptors open never pass the bound. */
static void test_runs(void)
{
	enum { N = 300 };

	for (int ordered = 0; ordered < 2; ordered++) {
		size_t maxes[] = {12, RUNS_FANIN};

		for (int m = 0; m < 2; m++) {
			struct runlist l = {0};
			int base = open_fds(), most = 0, ok = 1, k;
			double fold = 0, v;
			struct reader rd;
			char name[160];

			for (int i = 0; i < N && ok; i++) {
				struct runs_writer rw;

				v = 1.0 / (i + 3) * (i % 2 ? -1 : 1) * 1e3;
				fold = i ? fold + v : v;
				ok &= runs_begin(&rw) == 0;
				writer_write(&rw.w, (const char *)&v, sizeof(v));
				ok &= runs_end(&rw, &l, 0) == 0 &&
				      runs_bound(&l, maxes[m], ordered, merge_doubles, &ordered) == 0;
				ok &= l.n < maxes[m];
				most = open_fds() - base > most ? open_fds() - base : most;
			}
			ok &= runs_bound(&l, 2, ordered, merge_doubles, &ordered) == 0 && l.n == 1;
			ok &= runs_read(&rd, l.fds[0]) == 0;
			l.n = 0;
			for (int i = 0; ok && i < (ordered ? 1 : N); i++) {
				double want = ordered ? fold : 1.0 / (i + 3) * (i % 2 ? -1 : 1) * 1e3;

				ok = reader_read(&rd, &v, sizeof(v)) == sizeof(v) && memcmp(&v, &want, 8) == 0;
			}
			ok &= reader_read(&rd, &v, sizeof(v)) == 0;
			reader_close(&rd);
			k = (int)maxes[m];
			snprintf(name, sizeof(name), "runs: 300 runs %s, at most %d open (%d were): %s",
			         ordered ? "ordered" : "in any order", k - 1, most,
			         ordered ? "a left fold, bit for bit" : "each value once, in order");
			check(ok && most < k, name, "a value or the order is wrong, or too many runs open");
			runlist_close(&l);
		}
	}
}

/* n-gram counting in a 4 KB budget: hundreds of spills, the runs of each length kept few. */
static int count_entry(void *ctx, const struct ngc_entry *e)
{
	uint64_t *sum = ctx;

	sum[0] += e->count;
	sum[1]++;
	sum[2] += e->n == 2 && e->count == 3; /* every bigram was added three times */
	return 0;
}

static void test_ngc_spill(void)
{
	enum { KEYS = 2000 };
	struct ngcount c;
	uint64_t sum[3] = {0, 0, 0};
	char key[64];
	int ok = ngc_init(&c, 2, 2, 4096, NULL) == 0;

	for (int rep = 0; rep < 3 && ok; rep++)
		for (int i = 0; i < KEYS && ok; i++) {
			int len = snprintf(key, sizeof(key), "w%d x%d", i % 997, i);

			ok = ngc_add_key(&c, key, (size_t)len, 2, 1, NULL) == 0;
		}
	ok = ok && c.nspills > 100 && ngc_emit(&c, 0, 0, count_entry, sum, NULL) == 0;
	check(ok && sum[0] == 3 * KEYS && sum[1] == KEYS && sum[2] == KEYS,
	      "ngc: 6,000 keys in a 4 KB budget: over a hundred runs, every count right",
	      "a count is wrong or the spills failed");
	ngc_free(&c);
}

/* The sorter and n-gram counting spill hundreds of runs under a limit of 48 open files. */
static void test_few_files(void)
{
	struct rlimit old, low;

	if (getrlimit(RLIMIT_NOFILE, &old) < 0)
		return;
	low = old;
	low.rlim_cur = 48;
	if (old.rlim_cur < 48 || setrlimit(RLIMIT_NOFILE, &low) < 0) {
		check(0, "few files", "cannot lower the limit of open files");
		return;
	}
	test_sorter();
	test_ngc_spill();
	setrlimit(RLIMIT_NOFILE, &old);
}

/* The progress display as a trainer uses it, on a stderr that is not a terminal (--progress):
 * an epoch as the phase, the loss and learning rate as its figures, then the summary; and the
 * figures' formats. */
static void test_progress(void)
{
	char path[] = "/tmp/nlp-test-progress.XXXXXX", got[512] = {0}, a[32];
	int fd = mkstemp(path), saved = dup(2);
	ssize_t n;

	if (fd < 0 || saved < 0) {
		check(0, "progress", "no temporary file");
		return;
	}
	unlink(path);
	dup2(fd, 2);
	prog_init("nlp-train");
	progress_init(1);
	progress_phase("epoch 1/2", 1000, "words");
	progress_show(500, "loss %.3f, lr %.4f", 2.5, 0.025);
	progress_done("2 epochs, loss %.3f", 2.25);
	dup2(saved, 2);
	close(saved);
	n = pread(fd, got, sizeof(got) - 1, 0);
	close(fd);
	check(n > 0 && strncmp(got, "nlp-train: epoch 1/2 50% (500 of 1000 words), loss 2.500, "
	                            "lr 0.0250\nnlp-train: 2 epochs, loss 2.250, ", 90) == 0,
	      "progress: a trainer's line and summary", got);
	check(strstr(got, " s, peak ") && !strchr(got, '\r') && !strchr(got, '\033'),
	      "progress: the summary's time and memory, no terminal codes", got);
	check(!strcmp(progress_bytes(a, sizeof(a), 999), "999 B") &&
	          !strcmp(progress_bytes(a, sizeof(a), 123456), "123.5 kB") &&
	          !strcmp(progress_bytes(a, sizeof(a), 4560000000u), "4.56 GB") &&
	          !strcmp(progress_count(a, sizeof(a), 9999), "9999") &&
	          !strcmp(progress_bytes(a, sizeof(a), 5500000), "5.5 MB") &&
	          !strcmp(progress_count(a, sizeof(a), 35330000), "35.33M") &&
	          !strcmp(progress_count(a, sizeof(a), 2060550000000u), "2.06T"),
	      "progress: sizes and counts", a);
}

/* test-lib w2v-step: one step of the word2vec kernels on stdin's tiny inputs, for
 * tests/nlp-w2v.bats's NumPy reference. Reads "mode dim rows nt nc alpha" (mode skipgram, cbow,
 * skipgram-hs or cbow-hs), the rows x dim input vectors W, the rows x dim output vectors C (with
 * hs, the inner nodes' vectors), nt targets (the positive first; with hs, the path's inner nodes),
 * with hs nt codes, and nc input rows (skip-gram: one); prints the loss, then W and C after the
 * step, one row a line. */
static int w2v_step(void)
{
	char mode[16];
	size_t dim, rows, nt, nc, stride;
	double alpha;
	float *W, *C, *h, *dh, *in, loss;
	uint32_t *t, *ctx;
	uint8_t *code;
	int hs;

	if (scanf("%15s %zu %zu %zu %zu %lf", mode, &dim, &rows, &nt, &nc, &alpha) != 6)
		return 2;
	stride = (dim + W2V_LANES - 1) / W2V_LANES * W2V_LANES;
	W = ecalloc(rows * stride, sizeof(float));
	C = ecalloc(rows * stride, sizeof(float));
	h = ecalloc(stride, sizeof(float));
	dh = ecalloc(stride, sizeof(float));
	t = ecalloc(nt, sizeof(*t));
	code = ecalloc(nt, sizeof(*code));
	ctx = ecalloc(nc, sizeof(*ctx));
	hs = strstr(mode, "-hs") != NULL;
	for (size_t i = 0; i < rows * dim; i++)
		if (scanf("%f", &W[i / dim * stride + i % dim]) != 1)
			return 2;
	for (size_t i = 0; i < rows * dim; i++)
		if (scanf("%f", &C[i / dim * stride + i % dim]) != 1)
			return 2;
	for (size_t i = 0; i < nt; i++)
		if (scanf("%u", &t[i]) != 1 || t[i] >= rows)
			return 2;
	for (size_t i = 0; hs && i < nt; i++)
		if (scanf("%hhu", &code[i]) != 1 || code[i] > 1)
			return 2;
	for (size_t i = 0; i < nc; i++)
		if (scanf("%u", &ctx[i]) != 1 || ctx[i] >= rows)
			return 2;
	if (!strncmp(mode, "cbow", 4)) {
		w2v_cbow_mean(h, W, ctx, nc, stride);
		in = h;
	} else {
		in = W + ctx[0] * stride;
		nc = 1;
	}
	if (hs)
		loss = w2v_hs_update(dh, C, in, t, code, nt, (float)alpha, stride, 1);
	else
		loss = w2v_sgns_update(dh, C, in, t, nt, (float)alpha, stride, 1);
	for (size_t j = 0; j < nc; j++)
		w2v_axpy(W + ctx[j] * stride, 1.0f, dh, stride);
	printf("%.9g\n", loss);
	for (int m = 0; m < 2; m++)
		for (size_t i = 0; i < rows; i++)
			for (size_t j = 0; j < dim; j++)
				printf("%.9g%c", (m ? C : W)[i * stride + j], j + 1 < dim ? ' ' : '\n');
	free(W), free(C), free(h), free(dh), free(t), free(code), free(ctx);
	return 0;
}

/* test-lib w2v-huffman: reads counts (one a line) on stdin, builds their Huffman tree and prints
 * each word's code (its 0s and 1s, "-" when empty) and its path's inner nodes, one word a line:
 * "CODE POINT...", for tests/nlp-w2v.bats's reference. */
static int w2v_huffman(void)
{
	uint64_t *counts = NULL, c;
	size_t n = 0, cap = 0;
	struct w2v_tree t;

	while (scanf("%" SCNu64, &c) == 1) {
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			counts = erealloc(counts, cap * sizeof(*counts));
		}
		counts[n++] = c;
	}
	if (!n || w2v_tree_build(&t, counts, n) < 0)
		return 2;
	for (size_t i = 0; i < n; i++) {
		if (t.off[i] == t.off[i + 1])
			putchar('-');
		for (size_t d = t.off[i]; d < t.off[i + 1]; d++)
			putchar('0' + t.codes[d]);
		for (size_t d = t.off[i]; d < t.off[i + 1]; d++)
			printf(" %" PRIu32, t.points[d]);
		putchar('\n');
	}
	w2v_tree_free(&t);
	free(counts);
	return 0;
}

/* test-lib w2v-subword-step: one step of the subword input side (fastText's) on stdin's tiny
 * inputs, as nlp-w2v --subword trains a center word: reads "dim rows nt nc np alpha", W and C
 * (rows x dim each), np predictions of nt targets each (the positive first), and the nc input
 * rows (a word's own and its n-grams' in skip-gram, np the context words; all the context words'
 * in CBOW, np 1; a row may repeat). h is the mean of the input rows, each prediction adds its
 * gradient to dh, and dh is added to each input row. Prints the loss, then W and C after the
 * step, one row a line. */
static int w2v_subword_step(void)
{
	size_t dim, rows, nt, nc, np, stride;
	double alpha;
	float *W, *C, *h, *dh, loss = 0;
	uint32_t *t, *in;

	if (scanf("%zu %zu %zu %zu %zu %lf", &dim, &rows, &nt, &nc, &np, &alpha) != 6)
		return 2;
	stride = (dim + W2V_LANES - 1) / W2V_LANES * W2V_LANES;
	W = ecalloc(rows * stride, sizeof(float));
	C = ecalloc(rows * stride, sizeof(float));
	h = ecalloc(stride, sizeof(float));
	dh = ecalloc(stride, sizeof(float));
	t = ecalloc(np * nt, sizeof(*t));
	in = ecalloc(nc, sizeof(*in));
	for (size_t i = 0; i < rows * dim; i++)
		if (scanf("%f", &W[i / dim * stride + i % dim]) != 1)
			return 2;
	for (size_t i = 0; i < rows * dim; i++)
		if (scanf("%f", &C[i / dim * stride + i % dim]) != 1)
			return 2;
	for (size_t i = 0; i < np * nt; i++)
		if (scanf("%u", &t[i]) != 1 || t[i] >= rows)
			return 2;
	for (size_t i = 0; i < nc; i++)
		if (scanf("%u", &in[i]) != 1 || in[i] >= rows)
			return 2;
	w2v_cbow_mean(h, W, in, nc, stride);
	for (size_t p = 0; p < np; p++)
		loss += w2v_sgns_update(dh, C, h, t + p * nt, nt, (float)alpha, stride, 1);
	w2v_add_rows(W, in, nc, dh, stride);
	printf("%.9g\n", loss);
	for (int m = 0; m < 2; m++)
		for (size_t i = 0; i < rows; i++)
			for (size_t j = 0; j < dim; j++)
				printf("%.9g%c", (m ? C : W)[i * stride + j], j + 1 < dim ? ' ' : '\n');
	free(W), free(C), free(h), free(dh), free(t), free(in);
	return 0;
}

struct gram_print {
	const char *w;
	size_t n;
	uint32_t buckets;
};

/* subword_fn: "<word>"'s bytes [from, to), the hash and the bucket, tab-separated. */
static void print_gram(void *ctx, size_t from, size_t to, uint32_t hash)
{
	const struct gram_print *g = ctx;

	for (size_t k = from; k < to; k++)
		putchar(k == 0 ? '<' : k == g->n + 1 ? '>' : g->w[k - 1]);
	printf("\t%u\t%u\n", hash, hash % g->buckets);
}

/* test-lib subwords MINN MAXN BUCKETS: for each line of stdin (a word), its n-grams in order as
 * "ngram<TAB>hash<TAB>bucket" lines, then a line "<TAB>count<TAB>rows" with subword_each's count
 * and subword_rows' rows (base 0), which must agree with the lines; a blank line between words. */
static int subwords(int argc, char **argv)
{
	struct reader r;
	char *line;
	ssize_t n;

	if (argc != 5)
		return 2;
	unsigned minn = (unsigned)atoi(argv[2]), maxn = (unsigned)atoi(argv[3]);
	uint32_t buckets = (uint32_t)atol(argv[4]);

	if (reader_open(&r, NULL) < 0)
		return 2;
	while ((n = reader_line(&r, &line)) >= 0) {
		struct gram_print g = {line, (size_t)n, buckets};
		size_t count = subword_each(line, (size_t)n, minn, maxn, print_gram, &g);
		uint32_t *rows = ecalloc(count + 1, sizeof(*rows));

		printf("\t%zu\t", count);
		if (subword_rows(rows, count, line, (size_t)n, minn, maxn, buckets, 0) != count)
			printf("rows disagree");
		for (size_t i = 0; i < count; i++)
			printf("%s%u", i ? " " : "", rows[i]);
		printf("\n\n");
		free(rows);
	}
	reader_close(&r);
	return 0;
}

#define LM_FLOAT_TESTS 1000000

/* The ARPA reader's numbers against strtof: a million random numbers written as ARPA writers
 * write them (%g, %f and %e at 1 to 10 digits), and the edge cases. */
static void test_lm_float(void)
{
	static const char *const edges[] = {"0", "-0", "-99", "-1", "1e-45", "-1e-50", "3.4028235e38",
	                                    "-1.17549435e-38", "0.000000000000000000000001234",
	                                    "-12345678901234567890123", "-inf", "-Infinity", "+7.5E+3"};
	uint64_t x = 88172645463325252ull;
	unsigned long n = 0, off1 = 0, worse = 0;
	double maxabs = 0;
	char s[64], why[160];

	for (unsigned long i = 0; i < LM_FLOAT_TESTS + sizeof(edges) / sizeof(*edges); i++) {
		float a, b;
		const char *end;

		if (i < sizeof(edges) / sizeof(*edges)) {
			snprintf(s, sizeof(s), "%s", edges[i]);
		} else {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			/* log10 probabilities mostly, a few of any size */
			double v = -(double)(x >> 11) / (double)(1ull << 53) * (x % 7 ? 8 : 1e12) *
			           (x % 13 ? 1 : 1e-20);
			int p = 1 + (int)(x % 10);

			snprintf(s, sizeof(s), x % 3 == 0 ? "%.*g" : x % 3 == 1 ? "%.*f" : "%.*e", p, v);
		}
		end = lm_parse_float(s, s + strlen(s), &a);
		b = strtof(s, NULL);
		n++;
		if (!end || *end) {
			snprintf(why, sizeof(why), "'%s' not read whole", s);
			check(0, "lm_parse_float", why);
			return;
		}
		if (a == b || (isnan(a) && isnan(b)))
			continue;
		int32_t ia, ib;

		memcpy(&ia, &a, 4);
		memcpy(&ib, &b, 4);
		if (llabs((long long)ia - ib) == 1)
			off1++;
		else
			worse++;
		if (fabs((double)a - b) > maxabs)
			maxabs = fabs((double)a - b);
	}
	snprintf(why, sizeof(why), "%lu numbers: %lu one unit in the last place from strtof, "
	         "%lu farther; the largest absolute difference %.3g", n, off1, worse, maxabs);
	check(worse == 0, "lm_parse_float within 1 ulp of strtof", why);
	printf("# lm_parse_float: %s\n", why);
}

/* A model built entry by entry (as nlp-lm builds a binary one), queried, written in the binary
 * form and read back. */
static void test_lm_builder(void)
{
	static const char *const words[] = {"</s>", "<s>", "a", "b"};
	uint64_t counts[3] = {0, 4, 3};
	struct lm_model *m, *r;
	struct error e;
	struct writer w;
	unsigned len;
	int fd = tmpfile_open(), ok = 1;
	float p, bo;

	if (lm_model_new(&m, 2, counts, &e) < 0 || fd < 0) {
		check(0, "lm builder", "lm_model_new");
		return;
	}
	for (int i = 0; i < 4; i++)
		ok &= lm_model_add_word(m, words[i], strlen(words[i]), -1.0f - (float)i / 4,
		                        -0.5f) == i;
	ok &= lm_model_add_word(m, "a", 1, -1, 0) == -1; /* again */
	ok &= lm_model_add_word(m, "c", 1, -1, 0) == -2; /* full: the room kept is <unk>'s */
	ok &= lm_model_add(m, (uint32_t[]){1, 2}, 2, -0.25f, 0) == 0;
	ok &= lm_model_add(m, (uint32_t[]){2, 3}, 2, -0.125f, 0) == 0;
	ok &= lm_model_add(m, (uint32_t[]){2, 3}, 2, -0.125f, 0) == -1; /* again */
	ok &= lm_model_add(m, (uint32_t[]){3, 0}, 2, -0.75f, 0) == 0;
	ok &= lm_model_add(m, (uint32_t[]){3, 3}, 2, -0.75f, 0) == -2; /* full */
	ok &= lm_model_finish(m, &e) == 0 && (m->flags & LM_FLAG_UNK_ADDED) && m->unk == 4 &&
	      m->bos == 1 && m->eos == 0;
	/* p(b | a) = the 2-gram; p(a | b) = p(a) + bow(b); p(<unk> | a) = -100 + bow(a) */
	ok &= lm_model_logp(m, (uint32_t[]){2}, 1, 3, &len) == -0.125f && len == 2;
	ok &= lm_model_logp(m, (uint32_t[]){1, 3}, 2, 2, &len) == -1.5f - 0.5f && len == 1;
	ok &= lm_model_logp(m, (uint32_t[]){2}, 1, m->unk, &len) == -100.5f && len == 1;
	ok &= lm_model_get(m, (uint32_t[]){3, 0}, 2, &p, &bo) == 1 && p == -0.75f;
	ok &= lm_model_get(m, (uint32_t[]){0, 3}, 2, &p, &bo) == 0;
	check(ok, "lm builder: words, n-grams, duplicates, room, <unk> added, queries", "");
	writer_init(&w, fd);
	ok = lm_model_write_binary(m, &w, &e) == 0 && writer_flush(&w) == 0;
	writer_free(&w);
	ok = ok && lseek(fd, 0, SEEK_SET) == 0 && lm_model_read(&r, fd, "tmp", &e) == 0;
	if (ok) {
		ok = lm_model_vocab_size(r) == 5 && (r->flags & LM_FLAG_UNK_ADDED) &&
		     lm_model_count(r, 2) == 3 && r->unk == m->unk;
		for (uint32_t a = 0; a < 5 && ok; a++)
			for (uint32_t b = 0; b < 5; b++)
				ok &= lm_model_logp(r, &a, 1, b, NULL) == lm_model_logp(m, &a, 1, b, NULL);
		lm_model_free(r);
	}
	check(ok, "lm builder: the binary form reads back to the same queries", "");
	close(fd);
	lm_model_free(m);
}

/* A model for the scorer that is not an n-gram model: it knows "a" (id 2) and "b" (id 3), gives
 * b log10 p -inf and every other token -1, counts the files begun, and fails on 3 words. */
static int64_t fake_find(void *m, const char *s, size_t n)
{
	(void)m;
	return n == 1 && (*s == 'a' || *s == 'b') ? 2 + (*s == 'b') : -1;
}

static void fake_begin_file(void *m)
{
	++*(int *)m;
}

static int fake_sentence(void *m, const uint32_t *ids, size_t n, int bos, int eos, float *lp,
                         unsigned *order, struct error *e)
{
	(void)m;
	(void)bos;
	if (n == 3)
		return error_set(e, -1, 0, NULL, 0, "three words");
	for (size_t i = 0; i < n + (eos != 0); i++) {
		lp[i] = i < n && ids[i] == 3 ? -INFINITY : -1.0f;
		order[i] = 0;
	}
	return 0;
}

/* The stems' cache (text/stem.c) against libstemmer itself: three times as many distinct tokens
 * as the cache holds, so that it is emptied twice, each followed by a token seen long before and
 * by one seen just before, and a token too long to be cached; every stem equals the one an
 * uncached stemmer gives. */
static void test_stem_cache(void)
{
	struct stem cached, plain;
	struct buf a = {0}, b = {0};
	struct error e;
	char tok[STEM_CACHE_TOKEN + 16];
	const char *ends[] = {"ing", "s", "ed", "ies", "ness", "ational", ""};
	int ok = 1;

	if (stem_open(&cached, "english", &e) < 0 || stem_open(&plain, "english", &e) < 0) {
		check(0, "stem cache", e.msg);
		return;
	}
	plain.cache = 0;
	for (uint32_t i = 0; i < 3 * STEM_CACHE_WORDS + 100 && ok; i++) {
		uint32_t k = i % 7 == 0 ? i / 7 : i; /* a token seen before, now and then */
		int n = snprintf(tok, sizeof(tok), "%sword%x%s", k % 5 == 0 ? "jump" : "", k, ends[k % 7]);

		if (i % 1000 == 999) /* too long for the cache */
			n = snprintf(tok, sizeof(tok), "%0*ujumping", STEM_CACHE_TOKEN, i);
		a.len = b.len = 0;
		ok = stem_token(&cached, tok, (size_t)n, &a, &e) == 0 &&
		     stem_token(&plain, tok, (size_t)n, &b, &e) == 0 && a.len == b.len &&
		     memcmp(a.p, b.p, a.len) == 0;
	}
	a.len = 0;
	ok = ok && stem_token(&cached, "generously", 10, &a, &e) == 0 && a.len == 8 &&
	     memcmp(a.p, "generous", 8) == 0;
	check(ok, "stem cache: every stem equals libstemmer's, across two clearings", "a stem differs");
	stem_close(&cached);
	stem_close(&plain);
	buf_free(&a);
	buf_free(&b);
}

static void test_lm_score(void)
{
	static const char *const lines[] = {"<s> a q </s>", "a b", "a a a"};
	static const char word[] = "a=2 0 -1\tq=1 0 -1\t</s>=0 0 -1\tTotal: -3 OOV: 1\n"
	                           "a=2 0 -1\tb=3 0 -inf\t</s>=0 0 -1\tTotal: -inf OOV: 0\n";
	static const char json[] = "{\"model\":\"m\",\"bos\":true,\"eos\":true,\"file\":\"x\","
	                           "\"sentences\":2,\"words\":4,\"oovs\":1,\"zeroprobs\":1,"
	                           "\"tokens\":6,\"logprob\":-5,\"ppl\":10,";
	int files = 0, ok = 1, r[2][3];
	struct lm_source src = {.m = &files, .find = fake_find, .unk = 1, .eos = 0,
	                        .begin_file = fake_begin_file, .sentence = fake_sentence};
	struct lm_scorer sc[2];
	struct spans sp = {0};
	struct buf out[2] = {{0}};
	struct error e;
	char *names[] = {"x"};

	lm_score_init(&sc[0], &src, LM_SCORE_WORD, 0);
	lm_score_init(&sc[1], &src, LM_SCORE_SUMMARY, LM_SCORE_JSON);
	for (int k = 0; k < 2; k++) {
		lm_score_begin_file(&sc[k]);
		for (int i = 0; i < 3; i++) {
			spans_split_blank(lines[i], strlen(lines[i]), &sp);
			r[k][i] = lm_score_sentence(&sc[k], sp.v, sp.n, &out[k], &e);
		}
		lm_score_end_file(&sc[k]);
	}
	ok &= files == 2 && r[0][0] == 0 && r[0][1] == 0 && r[0][2] == -1 && r[1][2] == -1 &&
	      !strcmp(e.msg, "three words");
	/* the markers left out, q an OOV scored as <unk>, the failed line neither counted nor shown */
	ok &= out[0].len == strlen(word) && !memcmp(out[0].p, word, out[0].len) && out[1].len == 0;
	ok &= sc[0].total.sentences == 2 && sc[0].total.tokens == 6 && sc[0].total.zeroprobs == 1 &&
	      sc[0].total.oovs == 1 && sc[0].total.logprob == -5;
	/* no "order" in the report of a model without one */
	lm_score_report(&sc[1], "m", names, 1, &out[1]);
	ok &= out[1].len > strlen(json) && !memcmp(out[1].p, json, strlen(json));
	check(ok, "lm score: a model without n-grams, its files, markers, OOVs, zeroprobs, a failure",
	      "");
	for (int k = 0; k < 2; k++) {
		lm_score_free(&sc[k]);
		buf_free(&out[k]);
	}
	spans_free(&sp);
}

/* ---- test-lib glove-grad ---- */

/* The reference's cost of one non-zero, in double from the model's floats; *diff gets its diff. */
static double glove_ref_cost(const struct glove_model *m, const struct glove_cell *c, double *diff)
{
	const float *w = glove_row(m, 0, c->row), *v = glove_row(m, 1, c->col);
	double d = (double)w[m->vd] + v[m->vd] - log((double)c->x), f;

	for (size_t k = 0; k < m->dim; k++)
		d += (double)w[k] * v[k];
	f = c->x < m->x_max ? pow(c->x / m->x_max, m->alpha) : 1.0;
	*diff = d;
	return 0.5 * f * d * d;
}

/* Whether got is want within 1e-5 relative (1e-6 absolute near zero); *worst keeps the largest
 * relative difference seen. */
static int glove_close(double got, double want, double *worst)
{
	double d = fabs(got - want) / fmax(fabs(want), 0.1);

	*worst = fmax(*worst, d);
	return fabs(got - want) <= 1e-6 + 1e-5 * fabs(want);
}

/* One glove_update on cell c of m against GloVe's rule (glove.c, master) computed here in double
 * from m's floats before it: with fdiff = f(x) diff, each component's step is
 * clip(fdiff w~_jk, C) eta (of w_ik; clip(fdiff w_ik, C) eta of w~_jk), divided by the root of
 * its AdaGrad sum before the sum grows by its square; the biases' step is fdiff, neither clipped
 * nor scaled by eta. (glove-spec.md writes eta into fdiff and clips after it, as GloVe did before
 * its gradient clipping; the code and this test follow GloVe's master.) Checks the two rows it
 * touches (vector, bias, AdaGrad sums, padding), every other float unchanged bit for bit, and
 * its returned cost. *clipped counts the components the clip bit. Returns 1 when all agree;
 * *worst is the largest relative difference. */
static int glove_update_check(struct glove_model *m, const struct glove_cell *c, size_t *clipped,
                              double *worst)
{
	size_t n = 2 * m->rows * 2 * m->stride, S = m->stride, D = m->dim, vd = m->vd;
	float *before = emalloc(n * sizeof(float));
	const float *w0, *v0;
	float *w, *v;
	double diff, cost = glove_ref_cost(m, c, &diff), f, g, got;
	double *want_w = ecalloc(2 * S, sizeof(double)), *want_v = ecalloc(2 * S, sizeof(double));
	int ok = 1;

	memcpy(before, m->params, n * sizeof(float));
	w0 = before + (size_t)(0 * m->rows + c->row) * 2 * S;
	v0 = before + (size_t)(1 * m->rows + c->col) * 2 * S;
	for (size_t k = 0; k < 2 * S; k++) {
		want_w[k] = w0[k];
		want_v[k] = v0[k];
	}
	f = c->x < m->x_max ? pow(c->x / m->x_max, m->alpha) : 1.0;
	g = f * diff; /* GloVe master: the biases' step without eta */
	for (size_t k = 0; k < D; k++) {
		double u = g * v0[k], t = g * w0[k];

		/* GloVe master: each component's gradient clipped, then scaled by eta */
		*clipped += (fabs(u) > m->grad_clip) + (fabs(t) > m->grad_clip);
		u = fmin(fmax(u, -m->grad_clip), m->grad_clip) * m->eta;
		t = fmin(fmax(t, -m->grad_clip), m->grad_clip) * m->eta;
		want_w[k] -= u / sqrt(w0[S + k]);
		want_w[S + k] += u * u;
		want_v[k] -= t / sqrt(v0[S + k]);
		want_v[S + k] += t * t;
	}
	want_w[vd] -= g / sqrt(w0[S + vd]);
	want_w[S + vd] += g * g;
	want_v[vd] -= g / sqrt(v0[S + vd]);
	want_v[S + vd] += g * g;
	got = glove_update(m, c);
	ok &= glove_close(got, cost, worst);
	w = glove_row(m, 0, c->row);
	v = glove_row(m, 1, c->col);
	for (size_t k = 0; k < 2 * S; k++) {
		ok &= glove_close(w[k], want_w[k], worst);
		ok &= glove_close(v[k], want_v[k], worst);
		/* the padding of the vector and of its sums, as it was */
		if ((k >= D && k < vd) || (k > vd && k < S) || (k >= S + D && k < S + vd) || k > S + vd)
			ok &= memcmp(&w[k], &w0[k], sizeof(float)) == 0 &&
			      memcmp(&v[k], &v0[k], sizeof(float)) == 0;
	}
	/* every other row as it was */
	for (size_t r = 0; r < 2 * m->rows; r++)
		if (r != c->row && r != m->rows + c->col)
			ok &= memcmp(m->params + r * 2 * S, before + r * 2 * S, 2 * S * sizeof(float)) == 0;
	free(before), free(want_w), free(want_v);
	return ok;
}

/* test-lib glove-grad: GloVe's objective and step (vec/glove.h) on a tiny matrix through the
 * public API: 5 words of 6 dimensions (padded to the kernel's lanes), 9 non-zeros below, at and
 * above x_max (3), rows and columns repeated, a diagonal one; the parameters set uniform in
 * [-0.5, 0.5] (wider than the initialisation, so that every term counts).
 * - glove_cost_grad's cost equals the sum computed here in double (within 1e-9 relative), with
 *   a gradient or without;
 * - each component of its gradient (both sides' vectors and biases) against central differences
 *   of its cost: J is quadratic in any one parameter, so a wide step (1/64) leaves only the
 *   cost's rounding; relative error |a - n| / max(|a|, |n|, 0.01) below 1e-3; the padding and
 *   the AdaGrad rows of grad untouched;
 * - glove_update on one non-zero against GloVe's rule computed here in double (see
 *   glove_update_check: every parameter and AdaGrad sum of the two rows it touches within 1e-5
 *   relative, every other float unchanged bit for bit), twice on the same non-zero (the sums no
 *   longer 1), and with a --grad-clip that bites on some components and not others;
 * - a NaN parameter: the update is skipped, NaN returned, nothing changed.
 * Prints "ok NAME: figures" or "FAIL NAME: why" per check; exits 1 on a failure. */
static int glove_grad(void)
{
	static const struct glove_cell cells[] = {{0, 1, 1.0f},  {0, 3, 2.5f}, {1, 0, 3.0f},
	                                          {1, 4, 7.25f}, {2, 2, 0.5f}, {3, 0, 12.0f},
	                                          {3, 1, 1.5f},  {4, 4, 4.0f}, {2, 4, 0.125f}};
	const size_t nc = sizeof(cells) / sizeof(cells[0]), rows = 5;
	struct glove_settings s = {.dim = 6, .x_max = 3, .alpha = 0.75, .eta = 0.05, .grad_clip = 100,
	                           .iters = 1, .threads = 1, .seed = 11, .budget = 1 << 20};
	struct glove_model m;
	struct error e;
	struct rng r;
	size_t n, S, clipped = 0, compared = 0;
	float *grad, *after;
	double J, Jn, want = 0, worst = 0, worst_upd = 0, d, got;
	char why[200];
	int ok = 1;

	if (glove_init(&m, rows, &s, &e) < 0) {
		check(0, "glove init", e.msg);
		return 1;
	}
	check(m.rows == rows && m.dim == 6 && m.vd >= 6 && m.vd % GLOVE_LANES == 0 &&
	          m.stride > m.vd && m.stride % 16 == 0 && m.iters == 0 && m.x_max == 3 &&
	          m.alpha == 0.75 && m.eta == 0.05 && m.grad_clip == 100 && m.seed == 11,
	      "glove init: the sizes and settings", "");
	S = m.stride;
	n = 2 * rows * 2 * S;
	/* the initialisation: vectors and biases in [-0.5/dim, 0.5/dim), the padding 0, sums 1 */
	for (int side = 0; side < 2; side++)
		for (size_t i = 0; i < rows; i++) {
			const float *p = glove_row(&m, side, i);

			for (size_t k = 0; k < S; k++) {
				if (k < m.dim || k == m.vd)
					ok &= p[k] >= -0.5f / 6 && p[k] < 0.5f / 6;
				else
					ok &= p[k] == 0;
				if (k < m.dim || k == m.vd)
					ok &= p[S + k] == 1;
			}
		}
	check(ok, "glove init: vectors and biases in [-0.5/dim, 0.5/dim), padding 0, sums 1", "");
	rng_seed(&r, 5);
	for (int side = 0; side < 2; side++)
		for (size_t i = 0; i < rows; i++) {
			float *p = glove_row(&m, side, i);

			for (size_t k = 0; k < m.dim; k++)
				p[k] = (float)(rng_uniform(&r) - 0.5);
			p[m.vd] = (float)(rng_uniform(&r) - 0.5);
		}

	/* the cost */
	for (size_t c = 0; c < nc; c++)
		want += glove_ref_cost(&m, &cells[c], &d);
	grad = aligned_alloc(64, n * sizeof(float));
	if (!grad)
		return 2;
	for (size_t i = 0; i < n; i++)
		grad[i] = (i / S) % 2 ? 7.0f : 0.0f; /* a sentinel in the AdaGrad rows */
	J = glove_cost_grad(&m, cells, nc, grad);
	Jn = glove_cost_grad(&m, cells, nc, NULL);
	snprintf(why, sizeof(why), "J %.17g, with NULL %.17g, computed here %.17g", J, Jn, want);
	check(fabs(J - want) <= 1e-9 * want && fabs(J - Jn) <= 1e-12 * J,
	      "glove cost: the sum of 0.5 f(x) diff^2", why);

	/* the gradient against central differences */
	ok = 1;
	for (int side = 0; side < 2; side++)
		for (size_t i = 0; i < rows; i++) {
			float *p = glove_row(&m, side, i);
			const float *g = grad + (size_t)(side * rows + i) * 2 * S;

			for (size_t k = 0; k < S; k++) {
				float saved = p[k], hi, lo;
				double num, err;

				if (!(k < m.dim || k == m.vd)) {
					ok &= g[k] == 0 && g[S + k] == 7.0f;
					continue;
				}
				ok &= g[S + k] == 7.0f;
				hi = saved + 1.0f / 64;
				lo = saved - 1.0f / 64;
				p[k] = hi;
				num = glove_cost_grad(&m, cells, nc, NULL);
				p[k] = lo;
				num -= glove_cost_grad(&m, cells, nc, NULL);
				p[k] = saved;
				num /= (double)hi - (double)lo;
				err = fabs(g[k] - num) / fmax(fmax(fabs(g[k]), fabs(num)), 0.01);
				if (err > worst)
					worst = err;
				compared++;
			}
		}
	snprintf(why, sizeof(why), "%zu components, largest relative error %.3g (tolerance 1e-3)",
	         compared, worst);
	check(ok && compared == 2 * rows * 7 && worst < 1e-3,
	      "glove grad: every component against central differences", why);
	printf("glove-grad: largest relative error %.3g\n", worst);

	/* glove_update: a step, a second on the same cell, a clip that bites */
	m.eta = 0.5;
	ok = glove_update_check(&m, &cells[3], &clipped, &worst_upd);
	ok &= glove_update_check(&m, &cells[3], &clipped, &worst_upd);
	ok &= glove_update_check(&m, &cells[4], &clipped, &worst_upd);
	snprintf(why, sizeof(why), "largest relative difference %.3g, %zu components clipped",
	         worst_upd, clipped);
	check(ok && clipped == 0, "glove update: GloVe's rule, twice on a cell and on another", why);
	m.grad_clip = 0.2;
	clipped = 0;
	ok = glove_update_check(&m, &cells[5], &clipped, &worst_upd);
	ok &= glove_update_check(&m, &cells[0], &clipped, &worst_upd);
	snprintf(why, sizeof(why), "largest relative difference %.3g, %zu of 24 components clipped",
	         worst_upd, clipped);
	check(ok && clipped > 0 && clipped < 24, "glove update: the clip of each component", why);
	printf("glove-update: largest relative difference %.3g (%zu of 24 components clipped)\n",
	       worst_upd, clipped);

	/* a diff that is not finite: nothing changes */
	glove_row(&m, 1, 2)[1] = NAN;
	after = emalloc(n * sizeof(float));
	memcpy(after, m.params, n * sizeof(float));
	got = glove_update(&m, &cells[4]);
	check(isnan(got) && memcmp(after, m.params, n * sizeof(float)) == 0,
	      "glove update: a NaN diff is skipped, nothing changed", "");
	free(after);
	free(grad);
	glove_free(&m);
	return failures ? 1 : 0;
}

/* One label of test-lib attmap's input, p [n] with its escapes undone (\\ \t \n \xHH), as a
 * string of its own (NUL-terminated; a \x00 ends it there). */
static char *attmap_label(const char *p, size_t n)
{
	char *s = emalloc(n + 1), *o = s;

	for (size_t i = 0; i < n; i++) {
		if (p[i] != '\\' || i + 1 == n) {
			*o++ = p[i];
		} else if (p[++i] == 't') {
			*o++ = '\t';
		} else if (p[i] == 'n') {
			*o++ = '\n';
		} else if (p[i] == 'x' && i + 2 < n) {
			char hex[3] = {p[i + 1], p[i + 2], 0};

			*o++ = (char)strtoul(hex, NULL, 16);
			i += 2;
		} else {
			*o++ = p[i];
		}
	}
	*o = 0;
	return s;
}

/* The labels of a line of test-lib attmap's input, separated by tabs (an empty line: none);
 * *n their count. */
static char **attmap_labels(const char *line, size_t len, size_t *n)
{
	char **v = NULL;
	size_t k = 0, from = 0;

	for (size_t i = 0; len > 0 && i <= len; i++)
		if (i == len || line[i] == '\t') {
			v = erealloc(v, (k + 1) * sizeof(*v));
			v[k++] = attmap_label(line + from, i - from);
			from = i + 1;
		}
	*n = k;
	return v;
}

/* test-lib attmap: reads the input units' labels (a line, tab-separated, with the escapes \\ \t
 * \n \xHH; an empty line: none), the output units' labels (the same), then T lines of S weights
 * each (blank-separated, as strtof reads them), and writes attmap_svg's map of them to the
 * standard output. Exits 2 on input it cannot read, 1 on a failed write. */
static int attmap(void)
{
	struct reader r;
	struct writer w;
	char *line, **src = NULL, **tgt = NULL, *end;
	size_t S = 0, T = 0, t = 0;
	float *weights = NULL;
	ssize_t n;
	int ret = 0;

	if (reader_open(&r, NULL) < 0)
		return 2;
	while ((n = reader_line(&r, &line)) >= 0) {
		if (!src) {
			src = attmap_labels(line, (size_t)n, &S);
			src = src ? src : emalloc(1);
		} else if (!tgt) {
			tgt = attmap_labels(line, (size_t)n, &T);
			tgt = tgt ? tgt : emalloc(1);
			weights = ecalloc(S * T + 1, sizeof(float));
		} else if (t < T) {
			end = line;
			for (size_t s = 0; s < S; s++)
				weights[t * S + s] = strtof(end, &end);
			t++;
		}
	}
	reader_close(&r);
	if (!tgt || t < T) {
		fprintf(stderr, "test-lib attmap: want two lines of labels and %zu of weights\n", T);
		return 2;
	}
	writer_init(&w, 1);
	attmap_svg(&w, (const char *const *)src, S, (const char *const *)tgt, T, weights);
	if (writer_flush(&w) < 0)
		ret = 1;
	writer_free(&w);
	for (size_t i = 0; i < S; i++)
		free(src[i]);
	for (size_t i = 0; i < T; i++)
		free(tgt[i]);
	free(src), free(tgt), free(weights);
	return ret;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "w2v-step"))
		return w2v_step();
	if (argc > 1 && !strcmp(argv[1], "w2v-huffman"))
		return w2v_huffman();
	if (argc > 1 && !strcmp(argv[1], "w2v-subword-step"))
		return w2v_subword_step();
	if (argc > 1 && !strcmp(argv[1], "subwords"))
		return subwords(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "glove-grad"))
		return glove_grad();
	if (argc > 1 && !strcmp(argv[1], "attmap"))
		return attmap();
	test_strtab();
	test_rng();
	test_num();
	test_reader();
	test_clean();
	test_norm_fastpath();
	test_matrix();
	test_runs();
	test_few_files();
	test_progress();
	test_lm_float();
	test_lm_builder();
	test_lm_score();
	test_stem_cache();
	return failures ? 1 : 0;
}
