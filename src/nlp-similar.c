/* nlp-similar: nearest neighbours and analogies by cosine in word vectors (word2vec, fastText or
 * gensim files, text or binary), and the WordSim353-style and word2vec analogy benchmarks, with
 * gensim's conventions. Queries come as arguments or one per line on stdin; answers go to stdout
 * as word<TAB>similarity lines. With --model, the vectors are those of a model saved by nlp-w2v,
 * which also gives vectors to query words it never saw (their subwords'). The engines are
 * lib/vec: vectors, w2vmodel, similar, answers, wordeval. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cblas.h>

#include "cli/err.h"
#include "cli/opt.h"
#include "cli/out.h"
#include "cli/progress.h"
#include "base/io.h"
#include "base/par.h"
#include "vec/answers.h"
#include "vec/vectors.h"
#include "vec/w2vmodel.h"
#include "vec/wordeval.h"

static const char synopsis[] =
    "nlp-similar [-i | --match-case] [--format format] [-k N] [--method add|mul] [-R N] [-q] "
    "[-T N] [--progress] vectors [query ...]\n"
    "       nlp-similar [options] --model file [query ...]\n"
    "       nlp-similar --eval-pairs file | --eval-analogy file ... [-i | --match-case] "
    "[--format format] [--method add|mul] [-R N] [-T N] [--progress] vectors | --model file";

static const char help[] =
    "Nearest neighbours and analogies by cosine similarity in word vectors, and word-pair\n"
    "and analogy benchmarks. A query (an argument, or a line of stdin) is a word, or three\n"
    "words 'a b c' for a is to b as c is to ?; each answer is a 'word<TAB>similarity' line.\n"
    "\n"
    "  -k, --top N            answers per query (default 10)\n"
    "      --method METHOD    analogies by add (3CosAdd, default) or mul (3CosMul)\n"
    "  -R, --restrict N       candidates are the first N rows; benchmarks know only them\n"
    "                         (default: all rows; 300000 for --eval-pairs, 30000 for\n"
    "                         --eval-analogy)\n"
    "  -i, --ignore-case      match words by their upper case, the first row of each wins\n"
    "                         (the default of the benchmarks)\n"
    "      --match-case       match words exactly (the default of queries)\n"
    "  -q, --with-query       begin each answer with its query and a tab, with no blank line\n"
    "                         between queries\n"
    "      --eval-pairs FILE  Pearson and Spearman correlations with the scores of\n"
    "                         'word<TAB>word<TAB>score' lines (WordSim353)\n"
    "      --eval-analogy FILE\n"
    "                         accuracy on ': section' and 'a b c d' lines\n"
    "                         (questions-words.txt)\n"
    "      --format FORMAT    the vectors are text, binary or auto (default: detected)\n"
    "      --model FILE       the vectors of nlp-w2v's saved model FILE (no vectors\n"
    "                         argument); query words it never saw get their subwords'\n"
    "  -T, --threads N        threads (default: the number of CPUs)\n"
    "      --progress         progress on stderr even when it is not a terminal\n"
    "  -h, --help             show this help\n"
    "      --version          show the version\n";

enum {
	OPT_MATCH_CASE = OPT_FIRST_PRIVATE,
	OPT_EVAL_PAIRS,
	OPT_EVAL_ANALOGY,
	OPT_METHOD,
	OPT_FORMAT,
	OPT_MODEL
};

#define DEFAULT_TOP 10
#define PAIRS_RESTRICT 300000   /* gensim's default */
#define ANALOGY_RESTRICT 30000  /* word2vec's compute-accuracy and the benchmarks' */
#define MAX_THREADS 256

struct eval {
	int analogy;
	const char *file;
};

struct settings {
	enum vec_format format;
	enum similar_method method;
	int fold;          /* -1: the default of the mode */
	int with_query, threads, progress;
	size_t top;
	long long restrict_to; /* 0: the default of the mode */
	struct eval *evals;
	int nevals;
	const char *model;       /* --model */
	int format_given;
};

static void load_vectors(struct vectors *v, const char *path, enum vec_format f)
{
	struct reader r;
	struct error e;

	if (reader_open(&r, path) < 0)
		eprintf("open %s:", path);
	if (vec_read(v, &r, f, &e) < 0)
		eprint_error(&e);
	reader_close(&r);
}

/* ---- queries ---- */

static int ask(struct answers *a, const char *s, size_t n)
{
	struct error e;
	int r = answers_add(a, &out, s, n, weprint_error, &e);

	if (r < 0)
		eprint_error(&e);
	return r > 0 ? EXIT_RUNTIME : 0;
}

/* answers_oov_fn: the vector of a word outside the vocabulary, from the model's subwords. */
static int model_oov(void *ctx, const char *w, size_t n, float *out)
{
	int k = w2vmodel_vector(ctx, w, n, out);

	return k < 0 ? -1 : k == W2VMODEL_NONE ? 1 : 0;
}

static int run_queries(const struct settings *set, const struct vectors *v,
                       struct w2vmodel *model, char **args, int nargs)
{
	struct answers a;
	struct error e;
	size_t cands = set->restrict_to > 0 && (size_t)set->restrict_to < v->rows
	                   ? (size_t)set->restrict_to : v->rows;
	int ret = 0;

	if (answers_init(&a, v, cands, set->top, set->method, set->fold > 0, set->threads,
	                 set->with_query, &e) < 0)
		eprint_error(&e);
	if (model && model->info.minn && answers_oov(&a, model_oov, model, &e) < 0)
		eprint_error(&e);
	if (nargs > 0) {
		for (int i = 0; i < nargs; i++)
			ret |= ask(&a, args[i], strlen(args[i]));
	} else {
		struct reader r;
		char *line;
		ssize_t n;

		if (reader_open(&r, NULL) < 0)
			eprintf("open <stdin>:");
		while ((n = reader_line(&r, &line)) >= 0) {
			ret |= ask(&a, line, (size_t)n);
			if (a.n > 0 && !reader_ready(&r)) { /* answer now: someone may be waiting */
				if (answers_flush(&a, &out, &e) < 0)
					eprint_error(&e);
				writer_flush(&out);
			}
		}
		if (n == -2)
			eprintf("read <stdin>:");
		reader_close(&r);
	}
	if (answers_flush(&a, &out, &e) < 0)
		eprint_error(&e);
	answers_free(&a);
	return ret;
}

/* ---- benchmarks ---- */

static void run_eval(const struct settings *set, const struct vectors *v, const struct eval *ev)
{
	long long restrict_to = set->restrict_to ? set->restrict_to
	                        : ev->analogy   ? ANALOGY_RESTRICT : PAIRS_RESTRICT;
	int fold = set->fold != 0;
	struct wordeval_pairs p;
	struct wordeval_analogies a;
	struct lookup lk;
	struct error e;
	struct reader r;

	if (reader_open(&r, ev->file) < 0)
		eprintf("open %s:", ev->file);
	if (lookup_init(&lk, v, (size_t)restrict_to, fold, &e) < 0)
		eprint_error(&e);
	if (ev->analogy ? wordeval_analogies(&lk, &r, set->method, set->threads, &a, &e) < 0
	                : wordeval_pairs(&lk, &r, &p, &e) < 0)
		eprint_error(&e);
	wordeval_line(&out, ev->analogy ? "eval-analogy" : "eval-pairs", "%s", ev->file);
	wordeval_line(&out, "restrict", "%lld", restrict_to);
	wordeval_line(&out, "words", "%zu",
	              (size_t)restrict_to < v->rows ? (size_t)restrict_to : v->rows);
	wordeval_line(&out, "case", "%s", fold ? "insensitive" : "sensitive");
	if (ev->analogy) {
		wordeval_line(&out, "method", "%s", set->method == SIMILAR_ADD ? "3cosadd" : "3cosmul");
		wordeval_write_analogies(&out, &a);
		wordeval_analogies_free(&a);
	} else {
		wordeval_write_pairs(&out, &p);
	}
	lookup_free(&lk);
	reader_close(&r);
}

/* ---- options ---- */

static void parse_options(struct settings *set, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"top", required_argument, NULL, 'k'},      {"method", required_argument, NULL, OPT_METHOD},
	    {"restrict", required_argument, NULL, 'R'}, {"ignore-case", no_argument, NULL, 'i'},
	    {"match-case", no_argument, NULL, OPT_MATCH_CASE},
	    {"with-query", no_argument, NULL, 'q'},
	    {"eval-pairs", required_argument, NULL, OPT_EVAL_PAIRS},
	    {"eval-analogy", required_argument, NULL, OPT_EVAL_ANALOGY},
	    {"format", required_argument, NULL, OPT_FORMAT},   {"threads", required_argument, NULL, 'T'},
	    {"model", required_argument, NULL, OPT_MODEL},
	    {"progress", no_argument, NULL, OPT_PROGRESS},
	    {"help", no_argument, NULL, 'h'},           {"version", no_argument, NULL, OPT_VERSION},
	    {NULL, 0, NULL, 0}};
	static const char *const formats[] = {"auto", "text", "binary", NULL};
	static const char *const methods[] = {"add", "mul", NULL}; /* enum similar_method */
	int c;

	while ((c = getopt_long(argc, argv, "k:R:iqT:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'k': set->top = (size_t)estrtonum(optarg, 1, INT32_MAX, "--top"); break;
		case OPT_METHOD: /* gensim's names are aliases */
			set->method = (enum similar_method)opt_choice(
			    "--method", strcmp(optarg, "3cosadd") == 0   ? "add"
			                : strcmp(optarg, "3cosmul") == 0 ? "mul" : optarg, methods);
			break;
		case 'R': set->restrict_to = estrtonum(optarg, 1, INT64_MAX, "--restrict"); break;
		case 'i': set->fold = 1; break;
		case OPT_MATCH_CASE: set->fold = 0; break;
		case 'q': set->with_query = 1; break;
		case OPT_EVAL_PAIRS:
		case OPT_EVAL_ANALOGY:
			set->evals = erealloc(set->evals, (size_t)(set->nevals + 1) * sizeof(*set->evals));
			set->evals[set->nevals++] = (struct eval){c == OPT_EVAL_ANALOGY, optarg};
			break;
		case OPT_FORMAT: set->format = (enum vec_format)opt_choice("--format", optarg, formats);
		                 set->format_given = 1; break;
		case OPT_MODEL: set->model = optarg; break;
		case 'T': set->threads = (int)estrtonum(optarg, 1, MAX_THREADS, "--threads"); break;
		case OPT_PROGRESS: set->progress = 1; break;
		case 'h': usage_help(synopsis, help);
		case OPT_VERSION: print_version();
		default: usage_error(synopsis);
		}
	}
	if (set->model) {
		if (set->format_given) {
			weprintf("--format is for vectors files; a model is one format");
			usage_error(synopsis);
		}
		if (set->nevals > 0 && optind < argc) {
			weprintf("the benchmarks take no queries");
			usage_error(synopsis);
		}
		return;
	}
	if (optind == argc) {
		weprintf("no vectors given");
		usage_error(synopsis);
	}
	if (set->nevals > 0 && optind + 1 < argc) {
		weprintf("the benchmarks take no queries");
		usage_error(synopsis);
	}
	if (set->nevals == 0 && optind + 1 == argc && strcmp(argv[optind], "-") == 0) {
		weprintf("vectors on stdin take their queries as arguments");
		usage_error(synopsis);
	}
}

/* --model: the vocabulary's vectors of a saved model, which is kept for the unseen words. */
static void load_model(struct w2vmodel *m, struct vectors *v, const char *path)
{
	struct error e;

	if (w2vmodel_load(m, path, &e) < 0)
		eprint_error(&e);
	if (w2vmodel_vectors(m, v, &e) < 0)
		eprint_error(&e);
}

int main(int argc, char **argv)
{
	struct settings set = {.fold = -1, .top = DEFAULT_TOP, .threads = par_cpus()};
	struct vectors v;
	struct w2vmodel model = {0};
	int ret = 0, first;

	prog_init("nlp-similar");
	parse_options(&set, argc, argv);
	/* one BLAS thread: blocks of candidates go to our threads, each through its own product, so
	 * that the answers do not depend on the number of threads */
	openblas_set_num_threads(1);
	out_init();
	progress_init(set.progress);
	if (set.model)
		load_model(&model, &v, set.model);
	else
		load_vectors(&v, argv[optind], set.format);
	first = set.model ? optind : optind + 1; /* the first query */
	for (int i = 0; i < set.nevals; i++) {
		if (i > 0)
			writer_putc(&out, '\n');
		run_eval(&set, &v, &set.evals[i]);
	}
	if (set.nevals == 0)
		ret = run_queries(&set, &v, set.model ? &model : NULL, argv + first, argc - first);
	if (out_close())
		ret = EXIT_RUNTIME;
	if (ret) {
		progress_abort();
	} else {
		char a[32];

		if (set.nevals)
			progress_done("%s vectors of %zu dimensions, %d benchmarks",
			              progress_count(a, sizeof(a), v.rows), v.dim, set.nevals);
		else
			progress_done("%s vectors of %zu dimensions", progress_count(a, sizeof(a), v.rows),
			              v.dim);
	}
	vec_free(&v);
	w2vmodel_free(&model);
	free(set.evals);
	return ret;
}
