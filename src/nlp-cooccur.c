/* nlp-cooccur: word-context co-occurrence counts in a window, as a sparse matrix whose rows and
 * columns are vocabulary ids; merges the matrices of shards exactly. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "count/cooc.h"
#include "count/countfile.h"
#include "cli/err.h"
#include "cli/filter.h"
#include "cli/out.h"
#include "base/io.h"
#include "mat/matconv.h"
#include "mat/matrix.h"
#include "mat/sink.h"
#include "base/num.h"
#include "cli/opt.h"
#include "base/par.h"
#include "base/ring.h"
#include "count/vocab.h"

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

#define WORKERS 2           /* counting threads, each with its own accumulator */
#define BATCH_IDS (1 << 16) /* ids in a batch before it is passed on */

/* Ids for a counting thread: with --cross-lines one sequence whose first hist ids are context
 * only (the end of the batch before); else lines of lengths lines[]. */
struct id_batch {
	uint32_t *ids;
	size_t n, cap, hist;
	size_t *lines;
	size_t nlines, linecap;
};

struct worker {
	const struct settings *set;
	struct cooc acc;
	struct ring ring;
	struct id_batch batch[RING_SLOTS];
	int flush_err;
};

/* The reading thread looks the tokens up and deals batches of ids to the workers in turn. */
struct counter {
	const struct settings *set;
	struct vocab v;
	uint64_t *weight;     /* [window + 1] a context's value at each distance */
	struct worker w[WORKERS];
	unsigned next;        /* the worker whose batch is being filled */
	uint32_t *tail;       /* --cross-lines: the last window ids so far */
	size_t ntail;
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

/* Counts the pairs of seq[0..n) whose center is at start or after. Returns 0 or -1 (errno). */
static int count_seq(struct cooc *acc, const struct settings *set, const uint32_t *seq, size_t n,
                     size_t start)
{
	for (size_t j = start; j < n; j++) {
		uint32_t a = seq[j];

		if (a == NONE)
			continue;
		for (size_t d = 1; d <= set->window && d <= j; d++) {
			uint32_t b = seq[j - d]; /* d to the left of a */

			if (b == NONE)
				continue;
			if (set->dir <= 0 && cooc_add(acc, a, b, (unsigned)d) < 0)
				return -1;
			if (set->dir >= 0 && cooc_add(acc, b, a, (unsigned)d) < 0)
				return -1;
		}
	}
	return 0;
}

/* A worker's job: the pairs of a batch. */
static int count_batch(void *ctx, void *batch)
{
	struct worker *w = ctx;
	const struct id_batch *b = batch;
	int r = 0;

	if (w->set->cross)
		r = count_seq(&w->acc, w->set, b->ids, b->n, b->hist);
	else
		for (size_t i = 0, at = 0; i < b->nlines && r == 0; at += b->lines[i++])
			r = count_seq(&w->acc, w->set, b->ids + at, b->lines[i], 0);
	return r < 0 ? (errno ? errno : ENOMEM) : 0;
}

static void batch_room(struct id_batch *b, size_t ids)
{
	if (b->n + ids > b->cap) {
		b->cap = (b->n + ids) * 2 > BATCH_IDS ? (b->n + ids) * 2 : BATCH_IDS;
		b->ids = erealloc(b->ids, b->cap * sizeof(*b->ids));
	}
	if (b->nlines == b->linecap) {
		b->linecap = b->linecap ? b->linecap * 2 : 1024;
		b->lines = erealloc(b->lines, b->linecap * sizeof(*b->lines));
	}
}

/* Empties the batch about to be filled; with --cross-lines it starts with the last ids so far. */
static void batch_start(struct counter *k, struct id_batch *b)
{
	b->n = b->hist = b->nlines = 0;
	if (k->set->cross && k->ntail) {
		batch_room(b, k->ntail);
		memcpy(b->ids, k->tail, k->ntail * sizeof(*b->ids));
		b->n = b->hist = k->ntail;
	}
}

/* Passes the batch being filled to its worker, and starts one for the next worker. */
static void pass_batch(struct counter *k)
{
	struct worker *w = &k->w[k->next];
	struct id_batch *b = ring_slot(&w->ring);
	int err;

	if (k->set->cross) {
		k->ntail = b->n < k->set->window ? b->n : k->set->window;
		memcpy(k->tail, b->ids + b->n - k->ntail, k->ntail * sizeof(*k->tail));
	}
	if ((err = ring_pass(&w->ring)) != 0) {
		errno = err;
		eprintf("counting:");
	}
	k->next = (k->next + 1) % WORKERS;
	batch_start(k, ring_slot(&k->w[k->next].ring));
}

static void count_line(void *ctx, const char *s, size_t n, struct buf *res)
{
	struct counter *k = ctx;
	const struct settings *set = k->set;
	struct id_batch *b = ring_slot(&k->w[k->next].ring);
	size_t start = b->n;

	(void)res;
	split_blank(s, n, &k->toks);
	batch_room(b, k->toks.n);
	for (size_t i = 0; i < k->toks.n; i++) {
		int64_t id = vocab_id(&k->v, k->toks.v[i].p, k->toks.v[i].n);

		if (id >= 0 || set->keep_oov)
			b->ids[b->n++] = id >= 0 ? (uint32_t)id : NONE;
	}
	if (!set->cross && b->n > start)
		b->lines[b->nlines++] = b->n - start;
	if (b->n >= BATCH_IDS)
		pass_batch(k);
}

/* Starts the workers, each with an accumulator of its share of the budget. */
static void start_workers(struct counter *k, size_t memory)
{
	for (int t = 0; t < WORKERS; t++) {
		struct worker *w = &k->w[t];
		void *slots[RING_SLOTS];
		int e;

		w->set = k->set;
		if (cooc_init(&w->acc, (uint32_t)vocab_size(&k->v), k->set->denom != 0, k->weight,
		              k->set->window + 1, memory / WORKERS) < 0)
			eprintf("counting:");
		for (int i = 0; i < RING_SLOTS; i++)
			slots[i] = &w->batch[i];
		if ((e = ring_start(&w->ring, slots, count_batch, w)) != 0) {
			errno = e;
			eprintf("counting:");
		}
	}
	k->tail = ecalloc(k->set->window, sizeof(*k->tail));
	batch_start(k, ring_slot(&k->w[0].ring));
}

/* Whether a worker has written runs already (then the last buffers go to disk too). */
static int spilled(const struct counter *k)
{
	for (int t = 0; t < WORKERS; t++)
		if (k->w[t].acc.runs->n)
			return 1;
	return 0;
}

static void flush_part(void *ctx, int t, int nt)
{
	struct counter *k = ctx;

	(void)nt;
	k->w[t].flush_err = cooc_flush(&k->w[t].acc) < 0 ? (errno ? errno : EIO) : 0;
}

/* Counts what is left, stops the workers and sums their counts into the first accumulator. */
static void stop_workers(struct counter *k)
{
	int err = 0;

	for (unsigned t = 0; t < WORKERS; t++) {
		const struct id_batch *b = ring_slot(&k->w[t].ring);
		int e = ring_finish(&k->w[t].ring, t == k->next && b->n > b->hist);

		if (e && !err)
			err = e;
	}
	if (err) {
		errno = err;
		eprintf("counting:");
	}
	if (spilled(k)) { /* sort the last buffers at once, not one after the other */
		par_run(WORKERS, flush_part, k);
		for (int t = 0; t < WORKERS; t++)
			if (k->w[t].flush_err) {
				errno = k->w[t].flush_err;
				eprintf("counting:");
			}
	}
	for (int t = 1; t < WORKERS; t++)
		if (cooc_absorb(&k->w[0].acc, &k->w[t].acc) < 0)
			eprintf("counting:");
}

static void free_workers(struct counter *k)
{
	for (int t = 0; t < WORKERS; t++) {
		cooc_free(&k->w[t].acc);
		for (int i = 0; i < RING_SLOTS; i++) {
			free(k->w[t].batch[i].ids);
			free(k->w[t].batch[i].lines);
		}
	}
	free(k->tail);
}

/* ---- output ---- */

struct output {
	const struct settings *set;
	struct mat_sink sink;
};

static int write_cell(void *ctx, uint32_t row, uint32_t col, uint64_t val)
{
	struct output *o = ctx;

	mat_sink_put(&o->sink, row, col, value_of(o->set, val));
	return 0;
}

/* Starts the matrix on stdout; its header is patched at the end where stdout can seek. */
static void begin_matrix(struct output *o, uint64_t size)
{
	struct error e;

	if (mat_sink_begin(&o->sink, &out, o->set->text, o->set->type, size, size, MAT_NNZ_UNKNOWN,
	                   &e) < 0)
		eprint_error(&e);
}

static void end_matrix(struct output *o)
{
	struct error e;

	if (mat_sink_end(&o->sink, &e) < 0)
		weprint_error(&e);
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
	struct output o = {.set = set};
	uint64_t size = 0;
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
	begin_matrix(&o, size);
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
	end_matrix(&o);
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
	struct error e;

	if (vocab_load(v, path, &e) < 0)
		eprint_error(&e);
	if (vocab_size(v) > MAT_MAX_DIM)
		eprintf("%s: more words than a matrix can index", path);
}

static int count_files(struct settings *set, const char *vocab, size_t memory,
                       struct filter *f, char **files, int nfiles)
{
	struct counter k = {.set = set};
	struct output o = {.set = set};
	int ret;

	load_vocab(&k.v, vocab);
	k.weight = ecalloc(set->window + 1, sizeof(*k.weight));
	for (unsigned d = 1; d <= set->window; d++)
		k.weight[d] = !set->harmonic ? (set->denom ? 1 : dbl_bits(1.0))
		              : set->denom ? set->denom / d : dbl_bits(1.0 / d);
	if (vocab_size(&k.v) > COOC_MAX_SIZE)
		eprintf("%s: %zu words: at most %u can be counted", vocab, vocab_size(&k.v),
		        COOC_MAX_SIZE);
	start_workers(&k, memory);
	f->fn = count_line;
	f->ctx = &k;
	ret = filter_lines(f, files, nfiles);
	stop_workers(&k);
	if (ret == 0) { /* counts of a part of the input would pass for the whole */
		begin_matrix(&o, vocab_size(&k.v));
		if (cooc_emit(&k.w[0].acc, write_cell, &o) < 0)
			eprintf("counting:");
		end_matrix(&o);
	}
	free_workers(&k);
	vocab_free(&k.v);
	free(k.weight);
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
