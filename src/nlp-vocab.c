/* nlp-vocab: builds a vocabulary (token<TAB>count, by count then bytes; the line number is the
 * id) from lines of tokens, merges vocabularies from shards, and encodes tokens to ids and
 * decodes ids back to tokens. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "count/ngc.h"
#include "count/ngcfeed.h"
#include "count/countfile.h"
#include "cli/err.h"
#include "cli/filter.h"
#include "cli/out.h"
#include "base/io.h"
#include "base/num.h"
#include "cli/opt.h"
#include "text/utf8.h"
#include "count/specials.h"
#include "count/vocab.h"

static const char synopsis[] =
    "nlp-vocab [-m] [--min-count N] [--max-size N] [-S list] [-M size] [--invalid policy] "
    "[--progress] [file ...]\n"
    "       nlp-vocab -e vocab [-u unk|skip|fail] [--invalid policy] [file ...]\n"
    "       nlp-vocab -D vocab [--invalid policy] [file ...]";

static const char help[] =
    "Builds a vocabulary of tokens with their counts, or maps tokens to ids and back.\n"
    "\n"
    "      --min-count N      keep tokens counted N times or more (default 1)\n"
    "      --max-size N       keep at most N lines, specials included\n"
    "  -S, --specials LIST    tokens placed first, comma-separated (e.g. '<unk>,<s>,</s>')\n"
    "  -m, --merge            inputs are vocabularies: sum their counts\n"
    "  -M, --memory SIZE      memory budget before spilling to $TMPDIR (K, M, G; default a\n"
    "                         quarter of RAM)\n"
    "  -e, --encode VOCAB     write the id of each token\n"
    "  -u, --unknown ACTION   with --encode, a token not in VOCAB: unk (the id of <unk>,\n"
    "                         default), skip, or fail\n"
    "  -D, --decode VOCAB     write the token of each id\n"
    "      --invalid POLICY   malformed UTF-8: replace (default), skip or fail\n"
    "      --progress         progress on stderr even when it is not a terminal\n"
    "  -h, --help             show this help\n"
    "      --version          show the version\n";

enum { OPT_MIN_COUNT = OPT_FIRST_PRIVATE, OPT_MAX_SIZE };

/* --encode and --decode */
struct mapper {
	struct vocab v;
	struct vocab_mapper map;
	struct buf tmp, line; /* a line is written whole, so an error leaves no part of one */
};

/* Maps every line of the files (stdin when none); returns the exit status. */
static int map_files(struct mapper *m, enum utf8_policy policy, char **files, int nfiles)
{
	char *stdin_only[] = {"-"};
	struct error e;
	uint64_t bad = 0;
	int ret = 0;

	if (nfiles == 0) {
		files = stdin_only;
		nfiles = 1;
	}
	for (int i = 0; i < nfiles; i++) {
		struct reader r;
		uint64_t lineno = 0;
		ssize_t n;
		char *line;

		if (reader_open(&r, files[i]) < 0) {
			weprintf("open %s:", files[i]);
			ret = EXIT_RUNTIME;
			continue;
		}
		while ((n = reader_line(&r, &line)) >= 0) {
			size_t len;
			const char *s = utf8_clean(line, (size_t)n, policy, &m->tmp, &len, &bad);

			lineno++;
			if (!s && writer_flush(&out) == 0)
				eprintf("%s: line %llu, byte %zu: invalid UTF-8", r.name,
				        (unsigned long long)lineno, len + 1);
			m->line.len = 0;
			if (vocab_map_line(&m->map, s, len, &m->line, r.name, lineno, &e) < 0 &&
			    writer_flush(&out) == 0)
				eprint_error(&e);
			writer_write(&out, m->line.p, m->line.len);
		}
		if (n == -2) {
			weprintf("read %s:", r.name);
			ret = EXIT_RUNTIME;
		}
		reader_close(&r);
	}
	if (bad)
		weprintf("%llu invalid UTF-8 bytes %s", (unsigned long long)bad,
		         policy == UTF8_SKIP ? "skipped" : "replaced");
	return ret;
}

static int run_mapper(const char *vocab, int encode, const char *unknown, enum utf8_policy policy,
                      char **files, int nfiles)
{
	static const char *const actions[] = {"unk", "skip", "fail", NULL};
	struct mapper m = {.map = {.v = &m.v, .encode = encode}};
	struct error e;
	int ret;

	if (unknown)
		m.map.unknown = (enum vocab_unknown)opt_choice("--unknown", unknown, actions);
	if (vocab_load(&m.v, vocab, &e) < 0)
		eprint_error(&e);
	if (encode && m.map.unknown == VOCAB_UNK_ID &&
	    (m.map.unk_id = vocab_id(&m.v, "<unk>", 5)) < 0)
		eprintf("%s has no <unk> for unknown tokens: add it (--specials '<unk>') or use "
		        "--unknown skip or fail", vocab);
	out_init();
	ret = map_files(&m, policy, files, nfiles);
	vocab_free(&m.v);
	vocab_mapper_free(&m.map);
	buf_free(&m.tmp);
	buf_free(&m.line);
	if (out_close())
		ret = EXIT_RUNTIME;
	return ret;
}

struct build {
	struct ngcount c;
	struct ngcfeed feed; /* counting runs on a thread of its own */
	struct spans units;
	struct specials sp;   /* counted beside the counter: they are written first */
	uint64_t max_size, written;
};

static void count_line(void *ctx, const char *s, size_t n, struct buf *res)
{
	struct build *b = ctx;

	struct error e;

	(void)res;
	spans_split_blank(s, n, &b->units);
	if (b->sp.n)
		for (size_t i = 0; i < b->units.n; i++)
			specials_count(&b->sp, b->units.v[i].p, b->units.v[i].n, 1);
	if (ngcfeed_line(&b->feed, s, n, b->units.v, b->units.n, &e) < 0)
		eprint_error(&e);
}

static int merge_line(void *ctx, const char *key, size_t len, unsigned nunits, uint64_t count)
{
	struct build *b = ctx;
	struct error e;

	if (nunits != 1)
		return 1;
	specials_count(&b->sp, key, len, count);
	if (ngc_add_key(&b->c, key, len, 1, count, &e) < 0)
		eprint_error(&e);
	return 0;
}

static void merge_files(struct build *b, char **files, int nfiles, int policy)
{
	struct error e;
	int r = countfile_read_all(files, nfiles, policy, merge_line, b, &e);

	if (r == 1)
		error_bad(&e, e.name, e.line, "a token with a space is not a vocabulary entry");
	if (r)
		eprint_error(&e);
}

/* Reads the files with the counting on its own thread; returns filter_lines' exit status. */
static int feed_files(struct build *b, const struct filter *f, char **files, int nfiles)
{
	struct error e;
	int ret;

	if (ngcfeed_start(&b->feed, &b->c, &e) < 0)
		eprint_error(&e);
	ret = filter_lines(f, files, nfiles);
	if (ngcfeed_finish(&b->feed, &e) < 0)
		eprint_error(&e);
	return ret;
}

/* Writes the entries after the specials, which were written first. */
static int write_counted(void *ctx, const struct ngc_entry *e)
{
	struct build *b = ctx;

	if (specials_index(&b->sp, e->key, e->len) >= 0)
		return 0;
	if (b->max_size && b->written == b->max_size)
		return 1; /* full: stop */
	countfile_put(&out, e->key, e->len, e->count);
	b->written++;
	return 0;
}

static void write_vocab(struct build *b, uint64_t min_count)
{
	struct error e;

	for (size_t i = 0; i < b->sp.n && (!b->max_size || b->written < b->max_size); i++) {
		countfile_put(&out, b->sp.tok[i], b->sp.len[i], b->sp.counts[i]);
		b->written++;
	}
	if (ngc_emit(&b->c, min_count, 0, write_counted, b, &e) < 0)
		eprint_error(&e);
}

/* Adds --specials' list; each must be a token (no blanks), none repeated. */
static void parse_specials(struct build *b, const char *list)
{
	struct error e;

	if (specials_parse(&b->sp, list, &e) < 0) {
		weprintf("--specials: %s", e.msg);
		exit(EXIT_USAGE);
	}
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"min-count", required_argument, NULL, OPT_MIN_COUNT},
	    {"max-size", required_argument, NULL, OPT_MAX_SIZE},
	    {"specials", required_argument, NULL, 'S'}, {"merge", no_argument, NULL, 'm'},
	    {"memory", required_argument, NULL, 'M'},   {"encode", required_argument, NULL, 'e'},
	    {"unknown", required_argument, NULL, 'u'},  {"decode", required_argument, NULL, 'D'},
	    {"invalid", required_argument, NULL, OPT_INVALID},
	    {"progress", no_argument, NULL, OPT_PROGRESS}, {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, OPT_VERSION},   {NULL, 0, NULL, 0}};
	struct build b = {0};
	struct filter f = {.policy = UTF8_REPLACE};
	const char *encode = NULL, *decode = NULL, *unknown = NULL;
	unsigned long long min_count = 1;
	size_t memory = 0;
	struct error e;
	int merge = 0, building = 0, c, ret;

	prog_init("nlp-vocab");
	while ((c = getopt_long(argc, argv, "S:mM:e:u:D:h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_MIN_COUNT: min_count = (unsigned long long)estrtonum(optarg, 1, LLONG_MAX,
		                                                              "--min-count");
		                    building = 1; break;
		case OPT_MAX_SIZE: b.max_size = (uint64_t)estrtonum(optarg, 1, LLONG_MAX, "--max-size");
		                   building = 1; break;
		case 'S': parse_specials(&b, optarg); building = 1; break;
		case 'm': merge = building = 1; break;
		case 'M': memory = opt_memory(optarg); building = 1; break;
		case 'e': encode = optarg; break;
		case 'u': unknown = optarg; break;
		case 'D': decode = optarg; break;
		case OPT_INVALID: f.policy = opt_policy(optarg); break;
		case OPT_PROGRESS: f.progress = 1; break;
		case 'h': usage_help(synopsis, help);
		case OPT_VERSION: print_version();
		default: usage_error(synopsis);
		}
	}
	if ((encode && decode) || ((encode || decode) && building) || (unknown && !encode)) {
		weprintf("--encode, --decode and building options exclude each other; --unknown goes "
		         "with --encode");
		usage_error(synopsis);
	}
	if (encode || decode) {
		return run_mapper(encode ? encode : decode, !!encode, unknown, f.policy, argv + optind,
		                  argc - optind);
	}
	out_init();
	if (ngc_init(&b.c, 1, 1, memory ? memory : opt_memory_default(), &e) < 0)
		eprint_error(&e);
	f.fn = count_line;
	f.ctx = &b;
	ret = 0;
	if (merge)
		merge_files(&b, argv + optind, argc - optind, f.policy);
	else
		ret = feed_files(&b, &f, argv + optind, argc - optind);
	if (ret == 0) /* counts of a part of the input would pass for the whole */
		write_vocab(&b, min_count);
	ngc_free(&b.c);
	spans_free(&b.units);
	specials_free(&b.sp);
	if (out_close())
		ret = EXIT_RUNTIME;
	return ret;
}
