/* nlp-rnnlm: recurrent language models (tanh RNN, LSTM, GRU): `train` learns one from token
 * text (one sentence a line) and writes the model file; `score` writes the log10 probability of
 * each line (or word) under a model; `generate` draws sentences. The model, its training and its
 * use are lib/lm/rnnlm.h, rnntrain.h and rnninfer.h. */
#include <cblas.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/mem.h"
#include "base/par.h"
#include "base/rng.h"
#include "base/spans.h"
#include "cli/err.h"
#include "cli/filter.h"
#include "cli/opt.h"
#include "cli/out.h"
#include "cli/progress.h"
#include "cli/trainout.h"
#include "count/vocab.h"
#include "lm/rnninfer.h"
#include "nn/gemm.h"
#include "lm/rnntrain.h"
#include "nn/nnfile.h"

static const char train_synopsis[] =
    "nlp-rnnlm train --output model [--cell rnn|lstm|gru] [--layers n] [--emb n] [--hidden n] "
    "[--bptt n] [--batch n] [--dropout p] [--variational] [--tie] [--init a] "
    "[--optimizer sgd|adam] [--lr rate] [--decay-after n] [--decay f] [--plateau] "
    "[--clip norm] [--epochs n] [--valid file] [-v vocab] [--min-count n] [-T threads] "
    "[--seed n] [--log file] [--invalid policy] [--progress] [file ...]";
static const char score_synopsis[] =
    "nlp-rnnlm score --model model [--words] [--reset] [-T threads] [--invalid policy] "
    "[--progress] [file ...]";
static const char generate_synopsis[] =
    "nlp-rnnlm generate --model model [--prefix words] [--count n] [--length n] "
    "[--temperature t] [--top-k k] [--seed n]";

static const char help[] =
    "Recurrent language models (tanh RNN, LSTM, GRU) trained by truncated backpropagation\n"
    "through time.\n"
    "\n"
    "train: learns a model from token text, one sentence a line\n"
    "      --output FILE      the model file to write (the best on --valid)\n"
    "      --cell C           rnn, lstm (default) or gru\n"
    "      --layers N         recurrent layers (default 2)\n"
    "      --emb N            embedding size (default 200)\n"
    "      --hidden N         hidden size (default 200)\n"
    "      --bptt N           steps of a window (default 20)\n"
    "      --batch N          parallel streams (default 20)\n"
    "      --dropout P        dropout between layers and around them (default 0)\n"
    "      --variational      the same dropout mask at every step of a window\n"
    "      --tie              the softmax layer's weight is the embedding (--emb = --hidden)\n"
    "      --init A           parameters uniform in [-A, A] (default 0.1)\n"
    "      --optimizer O      sgd (default) or adam\n"
    "      --lr R             learning rate (default 1 for sgd, 0.001 for adam)\n"
    "      --decay-after N    epochs at --lr before the decay (default 4)\n"
    "      --decay F          the rate's factor each epoch after them (default 0.5)\n"
    "      --plateau          halve the rate after an epoch that does not improve --valid\n"
    "      --clip C           clip the gradient's norm at C (default 5; 0: never)\n"
    "      --epochs N         epochs (default 13)\n"
    "      --valid FILE       text scored after each epoch; the best model is kept\n"
    "  -v, --vocab FILE       nlp-vocab's file: the vocabulary (else built from the text)\n"
    "      --min-count N      without -v: words seen at least N times (default 1)\n"
    "  -T, --threads N        threads (default: the processors, at most 8)\n"
    "      --seed N           the random seed (default 1)\n"
    "      --log FILE         one TSV line an epoch: epoch, lr, train_ppl, valid_ppl,\n"
    "                         tokens_per_s, seconds\n"
    "score: the log10 probability of each line (TAB its tokens) under a model\n"
    "      --model FILE       the model\n"
    "      --words            a line 'word TAB log10 p' for each token, then an empty line\n"
    "      --reset            each line from a fresh state (default: the state runs on)\n"
    "generate: draws sentences from a model, one a line\n"
    "      --prefix WORDS     the words each sentence starts with\n"
    "      --count N          sentences (default 1)\n"
    "      --length N         at most N words drawn a sentence (default 50)\n"
    "      --temperature T    the logits divided by T (default 1)\n"
    "      --top-k K          draw among the K most probable words (default 0: all)\n"
    "      --seed N           the random seed (default 1)\n"
    "all:  --invalid POLICY   malformed UTF-8 in the text: replace (default), skip or fail\n"
    "      --progress         progress on stderr even when it is not a terminal\n"
    "  -h, --help             show this help\n"
    "      --version          show the version\n";

enum { OPT_OUTPUT = OPT_FIRST_PRIVATE, OPT_CELL, OPT_LAYERS, OPT_EMB, OPT_HIDDEN, OPT_BPTT,
       OPT_BATCH, OPT_DROPOUT, OPT_VARIATIONAL, OPT_TIE, OPT_INIT, OPT_OPTIMIZER, OPT_LR,
       OPT_DECAY_AFTER, OPT_DECAY, OPT_PLATEAU, OPT_CLIP, OPT_EPOCHS, OPT_VALID, OPT_MIN_COUNT,
       OPT_SEED, OPT_LOG, OPT_MODEL, OPT_WORDS, OPT_RESET, OPT_PREFIX, OPT_COUNT, OPT_LENGTH,
       OPT_TEMPERATURE, OPT_TOP_K };

/* ---- train ---- */

struct reading {
	struct rnn_text text;
	struct spans sp;
};

static void read_line(void *ctx, const char *s, size_t n, struct buf *out)
{
	struct reading *rd = ctx;
	struct error e;

	(void)out;
	if (rnn_text_line(&rd->text, s, n, &rd->sp, &e) < 0)
		eprint_error(&e);
}

/* Reads token text from files [n] (stdin when none) into rd. Returns the exit status. */
static int read_text(struct reading *rd, char **files, int n, int policy, int progress)
{
	struct filter f = {.policy = policy, .progress = progress, .fn = read_line, .ctx = rd};
	struct error e;

	if (rnn_text_init(&rd->text, &e) < 0)
		eprint_error(&e);
	return filter_lines(&f, files, n);
}

/* The vocabulary of nlp-vocab's file path: </s>, <unk>, then its words in its order. */
static void vocab_from_file(struct strtab *vocab, const char *path)
{
	struct vocab v;
	struct error e;

	if (vocab_load(&v, path, &e) < 0)
		eprint_error(&e);
	if (strtab_init(vocab, vocab_size(&v) + 2) < 0 || strtab_intern(vocab, "</s>", 4) < 0 ||
	    strtab_intern(vocab, "<unk>", 5) < 0)
		eprintf("%s: out of memory", path);
	for (size_t i = 0; i < vocab_size(&v); i++) {
		size_t len;
		const char *w = vocab_token(&v, i, &len);

		if (!rnnlm_word_ok(w, len))
			weprintf("%s: line %zu: a word of %zu bytes (at most %d) left out", path, i + 1,
			         len, NNFILE_WORD_MAX);
		else if (strtab_intern(vocab, w, len) < 0)
			eprintf("%s: out of memory", path);
	}
	vocab_free(&v);
}

static void free_texts(struct reading *a, struct reading *b)
{
	rnn_text_free(&a->text);
	rnn_text_free(&b->text);
	spans_free(&a->sp);
	spans_free(&b->sp);
}

struct train_ctx {
	struct rnnlm *m;
	const char *output;
	struct train_out out;       /* the model file */
	FILE *log;
	const char *log_path;
	char phase[48];
	double best, tokens_per_s;  /* the best validation perplexity (NaN: none), the last rate */
};

static void on_step(void *ctx, const struct rnn_epoch *ep, uint64_t done, uint64_t total,
                    double loss)
{
	struct train_ctx *tc = ctx;

	if (done == 0)
		tc->phase[0] = '\0';
	if (progress_epoch(tc->phase, sizeof(tc->phase), ep->epoch, ep->epochs, total, "tokens"))
		progress_show(done, "loss %.3f, ppl %.1f, lr %.3g", loss, exp(loss), ep->lr);
}

static void write_model(const void *m, struct writer *w)
{
	rnnlm_write(m, w);
}

/* The model, written beside its file and renamed over it: a run stopped midway leaves the last
 * model whole. */
static void save(const struct train_ctx *tc)
{
	train_out_save(&tc->out, write_model, tc->m);
}

static int on_epoch(void *ctx, const struct rnn_epoch *ep, struct error *e)
{
	struct train_ctx *tc = ctx;

	(void)e;
	tc->phase[0] = '\0';
	tc->tokens_per_s = ep->tokens_per_s;
	if (ep->valid_ppl < tc->best || isnan(tc->best))
		tc->best = ep->valid_ppl;
	if (tc->log) {
		fprintf(tc->log, "%u\t%.6g\t%.4f\t%.4f\t%.1f\t%.2f\n", ep->epoch, ep->lr,
		        ep->train_ppl, ep->valid_ppl, ep->tokens_per_s, ep->seconds);
		if (fflush(tc->log) != 0)
			eprintf("write %s:", tc->log_path);
	}
	if (ep->best)
		save(tc);
	return 0;
}

static int train_main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"output", required_argument, NULL, OPT_OUTPUT}, {"cell", required_argument, NULL, OPT_CELL},
	    {"layers", required_argument, NULL, OPT_LAYERS}, {"emb", required_argument, NULL, OPT_EMB},
	    {"hidden", required_argument, NULL, OPT_HIDDEN}, {"bptt", required_argument, NULL, OPT_BPTT},
	    {"batch", required_argument, NULL, OPT_BATCH},
	    {"dropout", required_argument, NULL, OPT_DROPOUT},
	    {"variational", no_argument, NULL, OPT_VARIATIONAL}, {"tie", no_argument, NULL, OPT_TIE},
	    {"init", required_argument, NULL, OPT_INIT},
	    {"optimizer", required_argument, NULL, OPT_OPTIMIZER},
	    {"lr", required_argument, NULL, OPT_LR},
	    {"decay-after", required_argument, NULL, OPT_DECAY_AFTER},
	    {"decay", required_argument, NULL, OPT_DECAY}, {"plateau", no_argument, NULL, OPT_PLATEAU},
	    {"clip", required_argument, NULL, OPT_CLIP}, {"epochs", required_argument, NULL, OPT_EPOCHS},
	    {"valid", required_argument, NULL, OPT_VALID}, {"vocab", required_argument, NULL, 'v'},
	    {"min-count", required_argument, NULL, OPT_MIN_COUNT},
	    {"threads", required_argument, NULL, 'T'}, {"seed", required_argument, NULL, OPT_SEED},
	    {"log", required_argument, NULL, OPT_LOG},
	    {"invalid", required_argument, NULL, OPT_INVALID},
	    {"progress", no_argument, NULL, OPT_PROGRESS}, {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, OPT_VERSION}, {NULL, 0, NULL, 0}};
	static const char *const cells[] = {"rnn", "lstm", "gru", NULL};
	static const char *const optimizers[] = {"sgd", "adam", NULL};
	struct rnnlm_config c = {.cell = NN_CELL_LSTM, .layers = 2, .emb = 200, .hidden = 200};
	struct rnn_train_opts o = {.bptt = 20, .batch = 20, .lr = -1, .decay_after = 4,
	                           .decay = 0.5f, .clip = 5, .epochs = 13, .seed = 1, .init = 0.1};
	struct train_ctx tc = {.best = NAN};
	struct rnn_hooks hooks = {&tc, on_step, on_epoch};
	const char *valid_path = NULL, *vocab_path = NULL;
	struct reading train = {0}, valid = {0};
	unsigned long long min_count = 1;
	int ch, ret, policy = UTF8_REPLACE, progress = 0, min_count_given = 0;
	struct strtab vocab;
	struct rnnlm m;
	struct error e;
	char a[32], b[32], v[32], mem[32];

	o.threads = nn_default_threads();
	while ((ch = getopt_long(argc, argv, "hv:T:", longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_OUTPUT: tc.output = optarg; break;
		case OPT_CELL: c.cell = (enum nn_cell)opt_choice("--cell", optarg, cells); break;
		case OPT_LAYERS: c.layers = (uint32_t)estrtonum(optarg, 1, RNNLM_MAX_LAYERS, "--layers"); break;
		case OPT_EMB: c.emb = (uint32_t)estrtonum(optarg, 1, RNNLM_MAX_SIZE, "--emb"); break;
		case OPT_HIDDEN: c.hidden = (uint32_t)estrtonum(optarg, 1, RNNLM_MAX_SIZE, "--hidden"); break;
		case OPT_BPTT: o.bptt = (size_t)estrtonum(optarg, 1, 100000, "--bptt"); break;
		case OPT_BATCH: o.batch = (size_t)estrtonum(optarg, 1, 100000, "--batch"); break;
		case OPT_DROPOUT: o.dropout = (float)estrtod(optarg, 0, 0.99, "--dropout"); break;
		case OPT_VARIATIONAL: o.variational = 1; break;
		case OPT_TIE: c.tied = 1; break;
		case OPT_INIT: o.init = estrtod(optarg, 0, 10, "--init"); break;
		case OPT_OPTIMIZER: o.adam = opt_choice("--optimizer", optarg, optimizers); break;
		case OPT_LR: o.lr = (float)estrtod(optarg, 1e-9, 1000, "--lr"); break;
		case OPT_DECAY_AFTER: o.decay_after = (unsigned)estrtonum(optarg, 0, 1000000, "--decay-after"); break;
		case OPT_DECAY: o.decay = (float)estrtod(optarg, 1e-6, 1, "--decay"); break;
		case OPT_PLATEAU: o.plateau = 1; break;
		case OPT_CLIP: o.clip = estrtod(optarg, 0, 1e9, "--clip"); break;
		case OPT_EPOCHS: o.epochs = (unsigned)estrtonum(optarg, 1, 100000, "--epochs"); break;
		case OPT_VALID: valid_path = optarg; break;
		case 'v': vocab_path = optarg; break;
		case OPT_MIN_COUNT:
			min_count = (unsigned long long)estrtonum(optarg, 1, LLONG_MAX, "--min-count");
			min_count_given = 1;
			break;
		case 'T': o.threads = (int)estrtonum(optarg, 1, 256, "--threads"); break;
		case OPT_SEED: o.seed = (uint64_t)estrtonum(optarg, 0, LLONG_MAX, "--seed"); break;
		case OPT_LOG: tc.log_path = optarg; break;
		case OPT_INVALID: policy = opt_policy(optarg); break;
		case OPT_PROGRESS: progress = 1; break;
		case 'h': usage_help(train_synopsis, help);
		case OPT_VERSION: print_version();
		default: usage_error(train_synopsis);
		}
	}
	if (!tc.output) {
		weprintf("train: which --output file?");
		usage_error(train_synopsis);
	}
	if (c.tied && c.emb != c.hidden) {
		weprintf("--tie needs --emb (%u) to equal --hidden (%u)", c.emb, c.hidden);
		usage_error(train_synopsis);
	}
	if (o.bptt * o.batch > RNNLM_MAX_WINDOW) {
		weprintf("--bptt %zu times --batch %zu: a window of more than %d tokens", o.bptt, o.batch,
		         RNNLM_MAX_WINDOW);
		usage_error(train_synopsis);
	}
	if (o.plateau && !valid_path) {
		weprintf("--plateau needs --valid");
		usage_error(train_synopsis);
	}
	if (vocab_path && min_count_given) {
		weprintf("--min-count builds a vocabulary; -v gives one");
		usage_error(train_synopsis);
	}
	if (o.lr < 0)
		o.lr = o.adam ? 0.001f : 1.0f;
	nn_set_threads(o.threads); /* nn_gemm splits the work: the same bits for any -T */
	progress_init(progress);
	if (vocab_path)
		vocab_from_file(&vocab, vocab_path);
	ret = read_text(&train, argv + optind, argc - optind, policy, progress);
	if (!ret && valid_path)
		ret = read_text(&valid, (char **)&valid_path, 1, policy, progress);
	if (ret) {
		progress_abort();
		if (vocab_path)
			strtab_free(&vocab);
		free_texts(&train, &valid);
		return ret;
	}
	if (valid_path && valid.text.n == 0)
		eprintf("%s: no text to validate on", valid_path);
	if (!vocab_path && rnn_text_vocab(&train.text, min_count, &vocab, &e) < 0)
		eprint_error(&e);
	if (rnn_text_map(&train.text, &vocab, &e) < 0 || rnn_text_map(&valid.text, &vocab, &e) < 0)
		eprint_error(&e);
	c.vocab = (uint32_t)(vocab.n > RNNLM_MAX_VOCAB ? RNNLM_MAX_VOCAB + 1 : vocab.n);
	c.bptt = (uint32_t)o.bptt;
	c.batch = (uint32_t)o.batch;
	c.variational = (uint32_t)o.variational;
	c.dropout = o.dropout;
	c.init = o.init;
	c.seed = o.seed;
	if (rnnlm_init(&m, &c, &vocab, &e) < 0)
		eprint_error(&e);
	tc.m = &m;
	train_out_open(&tc.out, tc.output); /* now, not after an epoch */
	if (tc.log_path) {
		tc.log = fopen(tc.log_path, "w");
		if (!tc.log)
			eprintf("open %s:", tc.log_path);
		fprintf(tc.log, "epoch\tlr\ttrain_ppl\tvalid_ppl\ttokens_per_s\tseconds\n");
	}
	progress_bytes(mem, sizeof(mem), rnn_train_bytes(&m, &o, valid_path != NULL) +
	               m.L.size * 4 + (train.text.n + valid.text.n) * 4);
	progress_note("%s %s parameters, %s tokens, vocabulary %s; about %s of memory",
	              cells[c.cell], progress_count(a, sizeof(a), m.L.used),
	              progress_count(b, sizeof(b), train.text.n), progress_count(v, sizeof(v), c.vocab),
	              mem);
	if (rnn_train(&m, train.text.ids, train.text.n, valid_path ? valid.text.ids : NULL,
	              valid.text.n, &o, &hooks, &e) < 0) {
		progress_abort();
		eprint_error(&e);
	}
	if (tc.log && fclose(tc.log) != 0)
		eprintf("close %s:", tc.log_path);
	if (valid_path)
		progress_done("%u epochs, %s tokens an epoch, %.0f tokens/s, best valid ppl %.2f",
		              o.epochs, progress_count(a, sizeof(a), train.text.n), tc.tokens_per_s,
		              tc.best);
	else
		progress_done("%u epochs, %s tokens an epoch, %.0f tokens/s", o.epochs,
		              progress_count(a, sizeof(a), train.text.n), tc.tokens_per_s);
	rnnlm_free(&m);
	free_texts(&train, &valid);
	train_out_free(&tc.out);
	return 0;
}

/* ---- score ---- */

struct scoring {
	struct rnnlm_scorer sc;
	struct spans sp;
	uint32_t *ids;
	double *lp;
	size_t cap;
	int words, reset;
	const char *model;
};

static void score_line(void *ctx, const char *s, size_t n, struct buf *out)
{
	struct scoring *st = ctx;
	const struct rnnlm *m = st->sc.m;
	size_t k;
	double sum;
	char num[64];

	spans_split_blank(s, n, &st->sp);
	k = st->sp.n;
	/* markers the text has already, as nlp-perplexity takes them: every line gets them */
	if (k > 0 && st->sp.v[k - 1].n == 4 && memcmp(st->sp.v[k - 1].p, "</s>", 4) == 0)
		k--;
	if (k > 0 && st->sp.v[0].n == 3 && memcmp(st->sp.v[0].p, "<s>", 3) == 0) {
		memmove(st->sp.v, st->sp.v + 1, (k - 1) * sizeof(*st->sp.v));
		k--;
	}
	if (k + 1 > st->cap) {
		st->cap = (k + 1) * 2;
		st->ids = erealloc(st->ids, st->cap * sizeof(*st->ids));
		st->lp = erealloc(st->lp, st->cap * sizeof(*st->lp));
	}
	for (size_t i = 0; i < k; i++)
		st->ids[i] = rnnlm_id(m, st->sp.v[i].p, st->sp.v[i].n);
	st->ids[k] = RNNLM_EOS;
	if (st->reset)
		rnnlm_scorer_reset(&st->sc);
	sum = rnnlm_score(&st->sc, st->ids, k + 1, st->lp) / M_LN10;
	if (isnan(sum))
		eprintf("%s: the model gives a probability that is not a number", st->model);
	if (!st->words) {
		int len = snprintf(num, sizeof(num), "%.6f\t%zu\n", sum, k + 1);

		buf_put(out, num, (size_t)len);
		return;
	}
	for (size_t i = 0; i <= k; i++) {
		int len = snprintf(num, sizeof(num), "\t%.6f\n", st->lp[i] / M_LN10);

		if (i < k)
			buf_put(out, st->sp.v[i].p, st->sp.v[i].n);
		else
			buf_put(out, "</s>", 4);
		buf_put(out, num, (size_t)len);
	}
	buf_putc(out, '\n');
}

/* filter.begin_file: each file from a fresh state */
static void score_begin_file(void *ctx)
{
	struct scoring *st = ctx;

	rnnlm_scorer_reset(&st->sc);
}

static void load_model(struct rnnlm *m, const char *path)
{
	struct error e;

	if (rnnlm_load(m, path, &e) < 0)
		eprint_error(&e);
}

static int score_main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"model", required_argument, NULL, OPT_MODEL}, {"words", no_argument, NULL, OPT_WORDS},
	    {"reset", no_argument, NULL, OPT_RESET}, {"threads", required_argument, NULL, 'T'},
	    {"invalid", required_argument, NULL, OPT_INVALID},
	    {"progress", no_argument, NULL, OPT_PROGRESS}, {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, OPT_VERSION}, {NULL, 0, NULL, 0}};
	struct scoring st = {0};
	struct filter f = {.policy = UTF8_REPLACE, .fn = score_line, .ctx = &st,
	                   .begin_file = score_begin_file};
	const char *model = NULL;
	int ch, threads = nn_default_threads(), ret;
	struct rnnlm m;
	struct error e;

	while ((ch = getopt_long(argc, argv, "hT:", longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_MODEL: model = st.model = optarg; break;
		case OPT_WORDS: st.words = 1; break;
		case OPT_RESET: st.reset = 1; break;
		case 'T': threads = (int)estrtonum(optarg, 1, 256, "--threads"); break;
		case OPT_INVALID: f.policy = opt_policy(optarg); break;
		case OPT_PROGRESS: f.progress = 1; break;
		case 'h': usage_help(score_synopsis, help);
		case OPT_VERSION: print_version();
		default: usage_error(score_synopsis);
		}
	}
	if (!model) {
		weprintf("score: which --model?");
		usage_error(score_synopsis);
	}
	nn_set_threads(threads);
	load_model(&m, model);
	if (rnnlm_scorer_init(&st.sc, &m, threads, &e) < 0)
		eprint_error(&e);
	ret = filter_run(&f, argv + optind, argc - optind);
	rnnlm_scorer_free(&st.sc);
	rnnlm_free(&m);
	spans_free(&st.sp);
	free(st.ids);
	free(st.lp);
	return ret;
}

/* ---- generate ---- */

static int generate_main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"model", required_argument, NULL, OPT_MODEL},
	    {"prefix", required_argument, NULL, OPT_PREFIX},
	    {"count", required_argument, NULL, OPT_COUNT},
	    {"length", required_argument, NULL, OPT_LENGTH},
	    {"temperature", required_argument, NULL, OPT_TEMPERATURE},
	    {"top-k", required_argument, NULL, OPT_TOP_K}, {"seed", required_argument, NULL, OPT_SEED},
	    {"help", no_argument, NULL, 'h'}, {"version", no_argument, NULL, OPT_VERSION},
	    {NULL, 0, NULL, 0}};
	struct rnnlm_draw d = {1.0f, 0, 50};
	long long count = 1, seed = 1;
	const char *model = NULL, *prefix = "";
	struct rnnlm_scorer sc;
	struct spans sp = {0};
	struct rnnlm m;
	struct error e;
	struct rng r;
	uint32_t *pre, *words, *order;
	float *probs;
	int ch;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_MODEL: model = optarg; break;
		case OPT_PREFIX: prefix = optarg; break;
		case OPT_COUNT: count = estrtonum(optarg, 0, LLONG_MAX, "--count"); break;
		case OPT_LENGTH: d.max_words = (size_t)estrtonum(optarg, 1, 1 << 24, "--length"); break;
		case OPT_TEMPERATURE: d.temperature = (float)estrtod(optarg, 1e-3, 1000, "--temperature"); break;
		case OPT_TOP_K: d.top_k = (uint32_t)estrtonum(optarg, 0, UINT32_MAX, "--top-k"); break;
		case OPT_SEED: seed = estrtonum(optarg, 0, LLONG_MAX, "--seed"); break;
		case 'h': usage_help(generate_synopsis, help);
		case OPT_VERSION: print_version();
		default: usage_error(generate_synopsis);
		}
	}
	if (!model || optind < argc) {
		weprintf("%s", model ? "generate reads no files" : "generate: which --model?");
		usage_error(generate_synopsis);
	}
	nn_set_threads(1);
	load_model(&m, model);
	if (rnnlm_scorer_init(&sc, &m, 1, &e) < 0)
		eprint_error(&e);
	spans_split_blank(prefix, strlen(prefix), &sp);
	pre = emalloc((sp.n + 1) * sizeof(*pre));
	for (size_t i = 0; i < sp.n; i++)
		pre[i] = rnnlm_id(&m, sp.v[i].p, sp.v[i].n);
	words = emalloc(d.max_words * sizeof(*words));
	probs = emalloc(m.c.vocab * sizeof(*probs));
	order = emalloc(m.c.vocab * sizeof(*order));
	rng_seed(&r, (uint64_t)seed);
	out_init();
	for (long long k = 0; k < count; k++) {
		size_t n = rnnlm_draw_sentence(&sc, pre, sp.n, &d, &r, words, probs, order);

		for (size_t i = 0; i < sp.n; i++) {
			if (i)
				writer_putc(&out, ' ');
			writer_write(&out, sp.v[i].p, sp.v[i].n);
		}
		for (size_t i = 0; i < n; i++) {
			size_t len;
			const char *w = strtab_key(&m.vocab, words[i], &len);

			if (i || sp.n)
				writer_putc(&out, ' ');
			writer_write(&out, w, len);
		}
		writer_putc(&out, '\n');
	}
	rnnlm_scorer_free(&sc);
	rnnlm_free(&m);
	spans_free(&sp);
	free(pre);
	free(words);
	free(probs);
	free(order);
	return out_close() ? EXIT_RUNTIME : 0;
}

int main(int argc, char **argv)
{
	prog_init("nlp-rnnlm");
	/* getopt's messages name argv[0]: the program, not the command */
	if (argc > 1 && (strcmp(argv[1], "train") == 0 || strcmp(argv[1], "score") == 0 ||
	                 strcmp(argv[1], "generate") == 0)) {
		char *cmd = argv[1];

		argv[1] = argv[0];
		if (strcmp(cmd, "train") == 0)
			return train_main(argc - 1, argv + 1);
		if (strcmp(cmd, "score") == 0)
			return score_main(argc - 1, argv + 1);
		return generate_main(argc - 1, argv + 1);
	}
	if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		printf("usage: %s\n       %s\n       %s\n\n%s", train_synopsis, score_synopsis,
		       generate_synopsis, help);
		return fflush(stdout) == 0 ? 0 : EXIT_RUNTIME;
	}
	if (argc > 1 && strcmp(argv[1], "--version") == 0)
		print_version();
	if (argc > 1)
		weprintf("unknown command '%s': train, score or generate", argv[1]);
	else
		weprintf("which command? train, score or generate");
	fprintf(stderr, "usage: %s\n       %s\n       %s\n", train_synopsis, score_synopsis,
	        generate_synopsis);
	return EXIT_USAGE;
}
