/* nlp-cooccur: word-context co-occurrence counts in a window, as a sparse matrix whose rows and
 * columns are vocabulary ids; merges the matrices of shards exactly. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cooc.h"
#include "countfile.h"
#include "err.h"
#include "filter.h"
#include "io.h"
#include "matconv.h"
#include "matrix.h"
#include "num.h"
#include "opt.h"
#include "vocab.h"

static const char synopsis[] =
    "nlp-cooccur -v vocab [-t] [-w N] [--left | --right] [--weight flat|harmonic] "
    "[--cross-lines] [--drop-oov before|after] [--f32] [-M size] [--invalid policy] "
    "[--progress] [file ...]\n"
    "       nlp-cooccur -m [-t] [-w N] [--weight flat|harmonic] [--f32] matrix ...";

static const char help[] =
    "Counts how often each vocabulary word occurs near each other, as a sparse matrix\n"
    "(rows: words, columns: their contexts, both vocabulary ids).\n"
    "\n"
    "  -v, --vocab FILE       the vocabulary (token<TAB>count; the line number is the id)\n"
    "  -w, --window N         contexts up to N tokens away (default 5)\n"
    "      --left             only contexts before the word\n"
    "      --right            only contexts after the word\n"
    "      --weight WEIGHT    harmonic: a context d tokens away counts 1/d (default);\n"
    "                         flat: every context counts 1\n"
    "      --cross-lines      windows run on across line ends\n"
    "      --drop-oov WHEN    words not in the vocabulary are dropped before windowing\n"
    "                         (default) or after it, where they still take up positions\n"
    "  -t, --text             write 'row<TAB>col<TAB>value' lines, not a binary matrix\n"
    "      --f32              write 32-bit values (default 64-bit)\n"
    "  -m, --merge            inputs are matrices of shards, counted with the same\n"
    "                         --window and --weight: sum them\n"
    "  -M, --memory SIZE      memory budget before spilling to $TMPDIR (K, M, G; default a\n"
    "                         quarter of RAM)\n"
    "      --invalid POLICY   malformed UTF-8: replace (default), skip or fail\n"
    "      --progress         progress on stderr even when it is not a terminal\n"
    "  -h, --help             show this help\n"
    "      --version          show the version\n";

enum {
	OPT_LEFT = OPT_FIRST_PRIVATE,
	OPT_RIGHT,
	OPT_WEIGHT,
	OPT_CROSS,
	OPT_DROP_OOV,
	OPT_F32
};

#define NONE UINT32_MAX      /* a position held by a word not in the vocabulary */
#define MAX_WINDOW 10000
#define EXACT_MAX UINT32_MAX /* the largest unit denominator counted in integers */

struct settings {
	unsigned window;
	int dir;        /* 0 both sides, -1 left only, 1 right only */
	int harmonic, cross, keep_oov, text;
	uint32_t type;  /* MAT_F32 or MAT_F64 */
	uint64_t denom; /* values count units of 1 / denom; 0: doubles */
};

struct counter {
	const struct settings *set;
	struct vocab v;
	struct cooc acc;
	uint64_t *weight; /* [window + 1] a context's value at each distance */
	uint32_t *seq;    /* earlier lines' last ids (with --cross-lines), then this line's */
	size_t hist, cap;
	struct spans toks;
};

/* The least common multiple of 1..n, or 0 when it passes EXACT_MAX. */
static uint64_t lcm_upto(unsigned n)
{
	uint64_t l = 1;

	for (uint64_t k = 2; k <= n; k++) {
		uint64_t a = l, b = k;

		while (b) {
			uint64_t t = a % b;
			a = b;
			b = t;
		}
		l = l / a * k;
		if (l > EXACT_MAX)
			return 0;
	}
	return l;
}

static uint64_t dbl_bits(double d)
{
	uint64_t u;

	memcpy(&u, &d, 8);
	return u;
}

static double bits_dbl(uint64_t u)
{
	double d;

	memcpy(&d, &u, 8);
	return d;
}

/* A value as written: units divided by the denominator, or the double itself. */
static double value_of(const struct settings *set, uint64_t v)
{
	return set->denom ? (double)v / (double)set->denom : bits_dbl(v);
}

static void add_pair(struct counter *k, uint32_t center, uint32_t context, unsigned d)
{
	if (cooc_add(&k->acc, center, context, d) < 0)
		eprintf("counting:");
}

static void count_line(void *ctx, const char *s, size_t n, struct buf *res)
{
	struct counter *k = ctx;
	const struct settings *set = k->set;
	size_t m = k->hist;

	(void)res;
	split_blank(s, n, &k->toks);
	if (k->hist + k->toks.n > k->cap) {
		k->cap = (k->hist + k->toks.n) * 2;
		k->seq = erealloc(k->seq, k->cap * sizeof(*k->seq));
	}
	for (size_t i = 0; i < k->toks.n; i++) {
		int64_t id = vocab_id(&k->v, k->toks.v[i].p, k->toks.v[i].n);

		if (id >= 0 || set->keep_oov)
			k->seq[m++] = id >= 0 ? (uint32_t)id : NONE;
	}
	for (size_t j = k->hist; j < m; j++) {
		uint32_t a = k->seq[j];

		if (a == NONE)
			continue;
		for (size_t d = 1; d <= set->window && d <= j; d++) {
			uint32_t b = k->seq[j - d]; /* d to the left of a */

			if (b == NONE)
				continue;
			if (set->dir <= 0)
				add_pair(k, a, b, (unsigned)d);
			if (set->dir >= 0)
				add_pair(k, b, a, (unsigned)d);
		}
	}
	k->hist = 0;
	if (set->cross) { /* keep the last window positions for the next line */
		size_t keep = m < set->window ? m : set->window;

		if (keep)
			memmove(k->seq, k->seq + m - keep, keep * sizeof(*k->seq));
		k->hist = keep;
	}
}

/* ---- output ---- */

struct output {
	const struct settings *set;
	uint64_t nnz;
};

static int write_cell(void *ctx, uint32_t row, uint32_t col, uint64_t val)
{
	struct output *o = ctx;
	double v = value_of(o->set, val);

	if (o->set->text)
		mat_write_text_triple(&out, o->set->type, row, col, v);
	else
		mat_write_triple(&out, o->set->type, row, col, v);
	o->nnz++;
	return 0;
}

/* Starts a binary matrix on stdout; returns where it starts when its header can be patched. */
static off_t begin_matrix(const struct settings *set, uint64_t size)
{
	struct mat_header h = {MAT_SPARSE, set->type, size, size, MAT_NNZ_UNKNOWN};

	return set->text ? -1 : mat_begin_stream(&out, &h);
}

/* Writes the number of triples into the header, when stdout is a file that can seek. */
static void end_matrix(off_t start, uint64_t nnz)
{
	if (mat_patch_nnz(&out, start, nnz) < 0)
		weprintf("could not write the number of triples into the header (left unknown):");
}

/* ---- merging shards ---- */

struct shard {
	struct reader r;
	struct mat_cursor cur;
	const char *name;
	uint32_t row, col;
	uint64_t val;
	int done;
};

static uint64_t shard_key(const struct shard *s)
{
	return (uint64_t)s->row << 32 | s->col;
}

/* The value of a triple as units of the settings (exact), or as double bits. */
static uint64_t to_units(const struct settings *set, const struct shard *s, double v)
{
	double u;

	if (!set->denom)
		return dbl_bits(v);
	u = v * (double)set->denom;
	if (u < 0 || u > 9007199254740992.0 || fabs(u - nearbyint(u)) > 1e-6 * (u > 1 ? u : 1))
		eprintf("%s: value %.17g at (%u, %u) is not a count of this --window and --weight: "
		        "merge matrices counted with the same settings", s->name, v, s->row, s->col);
	return (uint64_t)nearbyint(u);
}

static void shard_next(const struct settings *set, struct shard *s)
{
	double v;
	int r = mat_next_triple(&s->r, &s->cur, &s->row, &s->col, &v);

	if (r < 0)
		eprintf("%s: %s", s->name, mat_strerror(r));
	s->done = r == 0;
	if (!s->done)
		s->val = to_units(set, s, v);
}

static int merge_matrices(struct settings *set, char **files, int nfiles)
{
	struct shard *sh = ecalloc((size_t)nfiles, sizeof(*sh));
	struct output o = {set, 0};
	uint64_t size = 0;
	off_t start;
	int live = 0;

	for (int i = 0; i < nfiles; i++) {
		struct mat_header h;
		int r;

		sh[i].name = strcmp(files[i], "-") ? files[i] : "<stdin>";
		if (reader_open(&sh[i].r, files[i]) < 0)
			eprintf("open %s:", files[i]);
		if ((r = mat_read_header(&sh[i].r, &h)) < 0)
			eprintf("%s: %s", sh[i].name, mat_strerror(r));
		if (h.kind != MAT_SPARSE || h.rows != h.cols)
			eprintf("%s: not a square sparse matrix", sh[i].name);
		if (i > 0 && h.rows != size)
			eprintf("%s: %llu rows, but %s has %llu", sh[i].name, (unsigned long long)h.rows,
			        sh[0].name, (unsigned long long)size);
		size = h.rows;
		if (h.type == MAT_F32 && set->denom) {
			weprintf("%s: 32-bit values: summing them as doubles, not exactly", sh[i].name);
			set->denom = 0;
		}
		mat_cursor_init(&sh[i].cur, &h);
	}
	for (int i = 0; i < nfiles; i++) {
		shard_next(set, &sh[i]);
		live += !sh[i].done;
	}
	start = begin_matrix(set, size);
	while (live > 0) {
		uint64_t key = UINT64_MAX, val = 0;
		int first = 1;

		for (int i = 0; i < nfiles; i++)
			if (!sh[i].done && shard_key(&sh[i]) < key)
				key = shard_key(&sh[i]);
		for (int i = 0; i < nfiles; i++) {
			if (sh[i].done || shard_key(&sh[i]) != key)
				continue;
			val = first ? sh[i].val : cooc_sum(set->denom != 0, val, sh[i].val);
			first = 0;
			shard_next(set, &sh[i]);
			live -= sh[i].done;
		}
		write_cell(&o, (uint32_t)(key >> 32), (uint32_t)key, val);
	}
	end_matrix(start, o.nnz);
	for (int i = 0; i < nfiles; i++)
		reader_close(&sh[i].r);
	free(sh);
	return 0;
}

/* ---- options ---- */

static int parse_choice(const char *arg, const char *opt, const char *a, const char *b)
{
	if (strcmp(arg, a) == 0)
		return 0;
	if (strcmp(arg, b) == 0)
		return 1;
	weprintf("%s: '%s' is not %s or %s", opt, arg, a, b);
	exit(EXIT_USAGE);
}

static void load_vocab(struct vocab *v, const char *path)
{
	vocab_load_or_exit(v, path);
	if (vocab_size(v) > MAT_MAX_DIM)
		eprintf("%s: more words than a matrix can index", path);
}

static int count_files(struct settings *set, const char *vocab, size_t memory,
                       struct filter *f, char **files, int nfiles)
{
	struct counter k = {.set = set};
	struct output o = {set, 0};
	off_t start;
	int ret;

	load_vocab(&k.v, vocab);
	k.weight = ecalloc(set->window + 1, sizeof(*k.weight));
	for (unsigned d = 1; d <= set->window; d++)
		k.weight[d] = !set->harmonic ? (set->denom ? 1 : dbl_bits(1.0))
		              : set->denom ? set->denom / d : dbl_bits(1.0 / d);
	if (vocab_size(&k.v) > COOC_MAX_SIZE)
		eprintf("%s: %zu words: at most %u can be counted", vocab, vocab_size(&k.v),
		        COOC_MAX_SIZE);
	if (cooc_init(&k.acc, (uint32_t)vocab_size(&k.v), set->denom != 0, k.weight,
	              set->window + 1, memory) < 0)
		eprintf("counting:");
	f->fn = count_line;
	f->ctx = &k;
	ret = filter_lines(f, files, nfiles);
	if (ret == 0) { /* counts of a part of the input would pass for the whole */
		start = begin_matrix(set, vocab_size(&k.v));
		if (cooc_emit(&k.acc, write_cell, &o) < 0)
			eprintf("counting:");
		end_matrix(start, o.nnz);
	}
	cooc_free(&k.acc);
	vocab_free(&k.v);
	free(k.weight);
	free(k.seq);
	spans_free(&k.toks);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"vocab", required_argument, NULL, 'v'},   {"window", required_argument, NULL, 'w'},
	    {"left", no_argument, NULL, OPT_LEFT},     {"right", no_argument, NULL, OPT_RIGHT},
	    {"weight", required_argument, NULL, OPT_WEIGHT},
	    {"cross-lines", no_argument, NULL, OPT_CROSS},
	    {"drop-oov", required_argument, NULL, OPT_DROP_OOV},
	    {"text", no_argument, NULL, 't'},          {"f32", no_argument, NULL, OPT_F32},
	    {"merge", no_argument, NULL, 'm'},         {"memory", required_argument, NULL, 'M'},
	    {"invalid", required_argument, NULL, OPT_INVALID},
	    {"progress", no_argument, NULL, OPT_PROGRESS}, {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, OPT_VERSION},   {NULL, 0, NULL, 0}};
	struct settings set = {.window = 5, .harmonic = 1, .type = MAT_F64};
	struct filter f = {.policy = UTF8_REPLACE};
	const char *vocab = NULL;
	size_t memory = 0;
	int merge = 0, left = 0, right = 0, counting = 0, c, ret;

	prog_init("nlp-cooccur");
	while ((c = getopt_long(argc, argv, "v:w:tmM:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'v': vocab = optarg; break;
		case 'w': set.window = (unsigned)estrtonum(optarg, 1, MAX_WINDOW, "--window"); break;
		case OPT_LEFT: left = counting = 1; break;
		case OPT_RIGHT: right = counting = 1; break;
		case OPT_WEIGHT: set.harmonic = parse_choice(optarg, "--weight", "flat", "harmonic");
		                 break;
		case OPT_CROSS: set.cross = counting = 1; break;
		case OPT_DROP_OOV: set.keep_oov = parse_choice(optarg, "--drop-oov", "before", "after");
		                   counting = 1; break;
		case 't': set.text = 1; break;
		case OPT_F32: set.type = MAT_F32; break;
		case 'm': merge = 1; break;
		case 'M': memory = opt_memory(optarg); counting = 1; break;
		case OPT_INVALID: f.policy = opt_policy(optarg); counting = 1; break;
		case OPT_PROGRESS: f.progress = 1; break;
		case 'h': usage_help(synopsis, help);
		case OPT_VERSION: print_version();
		default: usage_error(synopsis);
		}
	}
	if (left && right) {
		weprintf("--left and --right exclude each other (neither: both sides)");
		usage_error(synopsis);
	}
	if (merge ? (vocab || counting || optind == argc) : !vocab) {
		weprintf(merge ? "--merge takes matrices, and no counting options"
		               : "--vocab is required");
		usage_error(synopsis);
	}
	if (!set.text && isatty(1))
		eprintf("not writing a binary matrix to a terminal (use --text, or redirect)");
	set.dir = left ? -1 : right ? 1 : 0;
	set.denom = set.harmonic ? lcm_upto(set.window) : 1;
	out_init();
	ret = merge ? merge_matrices(&set, argv + optind, argc - optind)
	            : count_files(&set, vocab, memory ? memory : memory_default(), &f,
	                          argv + optind, argc - optind);
	if (out_close())
		ret = EXIT_RUNTIME;
	return ret;
}
