/* nlp-normalize: Unicode normalization, case folding and cleaning of text, one line in and one
 * line out. Reads files or stdin; writes stdout. */
#include <getopt.h>
#include <stdlib.h>

#include "cli/err.h"
#include "cli/filter.h"
#include "cli/opt.h"
#include "text/textnorm.h"

static const char synopsis[] =
    "nlp-normalize [-laps] [-f form] [-uendtr] [--invalid policy] [--progress] [file ...]";

static const char help[] =
    "Normalizes UTF-8 text line by line: Unicode form, case folding, accents, placeholders for\n"
    "URLs, e-mail addresses, dates, phone numbers and numbers, punctuation, whitespace.\n"
    "\n"
    "  -f, --form FORM        nfc (default), nfd, nfkc, nfkd or none\n"
    "  -l, --lower            full Unicode case folding\n"
    "  -a, --strip-accents    remove combining marks after canonical decomposition\n"
    "  -p, --strip-punct      delete punctuation (Unicode categories P*)\n"
    "  -s, --squeeze          collapse whitespace runs into one space, trim both ends\n"
    "  -u, --url              replace URLs by <url>\n"
    "  -e, --email            replace e-mail addresses by <email>\n"
    "  -d, --date             replace dates by <date>\n"
    "  -t, --phone            replace phone numbers by <phone>\n"
    "  -n, --num              replace numbers by <num>\n"
    "  -r, --replace-all      all five replacements\n"
    "      --invalid POLICY   malformed UTF-8: replace (default), skip or fail\n"
    "      --progress         progress on stderr even when it is not a terminal\n"
    "  -h, --help             show this help\n"
    "      --version          show the version\n";

/* filter_line_fn: textnorm_line, ending the program on its error. */
static void normalize_line(void *tn, const char *s, size_t n, struct buf *out)
{
	struct error e;

	if (textnorm_line(tn, s, n, out, &e) < 0)
		eprint_error(&e);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"form", required_argument, NULL, 'f'},    {"lower", no_argument, NULL, 'l'},
	    {"strip-accents", no_argument, NULL, 'a'}, {"strip-punct", no_argument, NULL, 'p'},
	    {"squeeze", no_argument, NULL, 's'},       {"url", no_argument, NULL, 'u'},
	    {"email", no_argument, NULL, 'e'},         {"date", no_argument, NULL, 'd'},
	    {"phone", no_argument, NULL, 't'},         {"num", no_argument, NULL, 'n'},
	    {"replace-all", no_argument, NULL, 'r'},   {"invalid", required_argument, NULL, OPT_INVALID},
	    {"progress", no_argument, NULL, OPT_PROGRESS}, {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, OPT_VERSION},   {NULL, 0, NULL, 0}};
	struct textnorm tn;
	struct error e;
	struct filter f = {.policy = UTF8_REPLACE, .fn = normalize_line, .ctx = &tn};
	int form = NORM_NFC, lower = 0, accents = 0, punct = 0, squeeze = 0, repl = 0, c, ret;

	prog_init("nlp-normalize");
	while ((c = getopt_long(argc, argv, "f:lapsuedtnrh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if ((form = norm_parse_form(optarg)) < 0) {
				weprintf("--form: '%s' is not nfc, nfd, nfkc, nfkd or none", optarg);
				exit(EXIT_USAGE);
			}
			break;
		case 'l': lower = 1; break;
		case 'a': accents = 1; break;
		case 'p': punct = 1; break;
		case 's': squeeze = 1; break;
		case 'u': repl |= REPL_URL; break;
		case 'e': repl |= REPL_EMAIL; break;
		case 'd': repl |= REPL_DATE; break;
		case 't': repl |= REPL_PHONE; break;
		case 'n': repl |= REPL_NUM; break;
		case 'r': repl = REPL_URL | REPL_EMAIL | REPL_DATE | REPL_PHONE | REPL_NUM; break;
		case OPT_INVALID: f.policy = opt_policy(optarg); break;
		case OPT_PROGRESS: f.progress = 1; break;
		case 'h': usage_help(synopsis, help);
		case OPT_VERSION: print_version();
		default: usage_error(synopsis);
		}
	}
	if (textnorm_init(&tn, form, lower, accents, &e) < 0)
		eprint_error(&e);
	tn.repl = repl;
	tn.strip_punct = punct;
	tn.squeeze = squeeze;
	ret = filter_run(&f, argv + optind, argc - optind);
	textnorm_free(&tn);
	return ret;
}
