/* rnninfer.c: scoring and drawing with a recurrent language model. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lm/rnninfer.h"
#include "nn/xent.h"

int rnnlm_scorer_init(struct rnnlm_scorer *s, const struct rnnlm *m, int nt, struct error *e)
{
	memset(s, 0, sizeof(*s));
	s->m = m;
	s->nt = nt;
	s->r = rnnlm_run_new(m, RNNLM_CHUNK, 1, 0, 0, e);
	if (!s->r)
		return -1;
	rnnlm_scorer_reset(s);
	return 0;
}

void rnnlm_scorer_free(struct rnnlm_scorer *s)
{
	rnnlm_run_free(s->r);
	free(s->ids);
	free(s->lps);
	s->r = NULL;
	s->ids = NULL;
	s->lps = NULL;
	s->cap = 0;
}

void rnnlm_scorer_reset(struct rnnlm_scorer *s)
{
	rnnlm_run_reset(s->r);
	s->last = RNNLM_EOS;
}

double rnnlm_score(struct rnnlm_scorer *s, const uint32_t *ids, size_t n, double *lp)
{
	double sum = 0;

	for (size_t at = 0; at < n;) {
		size_t k = n - at < RNNLM_CHUNK ? n - at : RNNLM_CHUNK;

		s->in[0] = s->last;
		memcpy(s->in + 1, ids + at, (k - 1) * sizeof(uint32_t));
		memcpy(s->tg, ids + at, k * sizeof(uint32_t));
		rnnlm_forward(s->r, s->m, s->in, k, 0, NULL);
		rnnlm_logprob(s->r, s->lp, s->tg, s->nt);
		rnnlm_run_carry(s->r);
		for (size_t i = 0; i < k; i++)
			sum += s->lp[i];
		if (lp)
			memcpy(lp + at, s->lp, k * sizeof(double));
		s->last = ids[at + k - 1];
		at += k;
	}
	return sum;
}

/* ---- as a model of lm/score.h ---- */

static int64_t source_find(void *ctx, const char *w, size_t n)
{
	struct rnnlm_scorer *s = ctx;

	return strtab_find(&s->m->vocab, w, n);
}

static void source_begin_file(void *ctx)
{
	rnnlm_scorer_reset(ctx);
}

static int source_sentence(void *ctx, const uint32_t *ids, size_t n, int bos, int eos, float *lp,
                           unsigned *order, struct error *e)
{
	struct rnnlm_scorer *s = ctx;

	(void)bos;
	if (n + 1 > s->cap) {
		size_t cap = (n + 1) * 2;
		uint32_t *a = realloc(s->ids, cap * sizeof(*a));
		double *b = a ? realloc(s->lps, cap * sizeof(*b)) : NULL;

		if (a)
			s->ids = a;
		if (b)
			s->lps = b;
		if (!a || !b)
			return error_set(e, -1, ENOMEM, NULL, 0, "a sentence of %zu words", n);
		s->cap = cap;
	}
	memcpy(s->ids, ids, n * sizeof(*ids));
	s->ids[n] = RNNLM_EOS;
	if (isnan(rnnlm_score(s, s->ids, n + 1, s->lps)))
		return error_bad(e, NULL, 0, "the model gives a probability that is not a number");
	for (size_t i = 0; i < n + (eos != 0); i++) {
		lp[i] = (float)(s->lps[i] / M_LN10);
		order[i] = 0;
	}
	return 0;
}

void rnnlm_source(struct lm_source *src, struct rnnlm_scorer *s)
{
	memset(src, 0, sizeof(*src));
	src->m = s;
	src->find = source_find;
	src->unk = RNNLM_UNK;
	src->eos = RNNLM_EOS;
	src->order = 0;
	src->begin_file = source_begin_file;
	src->sentence = source_sentence;
}

/* ids by their probabilities (ctx) descending, ties by id */
static int cmp_desc(const void *a, const void *b, void *ctx)
{
	const float *probs = ctx;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	float px = probs[x], py = probs[y];

	return px > py ? -1 : px < py ? 1 : (x > y) - (x < y);
}

/* Draws an id from probs [V] (summing to 1) restricted to the k most probable. */
static uint32_t draw(float *probs, uint32_t *order, size_t V, uint32_t k, struct rng *rng)
{
	double u, acc = 0, total = 0;
	size_t n = V;

	for (size_t i = 0; i < V; i++)
		order[i] = (uint32_t)i;
	if (k && k < V) {
		qsort_r(order, V, sizeof(*order), cmp_desc, probs);
		n = k;
	}
	for (size_t i = 0; i < n; i++)
		total += probs[order[i]];
	u = rng_uniform(rng) * total;
	for (size_t i = 0; i < n; i++) {
		acc += probs[order[i]];
		if (u < acc)
			return order[i];
	}
	return order[n - 1];
}

size_t rnnlm_draw_sentence(struct rnnlm_scorer *s, const uint32_t *prefix, size_t np,
                           const struct rnnlm_draw *d, struct rng *rng, uint32_t *out,
                           float *probs, uint32_t *order)
{
	size_t V = s->m->c.vocab, n = 0;
	uint32_t next = RNNLM_EOS;

	rnnlm_scorer_reset(s);
	/* the prefix as one window, all but its last word: the last is the next input */
	if (np > 0) {
		rnnlm_score(s, prefix, np, NULL);
		next = prefix[np - 1];
	}
	/* rnnlm_score left the state after the prefix's last word was predicted, not read: read it */
	while (n < d->max_words) {
		uint32_t w;

		rnnlm_forward(s->r, s->m, &next, 1, 0, NULL);
		rnnlm_run_carry(s->r);
		memcpy(probs, s->r->logits, V * sizeof(float));
		softmax_row(probs, V, d->temperature);
		w = draw(probs, order, V, d->top_k, rng);
		if (w == RNNLM_EOS)
			break;
		out[n++] = w;
		next = w;
	}
	s->last = next;
	return n;
}
