/* nlp-perplexity: the perplexity of token text under an n-gram model (ARPA or the binary form),
 * reported as SRILM's ngram -ppl and KenLM's query report it, per file, per sentence or per
 * word, as text or JSON lines. Reads token files or stdin, one sentence a line; writes stdout.
 * The model and its queries are lib/lm/model.h's. */
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/spans.h"
#include "cli/err.h"
#include "cli/filter.h"
#include "cli/opt.h"
#include "cli/out.h"
#include "cli/progress.h"
#include "lm/model.h"

static const char synopsis[] =
    "nlp-perplexity --model file [--verbosity level] [--json] [--no-bos] [--no-eos] "
    "[--save-binary file] [--invalid policy] [--progress] [file ...]";

static const char help[] =
    "Scores token text (one sentence a line, <s> and </s> added) under an n-gram model, an\n"
    "ARPA file or the binary form, and reports its perplexity as SRILM and KenLM do.\n"
    "\n"
    "      --model FILE       the model: ARPA or binary (told apart by its first bytes)\n"
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

enum level { LEVEL_SUMMARY, LEVEL_SENTENCE, LEVEL_WORD };

/* What a file, or all of them, adds up to. */
struct stats {
	uint64_t sentences, words, oovs;
	uint64_t tokens;        /* the scored tokens: words, and </s> unless --no-eos */
	uint64_t zeroprobs;     /* tokens of probability 0 (log10 -inf), SRILM's "zeroprobs" */
	uint64_t zero_words;    /* the words among them */
	double logprob;         /* log10 p summed over the tokens of probability above 0 */
	double logprob_all;     /* over every token (-inf with a zero probability): KenLM's */
	double logprob_oov;     /* over the OOVs */
};

struct scorer {
	const struct lm_model *m;
	enum level level;
	int json, bos, eos;
	struct stats file;      /* the current file's */
	struct spans sp;
	uint32_t *ids;          /* [cap] <s> and the line's word ids */
	unsigned char *oov;     /* [cap] */
	size_t cap;
};

/* ---- output ---- */

static void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	buf_reserve(b, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* The shortest %g form that reads back as x, as KenLM prints a float. */
static const char *fmt_float(char *dst, size_t cap, float x)
{
	for (int p = 6; p <= 9; p++) {
		snprintf(dst, cap, "%.*g", p, (double)x);
		if (strtof(dst, NULL) == x)
			break;
	}
	return dst;
}

/* A JSON number, or null for what JSON cannot write (infinities, NaN). */
static const char *json_num(char *dst, size_t cap, double x)
{
	if (!isfinite(x))
		snprintf(dst, cap, "null");
	else
		snprintf(dst, cap, "%.15g", x);
	return dst;
}

static const char *json_float(char *dst, size_t cap, float x)
{
	return isfinite(x) ? fmt_float(dst, cap, x) : json_num(dst, cap, x);
}

/* s[0..n) as a JSON string, quotes included (the text is valid UTF-8: the filter saw to it). */
static void json_str(struct buf *b, const char *s, size_t n)
{
	buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			buf_printf(b, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			buf_printf(b, "\\u%04x", c);
		else
			buf_putc(b, (char)c);
	}
	buf_putc(b, '"');
}

/* 10^(-lp / n), or NaN when there is nothing to average. */
static double ppl(double lp, uint64_t n)
{
	return n > 0 ? pow(10.0, -lp / (double)n) : NAN;
}

static void add_stats(struct stats *to, const struct stats *s)
{
	to->sentences += s->sentences;
	to->words += s->words;
	to->oovs += s->oovs;
	to->tokens += s->tokens;
	to->zeroprobs += s->zeroprobs;
	to->zero_words += s->zero_words;
	to->logprob += s->logprob;
	to->logprob_all += s->logprob_all;
	to->logprob_oov += s->logprob_oov;
}

/* A perplexity as SRILM prints it (%g), "undefined" without tokens. */
static const char *fmt_ppl(char *dst, size_t cap, double x)
{
	if (isnan(x))
		snprintf(dst, cap, "undefined");
	else
		snprintf(dst, cap, "%g", x);
	return dst;
}

/* SRILM's two lines, "LABEL NAME: ..." first, then (with kenlm) KenLM's four. */
static void report_text(struct buf *b, const char *label, const char *name,
                        const struct stats *s, int kenlm)
{
	char p[32], p1[32], a[32], x[32];

	buf_printf(b, "%s %s: %llu sentences, %llu words, %llu OOVs\n", label, name,
	           (unsigned long long)s->sentences, (unsigned long long)s->words,
	           (unsigned long long)s->oovs);
	buf_printf(b, "%llu zeroprobs, logprob= %g ppl= %s ppl1= %s\n",
	           (unsigned long long)s->zeroprobs, s->logprob,
	           fmt_ppl(p, sizeof(p), ppl(s->logprob, s->tokens - s->zeroprobs)),
	           fmt_ppl(p1, sizeof(p1), ppl(s->logprob, s->words - s->zero_words)));
	if (!kenlm)
		return;
	snprintf(a, sizeof(a), "%.16g", ppl(s->logprob_all, s->tokens));
	snprintf(x, sizeof(x), "%.16g", ppl(s->logprob_all - s->logprob_oov, s->tokens - s->oovs));
	buf_printf(b, "Perplexity including OOVs:\t%s\nPerplexity excluding OOVs:\t%s\n"
	           "OOVs:\t%llu\nTokens:\t%llu\n", s->tokens ? a : "undefined",
	           s->tokens > s->oovs ? x : "undefined", (unsigned long long)s->oovs,
	           (unsigned long long)s->tokens);
}

/* The figures of s as JSON members (after "{" and what comes first). */
static void report_json(struct buf *b, const struct stats *s)
{
	char n[6][40];

	buf_printf(b, "\"sentences\":%llu,\"words\":%llu,\"oovs\":%llu,\"zeroprobs\":%llu,"
	           "\"tokens\":%llu,\"logprob\":%s,\"ppl\":%s,\"ppl1\":%s,"
	           "\"ppl_including_oovs\":%s,\"ppl_excluding_oovs\":%s,\"logprob_oovs\":%s",
	           (unsigned long long)s->sentences, (unsigned long long)s->words,
	           (unsigned long long)s->oovs, (unsigned long long)s->zeroprobs,
	           (unsigned long long)s->tokens, json_num(n[0], 40, s->logprob),
	           json_num(n[1], 40, ppl(s->logprob, s->tokens - s->zeroprobs)),
	           json_num(n[2], 40, ppl(s->logprob, s->words - s->zero_words)),
	           json_num(n[3], 40, ppl(s->logprob_all, s->tokens)),
	           json_num(n[4], 40, ppl(s->logprob_all - s->logprob_oov, s->tokens - s->oovs)),
	           json_num(n[5], 40, s->logprob_oov));
}

/* ---- scoring ---- */

/* One token of the sentence: its log10 p into the statistics, and its detail into out. */
static void token(struct scorer *sc, struct stats *line, const char *w, size_t n, uint32_t id,
                  int oov, float lp, unsigned order, int is_word, struct buf *out)
{
	char f[40];

	line->tokens++;
	line->logprob_all += lp;
	if (oov)
		line->logprob_oov += lp;
	if (isinf(lp)) {
		line->zeroprobs++;
		line->zero_words += is_word;
	} else {
		line->logprob += lp;
	}
	if (sc->level != LEVEL_WORD)
		return;
	if (sc->json) {
		if (line->tokens > 1)
			buf_putc(out, ',');
		buf_put(out, "{\"word\":", 8);
		json_str(out, w, n);
		buf_printf(out, ",\"id\":%u,\"order\":%u,\"logprob\":%s,\"oov\":%s}", id, order,
		           json_float(f, sizeof(f), lp), oov ? "true" : "false");
	} else {
		buf_put(out, w, n);
		buf_printf(out, "=%u %u %s\t", id, order, fmt_float(f, sizeof(f), lp));
	}
}

/* filter_line_fn: scores one sentence. */
static void score_line(void *ctx, const char *s, size_t n, struct buf *out)
{
	struct scorer *sc = ctx;
	const struct lm_model *m = sc->m;
	struct stats line = {0};
	struct span *t;
	size_t k, first = 0, start, i;
	unsigned order;
	char f[40];

	spans_split_blank(s, n, &sc->sp);
	t = sc->sp.v;
	k = sc->sp.n;
	/* markers the text already has are the ones every sentence gets */
	if (k > 0 && t[0].n == 3 && memcmp(t[0].p, "<s>", 3) == 0)
		first = 1;
	if (k > first && t[k - 1].n == 4 && memcmp(t[k - 1].p, "</s>", 4) == 0)
		k--;
	if (k - first + 1 > sc->cap) {
		sc->cap = (k - first + 1) * 2;
		sc->ids = erealloc(sc->ids, sc->cap * sizeof(*sc->ids));
		sc->oov = erealloc(sc->oov, sc->cap);
	}
	sc->ids[0] = lm_model_bos(m);
	for (i = first; i < k; i++) {
		int64_t id = lm_model_find(m, t[i].p, t[i].n);

		sc->oov[i - first + 1] = id < 0;
		sc->ids[i - first + 1] = id < 0 ? lm_model_unk(m) : (uint32_t)id;
	}
	k -= first;
	start = sc->bos ? 0 : 1;
	if (sc->json && sc->level == LEVEL_WORD)
		buf_printf(out, "{\"sentence\":%llu,\"scores\":[",
		           (unsigned long long)sc->file.sentences + 1);
	for (i = 1; i <= k; i++) {
		float lp = lm_model_logp(m, sc->ids + start, i - start, sc->ids[i], &order);

		line.words++;
		line.oovs += sc->oov[i];
		token(sc, &line, t[first + i - 1].p, t[first + i - 1].n, sc->ids[i], sc->oov[i], lp,
		      order, 1, out);
	}
	if (sc->eos) {
		float lp = lm_model_logp(m, sc->ids + start, k + 1 - start, lm_model_eos(m), &order);

		token(sc, &line, "</s>", 4, lm_model_eos(m), 0, lp, order, 0, out);
	}
	line.sentences = 1;
	if (sc->level != LEVEL_SUMMARY) {
		if (sc->json) {
			if (sc->level == LEVEL_WORD)
				buf_put(out, "],", 2);
			else
				buf_printf(out, "{\"sentence\":%llu,",
				           (unsigned long long)sc->file.sentences + 1);
			report_json(out, &line);
			buf_put(out, "}\n", 2);
		} else {
			buf_printf(out, "Total: %s OOV: %llu\n",
			           fmt_float(f, sizeof(f), (float)line.logprob_all),
			           (unsigned long long)line.oovs);
		}
	}
	add_stats(&sc->file, &line);
}

/* A file's own report, when there are several: SRILM's two lines, or a JSON object. */
static void file_report(const struct scorer *sc, const char *name, struct buf *b)
{
	if (sc->json) {
		buf_put(b, "{\"file\":", 8);
		json_str(b, name, strlen(name));
		buf_putc(b, ',');
		report_json(b, &sc->file);
		buf_put(b, "}\n", 2);
	} else {
		report_text(b, "file", name, &sc->file, 0);
	}
}

/* The report over all the files (names[0..n), or "-"), the model's settings with it in JSON. */
static void final_report(const struct scorer *sc, const struct stats *all, const char *model,
                         char **names, int n, struct buf *b)
{
	char count[32];

	if (!sc->json) {
		snprintf(count, sizeof(count), "%d files", n);
		report_text(b, n == 1 ? "file" : "total", n == 1 ? names[0] : count, all, 1);
		return;
	}
	buf_put(b, "{\"model\":", 9);
	json_str(b, model, strlen(model));
	buf_printf(b, ",\"order\":%u,\"bos\":%s,\"eos\":%s,", lm_model_order(sc->m),
	           sc->bos ? "true" : "false", sc->eos ? "true" : "false");
	if (n == 1) {
		buf_put(b, "\"file\":", 7);
		json_str(b, names[0], strlen(names[0]));
	} else {
		buf_put(b, "\"files\":[", 9);
		for (int i = 0; i < n; i++) {
			if (i)
				buf_putc(b, ',');
			json_str(b, names[i], strlen(names[i]));
		}
		buf_putc(b, ']');
	}
	buf_putc(b, ',');
	report_json(b, all);
	buf_put(b, "}\n", 2);
}

/* Scores the files (stdin when none), each file's report after its lines, then the report over
 * all; sc->file ends as the total. Returns the exit status. */
static int score(struct scorer *sc, struct filter *f, char **files, int nfiles, const char *model)
{
	static char *dash[] = {"-"};
	char **names = nfiles ? files : dash;
	int ret = 0, n = nfiles ? nfiles : 1;
	struct stats all = {0};
	struct buf b = {0};

	for (int i = 0; i < n; i++) {
		int r;

		memset(&sc->file, 0, sizeof(sc->file));
		r = filter_lines(f, names + i, 1);
		ret |= r;
		if (r && f->policy == UTF8_FAIL)
			goto out; /* the message is said; no report of a text refused */
		add_stats(&all, &sc->file);
		if (n > 1) {
			b.len = 0;
			file_report(sc, names[i], &b);
			writer_write(&out, b.p, b.len);
		}
	}
	b.len = 0;
	final_report(sc, &all, model, names, n, &b);
	writer_write(&out, b.p, b.len);
	sc->file = all;
out:
	buf_free(&b);
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
	struct scorer sc = {.bos = 1, .eos = 1};
	struct filter f = {.policy = UTF8_REPLACE, .fn = score_line, .ctx = &sc};
	const char *model = NULL, *save = NULL;
	struct lm_model *m;
	struct error e;
	int c, ret = 0;

	prog_init("nlp-perplexity");
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_MODEL: model = optarg; break;
		case OPT_VERBOSITY: sc.level = (enum level)opt_choice("--verbosity", optarg, levels); break;
		case OPT_JSON: sc.json = 1; break;
		case OPT_NO_BOS: sc.bos = 0; break;
		case OPT_NO_EOS: sc.eos = 0; break;
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
	sc.m = m;
	if (!save || optind < argc)
		ret = score(&sc, &f, argv + optind, argc - optind, model);
	if (out_close())
		ret = EXIT_RUNTIME;
	if (ret == 0) {
		char a[32], b[32], v[32];

		progress_done("%s sentences, %s tokens scored; a model of order %u, %s words",
		              progress_count(a, sizeof(a), sc.file.sentences),
		              progress_count(b, sizeof(b), sc.file.tokens), lm_model_order(m),
		              progress_count(v, sizeof(v), lm_model_vocab_size(m)));
	} else {
		progress_abort();
	}
	lm_model_free(m);
	spans_free(&sc.sp);
	free(sc.ids);
	free(sc.oov);
	return ret;
}
