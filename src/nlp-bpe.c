/* nlp-bpe: byte-pair-encoding subwords. learn: merges from tokens or word counts (Sennrich et
 * al., as subword-nmt); apply: tokens to subword pieces, one line in, one line out; decode: the
 * pieces back to the tokens. The work is in lib/count/bpelearn and lib/text/bpe, bpeline. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/strtab.h"
#include "cli/err.h"
#include "cli/filter.h"
#include "cli/opt.h"
#include "cli/out.h"
#include "cli/progress.h"
#include "count/bpelearn.h"
#include "count/vocab.h"
#include "text/bpe.h"
#include "text/bpeline.h"

static const char learn_synopsis[] =
    "nlp-bpe learn [--merges n | --vocab-size n] [--min-frequency n] [-C] [--invalid policy] "
    "[--progress] [file ...]";
static const char apply_synopsis[] =
    "nlp-bpe apply --codes merges [--style style] [-v vocab [--threshold n]] [--cache size] "
    "[-T threads] [--invalid policy] [--progress] [file ...]";
static const char decode_synopsis[] =
    "nlp-bpe decode [--style style] [-T threads] [--invalid policy] [--progress] [file ...]";

static const char help[] =
    "Byte-pair-encoding subwords: learns merges, splits tokens into subword pieces with them,\n"
    "and joins the pieces back.\n"
    "\n"
    "learn: writes the merges (nlp-bpe(5)) learnt from tokens\n"
    "      --merges N         merges to learn (default 10000)\n"
    "      --vocab-size N     as many merges as make N symbols with the characters\n"
    "      --min-frequency N  stop when the best pair is seen fewer times (default 2)\n"
    "  -C, --counts           the input is word counts (token TAB count, nlp-vocab's)\n"
    "apply: writes each token as its subword pieces\n"
    "      --codes FILE       the merges\n"
    "      --style STYLE      subword-nmt (piece@@ piece, the default) or sentencepiece\n"
    "                         (\xe2\x96\x81piece piece)\n"
    "  -v, --vocab FILE       pieces as written (token TAB count, or token count): a piece\n"
    "                         not in it is split back into the pieces that made it\n"
    "      --threshold N      with --vocab, pieces counted N times or more (default 1)\n"
    "      --cache SIZE       bytes of whole words' results kept, a cache a thread (K, M,\n"
    "                         G; default 4M; 0: none)\n"
    "decode: joins the pieces back into the tokens\n"
    "      --style STYLE      the style apply wrote (default subword-nmt)\n"
    "apply and decode:\n"
    "  -T, --threads N        threads (default 1)\n"
    "\n"
    "      --invalid POLICY   malformed UTF-8: replace (default), skip or fail\n"
    "      --progress         progress on stderr even when it is not a terminal\n"
    "  -h, --help             show this help\n"
    "      --version          show the version\n";

enum { OPT_MERGES = OPT_FIRST_PRIVATE, OPT_VOCAB_SIZE, OPT_MIN_FREQ, OPT_CODES, OPT_STYLE,
       OPT_THRESHOLD, OPT_CACHE };

#define CACHE_DEFAULT ((size_t)4 << 20)

/* filter_line_fn of learn: the words of a line counted. */
static void count_line(void *words, const char *s, size_t n, struct buf *res)
{
	(void)res;
	if (bpe_count_line(words, s, n) < 0)
		eprintf("out of memory counting words");
}

/* --counts: vocab_entry_fn adding an entry's count to the word's. */
static int count_entry(void *ctx, const char *tok, size_t len, uint64_t count)
{
	struct strtab *words = ctx;
	int64_t id;

	if (count == 0)
		return 0;
	if ((id = strtab_intern(words, tok, len)) < 0)
		eprintf("out of memory counting words");
	if (words->vals[id] > UINT64_MAX - count)
		eprintf("the count of a word is beyond 2^64");
	words->vals[id] += count;
	return 0;
}

/* bpe_merge_fn: one merge a line. */
static int write_merge(void *ctx, uint64_t rank, const char *l, size_t ln, const char *r,
                       size_t rn)
{
	(void)ctx;
	writer_write(&out, l, ln);
	writer_putc(&out, ' ');
	writer_write(&out, r, rn);
	writer_putc(&out, '\n');
	progress_update(rank + 1);
	return 0;
}

static int learn_main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"merges", required_argument, NULL, OPT_MERGES},
	    {"vocab-size", required_argument, NULL, OPT_VOCAB_SIZE},
	    {"min-frequency", required_argument, NULL, OPT_MIN_FREQ},
	    {"counts", no_argument, NULL, 'C'},
	    {"invalid", required_argument, NULL, OPT_INVALID},
	    {"progress", no_argument, NULL, OPT_PROGRESS}, {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, OPT_VERSION},   {NULL, 0, NULL, 0}};
	struct bpe_learn_opts o = {.merges = 10000, .min_frequency = 2};
	struct bpe_learn_stats st;
	struct strtab words;
	struct filter f = {.policy = UTF8_REPLACE, .fn = count_line, .ctx = &words};
	struct error e;
	int counts = 0, merges_set = 0, c, ret = 0;
	char sz[32];

	while ((c = getopt_long(argc, argv, "Ch", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_MERGES: o.merges = (uint64_t)estrtonum(optarg, 0, UINT32_MAX - 2, "--merges");
		          merges_set = 1; break;
		case OPT_VOCAB_SIZE: o.vocab_size = (uint64_t)estrtonum(optarg, 1, LLONG_MAX,
		                                                        "--vocab-size"); break;
		case OPT_MIN_FREQ: o.min_frequency = (uint64_t)estrtonum(optarg, 1, LLONG_MAX,
		                                                         "--min-frequency"); break;
		case 'C': counts = 1; break;
		case OPT_INVALID: f.policy = opt_policy(optarg); break;
		case OPT_PROGRESS: f.progress = 1; break;
		case 'h': usage_help(learn_synopsis, help);
		case OPT_VERSION: print_version();
		default: usage_error(learn_synopsis);
		}
	}
	if (merges_set && o.vocab_size) {
		weprintf("--merges and --vocab-size exclude each other");
		usage_error(learn_synopsis);
	}
	if (strtab_init(&words, 1 << 16) < 0)
		eprintf("out of memory");
	progress_init(f.progress);
	if (counts) {
		if (vocab_read(argv + optind, argc - optind, f.policy, count_entry, &words, &e))
			eprint_error(&e);
	} else if ((ret = filter_lines(&f, argv + optind, argc - optind)) != 0) {
		/* the counts of a part of the input would pass for the whole */
		progress_abort();
		strtab_free(&words);
		return ret;
	}
	out_init();
	writer_write(&out, BPE_HEADER "\n", sizeof(BPE_HEADER));
	progress_phase("merges", o.vocab_size ? 0 : o.merges, "merges");
	if (bpe_learn(&words, &o, write_merge, NULL, &st, &e) < 0)
		eprint_error(&e);
	if (o.vocab_size && st.target == 0)
		weprintf("--vocab-size %llu: the words have %llu symbols already; no merges",
		         (unsigned long long)o.vocab_size, (unsigned long long)st.symbols);
	else if (st.merges < st.target)
		weprintf("%llu merges of %llu: %s", (unsigned long long)st.merges,
		         (unsigned long long)st.target,
		         st.stop_count ? "the best pair is seen fewer times than --min-frequency"
		                       : "no pair is left");
	if (out_close())
		ret = EXIT_RUNTIME;
	progress_bytes(sz, sizeof(sz), st.bytes);
	if (ret)
		progress_abort();
	else
		progress_done("%llu merges from %zu words of %llu symbols, %s of tables",
		              (unsigned long long)st.merges, words.n, (unsigned long long)st.symbols,
		              sz);
	strtab_free(&words);
	return ret;
}

/* filter_line_fn of apply: ctx is a thread's struct bpe_apply. */
static void apply_line(void *ctx, const char *s, size_t n, struct buf *res)
{
	bpe_apply_line(ctx, s, n, res);
	buf_putc(res, '\n');
}

/* filter_line_fn of decode: ctx is the enum bpe_style. */
static void decode_line(void *ctx, const char *s, size_t n, struct buf *res)
{
	bpe_decode_line(*(enum bpe_style *)ctx, s, n, res);
	buf_putc(res, '\n');
}

static int apply_main(int argc, char **argv, int decode)
{
	static const struct option longopts[] = {
	    {"codes", required_argument, NULL, OPT_CODES}, {"style", required_argument, NULL, OPT_STYLE},
	    {"vocab", required_argument, NULL, 'v'},
	    {"threshold", required_argument, NULL, OPT_THRESHOLD},
	    {"cache", required_argument, NULL, OPT_CACHE},
	    {"threads", required_argument, NULL, 'T'},
	    {"invalid", required_argument, NULL, OPT_INVALID},
	    {"progress", no_argument, NULL, OPT_PROGRESS}, {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, OPT_VERSION},   {NULL, 0, NULL, 0}};
	static const struct option decode_longopts[] = {
	    {"style", required_argument, NULL, OPT_STYLE},
	    {"threads", required_argument, NULL, 'T'},
	    {"invalid", required_argument, NULL, OPT_INVALID},
	    {"progress", no_argument, NULL, OPT_PROGRESS}, {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, OPT_VERSION},   {NULL, 0, NULL, 0}};
	const char *synopsis = decode ? decode_synopsis : apply_synopsis;
	enum bpe_style style = BPE_SUBWORD_NMT;
	struct filter f = {.policy = UTF8_REPLACE, .fn = decode ? decode_line : apply_line};
	struct bpe_apply *a;
	void **ctxs;
	const char *codes = NULL, *vocab = NULL;
	uint64_t threshold = 1;
	size_t cache = CACHE_DEFAULT;
	int threshold_set = 0, threads = 1, c, ret;
	struct bpe b;
	struct error e;

	while ((c = getopt_long(argc, argv, decode ? "T:h" : "v:T:h",
	                        decode ? decode_longopts : longopts, NULL)) != -1) {
		switch (c) {
		case OPT_CODES: codes = optarg; break;
		case OPT_STYLE: style = (enum bpe_style)opt_choice("--style", optarg, bpe_style_names);
		          break;
		case 'T': threads = (int)estrtonum(optarg, 1, 256, "--threads"); break;
		case 'v': vocab = optarg; break;
		case OPT_THRESHOLD: threshold = (uint64_t)estrtonum(optarg, 1, LLONG_MAX,
		                                                    "--threshold");
		                    threshold_set = 1; break;
		case OPT_CACHE: cache = strcmp(optarg, "0") ? opt_size("--cache", optarg, 1) : 0; break;
		case OPT_INVALID: f.policy = opt_policy(optarg); break;
		case OPT_PROGRESS: f.progress = 1; break;
		case 'h': usage_help(synopsis, help);
		case OPT_VERSION: print_version();
		default: usage_error(synopsis);
		}
	}
	ctxs = ecalloc((size_t)threads, sizeof(*ctxs));
	f.threads = threads;
	f.ctxs = ctxs;
	if (decode) {
		for (int t = 0; t < threads; t++)
			ctxs[t] = &style;
		ret = filter_run(&f, argv + optind, argc - optind);
		free(ctxs);
		return ret;
	}
	if (!codes) {
		weprintf("apply needs the merges: --codes FILE");
		usage_error(synopsis);
	}
	if (threshold_set && !vocab) {
		weprintf("--threshold goes with --vocab");
		usage_error(synopsis);
	}
	if (bpe_init(&b, &e) < 0 || bpe_load(&b, codes, &e) < 0)
		eprint_error(&e);
	a = ecalloc((size_t)threads, sizeof(*a));
	for (int t = 0; t < threads; t++) {
		if (bpe_apply_init(&a[t], &b, style, cache, &e) < 0)
			eprint_error(&e);
		/* the vocabulary read once, the threads share it */
		if (vocab && t == 0 && bpe_apply_vocab(&a[0], vocab, threshold, &e) < 0)
			eprint_error(&e);
		if (t > 0)
			bpe_apply_share_vocab(&a[t], &a[0]);
		ctxs[t] = &a[t];
	}
	ret = filter_run(&f, argv + optind, argc - optind);
	for (int t = 0; t < threads; t++)
		bpe_apply_free(&a[t]);
	free(a);
	free(ctxs);
	bpe_free(&b);
	return ret;
}

int main(int argc, char **argv)
{
	prog_init("nlp-bpe");
	/* getopt's messages name argv[0]: the program, not the command */
	if (argc > 1 && (strcmp(argv[1], "learn") == 0 || strcmp(argv[1], "apply") == 0 ||
	                 strcmp(argv[1], "decode") == 0)) {
		char *cmd = argv[1];

		argv[1] = argv[0];
		if (strcmp(cmd, "learn") == 0)
			return learn_main(argc - 1, argv + 1);
		return apply_main(argc - 1, argv + 1, strcmp(cmd, "decode") == 0);
	}
	if (argc > 1 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		printf("usage: %s\n       %s\n       %s\n\n%s", learn_synopsis, apply_synopsis,
		       decode_synopsis, help);
		return fflush(stdout) == 0 ? 0 : EXIT_RUNTIME;
	}
	if (argc > 1 && strcmp(argv[1], "--version") == 0)
		print_version();
	if (argc > 1)
		weprintf("unknown command '%s': learn, apply or decode", argv[1]);
	else
		weprintf("which command? learn, apply or decode");
	fprintf(stderr, "usage: %s\n       %s\n       %s\n", learn_synopsis, apply_synopsis,
	        decode_synopsis);
	return EXIT_USAGE;
}
