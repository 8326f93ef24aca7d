/* nlp-glove: GloVe word vectors fitted to a co-occurrence matrix of nlp-cooccur. */
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/par.h"
#include "cli/err.h"
#include "cli/opt.h"
#include "cli/out.h"
#include "cli/progress.h"
#include "count/cooccur.h"
#include "count/vocab.h"
#include "mat/matrix.h"
#include "nn/nnfile.h"
#include "vec/glove.h"

static const char synopsis[] =
    "nlp-glove -v vocab [-d dim] [--x-max X] [--alpha A] [--iters N] [--eta E] "
    "[--grad-clip C] [-T threads] [--seed N] [--vectors sum|word|context|concat] "
    "[--output file] [-b] [--save-model file] [--model file] [-M size] [--log file] "
    "[--progress] [matrix]";

static const char help[] =
    "Fits GloVe word vectors to a co-occurrence matrix of nlp-cooccur (a file, or stdin).\n"
    "\n"
    "  -v, --vocab FILE       the vocabulary the matrix was counted with (nlp-vocab)\n"
    "  -d, --dim N            dimensions (default 100)\n"
    "      --x-max X          the count where the weight f(x) reaches 1 (default 100)\n"
    "      --alpha A          the weight's exponent (default 0.75)\n"
    "      --iters N          passes over the non-zeros (default 25)\n"
    "      --eta E            AdaGrad's learning rate (default 0.05)\n"
    "      --grad-clip C      clip each component of a vector's gradient to [-C, C]\n"
    "                         (default 100)\n"
    "  -T, --threads N        threads (default: the processors online)\n"
    "      --seed N           seed of the initial vectors and the shuffles (default 1)\n"
    "      --vectors WHICH    sum: W + W~ (default), word: W, context: W~, concat: both\n"
    "      --output FILE      write the vectors to FILE (default stdout)\n"
    "  -b, --binary           word2vec binary format\n"
    "      --save-model FILE  also write the model, to go on training with --model\n"
    "      --model FILE       start from a model of --save-model\n"
    "  -M, --memory SIZE      budget of the non-zeros held in memory (K, M, G, T;\n"
    "                         default a quarter of RAM); past it, shuffled blocks on disk\n"
    "      --log FILE         one TSV line an iteration\n"
    "      --progress         progress on stderr even when it is not a terminal\n"
    "  -h, --help             show this help\n"
    "      --version          show the version\n";

enum { OPT_X_MAX = OPT_FIRST_PRIVATE, OPT_ALPHA, OPT_ITERS, OPT_ETA, OPT_GRAD_CLIP, OPT_SEED,
       OPT_VECTORS, OPT_OUTPUT, OPT_SAVE_MODEL, OPT_MODEL, OPT_LOG };

/* The options as given: NAN or 0 for those not given, which a --model's settings then fill. */
struct opts {
	struct glove_settings s;
	const char *vocab, *output, *save, *model, *log;
	int binary, progress, dim_set;
	enum glove_vectors which;
	size_t memory;
};

/* The display and the log: one phase, "training", over every iteration's non-zeros. */
struct prog {
	unsigned iters;
	uint64_t nnz;
	double t0, cost;
	FILE *log;
	const char *log_path;
};

static void show(void *ctx, unsigned iter, uint64_t done, double cost)
{
	struct prog *p = ctx;
	uint64_t all = (uint64_t)(iter - 1) * p->nnz + done;

	if (progress_due()) {
		double t = clock_seconds() - p->t0;
		char r[32];

		progress_show(all, "iteration %u/%u, cost %.4f, %s non-zeros/s", iter, p->iters, cost,
		              progress_count(r, sizeof(r), (uint64_t)(t > 0 ? (double)all / t : 0)));
	}
}

static void iter_done(void *ctx, unsigned iter, double cost, double secs)
{
	struct prog *p = ctx;

	p->cost = cost;
	progress_update((uint64_t)iter * p->nnz);
	if (p->log) {
		fprintf(p->log, "%u\t%.6f\t%.3f\t%.0f\n", iter, cost, secs,
		        secs > 0 ? (double)p->nnz / secs : 0);
		if (fflush(p->log) != 0)
			eprintf("write %s:", p->log_path);
	}
}

static void parse(struct opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"vocab", required_argument, NULL, 'v'},
	    {"dim", required_argument, NULL, 'd'},
	    {"x-max", required_argument, NULL, OPT_X_MAX},
	    {"alpha", required_argument, NULL, OPT_ALPHA},
	    {"iters", required_argument, NULL, OPT_ITERS},
	    {"eta", required_argument, NULL, OPT_ETA},
	    {"grad-clip", required_argument, NULL, OPT_GRAD_CLIP},
	    {"threads", required_argument, NULL, 'T'},
	    {"seed", required_argument, NULL, OPT_SEED},
	    {"vectors", required_argument, NULL, OPT_VECTORS},
	    {"output", required_argument, NULL, OPT_OUTPUT},
	    {"binary", no_argument, NULL, 'b'},
	    {"save-model", required_argument, NULL, OPT_SAVE_MODEL},
	    {"model", required_argument, NULL, OPT_MODEL},
	    {"memory", required_argument, NULL, 'M'},
	    {"log", required_argument, NULL, OPT_LOG},
	    {"progress", no_argument, NULL, OPT_PROGRESS},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, OPT_VERSION},
	    {NULL, 0, NULL, 0}};
	static const char *const which[] = {"sum", "word", "context", "concat", NULL};
	int c;

	while ((c = getopt_long(argc, argv, "v:d:T:bM:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'v': o->vocab = optarg; break;
		case 'd': o->s.dim = (size_t)estrtonum(optarg, 1, GLOVE_MAX_DIM, "--dim");
		          o->dim_set = 1; break;
		case OPT_X_MAX: o->s.x_max = estrtod(optarg, GLOVE_MIN_SETTING, GLOVE_MAX_SETTING,
		                                     "--x-max");
		                break;
		case OPT_ALPHA: o->s.alpha = estrtod(optarg, 0, GLOVE_MAX_ALPHA, "--alpha"); break;
		case OPT_ITERS: o->s.iters = (unsigned)estrtonum(optarg, 0, GLOVE_MAX_ITERS, "--iters");
		                break;
		case OPT_ETA: o->s.eta = estrtod(optarg, GLOVE_MIN_SETTING, GLOVE_MAX_ETA, "--eta"); break;
		case OPT_GRAD_CLIP: o->s.grad_clip = estrtod(optarg, GLOVE_MIN_SETTING, GLOVE_MAX_SETTING,
		                                                    "--grad-clip"); break;
		case 'T': o->s.threads = (int)estrtonum(optarg, 1, 1024, "--threads"); break;
		case OPT_SEED: o->s.seed = (uint64_t)estrtonum(optarg, 0, LLONG_MAX, "--seed"); break;
		case OPT_VECTORS: o->which = (enum glove_vectors)opt_choice("--vectors", optarg, which);
		                  break;
		case OPT_OUTPUT: o->output = optarg; break;
		case 'b': o->binary = 1; break;
		case OPT_SAVE_MODEL: o->save = optarg; break;
		case OPT_MODEL: o->model = optarg; break;
		case 'M': o->memory = opt_memory(optarg); break;
		case OPT_LOG: o->log = optarg; break;
		case OPT_PROGRESS: o->progress = 1; break;
		case 'h': usage_help(synopsis, help);
		case OPT_VERSION: print_version();
		default: usage_error(synopsis);
		}
	}
	if (argc - optind > 1) {
		weprintf("one matrix at a time (sum shards with nlp-cooccur -m)");
		usage_error(synopsis);
	}
	if (!o->vocab && !o->model) {
		weprintf("-v is required: the vocabulary the matrix was counted with");
		usage_error(synopsis);
	}
	if (o->binary && !o->output && isatty(1))
		eprintf("not writing binary vectors to a terminal (redirect them or use --output)");
}

/* The matrix must hold co-occurrence counts of this vocabulary: sparse, square, of its size, and
 * its record (when it has one) must end in a cooccur line with the vocabulary's fingerprint. */
static void check_matrix(const struct mat_header *h, const char *name, const struct vocab *v,
                         const char *vname)
{
	struct cooccur_settings set;
	struct error e;
	uint64_t fp;

	if (h->kind != MAT_SPARSE)
		eprintf("%s: a dense matrix; nlp-glove fits sparse co-occurrence counts (nlp-cooccur "
		        "writes them)", name);
	if (h->rows != h->cols)
		eprintf("%s: a %" PRIu64 " x %" PRIu64 " matrix; co-occurrence counts are square", name,
		        h->rows, h->cols);
	if (h->rows != vocab_size(v))
		eprintf("%s: the matrix has %" PRIu64 " rows, but the vocabulary %s has %zu words", name,
		        h->rows, vname, vocab_size(v));
	if (!h->record[0])
		return;
	if (cooccur_parse_record(name, h->record, &set, &fp, &e) < 0)
		eprint_error(&e);
	if (fp != vocab_fingerprint(v))
		eprintf("%s: counted with another vocabulary than %s (vocab=%016" PRIx64 ", not %016"
		        PRIx64 ")", name, vname, fp, vocab_fingerprint(v));
}

/* The model of --model, its settings under the options given. */
static void load_model(struct opts *o, struct glove_model *m, struct vocab *mv)
{
	struct error e;
	unsigned char *data;
	size_t size;

	if (nnfile_slurp(o->model, &data, &size, &e) < 0 ||
	    glove_model_parse(m, &mv->tab, data, size, o->model, &e) < 0)
		eprint_error(&e);
	free(data);
	if (o->dim_set && o->s.dim != m->dim)
		eprintf("%s: a model of %zu dimensions, not %zu (-d)", o->model, m->dim, o->s.dim);
	o->s.dim = m->dim;
	if (!isnan(o->s.x_max))
		m->x_max = o->s.x_max;
	if (!isnan(o->s.alpha))
		m->alpha = o->s.alpha;
	if (!isnan(o->s.eta))
		m->eta = o->s.eta;
	if (!isnan(o->s.grad_clip))
		m->grad_clip = o->s.grad_clip;
	m->seed = o->s.seed; /* the shuffles of this run: the model keeps the last run's seed */
}

/* The vocabulary of -v must be the model's, token for token. */
static void same_words(const struct vocab *v, const struct vocab *mv, const char *vpath,
                       const char *mpath)
{
	if (vocab_size(v) != vocab_size(mv))
		eprintf("%s has %zu words, the model %s %zu", vpath, vocab_size(v), mpath,
		        vocab_size(mv));
	for (size_t i = 0; i < vocab_size(v); i++) {
		size_t a, b;
		const char *p = vocab_token(v, i, &a), *q = vocab_token(mv, i, &b);

		if (a != b || memcmp(p, q, a) != 0)
			eprintf("%s: line %zu: '%.*s', but the model %s has '%.*s' there", vpath, i + 1,
			        (int)a, p, mpath, (int)b, q);
	}
}

static void write_vectors(const struct opts *o, const struct glove_model *m,
                          const struct vocab *v)
{
	struct writer w;
	int fd;

	if (o->output) {
		fd = out_file_open(&w, o->output);
		glove_write_vectors(&w, o->binary, m, &v->tab, o->which);
		out_file_close(&w, fd, o->output);
		return;
	}
	out_init();
	glove_write_vectors(&out, o->binary, m, &v->tab, o->which);
	if (out_close()) {
		progress_abort();
		exit(EXIT_RUNTIME);
	}
}

static void save_model(const char *path, const struct glove_model *m, const struct vocab *v)
{
	struct writer w;
	struct error e;
	int fd = out_file_open(&w, path);

	if (glove_model_write(&w, m, &v->tab, &e) < 0)
		eprint_error(&e);
	out_file_close(&w, fd, path);
}

int main(int argc, char **argv)
{
	struct opts o = {.s = {.dim = 100, .x_max = NAN, .alpha = NAN, .iters = 25, .eta = NAN,
	                       .grad_clip = NAN, .seed = 1}};
	struct vocab v = {0}, mv = {0};
	struct glove_model m;
	struct glove_data d;
	struct glove_stats st;
	struct mat_header h;
	struct reader r;
	struct error e;
	struct prog p = {0};
	const char *path, *name, *vname;
	char a[32], b[32], c[32];
	uint64_t params;
	double t0, secs;
	int fd, blocks;

	prog_init("nlp-glove");
	o.s.threads = par_cpus();
	parse(&o, argc, argv);
	path = optind < argc ? argv[optind] : "-";
	name = strcmp(path, "-") ? path : "<stdin>";
	progress_init(o.progress);
	if (o.log) {
		if (!(p.log = fopen(o.log, "w")))
			eprintf("open %s:", o.log);
		p.log_path = o.log;
		fprintf(p.log, "iter\tcost\tseconds\tnonzeros_per_s\n");
	}
	if (o.model)
		load_model(&o, &m, &mv);
	if (o.vocab) {
		if (vocab_load(&v, o.vocab, &e) < 0)
			eprint_error(&e);
		if (vocab_size(&v) == 0)
			eprintf("%s: an empty vocabulary", o.vocab);
		if (o.model)
			same_words(&v, &mv, o.vocab, o.model);
		vname = o.vocab;
	} else {
		v = mv;
		mv = (struct vocab){0};
		vname = o.model;
	}
	if (o.save) /* the model file's limit on a word, known now rather than after training */
		for (size_t i = 0; i < vocab_size(&v); i++) {
			size_t len;

			vocab_token(&v, i, &len);
			if (len > NNFILE_WORD_MAX)
				eprintf("%s: line %zu: a token of %zu bytes: a model (--save-model) holds "
				        "words of at most %d bytes", vname, i + 1, len, NNFILE_WORD_MAX);
		}
	if (vocab_size(&v) > GLOVE_MAX_ROWS)
		eprintf("%s: %zu words: more than %" PRIu64, vname, vocab_size(&v), GLOVE_MAX_ROWS);

	if (reader_open(&r, path) < 0)
		eprintf("open %s:", name);
	r.name = name;
	fd = r.fd;
	if (mat_read_header(&r, &h, &e) < 0)
		eprint_error(&e);
	check_matrix(&h, name, &v, vname);

	params = glove_params_bytes(vocab_size(&v), o.s.dim);
	if (params > opt_memory_physical())
		eprintf("the parameters need %s (%zu words, %zu dimensions), more than the %s of "
		        "memory: keep fewer words or dimensions", progress_bytes(a, sizeof(a), params),
		        vocab_size(&v), o.s.dim, progress_bytes(b, sizeof(b), opt_memory_physical()));
	progress_note("the parameters need %s (%zu words, %zu dimensions, with their AdaGrad "
	              "sums), the non-zeros 13 bytes each within the budget of %s",
	              progress_bytes(a, sizeof(a), params), vocab_size(&v), o.s.dim,
	              progress_bytes(b, sizeof(b), o.memory ? o.memory : opt_memory_default()));
	progress_phase("reading", fd_size(fd), PHASE_BYTES);
	o.s.budget = o.memory ? o.memory : opt_memory_default();
	if (glove_data_load(&d, &r, &h, o.s.budget, o.s.seed, &e) < 0)
		eprint_error(&e);
	reader_close(&r);
	if (d.nblocks)
		progress_note("%s non-zeros take %s, more than the budget (-M): %d shuffled blocks "
		              "of at most %s in %s", progress_count(a, sizeof(a), d.n),
		              progress_bytes(b, sizeof(b), d.n * sizeof(struct glove_cell)), d.nblocks,
		              progress_bytes(c, sizeof(c), d.largest * sizeof(struct glove_cell)),
		              tmpfile_dir());

	if (!o.model) {
		o.s.x_max = isnan(o.s.x_max) ? 100 : o.s.x_max;
		o.s.alpha = isnan(o.s.alpha) ? 0.75 : o.s.alpha;
		o.s.eta = isnan(o.s.eta) ? 0.05 : o.s.eta;
		o.s.grad_clip = isnan(o.s.grad_clip) ? 100 : o.s.grad_clip;
		if (glove_init(&m, vocab_size(&v), &o.s, &e) < 0)
			eprint_error(&e);
	}
	p.iters = o.s.iters;
	p.nnz = d.n;
	p.cost = NAN;
	progress_phase("training", (uint64_t)o.s.iters * d.n, "non-zeros");
	p.t0 = t0 = clock_seconds();
	if (glove_train(&m, &o.s, &d, show, iter_done, &p, &st, &e) < 0)
		eprint_error(&e);
	secs = clock_seconds() - t0;
	blocks = d.nblocks;
	glove_data_free(&d);
	if (st.skipped)
		weprintf("%" PRIu64 " updates skipped: their error was not finite (lower --eta?)",
		         st.skipped);
	if (p.log && fclose(p.log) != 0)
		eprintf("close %s:", o.log);

	progress_phase("writing", 0, "");
	if (o.save)
		save_model(o.save, &m, &v);
	write_vectors(&o, &m, &v);
	progress_done("%s non-zeros, %zu words, %u iteration%s (%u in all), cost %.4f, %s "
	              "non-zeros/s, %s", progress_count(a, sizeof(a), p.nnz), vocab_size(&v),
	              o.s.iters, o.s.iters == 1 ? "" : "s", m.iters, st.cost,
	              progress_count(b, sizeof(b), (uint64_t)(secs > 0 ? (double)p.nnz * o.s.iters / secs : 0)),
	              blocks ? "in shuffled blocks" : "in memory");
	glove_free(&m);
	vocab_free(&v);
	vocab_free(&mv);
	return 0;
}
