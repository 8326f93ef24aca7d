/* nlp-stem: replaces each token of lines of space-separated tokens by its Snowball stem
 * (libstemmer, any of its languages) or by its English lemma (WordNet's morphology as NLTK's
 * WordNetLemmatizer), keeping the blanks between tokens. Reads files or stdin; writes stdout. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/err.h"
#include "cli/filter.h"
#include "cli/opt.h"
#include "cli/out.h"
#include "text/lemma.h"
#include "text/stem.h"

/* Debian's wordnet-base; WordNet's own tools look in $WNSEARCHDIR first, and so do we */
#define WORDNET_DIR "/usr/share/wordnet"

static const char synopsis[] =
    "nlp-stem [-L lang] [--lemma [--pos pos] [--wordnet dir]] [--list] [--invalid policy] "
    "[--progress] [file ...]";

static const char help[] =
    "Replaces each token of lines of space-separated tokens by its stem (Snowball) or its\n"
    "English lemma (WordNet, as NLTK's WordNetLemmatizer); the spaces stay as they are.\n"
    "\n"
    "  -L, --lang LANG        the stemmer: english (default), porter, german, french...\n"
    "                         (--list) or an ISO 639 code (en, de, fr...)\n"
    "      --list             list the stemmers' languages and exit\n"
    "      --lemma            WordNet lemmas instead of stems\n"
    "      --pos POS          the lemmas' part of speech: n (default), v, a, r or s\n"
    "      --wordnet DIR      WordNet's dict files (default $WNSEARCHDIR, else\n"
    "                         " WORDNET_DIR ")\n"
    "      --invalid POLICY   malformed UTF-8: replace (default), skip or fail\n"
    "      --progress         progress on stderr even when it is not a terminal\n"
    "  -h, --help             show this help\n"
    "      --version          show the version\n";

enum { OPT_LIST = OPT_FIRST_PRIVATE, OPT_LEMMA, OPT_POS, OPT_WORDNET };

/* What each line's tokens go through: stem_token or lemma_token, and its state. */
struct stage {
	stem_token_fn *fn;
	void *ctx;
};

/* filter_line_fn: stem_line, ending the program on its error. */
static void stem_filter(void *ctx, const char *s, size_t n, struct buf *out)
{
	struct stage *st = ctx;
	struct error e;

	if (stem_line(st->fn, st->ctx, s, n, out, &e) < 0)
		eprint_error(&e);
}

/* --list: the algorithms, one a line. */
static void list_languages(void)
{
	out_init();
	for (const char **l = stem_list(); *l; l++) {
		writer_write(&out, *l, strlen(*l));
		writer_putc(&out, '\n');
	}
	exit(out_close() ? EXIT_RUNTIME : 0);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"lang", required_argument, NULL, 'L'},       {"list", no_argument, NULL, OPT_LIST},
	    {"lemma", no_argument, NULL, OPT_LEMMA},      {"pos", required_argument, NULL, OPT_POS},
	    {"wordnet", required_argument, NULL, OPT_WORDNET},
	    {"invalid", required_argument, NULL, OPT_INVALID},
	    {"progress", no_argument, NULL, OPT_PROGRESS}, {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, OPT_VERSION},   {NULL, 0, NULL, 0}};
	static const char *const poses[] = {"n", "v", "a", "r", "s", NULL};
	struct stem sb;
	struct lemma lm;
	struct stage st;
	struct error e;
	struct filter f = {.policy = UTF8_REPLACE, .fn = stem_filter, .ctx = &st};
	const char *lang = NULL, *dir = NULL, *pos = NULL;
	int lemma = 0, list = 0, c, ret;

	prog_init("nlp-stem");
	while ((c = getopt_long(argc, argv, "L:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'L': lang = optarg; break;
		case OPT_LIST: list = 1; break;
		case OPT_LEMMA: lemma = 1; break;
		case OPT_POS: pos = poses[opt_choice("--pos", optarg, poses)]; break;
		case OPT_WORDNET: dir = optarg; break;
		case OPT_INVALID: f.policy = opt_policy(optarg); break;
		case OPT_PROGRESS: f.progress = 1; break;
		case 'h': usage_help(synopsis, help);
		case OPT_VERSION: print_version();
		default: usage_error(synopsis);
		}
	}
	if (list)
		list_languages();
	if (lemma && lang) {
		weprintf("--lemma gives English lemmas; --lang chooses a stemmer");
		usage_error(synopsis);
	}
	if (!lemma && (pos || dir)) {
		weprintf("--pos and --wordnet go with --lemma");
		usage_error(synopsis);
	}
	if (lemma) {
		if (!dir && !((dir = getenv("WNSEARCHDIR")) && *dir))
			dir = WORDNET_DIR;
		if (lemma_init(&lm, pos ? pos[0] : 'n', &e) < 0 || lemma_load(&lm, dir, &e) < 0)
			eprint_error(&e);
		st = (struct stage){lemma_token, &lm};
	} else {
		int k = stem_open(&sb, lang ? lang : "english", &e);

		if (k == STEM_EUNKNOWN) {
			weprintf("--lang: %s (--list lists the languages)", e.msg);
			usage_error(synopsis);
		}
		if (k < 0)
			eprint_error(&e);
		st = (struct stage){stem_token, &sb};
	}
	ret = filter_run(&f, argv + optind, argc - optind);
	if (lemma)
		lemma_free(&lm);
	else
		stem_close(&sb);
	return ret;
}
