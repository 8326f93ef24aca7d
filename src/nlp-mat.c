/* nlp-mat: inspects and converts matrices of the nlp binary format (nlp-matrix(5)): a summary,
 * text, Matrix Market and NumPy .npy both ways, transpose, conversion between dense and sparse
 * or float32 and float64, and the sum of sparse shards. Reads a file or stdin; writes stdout.
 * The work is in lib/matconv.c. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cli/err.h"
#include "base/io.h"
#include "mat/matconv.h"
#include "mat/matrix.h"
#include "base/num.h"
#include "cli/opt.h"
#include "cli/out.h"

static const char synopsis[] =
    "nlp-mat [-dfs] [-p digits] [-m size] [--f32 | --f64] [--duplicates policy] command [file] "
    "| --sum file ...";

static const char help[] =
    "Inspects and converts matrices of the nlp format (nlp-matrix(5)).\n"
    "A command reads FILE, or the standard input when there is none or it is '-'.\n"
    "\n"
    "Commands:\n"
    "  info [file]          kind, type, shape, nnz and a summary of the values\n"
    "  print [file]         text: row<TAB>col<TAB>value (from 0) or rows of values\n"
    "  to-mtx [file]        Matrix Market (coordinate or array, real general)\n"
    "  from-mtx [file]      Matrix Market (real, integer or pattern) to our format\n"
    "  to-npy [file]        NumPy .npy, a dense 2-D '<f4' or '<f8' array\n"
    "  from-npy [file]      NumPy .npy ('<f4' or '<f8', C order, 2-D) to our format\n"
    "  transpose [file]     the transpose\n"
    "  convert [file]       the matrix again, with --f32/--f64, --dense or --sparse\n"
    "  sum file ...         the element-wise sum of sparse matrices of one shape\n"
    "\n"
    "Options:\n"
    "      --sum            the command sum: every operand is a file\n"
    "  -d, --dense          print, convert: write a sparse matrix dense\n"
    "  -s, --sparse         print, convert: write a dense matrix as triples of its nonzeros\n"
    "  -p, --precision N    print, to-mtx: N significant digits, 1 to 17 (default: the\n"
    "                       fewest that read back to the same value)\n"
    "      --f32, --f64     the element type of the output (default: the input's)\n"
    "      --duplicates P   from-mtx: a repeated entry is an error (fail, the default) or\n"
    "                       added to the others (sum)\n"
    "  -m, --memory SIZE    transpose, from-mtx: memory for sorting triples, beyond which\n"
    "                       sorted runs go to $TMPDIR (suffix K, M, G or T; default 512M)\n"
    "  -f, --force          write binary output even to a terminal\n"
    "  -h, --help           show this help\n"
    "      --version        show the version\n";

enum { OPT_F32 = OPT_FIRST_PRIVATE, OPT_F64, OPT_SUM, OPT_DUPS };

/* which options a command takes: bit i is opt_names[i] */
enum { O_DENSE = 1, O_SPARSE = 2, O_PREC = 4, O_TYPE = 8, O_DUPS = 16, O_MEM = 32, O_FORCE = 64 };

static const char *const opt_names[] = {"--dense",      "--sparse", "--precision", "--f32/--f64",
                                        "--duplicates", "--memory", "--force"};

static struct mc_opts opts = {.memory = (size_t)512 << 20};
static uint32_t as_kind; /* --dense, --sparse */

/* Reports e and exits; what was written before the error is flushed first, so the output is the
 * same however it was buffered. */
static void die(const struct mc_err *e)
{
	const char *hint = strncmp(e->msg, "repeated entry", 14) == 0
	                       ? " (--duplicates=sum adds repeated entries up)"
	                       : "";

	if (out.buf)
		writer_flush(&out);
	if (e->name)
		eprintf("%s: %s%s", e->name, e->msg, hint);
	eprintf("%s", e->msg);
}

static void open_input(struct reader *r, const char *path)
{
	if (reader_open(r, path) < 0)
		eprintf("open %s:", path);
}

/* Opens path and reads our header from it. */
static void open_matrix(struct reader *r, struct mat_header *h, const char *path)
{
	int k;

	open_input(r, path);
	if ((k = mat_read_header(r, h)) == MAT_EIO)
		eprintf("read %s:", r->name);
	if (k < 0)
		eprintf("%s: %s", r->name, mat_strerror(k));
}

static const char *kind_name(uint32_t kind)
{
	return kind == MAT_DENSE ? "dense" : "sparse";
}

static void put_field(const char *key, const char *value)
{
	writer_write(&out, key, strlen(key));
	writer_putc(&out, '\t');
	writer_write(&out, value, strlen(value));
	writer_putc(&out, '\n');
}

static void put_count(const char *key, unsigned long long v)
{
	char b[24];

	snprintf(b, sizeof(b), "%llu", v);
	put_field(key, b);
}

static void put_value(const char *key, uint32_t type, double v, int defined)
{
	char b[MAT_VALUE_BUFSIZE];

	if (!defined)
		strcpy(b, "-");
	else
		mat_format_value(b, type, v, 0);
	put_field(key, b);
}

static void cmd_info(struct reader *r, const struct mat_header *h)
{
	struct mat_stats s;
	struct mc_err e;
	uint64_t cells = h->rows * h->cols;
	char b[32];

	if (mat_stats(r, h, &s, &e) < 0)
		die(&e);
	put_field("kind", kind_name(h->kind));
	put_field("type", h->type == MAT_F32 ? "float32" : "float64");
	put_count("rows", h->rows);
	put_count("cols", h->cols);
	put_count("nnz", s.entries);
	if (h->nnz == MAT_NNZ_UNKNOWN)
		put_field("header-nnz", "unknown");
	else
		put_count("header-nnz", h->kind == MAT_DENSE ? cells : h->nnz);
	put_count("nonzeros", s.nonzeros);
	put_count("nonempty-rows", s.nonempty_rows);
	put_count("nonempty-cols", s.nonempty_cols);
	put_value("sum", MAT_F64, s.sum, 1);
	put_value("min", h->type, s.min, s.entries > 0);
	put_value("max", h->type, s.max, s.entries > 0);
	if (cells == 0)
		strcpy(b, "-");
	else
		snprintf(b, sizeof(b), "%.6g", (double)s.nonzeros / (double)cells);
	put_field("density", b);
}

/* The commands that read one matrix of our format. */
static void run_one(const char *cmd, const char *path)
{
	struct reader r;
	struct mat_header h;
	struct mc_err e;
	int k = 0;

	open_matrix(&r, &h, path);
	if (strcmp(cmd, "info") == 0)
		cmd_info(&r, &h);
	else if (strcmp(cmd, "print") == 0)
		k = mat_print(&r, &h, as_kind, &opts, &out, &e);
	else if (strcmp(cmd, "to-mtx") == 0)
		k = mat_to_mtx(&r, &h, &opts, &out, &e);
	else if (strcmp(cmd, "to-npy") == 0)
		k = mat_to_npy(&r, &h, &opts, &out, &e);
	else if (strcmp(cmd, "transpose") == 0)
		k = mat_transpose(&r, &h, &opts, &out, &e);
	else
		k = mat_convert(&r, &h, as_kind, &opts, &out, &e);
	if (k < 0)
		die(&e);
	reader_close(&r);
}

static void run_from(const char *cmd, const char *path)
{
	struct reader r;
	struct mc_err e;

	open_input(&r, path);
	if ((strcmp(cmd, "from-mtx") == 0 ? mtx_to_mat(&r, &opts, &out, &e)
	                                   : npy_to_mat(&r, &opts, &out, &e)) < 0)
		die(&e);
	reader_close(&r);
}

/* Every shard is open at once: lift the soft limit on open files to the hard one. */
static void raise_fd_limit(size_t n)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < n + 16 &&
	    rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static void run_sum(char **files, int n)
{
	struct mc_source *src = ecalloc((size_t)n, sizeof(*src));
	struct mc_source **p = ecalloc((size_t)n, sizeof(*p));
	struct mc_err e;

	raise_fd_limit((size_t)n);
	for (int i = 0; i < n; i++) {
		if (mc_source_open(&src[i], files[i], &e) < 0)
			die(&e);
		p[i] = &src[i];
	}
	if (mat_sum(p, (size_t)n, &opts, &out, &e) < 0)
		die(&e);
	for (int i = 0; i < n; i++)
		mc_source_close(&src[i]);
	free(src);
	free(p);
}

struct command {
	const char *name;
	unsigned opts;
	int binary; /* writes binary data */
};

static const struct command commands[] = {
    {"info", 0, 0},
    {"print", O_DENSE | O_SPARSE | O_PREC | O_TYPE, 0},
    {"to-mtx", O_PREC | O_TYPE, 0},
    {"from-mtx", O_TYPE | O_DUPS | O_MEM | O_FORCE, 1},
    {"to-npy", O_TYPE | O_FORCE, 1},
    {"from-npy", O_TYPE | O_FORCE, 1},
    {"transpose", O_TYPE | O_MEM | O_FORCE, 1},
    {"convert", O_DENSE | O_SPARSE | O_TYPE | O_FORCE, 1},
    {"sum", O_TYPE | O_FORCE, 1},
};

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	weprintf("'%s' is not a command", name);
	usage_error(synopsis);
}

/* SIZE: a number of bytes with an optional K, M, G or T (powers of 1024). */
static size_t parse_size(const char *s)
{
	static const char units[] = "KMGT";
	const char *u;
	long long v;
	char *num = estrdup(s);
	size_t n = strlen(num), shift = 0;

	if (n > 0 && (u = strchr(units, num[n - 1] & ~0x20)) && *u) {
		shift = 10 * (size_t)(u - units + 1);
		num[n - 1] = '\0';
	}
	v = estrtonum(num, 1, (long long)(SIZE_MAX >> 1 >> shift), "--memory");
	free(num);
	return (size_t)v << shift;
}

static enum mc_dups parse_dups(const char *s)
{
	if (strcmp(s, "fail") == 0)
		return MC_DUPS_FAIL;
	if (strcmp(s, "sum") == 0)
		return MC_DUPS_SUM;
	weprintf("--duplicates: '%s' is not fail or sum", s);
	usage_error(synopsis);
}

/* Usage errors that getopt does not see: options the command does not take, operands. */
static void check_args(const struct command *cmd, unsigned given, char **files, int nfiles)
{
	int stdin_uses = 0;

	if ((given & (O_DENSE | O_SPARSE)) == (O_DENSE | O_SPARSE)) {
		weprintf("--dense and --sparse exclude each other");
		usage_error(synopsis);
	}
	for (size_t i = 0; i < sizeof(opt_names) / sizeof(opt_names[0]); i++) {
		if (given & ~cmd->opts & (1u << i)) {
			weprintf("%s does not apply to %s", opt_names[i], cmd->name);
			usage_error(synopsis);
		}
	}
	if (strcmp(cmd->name, "sum") != 0) {
		if (nfiles > 1) {
			weprintf("%s reads one file, not %d", cmd->name, nfiles);
			usage_error(synopsis);
		}
		return;
	}
	for (int i = 0; i < nfiles; i++)
		stdin_uses += strcmp(files[i], "-") == 0;
	if (nfiles == 0 || stdin_uses > 1) {
		weprintf(nfiles ? "the standard input can be read only once"
		                : "sum needs at least one file");
		usage_error(synopsis);
	}
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"dense", no_argument, NULL, 'd'},         {"sparse", no_argument, NULL, 's'},
	    {"precision", required_argument, NULL, 'p'}, {"f32", no_argument, NULL, OPT_F32},
	    {"f64", no_argument, NULL, OPT_F64},       {"sum", no_argument, NULL, OPT_SUM},
	    {"duplicates", required_argument, NULL, OPT_DUPS},
	    {"memory", required_argument, NULL, 'm'},  {"force", no_argument, NULL, 'f'},
	    {"help", no_argument, NULL, 'h'},          {"version", no_argument, NULL, OPT_VERSION},
	    {NULL, 0, NULL, 0}};
	const struct command *cmd;
	unsigned given = 0;
	int c, sum = 0, force = 0, nfiles;
	char **files;

	prog_init("nlp-mat");
	while ((c = getopt_long(argc, argv, "dsp:m:fh", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': as_kind = MAT_DENSE; given |= O_DENSE; break;
		case 's': as_kind = MAT_SPARSE; given |= O_SPARSE; break;
		case 'p':
			opts.precision = (int)estrtonum(optarg, 1, 17, "--precision");
			given |= O_PREC;
			break;
		case OPT_F32: opts.type = MAT_F32; given |= O_TYPE; break;
		case OPT_F64: opts.type = MAT_F64; given |= O_TYPE; break;
		case OPT_SUM: sum = 1; break;
		case OPT_DUPS: opts.dups = parse_dups(optarg); given |= O_DUPS; break;
		case 'm': opts.memory = parse_size(optarg); given |= O_MEM; break;
		case 'f': force = 1; given |= O_FORCE; break;
		case 'h': usage_help(synopsis, help);
		case OPT_VERSION: print_version();
		default: usage_error(synopsis);
		}
	}
	if (!sum && optind == argc) {
		weprintf("no command given");
		usage_error(synopsis);
	}
	cmd = find_command(sum ? "sum" : argv[optind++]);
	files = argv + optind;
	nfiles = argc - optind;
	check_args(cmd, given, files, nfiles);
	if (cmd->binary && !force && isatty(STDOUT_FILENO))
		eprintf("binary output not written to a terminal; redirect it, or use --force");
	opts.tmpdir = getenv("TMPDIR");
	out_init();
	if (strcmp(cmd->name, "sum") == 0)
		run_sum(files, nfiles);
	else if (strncmp(cmd->name, "from-", 5) == 0)
		run_from(cmd->name, nfiles ? files[0] : NULL);
	else
		run_one(cmd->name, nfiles ? files[0] : NULL);
	return out_close();
}
