/* nlp-vocab: builds a vocabulary (token<TAB>count, by count then bytes; the line number is the
 * id) from lines of tokens, merges vocabularies from shards, and encodes tokens to ids and
 * decodes ids back to tokens. */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>

#include "cli/err.h"
#include "cli/filter.h"
#include "cli/opt.h"
#include "cli/out.h"
#include "cli/progress.h"
#include "count/ngc.h"
#include "count/ngcfeed.h"
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

/* --encode and --decode: filter_line_err_fn over a struct vocab_mapper. */
static int map_line(void *ctx, const char *s, size_t n, struct buf *res, const char *name,
                    uint64_t line, struct error *e)
{
	return vocab_map_line(ctx, s, n, res, name, line, e);
}

static int run_mapper(const char *vocab, int encode, const char *unknown, struct filter *f,
                      char **files, int nfiles)
{
	static const char *const actions[] = {"unk", "skip", "fail", NULL};
	struct vocab v;
	struct vocab_mapper m = {.v = &v, .encode = encode};
	struct error e;
	int ret;

	if (unknown)
		m.unknown = (enum vocab_unknown)opt_choice("--unknown", unknown, actions);
	if (vocab_load(&v, vocab, &e) < 0)
		eprint_error(&e);
	if (encode && m.unknown == VOCAB_UNK_ID && (m.unk_id = vocab_id(&v, "<unk>", 5)) < 0)
		eprintf("%s has no <unk> for unknown tokens: add it (--specials '<unk>') or use "
		        "--unknown skip or fail", vocab);
	f->fn_err = map_line;
	f->ctx = &m;
	ret = filter_run(f, files, nfiles);
	vocab_free(&v);
	vocab_mapper_free(&m);
	return ret;
}

struct build {
	struct ngcount c;
	struct ngcfeed feed; /* counting runs on a thread of its own */
	struct spans units;
	struct specials sp;  /* counted beside the counter: they are written first */
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

/* --merge: vocab_entry_fn adding an entry of a vocabulary to the counts. */
static int merge_entry(void *ctx, const char *tok, size_t len, uint64_t count)
{
	struct build *b = ctx;
	struct error e;

	specials_count(&b->sp, tok, len, count);
	if (ngc_add_key(&b->c, tok, len, 1, count, &e) < 0)
		eprint_error(&e);
	return 0;
}

/* Reads the files with the counting on its own thread; returns filter_lines' exit status. */
static int feed_files(struct build *b, struct filter *f, char **files, int nfiles)
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
	uint64_t words;
	uint64_t max_size = 0;
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
		case OPT_MAX_SIZE: max_size = (uint64_t)estrtonum(optarg, 1, LLONG_MAX, "--max-size");
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
		return run_mapper(encode ? encode : decode, !!encode, unknown, &f, argv + optind,
		                  argc - optind);
	}
	out_init();
	progress_init(f.progress);
	if (ngc_init(&b.c, 1, 1, memory ? memory : opt_memory_default(), &e) < 0)
		eprint_error(&e);
	f.fn = count_line;
	f.ctx = &b;
	ret = 0;
	if (merge && vocab_read(argv + optind, argc - optind, f.policy, merge_entry, &b, &e))
		eprint_error(&e);
	if (!merge)
		ret = feed_files(&b, &f, argv + optind, argc - optind);
	/* counts of a part of the input would pass for the whole */
	if (ret == 0 && specials_write(&b.sp, &b.c, min_count, max_size, &out, &e) < 0)
		eprint_error(&e);
	words = b.c.emitted;
	ngc_free(&b.c);
	spans_free(&b.units);
	specials_free(&b.sp);
	if (out_close())
		ret = EXIT_RUNTIME;
	if (ret)
		progress_abort();
	else if (merge)
		merge_done(argc - optind, words, "words");
	else
		filter_done(&f, words, "words");
	return ret;
}
