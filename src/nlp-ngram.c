/* nlp-ngram: word or character n-grams of lines of tokens, listed one per line as they occur,
 * or counted (in a memory budget, spilling sorted runs to disk) and sorted by count; merges
 * count files from shards. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "count/countfile.h"
#include "count/ngc.h"
#include "count/ngcfeed.h"
#include "count/ngline.h"
#include "cli/err.h"
#include "cli/filter.h"
#include "cli/out.h"
#include "cli/progress.h"
#include "base/io.h"
#include "base/num.h"
#include "cli/opt.h"
#include "text/tokenize.h"

static const char synopsis[] =
    "nlp-ngram [-cCm] [--markers] [-n N | --min-n N --max-n N] [--space token] [--min-count N] "
    "[--top K] [-M size] [--invalid policy] [--progress] [file ...]";

static const char help[] =
    "Lists the n-grams of each line of tokens, or counts them.\n"
    "\n"
    "  -n, --order N          n-grams of N units (default 2)\n"
    "      --min-n N          shortest n-grams (with --max-n: every length in between)\n"
    "      --max-n N          longest n-grams\n"
    "  -c, --chars            units are grapheme clusters, not tokens\n"
    "      --space TOKEN      with --chars: a unit for the whitespace between tokens\n"
    "      --markers          add <s> before and </s> after each line\n"
    "  -C, --counts           count: 'w1 ... wn<TAB>count', by count, then bytes\n"
    "      --min-count N      only n-grams counted N times or more (implies --counts)\n"
    "      --top K            only the K most frequent (implies --counts)\n"
    "  -m, --merge            inputs are count files: sum them (implies --counts)\n"
    "  -M, --memory SIZE      memory budget before spilling to $TMPDIR (K, M, G; default a\n"
    "                         quarter of RAM)\n"
    "      --invalid POLICY   malformed UTF-8: replace (default), skip or fail\n"
    "      --progress         progress on stderr even when it is not a terminal\n"
    "  -h, --help             show this help\n"
    "      --version          show the version\n";

enum {
	OPT_MIN_N = OPT_FIRST_PRIVATE,
	OPT_MAX_N,
	OPT_SPACE,
	OPT_MIN_COUNT,
	OPT_TOP,
	OPT_MARKERS
};

struct ngram {
	unsigned min_n, max_n;
	struct ngline line;  /* the units of a line */
	struct ngcount c;
	struct ngcfeed feed; /* counting runs on a thread of its own */
};

/* Writes each n-gram of the line on its own line. */
static void list_line(void *ctx, const char *s, size_t n, struct buf *res)
{
	struct ngram *g = ctx;

	ngline_list(&g->line, s, n, g->min_n, g->max_n, res);
}

static void count_line(void *ctx, const char *s, size_t n, struct buf *res)
{
	struct ngram *g = ctx;

	struct error e;

	(void)res;
	ngline_units(&g->line, &s, &n);
	if (ngcfeed_line(&g->feed, s, n, g->line.units.v, g->line.units.n, &e) < 0)
		eprint_error(&e);
}

static int merge_line(void *ctx, const char *key, size_t len, unsigned nunits, uint64_t count)
{
	struct ngram *g = ctx;
	struct error e;

	if (nunits < g->min_n || nunits > g->max_n)
		return 0; /* another length than asked for */
	if (ngc_add_key(&g->c, key, len, nunits, count, &e) < 0)
		eprint_error(&e);
	return 0;
}

/* Reads count files into the counter. */
static void merge_files(struct ngram *g, char **files, int nfiles, int policy)
{
	struct error e;

	if (countfile_read_all(files, nfiles, policy, merge_line, g, &e) < 0)
		eprint_error(&e);
}

/* Reads the files with the counting on its own thread; returns filter_lines' exit status. */
static int feed_files(struct ngram *g, struct filter *f, char **files, int nfiles)
{
	struct error e;
	int ret;

	if (ngcfeed_start(&g->feed, &g->c, &e) < 0)
		eprint_error(&e);
	ret = filter_lines(f, files, nfiles);
	if (ngcfeed_finish(&g->feed, &e) < 0)
		eprint_error(&e);
	return ret;
}

static int write_count(void *ctx, const struct ngc_entry *e)
{
	(void)ctx;
	countfile_put(&out, e->key, e->len, e->count);
	return 0;
}

static unsigned parse_order(const char *arg, const char *opt)
{
	return (unsigned)estrtonum(arg, 1, NGC_MAX_N, opt);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"order", required_argument, NULL, 'n'},  {"min-n", required_argument, NULL, OPT_MIN_N},
	    {"max-n", required_argument, NULL, OPT_MAX_N}, {"chars", no_argument, NULL, 'c'},
	    {"space", required_argument, NULL, OPT_SPACE}, {"markers", no_argument, NULL, OPT_MARKERS},
	    {"counts", no_argument, NULL, 'C'},
	    {"min-count", required_argument, NULL, OPT_MIN_COUNT},
	    {"top", required_argument, NULL, OPT_TOP},   {"merge", no_argument, NULL, 'm'},
	    {"memory", required_argument, NULL, 'M'},
	    {"invalid", required_argument, NULL, OPT_INVALID},
	    {"progress", no_argument, NULL, OPT_PROGRESS}, {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, OPT_VERSION},   {NULL, 0, NULL, 0}};
	struct ngram g = {.min_n = 0, .max_n = 0};
	struct filter f = {.policy = UTF8_REPLACE, .ctx = &g};
	unsigned order = 0;
	int counts = 0, merge = 0, c, ret = 0;
	unsigned long long min_count = 1, top = 0;
	size_t memory = 0;
	uint64_t written;
	struct error e;

	prog_init("nlp-ngram");
	while ((c = getopt_long(argc, argv, "n:cCmM:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n': order = parse_order(optarg, "-n"); break;
		case OPT_MIN_N: g.min_n = parse_order(optarg, "--min-n"); break;
		case OPT_MAX_N: g.max_n = parse_order(optarg, "--max-n"); break;
		case 'c': g.line.chars = 1; break;
		case OPT_SPACE: g.line.space = optarg; break;
		case OPT_MARKERS: g.line.markers = 1; break;
		case 'C': counts = 1; break;
		case OPT_MIN_COUNT: min_count = (unsigned long long)estrtonum(optarg, 1, LLONG_MAX,
		                                                              "--min-count");
		                    counts = 1; break;
		case OPT_TOP: top = (unsigned long long)estrtonum(optarg, 1, LLONG_MAX, "--top");
		              counts = 1; break;
		case 'm': merge = counts = 1; break;
		case 'M': memory = opt_memory(optarg); break;
		case OPT_INVALID: f.policy = opt_policy(optarg); break;
		case OPT_PROGRESS: f.progress = 1; break;
		case 'h': usage_help(synopsis, help);
		case OPT_VERSION: print_version();
		default: usage_error(synopsis);
		}
	}
	if (order && (g.min_n || g.max_n)) {
		weprintf("-n and --min-n/--max-n exclude each other");
		usage_error(synopsis);
	}
	if (order) {
		g.min_n = g.max_n = order;
	} else if (!g.min_n && !g.max_n) {
		g.min_n = merge ? 1 : 2;
		g.max_n = merge ? NGC_MAX_N : 2;
	} else if (!g.min_n) {
		g.min_n = 1;
	} else if (!g.max_n) {
		g.max_n = g.min_n;
	}
	if (g.min_n > g.max_n) {
		weprintf("--min-n %u is above --max-n %u", g.min_n, g.max_n);
		usage_error(synopsis);
	}
	if (g.line.space && !g.line.chars) {
		weprintf("--space goes with --chars");
		usage_error(synopsis);
	}
	if (g.line.space && !tokenize_space_ok(g.line.space)) {
		weprintf("--space: the token must be non-empty UTF-8 without whitespace or controls");
		usage_error(synopsis);
	}
	if (merge && (g.line.chars || g.line.markers)) {
		weprintf("--merge reads count files: --chars and --markers do not apply");
		usage_error(synopsis);
	}
	out_init();
	progress_init(f.progress);
	if (!counts) {
		f.fn = list_line;
		ret = filter_lines(&f, argv + optind, argc - optind);
	} else {
		if (ngc_init(&g.c, g.min_n, g.max_n, memory ? memory : opt_memory_default(), &e) < 0)
			eprint_error(&e);
		f.fn = count_line;
		if (merge)
			merge_files(&g, argv + optind, argc - optind, f.policy);
		else
			ret = feed_files(&g, &f, argv + optind, argc - optind);
		/* counts of a part of the input would pass for the whole */
		if (ret == 0 && ngc_emit(&g.c, min_count, top, write_count, NULL, &e) < 0)
			eprint_error(&e);
		ngc_free(&g.c);
	}
	ngline_free(&g.line);
	written = out.nwritten + out.len;
	if (out_close())
		ret = EXIT_RUNTIME;
	if (ret)
		progress_abort();
	else if (merge)
		merge_done(argc - optind, g.c.emitted, "n-grams");
	else if (counts)
		filter_done(&f, g.c.emitted, "n-grams");
	else
		filter_done(&f, written, PHASE_BYTES);
	return ret;
}
