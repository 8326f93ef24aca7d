/* nlp-classify: text classifiers: `train` learns a recurrent model (LSTM, GRU or tanh RNN layers,
 * bidirectional or not, pooled by the last state, the mean, the maximum or attention) or
 * fastText's linear model from `label<TAB>text` lines; `predict` writes each line's class and
 * its probability; `eval` writes accuracy, precision, recall, F1 and the confusion matrix. The
 * models are lib/cls. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
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
#include "cls/data.h"
#include "cls/linear.h"
#include "cls/metrics.h"
#include "cls/predict.h"
#include "cls/train.h"
#include "nn/gemm.h"

static const char train_synopsis[] =
    "nlp-classify train --output model [--linear] [--cell rnn|lstm|gru] [--layers n] "
    "[--hidden n] [--emb n] [--bidirectional] [--pool last|mean|max|attention] "
    "[--attention-size n] [--dropout p] [--recurrent-dropout p] [--init a] "
    "[--word-ngrams n] [--subword min-max] [--buckets n] [--loss softmax|hs] "
    "[--pretrained file] [--freeze] [--max-len n] [--optimizer adam|sgd] [--lr rate] "
    "[--lr-decay f] "
    "[--batch n] [--clip norm] [--epochs n] [--valid file] [--patience n] [--min-count n] "
    "[-T threads] [--seed n] [--log file] [--invalid policy] [--progress] [file ...]";
static const char predict_synopsis[] =
    "nlp-classify predict --model model [--probs] [--show-attention] [-T threads] "
    "[--invalid policy] [--progress] [file ...]";
static const char eval_synopsis[] =
    "nlp-classify eval --model model [--json] [-T threads] [--invalid policy] [--progress] "
    "[file ...]";

static const char help[] =
    "Text classifiers: recurrent (LSTM, GRU, tanh RNN; bidirectional; pooled by attention)\n"
    "and fastText's linear model, on lines of label TAB tokens.\n"
    "\n"
    "train: learns a model\n"
    "      --output FILE        the model file to write (the best epoch on --valid)\n"
    "      --linear             fastText's supervised model instead of a recurrent one\n"
    "      --cell C             rnn, lstm (default) or gru\n"
    "      --layers N           recurrent layers (default 1)\n"
    "      --hidden N           hidden size (default 128)\n"
    "      --emb N, --dim N     embedding size (default 128; linear 100)\n"
    "      --bidirectional      each layer reads the text both ways\n"
    "      --pool P             last, mean, max or attention (default)\n"
    "      --attention-size N   the attention layer's size (default: the pooled size)\n"
    "      --dropout P          dropout on the embeddings, between layers and on the\n"
    "                           pooled vector (default 0.3)\n"
    "      --recurrent-dropout P  dropout of the state entering each step (default 0)\n"
    "      --init A             parameters uniform in [-A, A] (default 0.1)\n"
    "      --word-ngrams N      linear: word n-grams up to N (default 1)\n"
    "      --subword MIN-MAX    linear: character n-grams of MIN to MAX characters\n"
    "      --buckets N          linear: hash buckets of the n-grams (default 2000000)\n"
    "      --loss L             linear: softmax (default) or hs\n"
    "      --pretrained FILE    word vectors (word2vec text or binary) to start from\n"
    "      --freeze             the embedding is not trained\n"
    "      --max-len N          the first N tokens of a text (default 0: all)\n"
    "      --optimizer O        adam (default) or sgd (recurrent)\n"
    "      --lr R               learning rate (default 0.001 adam, 0.1 sgd and linear)\n"
    "      --lr-decay F         the rate's factor after each epoch (recurrent; default 1)\n"
    "      --batch N            texts a batch (default 64)\n"
    "      --clip C             clip the gradient's norm at C (default 5; 0: never)\n"
    "      --epochs N           epochs (default 5)\n"
    "      --valid FILE         labelled text validated on after each epoch\n"
    "      --patience N         stop after N epochs without a better validation (default 3;\n"
    "                           0: never)\n"
    "      --min-count N        words seen fewer times are unknown (default 1)\n"
    "      --seed N             the random seed (default 1)\n"
    "      --log FILE           one TSV line an epoch\n"
    "predict: the class of each line (text, or label TAB text) and its probability\n"
    "      --model FILE         the model\n"
    "      --probs              every class and its probability, the most probable first\n"
    "      --show-attention     each token with its attention weight\n"
    "eval: accuracy, precision, recall, F1 and the confusion matrix on labelled text\n"
    "      --json               one JSON object\n"
    "all:\n"
    "  -T, --threads N          threads (default: the processors, at most 8)\n"
    "      --invalid POLICY     malformed UTF-8: replace (default), skip or fail\n"
    "      --progress           progress on stderr even when it is not a terminal\n"
    "  -h, --help               show this help\n"
    "      --version            show the version\n";

enum { OPT_OUTPUT = OPT_FIRST_PRIVATE, OPT_LINEAR, OPT_CELL, OPT_LAYERS, OPT_HIDDEN, OPT_EMB,
       OPT_BIDIR, OPT_POOL, OPT_ATT, OPT_DROPOUT, OPT_RDROPOUT, OPT_INIT, OPT_NGRAMS,
       OPT_SUBWORD, OPT_BUCKETS, OPT_LOSS, OPT_PRETRAINED, OPT_FREEZE, OPT_MAX_LEN,
       OPT_OPTIMIZER, OPT_LR, OPT_DECAY, OPT_BATCH, OPT_CLIP, OPT_EPOCHS, OPT_VALID, OPT_PATIENCE,
       OPT_MIN_COUNT, OPT_SEED, OPT_LOG, OPT_MODEL, OPT_PROBS, OPT_SHOW_ATT, OPT_JSON };

/* ---- reading labelled text ---- */

static int add_line(void *ctx, const char *s, size_t n, struct buf *out, const char *name,
                    uint64_t line, struct error *e)
{
	(void)out;
	return cls_data_add(ctx, s, n, name, line, e);
}

/* Reads labelled text from files [n] (stdin when none) into d. Returns the exit status. */
static int read_data(struct cls_data *d, char **files, int n, int policy, int progress)
{
	struct filter f = {.policy = policy, .progress = progress, .fn_err = add_line, .ctx = d};
	struct error e;

	if (cls_data_init(d, &e) < 0)
		eprint_error(&e);
	return filter_lines(&f, files, n);
}

/* ---- train ---- */

struct train_ctx {
	struct cls_model *m;
	const char *output;
	struct train_out out;       /* the model file */
	FILE *log;
	const char *log_path;
	char phase[48];
	struct cls_epoch last;
	int live;                   /* with --valid: write the model after each best epoch */
};

static void on_begin(void *ctx, const struct cls_model *m, uint64_t bytes)
{
	static const char *const cells[] = {"rnn", "lstm", "gru"};
	static const char *const pools[] = {"last", "mean", "max", "attention"};
	const struct cls_config *c = &m->c;
	char p[32], w[32], mem[32];

	(void)ctx;
	if (c->kind == CLS_LINEAR)
		progress_note("linear, dimension %u, word n-grams up to %u, character n-grams %u-%u; "
		              "%s parameters, %s words, %u classes; about %s of memory", c->emb,
		              c->word_ngrams, c->minn, c->maxn,
		              progress_count(p, sizeof(p), m->L.used),
		              progress_count(w, sizeof(w), c->words), c->classes,
		              progress_bytes(mem, sizeof(mem), bytes));
	else
		progress_note("%s%s, %u layer%s, pooled by %s; %s parameters, %s words, %u classes; "
		              "about %s of memory", c->bidirectional ? "bidirectional " : "",
		              cells[c->cell], c->layers, c->layers > 1 ? "s" : "", pools[c->pool],
		              progress_count(p, sizeof(p), m->L.used),
		              progress_count(w, sizeof(w), c->words), c->classes,
		              progress_bytes(mem, sizeof(mem), bytes));
}

static void on_step(void *ctx, const struct cls_epoch *ep, uint64_t done, uint64_t total,
                    double loss)
{
	struct train_ctx *tc = ctx;

	if (progress_epoch(tc->phase, sizeof(tc->phase), ep->epoch, ep->epochs, total, "texts"))
		progress_show(done, "loss %.4f", loss);
}

static void write_model(const void *m, struct writer *w)
{
	cls_model_write(m, w);
}

/* The model, written beside its file and renamed over it. */
static void save(const struct train_ctx *tc)
{
	train_out_save(&tc->out, write_model, tc->m);
}

static int on_epoch(void *ctx, const struct cls_epoch *ep, struct error *e)
{
	struct train_ctx *tc = ctx;

	(void)e;
	tc->phase[0] = '\0';
	tc->last = *ep;
	if (isnan(ep->valid_acc))
		progress_note("epoch %u: train loss %.4f, accuracy %.4f; %.0f texts/s", ep->epoch,
		              ep->train_loss, ep->train_acc, ep->examples_per_s);
	else
		progress_note("epoch %u: train loss %.4f, accuracy %.4f; valid loss %.4f, accuracy "
		              "%.4f%s; %.0f texts/s", ep->epoch, ep->train_loss, ep->train_acc,
		              ep->valid_loss, ep->valid_acc, ep->best ? " (best)" : "",
		              ep->examples_per_s);
	if (tc->log) {
		fprintf(tc->log, "%u\t%.6g\t%.6f\t%.6f\t%.6f\t%.6f\t%.1f\t%.2f\n", ep->epoch, ep->lr,
		        ep->train_loss, ep->train_acc, ep->valid_loss, ep->valid_acc,
		        ep->examples_per_s, ep->seconds);
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
		fprintf(tc->log, "epoch\tlr\ttrain_loss\ttrain_acc\tvalid_loss\tvalid_acc\t"
		        "examples_per_s\tseconds\n");
	}
}

struct train_args {
	struct cls_rnn_opts ro;
	struct cls_linear_opts lo;
	struct cls_train_opts o;
	int linear, policy, progress, emb_given, lr_given, dropout_given;
	unsigned char given[OPT_MODEL - OPT_FIRST_PRIVATE]; /* which private options were given */
	const char *valid, *pretrained;
};

static void parse_subword(struct train_args *a, const char *arg)
{
	char *end;
	long lo = strtol(arg, &end, 10), hi;

	if (end == arg || *end != '-' || (hi = strtol(end + 1, &end, 10), *end) || lo < 1 ||
	    hi < lo || hi > 32) {
		weprintf("--subword %s: not MIN-MAX within 1..32", arg);
		usage_error(train_synopsis);
	}
	a->lo.minn = a->ro.minn = (unsigned)lo;
	a->lo.maxn = a->ro.maxn = (unsigned)hi;
}

static void train_option(struct train_args *a, struct train_ctx *tc, int ch)
{
	static const char *const cells[] = {"rnn", "lstm", "gru", NULL};
	static const char *const pools[] = {"last", "mean", "max", "attention", NULL};
	static const char *const losses[] = {"softmax", "hs", NULL};
	static const char *const optimizers[] = {"sgd", "adam", NULL};
	struct cls_rnn_opts *ro = &a->ro;
	struct cls_train_opts *o = &a->o;

	switch (ch) {
	case OPT_OUTPUT: tc->output = optarg; break;
	case OPT_LINEAR: a->linear = 1; break;
	case OPT_CELL: ro->cell = (enum nn_cell)opt_choice("--cell", optarg, cells); break;
	case OPT_LAYERS: ro->layers = (unsigned)estrtonum(optarg, 1, CLS_MAX_LAYERS, "--layers"); break;
	case OPT_HIDDEN: ro->hidden = (unsigned)estrtonum(optarg, 1, CLS_MAX_SIZE, "--hidden"); break;
	case OPT_EMB:
		ro->emb = a->lo.dim = (unsigned)estrtonum(optarg, 1, CLS_MAX_SIZE, "--emb");
		a->emb_given = 1;
		break;
	case OPT_BIDIR: ro->bidirectional = 1; break;
	case OPT_POOL: ro->pool = (enum cls_pool)opt_choice("--pool", optarg, pools); break;
	case OPT_ATT: ro->att = (unsigned)estrtonum(optarg, 1, CLS_MAX_SIZE, "--attention-size"); break;
	case OPT_DROPOUT:
		o->dropout = (float)estrtod(optarg, 0, 0.99, "--dropout");
		a->dropout_given = 1;
		break;
	case OPT_RDROPOUT: o->rdropout = (float)estrtod(optarg, 0, 0.99, "--recurrent-dropout"); break;
	case OPT_INIT: o->init = estrtod(optarg, 0, 10, "--init"); break;
	case OPT_NGRAMS: a->lo.word_ngrams = (unsigned)estrtonum(optarg, 1, 16, "--word-ngrams"); break;
	case OPT_SUBWORD: parse_subword(a, optarg); break;
	case OPT_BUCKETS:
		a->lo.buckets = a->ro.buckets = (uint32_t)estrtonum(optarg, 1, CLS_MAX_BUCKETS, "--buckets");
		break;
	case OPT_LOSS: a->lo.loss = (enum cls_loss)opt_choice("--loss", optarg, losses); break;
	case OPT_PRETRAINED: a->pretrained = optarg; break;
	case OPT_FREEZE: o->freeze = 1; break;
	case OPT_MAX_LEN: ro->max_len = a->lo.max_len = (unsigned)estrtonum(optarg, 0, UINT_MAX, "--max-len"); break;
	case OPT_OPTIMIZER: o->adam = opt_choice("--optimizer", optarg, optimizers); break;
	case OPT_LR:
		o->lr = (float)estrtod(optarg, 1e-9, 1000, "--lr");
		a->lr_given = 1;
		break;
	case OPT_DECAY: o->decay = (float)estrtod(optarg, 1e-6, 1, "--lr-decay"); break;
	case OPT_BATCH: o->batch = (size_t)estrtonum(optarg, 1, 65536, "--batch"); break;
	case OPT_CLIP: o->clip = estrtod(optarg, 0, 1e9, "--clip"); break;
	case OPT_EPOCHS: o->epochs = (unsigned)estrtonum(optarg, 1, 100000, "--epochs"); break;
	case OPT_VALID: a->valid = optarg; break;
	case OPT_PATIENCE: o->patience = (unsigned)estrtonum(optarg, 0, 100000, "--patience"); break;
	case OPT_MIN_COUNT: o->min_count = (uint64_t)estrtonum(optarg, 1, LLONG_MAX, "--min-count"); break;
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
    {"cell", required_argument, NULL, OPT_CELL}, {"layers", required_argument, NULL, OPT_LAYERS},
    {"hidden", required_argument, NULL, OPT_HIDDEN}, {"emb", required_argument, NULL, OPT_EMB},
    {"dim", required_argument, NULL, OPT_EMB}, {"bidirectional", no_argument, NULL, OPT_BIDIR},
    {"pool", required_argument, NULL, OPT_POOL},
    {"attention-size", required_argument, NULL, OPT_ATT},
    {"dropout", required_argument, NULL, OPT_DROPOUT},
    {"recurrent-dropout", required_argument, NULL, OPT_RDROPOUT},
    {"init", required_argument, NULL, OPT_INIT},
    {"word-ngrams", required_argument, NULL, OPT_NGRAMS},
    {"subword", required_argument, NULL, OPT_SUBWORD},
    {"buckets", required_argument, NULL, OPT_BUCKETS}, {"loss", required_argument, NULL, OPT_LOSS},
    {"pretrained", required_argument, NULL, OPT_PRETRAINED},
    {"freeze", no_argument, NULL, OPT_FREEZE}, {"max-len", required_argument, NULL, OPT_MAX_LEN},
    {"optimizer", required_argument, NULL, OPT_OPTIMIZER}, {"lr", required_argument, NULL, OPT_LR},
    {"lr-decay", required_argument, NULL, OPT_DECAY},
    {"batch", required_argument, NULL, OPT_BATCH}, {"clip", required_argument, NULL, OPT_CLIP},
    {"epochs", required_argument, NULL, OPT_EPOCHS}, {"valid", required_argument, NULL, OPT_VALID},
    {"patience", required_argument, NULL, OPT_PATIENCE},
    {"min-count", required_argument, NULL, OPT_MIN_COUNT},
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
	static const int recurrent[] = {OPT_CELL, OPT_LAYERS, OPT_HIDDEN, OPT_BIDIR, OPT_POOL,
	                                OPT_ATT, OPT_DROPOUT, OPT_RDROPOUT, OPT_INIT,
	                                OPT_OPTIMIZER, OPT_DECAY, OPT_BATCH, OPT_CLIP};
	static const int linear[] = {OPT_NGRAMS, OPT_LOSS};
	const char *why = NULL;

	for (size_t i = 0; i < sizeof(recurrent) / sizeof(recurrent[0]); i++)
		if (a->linear && a->given[recurrent[i] - OPT_FIRST_PRIVATE]) {
			weprintf("--%s is an option of the recurrent model, not of --linear",
			         opt_name(recurrent[i]));
			usage_error(train_synopsis);
		}
	for (size_t i = 0; i < sizeof(linear) / sizeof(linear[0]); i++)
		if (!a->linear && a->given[linear[i] - OPT_FIRST_PRIVATE]) {
			weprintf("--%s is an option of the linear model: give --linear",
			         opt_name(linear[i]));
			usage_error(train_synopsis);
		}
	if (!tc->output)
		why = "train: which --output file?";
	else if (a->given[OPT_PATIENCE - OPT_FIRST_PRIVATE] && !a->valid)
		why = "--patience needs --valid";
	else if (a->o.freeze && !a->pretrained)
		why = "--freeze needs --pretrained";
	else if (a->ro.att && a->ro.pool != CLS_POOL_ATTENTION)
		why = "--attention-size needs --pool attention";
	if (why) {
		weprintf("%s", why);
		usage_error(train_synopsis);
	}
}

static void train_defaults(struct train_args *a, const struct vectors *pre)
{
	if (!a->lr_given)
		a->o.lr = a->linear || !a->o.adam ? 0.1f : 0.001f;
	if (!a->emb_given && pre)
		a->ro.emb = a->lo.dim = (unsigned)pre->dim;
	if (a->linear && !a->dropout_given)
		a->o.dropout = 0;
	a->o.pretrained = pre;
}


static int train_main(int argc, char **argv)
{
	struct train_args a = {
	    .ro = {.cell = NN_CELL_LSTM, .layers = 1, .hidden = 128, .emb = 128,
	           .pool = CLS_POOL_ATTENTION},
	    .lo = {.dim = 100, .word_ngrams = 1, .buckets = 2000000},
	    .ro.buckets = 100000,
	    .o = {.epochs = 5, .decay = 1, .adam = 1, .batch = 64, .clip = 5, .dropout = 0.3f,
	          .init = 0.1, .min_count = 1, .patience = 3, .seed = 1},
	    .policy = UTF8_REPLACE};
	struct train_ctx tc = {0};
	struct cls_hooks hooks = {&tc, on_begin, on_step, on_epoch};
	struct cls_data train, valid;
	struct vectors pre;
	struct cls_model m;
	struct error e;
	int ch, ret;

	a.o.threads = nn_default_threads();
	while ((ch = getopt_long(argc, argv, "hT:", train_longopts, NULL)) != -1) {
		train_option(&a, &tc, ch);
		a.given[ch >= OPT_FIRST_PRIVATE && ch < OPT_MODEL ? ch - OPT_FIRST_PRIVATE : 0] = 1;
	}
	check_train_args(&a, &tc);
	if (a.pretrained)
		train_read_vectors(&pre, a.pretrained);
	train_defaults(&a, a.pretrained ? &pre : NULL);
	nn_set_threads(a.o.threads);
	progress_init(a.progress);
	ret = read_data(&train, argv + optind, argc - optind, a.policy, a.progress);
	if (!ret && a.valid && (ret = read_data(&valid, (char **)&a.valid, 1, a.policy,
	                                        a.progress)) != 0)
		cls_data_free(&valid);
	if (ret) {
		progress_abort();
		cls_data_free(&train);
		if (a.pretrained)
			vec_free(&pre);
		return ret;
	}
	if (train.n == 0)
		eprintf("%s: no labelled text", argc > optind ? argv[argc - 1] : "stdin");
	if (cls_data_check(&train, &e) < 0)
		eprint_error(&e);
	if (a.valid && valid.n == 0)
		eprintf("%s: no labelled text to validate on", a.valid);
	tc.m = &m;
	tc.live = a.valid != NULL; /* without, each epoch is the best: the model once at the end */
	open_outputs(&tc);
	if ((a.linear ? cls_linear_train(&m, &train, a.valid ? &valid : NULL, &a.lo, &a.o, &hooks,
	                                 &e)
	              : cls_rnn_train(&m, &train, a.valid ? &valid : NULL, &a.ro, &a.o, &hooks,
	                              &e)) < 0) {
		progress_abort();
		eprint_error(&e);
	}
	save(&tc);
	if (tc.log && fclose(tc.log) != 0)
		eprintf("close %s:", tc.log_path);
	progress_done("%u epoch%s, %zu texts, %u words, %u classes; %.0f texts/s; the model of "
	              "epoch %u kept", tc.last.epoch, tc.last.epoch > 1 ? "s" : "", train.n,
	              m.c.words, m.c.classes, tc.last.examples_per_s, m.c.epochs);
	cls_model_free(&m);
	cls_data_free(&train);
	if (a.valid)
		cls_data_free(&valid);
	if (a.pretrained)
		vec_free(&pre);
	train_out_free(&tc.out);
	return 0;
}

/* ---- predict and eval ---- */

struct predictor {
	struct cls_model m;
	struct cls_predictor p;
	struct spans sp;
	float *probs;              /* [C] */
	uint32_t *order;           /* [C] */
	int all, show_att;
};

static void load_model(struct predictor *pr, const char *path)
{
	struct error e;

	if (cls_model_load(&pr->m, path, &e) < 0 || cls_predictor_init(&pr->p, &pr->m, &e) < 0)
		eprint_error(&e);
	if (pr->show_att && (pr->m.c.kind != CLS_RECURRENT || pr->m.c.pool != CLS_POOL_ATTENTION))
		eprintf("%s: --show-attention needs a model pooled by attention", path);
	pr->probs = emalloc(pr->m.c.classes * sizeof(float));
	pr->order = emalloc(pr->m.c.classes * sizeof(uint32_t));
}

static int by_prob(const void *a, const void *b, void *ctx)
{
	const float *p = ctx;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return p[x] != p[y] ? (p[x] > p[y] ? -1 : 1) : (x > y) - (x < y);
}

static void put_label(struct buf *out, const struct cls_model *m, uint32_t k, float p)
{
	size_t len;
	const char *l = strtab_key(&m->labels, k, &len);
	char num[32];

	buf_put(out, l, len);
	buf_put(out, num, (size_t)snprintf(num, sizeof(num), "\t%.6g", (double)p));
}

static void put_attention(struct buf *out, const struct predictor *pr)
{
	const struct cls_run *r = pr->p.run;
	size_t T = r->steps;
	char num[32];

	buf_putc(out, '\t');
	for (size_t t = 0; t < T; t++) {
		if (t)
			buf_putc(out, ' ');
		buf_put(out, pr->sp.v[t].p, pr->sp.v[t].n);
		buf_put(out, num, (size_t)snprintf(num, sizeof(num), "/%.3f",
		                                      (double)r->att[t]));
	}
}

static int predict_line(void *ctx, const char *s, size_t n, struct buf *out, const char *name,
                        uint64_t line, struct error *e)
{
	struct predictor *pr = ctx;
	const char *tab = memchr(s, '\t', n), *l, *text = s;
	size_t ll, tl = n;
	uint32_t C = pr->m.c.classes;

	if (tab && cls_split(s, n, &l, &ll, &text, &tl, name, line, e) < 0)
		return -1;
	spans_split_blank(text, tl, &pr->sp);
	if (pr->sp.n == 0)
		return error_bad(e, name, line, "an empty text");
	if (cls_predict(&pr->p, pr->sp.v, pr->sp.n, pr->probs, e) < 0)
		return -1;
	for (uint32_t k = 0; k < C; k++)
		pr->order[k] = k;
	qsort_r(pr->order, C, sizeof(*pr->order), by_prob, pr->probs);
	for (uint32_t k = 0; k < (pr->all ? C : 1); k++) {
		if (k)
			buf_putc(out, '\t');
		put_label(out, &pr->m, pr->order[k], pr->probs[pr->order[k]]);
	}
	if (pr->show_att)
		put_attention(out, pr);
	buf_putc(out, '\n');
	return 0;
}

static void predictor_free(struct predictor *pr)
{
	cls_predictor_free(&pr->p);
	cls_model_free(&pr->m);
	spans_free(&pr->sp);
	free(pr->probs);
	free(pr->order);
}

static const struct option use_longopts[] = {
    {"model", required_argument, NULL, OPT_MODEL}, {"probs", no_argument, NULL, OPT_PROBS},
    {"show-attention", no_argument, NULL, OPT_SHOW_ATT}, {"json", no_argument, NULL, OPT_JSON},
    {"threads", required_argument, NULL, 'T'}, {"invalid", required_argument, NULL, OPT_INVALID},
    {"progress", no_argument, NULL, OPT_PROGRESS}, {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION}, {NULL, 0, NULL, 0}};

struct use_args {
	const char *model;
	int probs, show_att, json, threads, policy, progress;
};

static void use_options(struct use_args *a, int argc, char **argv, int eval)
{
	const char *synopsis = eval ? eval_synopsis : predict_synopsis;
	int ch;

	a->threads = nn_default_threads();
	a->policy = UTF8_REPLACE;
	while ((ch = getopt_long(argc, argv, "hT:", use_longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_MODEL: a->model = optarg; break;
		case OPT_PROBS: a->probs = 1; if (eval) usage_error(synopsis); break;
		case OPT_SHOW_ATT: a->show_att = 1; if (eval) usage_error(synopsis); break;
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
		weprintf("%s: which --model?", eval ? "eval" : "predict");
		usage_error(synopsis);
	}
	nn_set_threads(a->threads);
}

static int predict_main(int argc, char **argv)
{
	struct use_args a = {0};
	struct predictor pr = {0};
	struct filter f = {.fn_err = predict_line, .ctx = &pr};
	int ret;

	use_options(&a, argc, argv, 0);
	pr.all = a.probs;
	pr.show_att = a.show_att;
	load_model(&pr, a.model);
	f.policy = a.policy;
	f.progress = a.progress;
	ret = filter_run(&f, argv + optind, argc - optind);
	predictor_free(&pr);
	return ret;
}

static int eval_main(int argc, char **argv)
{
	struct use_args a = {0};
	struct predictor pr = {0};
	struct cls_metrics mt;
	struct cls_data d;
	struct error e;
	uint32_t *pred;
	int ret;

	use_options(&a, argc, argv, 1);
	load_model(&pr, a.model);
	progress_init(a.progress);
	if ((ret = read_data(&d, argv + optind, argc - optind, a.policy, a.progress)) != 0) {
		cls_data_free(&d);
		predictor_free(&pr);
		return ret;
	}
	pred = emalloc((d.n ? d.n : 1) * sizeof(*pred));
	if (cls_predict_data(&pr.m, &d, a.threads, pred, &e) < 0 ||
	    cls_metrics_init(&mt, &pr.m.labels, &e) < 0)
		eprint_error(&e);
	for (size_t i = 0; i < d.n; i++) {
		size_t len;
		const char *l = strtab_key(&d.labels, d.label[i], &len);

		if (cls_metrics_add(&mt, l, len, pred[i], &e) < 0)
			eprint_error(&e);
	}
	progress_clear();
	out_init();
	if (a.json)
		cls_metrics_json(&mt, &out);
	else
		cls_metrics_text(&mt, &out);
	cls_metrics_free(&mt);
	cls_data_free(&d);
	free(pred);
	predictor_free(&pr);
	return out_close();
}

int main(int argc, char **argv)
{
	prog_init("nlp-classify");
	/* getopt's messages name argv[0]: the program, not the command */
	if (argc > 1 && (strcmp(argv[1], "train") == 0 || strcmp(argv[1], "predict") == 0 ||
	                 strcmp(argv[1], "eval") == 0)) {
		char *cmd = argv[1];

		argv[1] = argv[0];
		if (strcmp(cmd, "train") == 0)
			return train_main(argc - 1, argv + 1);
		if (strcmp(cmd, "predict") == 0)
			return predict_main(argc - 1, argv + 1);
		return eval_main(argc - 1, argv + 1);
	}
	if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		printf("usage: %s\n       %s\n       %s\n\n%s", train_synopsis, predict_synopsis,
		       eval_synopsis, help);
		return fflush(stdout) == 0 ? 0 : EXIT_RUNTIME;
	}
	if (argc > 1 && strcmp(argv[1], "--version") == 0)
		print_version();
	if (argc > 1)
		weprintf("unknown command '%s': train, predict or eval", argv[1]);
	else
		weprintf("which command? train, predict or eval");
	fprintf(stderr, "usage: %s\n       %s\n       %s\n", train_synopsis, predict_synopsis,
	        eval_synopsis);
	return EXIT_USAGE;
}
