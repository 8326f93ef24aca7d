/* nlp-w2v: word2vec word vectors (skip-gram or CBOW with negative sampling, hierarchical softmax
 * or both, optionally with fastText's subwords) from a tokens file (one sentence a line; stdin is
 * spooled to $TMPDIR, since each epoch reads it again); writes the vectors in the word2vec text or
 * binary format, and the model (--save-model) from which `nlp-w2v oov` builds the vectors of
 * words read on stdin, seen in training or not. */
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/par.h"
#include "cli/err.h"
#include "cli/opt.h"
#include "cli/out.h"
#include "cli/progress.h"
#include "base/spans.h"
#include "count/vocab.h"
#include "vec/subword.h"
#include "vec/vectors.h"
#include "vec/w2v.h"
#include "vec/w2vmodel.h"

static const char synopsis[] =
    "nlp-w2v [--skipgram | --cbow] [--neg K] [--hs] [-d dim] [-w window] [--no-shrink] "
    "[--sample T] [--min-count N] [--max-vocab N] [--epochs N] [--alpha A] [--min-alpha A] "
    "[-T threads] [--seed N] [-v vocab] [--subword min-max] [--buckets N] [--output file] [-b] "
    "[--output-vectors file] [--save-model file] [-M size] [--invalid policy] [--progress] "
    "[file]\n"
    "       nlp-w2v oov --model file [-b] [file ...]";

static const char help[] =
    "Trains word2vec vectors on a tokens file (one sentence a line) with negative sampling or\n"
    "hierarchical softmax.\n"
    "\n"
    "      --skipgram         skip-gram: each word predicts its context (default)\n"
    "      --cbow             CBOW: the mean of the context predicts the word\n"
    "      --neg K            negative samples per prediction (default 5; with --hs 0: none)\n"
    "      --hs               hierarchical softmax over a Huffman tree of the words\n"
    "  -d, --dim N            dimensions (default 100)\n"
    "  -w, --window N         context words on each side (default 5)\n"
    "      --no-shrink        always the whole window (default: drawn in 1..N per word)\n"
    "      --sample T         subsampling threshold of frequent words (default 1e-3; 0: none)\n"
    "      --min-count N      keep words counted N times or more (default 5)\n"
    "      --max-vocab N      keep the N most frequent words\n"
    "      --epochs N         passes over the corpus (default 5)\n"
    "      --alpha A          starting learning rate (default 0.025, CBOW 0.05)\n"
    "      --min-alpha A      final learning rate (default alpha / 10000)\n"
    "  -T, --threads N        threads (default: the processors online)\n"
    "      --seed N           seed of the initial vectors and the sampling (default 1)\n"
    "  -v, --vocab FILE       the words and counts of nlp-vocab's FILE, as they are\n"
    "      --subword MIN-MAX  fastText's subwords: character n-grams of MIN to MAX\n"
    "                         characters (or N: of N) hashed into buckets\n"
    "      --buckets N        buckets of the n-grams (default 2000000)\n"
    "      --output FILE      write the vectors to FILE (default stdout)\n"
    "  -b, --binary           word2vec binary format\n"
    "      --output-vectors FILE  also write the context (output) vectors of negative\n"
    "                         sampling to FILE (--neg K, K > 0)\n"
    "      --save-model FILE  also write the model, from which oov builds vectors\n"
    "  -M, --memory SIZE      memory budget of the counting (K, M, G; default a quarter of RAM)\n"
    "      --invalid POLICY   malformed UTF-8: replace (default), skip or fail\n"
    "      --progress         progress on stderr even when it is not a terminal\n"
    "  -h, --help             show this help\n"
    "      --version          show the version\n"
    "\n"
    "nlp-w2v oov writes the vectors of the words of its files or stdin (blank-separated)\n"
    "in the word2vec format, built from a saved model: a word of the vocabulary gets its\n"
    "trained vector, another the mean of its n-grams' vectors.\n"
    "\n"
    "      --model FILE       the model that --save-model wrote\n";

enum { OPT_SKIPGRAM = OPT_FIRST_PRIVATE, OPT_CBOW, OPT_NEG, OPT_HS, OPT_NO_SHRINK, OPT_SAMPLE,
       OPT_MIN_COUNT, OPT_MAX_VOCAB, OPT_ALPHA, OPT_MIN_ALPHA, OPT_SEED, OPT_OUTPUT_VECTORS,
       OPT_EPOCHS, OPT_OUTPUT, OPT_SUBWORD, OPT_BUCKETS, OPT_SAVE_MODEL, OPT_MODEL };

#define DEFAULT_BUCKETS 2000000 /* fastText's */

static double now(void);

/* The progress display's state: one phase, "training", over all the epochs' words, so that the
 * percentage and the time left are the run's. */
struct prog {
	unsigned epochs;
	int threads, started;
	uint64_t per_epoch;
	double loss, t0;
};

static void show(void *ctx, unsigned epoch, uint64_t done, double loss, double lr)
{
	struct prog *p = ctx;
	uint64_t all = (uint64_t)(epoch - 1) * p->per_epoch + done;

	if (!isnan(loss))
		p->loss = loss;
	if (!p->started) {
		p->started = 1;
		progress_phase("training", p->per_epoch * p->epochs, "words");
	}
	if (progress_due()) {
		double t = now() - p->t0;
		char r[32];

		progress_show(all, "epoch %u/%u, %s words/s a thread, loss %.3f, lr %.4f", epoch,
		              p->epochs,
		              progress_count(r, sizeof(r), (uint64_t)(t > 0 ? (double)all / t / p->threads : 0)),
		              p->loss, lr);
	}
}

static void write_file(const char *path, int binary, const struct vocab *v,
                       const struct w2v_model *m, int ctx)
{
	struct writer w;
	int fd = out_file_open(&w, path);

	if (w2v_write_vectors(&w, binary, v, m, ctx) < 0)
		eprintf("out of memory");
	out_file_close(&w, fd, path);
}

static void save_model(const char *path, const struct w2v_settings *s, const struct vocab *v,
                       const struct w2v_model *m, uint64_t corpus_words)
{
	struct w2vmodel_info info = {
	    .words = m->rows, .buckets = m->buckets, .dim = (uint32_t)m->dim, .minn = m->minn,
	    .maxn = m->maxn, .cbow = (uint32_t)s->cbow, .window = s->window, .neg = s->neg,
	    .hs = (uint32_t)s->hs, .epochs = s->epochs, .seed = s->seed, .corpus_words = corpus_words,
	    .sample = s->sample, .alpha = s->alpha, .min_alpha = s->min_alpha};
	struct writer w;
	struct error e;
	int fd = out_file_open(&w, path);

	if (w2vmodel_write(&w, &info, &v->tab, m->W, m->stride, &e) < 0) {
		unlink(path); /* no model rather than a part of one */
		e.name = path;
		eprint_error(&e);
	}
	out_file_close(&w, fd, path);
}

/* --subword MIN-MAX or N: the n-grams' lengths. */
static void parse_subword(const char *arg, unsigned *minn, unsigned *maxn)
{
	const char *dash = strchr(arg, '-');
	char lo[32];

	if (dash && (size_t)(dash - arg) < sizeof(lo)) {
		memcpy(lo, arg, (size_t)(dash - arg));
		lo[dash - arg] = '\0';
		*minn = (unsigned)estrtonum(lo, 1, SUBWORD_MAX_N, "--subword");
		*maxn = (unsigned)estrtonum(dash + 1, 1, SUBWORD_MAX_N, "--subword");
	} else {
		*minn = *maxn = (unsigned)estrtonum(arg, 1, SUBWORD_MAX_N, "--subword");
	}
	if (*minn > *maxn) {
		weprintf("--subword %s: the shortest n-gram is longer than the longest", arg);
		usage_error(synopsis);
	}
}

static const char *policy_done(enum utf8_policy p)
{
	return p == UTF8_SKIP ? "skipped" : "replaced by U+FFFD";
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- nlp-w2v oov ---- */

/* The words of files[0..n) (none: stdin), blank-separated, into t, each once, in order. Returns
 * 0, or EXIT_RUNTIME after a file that cannot be read (the others are read). */
static int read_words(struct strtab *t, char **files, int n)
{
	struct spans tok = {0};
	int ret = 0;

	for (int i = 0; i < (n ? n : 1); i++) {
		const char *path = n ? files[i] : "-";
		struct reader r;
		char *line;
		ssize_t len;

		if (reader_open(&r, strcmp(path, "-") ? path : NULL) < 0) {
			weprintf("open %s:", path);
			ret = EXIT_RUNTIME;
			continue;
		}
		while ((len = reader_line(&r, &line)) >= 0) {
			spans_split_blank(line, (size_t)len, &tok);
			for (size_t k = 0; k < tok.n; k++)
				if (strtab_intern(t, tok.v[k].p, tok.v[k].n) < 0)
					eprintf("out of memory for the words");
		}
		if (len == -2) {
			weprintf("read %s:", strcmp(path, "-") ? path : "<stdin>");
			ret = EXIT_RUNTIME;
		}
		reader_close(&r);
	}
	spans_free(&tok);
	return ret;
}

static int oov_main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"model", required_argument, NULL, OPT_MODEL},
	    {"binary", no_argument, NULL, 'b'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, OPT_VERSION},
	    {NULL, 0, NULL, 0}};
	const char *model_path = NULL;
	int binary = 0, ret, c;
	struct w2vmodel m;
	struct error e;
	struct strtab words;
	size_t rows = 0;
	float *x;

	while ((c = getopt_long(argc, argv, "bh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_MODEL: model_path = optarg; break;
		case 'b': binary = 1; break;
		case 'h': usage_help(synopsis, help);
		case OPT_VERSION: print_version();
		default: usage_error(synopsis);
		}
	}
	if (!model_path) {
		weprintf("oov needs the model: --model FILE");
		usage_error(synopsis);
	}
	if (binary && isatty(1))
		eprintf("not writing binary vectors to a terminal (redirect them)");
	if (w2vmodel_load(&m, model_path, &e) < 0)
		eprint_error(&e);
	if (strtab_init(&words, 1024) < 0)
		eprintf("out of memory for the words");
	ret = read_words(&words, argv + optind, argc - optind);
	x = emalloc(m.info.dim * sizeof(*x));
	/* which words have a vector, for the header's count */
	for (size_t i = 0; i < words.n; i++) {
		size_t len;
		const char *w = strtab_key(&words, i, &len);
		int k = w2vmodel_find(&m, w, len);
		char ex[80];

		words.vals[i] = k != W2VMODEL_NONE;
		rows += words.vals[i];
		if (k != W2VMODEL_NONE)
			continue;
		vec_excerpt(ex, sizeof(ex), w, len);
		if (m.info.minn)
			weprintf("'%s': not in the vocabulary, and no n-gram of %u to %u characters", ex,
			         m.info.minn, m.info.maxn);
		else
			weprintf("'%s': not in the vocabulary, and the model has no subwords", ex);
		ret = EXIT_RUNTIME;
	}
	out_init();
	vec_write_header(&out, rows, m.info.dim);
	for (size_t i = 0; i < words.n; i++) {
		size_t len;
		const char *w = strtab_key(&words, i, &len);

		if (!words.vals[i])
			continue;
		if (w2vmodel_vector(&m, w, len, x) < 0)
			eprintf("out of memory");
		vec_write_row(&out, binary, VEC_PRECISION, w, len, x, m.info.dim);
	}
	if (out_close())
		ret = EXIT_RUNTIME;
	free(x);
	strtab_free(&words);
	w2vmodel_free(&m);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"skipgram", no_argument, NULL, OPT_SKIPGRAM},
	    {"cbow", no_argument, NULL, OPT_CBOW},
	    {"neg", required_argument, NULL, OPT_NEG},
	    {"hs", no_argument, NULL, OPT_HS},
	    {"dim", required_argument, NULL, 'd'},
	    {"window", required_argument, NULL, 'w'},
	    {"no-shrink", no_argument, NULL, OPT_NO_SHRINK},
	    {"sample", required_argument, NULL, OPT_SAMPLE},
	    {"min-count", required_argument, NULL, OPT_MIN_COUNT},
	    {"max-vocab", required_argument, NULL, OPT_MAX_VOCAB},
	    {"epochs", required_argument, NULL, OPT_EPOCHS},
	    {"alpha", required_argument, NULL, OPT_ALPHA},
	    {"min-alpha", required_argument, NULL, OPT_MIN_ALPHA},
	    {"threads", required_argument, NULL, 'T'},
	    {"seed", required_argument, NULL, OPT_SEED},
	    {"vocab", required_argument, NULL, 'v'},
	    {"output", required_argument, NULL, OPT_OUTPUT},
	    {"binary", no_argument, NULL, 'b'},
	    {"output-vectors", required_argument, NULL, OPT_OUTPUT_VECTORS},
	    {"subword", required_argument, NULL, OPT_SUBWORD},
	    {"buckets", required_argument, NULL, OPT_BUCKETS},
	    {"save-model", required_argument, NULL, OPT_SAVE_MODEL},
	    {"memory", required_argument, NULL, 'M'},
	    {"invalid", required_argument, NULL, OPT_INVALID},
	    {"progress", no_argument, NULL, OPT_PROGRESS},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, OPT_VERSION},
	    {NULL, 0, NULL, 0}};
	struct w2v_settings s = {.neg = 5, .window = 5, .shrink = 1, .dim = 100, .sample = 1e-3,
	                         .epochs = 5, .alpha = -1, .min_alpha = -1, .seed = 1};
	unsigned long long min_count = 5, max_vocab = 0;
	const char *vocab_path = NULL, *output = NULL, *ctx_path = NULL, *model_path = NULL;
	const char *path, *name;
	char rows[64];
	int binary = 0, progress = 0, counting_opts = 0, neg_set = 0, c, fd;
	size_t memory = 0;
	struct vocab v;
	struct w2v_model m;
	struct w2v_stats st;
	struct prog p = {0};
	struct error e;
	char a[32], b[32], c8[32], lossbuf[32];
	uint64_t nbad = 0, bad_line = 0, need, params;
	double t0, secs;

	prog_init("nlp-w2v");
	if (argc > 1 && strcmp(argv[1], "oov") == 0)
		return oov_main(argc - 1, argv + 1);
	s.threads = par_cpus();
	while ((c = getopt_long(argc, argv, "d:w:T:v:bM:h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_SKIPGRAM: s.cbow = 0; break;
		case OPT_CBOW: s.cbow = 1; break;
		case OPT_NEG: s.neg = (unsigned)estrtonum(optarg, 0, W2V_MAX_NEG, "--neg");
		              neg_set = 1; break;
		case OPT_HS: s.hs = 1; break;
		case 'd': s.dim = (size_t)estrtonum(optarg, 1, W2V_MAX_DIM, "--dim"); break;
		case 'w': s.window = (unsigned)estrtonum(optarg, 1, W2V_MAX_WINDOW, "--window"); break;
		case OPT_NO_SHRINK: s.shrink = 0; break;
		case OPT_SAMPLE: s.sample = estrtod(optarg, 0, 1, "--sample"); break;
		case OPT_MIN_COUNT: min_count = (unsigned long long)estrtonum(optarg, 1, LLONG_MAX,
		                                                              "--min-count");
		                    counting_opts = 1; break;
		case OPT_MAX_VOCAB: max_vocab = (unsigned long long)estrtonum(optarg, 1, VEC_MAX_ROWS,
		                                                              "--max-vocab");
		                    counting_opts = 1; break;
		case OPT_EPOCHS: s.epochs = (unsigned)estrtonum(optarg, 1, W2V_MAX_EPOCHS, "--epochs"); break;
		case OPT_ALPHA: s.alpha = estrtod(optarg, 1e-9, 10, "--alpha"); break;
		case OPT_MIN_ALPHA: s.min_alpha = estrtod(optarg, 0, 10, "--min-alpha"); break;
		case 'T': s.threads = (int)estrtonum(optarg, 1, 1024, "--threads"); break;
		case OPT_SEED: s.seed = (uint64_t)estrtonum(optarg, 0, LLONG_MAX, "--seed"); break;
		case 'v': vocab_path = optarg; break;
		case OPT_OUTPUT: output = optarg; break;
		case 'b': binary = 1; break;
		case OPT_OUTPUT_VECTORS: ctx_path = optarg; break;
		case OPT_SUBWORD: parse_subword(optarg, &s.minn, &s.maxn); break;
		case OPT_BUCKETS: s.buckets = (size_t)estrtonum(optarg, 1, W2V_MAX_BUCKETS, "--buckets");
		                  break;
		case OPT_SAVE_MODEL: model_path = optarg; break;
		case 'M': memory = opt_memory(optarg); counting_opts = 1; break;
		case OPT_INVALID: s.invalid = opt_policy(optarg); break;
		case OPT_PROGRESS: progress = 1; break;
		case 'h': usage_help(synopsis, help);
		case OPT_VERSION: print_version();
		default: usage_error(synopsis);
		}
	}
	if (argc - optind > 1) {
		weprintf("one corpus file at a time (cat them into one)");
		usage_error(synopsis);
	}
	if (vocab_path && counting_opts) {
		weprintf("--vocab's words are used as they are: --min-count, --max-vocab and "
		         "--memory go without it");
		usage_error(synopsis);
	}
	if (s.hs && !neg_set)
		s.neg = 0; /* word2vec.c -hs 1 -negative 0, gensim hs=1 negative=0 */
	if (!s.hs && s.neg == 0) {
		weprintf("--neg 0 leaves nothing to train without --hs");
		usage_error(synopsis);
	}
	if (ctx_path && s.neg == 0) {
		weprintf("--output-vectors writes negative sampling's output vectors: with --hs "
		         "alone they are the tree's inner nodes, which have no words");
		usage_error(synopsis);
	}
	if (s.buckets && !s.minn) {
		weprintf("--buckets goes with --subword");
		usage_error(synopsis);
	}
	if (s.minn && !s.buckets)
		s.buckets = DEFAULT_BUCKETS;
	if (s.alpha < 0)
		s.alpha = s.cbow ? 0.05 : 0.025;
	if (s.min_alpha < 0)
		s.min_alpha = s.alpha * 1e-4;
	if (s.min_alpha > s.alpha) {
		weprintf("--min-alpha %g is above --alpha %g", s.min_alpha, s.alpha);
		usage_error(synopsis);
	}
	if (binary && !output && isatty(1))
		eprintf("not writing binary vectors to a terminal (redirect them or use --output)");

	path = optind < argc ? argv[optind] : "-";
	name = strcmp(path, "-") ? path : "<stdin>";
	progress_init(progress);
	if ((fd = open_rereadable(path, name, &e)) < 0)
		eprint_error(&e);
	if (vocab_path) {
		if (vocab_load(&v, vocab_path, &e) < 0)
			eprint_error(&e);
		if (vocab_size(&v) == 0)
			eprintf("%s: an empty vocabulary", vocab_path);
	} else {
		progress_phase("counting", 0, "");
		if (w2v_count_vocab(&v, fd, name, min_count, max_vocab,
		                    memory ? memory : opt_memory_default(), s.invalid, &nbad, &bad_line,
		                    &e) < 0)
			eprint_error(&e);
		if (nbad)
			weprintf("%s: line %llu: invalid UTF-8 %s (later cases are counted)", name,
			         (unsigned long long)bad_line, policy_done(s.invalid));
		if (vocab_size(&v) == 0)
			eprintf("%s: no word is counted %llu times or more (--min-count)", name,
			        min_count);
	}
	if (vocab_size(&v) > VEC_MAX_ROWS)
		eprintf("%zu words: more than %llu", vocab_size(&v), (unsigned long long)VEC_MAX_ROWS);
	need = w2v_need(&s, &v, &params);
	if (s.minn)
		snprintf(rows, sizeof(rows), "%zu words and %zu buckets", vocab_size(&v), s.buckets);
	else
		snprintf(rows, sizeof(rows), "%zu words", vocab_size(&v));
	if (need > opt_memory_physical())
		eprintf("training needs about %s (%s of parameters: %s, %zu dimensions), more "
		        "than the %s of memory: keep fewer words (--min-count, --max-vocab)%s or "
		        "dimensions", progress_bytes(a, sizeof(a), need),
		        progress_bytes(b, sizeof(b), params), rows, s.dim,
		        progress_bytes(c8, sizeof(c8), opt_memory_physical()),
		        s.minn ? ", buckets (--buckets)" : "");
	progress_note("training needs about %s of memory: %s of parameters (%s, %zu "
	              "dimensions), the rest for the vocabulary, tables and "
	              "buffers", progress_bytes(a, sizeof(a), need),
	              progress_bytes(b, sizeof(b), params), rows, s.dim);
	if (w2v_alloc(&m, vocab_size(&v), s.minn ? s.buckets : 0, s.dim, s.neg > 0, s.hs, s.seed,
	              &e) < 0)
		eprint_error(&e);
	if (s.minn && w2v_subwords(&m, &v, s.minn, s.maxn, &e) < 0)
		eprint_error(&e);
	p.epochs = s.epochs;
	for (size_t i = 0; i < vocab_size(&v); i++)
		p.per_epoch += v.tab.vals[i];
	p.loss = NAN;
	p.threads = s.threads;
	p.t0 = t0 = now();
	if (w2v_train(&m, &s, &v, fd, name, show, &p, &st, &e) < 0)
		eprint_error(&e);
	secs = now() - t0;
	close(fd);
	if (st.bad && !nbad) /* --vocab: the corpus was not counted */
		weprintf("%s: byte %llu: invalid UTF-8 %s (later cases are counted)", name,
		         (unsigned long long)st.bad_at + 1, policy_done(s.invalid));
	if (st.words == 0)
		eprintf("%s: no word of the vocabulary in the corpus", name);

	if (model_path)
		save_model(model_path, &s, &v, &m, st.words / s.epochs);
	progress_phase("writing", 0, "");
	if (ctx_path)
		write_file(ctx_path, binary, &v, &m, 1);
	if (output) {
		write_file(output, binary, &v, &m, 0);
	} else {
		out_init();
		if (w2v_write_vectors(&out, binary, &v, &m, 0) < 0)
			eprintf("out of memory");
		if (out_close()) {
			progress_abort();
			return EXIT_RUNTIME;
		}
	}
	if (isnan(st.loss))
		snprintf(lossbuf, sizeof(lossbuf), "-");
	else
		snprintf(lossbuf, sizeof(lossbuf), "%.3f", st.loss);
	progress_done("%s words, %zu in the vocabulary, %u epochs, %s words/s, loss %s%s%s",
	              progress_count(a, sizeof(a), st.words), vocab_size(&v), s.epochs,
	              progress_count(b, sizeof(b), (uint64_t)(secs > 0 ? (double)st.words / secs : 0)),
	              lossbuf, st.bad ? ", malformed bytes " : "",
	              st.bad ? progress_count(c8, sizeof(c8), st.bad) : "");
	w2v_free(&m);
	vocab_free(&v);
	return 0;
}
