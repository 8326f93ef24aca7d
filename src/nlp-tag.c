/* nlp-tag: sequence tagging: `train` learns a tagger (an averaged perceptron, or recurrent
 * layers over word rows and a character encoder) from CoNLL-U, token TAB tag lines, or spaced
 * text whose spaces become the tags of its characters; tagging (the default command) writes
 * token/tag, fills a CoNLL-U column, or restores spaces; `eval` writes accuracy (on known and
 * unknown words), each tag's precision, recall and F1, and the confusion matrix. The models are
 * lib/tag. */
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/mem.h"
#include "cli/err.h"
#include "cli/filter.h"
#include "cli/opt.h"
#include "cli/out.h"
#include "cli/progress.h"
#include "cli/trainout.h"
#include "cls/metrics.h"
#include "nn/gemm.h"
#include "tag/predict.h"
#include "tag/train.h"

static const char train_synopsis[] =
    "nlp-tag train --output model [--linear] [--format auto|conllu|tsv] [--column upos|xpos] "
    "[--chars] [--spacing] [--no-dict] [--cell rnn|lstm|gru] [--layers n] [--hidden n] "
    "[--emb n] [--unidirectional] [--char-emb n] [--char-filters n] [--char-width n] "
    "[--dropout p] [--recurrent-dropout p] [--word-dropout a] [--init a] [--pretrained file] [--freeze] "
    "[--optimizer adam|sgd] [--lr rate] [--lr-decay f] [--batch n] [--clip norm] "
    "[--min-count n] [--epochs n] [--valid file] [--patience n] [-T threads] [--seed n] "
    "[--log file] [--invalid policy] [--progress] [file ...]";
static const char tag_synopsis[] =
    "nlp-tag [tag] --model model [--format auto|conllu|text] [--column upos|xpos] "
    "[--tags-only] [-T threads] [--invalid policy] [--progress] [file ...]";
static const char eval_synopsis[] =
    "nlp-tag eval --model model [--format auto|conllu|tsv] [--column upos|xpos] [--json] "
    "[-T threads] [--invalid policy] [--progress] [file ...]";

static const char help[] =
    "Sequence tagging: a tag for every token (parts of speech) or every character (the\n"
    "spaces of Korean text), by an averaged perceptron or bidirectional recurrent layers.\n"
    "\n"
    "train: learns a tagger\n"
    "      --output FILE        the model file to write (the best epoch on --valid)\n"
    "      --linear             an averaged perceptron instead of recurrent layers\n"
    "      --format F           auto (default), conllu or tsv (token TAB tag)\n"
    "      --column C           CoNLL-U: upos (default) or xpos\n"
    "      --chars              tag characters instead of tokens\n"
    "      --spacing            learn the spaces of text lines (implies --chars)\n"
    "      --no-dict            linear: no tag dictionary of frequent unambiguous words\n"
    "      --cell C             rnn, lstm (default) or gru\n"
    "      --layers N           recurrent layers (default 1)\n"
    "      --hidden N           hidden size of each direction (default 128)\n"
    "      --emb N, --dim N     word embedding size (default 100)\n"
    "      --unidirectional     the layers read left to right only\n"
    "      --char-emb N         character embedding size (default 32; 0: no character\n"
    "                           encoder)\n"
    "      --char-filters N     the character encoder's filters (default 64)\n"
    "      --char-width N       characters a filter reads, odd (default 3)\n"
    "      --dropout P          dropout on the layers' inputs and outputs (default 0.33)\n"
    "      --recurrent-dropout P  dropout of the state entering each step (default 0)\n"
    "      --word-dropout A     a word seen c times takes <unk>'s row with probability\n"
    "                           A / (A + c) in training (default 0.25; 0: never)\n"
    "      --init A             parameters uniform in [-A, A] (default 0.1)\n"
    "      --pretrained FILE    word vectors (word2vec text or binary) to start from\n"
    "      --freeze             the word rows are not trained\n"
    "      --optimizer O        adam (default) or sgd\n"
    "      --lr R               learning rate (default 0.001 adam, 0.1 sgd)\n"
    "      --lr-decay F         the rate's factor after each epoch (default 1)\n"
    "      --batch N            sentences a batch (default 32)\n"
    "      --clip C             clip the gradient's norm at C (default 5; 0: never)\n"
    "      --min-count N        words seen fewer times have no row (default 1)\n"
    "      --epochs N           epochs (default 5 linear, 10 recurrent)\n"
    "      --valid FILE         tagged text validated on after each epoch\n"
    "      --patience N         stop after N epochs without a better validation (default 3;\n"
    "                           0: never)\n"
    "      --seed N             the random seed (default 1)\n"
    "      --log FILE           one TSV line an epoch\n"
    "tag (the default command): tags text, a sentence a line, or fills a CoNLL-U column\n"
    "      --model FILE         the model\n"
    "      --format F           auto (default), conllu or text\n"
    "      --tags-only          the tags alone\n"
    "eval: accuracy (known and unknown words), precision, recall, F1, confusion\n"
    "      --json               one JSON object\n"
    "all:\n"
    "  -T, --threads N          threads (default: the processors, at most 8)\n"
    "      --invalid POLICY     malformed UTF-8: replace (default), skip or fail\n"
    "      --progress           progress on stderr even when it is not a terminal\n"
    "  -h, --help               show this help\n"
    "      --version            show the version\n";

enum { OPT_OUTPUT = OPT_FIRST_PRIVATE, OPT_LINEAR, OPT_FORMAT, OPT_COLUMN, OPT_CHARS,
       OPT_SPACING, OPT_NO_DICT, OPT_CELL, OPT_LAYERS, OPT_HIDDEN, OPT_EMB, OPT_UNIDIR,
       OPT_CHAR_EMB, OPT_CHAR_FILTERS, OPT_CHAR_WIDTH, OPT_DROPOUT, OPT_RDROPOUT, OPT_WDROPOUT,
       OPT_INIT, OPT_PRETRAINED, OPT_FREEZE, OPT_OPTIMIZER, OPT_LR, OPT_DECAY, OPT_BATCH, OPT_CLIP,
       OPT_MIN_COUNT, OPT_EPOCHS, OPT_VALID, OPT_PATIENCE, OPT_SEED, OPT_LOG, OPT_MODEL,
       OPT_TAGS_ONLY, OPT_JSON };

static const char *const formats[] = {"auto", "conllu", "tsv", "text", NULL};
static const char *const columns[] = {"upos", "xpos", NULL};

/* ---- reading tagged text ---- */

static int add_line(void *ctx, const char *s, size_t n, struct buf *out, const char *name,
                    uint64_t line, struct error *e)
{
	(void)out;
	return tag_data_add(ctx, s, n, name, line, e);
}

/* a file's last sentence ends with the file */
static void end_file(void *ctx)
{
	struct error e;

	if (tag_data_end(ctx, &e) < 0)
		eprint_error(&e);
}

/* Reads tagged text (or text) from files [n] (stdin when none) into d. Returns the exit
 * status. */
static int read_data(struct tag_data *d, char **files, int n, enum tag_format format,
                     enum tag_column column, enum tag_units units, int spacing, int policy,
                     int progress)
{
	struct filter f = {.policy = policy, .progress = progress, .fn_err = add_line, .ctx = d,
	                   .begin_file = end_file};
	struct error e;
	int ret;

	if (tag_data_init(d, format, column, units, spacing, &e) < 0)
		eprint_error(&e);
	ret = filter_lines(&f, files, n);
	end_file(d);
	return ret;
}

/* ---- train ---- */

struct train_ctx {
	struct tag_model *m;
	const char *output;
	struct train_out out;       /* the model file */
	FILE *log;
	const char *log_path;
	char phase[48];
	struct tag_epoch last;
	int live;                   /* with --valid: write the model after each best epoch */
};

static void on_begin(void *ctx, const struct tag_model *m, uint64_t bytes)
{
	static const char *const cells[] = {"rnn", "lstm", "gru"};
	const struct tag_config *c = &m->c;
	char w[32], mem[32], p[32];

	(void)ctx;
	if (c->kind == TAG_LINEAR)
		progress_note("averaged perceptron over %s, %u tags, %s words; about %s of memory",
		              c->units == TAG_UNITS_CHARS ? "characters" : "words", c->tags,
		              progress_count(w, sizeof(w), c->words),
		              progress_bytes(mem, sizeof(mem), bytes));
	else
		progress_note("%s%s, %u layer%s%s; %s parameters, %s %s, %u tags; about %s of memory",
		              c->bidirectional ? "bidirectional " : "", cells[c->cell], c->layers,
		              c->layers > 1 ? "s" : "",
		              c->char_emb ? ", character encoder" : "",
		              progress_count(p, sizeof(p), m->L.used),
		              progress_count(w, sizeof(w), c->words),
		              c->units == TAG_UNITS_CHARS ? "characters" : "words", c->tags,
		              progress_bytes(mem, sizeof(mem), bytes));
}

static void on_step(void *ctx, const struct tag_epoch *ep, uint64_t done, uint64_t total,
                    double loss)
{
	struct train_ctx *tc = ctx;

	if (progress_epoch(tc->phase, sizeof(tc->phase), ep->epoch, ep->epochs, total, "tokens"))
		progress_show(done, "loss %.4f", loss);
}

static void write_model(const void *m, struct writer *w)
{
	tag_model_write(m, w);
}

/* The model, written beside its file and renamed over it. */
static void save(const struct train_ctx *tc)
{
	train_out_save(&tc->out, write_model, tc->m);
}

static int on_epoch(void *ctx, const struct tag_epoch *ep, struct error *e)
{
	struct train_ctx *tc = ctx;

	(void)e;
	tc->phase[0] = '\0';
	tc->last = *ep;
	if (isnan(ep->valid_acc))
		progress_note("epoch %u: train loss %.4f, accuracy %.4f; %.0f tokens/s", ep->epoch,
		              ep->train_loss, ep->train_acc, ep->tokens_per_s);
	else
		progress_note("epoch %u: train loss %.4f, accuracy %.4f; valid accuracy %.4f%s; "
		              "%.0f tokens/s", ep->epoch, ep->train_loss, ep->train_acc,
		              ep->valid_acc, ep->best ? " (best)" : "", ep->tokens_per_s);
	if (tc->log) {
		fprintf(tc->log, "%u\t%.6g\t%.6f\t%.6f\t%.6f\t%.1f\t%.2f\n", ep->epoch, ep->lr,
		        ep->train_loss, ep->train_acc, ep->valid_acc, ep->tokens_per_s,
		        ep->seconds);
		if (fflush(tc->log) != 0)
			eprintf("write %s:", tc->log_path);
	}
	if (tc->live && ep->best)
		save(tc);
	return 0;
}

/* The model file, checked writable now rather than after an epoch, and the log with its
 * header. */
static void open_outputs(struct train_ctx *tc)
{
	train_out_open(&tc->out, tc->output);
	if (tc->log_path) {
		if (!(tc->log = fopen(tc->log_path, "w")))
			eprintf("open %s:", tc->log_path);
		fprintf(tc->log, "epoch\tlr\ttrain_loss\ttrain_acc\tvalid_acc\ttokens_per_s\t"
		        "seconds\n");
	}
}

struct train_args {
	struct tag_rnn_opts ro;
	struct tag_train_opts o;
	enum tag_format format;
	enum tag_column column;
	int linear, chars, spacing, policy, progress;
	unsigned char given[OPT_MODEL - OPT_FIRST_PRIVATE]; /* which private options were given */
	const char *valid, *pretrained;
};

static void train_option(struct train_args *a, struct train_ctx *tc, int ch)
{
	static const char *const cells[] = {"rnn", "lstm", "gru", NULL};
	static const char *const optimizers[] = {"sgd", "adam", NULL};
	struct tag_rnn_opts *ro = &a->ro;
	struct tag_train_opts *o = &a->o;

	switch (ch) {
	case OPT_OUTPUT: tc->output = optarg; break;
	case OPT_LINEAR: a->linear = 1; break;
	case OPT_FORMAT:
		a->format = (enum tag_format)opt_choice("--format", optarg, formats);
		if (a->format == TAG_FMT_TEXT) {
			weprintf("--format text: training needs tags (conllu or tsv; --spacing for "
			         "text)");
			usage_error(train_synopsis);
		}
		break;
	case OPT_COLUMN: a->column = (enum tag_column)opt_choice("--column", optarg, columns); break;
	case OPT_CHARS: a->chars = 1; break;
	case OPT_SPACING: a->spacing = a->chars = 1; break;
	case OPT_NO_DICT: o->dict = 0; break;
	case OPT_CELL: ro->cell = (enum nn_cell)opt_choice("--cell", optarg, cells); break;
	case OPT_LAYERS: ro->layers = (unsigned)estrtonum(optarg, 1, TAG_MAX_LAYERS, "--layers"); break;
	case OPT_HIDDEN: ro->hidden = (unsigned)estrtonum(optarg, 1, TAG_MAX_SIZE, "--hidden"); break;
	case OPT_EMB: ro->emb = (unsigned)estrtonum(optarg, 1, TAG_MAX_SIZE, "--emb"); break;
	case OPT_UNIDIR: ro->bidirectional = 0; break;
	case OPT_CHAR_EMB: ro->char_emb = (unsigned)estrtonum(optarg, 0, TAG_MAX_SIZE, "--char-emb"); break;
	case OPT_CHAR_FILTERS:
		ro->char_filters = (unsigned)estrtonum(optarg, 1, TAG_MAX_SIZE, "--char-filters");
		break;
	case OPT_CHAR_WIDTH:
		ro->char_width = (unsigned)estrtonum(optarg, 1, TAG_MAX_WIDTH, "--char-width");
		if (ro->char_width % 2 == 0) {
			weprintf("--char-width %u: not odd", ro->char_width);
			usage_error(train_synopsis);
		}
		break;
	case OPT_DROPOUT: o->dropout = (float)estrtod(optarg, 0, 0.99, "--dropout"); break;
	case OPT_RDROPOUT: o->rdropout = (float)estrtod(optarg, 0, 0.99, "--recurrent-dropout"); break;
	case OPT_WDROPOUT: o->word_dropout = (float)estrtod(optarg, 0, 1e6, "--word-dropout"); break;
	case OPT_INIT: o->init = estrtod(optarg, 0, 10, "--init"); break;
	case OPT_PRETRAINED: a->pretrained = optarg; break;
	case OPT_FREEZE: o->freeze = 1; break;
	case OPT_OPTIMIZER: o->adam = opt_choice("--optimizer", optarg, optimizers); break;
	case OPT_LR: o->lr = (float)estrtod(optarg, 1e-9, 1000, "--lr"); break;
	case OPT_DECAY: o->decay = (float)estrtod(optarg, 1e-6, 1, "--lr-decay"); break;
	case OPT_BATCH: o->batch = (size_t)estrtonum(optarg, 1, 65536, "--batch"); break;
	case OPT_CLIP: o->clip = estrtod(optarg, 0, 1e9, "--clip"); break;
	case OPT_MIN_COUNT: o->min_count = (uint64_t)estrtonum(optarg, 1, LLONG_MAX, "--min-count"); break;
	case OPT_EPOCHS: o->epochs = (unsigned)estrtonum(optarg, 1, 100000, "--epochs"); break;
	case OPT_VALID: a->valid = optarg; break;
	case OPT_PATIENCE: o->patience = (unsigned)estrtonum(optarg, 0, 100000, "--patience"); break;
	case 'T': o->threads = (int)estrtonum(optarg, 1, 256, "--threads"); break;
	case OPT_SEED: o->seed = (uint64_t)estrtonum(optarg, 0, LLONG_MAX, "--seed"); break;
	case OPT_LOG: tc->log_path = optarg; break;
	case OPT_INVALID: a->policy = opt_policy(optarg); break;
	case OPT_PROGRESS: a->progress = 1; break;
	case 'h': usage_help(train_synopsis, help);
	case OPT_VERSION: print_version();
	default: usage_error(train_synopsis);
	}
}

static const struct option train_longopts[] = {
    {"output", required_argument, NULL, OPT_OUTPUT}, {"linear", no_argument, NULL, OPT_LINEAR},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"column", required_argument, NULL, OPT_COLUMN}, {"chars", no_argument, NULL, OPT_CHARS},
    {"spacing", no_argument, NULL, OPT_SPACING}, {"no-dict", no_argument, NULL, OPT_NO_DICT},
    {"cell", required_argument, NULL, OPT_CELL}, {"layers", required_argument, NULL, OPT_LAYERS},
    {"hidden", required_argument, NULL, OPT_HIDDEN}, {"emb", required_argument, NULL, OPT_EMB},
    {"dim", required_argument, NULL, OPT_EMB},
    {"unidirectional", no_argument, NULL, OPT_UNIDIR},
    {"char-emb", required_argument, NULL, OPT_CHAR_EMB},
    {"char-filters", required_argument, NULL, OPT_CHAR_FILTERS},
    {"char-width", required_argument, NULL, OPT_CHAR_WIDTH},
    {"dropout", required_argument, NULL, OPT_DROPOUT},
    {"recurrent-dropout", required_argument, NULL, OPT_RDROPOUT},
    {"word-dropout", required_argument, NULL, OPT_WDROPOUT},
    {"init", required_argument, NULL, OPT_INIT},
    {"pretrained", required_argument, NULL, OPT_PRETRAINED},
    {"freeze", no_argument, NULL, OPT_FREEZE},
    {"optimizer", required_argument, NULL, OPT_OPTIMIZER}, {"lr", required_argument, NULL, OPT_LR},
    {"lr-decay", required_argument, NULL, OPT_DECAY},
    {"batch", required_argument, NULL, OPT_BATCH}, {"clip", required_argument, NULL, OPT_CLIP},
    {"min-count", required_argument, NULL, OPT_MIN_COUNT},
    {"epochs", required_argument, NULL, OPT_EPOCHS}, {"valid", required_argument, NULL, OPT_VALID},
    {"patience", required_argument, NULL, OPT_PATIENCE},
    {"threads", required_argument, NULL, 'T'}, {"seed", required_argument, NULL, OPT_SEED},
    {"log", required_argument, NULL, OPT_LOG}, {"invalid", required_argument, NULL, OPT_INVALID},
    {"progress", no_argument, NULL, OPT_PROGRESS}, {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION}, {NULL, 0, NULL, 0}};

/* The long name of the option val. */
static const char *opt_name(int val)
{
	const struct option *o = train_longopts;

	while (o->name && o->val != val)
		o++;
	return o->name;
}

/* Usage errors of the options taken together. */
static void check_train_args(const struct train_args *a, const struct train_ctx *tc)
{
	static const int recurrent[] = {OPT_CELL, OPT_LAYERS, OPT_HIDDEN, OPT_EMB, OPT_UNIDIR,
	                                OPT_CHAR_EMB, OPT_CHAR_FILTERS, OPT_CHAR_WIDTH,
	                                OPT_DROPOUT, OPT_RDROPOUT, OPT_WDROPOUT, OPT_INIT,
	                                OPT_PRETRAINED,
	                                OPT_FREEZE, OPT_OPTIMIZER, OPT_LR, OPT_DECAY, OPT_BATCH,
	                                OPT_CLIP, OPT_MIN_COUNT};
	static const int linear[] = {OPT_NO_DICT};
	const char *why = NULL;

	for (size_t i = 0; i < sizeof(recurrent) / sizeof(recurrent[0]); i++)
		if (a->linear && a->given[recurrent[i] - OPT_FIRST_PRIVATE]) {
			weprintf("--%s is an option of the recurrent tagger, not of --linear",
			         opt_name(recurrent[i]));
			usage_error(train_synopsis);
		}
	for (size_t i = 0; i < sizeof(linear) / sizeof(linear[0]); i++)
		if (!a->linear && a->given[linear[i] - OPT_FIRST_PRIVATE]) {
			weprintf("--%s is an option of the linear tagger: give --linear",
			         opt_name(linear[i]));
			usage_error(train_synopsis);
		}
	if (!tc->output)
		why = "train: which --output file?";
	else if (a->given[OPT_PATIENCE - OPT_FIRST_PRIVATE] && !a->valid)
		why = "--patience needs --valid";
	else if (a->o.freeze && !a->pretrained)
		why = "--freeze needs --pretrained";
	else if (a->spacing && a->given[OPT_FORMAT - OPT_FIRST_PRIVATE])
		why = "--spacing reads text lines: no --format";
	else if (a->chars && ((a->given[OPT_CHAR_EMB - OPT_FIRST_PRIVATE] && a->ro.char_emb) ||
	                      a->given[OPT_CHAR_FILTERS - OPT_FIRST_PRIVATE] ||
	                      a->given[OPT_CHAR_WIDTH - OPT_FIRST_PRIVATE]))
		why = "--chars: the units are characters already, no character encoder";
	else if (!a->ro.char_emb && (a->given[OPT_CHAR_FILTERS - OPT_FIRST_PRIVATE] ||
	                             a->given[OPT_CHAR_WIDTH - OPT_FIRST_PRIVATE]))
		why = "--char-filters and --char-width need a character encoder (--char-emb > 0)";
	if (why) {
		weprintf("%s", why);
		usage_error(train_synopsis);
	}
}

static int train_main(int argc, char **argv)
{
	struct train_args a = {
	    .ro = {.cell = NN_CELL_LSTM, .layers = 1, .hidden = 128, .emb = 100,
	           .bidirectional = 1, .char_emb = 32, .char_filters = 64, .char_width = 3},
	    .o = {.epochs = 10, .decay = 1, .adam = 1, .batch = 32, .clip = 5, .dropout = 0.33f,
	          .init = 0.1, .min_count = 1, .patience = 3, .seed = 1, .dict = 1,
	          .word_dropout = 0.25f},
	    .policy = UTF8_REPLACE};
	struct train_ctx tc = {0};
	struct tag_hooks hooks = {&tc, on_begin, on_step, on_epoch};
	struct tag_data train, valid;
	struct vectors pre;
	struct tag_model m;
	struct error e;
	enum tag_format fmt;
	enum tag_units units;
	int ch, ret;

	a.o.threads = nn_default_threads();
	while ((ch = getopt_long(argc, argv, "hT:", train_longopts, NULL)) != -1) {
		train_option(&a, &tc, ch);
		a.given[ch >= OPT_FIRST_PRIVATE && ch < OPT_MODEL ? ch - OPT_FIRST_PRIVATE : 0] = 1;
	}
	check_train_args(&a, &tc);
	if (a.linear && !a.given[OPT_EPOCHS - OPT_FIRST_PRIVATE])
		a.o.epochs = 5;
	if (!a.o.adam && !a.given[OPT_LR - OPT_FIRST_PRIVATE])
		a.o.lr = 0.1f;
	else if (!a.given[OPT_LR - OPT_FIRST_PRIVATE])
		a.o.lr = 0.001f;
	if (a.chars)
		a.ro.char_emb = 0;
	if (a.pretrained) {
		train_read_vectors(&pre, a.pretrained);
		if (!a.given[OPT_EMB - OPT_FIRST_PRIVATE])
			a.ro.emb = (unsigned)pre.dim;
		a.o.pretrained = &pre;
	}
	nn_set_threads(a.o.threads);
	progress_init(a.progress);
	fmt = a.spacing ? TAG_FMT_TEXT : a.format;
	units = a.chars ? TAG_UNITS_CHARS : TAG_UNITS_WORDS;
	ret = read_data(&train, argv + optind, argc - optind, fmt, a.column, units, a.spacing,
	                a.policy, a.progress);
	if (!ret && a.valid && (ret = read_data(&valid, (char **)&a.valid, 1, fmt, a.column, units,
	                                        a.spacing, a.policy, a.progress)) != 0)
		tag_data_free(&valid);
	if (ret) {
		progress_abort();
		tag_data_free(&train);
		if (a.pretrained)
			vec_free(&pre);
		return ret;
	}
	if (train.ntok == 0)
		eprintf("%s: no tagged tokens", argc - optind == 1 ? argv[optind] : argc > optind ?
		        "the input files" : "<stdin>");
	if (a.valid && valid.ntok == 0)
		eprintf("%s: no tagged tokens to validate on", a.valid);
	tc.m = &m;
	tc.live = a.valid != NULL; /* without, each epoch is the best: the model once at the end */
	open_outputs(&tc);
	if ((a.linear ? tag_linear_train(&m, &train, a.valid ? &valid : NULL, &a.o, &hooks, &e)
	              : tag_rnn_train(&m, &train, a.valid ? &valid : NULL, &a.ro, &a.o, &hooks,
	                              &e)) < 0) {
		progress_abort();
		eprint_error(&e);
	}
	save(&tc);
	if (tc.log && fclose(tc.log) != 0)
		eprintf("close %s:", tc.log_path);
	progress_done("%u epoch%s, %zu sentences, %zu tokens, %u tags; %.0f tokens/s; the model "
	              "of epoch %u kept", tc.last.epoch, tc.last.epoch > 1 ? "s" : "",
	              train.nsent, train.ntok, m.c.tags, tc.last.tokens_per_s, m.c.epochs);
	tag_model_free(&m);
	tag_data_free(&train);
	if (a.valid)
		tag_data_free(&valid);
	if (a.pretrained)
		vec_free(&pre);
	train_out_free(&tc.out);
	return 0;
}

/* ---- tagging ---- */

struct tagger {
	const struct tag_model *m;
	struct tag_predictor p;
	struct spans sp;
	uint32_t *tags;            /* [cap] */
	size_t *len;               /* [cap] the tokens' lengths */
	size_t cap;
	int tags_only;
	enum tag_column column;
	struct buf sent, forms;    /* CoNLL-U: the sentence's lines; its forms (blanks replaced) */
	struct spans lines;        /* CoNLL-U: the sentence's lines as offsets (p: NULL + offset) */
};

/* The length of w [n] cut to at most TAG_WORD_MAX bytes at a character's start. */
static size_t cut_word(const char *w, size_t n)
{
	if (n <= TAG_WORD_MAX)
		return n;
	n = TAG_WORD_MAX;
	while (n > 0 && ((unsigned char)w[n] & 0xC0) == 0x80)
		n--;
	return n;
}

static void put_tag(struct buf *out, const struct tag_model *m, uint32_t k)
{
	size_t len;
	const char *t = strtab_key(&m->tags, k, &len);

	buf_put(out, t, len);
}

static void room(struct tagger *tg, size_t n)
{
	if (n > tg->cap) {
		tg->cap = n * 2;
		tg->tags = erealloc(tg->tags, tg->cap * sizeof(*tg->tags));
		tg->len = erealloc(tg->len, tg->cap * sizeof(*tg->len));
	}
}

/* Tags a text line: its tokens, or its characters (a spacing model restores the spaces). */
static void tag_line(void *ctx, const char *s, size_t n, struct buf *out)
{
	struct tagger *tg = ctx;
	const struct tag_model *m = tg->m;
	struct error e;

	tag_split(s, n, m->c.units, &tg->sp, NULL, NULL);
	room(tg, tg->sp.n);
	/* a token longer than any the model holds is tagged by its first TAG_WORD_MAX bytes (as
	 * an unknown word) and written whole */
	for (size_t i = 0; i < tg->sp.n; i++) {
		tg->len[i] = tg->sp.v[i].n;
		tg->sp.v[i].n = cut_word(tg->sp.v[i].p, tg->sp.v[i].n);
	}
	if (tag_predict(&tg->p, tg->sp.v, tg->sp.n, tg->tags, &e) < 0)
		eprint_error(&e);
	for (size_t i = 0; i < tg->sp.n; i++) {
		struct span *w = &tg->sp.v[i];

		w->n = tg->len[i];

		if (m->c.spacing && !tg->tags_only) {
			buf_put(out, w->p, w->n);
			if (i + 1 < tg->sp.n && tg->tags[i] == 1)
				buf_putc(out, ' ');
			continue;
		}
		if (i)
			buf_putc(out, ' ');
		if (!tg->tags_only) {
			buf_put(out, w->p, w->n);
			buf_putc(out, '/');
		}
		put_tag(out, m, tg->tags[i]);
	}
	buf_putc(out, '\n');
}

/* Whether the CoNLL-U line l [n] is a word to tag: an integer ID, and fields up to the column
 * col at least; f [12] out: its fields' starts (f[k + 1] - 1 the end of field k). */
static int word_line(const char *l, size_t n, size_t col, size_t *f)
{
	size_t k = 0, nf = 1;

	while (k < n && l[k] >= '0' && l[k] <= '9')
		k++;
	if (k == 0 || k >= n || l[k] != '\t')
		return 0;
	f[0] = 0;
	for (size_t j = 0; j < n && nf < 11; j++)
		if (l[j] == '\t')
			f[nf++] = j + 1;
	f[nf] = n + 1;
	return nf > col;
}

/* CoNLL-U: tags the sentence held in tg->sent and writes its lines with the column filled (the
 * word lines; the others as they are). */
static void flush_sentence(struct tagger *tg, struct buf *out)
{
	size_t nw = 0, col = tg->column == TAG_COL_XPOS ? 4 : 3, f[12];
	struct error e;

	tg->forms.len = 0;
	tg->sp.n = 0;
	/* the forms of the word lines, blanks replaced as in training; the spans hold offsets
	 * into tg->forms until it stops growing */
	for (size_t i = 0; i < tg->lines.n; i++) {
		const char *l = tg->sent.p + (size_t)tg->lines.v[i].p;
		size_t n = tg->lines.v[i].n, start = tg->forms.len;

		if (!word_line(l, n, col, f))
			continue;
		for (const char *c = l + f[1]; c < l + f[2] - 1; c++)
			if (spans_is_blank((unsigned char)*c))
				buf_put(&tg->forms, "\xc2\xa0", 2);
			else
				buf_putc(&tg->forms, *c);
		spans_push(&tg->sp, (const char *)start, tg->forms.len - start);
		nw++;
	}
	for (size_t i = 0; i < nw; i++) {
		tg->sp.v[i].p = tg->forms.p + (size_t)tg->sp.v[i].p;
		tg->sp.v[i].n = cut_word(tg->sp.v[i].p, tg->sp.v[i].n); /* as unknown */
	}
	room(tg, nw);
	if (nw && tag_predict(&tg->p, tg->sp.v, nw, tg->tags, &e) < 0)
		eprint_error(&e);
	nw = 0;
	for (size_t i = 0; i < tg->lines.n; i++) {
		const char *l = tg->sent.p + (size_t)tg->lines.v[i].p;
		size_t n = tg->lines.v[i].n;

		if (!word_line(l, n, col, f)) {
			buf_put(out, l, n);
			buf_putc(out, '\n');
			continue;
		}
		buf_put(out, l, f[col]);
		put_tag(out, tg->m, tg->tags[nw++]);
		if (f[col + 1] <= n)
			buf_put(out, l + f[col + 1] - 1, n - (f[col + 1] - 1));
		buf_putc(out, '\n');
	}
	tg->sent.len = 0;
	tg->lines.n = 0;
}

static int tag_conllu_line(void *ctx, const char *s, size_t n, struct buf *out,
                           const char *name, uint64_t line, struct error *e)
{
	struct tagger *tg = ctx;
	size_t i = 0;

	(void)name, (void)line, (void)e;
	while (i < n && spans_is_blank((unsigned char)s[i]))
		i++;
	if (i == n) {
		flush_sentence(tg, out);
		buf_put(out, s, n);
		buf_putc(out, '\n');
		return 0;
	}
	spans_push(&tg->lines, (const char *)tg->sent.len, n);
	buf_put(&tg->sent, s, n);
	return 0;
}

/* What a line says of the input's format: 1 CoNLL-U (ten tab-separated fields), 0 text, -1
 * nothing (a blank line, or a line that starts with # as CoNLL-U's comments do). */
static int line_kind(const char *s, size_t n)
{
	size_t i = 0, tabs = 0;

	while (i < n && spans_is_blank((unsigned char)s[i]))
		i++;
	if (i == n || s[0] == '#')
		return -1;
	for (i = 0; i < n; i++)
		tabs += s[i] == '\t';
	return tabs == 9;
}

/* The format of the named file path from its first line that tells: CoNLL-U or text; AUTO
 * when it cannot be read here (the filter then says why) or no line tells. */
static enum tag_format detect_file(const char *path)
{
	struct reader r;
	enum tag_format f = TAG_FMT_AUTO;
	char *line;
	ssize_t n;
	int k;

	if (strcmp(path, "-") == 0 || reader_open(&r, path) < 0)
		return TAG_FMT_AUTO;
	while ((n = reader_line(&r, &line)) >= 0)
		if ((k = line_kind(line, (size_t)n)) >= 0) {
			f = k ? TAG_FMT_CONLLU : TAG_FMT_TEXT;
			break;
		}
	reader_close(&r);
	return f;
}

struct detect {
	struct tagger *tg;
	enum tag_format format;    /* AUTO until a line tells */
	struct buf pending;        /* the lines before it */
	struct spans lines;        /* their offsets in pending (p: NULL + offset) and lengths */
};

static int tag_as(struct detect *d, const char *s, size_t n, struct buf *out, const char *name,
                  uint64_t line, struct error *e)
{
	if (d->format == TAG_FMT_CONLLU)
		return tag_conllu_line(d->tg, s, n, out, name, line, e);
	tag_line(d->tg, s, n, out);
	return 0;
}

/* The lines held back, as the format now known says (text when none told). */
static int replay(struct detect *d, struct buf *out, const char *name, struct error *e)
{
	if (d->format == TAG_FMT_AUTO)
		d->format = TAG_FMT_TEXT;
	for (size_t i = 0; i < d->lines.n; i++)
		if (tag_as(d, d->pending.p + (size_t)d->lines.v[i].p, d->lines.v[i].n, out, name, 0,
		           e) < 0)
			return -1;
	d->lines.n = 0;
	d->pending.len = 0;
	return 0;
}

static int tag_any_line(void *ctx, const char *s, size_t n, struct buf *out, const char *name,
                        uint64_t line, struct error *e)
{
	struct detect *d = ctx;
	int k;

	if (d->format == TAG_FMT_AUTO) {
		if ((k = line_kind(s, n)) < 0) {
			spans_push(&d->lines, (const char *)d->pending.len, n);
			buf_put(&d->pending, s, n);
			return 0;
		}
		d->format = k ? TAG_FMT_CONLLU : TAG_FMT_TEXT;
		if (replay(d, out, name, e) < 0)
			return -1;
	}
	return tag_as(d, s, n, out, name, line, e);
}

/* CoNLL-U: a file's last sentence ends with the file, even without its blank line */
static void flush_file(void *ctx)
{
	struct detect *d = ctx;
	struct buf b = {0};
	struct error e;

	if (d->lines.n && replay(d, &b, NULL, &e) < 0)
		eprint_error(&e);
	if (d->format == TAG_FMT_CONLLU && d->tg->lines.n)
		flush_sentence(d->tg, &b);
	if (b.len)
		writer_write(&out, b.p, b.len);
	buf_free(&b);
}

static void tagger_init(struct tagger *tg, const struct tag_model *m, int tags_only,
                        enum tag_column column)
{
	struct error e;

	memset(tg, 0, sizeof(*tg));
	tg->m = m;
	tg->tags_only = tags_only;
	tg->column = column;
	if (tag_predictor_init(&tg->p, m, &e) < 0)
		eprint_error(&e);
}

static void tagger_free(struct tagger *tg)
{
	tag_predictor_free(&tg->p);
	spans_free(&tg->sp);
	spans_free(&tg->lines);
	buf_free(&tg->sent);
	buf_free(&tg->forms);
	free(tg->tags);
	free(tg->len);
}

static const struct option use_longopts[] = {
    {"model", required_argument, NULL, OPT_MODEL}, {"format", required_argument, NULL, OPT_FORMAT},
    {"column", required_argument, NULL, OPT_COLUMN},
    {"tags-only", no_argument, NULL, OPT_TAGS_ONLY}, {"json", no_argument, NULL, OPT_JSON},
    {"threads", required_argument, NULL, 'T'}, {"invalid", required_argument, NULL, OPT_INVALID},
    {"progress", no_argument, NULL, OPT_PROGRESS}, {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION}, {NULL, 0, NULL, 0}};

struct use_args {
	const char *model;
	enum tag_format format;
	int column;                /* -1: the model's */
	int tags_only, json, threads, policy, progress;
};

static void use_options(struct use_args *a, int argc, char **argv, int eval)
{
	const char *synopsis = eval ? eval_synopsis : tag_synopsis;
	int ch;

	a->threads = nn_default_threads();
	a->policy = UTF8_REPLACE;
	a->column = -1;
	while ((ch = getopt_long(argc, argv, "hT:", use_longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_MODEL: a->model = optarg; break;
		case OPT_FORMAT:
			a->format = (enum tag_format)opt_choice("--format", optarg, formats);
			if ((eval && a->format == TAG_FMT_TEXT) || (!eval && a->format == TAG_FMT_TSV)) {
				weprintf("--format %s: %s", optarg, eval ? "eval needs tags (conllu or "
				         "tsv)" : "tagging reads conllu or text");
				usage_error(synopsis);
			}
			break;
		case OPT_COLUMN: a->column = opt_choice("--column", optarg, columns); break;
		case OPT_TAGS_ONLY: a->tags_only = 1; if (eval) usage_error(synopsis); break;
		case OPT_JSON: a->json = 1; if (!eval) usage_error(synopsis); break;
		case 'T': a->threads = (int)estrtonum(optarg, 1, 256, "--threads"); break;
		case OPT_INVALID: a->policy = opt_policy(optarg); break;
		case OPT_PROGRESS: a->progress = 1; break;
		case 'h': usage_help(synopsis, help);
		case OPT_VERSION: print_version();
		default: usage_error(synopsis);
		}
	}
	if (!a->model) {
		weprintf("%s: which --model?", eval ? "eval" : "tag");
		usage_error(synopsis);
	}
}

static void load_model(struct tag_model *m, const char *path)
{
	struct error e;

	if (tag_model_load(m, path, &e) < 0)
		eprint_error(&e);
}

static int tag_main(int argc, char **argv)
{
	struct use_args a = {0};
	struct tag_model m;
	struct filter f = {0};
	struct tagger *tg;
	struct detect d = {0};
	void **ctxs;
	int ret, nt;

	use_options(&a, argc, argv, 0);
	load_model(&m, a.model);
	/* named files: the first decides here, so that text is tagged on threads */
	if (a.format == TAG_FMT_AUTO && argc > optind && m.c.units == TAG_UNITS_WORDS)
		a.format = detect_file(argv[optind]);
	if (a.column >= 0 && m.c.units == TAG_UNITS_CHARS)
		eprintf("%s: --column: a model of characters tags text, not CoNLL-U", a.model);
	if (m.c.units == TAG_UNITS_CHARS && a.format == TAG_FMT_CONLLU)
		eprintf("%s: --format conllu: a model of characters tags text", a.model);
	/* each sentence is tagged alone, so the threads work on lines; the products of a
	 * recurrent model stay on one */
	nt = a.format == TAG_FMT_CONLLU ? 1 : a.threads;
	nn_set_threads(1);
	tg = ecalloc((size_t)nt, sizeof(*tg));
	ctxs = ecalloc((size_t)nt, sizeof(*ctxs));
	for (int t = 0; t < nt; t++) {
		tagger_init(&tg[t], &m, a.tags_only, a.column >= 0 ? (enum tag_column)a.column
		                                                    : m.c.column);
		ctxs[t] = &tg[t];
	}
	f.policy = a.policy;
	f.progress = a.progress;
	if (m.c.units == TAG_UNITS_CHARS || a.format == TAG_FMT_TEXT) {
		f.fn = tag_line;
		f.threads = nt;
		f.ctxs = ctxs;
		ret = filter_run(&f, argv + optind, argc - optind);
	} else {
		/* CoNLL-U, or text found out from the first line: one thread, the last sentence
		 * flushed at the end */
		d.tg = &tg[0];
		d.format = a.format;
		f.fn_err = tag_any_line;
		f.ctx = &d;
		f.begin_file = flush_file;
		out_init();
		progress_init(a.progress);
		ret = filter_lines(&f, argv + optind, argc - optind);
		flush_file(&d);
		buf_free(&d.pending);
		spans_free(&d.lines);
		filter_done(&f, f.lines, "lines");
		if (out_close() != 0 && !ret)
			ret = EXIT_RUNTIME;
	}
	for (int t = 0; t < nt; t++)
		tagger_free(&tg[t]);
	free(tg);
	free(ctxs);
	tag_model_free(&m);
	return ret;
}

/* ---- eval ---- */

static void outf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void outf(const char *fmt, ...)
{
	char b[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b, sizeof(b), fmt, ap);
	va_end(ap);
	writer_write(&out, b, n < (int)sizeof(b) ? (size_t)n : sizeof(b) - 1);
}

/* The spacing figures of a spacing model's predictions: over the gaps between characters. */
static void spacing_figures(const struct tag_data *d, const uint32_t *pred, uint64_t *tp,
                            uint64_t *fp, uint64_t *fn)
{
	*tp = *fp = *fn = 0;
	for (size_t i = 0; i < d->nsent; i++)
		for (uint64_t k = d->start[i]; k + 1 < d->start[i + 1]; k++) {
			int truth = d->tag[k] == 1, guess = pred[k] == 1;

			*tp += truth && guess;
			*fp += !truth && guess;
			*fn += truth && !guess;
		}
}

/* x in %.6g, or null when it is not a number (JSON has no NaN). */
static const char *json_num(char *b, double x)
{
	if (isnan(x))
		return strcpy(b, "null");
	snprintf(b, 32, "%.6g", x);
	return b;
}

static double ratio(uint64_t a, uint64_t b)
{
	return b ? (double)a / (double)b : NAN;
}

static int eval_main(int argc, char **argv)
{
	struct use_args a = {0};
	struct tag_model m;
	struct tag_data d;
	struct cls_metrics mt;
	struct error e;
	uint32_t *pred;
	uint64_t known = 0, kok = 0, unk = 0, uok = 0, tp = 0, fp = 0, fn = 0;
	char *low, more[512];
	size_t lowcap = 4 * TAG_WORD_MAX + 4;
	int ret;

	use_options(&a, argc, argv, 1);
	load_model(&m, a.model);
	if (m.c.spacing && a.format != TAG_FMT_AUTO)
		eprintf("%s: --format: a spacing model is evaluated on spaced text", a.model);
	nn_set_threads(a.threads);
	progress_init(a.progress);
	ret = read_data(&d, argv + optind, argc - optind, m.c.spacing ? TAG_FMT_TEXT : a.format,
	                a.column >= 0 ? (enum tag_column)a.column : m.c.column, m.c.units,
	                (int)m.c.spacing, a.policy, a.progress);
	if (ret) {
		tag_data_free(&d);
		tag_model_free(&m);
		return ret;
	}
	pred = emalloc((d.ntok ? d.ntok : 1) * sizeof(*pred));
	low = emalloc(lowcap);
	if (tag_predict_data(&m, &d, a.threads, pred, &e) < 0 ||
	    cls_metrics_init(&mt, &m.tags, &e) < 0)
		eprint_error(&e);
	for (size_t i = 0; i < d.ntok; i++) {
		size_t len, wl;
		const char *t = strtab_key(&d.tags, d.tag[i], &len);
		const char *w = strtab_key(&d.words, d.tok[i], &wl);
		int ok;

		if (cls_metrics_add(&mt, t, len, pred[i], &e) < 0)
			eprint_error(&e);
		ok = (size_t)strtab_find(&m.tags, t, len) == pred[i];
		if (m.c.units == TAG_UNITS_WORDS && tag_word_id(&m, w, wl, low) != TAG_NONE) {
			known++;
			kok += ok;
		} else {
			unk++;
			uok += ok;
		}
	}
	if (m.c.spacing)
		spacing_figures(&d, pred, &tp, &fp, &fn);
	progress_clear();
	out_init();
	if (a.json) {
		double p = ratio(tp, tp + fp), r = ratio(tp, tp + fn);
		char k1[32], k2[32], sp[3][32];
		int k = 0;

		if (m.c.units == TAG_UNITS_WORDS)
			k = snprintf(more, sizeof(more), "\"known_accuracy\":%s,\"known\":%llu,"
			             "\"unknown_accuracy\":%s,\"unknown\":%llu%s",
			             json_num(k1, ratio(kok, known)), (unsigned long long)known,
			             json_num(k2, ratio(uok, unk)), (unsigned long long)unk,
			             m.c.spacing ? "," : "");
		if (m.c.spacing)
			snprintf(more + k, sizeof(more) - (size_t)k, "\"spaces\":{\"precision\":%s,"
			         "\"recall\":%s,\"f1\":%s,\"tp\":%llu,\"fp\":%llu,\"fn\":%llu}",
			         json_num(sp[0], p), json_num(sp[1], r),
			         json_num(sp[2], 2 * p * r / (p + r)), (unsigned long long)tp,
			         (unsigned long long)fp, (unsigned long long)fn);
		cls_metrics_json_more(&mt, &out, more[0] ? more : NULL);
	} else {
		if (m.c.spacing) {
			double p = ratio(tp, tp + fp), r = ratio(tp, tp + fn);

			outf("spaces    precision %.4f  recall %.4f  F1 %.4f  (%llu "
			              "found, %llu wrong, %llu missed)\n", p, r, 2 * p * r / (p + r),
			              (unsigned long long)tp, (unsigned long long)fp,
			              (unsigned long long)fn);
		}
		cls_metrics_text(&mt, &out);
		if (m.c.units == TAG_UNITS_WORDS)
			outf("known     %.4f  (%llu/%llu)\nunknown   %.4f  (%llu/%llu)\n",
			              ratio(kok, known), (unsigned long long)kok,
			              (unsigned long long)known, ratio(uok, unk),
			              (unsigned long long)uok, (unsigned long long)unk);
	}
	cls_metrics_free(&mt);
	tag_data_free(&d);
	free(pred);
	free(low);
	tag_model_free(&m);
	return out_close();
}

int main(int argc, char **argv)
{
	prog_init("nlp-tag");
	/* getopt's messages name argv[0]: the program, not the command */
	if (argc > 1 && (strcmp(argv[1], "train") == 0 || strcmp(argv[1], "tag") == 0 ||
	                 strcmp(argv[1], "eval") == 0)) {
		char *cmd = argv[1];

		argv[1] = argv[0];
		if (strcmp(cmd, "train") == 0)
			return train_main(argc - 1, argv + 1);
		if (strcmp(cmd, "eval") == 0)
			return eval_main(argc - 1, argv + 1);
		return tag_main(argc - 1, argv + 1);
	}
	if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		printf("usage: %s\n       %s\n       %s\n\n%s", train_synopsis, tag_synopsis,
		       eval_synopsis, help);
		return fflush(stdout) == 0 ? 0 : EXIT_RUNTIME;
	}
	if (argc > 1 && strcmp(argv[1], "--version") == 0)
		print_version();
	if (argc > 1 && argv[1][0] != '-') {
		weprintf("unknown command '%s': train, tag or eval (or options of tag)", argv[1]);
		fprintf(stderr, "usage: %s\n       %s\n       %s\n", train_synopsis, tag_synopsis,
		        eval_synopsis);
		return EXIT_USAGE;
	}
	return tag_main(argc, argv);
}
