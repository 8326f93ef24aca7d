/* nlp-stopword: removes stopwords from lines of space-separated tokens (or keeps only them),
 * using built-in lists per language and user lists. Reads files or stdin; writes stdout. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/err.h"
#include "cli/filter.h"
#include "cli/opt.h"
#include "cli/paths.h"
#include "text/stopword.h"

static const char synopsis[] =
    "nlp-stopword [-i] [--keep] [--split-particles] [-L lang[,lang...]] [--list file] "
    "[--invalid policy] [--progress] [file ...]";

static const char help[] =
    "Removes stopwords from lines of tokens separated by spaces.\n"
    "\n"
    "  -L, --lang LANGS       built-in lists, comma-separated: en, ko (default en)\n"
    "      --list FILE        a user list, one word per line, '#' comments (repeatable);\n"
    "                         without --lang only user lists are used\n"
    "  -i, --ignore-case      match case-insensitively (full Unicode case folding)\n"
    "      --keep             keep only the stopwords\n"
    "      --split-particles  split a trailing Korean particle off a Hangul token first\n"
    "      --invalid POLICY   malformed UTF-8: replace (default), skip or fail\n"
    "      --progress         progress on stderr even when it is not a terminal\n"
    "  -h, --help             show this help\n"
    "      --version          show the version\n";

enum { OPT_LIST = OPT_FIRST_PRIVATE, OPT_KEEP, OPT_SPLIT };

static void load(struct stopword *sw, const char *path, int particles)
{
	struct error e;

	if (stopword_load(sw, path, particles, &e) < 0)
		eprint_error(&e);
}

/* filter_line_fn: stopword_line, ending the program on its error. */
static void stopword_filter(void *sw, const char *s, size_t n, struct buf *out)
{
	struct error e;

	if (stopword_line(sw, s, n, out, &e) < 0)
		eprint_error(&e);
}

/* Loads the built-in list stopwords/NAME.txt. */
static void load_builtin(struct stopword *sw, const char *name, int particles)
{
	char rel[128];
	char *path;

	if (!*name || strlen(name) > 64 || strspn(name, "abcdefghijklmnopqrstuvwxyz-") != strlen(name)) {
		weprintf("--lang: '%s' is not a language name", name);
		usage_error(synopsis);
	}
	snprintf(rel, sizeof(rel), "stopwords/%s.txt", name);
	if (!(path = paths_data(rel))) {
		weprintf("no built-in list for '%s' (looked for %s under $NLP_DATADIR, the program's "
		         "../share/nlp and the installed share/nlp)", name, rel);
		exit(EXIT_USAGE);
	}
	load(sw, path, particles);
	free(path);
}

/* Loads particles/NAME, the lexicon or the model of --split-particles, with the loader fn. */
static void load_particle_data(struct stopword *sw, const char *name,
                               int (*fn)(struct particle *, const char *, struct error *))
{
	char rel[128];
	char *path;
	struct error e;

	snprintf(rel, sizeof(rel), "particles/%s", name);
	if (!(path = paths_data(rel)))
		eprintf("--split-particles: %s not found (looked under $NLP_DATADIR, the program's "
		        "../share/nlp and the installed share/nlp)", rel);
	if (fn(&sw->pt, path, &e) < 0)
		eprint_error(&e);
	free(path);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"lang", required_argument, NULL, 'L'},  {"list", required_argument, NULL, OPT_LIST},
	    {"ignore-case", no_argument, NULL, 'i'}, {"keep", no_argument, NULL, OPT_KEEP},
	    {"split-particles", no_argument, NULL, OPT_SPLIT},
	    {"invalid", required_argument, NULL, OPT_INVALID},
	    {"progress", no_argument, NULL, OPT_PROGRESS}, {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, OPT_VERSION},   {NULL, 0, NULL, 0}};
	struct stopword sw;
	struct error e;
	struct filter f = {.policy = UTF8_REPLACE, .fn = stopword_filter, .ctx = &sw};
	const char *langs = NULL;
	char **lists = ecalloc((size_t)argc, sizeof(char *));
	int nlists = 0, fold = 0, keep = 0, split = 0, c, ret;

	prog_init("nlp-stopword");
	while ((c = getopt_long(argc, argv, "L:ih", longopts, NULL)) != -1) {
		switch (c) {
		case 'L': langs = optarg; break;
		case OPT_LIST: lists[nlists++] = optarg; break;
		case 'i': fold = 1; break;
		case OPT_KEEP: keep = 1; break;
		case OPT_SPLIT: split = 1; break;
		case OPT_INVALID: f.policy = opt_policy(optarg); break;
		case OPT_PROGRESS: f.progress = 1; break;
		case 'h': usage_help(synopsis, help);
		case OPT_VERSION: print_version();
		default: usage_error(synopsis);
		}
	}
	if (stopword_init(&sw, fold, &e) < 0)
		eprint_error(&e);
	sw.keep = keep;
	sw.split_particles = split;
	if (langs && strspn(langs, ",") == strlen(langs)) {
		weprintf("--lang: no language given");
		usage_error(synopsis);
	}
	if (langs || nlists == 0) {
		char *copy = estrdup(langs ? langs : "en"), *save = NULL;

		for (char *l = strtok_r(copy, ",", &save); l; l = strtok_r(NULL, ",", &save))
			load_builtin(&sw, l, 0);
		free(copy);
	}
	for (int i = 0; i < nlists; i++)
		load(&sw, lists[i], 0);
	if (split) {
		load_builtin(&sw, "ko-particles", 1);
		load_particle_data(&sw, "ko-lexicon.tsv", particle_load_lexicon);
		load_particle_data(&sw, "ko-model.tsv", particle_load_model);
	}
	ret = filter_run(&f, argv + optind, argc - optind);
	stopword_free(&sw);
	free(lists);
	return ret;
}
