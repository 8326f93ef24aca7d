/* nlp-svd: truncated SVD of a sparse or dense matrix by a randomized range finder; writes word
 * vectors U S^p labelled from a vocabulary (word2vec formats) or as a matrix, and the factors. */
#include <cblas.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mat/csr.h"
#include "mat/dmat.h"
#include "cli/err.h"
#include "base/io.h"
#include "mat/matrix.h"
#include "base/num.h"
#include "cli/opt.h"
#include "cli/out.h"
#include "cli/progress.h"
#include "base/par.h"
#include "mat/rsvd.h"
#include "vec/vectors.h"
#include "count/vocab.h"

static const char synopsis[] =
    "nlp-svd [-d dim] [-I iters] [--oversample N] [--seed N] [--weight P] [--normalize] "
    "[-v vocab [-b] [--precision N]] [--u file] [--s file] [--v file] [-T threads] [--progress] "
    "[matrix]";

static const char help[] =
    "Truncated SVD of a matrix (nlp-matrix(5), sparse or dense) by a randomized range\n"
    "finder with power iterations; writes the rows' vectors U S^p.\n"
    "\n"
    "  -d, --dim K            singular values and vectors kept (default 300; a K above\n"
    "                         the matrix's smaller side is lowered to it, with a warning)\n"
    "  -I, --iters Q          power iterations (default 5)\n"
    "      --oversample N     extra columns of the random sketch (default 10)\n"
    "      --seed N           seed of the random sketch (default 1)\n"
    "      --weight P         vectors are U S^P (default 0.5; 0: U, 1: U S)\n"
    "      --normalize        scale each vector to length 1\n"
    "  -v, --vocab FILE       label row i with line i's token: word2vec text format\n"
    "  -b, --binary           with --vocab: word2vec binary format\n"
    "      --precision N      with --vocab: digits after the point (default 6)\n"
    "      --u FILE           also write U (rows x K) as a dense matrix\n"
    "      --s FILE           also write the singular values (K x 1) as a dense matrix\n"
    "      --v FILE           also write V (cols x K) as a dense matrix\n"
    "  -T, --threads N        threads (default: the processors online)\n"
    "      --progress         progress on stderr even when it is not a terminal\n"
    "  -h, --help             show this help\n"
    "      --version          show the version\n";

enum { OPT_OVERSAMPLE = OPT_FIRST_PRIVATE, OPT_SEED, OPT_PRECISION, OPT_WEIGHT, OPT_NORMALIZE,
       OPT_U, OPT_S, OPT_V };

struct settings {
	struct rsvd_opts svd;
	double weight;
	int normalize, binary;
	unsigned precision;
	const char *vocab, *u_path, *s_path, *v_path;
};

/* ---- input ---- */

struct input {
	const char *name;
	struct mat_header h;
	struct csr sparse;
	struct dmat dense;
	struct linop op;
	uint64_t zero_rows; /* rows with no value but 0 */
	uint64_t nnz;       /* a sparse matrix's non-zero values */
};

/* A sparse matrix is read twice (sizes, then values): a pipe is copied to a file first. */
static void read_input(const char *path, struct input *in)
{
	struct reader r;
	struct error e;
	uint64_t size;
	int fd;

	in->name = strcmp(path, "-") ? path : "<stdin>";
	if ((fd = open_rereadable(path, in->name, &e)) < 0)
		eprint_error(&e);
	size = fd_size(fd);
	if (mat_reread(&r, fd, in->name, &in->h, &e) < 0)
		eprint_error(&e);
	if (in->h.rows == 0 || in->h.cols == 0) /* before anything loops over the rows */
		eprintf("%s: an empty matrix (%llu x %llu)", in->name, (unsigned long long)in->h.rows,
		        (unsigned long long)in->h.cols);
	progress_phase(in->h.kind == MAT_DENSE ? "reading" : "reading (sizes)",
	               size, PHASE_BYTES);
	if (in->h.kind == MAT_DENSE) {
		if (dmat_read(&r, &in->h, &in->dense, &e) < 0)
			eprint_error(&e);
		in->op = dmat_linop(&in->dense);
		in->zero_rows = dmat_zero_rows(&in->dense);
	} else {
		if (csr_count(&r, &in->h, &in->sparse, &e) < 0)
			eprint_error(&e);
		reader_close(&r);
		if (mat_reread(&r, fd, in->name, &in->h, &e) < 0)
			eprint_error(&e);
		progress_phase("reading (values)", size, PHASE_BYTES);
		if (csr_fill(&r, &in->h, &in->sparse, &e) < 0)
			eprint_error(&e);
		in->op = csr_linop(&in->sparse);
		in->zero_rows = csr_zero_rows(&in->sparse);
		in->nnz = in->sparse.nnz;
	}
	reader_close(&r);
	close(fd);
}

/* At most min(rows, cols) singular values exist: a larger --dim (300, the default, on a small
 * matrix) keeps them all, with a warning. The sketch's extra columns need no room of their
 * own: rsvd() caps k + oversample at the same bound. */
static void clamp_dim(const struct input *in, size_t *k)
{
	uint64_t small = in->h.rows < in->h.cols ? in->h.rows : in->h.cols;

	if (*k <= small)
		return;
	weprintf("%s: --dim %zu is above the smaller side of a %llu x %llu matrix: keeping %llu",
	         in->name, *k, (unsigned long long)in->h.rows, (unsigned long long)in->h.cols,
	         (unsigned long long)small);
	*k = (size_t)small;
}

static void free_input(struct input *in)
{
	csr_free(&in->sparse);
	dmat_free(&in->dense);
}

/* ---- output ---- */

/* Writes a rows x cols row-major float matrix to path as a dense nlp matrix. */
static void write_factor(const char *path, const float *v, uint64_t rows, uint64_t cols)
{
	struct writer w;
	struct error e;
	int fd = out_file_open(&w, path);

	if (mat_write_dense(&w, v, rows, cols, &e) < 0) {
		e.name = path;
		eprint_error(&e);
	}
	out_file_close(&w, fd, path);
}

static void write_vectors(const struct settings *set, const struct vocab *vocab,
                          const struct rsvd_result *res, uint64_t rows)
{
	if (!vocab) {
		struct error e;

		if (mat_write_dense(&out, res->u, rows, res->k, &e) < 0)
			eprint_error(&e);
		return;
	}
	vec_write_header(&out, rows, res->k);
	progress_phase("writing", rows, "vectors");
	for (uint64_t i = 0; i < rows; i++) {
		progress_update(i);
		size_t len;
		const char *word = vocab_token(vocab, i, &len);

		vec_write_row(&out, set->binary, set->precision, word, len, res->u + i * res->k, res->k);
	}
}

static void load_labels(struct vocab *v, const char *path, uint64_t rows)
{
	struct error e;

	if (vocab_load(v, path, &e) < 0)
		eprint_error(&e);
	if (vocab_size(v) != rows)
		eprintf("%s: %zu words for a matrix of %llu rows", path, vocab_size(v),
		        (unsigned long long)rows);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"dim", required_argument, NULL, 'd'},
	    {"iters", required_argument, NULL, 'I'},
	    {"oversample", required_argument, NULL, OPT_OVERSAMPLE},
	    {"seed", required_argument, NULL, OPT_SEED},
	    {"weight", required_argument, NULL, OPT_WEIGHT},
	    {"normalize", no_argument, NULL, OPT_NORMALIZE},
	    {"vocab", required_argument, NULL, 'v'},
	    {"binary", no_argument, NULL, 'b'},
	    {"precision", required_argument, NULL, OPT_PRECISION},
	    {"u", required_argument, NULL, OPT_U},
	    {"s", required_argument, NULL, OPT_S},
	    {"v", required_argument, NULL, OPT_V},
	    {"threads", required_argument, NULL, 'T'},
	    {"progress", no_argument, NULL, OPT_PROGRESS},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, OPT_VERSION},
	    {NULL, 0, NULL, 0}};
	struct settings set = {.svd = {300, 10, 5, 1, 0, 0}, .weight = 0.5,
	                       .precision = VEC_PRECISION};
	struct input in = {0};
	struct vocab vocab = {0};
	struct rsvd_result res;
	struct error e;
	int c, precision = 0, progress = 0;
	char a[32], b[32], d[32];
	size_t k;

	prog_init("nlp-svd");
	set.svd.threads = par_cpus();
	while ((c = getopt_long(argc, argv, "d:I:v:bT:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': set.svd.k = (size_t)estrtonum(optarg, 1, 100000, "--dim"); break;
		case 'I': set.svd.iters = (unsigned)estrtonum(optarg, 0, 1000, "--iters"); break;
		case OPT_OVERSAMPLE: set.svd.oversample = (size_t)estrtonum(optarg, 0, 100000,
		                                                            "--oversample");
		                     break;
		case OPT_SEED: set.svd.seed = (uint64_t)estrtonum(optarg, 0, LLONG_MAX, "--seed"); break;
		case OPT_WEIGHT: set.weight = estrtod(optarg, -10, 10, "--weight"); break;
		case OPT_NORMALIZE: set.normalize = 1; break;
		case 'v': set.vocab = optarg; break;
		case 'b': set.binary = 1; break;
		case OPT_PRECISION: set.precision = (unsigned)estrtonum(optarg, 0, 9, "--precision");
		                    precision = 1; break;
		case OPT_U: set.u_path = optarg; break;
		case OPT_S: set.s_path = optarg; break;
		case OPT_V: set.v_path = optarg; set.svd.want_v = 1; break;
		case 'T': set.svd.threads = (int)estrtonum(optarg, 1, 256, "--threads"); break;
		case OPT_PROGRESS: progress = 1; break;
		case 'h': usage_help(synopsis, help);
		case OPT_VERSION: print_version();
		default: usage_error(synopsis);
		}
	}
	if ((set.binary || precision) && !set.vocab) {
		weprintf("--binary and --precision go with --vocab");
		usage_error(synopsis);
	}
	if (argc - optind > 1) {
		weprintf("one matrix at a time");
		usage_error(synopsis);
	}
	if ((!set.vocab || set.binary) && isatty(1))
		eprintf("not writing binary vectors to a terminal (redirect them)");
	openblas_set_num_threads(1); /* ours split the work, so that -T does not change it */
	progress_init(progress);
	read_input(optind < argc ? argv[optind] : "-", &in);
	if (set.vocab)
		load_labels(&vocab, set.vocab, in.h.rows);
	clamp_dim(&in, &set.svd.k);
	if (in.zero_rows)
		weprintf("%s: %llu of %llu rows are all zero: their vectors are zero", in.name,
		         (unsigned long long)in.zero_rows, (unsigned long long)in.h.rows);
	if (rsvd(&in.op, &set.svd, &res, &e) < 0) {
		e.name = in.name;
		eprint_error(&e);
	}
	free_input(&in);
	if (set.u_path)
		write_factor(set.u_path, res.u, in.h.rows, res.k);
	if (set.s_path)
		write_factor(set.s_path, res.s, res.k, 1);
	if (set.v_path)
		write_factor(set.v_path, res.v, in.h.cols, res.k);
	rsvd_weight(&res, in.h.rows, set.weight, set.normalize);
	out_init();
	write_vectors(&set, set.vocab ? &vocab : NULL, &res, in.h.rows);
	k = res.k;
	rsvd_free(&res);
	vocab_free(&vocab);
	if (out_close()) {
		progress_abort();
		return EXIT_RUNTIME;
	}
	progress_done("a %s %s x %s matrix%s%s%s, %zu dimensions",
	              in.h.kind == MAT_DENSE ? "dense" : "sparse",
	              progress_count(a, sizeof(a), in.h.rows), progress_count(b, sizeof(b), in.h.cols),
	              in.h.kind == MAT_DENSE ? "" : " with ",
	              in.h.kind == MAT_DENSE ? "" : progress_count(d, sizeof(d), in.nnz),
	              in.h.kind == MAT_DENSE ? "" : " non-zeros", k);
	return 0;
}
