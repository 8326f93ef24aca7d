/* nlp-seq2seq: sequence to sequence: `train` learns an encoder and a decoder (recurrent layers,
 * with or without attention) from `source<TAB>target` lines of characters or tokens;
 * translation (the default command) writes each source line's output, greedy or by beam
 * search, with its attention weights or their picture on request; `eval` writes the exact-match
 * and unit accuracies of the translations of pairs; `score` the log probability of each pair's
 * target. The model is lib/s2s. */
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "cli/err.h"
#include "cli/filter.h"
#include "cli/opt.h"
#include "cli/out.h"
#include "cli/progress.h"
#include "cli/trainout.h"
#include "nn/gemm.h"
#include "s2s/attmap.h"
#include "s2s/predict.h"
#include "s2s/train.h"

static const char train_synopsis[] =
    "nlp-seq2seq train --output model [--units chars|tokens] [--cell rnn|lstm|gru] "
    "[--layers n] [--hidden n] [--emb n] [--bidirectional] "
    "[--attention none|dot|general|additive] [--reverse-source] [--peeky] [--dropout p] "
    "[--init a] [--lr rate] [--lr-decay f] [--batch n] [--clip norm] [--epochs n] [--valid file] "
    "[--patience n] [-T threads] [--seed n] [--log file] [--invalid policy] [--progress] "
    "[file ...]";
static const char translate_synopsis[] =
    "nlp-seq2seq [translate] --model model [--beam k] [--max-length n] [--weights] "
    "[--attention-map file.svg] [-T threads] [--invalid policy] [--progress] [file ...]";
static const char eval_synopsis[] =
    "nlp-seq2seq eval --model model [--beam k] [--max-length n] [--json] [-T threads] "
    "[--invalid policy] [--progress] [file ...]";
static const char score_synopsis[] =
    "nlp-seq2seq score --model model [-T threads] [--invalid policy] [--progress] [file ...]";

static const char help[] =
    "Sequence to sequence: an encoder reads the source (characters or tokens), a decoder\n"
    "writes the target unit by unit, with attention over the source or without.\n"
    "\n"
    "train: learns a model from source TAB target lines\n"
    "      --output FILE        the model file to write (the best epoch on --valid)\n"
    "      --units U            chars (default: code points) or tokens (blank-separated)\n"
    "      --cell C             rnn, lstm (default) or gru\n"
    "      --layers N           recurrent layers of the encoder and of the decoder (default 1)\n"
    "      --hidden N           hidden size of each encoder direction (default 128)\n"
    "      --emb N              unit embedding size (default 32)\n"
    "      --bidirectional      a bidirectional encoder (the decoder's size is then 2 N)\n"
    "      --attention A        none, dot (default), general or additive\n"
    "      --reverse-source     the source read backwards\n"
    "      --peeky              the encoder's last state beside every decoder input and output\n"
    "      --dropout P          on each recurrent layer's input (default 0)\n"
    "      --init A             parameters uniform in [-A, A] (default 0.1)\n"
    "      --lr RATE            Adam's learning rate (default 0.001)\n"
    "      --lr-decay F         the rate multiplied by F after each epoch (default 1)\n"
    "      --batch N            pairs a batch (default 64)\n"
    "      --clip NORM          the gradient's norm at most NORM (default 5; 0: never)\n"
    "      --epochs N           passes over the data (default 10)\n"
    "      --valid FILE         pairs to validate on after each epoch (exact match)\n"
    "      --patience N         stop after N epochs without a better validation (0: never)\n"
    "      --seed N             random seed (default 1)\n"
    "      --log FILE           each epoch's figures as TSV\n"
    "translate (the default): a line's output for each line (the text before a tab)\n"
    "      --model FILE         the model\n"
    "      --beam K             beam search of width K (default: greedy)\n"
    "      --max-length N       output units at most (default 2 S + 10, S the source's)\n"
    "      --weights            each output unit's attention over the input units, as # lines\n"
    "      --attention-map FILE the first line's attention as an SVG picture (%d in FILE:\n"
    "                           a picture for every line, numbered from 1)\n"
    "eval: the exact-match and unit accuracy of the translations of source TAB target lines\n"
    "      --json               the figures as one JSON object\n"
    "score: the natural log probability of each line's target given its source\n"
    "common:\n"
    "  -T, --threads N          threads (default: the processors, at most 8)\n"
    "      --invalid POLICY     malformed UTF-8: replace (default), skip or fail\n"
    "      --progress           show progress even when stderr is not a terminal\n"
    "  -h, --help               show this help\n"
    "      --version            show the version\n";

enum { OPT_OUTPUT = OPT_FIRST_PRIVATE, OPT_UNITS, OPT_CELL, OPT_LAYERS,
       OPT_HIDDEN, OPT_EMB, OPT_BIDIR, OPT_ATTENTION, OPT_REVERSE, OPT_PEEKY, OPT_DROPOUT,
       OPT_INIT, OPT_LR, OPT_DECAY, OPT_BATCH, OPT_CLIP, OPT_EPOCHS, OPT_VALID, OPT_PATIENCE, OPT_SEED,
       OPT_LOG, OPT_MODEL, OPT_BEAM, OPT_MAXLEN, OPT_WEIGHTS, OPT_MAP, OPT_JSON };

static const char *const cells[] = {"rnn", "lstm", "gru", NULL};
static const char *const attentions[] = {"none", "dot", "general", "additive", NULL};
static const char *const unit_names[] = {"chars", "tokens", NULL};

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

/* ---- reading pairs ---- */

static int add_line(void *ctx, const char *s, size_t n, struct buf *o, const char *name,
                    uint64_t line, struct error *e)
{
	(void)o;
	return s2s_data_add(ctx, s, n, name, line, e);
}

/* Reads the pairs of files [n] (stdin when none) into d, set up for units, reversed sources
 * and the tables of m (NULL: its own). Returns the exit status. */
static int read_pairs(struct s2s_data *d, char **files, int n, enum s2s_units units,
                      int reverse, const struct s2s_model *m, int policy, int progress,
                      int need_source)
{
	struct filter f = {.policy = policy, .progress = progress, .fn_err = add_line, .ctx = d};
	struct error e;

	if (s2s_data_init(d, units, 1, reverse, m, &e) < 0)
		eprint_error(&e);
	d->need_source = need_source;
	return filter_lines(&f, files, n);
}

static const char *inputs_name(int argc, char **argv)
{
	return argc - optind == 1 ? argv[optind] : argc > optind ? "the input files" : "<stdin>";
}

/* ---- train ---- */

struct train_ctx {
	struct s2s_model *m;
	const char *output;
	struct train_out out;
	FILE *log;
	const char *log_path;
	char phase[48];
	struct s2s_epoch last;
	int live;                   /* with --valid: write the model after each best epoch */
};

static void on_begin(void *ctx, const struct s2s_model *m, uint64_t bytes)
{
	const struct s2s_config *c = &m->c;
	char p[32], mem[32];

	(void)ctx;
	progress_note("%s%s encoder, %u layer%s, attention %s%s%s; %s parameters, %u source and "
	              "%u target %s; about %s of memory", c->bidirectional ? "bidirectional " : "",
	              cells[c->cell], c->layers, c->layers > 1 ? "s" : "",
	              attentions[c->attention], c->reverse ? ", reversed source" : "",
	              c->peeky ? ", peeky" : "", progress_count(p, sizeof(p), m->L.used), c->src,
	              c->tgt, c->units == S2S_CHARS ? "characters" : "tokens",
	              progress_bytes(mem, sizeof(mem), bytes));
}

static void on_step(void *ctx, const struct s2s_epoch *ep, uint64_t done, uint64_t total,
                    double loss)
{
	struct train_ctx *tc = ctx;

	if (progress_epoch(tc->phase, sizeof(tc->phase), ep->epoch, ep->epochs, total, "units"))
		progress_show(done, "loss %.4f", loss);
}

static void write_model(const void *m, struct writer *w)
{
	s2s_model_write(m, w);
}

static int on_epoch(void *ctx, const struct s2s_epoch *ep, struct error *e)
{
	struct train_ctx *tc = ctx;

	(void)e;
	tc->phase[0] = '\0';
	tc->last = *ep;
	if (isnan(ep->valid_acc))
		progress_note("epoch %u: train loss %.4f; %.0f units/s", ep->epoch, ep->train_loss,
		              ep->units_per_s);
	else
		progress_note("epoch %u: train loss %.4f; valid exact match %.4f%s; %.0f units/s",
		              ep->epoch, ep->train_loss, ep->valid_acc, ep->best ? " (best)" : "",
		              ep->units_per_s);
	if (tc->log) {
		fprintf(tc->log, "%u\t%.6g\t%.6f\t%.6f\t%.1f\t%.3f\n", ep->epoch, ep->lr,
		        ep->train_loss, ep->valid_acc, ep->units_per_s, ep->seconds);
		if (fflush(tc->log) != 0)
			eprintf("write %s:", tc->log_path);
	}
	if (tc->live && ep->best)
		train_out_save(&tc->out, write_model, tc->m);
	return 0;
}

static const struct option train_longopts[] = {
    {"output", required_argument, NULL, OPT_OUTPUT}, {"units", required_argument, NULL, OPT_UNITS},
    {"cell", required_argument, NULL, OPT_CELL}, {"layers", required_argument, NULL, OPT_LAYERS},
    {"hidden", required_argument, NULL, OPT_HIDDEN}, {"emb", required_argument, NULL, OPT_EMB},
    {"bidirectional", no_argument, NULL, OPT_BIDIR},
    {"attention", required_argument, NULL, OPT_ATTENTION},
    {"reverse-source", no_argument, NULL, OPT_REVERSE}, {"peeky", no_argument, NULL, OPT_PEEKY},
    {"dropout", required_argument, NULL, OPT_DROPOUT}, {"init", required_argument, NULL, OPT_INIT},
    {"lr", required_argument, NULL, OPT_LR}, {"lr-decay", required_argument, NULL, OPT_DECAY},
    {"batch", required_argument, NULL, OPT_BATCH},
    {"clip", required_argument, NULL, OPT_CLIP}, {"epochs", required_argument, NULL, OPT_EPOCHS},
    {"valid", required_argument, NULL, OPT_VALID},
    {"patience", required_argument, NULL, OPT_PATIENCE},
    {"threads", required_argument, NULL, 'T'}, {"seed", required_argument, NULL, OPT_SEED},
    {"log", required_argument, NULL, OPT_LOG}, {"invalid", required_argument, NULL, OPT_INVALID},
    {"progress", no_argument, NULL, OPT_PROGRESS}, {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION}, {NULL, 0, NULL, 0}};

struct train_args {
	struct s2s_config c;
	struct s2s_train_opts o;
	const char *valid;
	int policy, progress, patience_given;
};

static void train_option(struct train_args *a, struct train_ctx *tc, int ch)
{
	struct s2s_config *c = &a->c;
	struct s2s_train_opts *o = &a->o;

	switch (ch) {
	case OPT_OUTPUT: tc->output = optarg; break;
	case OPT_UNITS: c->units = (enum s2s_units)opt_choice("--units", optarg, unit_names); break;
	case OPT_CELL: c->cell = (enum nn_cell)opt_choice("--cell", optarg, cells); break;
	case OPT_LAYERS: c->layers = (uint32_t)estrtonum(optarg, 1, S2S_MAX_LAYERS, "--layers"); break;
	case OPT_HIDDEN: c->hidden = (uint32_t)estrtonum(optarg, 1, S2S_MAX_SIZE / 2, "--hidden"); break;
	case OPT_EMB: c->emb = (uint32_t)estrtonum(optarg, 1, S2S_MAX_SIZE, "--emb"); break;
	case OPT_BIDIR: c->bidirectional = 1; break;
	case OPT_ATTENTION:
		c->attention = (enum s2s_attention)opt_choice("--attention", optarg, attentions);
		break;
	case OPT_REVERSE: c->reverse = 1; break;
	case OPT_PEEKY: c->peeky = 1; break;
	case OPT_DROPOUT:
		c->dropout = estrtod(optarg, 0, 0.99, "--dropout");
		o->dropout = (float)c->dropout;
		break;
	case OPT_INIT: o->init = estrtod(optarg, 0, 10, "--init"); break;
	case OPT_LR:
		c->lr = estrtod(optarg, 1e-9, 1000, "--lr");
		o->lr = (float)c->lr;
		break;
	case OPT_DECAY: o->decay = (float)estrtod(optarg, 1e-6, 1, "--lr-decay"); break;
	case OPT_BATCH: o->batch = (size_t)estrtonum(optarg, 1, 65536, "--batch"); break;
	case OPT_CLIP: o->clip = estrtod(optarg, 0, 1e9, "--clip"); break;
	case OPT_EPOCHS: o->epochs = (unsigned)estrtonum(optarg, 1, 1000000, "--epochs"); break;
	case OPT_VALID: a->valid = optarg; break;
	case OPT_PATIENCE:
		o->patience = (unsigned)estrtonum(optarg, 0, 1000000, "--patience");
		a->patience_given = 1;
		break;
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

static int train_main(int argc, char **argv)
{
	struct train_args a = {
	    .c = {.units = S2S_CHARS, .cell = NN_CELL_LSTM, .layers = 1, .hidden = 128, .emb = 32,
	          .attention = S2S_ATT_DOT, .lr = 0.001},
	    .o = {.epochs = 10, .lr = 0.001f, .decay = 1, .batch = 64, .clip = 5, .init = 0.1, .seed = 1},
	    .policy = UTF8_REPLACE};
	struct train_ctx tc = {0};
	struct s2s_hooks hooks = {&tc, on_begin, on_step, on_epoch};
	struct s2s_data train, valid;
	struct strtab st, tt;
	struct s2s_model m;
	struct error e;
	int ch, ret;

	a.o.threads = nn_default_threads();
	while ((ch = getopt_long(argc, argv, "hT:", train_longopts, NULL)) != -1)
		train_option(&a, &tc, ch);
	if (!tc.output) {
		weprintf("train: which --output file?");
		usage_error(train_synopsis);
	}
	if (a.patience_given && !a.valid) {
		weprintf("--patience needs --valid");
		usage_error(train_synopsis);
	}
	nn_set_threads(a.o.threads);
	progress_init(a.progress);
	ret = read_pairs(&train, argv + optind, argc - optind, a.c.units, (int)a.c.reverse, NULL,
	                 a.policy, a.progress, 0);
	if (ret) {
		progress_abort();
		s2s_data_free(&train);
		return ret;
	}
	if (train.skipped)
		weprintf("%llu pair%s with an empty source skipped", (unsigned long long)train.skipped,
		         train.skipped > 1 ? "s" : "");
	if (train.n == 0)
		eprintf("%s: no pairs to learn from", inputs_name(argc, argv));
	if (s2s_data_tables(&train, &st, &tt, &e) < 0)
		eprint_error(&e);
	a.c.src = (uint32_t)st.n;
	a.c.tgt = (uint32_t)tt.n;
	a.c.batch = (uint32_t)a.o.batch;
	a.c.seed = a.o.seed;
	a.c.valid_acc = NAN;
	if (s2s_model_init(&m, &a.c, &st, &tt, &e) < 0)
		eprint_error(&e);
	if (a.valid) {
		if ((ret = read_pairs(&valid, (char **)&a.valid, 1, a.c.units, (int)a.c.reverse, &m,
		                      a.policy, a.progress, 0)) != 0) {
			progress_abort();
			s2s_data_free(&valid);
			s2s_data_free(&train);
			s2s_model_free(&m);
			return ret;
		}
		if (valid.n == 0)
			eprintf("%s: no pairs to validate on", a.valid);
	}
	tc.m = &m;
	tc.live = a.valid != NULL;  /* without, each epoch is the best: the model once at the end */
	train_out_open(&tc.out, tc.output);
	if (tc.log_path) {
		if (!(tc.log = fopen(tc.log_path, "w")))
			eprintf("open %s:", tc.log_path);
		fprintf(tc.log, "epoch\tlr\ttrain_loss\tvalid_exact\tunits_per_s\tseconds\n");
	}
	if (s2s_train(&m, &train, a.valid ? &valid : NULL, &a.o, &hooks, &e) < 0) {
		progress_abort();
		eprint_error(&e);
	}
	train_out_save(&tc.out, write_model, &m);
	if (tc.log && fclose(tc.log) != 0)
		eprintf("close %s:", tc.log_path);
	progress_done("%u epoch%s, %zu pairs, %u source and %u target %s; %.0f units/s; the model "
	              "of epoch %u kept", tc.last.epoch, tc.last.epoch > 1 ? "s" : "", train.n,
	              m.c.src, m.c.tgt, m.c.units == S2S_CHARS ? "characters" : "tokens",
	              tc.last.units_per_s, m.c.epochs);
	s2s_model_free(&m);
	s2s_data_free(&train);
	if (a.valid)
		s2s_data_free(&valid);
	train_out_free(&tc.out);
	return 0;
}

/* ---- translate, eval, score ---- */

enum command { CMD_TRANSLATE, CMD_EVAL, CMD_SCORE };

static const struct option use_longopts[] = {
    {"model", required_argument, NULL, OPT_MODEL}, {"beam", required_argument, NULL, OPT_BEAM},
    {"max-length", required_argument, NULL, OPT_MAXLEN},
    {"weights", no_argument, NULL, OPT_WEIGHTS},
    {"attention-map", required_argument, NULL, OPT_MAP}, {"json", no_argument, NULL, OPT_JSON},
    {"threads", required_argument, NULL, 'T'}, {"invalid", required_argument, NULL, OPT_INVALID},
    {"progress", no_argument, NULL, OPT_PROGRESS}, {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION}, {NULL, 0, NULL, 0}};

struct use_args {
	const char *model, *map;
	size_t beam, maxlen;
	int weights, json, threads, policy, progress;
};

static void use_options(struct use_args *a, int argc, char **argv, enum command cmd)
{
	const char *synopsis = cmd == CMD_EVAL ? eval_synopsis : cmd == CMD_SCORE ? score_synopsis
	                                                                          : translate_synopsis;
	const char *name = cmd == CMD_EVAL ? "eval" : cmd == CMD_SCORE ? "score" : "translate";
	int ch;

	a->policy = UTF8_REPLACE;
	a->threads = nn_default_threads();
	while ((ch = getopt_long(argc, argv, "hT:", use_longopts, NULL)) != -1) {
		int ok = 1;

		switch (ch) {
		case OPT_MODEL: a->model = optarg; break;
		case OPT_BEAM: a->beam = (size_t)estrtonum(optarg, 1, 100, "--beam"); ok = cmd != CMD_SCORE; break;
		case OPT_MAXLEN:
			a->maxlen = (size_t)estrtonum(optarg, 1, 10000, "--max-length");
			ok = cmd != CMD_SCORE;
			break;
		case OPT_WEIGHTS: a->weights = 1; ok = cmd == CMD_TRANSLATE; break;
		case OPT_MAP: a->map = optarg; ok = cmd == CMD_TRANSLATE; break;
		case OPT_JSON: a->json = 1; ok = cmd == CMD_EVAL; break;
		case 'T': a->threads = (int)estrtonum(optarg, 1, 256, "--threads"); break;
		case OPT_INVALID: a->policy = opt_policy(optarg); break;
		case OPT_PROGRESS: a->progress = 1; break;
		case 'h': usage_help(synopsis, help);
		case OPT_VERSION: print_version();
		default: usage_error(synopsis);
		}
		if (!ok) {
			const struct option *o = use_longopts;

			while (o->name && o->val != ch)
				o++;
			weprintf("--%s is not an option of %s", o->name, name);
			usage_error(synopsis);
		}
	}
	if (!a->model) {
		weprintf("%s: which --model?", name);
		usage_error(synopsis);
	}
}

static void load_model(struct s2s_model *m, const char *path)
{
	struct error e;

	if (s2s_model_load(m, path, &e) < 0)
		eprint_error(&e);
}

/* A translation's text: its units (chars: one after another; tokens: a blank between). */
static void put_output(struct buf *b, const struct s2s_model *m, const struct s2s_out *o)
{
	for (size_t i = 0; i < o->len; i++) {
		size_t len;
		const char *k = strtab_key(&m->tgt, o->ids[i], &len);

		if (i && m->c.units == S2S_TOKENS)
			buf_putc(b, ' ');
		s2s_unit_text(b, k, len, m->c.units);
	}
}

struct translator {
	const struct s2s_model *m;
	struct use_args *a;
	struct s2s_data d;          /* the chunk's sources */
	struct buf text;            /* the chunk's lines */
	struct spans lines;         /* each as an offset (p: NULL + offset) and a length */
	uint64_t done;              /* lines translated before the chunk */
	struct spans sp;            /* scratch */
	struct buf b, name;
};

#define CHUNK 4096

/* The source part of a line: before its first tab. */
static size_t source_len(const char *s, size_t n)
{
	const char *tab = n ? memchr(s, '\t', n) : NULL;

	return tab ? (size_t)(tab - s) : n;
}

/* The --weights lines of line i of the chunk and its output o. */
static void put_weights(struct translator *tr, const char *s, size_t n, const struct s2s_out *o)
{
	const struct s2s_model *m = tr->m;
	size_t S, rows = o->len + (size_t)o->ended;
	char kb[16];

	s2s_split(s, n, m->c.units, &tr->sp);
	S = tr->sp.n;
	writer_write(&out, "#\t", 2);
	for (size_t s2 = 0; s2 < S; s2++) {
		size_t len;
		const char *k = s2s_unit_key(tr->sp.v[s2].p, tr->sp.v[s2].n, m->c.units, kb, &len);

		writer_putc(&out, '\t');
		writer_write(&out, k, len);
	}
	writer_putc(&out, '\n');
	for (size_t t = 0; t < rows; t++) {
		size_t len;
		const char *k = strtab_key(&m->tgt, t < o->len ? o->ids[t] : S2S_EOS, &len);

		writer_write(&out, "#\t", 2);
		writer_write(&out, k, len);
		for (size_t j = 0; j < S; j++)
			outf("\t%.6f", (double)o->att[t * S + j]);
		writer_putc(&out, '\n');
	}
}

/* The attention map of a line (number lineno from 1) into the --attention-map file. */
static void put_map(struct translator *tr, const char *s, size_t n, const struct s2s_out *o,
                    uint64_t lineno)
{
	const struct s2s_model *m = tr->m;
	const char *path = tr->a->map, *pct = strstr(path, "%d");
	size_t S, rows = o->len + (size_t)o->ended;
	const char **src, **tgt;
	struct writer fw;
	struct buf lab = {0};
	size_t *off;
	int fd;

	s2s_split(s, n, m->c.units, &tr->sp);
	S = tr->sp.n;
	src = emalloc((S + 1) * sizeof(*src));
	tgt = emalloc((rows + 1) * sizeof(*tgt));
	off = emalloc((S + rows + 1) * sizeof(*off));
	for (size_t j = 0; j < S; j++) {
		off[j] = lab.len;
		buf_put(&lab, tr->sp.v[j].p, tr->sp.v[j].n);
		buf_putc(&lab, '\0');
	}
	for (size_t t = 0; t < rows; t++) {
		size_t len;
		const char *k = strtab_key(&m->tgt, t < o->len ? o->ids[t] : S2S_EOS, &len);

		off[S + t] = lab.len;
		if (t < o->len)
			s2s_unit_text(&lab, k, len, m->c.units);
		else
			buf_put(&lab, k, len);
		buf_putc(&lab, '\0');
	}
	for (size_t j = 0; j < S; j++)
		src[j] = lab.p + off[j];
	for (size_t t = 0; t < rows; t++)
		tgt[t] = lab.p + off[S + t];
	tr->name.len = 0;
	if (pct) {
		buf_put(&tr->name, path, (size_t)(pct - path));
		{
			char num[24];

			buf_put(&tr->name, num, (size_t)snprintf(num, sizeof(num), "%llu",
			                                         (unsigned long long)lineno));
		}
		buf_put(&tr->name, pct + 2, strlen(pct + 2));
	} else {
		buf_put(&tr->name, path, strlen(path));
	}
	buf_putc(&tr->name, '\0');
	fd = out_file_open(&fw, tr->name.p);
	attmap_svg(&fw, src, S, tgt, rows, o->att);
	out_file_close(&fw, fd, tr->name.p);
	buf_free(&lab);
	free(src);
	free(tgt);
	free(off);
}

/* Translates the chunk's lines and writes them. */
static void flush_chunk(struct translator *tr)
{
	struct s2s_results res;
	struct error e;
	struct use_args *a = tr->a;

	if (tr->d.n == 0)
		return;
	if (s2s_translate_all(tr->m, &tr->d, a->beam, a->maxlen, a->weights || a->map,
	                      a->threads, &res, &e) < 0)
		eprint_error(&e);
	for (size_t i = 0; i < tr->d.n; i++) {
		const char *s = tr->text.p + (size_t)tr->lines.v[i].p;
		size_t n = source_len(s, tr->lines.v[i].n), S;
		uint64_t lineno = tr->done + i + 1;

		tr->b.len = 0;
		put_output(&tr->b, tr->m, &res.out[i]);
		buf_putc(&tr->b, '\n');
		writer_write(&out, tr->b.p, tr->b.len);
		s2s_src(&tr->d, i, &S);
		if (S == 0)
			continue;
		if (a->weights)
			put_weights(tr, s, n, &res.out[i]);
		if (a->map && (lineno == 1 || strstr(a->map, "%d")))
			put_map(tr, s, n, &res.out[i], lineno);
	}
	tr->done += tr->d.n;
	s2s_results_free(&res);
	s2s_data_clear(&tr->d);
	tr->text.len = 0;
	tr->lines.n = 0;
}

static int translate_line(void *ctx, const char *s, size_t n, struct buf *o, const char *name,
                          uint64_t line, struct error *e)
{
	struct translator *tr = ctx;

	(void)o;
	if (s2s_data_add(&tr->d, s, source_len(s, n), name, line, e) < 0)
		return -1;
	spans_push(&tr->lines, (const char *)tr->text.len, n);
	buf_put(&tr->text, s, n);
	if (tr->d.n == CHUNK)
		flush_chunk(tr);
	return 0;
}

static void check_attention(const struct s2s_model *m, const struct use_args *a)
{
	if ((a->weights || a->map) && m->c.attention == S2S_ATT_NONE) {
		weprintf("%s: --%s: the model has no attention", a->model,
		         a->weights ? "weights" : "attention-map");
		usage_error(translate_synopsis);
	}
}

static int translate_main(int argc, char **argv)
{
	struct use_args a = {0};
	struct s2s_model m;
	struct translator tr;
	struct filter f;
	struct error e;
	int ret;

	use_options(&a, argc, argv, CMD_TRANSLATE);
	load_model(&m, a.model);
	check_attention(&m, &a);
	nn_set_threads(a.threads);
	memset(&tr, 0, sizeof(tr));
	tr.m = &m;
	tr.a = &a;
	if (s2s_data_init(&tr.d, m.c.units, 0, (int)m.c.reverse, &m, &e) < 0)
		eprint_error(&e);
	f = (struct filter){.policy = a.policy, .progress = a.progress, .fn_err = translate_line,
	                    .ctx = &tr};
	progress_init(a.progress);
	out_init();
	ret = filter_lines(&f, argv + optind, argc - optind);
	if (!ret)
		flush_chunk(&tr);
	filter_done(&f, tr.done, "lines");
	s2s_data_free(&tr.d);
	buf_free(&tr.text);
	buf_free(&tr.b);
	buf_free(&tr.name);
	spans_free(&tr.lines);
	spans_free(&tr.sp);
	s2s_model_free(&m);
	return out_close() || ret;
}

/* eval's and score's start: the options, the model, the pairs of the files. Returns the exit
 * status of reading them (not 0: everything freed). */
static int model_and_pairs(struct use_args *a, struct s2s_model *m, struct s2s_data *d, int argc,
                           char **argv, enum command cmd)
{
	int ret;

	use_options(a, argc, argv, cmd);
	load_model(m, a->model);
	nn_set_threads(a->threads);
	progress_init(a->progress);
	ret = read_pairs(d, argv + optind, argc - optind, m->c.units, (int)m->c.reverse, m,
	                 a->policy, a->progress, cmd == CMD_SCORE);
	if (ret) {
		s2s_data_free(d);
		s2s_model_free(m);
	}
	return ret;
}

/* x in %.6f, or null when it is NaN (no pairs). */
static const char *json_num(char *b, double x)
{
	if (isnan(x))
		return strcpy(b, "null");
	snprintf(b, 32, "%.6f", x);
	return b;
}

static int eval_main(int argc, char **argv)
{
	struct use_args a = {0};
	struct s2s_model m;
	struct s2s_data d;
	struct s2s_results res;
	struct error e;
	uint64_t exact = 0, right = 0, units = 0;
	int ret;

	if ((ret = model_and_pairs(&a, &m, &d, argc, argv, CMD_EVAL)) != 0)
		return ret;
	if (s2s_translate_all(&m, &d, a.beam, a.maxlen, 0, a.threads, &res, &e) < 0)
		eprint_error(&e);
	for (size_t i = 0; i < d.n; i++) {
		const struct s2s_out *o = &res.out[i];
		size_t tl;
		const uint32_t *t = s2s_tgt(&d, i, &tl);

		exact += (uint64_t)s2s_exact(&d, i, o);
		for (size_t k = 0; k < tl && k < o->len; k++)
			right += t[k] == o->ids[k] && t[k] != S2S_UNK;
		units += tl > o->len ? tl : o->len;
	}
	progress_clear();
	out_init();
	{
		double em = d.n ? (double)exact / (double)d.n : NAN;
		double ua = units ? (double)right / (double)units : d.n ? 1 : NAN;
		char j1[32], j2[32];

		if (a.json)
			outf("{\"lines\":%zu,\"exact\":%llu,\"exact_match\":%s,\"unit_accuracy\":%s}\n",
			     d.n, (unsigned long long)exact, json_num(j1, em), json_num(j2, ua));
		else
			outf("exact match: %.4f (%llu of %zu)\nunit accuracy: %.4f (%llu of %llu)\n", em,
			     (unsigned long long)exact, d.n, ua, (unsigned long long)right,
			     (unsigned long long)units);
	}
	if (d.skipped)
		weprintf("%llu pair%s with an empty source left out", (unsigned long long)d.skipped,
		         d.skipped > 1 ? "s" : "");
	s2s_results_free(&res);
	s2s_data_free(&d);
	s2s_model_free(&m);
	return out_close();
}

static int score_main(int argc, char **argv)
{
	struct use_args a = {0};
	struct s2s_model m;
	struct s2s_data d;
	struct error e;
	double *sc;
	int ret;

	if ((ret = model_and_pairs(&a, &m, &d, argc, argv, CMD_SCORE)) != 0)
		return ret;
	sc = emalloc((d.n + 1) * sizeof(*sc));
	if (s2s_score_all(&m, &d, sc, &e) < 0)
		eprint_error(&e);
	progress_clear();
	out_init();
	for (size_t i = 0; i < d.n; i++)
		outf("%.6f\n", sc[i]);
	free(sc);
	s2s_data_free(&d);
	s2s_model_free(&m);
	return out_close();
}

int main(int argc, char **argv)
{
	prog_init("nlp-seq2seq");
	if (argc > 1 && (strcmp(argv[1], "train") == 0 || strcmp(argv[1], "translate") == 0 ||
	                 strcmp(argv[1], "eval") == 0 || strcmp(argv[1], "score") == 0)) {
		char *cmd = argv[1];

		argv[1] = argv[0];
		if (strcmp(cmd, "train") == 0)
			return train_main(argc - 1, argv + 1);
		if (strcmp(cmd, "eval") == 0)
			return eval_main(argc - 1, argv + 1);
		if (strcmp(cmd, "score") == 0)
			return score_main(argc - 1, argv + 1);
		return translate_main(argc - 1, argv + 1);
	}
	if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		printf("usage: %s\n       %s\n       %s\n       %s\n\n%s", train_synopsis,
		       translate_synopsis, eval_synopsis, score_synopsis, help);
		return fflush(stdout) == 0 ? 0 : EXIT_RUNTIME;
	}
	if (argc > 1 && strcmp(argv[1], "--version") == 0)
		print_version();
	if (argc > 1 && argv[1][0] != '-') {
		weprintf("unknown command '%s': train, translate, eval or score (or options of "
		         "translate)", argv[1]);
		fprintf(stderr, "usage: %s\n       %s\n       %s\n       %s\n", train_synopsis,
		        translate_synopsis, eval_synopsis, score_synopsis);
		return EXIT_USAGE;
	}
	return translate_main(argc, argv);
}
