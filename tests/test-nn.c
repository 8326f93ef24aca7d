/* test-nn.c: the neural-network layers of lib/nn through the recurrent language model of
 * lib/lm/rnnlm.h.
 *   test-nn gradcheck       every parameter's gradient against central differences of the
 *                           loss, for each cell, tied and untied, with and without dropout
 *                           (its masks fixed by reseeding), one line per tensor with the
 *                           largest error; and the softmax cross-entropy's gradient at the
 *                           logits. Exits 1 when an error passes the tolerance.
 *   test-nn clsgrad         the same for the recurrent classifier of lib/cls/rnncls.h: each
 *                           cell, one and two layers, uni- and bidirectional, each pooling
 *                           (last, mean, max, attention), with dropout and recurrent dropout.
 *   test-nn taggrad         the same for the recurrent tagger of lib/tag/tagrnn.h: the
 *                           character encoder (nn/charcnn.h) over words of 1 to 7 characters,
 *                           each cell, uni- and bidirectional, dropout, and the softmax of
 *                           every token averaged over the batch's tokens.
 *   test-nn h0grad          the gradient of a recurrent layer's outputs at the state before
 *                           its window (nn/rnn.h's dh0 and dc0), each cell, with and without
 *                           recurrent dropout, against central differences.
 *   test-nn s2sgrad         the same for the sequence-to-sequence model of lib/s2s/s2s.h:
 *                           each attention (none, dot, general, additive), peeky, each cell,
 *                           one and two layers, a bidirectional encoder, dropout, targets of
 *                           different lengths in a batch (the padding out of the loss), the
 *                           decoder started from the encoder's last states.
 *   test-nn rnnlm-grad MODEL IDS
 *                           the loss, logits, gradients and final states of a model file on
 *                           a window (IDS: T+1 lines of B ids), for tests/rnn_ref.py's
 *                           comparison with PyTorch. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/rng.h"
#include "cls/rnncls.h"
#include "lm/rnnlm.h"
#include "nn/rnn.h"
#include "nn/xent.h"
#include "s2s/s2s.h"
#include "tag/tagrnn.h"

/* The error of a gradient a against a difference quotient n: absolute below 1e-2, relative
 * above. */
static double err(double a, double n)
{
	double d = fabs(a - n), s = fabs(a) > fabs(n) ? fabs(a) : fabs(n);

	return s > 1e-2 ? d / s : d / 1e-2;
}

static void vocab_of(struct strtab *t, unsigned V)
{
	char w[16];

	strtab_init(t, V);
	strtab_intern(t, "</s>", 4);
	strtab_intern(t, "<unk>", 5);
	for (unsigned i = 2; i < V; i++)
		strtab_intern(t, w, (size_t)snprintf(w, sizeof(w), "w%u", i));
}

/* The mean loss of the window x -> y, masks from seed when dropout is on. */
static double loss_of(struct rnnlm_run *r, const struct rnnlm *m, const uint32_t *x,
                      const uint32_t *y, size_t T, int train, uint64_t seed)
{
	double *lp = emalloc(T * r->B * sizeof(double)), sum = 0;
	struct rng g;

	rng_seed(&g, seed);
	rnnlm_run_reset(r);
	rnnlm_forward(r, m, x, T, train, &g);
	rnnlm_logprob(r, lp, y, 1);
	for (size_t i = 0; i < T * r->B; i++)
		sum -= lp[i];
	free(lp);
	return sum / (double)(T * r->B);
}

#define GC_TOL 2e-3

/* One configuration: every parameter of every tensor against central differences. */
static int gradcheck_model(enum nn_cell cell, int tied, float dropout, int variational)
{
	static const char *const names[] = {"rnn", "lstm", "gru"};
	struct rnnlm_config c = {.cell = cell, .layers = 2, .emb = 5, .hidden = tied ? 5 : 4,
	                         .vocab = 7, .tied = tied};
	const size_t T = 4, B = 3;
	uint32_t x[12], y[12];
	struct rnnlm m;
	struct rnnlm_run *r;
	struct strtab v;
	struct error e;
	struct rng g;
	float *grad;
	int bad = 0;

	vocab_of(&v, c.vocab);
	if (rnnlm_init(&m, &c, &v, &e) < 0)
		return printf("FAIL gradcheck: %s\n", e.msg), 1;
	rng_seed(&g, 7 + (uint64_t)cell);
	nn_init_uniform(&m.L, m.w, 0.5f, &g);
	for (size_t i = 0; i < T * B; i++) {
		x[i] = (uint32_t)rng_below(&g, c.vocab);
		y[i] = (uint32_t)rng_below(&g, c.vocab);
	}
	r = rnnlm_run_new(&m, T, B, dropout, variational, &e);
	grad = nn_block_alloc(&m.L, "gradients", &e);
	if (!r || !grad)
		return printf("FAIL gradcheck: %s\n", e.msg), 1;
	{
		struct rng d;

		rng_seed(&d, 99);
		rnnlm_run_reset(r);
		rnnlm_forward(r, &m, x, T, 1, &d);
		rnnlm_backward(r, &m, grad, y, x, 1.0f / (float)(T * B), 1);
	}
	for (int k = 0; k < m.L.n; k++) {
		const struct nn_tensor *t = &m.L.t[k];
		float *w = nn_tensor(&m.L, m.w, k), *gk = nn_tensor(&m.L, grad, k);
		double worst = 0;

		for (size_t i = 0; i < t->rows * t->cols; i++) {
			float keep = w[i], h = 1e-2f;
			double lp, lm;

			w[i] = keep + h;
			lp = loss_of(r, &m, x, y, T, 1, 99);
			w[i] = keep - h;
			lm = loss_of(r, &m, x, y, T, 1, 99);
			w[i] = keep;
			double ei = err(gk[i], (lp - lm) / (2.0 * (double)h));
			if (ei > worst)
				worst = ei;
		}
		printf("%s gradcheck %s%s%s %s: largest error %.2e\n", worst <= GC_TOL ? "ok" : "FAIL",
		       names[cell], tied ? " tied" : "", dropout > 0 ? variational ?
		       " dropout variational" : " dropout" : "", t->name, worst);
		bad |= worst > GC_TOL;
	}
	free(grad);
	rnnlm_run_free(r);
	rnnlm_free(&m);
	return bad;
}

/* The softmax cross-entropy alone: its gradient at the logits and its loss. */
static int gradcheck_xent(void)
{
	enum { N = 3, V = 6 };
	float x[N * V], g[N * V];
	uint32_t y[N] = {0, 5, 2};
	double worst = 0, lp[N];
	struct rng r;

	rng_seed(&r, 5);
	for (int i = 0; i < N * V; i++)
		x[i] = (float)(4 * rng_uniform(&r) - 2);
	memcpy(g, x, sizeof(x));
	softmax_xent_backward(g, y, N, V, 1.0f, 1);
	for (int i = 0; i < N * V; i++) {
		float keep = x[i];
		double s[2] = {0, 0};

		for (int k = 0; k < 2; k++) {
			x[i] = keep + (k ? -1e-2f : 1e-2f);
			softmax_xent_forward(lp, x, y, N, V, 1);
			for (int n = 0; n < N; n++)
				s[k] -= lp[n];
		}
		x[i] = keep;
		double ei = err(g[i], (s[0] - s[1]) / 2e-2);
		if (ei > worst)
			worst = ei;
	}
	printf("%s gradcheck softmax cross-entropy: largest error %.2e\n",
	       worst <= GC_TOL ? "ok" : "FAIL", worst);
	return worst > GC_TOL;
}

static int gradcheck(void)
{
	int bad = gradcheck_xent();

	for (int cell = NN_CELL_RNN; cell <= NN_CELL_GRU; cell++) {
		bad |= gradcheck_model((enum nn_cell)cell, 0, 0, 0);
		bad |= gradcheck_model((enum nn_cell)cell, 1, 0, 0);
	}
	bad |= gradcheck_model(NN_CELL_LSTM, 0, 0.3f, 0);
	bad |= gradcheck_model(NN_CELL_GRU, 1, 0.3f, 1);
	return bad;
}

/* ---- the recurrent classifier ---- */

static double cls_loss_of(struct cls_run *r, const struct cls_model *m,
                          const struct cls_input *in, const uint32_t *y, size_t T, size_t B,
                          uint64_t seed)
{
	double lp[8], sum = 0;
	struct rng g;

	rng_seed(&g, seed);
	cls_forward(r, m, in, T, B, 1, &g);
	softmax_xent_forward(lp, r->logits, y, B, r->C, 1);
	for (size_t b = 0; b < B; b++)
		sum -= lp[b];
	return sum / (double)B;
}

struct cls_case {
	enum nn_cell cell;
	unsigned layers, bidir;
	enum cls_pool pool;
	float dropout, rdropout;
	int bag;        /* character n-gram rows: each position the mean of 1 to 3 rows */
};

static int cls_tables(struct strtab *labels, struct strtab *words, unsigned C, unsigned V)
{
	char w[16];

	strtab_init(labels, C);
	strtab_init(words, V);
	for (unsigned i = 0; i < C; i++)
		strtab_intern(labels, w, (size_t)snprintf(w, sizeof(w), "c%u", i));
	strtab_intern(words, "<unk>", 5);
	for (unsigned i = 1; i < V; i++)
		strtab_intern(words, w, (size_t)snprintf(w, sizeof(w), "w%u", i));
	return 0;
}

static int gradcheck_cls(const struct cls_case *k)
{
	static const char *const cells[] = {"rnn", "lstm", "gru"};
	static const char *const pools[] = {"last", "mean", "max", "attention"};
	struct cls_config c = {.kind = CLS_RECURRENT, .classes = 3, .words = 6, .emb = 4,
	                       .cell = k->cell, .layers = k->layers, .hidden = 3,
	                       .bidirectional = k->bidir, .pool = k->pool,
	                       .att = k->pool == CLS_POOL_ATTENTION ? 5 : 0,
	                       .minn = k->bag ? 1 : 0, .maxn = k->bag ? 2 : 0,
	                       .buckets = k->bag ? 5 : 0};
	const size_t T = 4, B = 3;
	uint32_t x[36], y[3], start[13];
	struct cls_input in = {x, k->bag ? start : NULL};
	struct strtab labels, words;
	struct cls_model m;
	struct cls_run *r;
	struct error e;
	struct rng g;
	float *grad;
	int bad = 0;

	cls_tables(&labels, &words, c.classes, c.words);
	if (cls_model_init(&m, &c, &labels, &words, &e) < 0)
		return printf("FAIL clsgrad: %s\n", e.msg), 1;
	rng_seed(&g, 11 + (uint64_t)k->cell + 3 * k->pool);
	nn_init_uniform(&m.L, m.w, 0.5f, &g);
	for (size_t i = 0, k2 = 0; i < T * B; i++) {
		size_t n = k->bag ? 1 + (size_t)rng_below(&g, 3) : 1;

		start[i] = (uint32_t)k2;
		for (size_t j = 0; j < n; j++)
			x[k2++] = (uint32_t)rng_below(&g, m.L.t[m.emb].rows);
		start[i + 1] = (uint32_t)k2;
	}
	for (size_t b = 0; b < B; b++)
		y[b] = (uint32_t)rng_below(&g, c.classes);
	r = cls_run_new(&m, (T + 1) * B, B, k->dropout, k->rdropout, &e);
	grad = nn_block_alloc(&m.L, "gradients", &e);
	if (!r || !grad)
		return printf("FAIL clsgrad: %s\n", e.msg), 1;
	{
		struct rng d;

		rng_seed(&d, 99);
		cls_forward(r, &m, &in, T, B, 1, &d);
		cls_backward(r, &m, grad, y, &in, 1.0f / (float)B, 1, NULL);
	}
	for (int t = 0; t < m.L.n; t++) {
		const struct nn_tensor *ts = &m.L.t[t];
		float *w = nn_tensor(&m.L, m.w, t), *gk = nn_tensor(&m.L, grad, t);
		double worst = 0;

		for (size_t i = 0; i < ts->rows * ts->cols; i++) {
			float keep = w[i], h = 1e-2f;
			double lp, lm;

			w[i] = keep + h;
			lp = cls_loss_of(r, &m, &in, y, T, B, 99);
			w[i] = keep - h;
			lm = cls_loss_of(r, &m, &in, y, T, B, 99);
			w[i] = keep;
			double ei = err(gk[i], (lp - lm) / (2.0 * (double)h));
			if (ei > worst)
				worst = ei;
		}
		printf("%s clsgrad %s %u layer%s%s %s%s%s%s %s: largest error %.2e\n",
		       worst <= GC_TOL ? "ok" : "FAIL", cells[k->cell], k->layers,
		       k->layers > 1 ? "s" : "", k->bidir ? " bidirectional" : "", pools[k->pool],
		       k->dropout > 0 ? " dropout" : "", k->rdropout > 0 ? " recurrent-dropout" : "",
		       k->bag ? " n-gram rows" : "", ts->name, worst);
		bad |= worst > GC_TOL;
	}
	free(grad);
	cls_run_free(r);
	cls_model_free(&m);
	return bad;
}

static int clsgrad(void)
{
	static const struct cls_case cases[] = {
		{NN_CELL_LSTM, 1, 0, CLS_POOL_LAST, 0, 0, 0},
		{NN_CELL_LSTM, 2, 1, CLS_POOL_ATTENTION, 0, 0, 0},
		{NN_CELL_GRU, 1, 1, CLS_POOL_LAST, 0, 0, 0},
		{NN_CELL_GRU, 2, 1, CLS_POOL_MEAN, 0.3f, 0.3f, 0},
		{NN_CELL_RNN, 1, 1, CLS_POOL_MAX, 0, 0, 0},
		{NN_CELL_RNN, 2, 0, CLS_POOL_ATTENTION, 0.3f, 0, 0},
		{NN_CELL_LSTM, 2, 1, CLS_POOL_ATTENTION, 0.3f, 0.3f, 0},
		{NN_CELL_LSTM, 1, 1, CLS_POOL_MAX, 0, 0.3f, 0},
		{NN_CELL_LSTM, 1, 1, CLS_POOL_ATTENTION, 0.3f, 0, 1},
		{NN_CELL_GRU, 2, 0, CLS_POOL_MEAN, 0, 0, 1},
	};
	int bad = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		bad |= gradcheck_cls(&cases[i]);
	return bad;
}

/* ---- the recurrent tagger ---- */

struct tag_case {
	enum nn_cell cell;
	unsigned layers, bidir;
	float dropout, rdropout;
	unsigned char_emb, width;  /* 0: no character encoder */
};

static double tag_loss_of(struct tag_run *r, const struct tag_model *m,
                          const struct tag_input *in, const uint32_t *y, size_t T, size_t B)
{
	double lp[64], sum = 0;
	struct rng g;

	rng_seed(&g, 99);
	tag_forward(r, m, in, T, B, 1, &g);
	softmax_xent_forward(lp, r->logits, y, T * B, r->C, 1);
	for (size_t i = 0; i < T * B; i++)
		sum -= lp[i];
	return sum / (double)(T * B);
}

/* Whether the character encoder's maxima are elsewhere than arg0 [N][4]. */
static int arg_moved(const struct tag_run *r, const uint32_t *arg0, size_t N)
{
	return r->F && memcmp(r->carg, arg0, N * r->F * sizeof(*arg0)) != 0;
}

static void tag_table(struct strtab *t, const char *prefix, unsigned n, int unk)
{
	char w[16];

	strtab_init(t, n);
	if (unk)
		strtab_intern(t, "<unk>", 5);
	for (unsigned i = unk; i < n; i++)
		strtab_intern(t, w, (size_t)snprintf(w, sizeof(w), "%s%u", prefix, i));
}

static int gradcheck_tag(const struct tag_case *k)
{
	static const char *const cells[] = {"rnn", "lstm", "gru"};
	struct tag_config c = {.kind = TAG_RECURRENT, .units = TAG_UNITS_WORDS, .tags = 4,
	                       .words = 6, .emb = 3, .cell = k->cell, .layers = k->layers,
	                       .hidden = 3, .bidirectional = k->bidir, .char_emb = k->char_emb,
	                       .char_filters = k->char_emb ? 4 : 0, .char_width = k->width,
	                       .chars = k->char_emb ? 7 : 0};
	const size_t T = 4, B = 3;
	uint32_t x[12], y[12], chars[12 * 7], cstart[13];
	struct tag_input in = {x, k->char_emb ? chars : NULL, k->char_emb ? cstart : NULL};
	struct strtab tags, words, ch;
	struct tag_model m;
	struct tag_run *r;
	struct error e;
	struct rng g;
	float *grad;
	uint32_t *arg0;
	int bad = 0;

	tag_table(&tags, "t", c.tags, 0);
	tag_table(&words, "w", c.words, 1);
	tag_table(&ch, "c", 7, 1);
	if (tag_model_init(&m, &c, &tags, &words, k->char_emb ? &ch : NULL, &e) < 0)
		return printf("FAIL taggrad: %s\n", e.msg), 1;
	if (!k->char_emb)
		strtab_free(&ch);
	rng_seed(&g, 17 + (uint64_t)k->cell + 5 * k->width);
	nn_init_uniform(&m.L, m.w, 0.5f, &g);
	for (size_t i = 0, at = 0; i < T * B; i++) {
		size_t n = 1 + (size_t)rng_below(&g, 7);

		x[i] = (uint32_t)rng_below(&g, c.words);
		y[i] = (uint32_t)rng_below(&g, c.tags);
		cstart[i] = (uint32_t)at;
		for (size_t j = 0; j < n; j++)
			chars[at++] = (uint32_t)rng_below(&g, 7);
		cstart[i + 1] = (uint32_t)at;
	}
	r = tag_run_new(&m, (T + 1) * B, B, k->dropout, k->rdropout, &e);
	grad = nn_block_alloc(&m.L, "gradients", &e);
	if (!r || !grad || tag_run_chars(r, T * B * 7, &e) < 0)
		return printf("FAIL taggrad: %s\n", e.msg), 1;
	{
		struct rng d;

		rng_seed(&d, 99);
		tag_forward(r, &m, &in, T, B, 1, &d);
		tag_backward(r, &m, grad, y, &in, 1.0f / (float)(T * B), 1, NULL);
	}
	arg0 = emalloc(T * B * 4 * sizeof(*arg0) + 1);
	if (k->char_emb)
		memcpy(arg0, r->carg, T * B * 4 * sizeof(*arg0));
	for (int t = 0; t < m.L.n; t++) {
		const struct nn_tensor *ts = &m.L.t[t];
		float *w = nn_tensor(&m.L, m.w, t), *gk = nn_tensor(&m.L, grad, t);
		double worst = 0;

		size_t kinks = 0;

		for (size_t i = 0; i < ts->rows * ts->cols; i++) {
			float keep = w[i], h = 1e-2f;
			double lp, lm, ei;
			int moved;

			/* the character encoder's maximum is not differentiable where two positions
			 * tie: a step that moves a maximum to another position is tried again 10
			 * times shorter, and left out (counted) when it still does */
			do {
				w[i] = keep + h;
				lp = tag_loss_of(r, &m, &in, y, T, B);
				moved = arg_moved(r, arg0, T * B);
				w[i] = keep - h;
				lm = tag_loss_of(r, &m, &in, y, T, B);
				moved |= arg_moved(r, arg0, T * B);
				w[i] = keep;
				h /= 10;
			} while (moved && h > 1e-4f);
			if (moved) {
				kinks++;
				continue;
			}
			ei = err(gk[i], (lp - lm) / (2.0 * (double)(h * 10)));
			if (ei > worst)
				worst = ei;
		}
		printf("%s taggrad %s %u layer%s%s%s%s width %u %s: largest error %.2e",
		       worst <= GC_TOL ? "ok" : "FAIL", cells[k->cell], k->layers,
		       k->layers > 1 ? "s" : "", k->bidir ? " bidirectional" : "",
		       k->dropout > 0 ? " dropout" : "", k->rdropout > 0 ? " recurrent-dropout" : "",
		       k->width, ts->name, worst);
		printf(kinks ? " (%zu at a tie of maxima left out)\n" : "\n", kinks);
		bad |= kinks * 10 > ts->rows * ts->cols;
		bad |= worst > GC_TOL;
	}
	free(grad);
	free(arg0);
	tag_run_free(r);
	tag_model_free(&m);
	return bad;
}

static int taggrad(void)
{
	static const struct tag_case cases[] = {
		{NN_CELL_LSTM, 1, 1, 0, 0, 3, 3},
		{NN_CELL_LSTM, 2, 1, 0.3f, 0.3f, 2, 5},
		{NN_CELL_GRU, 1, 1, 0, 0, 3, 1},
		{NN_CELL_GRU, 2, 0, 0.3f, 0, 0, 0},
		{NN_CELL_RNN, 1, 0, 0, 0, 2, 5},
	};
	int bad = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		bad |= gradcheck_tag(&cases[i]);
	return bad;
}

/* ---- the sequence-to-sequence model ---- */

struct s2s_case {
	enum nn_cell cell;
	unsigned layers, bidir;
	enum s2s_attention att;
	unsigned peeky;
	float dropout;
};

static double s2s_loss_of(struct s2s_run *r, const struct s2s_model *m,
                          const struct s2s_batch *bt)
{
	double lp[64];
	struct rng g;

	rng_seed(&g, 99);
	s2s_forward(r, m, bt, 1, &g);
	return s2s_backward(r, m, NULL, 1, lp) / (double)r->real;
}

static int gradcheck_s2s(const struct s2s_case *k)
{
	static const char *const cells[] = {"rnn", "lstm", "gru"};
	static const char *const atts[] = {"none", "dot", "general", "additive"};
	struct s2s_config c = {.units = S2S_TOKENS, .cell = k->cell, .layers = k->layers,
	                       .hidden = 3, .bidirectional = k->bidir, .emb = 3,
	                       .attention = k->att, .peeky = k->peeky, .src = 6, .tgt = 7};
	enum { S = 4, B = 3, T = 5 };
	static const size_t len[B] = {4, 2, 3};   /* target units; T = 4 + 1 */
	uint32_t src[S * B], in[T * B], out[T * B];
	struct s2s_batch bt = {src, in, out, S, T, B};
	struct strtab st, tt;
	struct s2s_model m;
	struct s2s_run *r;
	struct error e;
	struct rng g;
	float *grad;
	int bad = 0;

	strtab_init(&st, 8);
	strtab_init(&tt, 8);
	strtab_intern(&st, "<unk>", 5);
	strtab_intern(&tt, "<unk>", 5);
	strtab_intern(&tt, "<s>", 3);
	strtab_intern(&tt, "</s>", 4);
	for (unsigned i = 1; i < c.src; i++) {
		char w[8];

		strtab_intern(&st, w, (size_t)snprintf(w, sizeof(w), "s%u", i));
	}
	for (unsigned i = 3; i < c.tgt; i++) {
		char w[8];

		strtab_intern(&tt, w, (size_t)snprintf(w, sizeof(w), "t%u", i));
	}
	if (s2s_model_init(&m, &c, &st, &tt, &e) < 0)
		return printf("FAIL s2sgrad: %s\n", e.msg), 1;
	rng_seed(&g, 23 + (uint64_t)k->cell + 7 * (uint64_t)k->att);
	nn_init_uniform(&m.L, m.w, 0.5f, &g);
	for (size_t i = 0; i < S * B; i++)
		src[i] = (uint32_t)rng_below(&g, c.src);
	for (size_t b = 0; b < B; b++) {
		uint32_t prev = S2S_BOS;

		for (size_t t = 0; t < T; t++) {
			uint32_t y = t < len[b] ? 3 + (uint32_t)rng_below(&g, c.tgt - 3) : S2S_EOS;

			in[t * B + b] = t <= len[b] ? prev : S2S_EOS;
			out[t * B + b] = t <= len[b] ? y : S2S_PAD;
			prev = y;
		}
	}
	r = s2s_run_new(&m, S, T, B, k->dropout, &e);
	grad = nn_block_alloc(&m.L, "gradients", &e);
	if (!r || !grad)
		return printf("FAIL s2sgrad: %s\n", e.msg), 1;
	{
		struct rng d;

		rng_seed(&d, 99);
		s2s_forward(r, &m, &bt, 1, &d);
		s2s_backward(r, &m, grad, 1.0f / (float)r->real, NULL);
	}
	for (int t = 0; t < m.L.n; t++) {
		const struct nn_tensor *ts = &m.L.t[t];
		float *w = nn_tensor(&m.L, m.w, t), *gk = nn_tensor(&m.L, grad, t);
		double worst = 0;

		for (size_t i = 0; i < ts->rows * ts->cols; i++) {
			float keep = w[i], h = 1e-2f;
			double lp, lm, ei;

			w[i] = keep + h;
			lp = s2s_loss_of(r, &m, &bt);
			w[i] = keep - h;
			lm = s2s_loss_of(r, &m, &bt);
			w[i] = keep;
			ei = err(gk[i], (lp - lm) / (2.0 * (double)h));
			if (ei > worst)
				worst = ei;
		}
		printf("%s s2sgrad %s %u layer%s%s %s%s%s %s: largest error %.2e\n",
		       worst <= GC_TOL ? "ok" : "FAIL", cells[k->cell], k->layers,
		       k->layers > 1 ? "s" : "", k->bidir ? " bidirectional" : "", atts[k->att],
		       k->peeky ? " peeky" : "", k->dropout > 0 ? " dropout" : "", ts->name, worst);
		bad |= worst > GC_TOL;
	}
	free(grad);
	s2s_run_free(r);
	s2s_model_free(&m);
	return bad;
}

static int s2sgrad(void)
{
	static const struct s2s_case cases[] = {
		{NN_CELL_LSTM, 1, 0, S2S_ATT_NONE, 0, 0},
		{NN_CELL_LSTM, 1, 0, S2S_ATT_NONE, 1, 0},
		{NN_CELL_LSTM, 1, 0, S2S_ATT_DOT, 0, 0},
		{NN_CELL_LSTM, 2, 1, S2S_ATT_GENERAL, 1, 0},
		{NN_CELL_GRU, 1, 1, S2S_ATT_ADDITIVE, 0, 0},
		{NN_CELL_GRU, 2, 0, S2S_ATT_DOT, 1, 0.3f},
		{NN_CELL_RNN, 1, 1, S2S_ATT_NONE, 0, 0},
		{NN_CELL_LSTM, 2, 1, S2S_ATT_ADDITIVE, 1, 0.3f},
	};
	int bad = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		bad |= gradcheck_s2s(&cases[i]);
	return bad;
}

/* ---- the gradient at the state before the window ---- */

/* sum over t, b, j of r * the layer's outputs, from the initial states h0 (and c0). */
static double h0_loss(enum nn_cell cell, const float *h0, const float *c0, float *hs, float *cs,
                      float *gates, float *hn, float *tmp, const float *x, const float *w,
                      const float *r, struct rnn_dims *d)
{
	size_t T = d->T, B = d->B, H = d->H, GH = nn_cell_gates(cell) * H, In = d->In;
	double sum = 0;

	memcpy(hs, h0, B * H * sizeof(float));
	if (cs)
		memcpy(cs, c0, B * H * sizeof(float));
	rnn_forward(hs, cs, gates, hn, tmp, x, w, w + GH * In, w + GH * (In + H),
	            w + GH * (In + H + 1), d);
	for (size_t i = 0; i < T * B * H; i++)
		sum += (double)r[i] * hs[B * H + i];
	return sum;
}

static int h0grad_case(enum nn_cell cell, int masked)
{
	static const char *const cells[] = {"rnn", "lstm", "gru"};
	enum { T = 3, B = 2, H = 3, In = 2 };
	size_t GH = nn_cell_gates(cell) * H, nw = GH * (In + H + 2);
	float x[T * B * In], r[T * B * H], h0[B * H], c0[B * H], dh0[B * H], dc0[B * H];
	float hs[(T + 1) * B * H], cs[(T + 1) * B * H], hn[T * B * H], tmp[B * 3 * H];
	float hmask[B * H], hm[T * B * H], dhm[B * H], dy[T * B * H], dc[B * H];
	float *w = emalloc(nw * sizeof(float)), *dw = calloc(nw, sizeof(float));
	float *gates = emalloc(T * B * GH * sizeof(float)), *dgx = emalloc(T * B * GH * sizeof(float));
	float *dgh = emalloc(T * B * GH * sizeof(float));
	int lstm = cell == NN_CELL_LSTM, bad = 0;
	struct rnn_dims d = {.cell = cell, .T = T, .B = B, .In = In, .H = H};
	double worst = 0;
	struct rng g;

	rng_seed(&g, 5 + (uint64_t)cell + 7 * (uint64_t)masked);
	for (size_t i = 0; i < nw; i++)
		w[i] = (float)(rng_uniform(&g) - 0.5);
	for (size_t i = 0; i < T * B * In; i++)
		x[i] = (float)(rng_uniform(&g) * 2 - 1);
	for (size_t i = 0; i < T * B * H; i++)
		r[i] = (float)(rng_uniform(&g) * 2 - 1);
	for (size_t i = 0; i < B * H; i++) {
		h0[i] = (float)(rng_uniform(&g) * 2 - 1);
		c0[i] = (float)(rng_uniform(&g) * 2 - 1);
		hmask[i] = rng_uniform(&g) < 0.3 ? 0.0f : 1.0f / 0.7f;
	}
	if (masked) {
		d.hmask = hmask;
		d.hm = hm;
		d.dhm = dhm;
	}
	h0_loss(cell, h0, c0, hs, lstm ? cs : NULL, gates, cell == NN_CELL_GRU ? hn : NULL,
	        cell == NN_CELL_GRU ? tmp : NULL, x, w, r, &d);
	memcpy(dy, r, sizeof(dy));
	d.dh0 = dh0;
	d.dc0 = lstm ? dc0 : NULL;
	rnn_backward(NULL, dw, dw + GH * In, dw + GH * (In + H), dw + GH * (In + H + 1), dgx,
	             cell == NN_CELL_GRU ? dgh : NULL, lstm ? dc : NULL, dy, hs, lstm ? cs : NULL,
	             gates, cell == NN_CELL_GRU ? hn : NULL, x, w, w + GH * In, &d);
	d.dh0 = d.dc0 = NULL;
	for (int which = 0; which < 1 + lstm; which++)
		for (size_t i = 0; i < B * H; i++) {
			float *v = which ? c0 : h0, keep = v[i], h = 1e-2f;
			double lp, lm, e;

			v[i] = keep + h;
			lp = h0_loss(cell, h0, c0, hs, lstm ? cs : NULL, gates,
			             cell == NN_CELL_GRU ? hn : NULL, cell == NN_CELL_GRU ? tmp : NULL, x,
			             w, r, &d);
			v[i] = keep - h;
			lm = h0_loss(cell, h0, c0, hs, lstm ? cs : NULL, gates,
			             cell == NN_CELL_GRU ? hn : NULL, cell == NN_CELL_GRU ? tmp : NULL, x,
			             w, r, &d);
			v[i] = keep;
			e = err(which ? dc0[i] : dh0[i], (lp - lm) / (2.0 * (double)h));
			if (e > worst)
				worst = e;
		}
	printf("%s h0grad %s%s: largest error %.2e\n", worst <= GC_TOL ? "ok" : "FAIL", cells[cell],
	       masked ? " recurrent-dropout" : "", worst);
	bad |= worst > GC_TOL;
	free(w);
	free(dw);
	free(gates);
	free(dgx);
	free(dgh);
	return bad;
}

static int h0grad(void)
{
	int bad = 0;

	for (int cell = 0; cell < 3; cell++)
		for (int masked = 0; masked < 2; masked++)
			bad |= h0grad_case((enum nn_cell)cell, masked);
	return bad;
}

/* ---- the PyTorch comparison ---- */

static void print_row(const char *label, const float *v, size_t n)
{
	fputs(label, stdout);
	for (size_t i = 0; i < n; i++)
		printf(" %.9g", (double)v[i]);
	putchar('\n');
}

static int rnnlm_grad(const char *model, const char *idsfile)
{
	struct rnnlm m;
	struct error e;
	FILE *f = fopen(idsfile, "r");
	uint32_t *ids = NULL;
	size_t n = 0, cap = 0, B = 0, T;
	char line[4096];
	struct rnnlm_run *r;
	float *grad;
	double loss;

	if (rnnlm_load(&m, model, &e) < 0) {
		fprintf(stderr, "test-nn: %s: %s\n", e.name ? e.name : model, e.msg);
		return 1;
	}
	if (!f) {
		fprintf(stderr, "test-nn: %s: cannot open\n", idsfile);
		return 1;
	}
	for (size_t lines = 0; fgets(line, sizeof(line), f); lines++) {
		size_t k = 0;

		for (char *p = strtok(line, " \t\n"); p; p = strtok(NULL, " \t\n"), k++) {
			unsigned long v = strtoul(p, NULL, 10);

			if (v >= m.c.vocab) {
				fprintf(stderr, "test-nn: %s: id %lu out of range\n", idsfile, v);
				return 1;
			}
			if (n == cap)
				ids = erealloc(ids, (cap = cap ? 2 * cap : 64) * sizeof(*ids));
			ids[n++] = (uint32_t)v;
		}
		if (lines == 0)
			B = k;
		else if (k != B) {
			fprintf(stderr, "test-nn: %s: line %zu has %zu ids, not %zu\n", idsfile,
			        lines + 1, k, B);
			return 1;
		}
	}
	fclose(f);
	if (B == 0 || n / B < 2) {
		fprintf(stderr, "test-nn: %s: fewer than 2 lines of ids\n", idsfile);
		return 1;
	}
	T = n / B - 1;
	r = rnnlm_run_new(&m, T, B, 0, 0, &e);
	grad = nn_block_alloc(&m.L, "gradients", &e);
	if (!r || !grad) {
		fprintf(stderr, "test-nn: %s\n", e.msg);
		return 1;
	}
	rnnlm_forward(r, &m, ids, T, 1, NULL);
	{
		/* the logits before the loss turns them into their gradient */
		float *logits = emalloc(T * B * m.c.vocab * sizeof(float));

		memcpy(logits, r->logits, T * B * m.c.vocab * sizeof(float));
		loss = rnnlm_backward(r, &m, grad, ids + B, ids, 1.0f / (float)(T * B), 1) / (double)(T * B);
		printf("loss %.9g\n", loss);
		print_row("logits", logits, T * B * m.c.vocab);
		free(logits);
	}
	for (int k = 0; k < m.L.n; k++) {
		char label[64];

		snprintf(label, sizeof(label), "grad %s", m.L.t[k].name);
		print_row(label, nn_tensor(&m.L, grad, k), m.L.t[k].rows * m.L.t[k].cols);
	}
	for (unsigned l = 0; l < m.c.layers; l++) {
		char label[32];

		snprintf(label, sizeof(label), "h %u", l);
		print_row(label, r->hs[l] + T * B * m.c.hidden, B * m.c.hidden);
		if (m.c.cell == NN_CELL_LSTM) {
			snprintf(label, sizeof(label), "c %u", l);
			print_row(label, r->cs[l] + T * B * m.c.hidden, B * m.c.hidden);
		}
	}
	free(grad);
	free(ids);
	rnnlm_run_free(r);
	rnnlm_free(&m);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "gradcheck"))
		return gradcheck();
	if (argc == 2 && !strcmp(argv[1], "clsgrad"))
		return clsgrad();
	if (argc == 2 && !strcmp(argv[1], "taggrad"))
		return taggrad();
	if (argc == 2 && !strcmp(argv[1], "s2sgrad"))
		return s2sgrad();
	if (argc == 2 && !strcmp(argv[1], "h0grad"))
		return h0grad();
	if (argc == 4 && !strcmp(argv[1], "rnnlm-grad"))
		return rnnlm_grad(argv[2], argv[3]);
	fprintf(stderr, "usage: test-nn gradcheck | rnnlm-grad MODEL IDS\n");
	return 2;
}
