/* nlp-perplexity: the perplexity of token text under an n-gram model (ARPA or the binary form),
 * reported as SRILM's ngram -ppl and KenLM's query report it, per file, per sentence or per
 * word, as text or JSON lines. Reads token files or stdin, one sentence a line; writes stdout.
 * The model and its queries are lib/lm/model.h's, the accounting and the reports
 * lib/lm/score.h's. */
#include <cblas.h>
#include <getopt.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "base/par.h"
#include "base/spans.h"
#include "cli/err.h"
#include "cli/filter.h"
#include "cli/opt.h"
#include "cli/out.h"
#include "cli/progress.h"
#include "lm/model.h"
#include "lm/rnninfer.h"
#include "nn/gemm.h"
#include "lm/score.h"

static const char synopsis[] =
    "nlp-perplexity --model file [--verbosity level] [--json] [--no-bos] [--no-eos] "
    "[--save-binary file] [--invalid policy] [--progress] [file ...]";

static const char help[] =
    "Scores token text (one sentence a line, <s> and </s> added) under an n-gram model, an\n"
    "ARPA file or the binary form, or under an nlp-rnnlm model, and reports its perplexity as\n"
    "SRILM and KenLM do.\n"
    "\n"
    "      --model FILE       the model: ARPA, binary or nlp-rnnlm's (told apart by its first\n"
    "                         bytes)\n"
    "      --verbosity LEVEL  summary (default), sentence (a total per line) or word (each\n"
    "                         word's 'word=id order log10p', then the line's total)\n"
    "      --json             JSON lines instead of text\n"
    "      --no-bos           begin each sentence without the context <s>\n"
    "      --no-eos           do not score </s> at the end of each sentence\n"
    "      --save-binary FILE write the model in the binary form to FILE; then score the\n"
    "                         files given, if any (not the standard input)\n"
    "      --invalid POLICY   malformed UTF-8 in the text: replace (default), skip or fail\n"
    "      --progress         progress on stderr even when it is not a terminal\n"
    "  -h, --help             show this help\n"
    "      --version          show the version\n";

enum { OPT_MODEL = OPT_FIRST_PRIVATE, OPT_VERBOSITY, OPT_JSON, OPT_NO_BOS, OPT_NO_EOS,
       OPT_SAVE_BINARY };

/* The filter's context: the scorer, the line's words, and whether the model failed. */
struct run {
	struct lm_scorer sc;
	struct spans sp;
	int failed;
};

/* filter_line_err_fn: scores one sentence. */
static int score_line(void *ctx, const char *s, size_t n, struct buf *out, const char *name,
                      uint64_t line, struct error *e)
{
	struct run *r = ctx;

	spans_split_blank(s, n, &r->sp);
	if (lm_score_sentence(&r->sc, r->sp.v, r->sp.n, out, e) < 0) {
		e->name = name;
		e->line = line;
		r->failed = 1;
		return -1;
	}
	return 0;
}

/* Scores the files (stdin when none), each file's report after its lines, then the report over
 * all. Returns the exit status. */
static int score(struct run *run, struct filter *f, char **files, int nfiles, const char *model)
{
	struct lm_scorer *sc = &run->sc;
	static char *dash[] = {"-"};
	char **names = nfiles ? files : dash;
	int ret = 0, n = nfiles ? nfiles : 1;
	struct buf b = {0};

	for (int i = 0; i < n; i++) {
		int r;

		lm_score_begin_file(sc);
		r = filter_lines(f, names + i, 1);
		ret |= r;
		if (r && (f->policy == UTF8_FAIL || run->failed))
			goto out; /* the message is said; no report of a text refused or unscored */
		lm_score_end_file(sc);
		if (n > 1) {
			b.len = 0;
			lm_score_file_report(sc, names[i], &b);
			writer_write(&out, b.p, b.len);
		}
	}
	b.len = 0;
	lm_score_report(sc, model, names, n, &b);
	writer_write(&out, b.p, b.len);
out:
	buf_free(&b);
	return ret;
}

/* Whether the file path begins as an nlp-rnnlm model. Only a regular file is looked at: a pipe
 * would lose the bytes read (an nlp-rnnlm model is read from a regular file only), and an error
 * to open is lm_model_load's to report. */
static int is_rnnlm(const char *path)
{
	unsigned char magic[8];
	struct stat st;
	FILE *f = stat(path, &st) == 0 && S_ISREG(st.st_mode) ? fopen(path, "rb") : NULL;
	int yes = f && fread(magic, 1, sizeof(magic), f) == sizeof(magic) &&
	          rnnlm_is_model(magic, sizeof(magic));

	if (f)
		fclose(f);
	return yes;
}

/* The files under an nlp-rnnlm model. Returns the exit status. */
static int score_rnnlm(struct run *r, struct filter *f, const char *model,
                       enum lm_score_level level, unsigned flags, char **files, int nfiles)
{
	struct rnnlm_scorer sc;
	struct lm_source src;
	struct rnnlm m;
	struct error e;
	int ret, threads = nn_default_threads();

	nn_set_threads(threads);
	if (rnnlm_load(&m, model, &e) < 0 || rnnlm_scorer_init(&sc, &m, threads, &e) < 0) {
		progress_abort();
		eprint_error(&e);
	}
	rnnlm_source(&src, &sc);
	lm_score_init(&r->sc, &src, level, flags);
	ret = score(r, f, files, nfiles, model);
	if (out_close())
		ret = EXIT_RUNTIME;
	if (ret == 0) {
		char a[32], b[32], v[32];

		progress_done("%s sentences, %s tokens scored; a recurrent model, %s words",
		              progress_count(a, sizeof(a), r->sc.total.sentences),
		              progress_count(b, sizeof(b), r->sc.total.tokens),
		              progress_count(v, sizeof(v), m.c.vocab));
	} else {
		progress_abort();
	}
	rnnlm_scorer_free(&sc);
	rnnlm_free(&m);
	spans_free(&r->sp);
	lm_score_free(&r->sc);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"model", required_argument, NULL, OPT_MODEL},
	    {"verbosity", required_argument, NULL, OPT_VERBOSITY},
	    {"json", no_argument, NULL, OPT_JSON},
	    {"no-bos", no_argument, NULL, OPT_NO_BOS},
	    {"no-eos", no_argument, NULL, OPT_NO_EOS},
	    {"save-binary", required_argument, NULL, OPT_SAVE_BINARY},
	    {"invalid", required_argument, NULL, OPT_INVALID},
	    {"progress", no_argument, NULL, OPT_PROGRESS},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, OPT_VERSION},
	    {NULL, 0, NULL, 0}};
	static const char *const levels[] = {"summary", "sentence", "word", NULL};
	struct run r = {0};
	struct filter f = {.policy = UTF8_REPLACE, .fn_err = score_line, .ctx = &r};
	const char *model = NULL, *save = NULL;
	enum lm_score_level level = LM_SCORE_SUMMARY;
	unsigned flags = 0;
	struct lm_source src;
	struct lm_model *m;
	struct error e;
	int c, ret = 0;

	prog_init("nlp-perplexity");
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_MODEL: model = optarg; break;
		case OPT_VERBOSITY:
			level = (enum lm_score_level)opt_choice("--verbosity", optarg, levels);
			break;
		case OPT_JSON: flags |= LM_SCORE_JSON; break;
		case OPT_NO_BOS: flags |= LM_SCORE_NO_BOS; break;
		case OPT_NO_EOS: flags |= LM_SCORE_NO_EOS; break;
		case OPT_SAVE_BINARY: save = optarg; break;
		case OPT_INVALID: f.policy = opt_policy(optarg); break;
		case OPT_PROGRESS: f.progress = 1; break;
		case 'h': usage_help(synopsis, help);
		case OPT_VERSION: print_version();
		default: usage_error(synopsis);
		}
	}
	if (!model)
		usage_error(synopsis);
	out_init();
	progress_init(f.progress);
	if (is_rnnlm(model)) {
		if (save) {
			weprintf("--save-binary writes n-gram models; %s is an nlp-rnnlm model", model);
			usage_error(synopsis);
		}
		return score_rnnlm(&r, &f, model, level, flags, argv + optind, argc - optind);
	}
	if (lm_model_load(&m, model, &e) < 0) {
		progress_abort();
		eprint_error(&e);
	}
	if (lm_model_flags(m) & LM_FLAG_UNK_ADDED)
		weprintf("%s: no <unk> among the 1-grams: words outside the vocabulary get log10 p "
		         "= %g, as KenLM gives them", model, (double)LM_UNK_MISSING_LOGP);
	if (save) {
		struct writer w;
		int fd = out_file_open(&w, save);

		if (lm_model_write_binary(m, &w, &e) < 0) {
			e.name = save;
			eprint_error(&e);
		}
		out_file_close(&w, fd, save);
	}
	lm_model_source(&src, m);
	lm_score_init(&r.sc, &src, level, flags);
	if (!save || optind < argc)
		ret = score(&r, &f, argv + optind, argc - optind, model);
	if (out_close())
		ret = EXIT_RUNTIME;
	if (ret == 0) {
		char a[32], b[32], v[32];

		progress_done("%s sentences, %s tokens scored; a model of order %u, %s words",
		              progress_count(a, sizeof(a), r.sc.total.sentences),
		              progress_count(b, sizeof(b), r.sc.total.tokens), lm_model_order(m),
		              progress_count(v, sizeof(v), lm_model_vocab_size(m)));
	} else {
		progress_abort();
	}
	lm_model_free(m);
	spans_free(&r.sp);
	lm_score_free(&r.sc);
	return ret;
}
