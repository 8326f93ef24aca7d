/* nlp-similar: nearest neighbours and analogies by cosine in word vectors (word2vec, fastText or
 * gensim files, text or binary), and the WordSim353-style and word2vec analogy benchmarks, with
 * gensim's conventions. Queries come as arguments or one per line on stdin; answers go to stdout
 * as word<TAB>similarity lines. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cblas.h>

#include "cli/err.h"
#include "base/io.h"
#include "base/num.h"
#include "cli/opt.h"
#include "cli/out.h"
#include "vec/similar.h"
#include "vec/vectors.h"

static const char synopsis[] =
    "nlp-similar [-i | --match-case] [-f format] [-k N] [-m add|mul] [-r N] [-q] [-t N] "
    "vectors [query ...]\n"
    "       nlp-similar --eval-pairs file | --eval-analogy file ... [-i | --match-case] "
    "[-f format] [-m add|mul] [-r N] [-t N] vectors";

static const char help[] =
    "Nearest neighbours and analogies by cosine similarity in word vectors, and word-pair\n"
    "and analogy benchmarks. A query (an argument, or a line of stdin) is a word, or three\n"
    "words 'a b c' for a is to b as c is to ?; each answer is a 'word<TAB>similarity' line.\n"
    "\n"
    "  -k, --top N            answers per query (default 10)\n"
    "  -m, --method METHOD    analogies by add (3CosAdd, default) or mul (3CosMul)\n"
    "  -r, --restrict N       candidates are the first N rows; benchmarks know only them\n"
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
    "  -f, --format FORMAT    the vectors are text, binary or auto (default: detected)\n"
    "  -t, --threads N        threads (default: the number of CPUs)\n"
    "  -h, --help             show this help\n"
    "      --version          show the version\n";

enum { OPT_MATCH_CASE = OPT_FIRST_PRIVATE, OPT_EVAL_PAIRS, OPT_EVAL_ANALOGY };

#define DEFAULT_TOP 10
#define PAIRS_RESTRICT 300000   /* gensim's default */
#define ANALOGY_RESTRICT 30000  /* word2vec's compute-accuracy and the benchmarks' */
#define MAX_BATCH 1024          /* queries answered together */
#define BATCH_HITS (1u << 24)   /* answers held at a time */
#define MAX_THREADS 256

struct eval {
	int analogy;
	const char *file;
};

struct settings {
	enum vec_format format;
	enum sim_method method;
	int fold;          /* -1: the default of the mode */
	int with_query, threads;
	size_t top;
	long long restrict_to; /* 0: the default of the mode */
	struct eval *evals;
	int nevals;
};

/* ---- the vectors ---- */

static void load_vectors(struct vectors *v, const char *path, enum vec_format f)
{
	struct reader r;
	struct vec_error e;

	if (reader_open(&r, path) < 0)
		eprintf("open %s:", path);
	if (vec_read(v, &r, f, &e) < 0) {
		if (e.sys) {
			errno = e.sys;
			eprintf("read %s:", r.name);
		}
		if (e.binary && e.line)
			eprintf("%s: row %llu (byte %llu): %s", r.name, (unsigned long long)e.line,
			        (unsigned long long)e.offset, e.why);
		if (e.line)
			eprintf("%s: line %llu: %s", r.name, (unsigned long long)e.line, e.why);
		eprintf("%s: %s", r.name, e.why);
	}
	reader_close(&r);
}

/* ---- queries ---- */

struct batch {
	const struct settings *set;
	struct sim_vocab sv;
	struct sim_search s;
	struct sim_query *q;   /* [cap] */
	struct buf *text;      /* [cap] each query's words, for --with-query */
	int *ok;               /* [cap] the query could be asked */
	size_t n, cap, done;   /* done: queries answered so far */
	struct sim_hit *hits;  /* [cap][k] */
	size_t *nhits;         /* [cap] */
	int ret;
};

static void put_score(float x)
{
	char s[64];
	int n = snprintf(s, sizeof(s), "\t%.6f\n", x);

	if (strcmp(s, "\t-0.000000\n") == 0)
		n = snprintf(s, sizeof(s), "\t0.000000\n");
	writer_write(&out, s, (size_t)n);
}

static void answer_batch(struct batch *b)
{
	struct sim_query *q = b->q;
	size_t k = b->s.k, m = 0;

	/* ask the queries that can be asked, packed in front of their places */
	for (size_t i = 0; i < b->n; i++)
		if (b->ok[i])
			q[m++] = q[i];
	if (sim_search(&b->s, q, m, b->hits, b->nhits) < 0)
		eprintf("out of memory");
	for (size_t i = 0, j = 0; i < b->n; i++, b->done++) {
		if (b->done > 0 && !b->set->with_query)
			writer_putc(&out, '\n');
		if (!b->ok[i])
			continue;
		for (size_t h = 0; h < b->nhits[j]; h++) {
			size_t len;
			const char *w = vec_word(b->s.v, b->hits[j * k + h].row, &len);

			if (b->set->with_query) {
				writer_write(&out, b->text[i].p, b->text[i].len);
				writer_putc(&out, '\t');
			}
			writer_write(&out, w, len);
			put_score(b->hits[j * k + h].score);
		}
		j++;
	}
	b->n = 0;
}

/* Adds the query s[0..n) to the batch: one word, or three for an analogy. Blank: no query. */
static void add_query(struct batch *b, const char *s, size_t n)
{
	const char *w[3];
	size_t len[3], nw = 0, i = 0;
	struct sim_query *q = &b->q[b->n];
	struct buf *t = &b->text[b->n];
	char ex[80];

	t->len = 0;
	while (i < n) {
		const char *p;

		while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
			i++;
		if (i == n)
			break;
		p = s + i;
		while (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			i++;
		if (nw < 3) {
			w[nw] = p;
			len[nw] = (size_t)(s + i - p);
		}
		if (nw++)
			buf_putc(t, ' ');
		buf_put(t, p, (size_t)(s + i - p));
	}
	if (nw == 0)
		return;
	b->ok[b->n] = 0;
	q->n = (int)nw;
	if (nw == 2 || nw > 3) {
		weprintf("'%s': a query is a word, or three words (a b c: a is to b as c is to ?)",
		         vec_excerpt(ex, sizeof(ex), t->p, t->len));
		b->ret = EXIT_RUNTIME;
	} else {
		b->ok[b->n] = 1;
		for (size_t j = 0; j < nw; j++) {
			int64_t row = sim_vocab_find(&b->sv, w[j], len[j]);

			if (row < 0) {
				weprintf("'%s' is not among the vectors",
				         vec_excerpt(ex, sizeof(ex), w[j], len[j]));
				b->ok[b->n] = 0;
				b->ret = EXIT_RUNTIME;
			}
			q->w[j] = row < 0 ? 0 : (uint32_t)row;
		}
	}
	if (++b->n == b->cap)
		answer_batch(b);
}

/* Whether another line of r can be had without waiting. */
static int more_ready(struct reader *r)
{
	struct pollfd p = {r->fd, POLLIN, 0};

	return memchr(r->buf + r->start, '\n', r->end - r->start) || r->eof ||
	       poll(&p, 1, 0) > 0;
}

static int run_queries(const struct settings *set, const struct vectors *v, char **args,
                       int nargs)
{
	struct batch b = {.set = set};
	size_t cands = set->restrict_to > 0 && (size_t)set->restrict_to < v->rows
	                   ? (size_t)set->restrict_to : v->rows;

	if (sim_vocab_init(&b.sv, v, v->rows, set->fold > 0) < 0)
		eprintf("out of memory");
	b.s = (struct sim_search){v, cands, b.sv.key, set->method, set->top < cands ? set->top
	                                                                             : cands,
	                          set->threads};
	b.cap = b.s.k ? BATCH_HITS / b.s.k : MAX_BATCH;
	b.cap = b.cap < 1 ? 1 : b.cap > MAX_BATCH ? MAX_BATCH : b.cap;
	b.q = ecalloc(b.cap, sizeof(*b.q));
	b.text = ecalloc(b.cap, sizeof(*b.text));
	b.ok = ecalloc(b.cap, sizeof(*b.ok));
	b.nhits = ecalloc(b.cap, sizeof(*b.nhits));
	b.hits = ecalloc(b.cap * (b.s.k ? b.s.k : 1), sizeof(*b.hits));
	if (nargs > 0) {
		for (int i = 0; i < nargs; i++)
			add_query(&b, args[i], strlen(args[i]));
	} else {
		struct reader r;
		char *line;
		ssize_t n;

		if (reader_open(&r, NULL) < 0)
			eprintf("open <stdin>:");
		while ((n = reader_line(&r, &line)) >= 0) {
			add_query(&b, line, (size_t)n);
			if (b.n > 0 && !more_ready(&r)) { /* answer now: someone may be waiting */
				answer_batch(&b);
				writer_flush(&out);
			}
		}
		if (n == -2)
			eprintf("read <stdin>:");
		reader_close(&r);
	}
	answer_batch(&b);
	for (size_t i = 0; i < b.cap; i++)
		buf_free(&b.text[i]);
	free(b.q);
	free(b.text);
	free(b.ok);
	free(b.nhits);
	free(b.hits);
	sim_vocab_free(&b.sv);
	return b.ret;
}

/* ---- benchmarks ---- */

static void put_line(const char *key, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put_line(const char *key, const char *fmt, ...)
{
	char s[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(s, sizeof(s), fmt, ap);
	va_end(ap);
	writer_write(&out, key, strlen(key));
	writer_putc(&out, '\t');
	writer_write(&out, s, (size_t)n < sizeof(s) ? (size_t)n : sizeof(s) - 1);
	writer_putc(&out, '\n');
}

static void eval_failed(const char *name, const struct sim_error *e)
{
	if (e->sys) {
		errno = e->sys;
		eprintf("read %s:", name);
	}
	if (e->line)
		eprintf("%s: line %llu: %s", name, (unsigned long long)e->line, e->why);
	eprintf("%s: %s", name, e->why);
}

static void eval_header(const struct settings *set, const struct vectors *v,
                        const struct eval *ev, long long restrict_to, int fold)
{
	put_line(ev->analogy ? "eval-analogy" : "eval-pairs", "%s", ev->file);
	put_line("restrict", "%lld", restrict_to);
	put_line("words", "%zu", (size_t)restrict_to < v->rows ? (size_t)restrict_to : v->rows);
	put_line("case", "%s", fold ? "insensitive" : "sensitive");
	if (ev->analogy)
		put_line("method", "%s", set->method == SIM_ADD ? "3cosadd" : "3cosmul");
}

static void run_eval(const struct settings *set, const struct vectors *v, const struct eval *ev)
{
	long long restrict_to = set->restrict_to ? set->restrict_to
	                        : ev->analogy   ? ANALOGY_RESTRICT : PAIRS_RESTRICT;
	int fold = set->fold != 0;
	struct sim_vocab sv;
	struct sim_error e;
	struct reader r;

	if (reader_open(&r, ev->file) < 0)
		eprintf("open %s:", ev->file);
	if (sim_vocab_init(&sv, v, (size_t)restrict_to, fold) < 0)
		eprintf("out of memory");
	if (!ev->analogy) {
		struct sim_pairs p;

		if (sim_eval_pairs(&sv, &r, &p, &e) < 0)
			eval_failed(r.name, &e);
		eval_header(set, v, ev, restrict_to, fold);
		put_line("pairs", "%llu", (unsigned long long)p.pairs);
		put_line("oov", "%llu", (unsigned long long)p.oov);
		put_line("oov_percent", "%.6f", p.oov_percent);
		put_line("invalid", "%llu", (unsigned long long)p.invalid);
		put_line("pearson", "%.6f", p.pearson);
		put_line("spearman", "%.6f", p.spearman);
	} else {
		struct sim_analogies a;

		if (sim_eval_analogies(&sv, &r, set->method, set->threads, &a, &e) < 0)
			eval_failed(r.name, &e);
		eval_header(set, v, ev, restrict_to, fold);
		for (size_t i = 0; i < a.nsec; i++) {
			const struct sim_section *s = &a.sec[i];

			put_line("section", "%s\t%.6f\t%llu\t%llu", s->name,
			         s->total ? (double)s->correct / (double)s->total : 0.0,
			         (unsigned long long)s->correct, (unsigned long long)s->total);
		}
		put_line("questions", "%llu", (unsigned long long)a.questions);
		put_line("oov", "%llu", (unsigned long long)a.oov);
		put_line("oov_percent", "%.6f",
		         a.questions ? 100.0 * (double)a.oov / (double)a.questions : 0.0);
		put_line("invalid", "%llu", (unsigned long long)a.invalid);
		put_line("correct", "%llu", (unsigned long long)a.correct);
		put_line("evaluated", "%llu", (unsigned long long)a.total);
		put_line("accuracy", "%.6f", a.total ? (double)a.correct / (double)a.total : 0.0);
		sim_analogies_free(&a);
	}
	sim_vocab_free(&sv);
	reader_close(&r);
}

/* ---- options ---- */

static int parse_word(const char *arg, const char *opt, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (strcmp(arg, names[i]) == 0)
			return i;
	weprintf("%s: '%s' is not %s", opt, arg, n == 3 ? "auto, text or binary" : "add or mul");
	exit(EXIT_USAGE);
}

static void parse_options(struct settings *set, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"top", required_argument, NULL, 'k'},      {"method", required_argument, NULL, 'm'},
	    {"restrict", required_argument, NULL, 'r'}, {"ignore-case", no_argument, NULL, 'i'},
	    {"match-case", no_argument, NULL, OPT_MATCH_CASE},
	    {"with-query", no_argument, NULL, 'q'},
	    {"eval-pairs", required_argument, NULL, OPT_EVAL_PAIRS},
	    {"eval-analogy", required_argument, NULL, OPT_EVAL_ANALOGY},
	    {"format", required_argument, NULL, 'f'},   {"threads", required_argument, NULL, 't'},
	    {"help", no_argument, NULL, 'h'},           {"version", no_argument, NULL, OPT_VERSION},
	    {NULL, 0, NULL, 0}};
	static const char *const formats[] = {"auto", "text", "binary"};
	static const char *const methods[] = {"add", "mul", "3cosadd", "3cosmul"};
	int c;

	while ((c = getopt_long(argc, argv, "k:m:r:iqf:t:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'k': set->top = (size_t)estrtonum(optarg, 1, INT32_MAX, "--top"); break;
		case 'm': set->method = parse_word(optarg, "--method", methods, 4) % 2 ? SIM_MUL
		                                                                       : SIM_ADD;
		          break;
		case 'r': set->restrict_to = estrtonum(optarg, 1, INT64_MAX, "--restrict"); break;
		case 'i': set->fold = 1; break;
		case OPT_MATCH_CASE: set->fold = 0; break;
		case 'q': set->with_query = 1; break;
		case OPT_EVAL_PAIRS:
		case OPT_EVAL_ANALOGY:
			set->evals = erealloc(set->evals, (size_t)(set->nevals + 1) * sizeof(*set->evals));
			set->evals[set->nevals++] = (struct eval){c == OPT_EVAL_ANALOGY, optarg};
			break;
		case 'f': set->format = (enum vec_format)parse_word(optarg, "--format", formats, 3);
		          break;
		case 't': set->threads = (int)estrtonum(optarg, 1, MAX_THREADS, "--threads"); break;
		case 'h': usage_help(synopsis, help);
		case OPT_VERSION: print_version();
		default: usage_error(synopsis);
		}
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

int main(int argc, char **argv)
{
	struct settings set = {.fold = -1, .top = DEFAULT_TOP};
	struct vectors v;
	int ret = 0;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	prog_init("nlp-similar");
	set.threads = cpus < 1 ? 1 : cpus > MAX_THREADS ? MAX_THREADS : (int)cpus;
	parse_options(&set, argc, argv);
	/* one BLAS thread: blocks of candidates go to our threads, each through its own product, so
	 * that the answers do not depend on the number of threads */
	openblas_set_num_threads(1);
	out_init();
	load_vectors(&v, argv[optind], set.format);
	for (int i = 0; i < set.nevals; i++) {
		if (i > 0)
			writer_putc(&out, '\n');
		run_eval(&set, &v, &set.evals[i]);
	}
	if (set.nevals == 0)
		ret = run_queries(&set, &v, argv + optind + 1, argc - optind - 1);
	vec_free(&v);
	free(set.evals);
	if (out_close())
		ret = EXIT_RUNTIME;
	return ret;
}
