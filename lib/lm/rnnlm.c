/* rnnlm.c: the recurrent language model, its file and its runs. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/le.h"
#include "lm/rnnlm.h"
#include "nn/layers.h"
#include "nn/nnfile.h"
#include "nn/xent.h"

#define WHAT "an nlp-rnnlm model"

/* ---- the model ---- */

/* Whether a vocabulary begins with </s> and <unk>, as every model's does. */
static int specials_first(const struct strtab *v)
{
	size_t a, b;
	const char *eos = v->n >= 2 ? strtab_key(v, RNNLM_EOS, &a) : NULL;
	const char *unk = v->n >= 2 ? strtab_key(v, RNNLM_UNK, &b) : NULL;

	return eos && a == 4 && memcmp(eos, "</s>", 4) == 0 && b == 5 && memcmp(unk, "<unk>", 5) == 0;
}

static int check_config(const struct rnnlm_config *c, const char *name, struct error *e)
{
	if (c->cell != NN_CELL_RNN && c->cell != NN_CELL_LSTM && c->cell != NN_CELL_GRU)
		return error_bad(e, name, 0, "cell %u is not 0 (rnn), 1 (lstm) or 2 (gru)",
		                 (unsigned)c->cell);
	if (c->layers < 1 || c->layers > RNNLM_MAX_LAYERS)
		return error_bad(e, name, 0, "%u layers: not within 1..%d", c->layers,
		                 RNNLM_MAX_LAYERS);
	if (c->emb < 1 || c->emb > RNNLM_MAX_SIZE || c->hidden < 1 || c->hidden > RNNLM_MAX_SIZE)
		return error_bad(e, name, 0, "embedding %u and hidden size %u: each within 1..%d",
		                 c->emb, c->hidden, RNNLM_MAX_SIZE);
	if (c->vocab < 2 || c->vocab > RNNLM_MAX_VOCAB)
		return error_bad(e, name, 0, "a vocabulary of %u words: not within 2..%u", c->vocab,
		                 RNNLM_MAX_VOCAB);
	if (c->tied > 1 || (c->tied && c->emb != c->hidden))
		return error_bad(e, name, 0, "tied weights need the embedding size (%u) to be the "
		                 "hidden size (%u)", c->emb, c->hidden);
	return 0;
}

static void layout(struct rnnlm *m)
{
	const struct rnnlm_config *c = &m->c;
	size_t G = nn_cell_gates(c->cell), H = c->hidden;
	char name[NN_NAME_MAX];

	memset(&m->L, 0, sizeof(m->L));
	m->emb = nn_layout_add(&m->L, "emb", c->vocab, c->emb);
	for (unsigned l = 0; l < c->layers; l++) {
		size_t I = l ? H : c->emb;

		snprintf(name, sizeof(name), "%u.w_ih", l);
		m->w_ih[l] = nn_layout_add(&m->L, name, G * H, I);
		snprintf(name, sizeof(name), "%u.w_hh", l);
		m->w_hh[l] = nn_layout_add(&m->L, name, G * H, H);
		snprintf(name, sizeof(name), "%u.b_ih", l);
		m->b_ih[l] = nn_layout_add(&m->L, name, 1, G * H);
		snprintf(name, sizeof(name), "%u.b_hh", l);
		m->b_hh[l] = nn_layout_add(&m->L, name, 1, G * H);
	}
	m->out_w = c->tied ? m->emb : nn_layout_add(&m->L, "out.w", c->vocab, H);
	m->out_b = nn_layout_add(&m->L, "out.b", 1, c->vocab);
}

int rnnlm_init(struct rnnlm *m, const struct rnnlm_config *c, struct strtab *vocab,
               struct error *e)
{

	memset(m, 0, sizeof(*m));
	if (check_config(c, NULL, e) < 0)
		return -1;
	if (vocab->n != c->vocab || !specials_first(vocab))
		return error_bad(e, NULL, 0, "the vocabulary must begin with </s> and <unk>");
	m->c = *c;
	layout(m);
	m->w = nn_block_alloc(&m->L, "the parameters", e);
	if (!m->w)
		return -1;
	m->vocab = *vocab;
	memset(vocab, 0, sizeof(*vocab));
	return 0;
}

void rnnlm_free(struct rnnlm *m)
{
	free(m->w);
	strtab_free(&m->vocab);
	memset(m, 0, sizeof(*m));
}

uint32_t rnnlm_id(const struct rnnlm *m, const char *s, size_t n)
{
	int64_t id = strtab_find(&m->vocab, s, n);

	return id < 0 ? RNNLM_UNK : (uint32_t)id;
}

int rnnlm_word_ok(const char *s, size_t n)
{
	return n >= 1 && n <= NNFILE_WORD_MAX && !memchr(s, '\0', n);
}

int rnnlm_is_model(const void *p, size_t n)
{
	return n >= NNFILE_MAGIC_LEN && memcmp(p, RNNLM_MAGIC, NNFILE_MAGIC_LEN) == 0;
}

/* ---- the file ---- */

void rnnlm_write(const struct rnnlm *m, struct writer *w)
{
	unsigned char h[RNNLM_HEADER] = {0};
	const struct rnnlm_config *c = &m->c;
	const struct strtab *tab = &m->vocab;

	le_put_u32(h + 64, (uint32_t)c->cell);
	le_put_u32(h + 68, c->layers);
	le_put_u32(h + 72, c->emb);
	le_put_u32(h + 76, c->hidden);
	le_put_u32(h + 80, c->vocab);
	le_put_u32(h + 84, (uint32_t)c->tied);
	le_put_u32(h + 88, c->bptt);
	le_put_u32(h + 92, c->batch);
	le_put_u32(h + 96, c->epochs);
	le_put_u32(h + 100, c->variational);
	le_put_f64(h + 104, c->dropout);
	le_put_f64(h + 112, c->init);
	le_put_u64(h + 120, c->seed);
	le_put_f64(h + 128, c->valid_ppl);
	nnfile_write(w, RNNLM_MAGIC, RNNLM_VERSION, h, RNNLM_HEADER, &tab, 1, &m->L, m->w);
}

int rnnlm_parse(struct rnnlm *m, const unsigned char *d, size_t size, const char *name,
                struct error *e)
{
	struct nnfile f;
	struct rnnlm_config c = {0};
	const unsigned char *h;

	memset(m, 0, sizeof(*m));
	if (nnfile_parse(&f, d, size, name, RNNLM_MAGIC, RNNLM_VERSION, RNNLM_HEADER, 1, WHAT,
	                 e) < 0)
		return -1;
	h = f.hdr;
	c.cell = (enum nn_cell)le_get_u32(h + 64);
	c.layers = le_get_u32(h + 68);
	c.emb = le_get_u32(h + 72);
	c.hidden = le_get_u32(h + 76);
	c.vocab = le_get_u32(h + 80);
	c.tied = (int)(le_get_u32(h + 84) > 1 ? 2 : le_get_u32(h + 84));
	c.bptt = le_get_u32(h + 88);
	c.batch = le_get_u32(h + 92);
	c.epochs = le_get_u32(h + 96);
	c.variational = le_get_u32(h + 100);
	c.dropout = le_get_f64(h + 104);
	c.init = le_get_f64(h + 112);
	c.seed = le_get_u64(h + 120);
	c.valid_ppl = le_get_f64(h + 128);
	for (int i = 136; i < RNNLM_HEADER; i++)
		if (h[i]) {
			nnfile_free(&f);
			return error_bad(e, name, 0, "the reserved bytes 136..191 are not zero");
		}
	if (check_config(&c, name, e) < 0) {
		nnfile_free(&f);
		return -1;
	}
	if (f.tables[0].n != c.vocab) {
		size_t n = f.tables[0].n;

		nnfile_free(&f);
		return error_bad(e, name, 0, "the header gives %u words, the word table has %zu",
		                 c.vocab, n);
	}
	if (!specials_first(&f.tables[0])) {
		nnfile_free(&f);
		return error_bad(e, name, 0, "the words 1 and 2 are not </s> and <unk>");
	}
	m->c = c;
	layout(m);
	if (f.nparams != m->L.used) {
		uint64_t p = f.nparams;

		nnfile_free(&f);
		return error_bad(e, name, 0, "%llu parameters; its configuration has %zu",
		                 (unsigned long long)p, m->L.used);
	}
	m->w = nn_block_alloc(&m->L, "the parameters", e);
	if (!m->w) {
		nnfile_free(&f);
		return -1;
	}
	if (nnfile_read_params(&f, &m->L, m->w, name, e) < 0) {
		nnfile_free(&f);
		rnnlm_free(m);
		return -1;
	}
	m->vocab = f.tables[0];
	memset(&f.tables[0], 0, sizeof(f.tables[0]));
	nnfile_free(&f);
	return 0;
}

int rnnlm_load(struct rnnlm *m, const char *path, struct error *e)
{
	unsigned char *d;
	size_t size;
	int r;

	memset(m, 0, sizeof(*m));
	if (nnfile_slurp(path, &d, &size, e) < 0)
		return -1;
	r = rnnlm_parse(m, d, size, path, e);
	free(d);
	return r;
}

/* ---- runs ---- */

/* The floats of a run's arrays, laid out in order when at is not NULL. */
static size_t run_layout(struct rnnlm_run *r, float *at)
{
	size_t T = r->T, B = r->B, E = r->E, H = r->H, GH = r->GH, V = r->V, n = 0;
	size_t D = E > H ? E : H;
	int drop = r->dropout > 0;

#define TAKE(p, count) do { if (at) (p) = at + n; n += ((count) + 15) / 16 * 16; } while (0)
	TAKE(r->xemb, T * B * E);
	for (unsigned l = 0; l < r->layers; l++) {
		TAKE(r->hs[l], (T + 1) * B * H);
		if (r->cell == NN_CELL_LSTM)
			TAKE(r->cs[l], (T + 1) * B * H);
		TAKE(r->gates[l], T * B * GH);
		if (r->cell == NN_CELL_GRU)
			TAKE(r->hn[l], T * B * H);
		if (drop) {
			TAKE(r->in[l], T * B * (l ? H : E));
			TAKE(r->mask[l], T * B * (l ? H : E));
		}
	}
	if (drop) {
		TAKE(r->top, T * B * H);
		TAKE(r->mask[r->layers], T * B * H);
	}
	if (r->cell == NN_CELL_GRU)
		TAKE(r->tmp, B * GH);
	TAKE(r->logits, T * B * V);
	TAKE(r->dgx, T * B * GH);
	if (r->cell == NN_CELL_GRU)
		TAKE(r->dgh, T * B * GH);
	if (r->cell == NN_CELL_LSTM)
		TAKE(r->dc, B * H);
	TAKE(r->d1, T * B * D);
	TAKE(r->d2, T * B * D);
#undef TAKE
	if (at && !drop) {
		r->in[0] = r->xemb;
		for (unsigned l = 1; l < r->layers; l++)
			r->in[l] = r->hs[l - 1] + B * H;
		r->top = r->hs[r->layers - 1] + B * H;
	}
	return n;
}

static void run_dims(struct rnnlm_run *r, const struct rnnlm *m, size_t T, size_t B,
                     float dropout)
{
	memset(r, 0, sizeof(*r));
	r->T = T;
	r->B = B;
	r->E = m->c.emb;
	r->H = m->c.hidden;
	r->V = m->c.vocab;
	r->GH = nn_cell_gates(m->c.cell) * m->c.hidden;
	r->layers = m->c.layers;
	r->cell = m->c.cell;
	r->dropout = dropout;
}

uint64_t rnnlm_run_bytes(const struct rnnlm *m, size_t T, size_t B, float dropout)
{
	struct rnnlm_run r;

	run_dims(&r, m, T, B, dropout);
	return (uint64_t)run_layout(&r, NULL) * sizeof(float);
}

struct rnnlm_run *rnnlm_run_new(const struct rnnlm *m, size_t T, size_t B, float dropout,
                                int variational, struct error *e)
{
	struct rnnlm_run *r = malloc(sizeof(*r));
	size_t n;
	void *p;

	if (!r) {
		error_set(e, -1, ENOMEM, NULL, 0, "the activations");
		return NULL;
	}
	if (T < 1 || B < 1 || T * B > RNNLM_MAX_WINDOW) {
		error_set(e, -1, 0, NULL, 0, "a window of %zu steps of %zu streams: 1 to %d tokens", T,
		          B, RNNLM_MAX_WINDOW);
		free(r);
		return NULL;
	}
	run_dims(r, m, T, B, dropout);
	r->variational = variational;
	n = run_layout(r, NULL);
	if (posix_memalign(&p, 64, n * sizeof(float)) != 0) {
		error_set(e, -1, ENOMEM, NULL, 0, "the activations (%zu bytes)", n * sizeof(float));
		free(r);
		return NULL;
	}
	memset(p, 0, n * sizeof(float));
	r->mem = p;
	run_layout(r, r->mem);
	return r;
}

void rnnlm_run_free(struct rnnlm_run *r)
{
	if (r)
		free(r->mem);
	free(r);
}

void rnnlm_run_reset(struct rnnlm_run *r)
{
	for (unsigned l = 0; l < r->layers; l++) {
		memset(r->hs[l], 0, r->B * r->H * sizeof(float));
		if (r->cs[l])
			memset(r->cs[l], 0, r->B * r->H * sizeof(float));
	}
}

void rnnlm_run_carry(struct rnnlm_run *r)
{
	size_t BH = r->B * r->H;

	for (unsigned l = 0; l < r->layers; l++) {
		memmove(r->hs[l], r->hs[l] + r->steps * BH, BH * sizeof(float));
		if (r->cs[l])
			memmove(r->cs[l], r->cs[l] + r->steps * BH, BH * sizeof(float));
	}
}

/* Draws the masks of n units a step for T steps (one row for every step when variational). */
static void masks(float *mask, size_t T, size_t n, float p, int variational, struct rng *rng)
{
	dropout_mask(mask, variational ? n : T * n, p, rng);
}

void rnnlm_forward(struct rnnlm_run *r, const struct rnnlm *m, const uint32_t *ids, size_t T,
                   int train, struct rng *rng)
{
	size_t B = r->B, H = r->H, E = r->E;
	int drop = r->dropout > 0;
	float p = train ? r->dropout : 0;

	r->steps = T;
	r->train = train;
	embed_forward(r->xemb, nn_tensor(&m->L, m->w, m->emb), ids, T * B, E);
	for (unsigned l = 0; l <= r->layers; l++) {
		const float *src = l ? r->hs[l - 1] + B * H : r->xemb;
		float *dst = l < r->layers ? r->in[l] : r->top;
		size_t n = B * (l ? H : E);

		if (drop) {
			if (train) {
				masks(r->mask[l], T, n, p, r->variational, rng);
				dropout_forward(dst, src, r->mask[l], T, n, r->variational);
			} else {
				memcpy(dst, src, T * n * sizeof(float));
			}
		}
		if (l < r->layers) {
			struct rnn_dims d = {.cell = r->cell, .T = T, .B = B, .In = l ? H : E, .H = H};

			rnn_forward(r->hs[l], r->cs[l], r->gates[l], r->hn[l], r->tmp, r->in[l],
			            nn_tensor(&m->L, m->w, m->w_ih[l]), nn_tensor(&m->L, m->w, m->w_hh[l]),
			            nn_tensor(&m->L, m->w, m->b_ih[l]), nn_tensor(&m->L, m->w, m->b_hh[l]),
			            &d);
		}
	}
	affine_forward(r->logits, r->top, nn_tensor(&m->L, m->w, m->out_w),
	               nn_tensor(&m->L, m->w, m->out_b), T * B, H, r->V);
}

double rnnlm_backward(struct rnnlm_run *r, const struct rnnlm *m, float *grad,
                      const uint32_t *targets, const uint32_t *ids, float scale, int nt)
{
	size_t T = r->steps, B = r->B, H = r->H, E = r->E, N = T * B;
	int drop = r->dropout > 0 && r->train;
	float *dy = r->d1, *dx = r->d2;
	double loss = softmax_xent_backward(r->logits, targets, N, r->V, scale, nt);

	affine_backward(dy, nn_tensor(&m->L, grad, m->out_w), nn_tensor(&m->L, grad, m->out_b),
	                r->logits, r->top, nn_tensor(&m->L, m->w, m->out_w), N, H, r->V);
	for (unsigned l = r->layers; l-- > 0;) {
		struct rnn_dims d = {.cell = r->cell, .T = T, .B = B, .In = l ? H : E, .H = H};
		float *t;

		if (drop)
			dropout_forward(dy, dy, r->mask[l + 1], T, B * H, r->variational);
		rnn_backward(dx, nn_tensor(&m->L, grad, m->w_ih[l]), nn_tensor(&m->L, grad, m->w_hh[l]),
		             nn_tensor(&m->L, grad, m->b_ih[l]), nn_tensor(&m->L, grad, m->b_hh[l]),
		             r->dgx, r->dgh, r->dc, dy, r->hs[l], r->cs[l], r->gates[l], r->hn[l],
		             r->in[l], nn_tensor(&m->L, m->w, m->w_ih[l]),
		             nn_tensor(&m->L, m->w, m->w_hh[l]), &d);
		t = dy;
		dy = dx;
		dx = t;
	}
	if (drop)
		dropout_forward(dy, dy, r->mask[0], T, B * E, r->variational);
	embed_backward(nn_tensor(&m->L, grad, m->emb), dy, ids, N, E);
	return loss;
}

void rnnlm_logprob(const struct rnnlm_run *r, double *lp, const uint32_t *targets, int nt)
{
	softmax_xent_forward(lp, r->logits, targets, r->steps * r->B, r->V, nt);
}
