/* nlp-vocab: builds a vocabulary (token<TAB>count, by count then bytes; the line number is the
 * id) from lines of tokens, merges vocabularies from shards, and encodes tokens to ids and
 * decodes ids back to tokens. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "count/count.h"
#include "count/countfeed.h"
#include "count/countfile.h"
#include "cli/err.h"
#include "cli/filter.h"
#include "cli/out.h"
#include "base/io.h"
#include "base/num.h"
#include "cli/opt.h"
#include "text/utf8.h"
#include "count/vocab.h"

static const char synopsis[] =
    "nlp-vocab [-m] [--min-count N] [--max-size N] [-S list] [-M size] [--invalid policy] "
    "[--progress] [file ...]\n"
    "       nlp-vocab -e vocab [-u unk|skip|fail] [--invalid policy] [file ...]\n"
    "       nlp-vocab -d vocab [--invalid policy] [file ...]";

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
    "  -d, --decode VOCAB     write the token of each id\n"
    "      --invalid POLICY   malformed UTF-8: replace (default), skip or fail\n"
    "      --progress         progress on stderr even when it is not a terminal\n"
    "  -h, --help             show this help\n"
    "      --version          show the version\n";

enum { OPT_MIN_COUNT = OPT_FIRST_PRIVATE, OPT_MAX_SIZE };
enum unknown { UNK_ID, UNK_SKIP, UNK_FAIL };

/* --encode and --decode */
struct mapper {
	struct vocab v;
	int encode;
	enum unknown unknown;
	int64_t unk_id;
	struct spans tokens;
	struct buf tmp, line; /* a line is written whole, so an error leaves no part of one */
};

/* Parses a whole decimal id below size; returns -1 if it is not one. */
static int64_t parse_id(const char *s, size_t n, size_t size)
{
	uint64_t id = 0;

	if (n == 0 || n > 19)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		id = id * 10 + (uint64_t)(s[i] - '0');
	}
	return id < size ? (int64_t)id : -1;
}

static void map_line(struct mapper *m, const char *name, uint64_t lineno, const char *s,
                     size_t n)
{
	int first = 1;

	m->line.len = 0;
	split_blank(s, n, &m->tokens);
	for (size_t i = 0; i < m->tokens.n; i++) {
		const struct span *t = &m->tokens.v[i];
		int64_t id;

		if (m->encode) {
			id = vocab_id(&m->v, t->p, t->n);
			if (id < 0 && m->unknown == UNK_FAIL && writer_flush(&out) == 0)
				eprintf("%s: line %llu: '%.*s' is not in the vocabulary", name,
				        (unsigned long long)lineno, (int)(t->n > 200 ? 200 : t->n), t->p);
			if (id < 0 && m->unknown == UNK_SKIP)
				continue;
			if (id < 0)
				id = m->unk_id;
		} else if ((id = parse_id(t->p, t->n, vocab_size(&m->v))) < 0 &&
		           writer_flush(&out) == 0) {
			eprintf("%s: line %llu: '%.*s' is not an id below %zu", name,
			        (unsigned long long)lineno, (int)(t->n > 40 ? 40 : t->n), t->p,
			        vocab_size(&m->v));
		}
		if (!first)
			buf_putc(&m->line, ' ');
		first = 0;
		if (m->encode) {
			char num[24];

			buf_put(&m->line, num, (size_t)snprintf(num, sizeof(num), "%llu",
			                                        (unsigned long long)id));
		} else {
			size_t len;
			const char *tok = vocab_token(&m->v, (size_t)id, &len);

			buf_put(&m->line, tok, len);
		}
	}
	buf_putc(&m->line, '\n');
	writer_write(&out, m->line.p, m->line.len);
}

/* Maps every line of the files (stdin when none); returns the exit status. */
static int map_files(struct mapper *m, enum utf8_policy policy, char **files, int nfiles)
{
	char *stdin_only[] = {"-"};
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
			map_line(m, r.name, lineno, s, len);
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

static enum unknown parse_unknown(const char *arg)
{
	if (strcmp(arg, "unk") == 0)
		return UNK_ID;
	if (strcmp(arg, "skip") == 0)
		return UNK_SKIP;
	if (strcmp(arg, "fail") == 0)
		return UNK_FAIL;
	weprintf("--unknown: '%s' is not unk, skip or fail", arg);
	exit(EXIT_USAGE);
}

static int run_mapper(const char *vocab, int encode, const char *unknown, enum utf8_policy policy,
                      char **files, int nfiles)
{
	struct mapper m = {.encode = encode, .unknown = unknown ? parse_unknown(unknown) : UNK_ID};
	int ret;

	struct error e;

	if (vocab_load(&m.v, vocab, &e) < 0)
		eprint_error(&e);
	if (encode && m.unknown == UNK_ID && (m.unk_id = vocab_id(&m.v, "<unk>", 5)) < 0)
		eprintf("%s has no <unk> for unknown tokens: add it (--specials '<unk>') or use "
		        "--unknown skip or fail", vocab);
	out_init();
	ret = map_files(&m, policy, files, nfiles);
	vocab_free(&m.v);
	spans_free(&m.tokens);
	buf_free(&m.tmp);
	buf_free(&m.line);
	if (out_close())
		ret = EXIT_RUNTIME;
	return ret;
}

struct build {
	struct ngcount c;
	struct ngc_feed feed; /* counting runs on a thread of its own */
	struct spans units;
	char **specials;
	uint64_t *special_counts; /* counted beside the counter: they are written first */
	size_t nspecials;
	unsigned char first[256]; /* first bytes of the specials */
	uint64_t max_size, written;
};

static int special_index(const struct build *b, const char *s, size_t n)
{
	if (!n || !b->first[(unsigned char)s[0]])
		return -1;
	for (size_t i = 0; i < b->nspecials; i++)
		if (strlen(b->specials[i]) == n && memcmp(b->specials[i], s, n) == 0)
			return (int)i;
	return -1;
}

static void count_specials(struct build *b, const char *s, size_t n, uint64_t count)
{
	int i = special_index(b, s, n);

	if (i >= 0)
		b->special_counts[i] += count;
}

static void count_line(void *ctx, const char *s, size_t n, struct buf *res)
{
	struct build *b = ctx;

	(void)res;
	split_blank(s, n, &b->units);
	if (b->nspecials)
		for (size_t i = 0; i < b->units.n; i++)
			count_specials(b, b->units.v[i].p, b->units.v[i].n, 1);
	if (ngc_feed_line(&b->feed, s, n, b->units.v, b->units.n) < 0)
		eprintf("counting:");
}

static int merge_line(void *ctx, const char *key, size_t len, unsigned nunits, uint64_t count)
{
	struct build *b = ctx;

	if (nunits != 1)
		return 1;
	count_specials(b, key, len, count);
	if (ngc_add_key(&b->c, key, len, 1, count) < 0)
		eprintf("counting:");
	return 0;
}

static void merge_files(struct build *b, char **files, int nfiles, int policy)
{
	struct error e;
	int r = countfiles_read(files, nfiles, policy, merge_line, b, &e);

	if (r == 1)
		error_bad(&e, e.name, e.line, "a token with a space is not a vocabulary entry");
	if (r)
		eprint_error(&e);
}

/* Reads the files with the counting on its own thread; returns filter_lines' exit status. */
static int feed_files(struct build *b, const struct filter *f, char **files, int nfiles)
{
	int ret;

	if (ngc_feed_start(&b->feed, &b->c) < 0)
		eprintf("counting:");
	ret = filter_lines(f, files, nfiles);
	if (ngc_feed_finish(&b->feed) < 0)
		eprintf("counting:");
	return ret;
}

static void write_entry(const char *key, size_t len, uint64_t count)
{
	char num[24];
	int k = snprintf(num, sizeof(num), "\t%llu\n", (unsigned long long)count);

	writer_write(&out, key, len);
	writer_write(&out, num, (size_t)k);
}

/* Writes the entries after the specials, which were written first. */
static int write_counted(void *ctx, const struct ngc_entry *e)
{
	struct build *b = ctx;

	if (special_index(b, e->key, e->len) >= 0)
		return 0;
	if (b->max_size && b->written == b->max_size)
		return 1; /* full: stop */
	write_entry(e->key, e->len, e->count);
	b->written++;
	return 0;
}

static void write_vocab(struct build *b, uint64_t min_count)
{
	for (size_t i = 0; i < b->nspecials && (!b->max_size || b->written < b->max_size); i++) {
		write_entry(b->specials[i], strlen(b->specials[i]), b->special_counts[i]);
		b->written++;
	}
	if (ngc_emit(&b->c, min_count, 0, write_counted, b) < 0)
		eprintf("counting:");
}

/* Splits --specials' list; each must be a token (no blanks), none repeated. */
static void parse_specials(struct build *b, const char *list)
{
	char *copy = estrdup(list), *save = NULL;

	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		for (const char *p = t; *p; p++)
			if (is_blank((unsigned char)*p)) {
				weprintf("--specials: '%s' has a blank", t);
				exit(EXIT_USAGE);
			}
		if (*t && special_index(b, t, strlen(t)) >= 0) {
			weprintf("--specials: '%s' is given twice", t);
			exit(EXIT_USAGE);
		}
		b->specials = erealloc(b->specials, (b->nspecials + 1) * sizeof(char *));
		b->specials[b->nspecials++] = estrdup(t);
		b->first[(unsigned char)t[0]] = 1;
	}
	free(copy);
	if (b->nspecials == 0) {
		weprintf("--specials: no token given");
		exit(EXIT_USAGE);
	}
	b->special_counts = erealloc(b->special_counts, b->nspecials * sizeof(uint64_t));
	memset(b->special_counts, 0, b->nspecials * sizeof(uint64_t));
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"min-count", required_argument, NULL, OPT_MIN_COUNT},
	    {"max-size", required_argument, NULL, OPT_MAX_SIZE},
	    {"specials", required_argument, NULL, 'S'}, {"merge", no_argument, NULL, 'm'},
	    {"memory", required_argument, NULL, 'M'},   {"encode", required_argument, NULL, 'e'},
	    {"unknown", required_argument, NULL, 'u'},  {"decode", required_argument, NULL, 'd'},
	    {"invalid", required_argument, NULL, OPT_INVALID},
	    {"progress", no_argument, NULL, OPT_PROGRESS}, {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, OPT_VERSION},   {NULL, 0, NULL, 0}};
	struct build b = {0};
	struct filter f = {.policy = UTF8_REPLACE};
	const char *encode = NULL, *decode = NULL, *unknown = NULL;
	unsigned long long min_count = 1;
	size_t memory = 0;
	int merge = 0, building = 0, c, ret;

	prog_init("nlp-vocab");
	while ((c = getopt_long(argc, argv, "S:mM:e:u:d:h", longopts, NULL)) != -1) {
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
		case 'd': decode = optarg; break;
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
	if (ngc_init(&b.c, 1, 1, memory ? memory : memory_default()) < 0)
		eprintf("out of memory");
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
	for (size_t i = 0; i < b.nspecials; i++)
		free(b.specials[i]);
	free(b.specials);
	free(b.special_counts);
	if (out_close())
		ret = EXIT_RUNTIME;
	return ret;
}
