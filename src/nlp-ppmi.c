/* nlp-ppmi: pointwise mutual information of a co-occurrence matrix (PMI, positive PMI, shifted
 * PPMI, context distribution smoothing); a sparse matrix in, a sparse matrix out. Two passes: the
 * row and column sums, then one value per stored count, so memory holds the sums alone. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/err.h"
#include "base/io.h"
#include "mat/matconv.h"
#include "mat/matrix.h"
#include "mat/sink.h"
#include "base/num.h"
#include "cli/opt.h"
#include "cli/out.h"

static const char synopsis[] =
    "nlp-ppmi [-a alpha] [-k shift] [-b base] [--pmi] [-t] [--f32 | --f64] [matrix]";

static const char help[] =
    "Turns co-occurrence counts (a sparse matrix, rows: words, columns: contexts) into\n"
    "positive pointwise mutual information: max(0, log(C(w,c) N / (C(w) C(c))) - log k).\n"
    "\n"
    "  -a, --alpha A          context distribution smoothing: context counts are raised\n"
    "                         to A (0..100) before they are normalised (default 1, none;\n"
    "                         0.75 is the usual choice)\n"
    "  -k, --shift K          shifted PPMI: subtract log K, K >= 1 (default 1, no shift)\n"
    "  -b, --base B           logarithm base: a number > 1, or e (default e)\n"
    "      --pmi              keep negative values (PMI of every stored count)\n"
    "  -t, --text             write 'row<TAB>col<TAB>value' lines, not a binary matrix\n"
    "      --f32              write 32-bit values\n"
    "      --f64              write 64-bit values (default: the input's type)\n"
    "  -h, --help             show this help\n"
    "      --version          show the version\n";

enum { OPT_PMI = OPT_FIRST_PRIVATE, OPT_F32, OPT_F64 };

struct settings {
	double alpha, log_shift, log_base; /* log_shift in the output's base */
	int pmi, text;
	uint32_t type; /* 0: the input's */
};

struct input {
	struct reader r;
	const char *name;
	int fd;
	struct mat_header h;
};

/* Fails with the reader's message for a matrix error. */
static void matrix_error(const struct input *in, int err)
{
	if (err == MAT_EIO)
		eprintf("read %s:", in->name);
	eprintf("%s: %s", in->name, mat_strerror(err));
}

/* Opens the matrix so that it can be read twice. */
static void input_open(struct input *in, const char *path)
{
	const char *failed;

	in->name = strcmp(path, "-") ? path : "<stdin>";
	if ((in->fd = open_rereadable(path, &failed)) < 0)
		eprintf("%s %s:", failed, in->name);
}

/* (Re)starts reading the matrix from its first byte. */
static void input_rewind(struct input *in)
{
	int err = mat_reread(&in->r, in->fd, in->name, &in->h);

	if (err < 0)
		matrix_error(in, err);
}

struct sums {
	double *row, *col; /* afterwards their logarithms, the columns' smoothed and normalised */
};

/* First pass: the row and column sums; counts must not be negative. */
static void read_sums(struct input *in, struct sums *s)
{
	struct mat_cursor cur;
	uint32_t row, col;
	double v;
	int r;

	s->row = ecalloc(in->h.rows ? in->h.rows : 1, sizeof(double));
	s->col = ecalloc(in->h.cols ? in->h.cols : 1, sizeof(double));
	mat_cursor_init(&cur, &in->h);
	while ((r = mat_next_triple(&in->r, &cur, &row, &col, &v)) == 1) {
		if (v < 0)
			eprintf("%s: count %g at (%u, %u) is negative: not a co-occurrence matrix",
			        in->name, v, row, col);
		s->row[row] += v;
		s->col[col] += v;
	}
	if (r < 0)
		matrix_error(in, r);
	reader_close(&in->r);
}

/* PMI(w, c) = log C(w,c) - log C(w) - log(C(c)^alpha / sum of C(c')^alpha): the total of the
 * counts cancels out. The sums are replaced by the terms subtracted. */
static void log_sums(const struct input *in, const struct settings *set, struct sums *s)
{
	double ctotal = 0;

	for (uint64_t j = 0; j < in->h.cols; j++) {
		s->col[j] = s->col[j] > 0 ? pow(s->col[j], set->alpha) : 0;
		ctotal += s->col[j];
	}
	for (uint64_t i = 0; i < in->h.rows; i++)
		s->row[i] = log(s->row[i]);
	for (uint64_t j = 0; j < in->h.cols; j++)
		s->col[j] = log(s->col[j]) - log(ctotal);
}

/* Second pass: one value per stored count, kept when positive (or always, with --pmi). */
static uint64_t write_pmi(struct input *in, const struct settings *set, const struct sums *s)
{
	struct mat_cursor cur;
	uint32_t row, col, type = set->type ? set->type : in->h.type;
	struct mat_sink sink;
	struct error e;
	double v;
	int r;

	if (mat_sink_begin(&sink, &out, set->text, type, in->h.rows, in->h.cols, MAT_NNZ_UNKNOWN,
	                   &e) < 0)
		eprint_error(&e);
	mat_cursor_init(&cur, &in->h);
	while ((r = mat_next_triple(&in->r, &cur, &row, &col, &v)) == 1) {
		double pmi;

		if (v == 0)
			continue; /* log 0: no association to store */
		pmi = (log(v) - s->row[row] - s->col[col]) / set->log_base - set->log_shift;
		if (!set->pmi && !(pmi > 0))
			continue;
		if (type == MAT_F32 && !set->pmi && !((float)pmi > 0))
			continue; /* positive, but below the smallest float */
		mat_sink_put(&sink, row, col, pmi);
	}
	if (r < 0)
		matrix_error(in, r);
	reader_close(&in->r);
	if (mat_sink_end(&sink, &e) < 0)
		weprint_error(&e);
	return sink.nnz;
}

static double parse_base(const char *arg)
{
	double b;

	if (strcmp(arg, "e") == 0)
		return 1;
	if ((b = estrtod(arg, 1, 1e300, "--base")) == 1) {
		weprintf("--base: 1 is not a logarithm base");
		exit(EXIT_USAGE);
	}
	return log(b);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"alpha", required_argument, NULL, 'a'}, {"shift", required_argument, NULL, 'k'},
	    {"base", required_argument, NULL, 'b'},  {"pmi", no_argument, NULL, OPT_PMI},
	    {"text", no_argument, NULL, 't'},        {"f32", no_argument, NULL, OPT_F32},
	    {"f64", no_argument, NULL, OPT_F64},     {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, OPT_VERSION}, {NULL, 0, NULL, 0}};
	struct settings set = {.alpha = 1, .log_base = 1};
	struct input in = {0};
	struct sums sums;
	double shift = 1;
	int c;

	prog_init("nlp-ppmi");
	while ((c = getopt_long(argc, argv, "a:k:b:th", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': set.alpha = estrtod(optarg, 0, 100, "--alpha"); break;
		case 'k': shift = estrtod(optarg, 1, 1e300, "--shift"); break;
		case 'b': set.log_base = parse_base(optarg); break;
		case OPT_PMI: set.pmi = 1; break;
		case 't': set.text = 1; break;
		case OPT_F32: set.type = MAT_F32; break;
		case OPT_F64: set.type = MAT_F64; break;
		case 'h': usage_help(synopsis, help);
		case OPT_VERSION: print_version();
		default: usage_error(synopsis);
		}
	}
	if (argc - optind > 1) {
		weprintf("one matrix at a time");
		usage_error(synopsis);
	}
	if (!set.text && isatty(1))
		eprintf("not writing a binary matrix to a terminal (use --text, or redirect)");
	set.log_shift = log(shift) / set.log_base;
	input_open(&in, optind < argc ? argv[optind] : "-");
	input_rewind(&in);
	if (in.h.kind != MAT_SPARSE)
		eprintf("%s: a dense matrix; nlp-ppmi reads sparse counts (nlp-cooccur writes them)",
		        in.name);
	read_sums(&in, &sums);
	log_sums(&in, &set, &sums);
	out_init();
	input_rewind(&in);
	write_pmi(&in, &set, &sums);
	free(sums.row);
	free(sums.col);
	if (in.fd != 0)
		close(in.fd);
	return out_close() ? EXIT_RUNTIME : 0;
}
