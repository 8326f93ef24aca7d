/* nlp-normalize: Unicode normalization, case folding and cleaning of text, one line in and one
 * line out. Reads files or stdin; writes stdout. */
#include <getopt.h>

#include "cli/err.h"
#include "cli/filter.h"
#include "cli/opt.h"
#include "text/textnorm.h"

static const char synopsis[] =
    "nlp-normalize [-lAPr] [-f form] [--squeeze] [--url] [--email] [--date] [--phone] [--num] "
    "[--invalid policy] [--progress] [file ...]";

static const char help[] =
    "Normalizes UTF-8 text line by line: Unicode form, case folding, accents, placeholders for\n"
    "URLs, e-mail addresses, dates, phone numbers and numbers, punctuation, whitespace.\n"
    "\n"
    "  -f, --form FORM        nfc (default), nfd, nfkc, nfkd or none\n"
    "  -l, --lower            full Unicode case folding\n"
    "  -A, --strip-accents    remove combining marks after canonical decomposition\n"
    "  -P, --strip-punct      delete punctuation (Unicode categories P*)\n"
    "      --squeeze          collapse whitespace runs into one space, trim both ends\n"
    "      --url              replace URLs by <url>\n"
    "      --email            replace e-mail addresses by <email>\n"
    "      --date             replace dates by <date>\n"
    "      --phone            replace phone numbers by <phone>\n"
    "      --num              replace numbers by <num>\n"
    "  -r, --replace-all      all five replacements\n"
    "      --invalid POLICY   malformed UTF-8: replace (default), skip or fail\n"
    "      --progress         progress on stderr even when it is not a terminal\n"
    "  -h, --help             show this help\n"
    "      --version          show the version\n";

enum { OPT_SQUEEZE = OPT_FIRST_PRIVATE, OPT_URL, OPT_EMAIL, OPT_DATE, OPT_PHONE, OPT_NUM };

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
	    {"strip-accents", no_argument, NULL, 'A'}, {"strip-punct", no_argument, NULL, 'P'},
	    {"squeeze", no_argument, NULL, OPT_SQUEEZE}, {"url", no_argument, NULL, OPT_URL},
	    {"email", no_argument, NULL, OPT_EMAIL},   {"date", no_argument, NULL, OPT_DATE},
	    {"phone", no_argument, NULL, OPT_PHONE},   {"num", no_argument, NULL, OPT_NUM},
	    {"replace-all", no_argument, NULL, 'r'},   {"invalid", required_argument, NULL, OPT_INVALID},
	    {"progress", no_argument, NULL, OPT_PROGRESS}, {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, OPT_VERSION},   {NULL, 0, NULL, 0}};
	struct textnorm tn;
	struct error e;
	struct filter f = {.policy = UTF8_REPLACE, .fn = normalize_line, .ctx = &tn};
	static const char *const forms[] = {"nfc", "nfd", "nfkc", "nfkd", "none", NULL};
	static const enum norm_form form_of[] = {NORM_NFC, NORM_NFD, NORM_NFKC, NORM_NFKD, NORM_NONE};
	int form = NORM_NFC, lower = 0, accents = 0, punct = 0, squeeze = 0, repl = 0, c, ret;

	prog_init("nlp-normalize");
	while ((c = getopt_long(argc, argv, "f:lAPrh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': form = form_of[opt_choice("--form", optarg, forms)]; break;
		case 'l': lower = 1; break;
		case 'A': accents = 1; break;
		case 'P': punct = 1; break;
		case OPT_SQUEEZE: squeeze = 1; break;
		case OPT_URL: repl |= REPL_URL; break;
		case OPT_EMAIL: repl |= REPL_EMAIL; break;
		case OPT_DATE: repl |= REPL_DATE; break;
		case OPT_PHONE: repl |= REPL_PHONE; break;
		case OPT_NUM: repl |= REPL_NUM; break;
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
