/* nlp-mat: inspects and converts matrices of the nlp binary format (nlp-matrix(5)): a summary,
 * text, Matrix Market and NumPy .npy both ways, transpose, conversion between dense and sparse
 * or float32 and float64, the sum of sparse shards, and the count of a stream's triples written
 * into its header in place. Reads a file or stdin; writes stdout.
 * The work is in lib/mat: matconv (print, convert, transpose, sum), stats, mtx, npy. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/fds.h"
#include "base/io.h"
#include "cli/err.h"
#include "cli/opt.h"
#include "cli/out.h"
#include "cli/progress.h"
#include "mat/matconv.h"
#include "mat/matrix.h"
#include "mat/mtx.h"
#include "mat/npy.h"
#include "mat/stats.h"

static const char synopsis[] =
    "nlp-mat [-M size] [--dense | --sparse] [--precision digits] [--f32 | --f64] "
    "[--duplicates policy] [--force] [--progress] command [file] | --sum file ... | "
    "fix-nnz file";

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
    "  from-npy [file]      NumPy .npy ('<f4' or '<f8', C or Fortran order, 2-D) to\n"
    "                       our format\n"
    "  transpose [file]     the transpose\n"
    "  convert [file]       the matrix again, with --f32/--f64, --dense or --sparse\n"
    "  sum file ...         the element-wise sum of sparse matrices of one shape\n"
    "  fix-nnz file         write the number of triples into the header of a file\n"
    "                       whose count is unknown (written to a pipe), in place\n"
    "\n"
    "Options:\n"
    "      --sum            the command sum: every operand is a file\n"
    "      --dense          print, convert: write a sparse matrix dense\n"
    "      --sparse         print, convert: write a dense matrix as triples of its nonzeros\n"
    "      --precision N    print, to-mtx: N significant digits, 1 to 17 (default: the\n"
    "                       fewest that read back to the same value)\n"
    "      --f32, --f64     the element type of the output (default: the input's)\n"
    "      --duplicates P   from-mtx: a repeated entry is an error (fail, the default) or\n"
    "                       added to the others (sum)\n"
    "  -M, --memory SIZE    transpose, from-mtx, from-npy (Fortran order): memory for\n"
    "                       sorting triples, beyond which sorted runs go to $TMPDIR\n"
    "                       (suffix K, M, G or T; at least 1M; default 512M)\n"
    "      --force          write binary output even to a terminal\n"
    "      --progress       progress on stderr even when it is not a terminal\n"
    "  -h, --help           show this help\n"
    "      --version        show the version\n";

enum { OPT_F32 = OPT_FIRST_PRIVATE, OPT_F64, OPT_SUM, OPT_DUPS, OPT_DENSE, OPT_SPARSE,
       OPT_PRECISION, OPT_FORCE };

/* which options a command takes: bit i is opt_names[i] */
enum { O_DENSE = 1, O_SPARSE = 2, O_PREC = 4, O_TYPE = 8, O_DUPS = 16, O_MEM = 32, O_FORCE = 64 };

static const char *const opt_names[] = {"--dense",      "--sparse", "--precision", "--f32/--f64",
                                        "--duplicates", "--memory", "--force"};

static struct matconv_opts opts = {.memory = (size_t)512 << 20};
static uint32_t as_kind;      /* --dense, --sparse */
static enum sorter_dups dups; /* --duplicates */

/* Reports e and exits; what was written before the error is flushed first, so the output is the
 * same however it was buffered. */
static void die(const struct error *e)
{
	struct error hinted = *e;
	size_t n = strlen(e->msg);

	if (e->code == MAT_EDUP)
		snprintf(hinted.msg + n, sizeof(hinted.msg) - n, "%s",
		         " (--duplicates=sum adds repeated entries up)");
	if (out.buf)
		writer_flush(&out);
	eprint_error(&hinted);
}

static void open_input(struct reader *r, const char *path)
{
	if (reader_open(r, path) < 0)
		eprintf("open %s:", path);
}

/* Opens path and reads our header from it. */
static void open_matrix(struct reader *r, struct mat_header *h, const char *path)
{
	struct error e;

	open_input(r, path);
	if (mat_read_header(r, h, &e) < 0)
		eprint_error(&e);
}

static void cmd_info(struct reader *r, const struct mat_header *h)
{
	struct stats s;
	struct error e;

	if (stats_read(r, h, &s, &e) < 0)
		die(&e);
	stats_write(&out, h, &s);
}

/* The commands that read one matrix of our format. */
static void run_one(const char *cmd, const char *path)
{
	struct reader r;
	struct mat_header h;
	struct error e;
	int k = 0;

	open_matrix(&r, &h, path);
	if (strcmp(cmd, "info") == 0)
		cmd_info(&r, &h);
	else if (strcmp(cmd, "print") == 0)
		k = matconv_print(&r, &h, as_kind, &opts, &out, &e);
	else if (strcmp(cmd, "to-mtx") == 0)
		k = mtx_write(&r, &h, opts.type, opts.precision, &out, &e);
	else if (strcmp(cmd, "to-npy") == 0)
		k = npy_write(&r, &h, opts.type, &out, &e);
	else if (strcmp(cmd, "transpose") == 0)
		k = matconv_transpose(&r, &h, &opts, &out, &e);
	else
		k = matconv_convert(&r, &h, as_kind, &opts, &out, &e);
	if (k < 0)
		die(&e);
	reader_close(&r);
}

static void run_from(const char *cmd, const char *path)
{
	struct reader r;
	struct error e;

	open_input(&r, path);
	if ((strcmp(cmd, "from-mtx") == 0 ? mtx_read(&r, opts.type, dups, opts.memory, &out, &e)
	                                   : npy_read(&r, opts.type, opts.memory, &out, &e)) < 0)
		die(&e);
	reader_close(&r);
}

static void run_fix(const char *path)
{
	struct error e;

	if (matconv_fix_nnz(path, &e) < 0)
		die(&e);
}

static void run_sum(char **files, int n)
{
	struct merge_source *src = ecalloc((size_t)n, sizeof(*src));
	struct merge_source **p = ecalloc((size_t)n, sizeof(*p));
	struct error e;

	(void)fds_raise_limit((size_t)n); /* every shard is open at once; too many fail to open */
	for (int i = 0; i < n; i++) {
		if (merge_source_open(&src[i], files[i], &e) < 0)
			die(&e);
		p[i] = &src[i];
	}
	if (matconv_sum(p, (size_t)n, &opts, &out, &e) < 0)
		die(&e);
	for (int i = 0; i < n; i++)
		merge_source_close(&src[i]);
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
    {"from-npy", O_TYPE | O_MEM | O_FORCE, 1},
    {"transpose", O_TYPE | O_MEM | O_FORCE, 1},
    {"convert", O_DENSE | O_SPARSE | O_TYPE | O_FORCE, 1},
    {"sum", O_TYPE | O_FORCE, 1},
    {"fix-nnz", 0, 0},
};

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	weprintf("'%s' is not a command", name);
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
	if (strcmp(cmd->name, "fix-nnz") == 0 && (nfiles == 0 || strcmp(files[0], "-") == 0)) {
		weprintf("fix-nnz rewrites a file in place: name the file, not the standard input");
		usage_error(synopsis);
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
	    {"dense", no_argument, NULL, OPT_DENSE},   {"sparse", no_argument, NULL, OPT_SPARSE},
	    {"precision", required_argument, NULL, OPT_PRECISION},
	    {"f32", no_argument, NULL, OPT_F32},       {"f64", no_argument, NULL, OPT_F64},
	    {"sum", no_argument, NULL, OPT_SUM},       {"duplicates", required_argument, NULL, OPT_DUPS},
	    {"memory", required_argument, NULL, 'M'},  {"force", no_argument, NULL, OPT_FORCE},
	    {"progress", no_argument, NULL, OPT_PROGRESS},
	    {"help", no_argument, NULL, 'h'},          {"version", no_argument, NULL, OPT_VERSION},
	    {NULL, 0, NULL, 0}};
	static const char *const dup_words[] = {"fail", "sum", NULL}; /* enum sorter_dups */
	const struct command *cmd;
	unsigned given = 0;
	uint64_t written;
	int c, sum = 0, force = 0, progress = 0, nfiles;
	char **files, a[32];

	prog_init("nlp-mat");
	while ((c = getopt_long(argc, argv, "M:h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_DENSE: as_kind = MAT_DENSE; given |= O_DENSE; break;
		case OPT_SPARSE: as_kind = MAT_SPARSE; given |= O_SPARSE; break;
		case OPT_PRECISION:
			opts.precision = (int)estrtonum(optarg, 1, 17, "--precision");
			given |= O_PREC;
			break;
		case OPT_F32: opts.type = MAT_F32; given |= O_TYPE; break;
		case OPT_F64: opts.type = MAT_F64; given |= O_TYPE; break;
		case OPT_SUM: sum = 1; break;
		case OPT_DUPS:
			dups = (enum sorter_dups)opt_choice("--duplicates", optarg, dup_words);
			given |= O_DUPS;
			break;
		case 'M': opts.memory = opt_memory(optarg); given |= O_MEM; break;
		case OPT_FORCE: force = 1; given |= O_FORCE; break;
		case OPT_PROGRESS: progress = 1; break;
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
	out_init();
	progress_init(progress);
	progress_phase("reading", files_size(files, nfiles), PHASE_BYTES);
	if (strcmp(cmd->name, "sum") == 0)
		run_sum(files, nfiles);
	else if (strcmp(cmd->name, "fix-nnz") == 0)
		run_fix(files[0]);
	else if (strncmp(cmd->name, "from-", 5) == 0)
		run_from(cmd->name, nfiles ? files[0] : NULL);
	else
		run_one(cmd->name, nfiles ? files[0] : NULL);
	written = out.nwritten + out.len;
	if (out_close()) {
		progress_abort();
		return EXIT_RUNTIME;
	}
	progress_done("%s, %s written", cmd->name, progress_bytes(a, sizeof(a), written));
	return 0;
}
