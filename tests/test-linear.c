/* test-linear.c: the linear classifier of lib/cls/linear.h (fastText's supervised model).
 *   test-linear gradcheck   the gradient of one SGD step (cls_linear_update at a rate of 1:
 *                           the parameters move by minus the gradient) against central
 *                           differences of the loss computed here in double precision, for
 *                           softmax and hs, on a model of 16 dimensions with word trigrams and
 *                           character n-grams of 2..3 (every bucket kept): one line per kind of
 *                           row (words, character n-grams, word n-grams, output) with the
 *                           largest error; and --freeze's word rows left alone. Exits 1 when an
 *                           error passes GRAD_TOL.
 *   test-linear hand        a model of 2 classes, 2 dimensions, the words </s> a b and word
 *                           bigrams in 10 buckets, two of them kept: the probabilities of two
 *                           texts worked out by hand below, per line (cls_linear_predict) and
 *                           in a batch (cls_linear_probs), softmax and hs, within 1e-6. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "cls/linear.h"
#include "nn/params.h"
#include "vec/subword.h"

#define GRAD_TOL 1e-3
#define GRAD_EPS 1e-5
#define HAND_TOL 1e-6

/* The error of a gradient a against a difference quotient n: absolute below 1e-3, relative
 * above. */
static double err(double a, double n)
{
	double d = fabs(a - n), s = fabs(a) > fabs(n) ? fabs(a) : fabs(n);

	return s > 1e-3 ? d / s : d / 1e-3;
}

static void table(struct strtab *t, const char *const *keys, const uint64_t *counts, size_t n)
{
	strtab_init(t, n);
	for (size_t i = 0; i < n; i++)
		t->vals[strtab_intern(t, keys[i], strlen(keys[i]))] = counts[i];
}

/* A linear model of the words and labels given, its kept buckets kept [K]. Exits on failure. */
static void model_make(struct cls_model *m, struct cls_config *c, const char *const *words,
                       const char *const *labels, const uint64_t *lcounts,
                       const uint32_t *kept)
{
	struct strtab w, l;
	uint64_t wc[16] = {0};
	struct error e;
	char buf[512];

	table(&w, words, wc, c->words);
	table(&l, labels, lcounts, c->classes);
	c->kind = CLS_LINEAR;
	if (cls_model_init(m, c, &l, &w, &e) < 0) {
		fprintf(stderr, "test-linear: %s\n", error_str(&e, buf, sizeof(buf)));
		exit(1);
	}
	for (uint32_t k = 0; k < c->kept; k++) {
		m->kept_bucket[k] = kept ? kept[k] : k;
		nn_tensor(&m->L, m->w, m->in_idx)[k] = (float)m->kept_bucket[k];
	}
	if (m->hs_count >= 0)
		for (uint32_t k = 0; k < c->classes; k++)
			nn_tensor(&m->L, m->w, m->hs_count)[k] = (float)lcounts[k];
}

static void spans_of(struct spans *sp, const char *text)
{
	spans_split_blank(text, strlen(text), sp);
}

/* ---- gradcheck ---- */

/* The loss -log p(y) of the features rows [nr] in double: in [..][E], out [C or C-1][E]. */
static double loss_ref(const double *in, const double *out, const uint32_t *rows, size_t nr,
                       uint32_t y, const struct w2v_tree *t, size_t C, size_t E)
{
	double h[64] = {0}, loss = 0, max = -INFINITY, sum = 0, ly = 0;

	for (size_t j = 0; j < nr; j++)
		for (size_t i = 0; i < E; i++)
			h[i] += in[rows[j] * E + i] / (double)nr;
	if (t) { /* sigmoid(f) is the probability of branch 0 */
		for (size_t d = t->off[y]; d < t->off[y + 1]; d++) {
			double f = 0;

			for (size_t i = 0; i < E; i++)
				f += out[t->points[d] * E + i] * h[i];
			loss += log1p(exp(t->codes[d] ? f : -f));
		}
		return loss;
	}
	for (size_t c = 0; c < C; c++) {
		double f = 0;

		for (size_t i = 0; i < E; i++)
			f += out[c * E + i] * h[i];
		if (c == y)
			ly = f;
		max = f > max ? f : max;
		sum += exp(f);
	}
	return log(sum) - ly;
}

/* The central difference of loss_ref at x [k] (a parameter of in or out). */
static double numeric(double *x, size_t k, const double *in, const double *out,
                      const uint32_t *rows, size_t nr, uint32_t y, const struct w2v_tree *t,
                      size_t C, size_t E)
{
	double x0 = x[k], lp, lm;

	x[k] = x0 + GRAD_EPS;
	lp = loss_ref(in, out, rows, nr, y, t, C, E);
	x[k] = x0 - GRAD_EPS;
	lm = loss_ref(in, out, rows, nr, y, t, C, E);
	x[k] = x0;
	return (lp - lm) / (2 * GRAD_EPS);
}

/* The kind of feature row j of rows [nr] (eos: the position of </s>): 0 a word, 1 a character
 * n-gram, 2 a word n-gram. */
static int kind_of(const uint32_t *rows, size_t j, size_t eos, uint32_t V)
{
	if (rows[j] < V)
		return 0;
	return j < eos ? 1 : 2;
}

struct gc {
	struct cls_model m;
	struct cls_linear_scratch s;
	size_t E, C, O, nin;
	float *in1, *out1;      /* the parameters after the step */
	double *din, *dout;     /* before it, in double */
	double worst[4];        /* words, character n-grams, word n-grams, output */
	size_t checked[4];      /* parameters compared of each kind */
};

/* The largest errors of each kind of row of g's step. */
static void compare(struct gc *g, uint32_t y, const struct w2v_tree *t)
{
	const uint32_t *rows = g->s.rows;
	size_t nr = g->s.nrows, eos = 0, E = g->E;
	uint32_t V = g->m.c.words;

	while (rows[eos] != CLS_EOS)
		eos++;
	for (size_t j = 0; j < nr; j++) {
		int seen = 0, k = kind_of(rows, j, eos, V);

		for (size_t i = 0; i < j; i++)
			seen |= rows[i] == rows[j];
		for (size_t i = 0; !seen && i < E; i++) {
			size_t at = rows[j] * E + i;
			double a = g->din[at] - g->in1[at];
			double n = numeric(g->din, at, g->din, g->dout, rows, nr, y, t, g->C, E);

			if (err(a, n) > g->worst[k])
				g->worst[k] = err(a, n);
			g->checked[k]++;
		}
	}
	for (size_t at = 0; at < g->O * E; at++) {
		double a = g->dout[at] - g->out1[at];
		double n = numeric(g->dout, at, g->din, g->dout, rows, nr, y, t, g->C, E);

		if (err(a, n) > g->worst[3])
			g->worst[3] = err(a, n);
		g->checked[3]++;
	}
}

/* Random parameters, the features of the text, one step at a rate of 1 (rows below frozen
 * fixed). */
static void gc_step(struct gc *g, const char *text, uint32_t y, uint32_t frozen)
{
	float *in = nn_tensor(&g->m.L, g->m.w, g->m.in), *out = nn_tensor(&g->m.L, g->m.w,
	                                                                    g->m.lin_out);
	float h[16], grad[16], probs[8];
	struct spans sp = {0};
	struct error e;
	struct rng r;

	rng_seed(&r, 7);
	for (size_t i = 0; i < g->nin; i++)
		in[i] = (float)(rng_uniform(&r) - 0.5);
	for (size_t i = 0; i < g->O * g->E; i++)
		out[i] = (float)(rng_uniform(&r) - 0.5);
	spans_of(&sp, text);
	cls_linear_features(&g->m, sp.v, sp.n, &g->s, &e);
	spans_free(&sp);
	for (size_t i = 0; i < g->nin; i++)
		g->din[i] = in[i];
	for (size_t i = 0; i < g->O * g->E; i++)
		g->dout[i] = out[i];
	memcpy(g->in1, in, g->nin * sizeof(float));
	memcpy(g->out1, out, g->O * g->E * sizeof(float));
	cls_linear_update(g->in1, g->out1, h, grad, probs, g->s.rows, g->s.nrows, y,
	                  g->m.c.loss == CLS_LOSS_HS ? &g->s.tree : NULL, g->C, 1.0f, frozen, g->E);
}

static void gc_init(struct gc *g, enum cls_loss loss)
{
	static const char *const words[] = {"</s>", "a", "b", "c"};
	static const char *const labels[] = {"x", "y", "z", "w"};
	static const uint64_t lcounts[] = {5, 3, 2, 1};
	struct cls_config c = {.classes = loss == CLS_LOSS_HS ? 4 : 3, .words = 4, .emb = 16,
	                       .word_ngrams = 3, .minn = 2, .maxn = 3, .buckets = 1024,
	                       .kept = 1024, .loss = loss};
	struct error e;

	memset(g, 0, sizeof(*g));
	model_make(&g->m, &c, words, labels, lcounts, NULL);
	cls_linear_scratch_init(&g->s, &g->m, &e);
	g->E = c.emb;
	g->C = c.classes;
	g->O = loss == CLS_LOSS_HS ? g->C - 1 : g->C;
	g->nin = (c.words + c.kept) * g->E;
	g->in1 = malloc(g->nin * sizeof(float));
	g->out1 = malloc(g->O * g->E * sizeof(float));
	g->din = malloc(g->nin * sizeof(double));
	g->dout = malloc(g->O * g->E * sizeof(double));
}

static void gc_free(struct gc *g)
{
	cls_linear_scratch_free(&g->s);
	cls_model_free(&g->m);
	free(g->in1);
	free(g->out1);
	free(g->din);
	free(g->dout);
}

/* One loss: the gradient's errors by kind, and --freeze. Returns the failures. */
static int gradcheck_loss(enum cls_loss loss, const char *name)
{
	static const char *const kinds[] = {"word rows", "character n-gram rows",
	                                    "word n-gram rows", "output rows"};
	const char *text = "a b zz c a";
	struct gc g;
	int fail = 0, moved = 0, changed = 0;

	gc_init(&g, loss);
	gc_step(&g, text, 1, 0);
	compare(&g, 1, loss == CLS_LOSS_HS ? &g.s.tree : NULL);
	for (int k = 0; k < 4; k++) {
		int bad = !(g.worst[k] <= GRAD_TOL) || !g.checked[k];

		printf("%s gradcheck %s %s: largest error %.3g of %zu (tolerance %g)\n",
		       bad ? "FAIL" : "ok", name, kinds[k], g.worst[k], g.checked[k], GRAD_TOL);
		fail += bad;
	}
	gc_step(&g, text, 1, g.m.c.words);
	for (size_t i = 0; i < g.m.c.words * g.E; i++)
		changed |= g.in1[i] != (float)g.din[i];
	for (size_t i = g.m.c.words * g.E; i < g.nin; i++)
		moved |= g.in1[i] != (float)g.din[i];
	printf("%s gradcheck %s freeze: word rows fixed, n-gram rows trained\n",
	       changed || !moved ? "FAIL" : "ok", name);
	fail += changed || !moved;
	gc_free(&g);
	return fail;
}

static int gradcheck(void)
{
	int fail = gradcheck_loss(CLS_LOSS_SOFTMAX, "softmax");

	fail += gradcheck_loss(CLS_LOSS_HS, "hs");
	return fail ? 1 : 0;
}

/* ---- hand ----
 *
 * The model: classes "0" (count 3) and "1" (count 1), words </s> a b, dimension 2, word
 * bigrams in 10 buckets. fastText's hashes (32-bit FNV-1a) and the bigrams' buckets, the hashes
 * sign-extended to 64 bits, h = h(first) * 116049371 + h(second) mod 2^64, bucket h % 10:
 *   a 0xe40c292c, b 0xe70c2de5, c 0xe60c2c52, </s> 0xd79c9359
 *   (a, b)    0xff3ea67a035a4289 % 10 = 1     (b, </s>) 0xff5366ec2fab0f40 % 10 = 8
 *   (a, c)    0xff3ea67a025a40f6 % 10 = 2     (c, </s>) 0xff4c7c1b7115977f % 10 = 9
 * (without the sign extension they would be 7, 4, 8 and 5). Kept: buckets 1 and 8.
 *   in:  </s> (0.1, -0.2), a (0.4, 0.2), b (-0.3, 0.5), bucket 1 (0.2, 0.1),
 *        bucket 8 (-0.1, -0.4)
 *   out (softmax): class 0 (1, -1), class 1 (-0.5, 2); (hs): the root (1.5, 0.5)
 *
 * "a b": features a b </s> (a,b)=1 (b,</s>)=8, five rows:
 *   hidden = (0.4 - 0.3 + 0.1 + 0.2 - 0.1, 0.2 + 0.5 - 0.2 + 0.1 - 0.4) / 5 = (0.06, 0.04)
 *   logits 0.06 - 0.04 = 0.02 and -0.03 + 0.08 = 0.05: p1 = 1 / (1 + e^-0.03) = 0.50749944,
 *   p0 = 0.49250056.
 *   hs: the tree of counts 3 and 1 gives the rarer class 1 branch 0 (w2v_tree_build takes the
 *   lightest node first, as branch 0), whose probability is sigmoid(out . hidden):
 *   f = 1.5 * 0.06 + 0.5 * 0.04 = 0.11, p1 = sigmoid(0.11) = 0.52747230, p0 = 0.47252770.
 * "a c": c is unknown: features a </s>, and the bigrams (a,c)=2 and (c,</s>)=9, which have no
 * row (zero rows): four features, two rows:
 *   hidden = (0.4 + 0.1, 0.2 - 0.2) / 4 = (0.125, 0)
 *   logits 0.125 and -0.0625: p0 = 1 / (1 + e^-0.1875) = 0.54673815, p1 = 0.45326185.
 *   hs: f = 1.5 * 0.125 = 0.1875, p1 = sigmoid(0.1875) = 0.54673815, p0 = 0.45326185. */
static const char *const hand_text[2] = {"a b", "a c"};
static const double hand_want[2][2][2] = { /* [softmax, hs][text][class] */
	{{0.49250056, 0.50749944}, {0.54673815, 0.45326185}},
	{{0.47252770, 0.52747230}, {0.45326185, 0.54673815}},
};

static void hand_model(struct cls_model *m, enum cls_loss loss)
{
	static const char *const words[] = {"</s>", "a", "b"};
	static const char *const labels[] = {"0", "1"};
	static const uint64_t lcounts[] = {3, 1};
	static const uint32_t kept[] = {1, 8};
	static const float in[] = {0.1f, -0.2f, 0.4f, 0.2f, -0.3f, 0.5f, 0.2f, 0.1f, -0.1f, -0.4f};
	static const float out[] = {1, -1, -0.5f, 2}, hsout[] = {1.5f, 0.5f};
	struct cls_config c = {.classes = 2, .words = 3, .emb = 2, .word_ngrams = 2, .buckets = 10,
	                       .kept = 2, .loss = loss};

	model_make(m, &c, words, labels, lcounts, kept);
	memcpy(nn_tensor(&m->L, m->w, m->in), in, sizeof(in));
	if (loss == CLS_LOSS_HS)
		memcpy(nn_tensor(&m->L, m->w, m->lin_out), hsout, sizeof(hsout));
	else
		memcpy(nn_tensor(&m->L, m->w, m->lin_out), out, sizeof(out));
}

/* The largest difference of the model's probabilities from the hand's, per line and batch. */
static double hand_loss(enum cls_loss loss, const char *name)
{
	struct cls_model m;
	struct cls_linear_scratch s;
	struct cls_data d;
	struct spans sp = {0};
	struct error e;
	float p[2], batch[2][2];
	double worst = 0;
	char line[16];
	int l = loss == CLS_LOSS_HS;

	hand_model(&m, loss);
	cls_linear_scratch_init(&s, &m, &e);
	cls_data_init(&d, &e);
	for (int t = 0; t < 2; t++) {
		spans_of(&sp, hand_text[t]);
		cls_linear_predict(&m, sp.v, sp.n, &s, p, &e);
		printf("hand %s \"%s\": %.6f %.6f\n", name, hand_text[t], p[0], p[1]);
		for (int c = 0; c < 2; c++)
			worst = fmax(worst, fabs(p[c] - hand_want[l][t][c]));
		cls_data_add(&d, line, (size_t)snprintf(line, sizeof(line), "%d\t%s", t,
		                                        hand_text[t]), "hand", (uint64_t)t + 1, &e);
	}
	cls_linear_probs(&m, &d, 2, &batch[0][0], &e);
	for (int t = 0; t < 2; t++)
		for (int c = 0; c < 2; c++)
			worst = fmax(worst, fabs(batch[t][c] - hand_want[l][t][c]));
	spans_free(&sp);
	cls_data_free(&d);
	cls_linear_scratch_free(&s);
	cls_model_free(&m);
	return worst;
}

static int hand(void)
{
	double w[2] = {hand_loss(CLS_LOSS_SOFTMAX, "softmax"), hand_loss(CLS_LOSS_HS, "hs")};
	int fail = 0;

	for (int l = 0; l < 2; l++) {
		int bad = !(w[l] <= HAND_TOL);

		printf("%s hand %s: largest difference %.3g (tolerance %g)\n", bad ? "FAIL" : "ok",
		       l ? "hs" : "softmax", w[l], HAND_TOL);
		fail += bad;
	}
	return fail ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "gradcheck"))
		return gradcheck();
	if (argc == 2 && !strcmp(argv[1], "hand"))
		return hand();
	fprintf(stderr, "usage: test-linear gradcheck | hand\n");
	return 2;
}
