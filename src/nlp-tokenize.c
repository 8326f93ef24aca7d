/* nlp-tokenize: splits UTF-8 text into tokens separated by single spaces, one output line per
 * input line; or into grapheme clusters, Hangul jamo, scikit-learn's tokens, or sentences.
 * Reads files or stdin. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/err.h"
#include "cli/filter.h"
#include "cli/opt.h"
#include "text/tokenize.h"
#include "text/utf8.h"

static const char synopsis[] =
    "nlp-tokenize [-p | -c [--space token] | -j | -J | --sklearn [--keep-case] | -s] [-U] "
    "[--invalid policy] [--progress] [file ...]";

static const char help[] =
    "Splits text into tokens by Unicode categories (default), Penn Treebank rules, grapheme\n"
    "clusters, Hangul jamo, scikit-learn's rules, or sentences.\n"
    "\n"
    "  -p, --ptb              Penn Treebank tokens, as NLTK's TreebankWordTokenizer\n"
    "  -c, --chars            extended grapheme clusters\n"
    "      --space TOKEN      with --chars: write TOKEN where the text has whitespace\n"
    "  -j, --jamo             words, with Hangul syllables as conjoining jamo\n"
    "  -J, --compose          compose conjoining jamo back into Hangul syllables\n"
    "      --sklearn          scikit-learn's default tokens: lower-cased as Python's\n"
    "                         str.lower(), then runs of 2 or more word characters\n"
    "      --keep-case        with --sklearn: no lower-casing (lowercase=False)\n"
    "  -s, --sentences        one sentence per line (text, not tokens)\n"
    "  -U, --no-special       do not keep URLs and e-mail addresses whole\n"
    "      --invalid POLICY   malformed UTF-8: replace (default), skip or fail\n"
    "      --progress         progress on stderr even when it is not a terminal\n"
    "  -h, --help             show this help\n"
    "      --version          show the version\n";

enum { OPT_SPACE = OPT_FIRST_PRIVATE, OPT_KEEP_CASE, OPT_SKLEARN };

/* Records a mode option; modes is the set given so far (one bit per option letter's mode). */
static void set_mode(struct tokenize_opts *o, unsigned *modes, enum tokenize_mode m, int jamo)
{
	o->mode = m;
	*modes |= 1u << (m + (jamo ? 8 : 0));
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"ptb", no_argument, NULL, 'p'},        {"chars", no_argument, NULL, 'c'},
	    {"space", required_argument, NULL, OPT_SPACE}, {"jamo", no_argument, NULL, 'j'},
	    {"compose", no_argument, NULL, 'J'},    {"sentences", no_argument, NULL, 's'},
	    {"sklearn", no_argument, NULL, OPT_SKLEARN},
	    {"keep-case", no_argument, NULL, OPT_KEEP_CASE},
	    {"no-special", no_argument, NULL, 'U'}, {"invalid", required_argument, NULL, OPT_INVALID},
	    {"progress", no_argument, NULL, OPT_PROGRESS}, {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, OPT_VERSION},   {NULL, 0, NULL, 0}};
	struct tokenize_opts o = {.mode = TOK_WORDS};
	struct filter f = {.policy = UTF8_REPLACE, .fn = tokenize_line, .ctx = &o};
	unsigned modes = 0;
	int c;

	prog_init("nlp-tokenize");
	while ((c = getopt_long(argc, argv, "pcjJsUh", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': set_mode(&o, &modes, TOK_PTB, 0); break;
		case 'c': set_mode(&o, &modes, TOK_CHARS, 0); break;
		case 'j':
			set_mode(&o, &modes, TOK_WORDS, 1);
			o.flags |= TOK_JAMO;
			break;
		case 'J': set_mode(&o, &modes, TOK_COMPOSE, 0); break;
		case OPT_SKLEARN: set_mode(&o, &modes, TOK_SKLEARN, 0); break;
		case OPT_KEEP_CASE: o.flags |= TOK_KEEP_CASE; break;
		case 's': set_mode(&o, &modes, TOK_SENTENCES, 0); break;
		case 'U': o.flags |= TOK_NO_SPECIAL; break;
		case OPT_SPACE: o.space_tok = optarg; break;
		case OPT_INVALID: f.policy = opt_policy(optarg); break;
		case OPT_PROGRESS: f.progress = 1; break;
		case 'h': usage_help(synopsis, help);
		case OPT_VERSION: print_version();
		default: usage_error(synopsis);
		}
	}
	if (modes & (modes - 1)) {
		weprintf("--ptb, --chars, --jamo, --compose, --sklearn and --sentences exclude each other");
		usage_error(synopsis);
	}
	if (o.space_tok && o.mode != TOK_CHARS) {
		weprintf("--space needs --chars");
		usage_error(synopsis);
	}
	if ((o.flags & TOK_KEEP_CASE) && o.mode != TOK_SKLEARN) {
		weprintf("--keep-case needs --sklearn");
		usage_error(synopsis);
	}
	if (o.space_tok && !tokenize_space_ok(o.space_tok)) {
		weprintf("--space: the token must be non-empty UTF-8 without whitespace or controls");
		usage_error(synopsis);
	}
	return filter_run(&f, argv + optind, argc - optind);
}
