/* nlp-cooccur: word-context co-occurrence counts in a window, as a sparse matrix whose rows and
 * columns are vocabulary ids; merges the matrices of shards exactly. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "count/cooccur.h"
#include "cli/err.h"
#include "cli/filter.h"
#include "cli/out.h"
#include "cli/progress.h"
#include "mat/matrix.h"
#include "mat/sink.h"
#include "cli/opt.h"
#include "count/vocab.h"

static const char synopsis[] =
    "nlp-cooccur -v vocab [-t] [-w N] [--left | --right] [--weight flat|harmonic] "
    "[--cross-lines] [--drop-oov before|after] [--f32] [-M size] [--invalid policy] "
    "[--progress] [file ...]\n"
    "       nlp-cooccur -m [-t] [-w N] [--weight flat|harmonic] [--f32] matrix ...";

static const char help[] =
    "Counts how often each vocabulary word occurs near each other, as a sparse matrix\n"
    "(rows: words, columns: their contexts, both vocabulary ids).\n"
    "\n"
    "  -v, --vocab FILE       the vocabulary (token<TAB>count; the line number is the id)\n"
    "  -w, --window N         contexts up to N tokens away (default 5)\n"
    "      --left             only contexts before the word\n"
    "      --right            only contexts after the word\n"
    "      --weight WEIGHT    harmonic: a context d tokens away counts 1/d (default);\n"
    "                         flat: every context counts 1\n"
    "      --cross-lines      windows run on across line ends\n"
    "      --drop-oov WHEN    words not in the vocabulary are dropped before windowing\n"
    "                         (default) or after it, where they still take up positions\n"
    "  -t, --text             write 'row<TAB>col<TAB>value' lines, not a binary matrix\n"
    "      --f32              write 32-bit values (default 64-bit)\n"
    "  -m, --merge            inputs are matrices of shards, counted alike: sum them\n"
    "                         (their headers record the settings; -w and --weight, when\n"
    "                         given, must agree with them)\n"
    "  -M, --memory SIZE      memory budget before spilling to $TMPDIR (K, M, G; default a\n"
    "                         quarter of RAM)\n"
    "      --invalid POLICY   malformed UTF-8: replace (default), skip or fail\n"
    "      --progress         progress on stderr even when it is not a terminal\n"
    "  -h, --help             show this help\n"
    "      --version          show the version\n";

enum {
	OPT_LEFT = OPT_FIRST_PRIVATE,
	OPT_RIGHT,
	OPT_WEIGHT,
	OPT_CROSS,
	OPT_DROP_OOV,
	OPT_F32
};

/* The output: a matrix on stdout, written by mat/sink. */
struct output {
	const struct cooccur_settings *set;
	struct mat_sink sink;
	uint64_t size; /* the matrix's rows and columns */
	int text;
	uint32_t type; /* MAT_F32 or MAT_F64 */
};

static int write_cell(void *ctx, uint32_t row, uint32_t col, uint64_t val)
{
	struct output *o = ctx;

	mat_sink_put(&o->sink, row, col, cooccur_value(o->set, val));
	return 0;
}

/* Starts the matrix on stdout, with the record of how it was made; its header is patched at the
 * end where stdout can seek. */
static void begin_matrix(struct output *o, uint64_t size, const char *record)
{
	struct mat_header h = {.kind = MAT_SPARSE, .type = o->type, .rows = size, .cols = size,
	                       .nnz = MAT_NNZ_UNKNOWN};
	struct error e;

	o->size = size;
	memcpy(h.record, record, sizeof(h.record));
	if (mat_sink_begin(&o->sink, &out, o->text, &h, &e) < 0)
		eprint_error(&e);
}

static void end_matrix(struct output *o)
{
	struct error e;

	if (mat_sink_end(&o->sink, &e) < 0)
		weprint_error(&e);
}

static void warn_f32(const char *name)
{
	weprintf("%s: 32-bit values: summing them as doubles, not exactly", name);
}

static int merge_matrices(struct output *o, struct cooccur_settings *set, unsigned given,
                          char **files, int nfiles)
{
	struct cooccur_merge m;
	struct error e;

	if (cooccur_merge_open(&m, set, given, files, nfiles, warn_f32, &e) < 0)
		eprint_error(&e);
	begin_matrix(o, m.size, m.record);
	if (cooccur_merge_run(&m, write_cell, o, &e) < 0)
		eprint_error(&e);
	end_matrix(o);
	cooccur_merge_close(&m);
	return 0;
}

static void load_vocab(struct vocab *v, const char *path)
{
	struct error e;

	if (vocab_load(v, path, &e) < 0)
		eprint_error(&e);
	if (vocab_size(v) > MAT_MAX_DIM)
		eprintf("%s: more words than a matrix can index", path);
	if (vocab_size(v) > COOC_MAX_SIZE)
		eprintf("%s: %zu words: at most %u can be counted", path, vocab_size(v),
		        COOC_MAX_SIZE);
}

static void count_line(void *ctx, const char *s, size_t n, struct buf *res)
{
	struct error e;

	(void)res;
	if (cooccur_line(ctx, s, n, &e) < 0)
		eprint_error(&e);
}

static int count_files(struct output *o, const struct cooccur_settings *set, const char *vocab,
                       size_t memory, struct filter *f, char **files, int nfiles)
{
	struct cooccur k;
	struct vocab v;
	struct error e;
	char record[MAT_RECORD_MAX + 1];
	int ret;

	load_vocab(&v, vocab);
	if (memory < cooccur_min_bytes(&v)) { /* the budget covers the vocabulary too */
		weprintf("--memory: %.1fM is below the least budget for %zu words, %.1fM",
		         memory / 1048576.0, vocab_size(&v),
		         (double)((cooccur_min_bytes(&v) * 10 + (1 << 20) - 1) >> 20) / 10);
		exit(EXIT_USAGE);
	}
	if (cooccur_start(&k, set, &v, memory, &e) < 0)
		eprint_error(&e);
	f->fn = count_line;
	f->ctx = &k;
	ret = filter_lines(f, files, nfiles);
	if (cooccur_finish(&k, &e) < 0)
		eprint_error(&e);
	if (ret == 0) { /* counts of a part of the input would pass for the whole */
		cooccur_record(set, vocab_fingerprint(&v), record);
		begin_matrix(o, vocab_size(&v), record);
		if (cooccur_emit(&k, write_cell, o, &e) < 0)
			eprint_error(&e);
		end_matrix(o);
	}
	cooccur_free(&k);
	vocab_free(&v);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"vocab", required_argument, NULL, 'v'},   {"window", required_argument, NULL, 'w'},
	    {"left", no_argument, NULL, OPT_LEFT},     {"right", no_argument, NULL, OPT_RIGHT},
	    {"weight", required_argument, NULL, OPT_WEIGHT},
	    {"cross-lines", no_argument, NULL, OPT_CROSS},
	    {"drop-oov", required_argument, NULL, OPT_DROP_OOV},
	    {"text", no_argument, NULL, 't'},          {"f32", no_argument, NULL, OPT_F32},
	    {"merge", no_argument, NULL, 'm'},         {"memory", required_argument, NULL, 'M'},
	    {"invalid", required_argument, NULL, OPT_INVALID},
	    {"progress", no_argument, NULL, OPT_PROGRESS}, {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, OPT_VERSION},   {NULL, 0, NULL, 0}};
	static const char *const weights[] = {"flat", "harmonic", NULL};
	static const char *const drops[] = {"before", "after", NULL};
	struct cooccur_settings set = {.window = 5, .harmonic = 1};
	struct output o = {.set = &set, .type = MAT_F64};
	struct filter f = {.policy = UTF8_REPLACE};
	const char *vocab = NULL;
	size_t memory = 0;
	int merge = 0, left = 0, right = 0, counting = 0, c, ret;
	unsigned given = 0; /* COOCCUR_GIVEN_*: what --merge checks against the records */

	prog_init("nlp-cooccur");
	while ((c = getopt_long(argc, argv, "v:w:tmM:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'v': vocab = optarg; break;
		case 'w': set.window = (unsigned)estrtonum(optarg, 1, COOCCUR_MAX_WINDOW,
		                                            "--window");
		          given |= COOCCUR_GIVEN_WINDOW; break;
		case OPT_LEFT: left = counting = 1; break;
		case OPT_RIGHT: right = counting = 1; break;
		case OPT_WEIGHT: set.harmonic = opt_choice("--weight", optarg, weights);
		                 given |= COOCCUR_GIVEN_WEIGHT; break;
		case OPT_CROSS: set.cross = counting = 1; break;
		case OPT_DROP_OOV: set.keep_oov = opt_choice("--drop-oov", optarg, drops);
		                   counting = 1; break;
		case 't': o.text = 1; break;
		case OPT_F32: o.type = MAT_F32; break;
		case 'm': merge = 1; break;
		case 'M': memory = opt_memory(optarg); counting = 1; break;
		case OPT_INVALID: f.policy = opt_policy(optarg); counting = 1; break;
		case OPT_PROGRESS: f.progress = 1; break;
		case 'h': usage_help(synopsis, help);
		case OPT_VERSION: print_version();
		default: usage_error(synopsis);
		}
	}
	if (left && right) {
		weprintf("--left and --right exclude each other (neither: both sides)");
		usage_error(synopsis);
	}
	if (merge ? (vocab || counting || optind == argc) : !vocab) {
		weprintf(merge ? "--merge takes matrices, and no counting options"
		               : "--vocab is required");
		usage_error(synopsis);
	}
	if (!o.text && isatty(1))
		eprintf("not writing a binary matrix to a terminal (use --text, or redirect)");
	set.dir = left ? -1 : right ? 1 : 0;
	set.denom = cooccur_denom(&set); /* a merge sets it from the shards' records */
	out_init();
	progress_init(f.progress);
	ret = merge ? merge_matrices(&o, &set, given, argv + optind, argc - optind)
	            : count_files(&o, &set, vocab, memory ? memory : opt_memory_default(), &f,
	                          argv + optind, argc - optind);
	if (out_close())
		ret = EXIT_RUNTIME;
	if (ret) {
		progress_abort();
	} else {
		char a[32], b[32], c[32];

		if (merge)
			progress_done("%d matrices merged, %s words, %s non-zeros", argc - optind,
			              progress_count(a, sizeof(a), o.size),
			              progress_count(b, sizeof(b), o.sink.nnz));
		else
			progress_done("%s lines read, %s words, %s non-zeros",
			              progress_count(a, sizeof(a), f.lines),
			              progress_count(b, sizeof(b), o.size),
			              progress_count(c, sizeof(c), o.sink.nnz));
	}
	return ret;
}
