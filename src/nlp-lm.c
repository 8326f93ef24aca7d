/* nlp-lm: n-gram language models: estimates one from sentences of tokens (or from count files)
 * with modified Kneser-Ney or a simpler smoothing and writes it as ARPA; `sample` draws
 * sentences from a model. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/io.h"
#include "base/mem.h"
#include "base/rng.h"
#include "cli/err.h"
#include "cli/filter.h"
#include "cli/opt.h"
#include "cli/out.h"
#include "cli/progress.h"
#include "count/countfile.h"
#include "count/ngc.h"
#include "count/ngcfeed.h"
#include "count/ngline.h"
#include "count/vocab.h"
#include "lm/estimate.h"
#include "lm/model.h"
#include "lm/sample.h"

static const char synopsis[] =
    "nlp-lm [-bC] [-n order] [--smoothing method] [--interpolate | --backoff] [--add k] "
    "[--discount-fallback] [-v file] [--prune t1,t2,...] [--output file] [-M size] "
    "[--invalid policy] [--progress] [file ...]";

static const char sample_synopsis[] =
    "nlp-lm sample [--count n] [--seed n] [--max-words n] [--prefix words] model";

static const char help[] =
    "Estimates an n-gram language model from sentences of tokens, one a line, and writes it as\n"
    "ARPA.\n"
    "\n"
    "  -n, --order N          order of the model (default 3; at most 15)\n"
    "      --smoothing M      mkn (modified Kneser-Ney, default), kn, abs, wb (Witten-Bell),\n"
    "                         katz (Good-Turing back-off), addk\n"
    "      --interpolate      interpolated form (default for mkn, kn, abs, wb)\n"
    "      --backoff          back-off form (the only one of katz and addk)\n"
    "      --add K            addk's k (default 1)\n"
    "      --discount-fallback  fixed discounts where the counts leave them undefined\n"
    "  -v, --vocab FILE       closed vocabulary (nlp-vocab's file): other tokens become <unk>\n"
    "      --prune T1,T2,...  leave out n-grams of order n counted at most Tn times\n"
    "  -C, --counts           inputs are count files of nlp-ngram --markers --counts\n"
    "      --output FILE      write the model to FILE (default stdout)\n"
    "  -b, --binary           write the binary model (nlp-arpa(5)) rather than ARPA (needs\n"
    "                         --output)\n"
    "  -M, --memory SIZE      memory budget (K, M, G; default a quarter of RAM)\n"
    "      --invalid POLICY   malformed UTF-8: replace (default), skip or fail\n"
    "      --progress         progress on stderr even when it is not a terminal\n"
    "  -h, --help             show this help\n"
    "      --version          show the version\n"
    "\n"
    "nlp-lm sample [--count n] [--seed n] [--max-words n] [--prefix words] model\n"
    "Draws sentences from a model (ARPA or binary), one a line.\n"
    "\n"
    "      --count N          sentences (default 10)\n"
    "      --seed N           seed of the draws (default 1)\n"
    "      --max-words N      stop a sentence at N words (default 100)\n"
    "      --prefix WORDS     sentences begin with these words\n";

enum {
	OPT_INTERPOLATE = OPT_FIRST_PRIVATE,
	OPT_BACKOFF,
	OPT_FALLBACK,
	OPT_PRUNE,
	OPT_SEED,
	OPT_MAX_WORDS,
	OPT_PREFIX,
	OPT_SMOOTHING,
	OPT_ADD,
	OPT_OUTPUT,
	OPT_COUNT
};

struct lm {
	unsigned order;
	struct vocab vocab;   /* closed vocabulary, or none */
	int closed;
	struct ngline line;   /* the units of a line */
	struct spans mapped;  /* the line's units after the closed vocabulary */
	struct buf key;       /* a count file's key after the closed vocabulary */
	struct ngcount c;
	struct ngcfeed feed;
	struct lm_est est;
};

static const char unk[] = "<unk>";

static int is_marker(const char *s, size_t n)
{
	return (n == 3 && memcmp(s, "<s>", 3) == 0) || (n == 4 && memcmp(s, "</s>", 4) == 0);
}

/* filter_line_err_fn: counts the n-grams of a sentence. */
static int count_line(void *ctx, const char *s, size_t n, struct buf *res, const char *name,
                      uint64_t line, struct error *e)
{
	struct lm *g = ctx;
	const struct span *v;
	size_t k;

	(void)res;
	ngline_units(&g->line, &s, &n);
	v = g->line.units.v;
	k = g->line.units.n;
	for (size_t i = 1; i + 1 < k; i++)
		if (is_marker(v[i].p, v[i].n))
			return error_bad(e, name, line, "%.*s inside a sentence (the markers are added "
			                 "to each line)", (int)v[i].n, v[i].p);
	if (g->closed) {
		g->mapped.n = 0;
		for (size_t i = 0; i < k; i++) {
			struct span u = v[i];

			if (i > 0 && i + 1 < k && vocab_id(&g->vocab, u.p, u.n) < 0)
				u = (struct span){unk, sizeof(unk) - 1};
			spans_push(&g->mapped, u.p, u.n);
		}
		v = g->mapped.v;
	}
	return ngcfeed_line(&g->feed, s, n, v, k, e);
}

/* countfile_line_fn: adds a count file's n-gram, its words outside the vocabulary as <unk>. */
static int count_key(void *ctx, const char *key, size_t len, unsigned nunits, uint64_t count)
{
	struct lm *g = ctx;
	struct error e;

	if (nunits > g->order)
		return 0;
	g->key.len = 0;
	for (const char *p = key, *end = key + len; p < end;) {
		const char *sp = memchr(p, ' ', (size_t)(end - p));
		size_t wl = sp ? (size_t)(sp - p) : (size_t)(end - p);

		/* markers only at the ends; with a closed vocabulary, other words as <unk> */
		if ((wl == 3 && memcmp(p, "<s>", 3) == 0 && p != key) ||
		    (wl == 4 && memcmp(p, "</s>", 4) == 0 && p + wl != end))
			eprintf("counts: '%.*s': %.*s inside an n-gram (the markers begin and end "
			        "sentences)", (int)(len > 64 ? 64 : len), key, (int)wl, p);
		if (g->closed) {
			if (g->key.len)
				buf_putc(&g->key, ' ');
			if (is_marker(p, wl) || vocab_id(&g->vocab, p, wl) >= 0)
				buf_put(&g->key, p, wl);
			else
				buf_put(&g->key, unk, sizeof(unk) - 1);
		}
		p += wl + 1;
	}
	if (g->closed) {
		key = g->key.p;
		len = g->key.len;
	}
	if (ngc_add_key(&g->c, key, len, nunits, count, &e) < 0)
		eprint_error(&e);
	return 0;
}

static int add_entry(void *ctx, const struct ngc_entry *en)
{
	struct lm *g = ctx;
	struct error e;

	if (lmest_add(&g->est, en->key, en->len, en->n, en->count, &e) < 0)
		eprint_error(&e);
	return 0;
}

/* --prune T1,T2,...: thresholds per order from 1, the last repeated. */
static void parse_prune(const char *arg, struct lm_opts *o)
{
	unsigned n = 1;
	const char *p = arg;
	uint64_t last = 0;

	if (!*p || arg[strlen(arg) - 1] == ',') {
		weprintf("--prune: '%s' is not a list of counts such as 0,1,1", arg);
		usage_error(synopsis);
	}
	while (*p) {
		char num[32];
		size_t len = strcspn(p, ",");

		if (len == 0 || len >= sizeof(num) || n > LM_MAX_ORDER) {
			weprintf("--prune: '%s' is not a list of counts such as 0,1,1", arg);
			usage_error(synopsis);
		}
		memcpy(num, p, len);
		num[len] = 0;
		o->prune[n] = (uint64_t)estrtonum(num, 0, UINT32_MAX, "--prune");
		if (n == 1 && o->prune[1] != 0) {
			weprintf("--prune: unigrams are never pruned: the first threshold must be 0");
			usage_error(synopsis);
		}
		if (o->prune[n] < last) {
			weprintf("--prune: the thresholds must not decrease with the order");
			usage_error(synopsis);
		}
		last = o->prune[n++];
		p += len + (p[len] == ',');
	}
	for (; n <= LM_MAX_ORDER; n++)
		o->prune[n] = last;
}

static void report(const struct lm *g)
{
	const struct lm_est *m = &g->est;

	for (unsigned n = 1; n <= m->o.order; n++) {
		if (m->st[n].undiscounted) {
			char list[32] = "";

			for (int a = 1; a <= 5; a++)
				if (m->st[n].undiscounted & 1u << a)
					snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%d",
					         list[0] ? "," : "", a);
			weprintf("warning: %u-gram Good-Turing coefficients unusable (outside (0, 1], or R "
			         ">= 1) for counts %s: those counts are not discounted", n, list);
		}
		if (m->st[n].fell_back)
			weprintf("warning: %u-gram discounts undefined (counts of counts %llu %llu %llu "
			         "%llu): using the fallback ones", n, (unsigned long long)m->st[n].t[1],
			         (unsigned long long)m->st[n].t[2], (unsigned long long)m->st[n].t[3],
			         (unsigned long long)m->st[n].t[4]);
	}
}

static int estimate_main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"order", required_argument, NULL, 'n'},     {"smoothing", required_argument, NULL, OPT_SMOOTHING},
	    {"interpolate", no_argument, NULL, OPT_INTERPOLATE},
	    {"backoff", no_argument, NULL, OPT_BACKOFF}, {"add", required_argument, NULL, OPT_ADD},
	    {"discount-fallback", no_argument, NULL, OPT_FALLBACK},
	    {"vocab", required_argument, NULL, 'v'},
	    {"prune", required_argument, NULL, OPT_PRUNE}, {"counts", no_argument, NULL, 'C'},
	    {"output", required_argument, NULL, OPT_OUTPUT},
	    {"binary", no_argument, NULL, 'b'},          {"memory", required_argument, NULL, 'M'},
	    {"invalid", required_argument, NULL, OPT_INVALID},
	    {"progress", no_argument, NULL, OPT_PROGRESS}, {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, OPT_VERSION},   {NULL, 0, NULL, 0}};
	static const char *const methods[] = {"mkn", "kn", "abs", "wb", "katz", "addk", NULL};
	static struct lm g;
	struct lm_opts o = {.order = 3, .method = LM_MKN, .k = 1};
	struct filter f = {.policy = UTF8_REPLACE, .fn_err = count_line, .ctx = &g};
	const char *vocab_path = NULL, *output = NULL;
	int counts = 0, form = 0, binary = 0, c, ret = 0, fd = -1;
	size_t memory = 0;
	uint64_t written = 0;
	struct writer w;
	struct error e;

	while ((c = getopt_long(argc, argv, "n:Cbv:M:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n': o.order = (unsigned)estrtonum(optarg, 1, LM_MAX_ORDER, "--order"); break;
		case OPT_SMOOTHING: o.method = (enum lm_method)opt_choice("--smoothing", optarg, methods); break;
		case OPT_INTERPOLATE: form = 1; break;
		case OPT_BACKOFF: form = 2; break;
		case OPT_ADD: o.k = estrtod(optarg, 1e-9, 1e9, "--add"); break;
		case OPT_FALLBACK: o.fallback = 1; break;
		case 'v': vocab_path = optarg; break;
		case OPT_PRUNE: parse_prune(optarg, &o); break;
		case 'C': counts = 1; break;
		case OPT_OUTPUT: output = optarg; break;
		case 'b': binary = 1; break;
		case 'M': memory = opt_memory(optarg); break;
		case OPT_INVALID: f.policy = opt_policy(optarg); break;
		case OPT_PROGRESS: f.progress = 1; break;
		case 'h': usage_help(synopsis, help);
		case OPT_VERSION: print_version();
		default: usage_error(synopsis);
		}
	}
	if (form == 1 && (o.method == LM_KATZ || o.method == LM_ADDK)) {
		weprintf("--interpolate: %s is a back-off model only", lm_method_name(o.method));
		usage_error(synopsis);
	}
	if (binary && !output) {
		weprintf("--binary writes to a file: give it with --output");
		usage_error(synopsis);
	}
	o.backoff = form == 2;
	o.binary = binary;
	g.order = o.order;
	g.line.markers = 1;
	if (vocab_path) {
		if (vocab_load(&g.vocab, vocab_path, &e) < 0)
			eprint_error(&e);
		g.closed = 1;
	}
	o.budget = memory ? memory : opt_memory_default();
	if (lmest_init(&g.est, &o, &e) < 0 || ngc_init(&g.c, 1, o.order, o.budget, &e) < 0)
		eprint_error(&e);
	if (!output)
		out_init(); /* a file is opened once the model is made: it may be an input too */
	progress_init(f.progress);
	if (counts) {
		if (countfile_read_all(argv + optind, argc - optind, f.policy, count_key, &g, &e) < 0)
			eprint_error(&e);
	} else {
		if (ngcfeed_start(&g.feed, &g.c, &e) < 0)
			eprint_error(&e);
		ret = filter_lines(&f, argv + optind, argc - optind);
		if (ngcfeed_finish(&g.feed, &e) < 0)
			eprint_error(&e);
	}
	if (ret) /* a model of part of the input would pass for the whole */
		return ret;
	for (size_t i = 0; g.closed && i < vocab_size(&g.vocab); i++) {
		size_t len;
		const char *t = vocab_token(&g.vocab, i, &len);

		if (!is_marker(t, len) && lmest_add_word(&g.est, t, len, &e) < 0)
			eprint_error(&e);
	}
	if (ngc_emit_bykey(&g.c, LM_BYTES_PER_NGRAM, add_entry, &g, &e) < 0)
		eprint_error(&e);
	ngc_free(&g.c);
	if (lmest_estimate(&g.est, &e) < 0)
		eprint_error(&e);
	report(&g);
	if (output)
		fd = out_file_open(&w, output);
	if (binary) {
		struct lm_model *lm;

		if (lmest_model(&g.est, &lm, &e) < 0 || lm_model_write_binary(lm, &w, &e) < 0) {
			unlink(output); /* no model rather than a part of one */
			eprint_error(&e);
		}
		lm_model_free(lm);
	} else {
		lmest_write_arpa(&g.est, output ? &w : &out);
	}
	if (output)
		out_file_close(&w, fd, output);
	else if (out_close())
		ret = EXIT_RUNTIME;
	for (unsigned n = 1; n <= o.order; n++)
		written += g.est.st[n].kept;
	if (ret)
		progress_abort();
	else if (counts)
		merge_done(argc - optind, written, "n-grams");
	else
		filter_done(&f, written, "n-grams");
	lmest_free(&g.est);
	ngline_free(&g.line);
	spans_free(&g.mapped);
	buf_free(&g.key);
	if (g.closed)
		vocab_free(&g.vocab);
	return ret;
}

/* The words of --prefix as the model's ids. */
static size_t prefix_ids(const struct lm_model *lm, const char *prefix, uint32_t *ids, size_t max)
{
	size_t n = 0;
	const char *p = prefix;

	while (*p) {
		size_t len;
		int64_t id;

		p += strspn(p, " \t");
		if (!*p)
			break;
		len = strcspn(p, " \t");
		id = lm_model_find(lm, p, len);
		if (id < 0 || (uint32_t)id == lm_model_bos(lm) || (uint32_t)id == lm_model_eos(lm))
			eprintf("--prefix: '%.*s' is not a word of the model", (int)len, p);
		if (n == max)
			eprintf("--prefix: more words than --max-words");
		ids[n++] = (uint32_t)id;
		p += len;
	}
	return n;
}

static int sample_main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"count", required_argument, NULL, OPT_COUNT},   {"seed", required_argument, NULL, OPT_SEED},
	    {"max-words", required_argument, NULL, OPT_MAX_WORDS},
	    {"prefix", required_argument, NULL, OPT_PREFIX}, {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, OPT_VERSION},     {NULL, 0, NULL, 0}};
	long long count = 10, seed = 1, max = 100;
	const char *prefix = "";
	struct lm_model *lm;
	struct rng r;
	struct error e;
	uint32_t *ids;
	double *cum;
	size_t nprefix;
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_COUNT: count = estrtonum(optarg, 0, LLONG_MAX, "--count"); break;
		case OPT_SEED: seed = estrtonum(optarg, 0, LLONG_MAX, "--seed"); break;
		case OPT_MAX_WORDS: max = estrtonum(optarg, 1, 1 << 24, "--max-words"); break;
		case OPT_PREFIX: prefix = optarg; break;
		case 'h': usage_help(sample_synopsis, help);
		case OPT_VERSION: print_version();
		default: usage_error(sample_synopsis);
		}
	}
	if (argc - optind != 1) {
		weprintf(argc - optind ? "sample reads one model" : "sample: which model?");
		usage_error(sample_synopsis);
	}
	if (lm_model_load(&lm, argv[optind], &e) < 0)
		eprint_error(&e);
	ids = emalloc((size_t)max * sizeof(*ids));
	cum = emalloc(lm_model_vocab_size(lm) * sizeof(*cum));
	nprefix = prefix_ids(lm, prefix, ids, (size_t)max);
	rng_seed(&r, (uint64_t)seed);
	out_init();
	for (long long i = 0; i < count; i++) {
		size_t n = lm_sample(lm, &r, ids, nprefix, (size_t)max, cum);

		for (size_t k = 0; k < n; k++) {
			size_t len;
			const char *w = lm_model_string(lm, ids[k], &len);

			if (k)
				writer_putc(&out, ' ');
			writer_write(&out, w, len);
		}
		writer_putc(&out, '\n');
	}
	free(ids);
	free(cum);
	lm_model_free(lm);
	return out_close() ? EXIT_RUNTIME : 0;
}

int main(int argc, char **argv)
{
	prog_init("nlp-lm");
	if (argc > 1 && strcmp(argv[1], "sample") == 0) {
		argv[1] = argv[0]; /* getopt's messages name the program, not the command */
		return sample_main(argc - 1, argv + 1);
	}
	return estimate_main(argc, argv);
}
