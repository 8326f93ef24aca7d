/* nlp-tfidf: document vectors, one document per line of tokens: a sparse matrix of documents x
 * terms holding TF-IDF weights with scikit-learn's options (TfidfVectorizer), raw counts (bag
 * of words) or one-hot values; the terms with their document frequencies; or each document's
 * highest-weighted terms as text. The engine, two passes over a spool, is lib/vec/tfidf. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/err.h"
#include "cli/filter.h"
#include "cli/opt.h"
#include "cli/out.h"
#include "cli/progress.h"
#include "count/vocab.h"
#include "mat/matrix.h"
#include "vec/tfidf.h"

static const char synopsis[] =
    "nlp-tfidf [-C] [--binary] [--sublinear-tf] [--idf smooth|plain|notes|none] [--norm l2|l1|none] "
    "[-v vocab [--docs N] | [--min-df N] [--max-df N] [--max-features K]] [-o vocab-out] "
    "[-t | --top K] [--f32] [--invalid policy] [--progress] [file ...]";

static const char help[] =
    "Weighs each document (a line of tokens) as a row of a sparse matrix, documents x\n"
    "terms: TF-IDF as scikit-learn's TfidfVectorizer() does, counts or one-hot.\n"
    "\n"
    "  -C, --counts           raw counts (bag of words): no idf, no normalization\n"
    "      --binary           a term present counts 1 (with -C: one-hot vectors)\n"
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
	OPT_BINARY,
	OPT_IDF,
	OPT_NORM,
	OPT_DOCS,
	OPT_MIN_DF,
	OPT_MAX_DF,
	OPT_MAX_FEATURES,
	OPT_TOP,
	OPT_F32
};

struct settings {
	struct tfidf_settings t;
	const char *vocab_out;
};

/* ---- options ---- */

/* A count of documents, or with a '.' (or an exponent) a share of them from 0 to 1. */
static struct tfidf_df_bound parse_df(const char *arg, const char *opt)
{
	struct tfidf_df_bound b;

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
static int parse_options(struct settings *s, struct filter *f, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"counts", no_argument, NULL, 'C'},    {"binary", no_argument, NULL, OPT_BINARY},
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
	struct tfidf_settings *set = &s->t;
	int counts = 0, weighting = 0, pruning = 0, c;

	while ((c = getopt_long(argc, argv, "Cv:o:th", longopts, NULL)) != -1) {
		switch (c) {
		case 'C': counts = 1; break;
		case OPT_BINARY: set->binary = 1; break;
		case OPT_SUBLINEAR: set->sublinear = weighting = 1; break;
		case OPT_IDF:
			set->idf = (enum tfidf_idf)opt_choice("--idf", optarg, idfs);
			weighting = 1;
			break;
		case OPT_NORM:
			set->norm = (enum tfidf_norm)opt_choice("--norm", optarg, norms);
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
		case 'o': s->vocab_out = optarg; break;
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
		set->idf = TFIDF_IDF_NONE, set->norm = TFIDF_NORM_NONE;
	if (set->vocab && pruning)
		usage_conflict("--min-df, --max-df and --max-features choose terms: not with --vocab");
	if (set->docs && (!set->vocab || set->idf == TFIDF_IDF_NONE))
		usage_conflict("--docs needs --vocab and an idf");
	if (set->top && set->text)
		usage_conflict("--top and --text exclude each other");
	if (!set->min_df.share && !set->max_df.share && set->max_df.v < set->min_df.v)
		usage_conflict("--max-df is below --min-df");
	return optind;
}

/* filter_line_fn: one document. */
static void add_doc(void *ctx, const char *s, size_t n, struct buf *res)
{
	struct error e;

	(void)res;
	if (tfidf_add_doc(ctx, s, n, &e) < 0)
		eprint_error(&e);
}

int main(int argc, char **argv)
{
	struct settings set = {.t = {.idf = TFIDF_IDF_SMOOTH, .norm = TFIDF_NORM_L2, .type = MAT_F64,
	                             .min_df = {0, 1}, .max_df = {1, 1.0}}};
	struct filter f = {.policy = UTF8_REPLACE, .fn = add_doc};
	struct tfidf t;
	struct vocab terms;
	struct error e;
	int first, ret;

	prog_init("nlp-tfidf");
	first = parse_options(&set, &f, argc, argv);
	if (!set.t.text && !set.t.top && isatty(1))
		eprintf("not writing a binary matrix to a terminal (use --text or --top, or redirect)");
	if (set.t.vocab && vocab_load(&terms, set.t.vocab, &e) < 0)
		eprint_error(&e);
	if (tfidf_begin(&t, &set.t, set.t.vocab ? &terms : NULL, &e) < 0)
		eprint_error(&e);
	f.ctx = &t;
	progress_init(f.progress);
	ret = filter_lines(&f, argv + first, argc - first);
	if (ret == 0) { /* weights of a part of the input would pass for the whole */
		if (tfidf_fit(&t, &e) < 0 ||
		    (set.vocab_out && tfidf_write_vocab(&t, set.vocab_out, &e) < 0))
			eprint_error(&e);
		out_init();
		if (tfidf_write(&t, &out, &e) < 0)
			eprint_error(&e);
		if (out_close())
			ret = EXIT_RUNTIME;
	}
	if (ret) {
		progress_abort();
	} else {
		char a[32], b[32], c[32], d[32];

		progress_done("%s documents (%s) read, %s terms, %s non-zeros",
		              progress_count(a, sizeof(a), t.ndocs), progress_bytes(b, sizeof(b), f.bytes),
		              progress_count(c, sizeof(c), t.ncols), progress_count(d, sizeof(d), t.nnz));
	}
	tfidf_free(&t);
	return ret;
}
