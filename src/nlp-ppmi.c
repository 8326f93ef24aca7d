/* nlp-ppmi: pointwise mutual information of a co-occurrence matrix (PMI, positive PMI, shifted
 * PPMI, context distribution smoothing); a sparse matrix in, a sparse matrix out. Two passes: the
 * row and column sums, then one value per stored count (lib/mat/ppmi). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/io.h"
#include "cli/err.h"
#include "cli/opt.h"
#include "cli/out.h"
#include "cli/progress.h"
#include "mat/matrix.h"
#include "mat/ppmi.h"
#include "mat/sink.h"

static const char synopsis[] =
    "nlp-ppmi [-a alpha] [--shift K] [-B base] [--pmi] [-t] [--f32 | --f64] [--progress] "
    "[matrix]";

static const char help[] =
    "Turns co-occurrence counts (a sparse matrix, rows: words, columns: contexts) into\n"
    "positive pointwise mutual information: max(0, log(C(w,c) N / (C(w) C(c))) - log k).\n"
    "\n"
    "  -a, --alpha A          context distribution smoothing: context counts are raised\n"
    "                         to A (0..100) before they are normalised (default 1, none;\n"
    "                         0.75 is the usual choice)\n"
    "      --shift K          shifted PPMI: subtract log K, K >= 1 (default 1, no shift)\n"
    "  -B, --base B           logarithm base: a number > 1, or e (default e)\n"
    "      --pmi              keep negative values (PMI of every stored count)\n"
    "  -t, --text             write 'row<TAB>col<TAB>value' lines, not a binary matrix\n"
    "      --f32              write 32-bit values\n"
    "      --f64              write 64-bit values (default: the input's type)\n"
    "      --progress         progress on stderr even when it is not a terminal\n"
    "  -h, --help             show this help\n"
    "      --version          show the version\n";

enum { OPT_PMI = OPT_FIRST_PRIVATE, OPT_F32, OPT_F64, OPT_SHIFT };

struct input {
	struct reader r;
	const char *name;
	int fd;
	struct mat_header h;
};

/* Opens the matrix so that it can be read twice. */
static void input_open(struct input *in, const char *path)
{
	struct error e;

	in->name = strcmp(path, "-") ? path : "<stdin>";
	if ((in->fd = open_rereadable(path, in->name, &e)) < 0)
		eprint_error(&e);
}

/* (Re)starts reading the matrix from its first byte. */
static void input_rewind(struct input *in)
{
	struct error e;

	if (mat_reread(&in->r, in->fd, in->name, &in->h, &e) < 0)
		eprint_error(&e);
}

/* Second pass: one value per stored count, kept when positive (or always, with --pmi). Returns
 * the values written. */
static uint64_t write_pmi(struct input *in, const struct ppmi *p, int text)
{
	struct mat_sink sink;
	struct mat_header h;
	struct error e;

	if (ppmi_header(p, &in->h, &h, &e) < 0 || mat_sink_begin(&sink, &out, text, &h, &e) < 0 ||
	    ppmi_write(p, &in->r, &in->h, &sink, &e) < 0)
		eprint_error(&e);
	reader_close(&in->r);
	if (mat_sink_end(&sink, &e) < 0)
		weprint_error(&e);
	return sink.nnz;
}

/* The base of --base, 0 for e. */
static double parse_base(const char *arg)
{
	double b;

	if (strcmp(arg, "e") == 0)
		return 0;
	if ((b = estrtod(arg, 1, 1e300, "--base")) == 1) {
		weprintf("--base: 1 is not a logarithm base");
		exit(EXIT_USAGE);
	}
	return b;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"alpha", required_argument, NULL, 'a'}, {"shift", required_argument, NULL, OPT_SHIFT},
	    {"base", required_argument, NULL, 'B'},  {"pmi", no_argument, NULL, OPT_PMI},
	    {"text", no_argument, NULL, 't'},        {"f32", no_argument, NULL, OPT_F32},
	    {"f64", no_argument, NULL, OPT_F64},     {"progress", no_argument, NULL, OPT_PROGRESS},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, OPT_VERSION}, {NULL, 0, NULL, 0}};
	struct ppmi p = {.alpha = 1, .shift = 1};
	struct input in = {0};
	struct error e;
	int c, text = 0, progress = 0;
	uint64_t nnz;
	char a[32], b[32], d[32];

	prog_init("nlp-ppmi");
	while ((c = getopt_long(argc, argv, "a:B:th", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': p.alpha = estrtod(optarg, 0, 100, "--alpha"); break;
		case OPT_SHIFT: p.shift = estrtod(optarg, 1, 1e300, "--shift"); break;
		case 'B': p.base = parse_base(optarg); break;
		case OPT_PMI: p.pmi = 1; break;
		case 't': text = 1; break;
		case OPT_F32: p.type = MAT_F32; break;
		case OPT_F64: p.type = MAT_F64; break;
		case OPT_PROGRESS: progress = 1; break;
		case 'h': usage_help(synopsis, help);
		case OPT_VERSION: print_version();
		default: usage_error(synopsis);
		}
	}
	if (argc - optind > 1) {
		weprintf("one matrix at a time");
		usage_error(synopsis);
	}
	if (!text && isatty(1))
		eprintf("not writing a binary matrix to a terminal (use --text, or redirect)");
	p.log_base = p.base ? log(p.base) : 1;
	p.log_shift = log(p.shift) / p.log_base;
	progress_init(progress);
	input_open(&in, optind < argc ? argv[optind] : "-");
	input_rewind(&in);
	progress_phase("summing", fd_size(in.fd), PHASE_BYTES);
	if (in.h.kind != MAT_SPARSE)
		eprintf("%s: a dense matrix; nlp-ppmi reads sparse counts (nlp-cooccur writes them)",
		        in.name);
	if (!p.type)
		p.type = in.h.type;
	if (ppmi_sums(&p, &in.r, &in.h, &e) < 0)
		eprint_error(&e);
	reader_close(&in.r);
	out_init();
	input_rewind(&in);
	progress_phase("writing", fd_size(in.fd), PHASE_BYTES);
	nnz = write_pmi(&in, &p, text);
	ppmi_free(&p);
	if (in.fd != 0)
		close(in.fd);
	if (out_close()) {
		progress_abort();
		return EXIT_RUNTIME;
	}
	progress_done("a %s x %s matrix, %s non-zeros written", progress_count(a, sizeof(a), in.h.rows),
	              progress_count(b, sizeof(b), in.h.cols), progress_count(d, sizeof(d), nnz));
	return 0;
}
