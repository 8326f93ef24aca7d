/* rnntrain.c: the text, the vocabulary and the training loop of a recurrent language model. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "lm/rnninfer.h"
#include "lm/rnntrain.h"
#include "nn/optim.h"

/* ---- text and vocabulary ---- */

static int intern_specials(struct strtab *t)
{
	return strtab_intern(t, "</s>", 4) == RNNLM_EOS && strtab_intern(t, "<unk>", 5) == RNNLM_UNK
	       ? 0 : -1;
}

int rnn_text_init(struct rnn_text *t, struct error *e)
{
	memset(t, 0, sizeof(*t));
	if (strtab_init(&t->words, 1024) < 0 || intern_specials(&t->words) < 0) {
		strtab_free(&t->words);
		return error_set(e, -1, ENOMEM, NULL, 0, "the words of the text");
	}
	return 0;
}

void rnn_text_free(struct rnn_text *t)
{
	strtab_free(&t->words);
	free(t->ids);
	memset(t, 0, sizeof(*t));
}

static int push(struct rnn_text *t, uint32_t id, struct error *e)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 1 << 16;
		uint32_t *p = realloc(t->ids, cap * sizeof(*p));

		if (!p)
			return error_set(e, -1, ENOMEM, NULL, 0, "the text's %zu tokens", t->n);
		t->ids = p;
		t->cap = cap;
	}
	t->ids[t->n++] = id;
	t->words.vals[id]++;
	return 0;
}

int rnn_text_line(struct rnn_text *t, const char *s, size_t n, struct spans *sp,
                  struct error *e)
{
	spans_split_blank(s, n, sp);
	for (size_t i = 0; i < sp->n; i++) {
		int64_t id = strtab_intern(&t->words, sp->v[i].p, sp->v[i].n);

		if (id < 0 || id > (int64_t)UINT32_MAX - 1)
			return error_set(e, -1, ENOMEM, NULL, 0, "the words of the text");
		if (push(t, (uint32_t)id, e) < 0)
			return -1;
	}
	t->lines++;
	return push(t, RNNLM_EOS, e);
}

int rnn_text_vocab(const struct rnn_text *t, uint64_t min_count, struct strtab *vocab,
                   struct error *e)
{
	uint32_t *order = malloc((t->words.n ? t->words.n : 1) * sizeof(*order));
	size_t k = 0;

	if (!order || strtab_init(vocab, t->words.n) < 0 || intern_specials(vocab) < 0) {
		free(order);
		strtab_free(vocab);
		return error_set(e, -1, ENOMEM, NULL, 0, "a vocabulary of %zu words", t->words.n);
	}
	for (size_t i = 2; i < t->words.n; i++) {
		size_t len;
		const char *w = strtab_key(&t->words, i, &len);

		if (t->words.vals[i] >= min_count && rnnlm_word_ok(w, len))
			order[k++] = (uint32_t)i;
	}
	qsort_r(order, k, sizeof(*order), strtab_cmp_count_ids, (void *)&t->words);
	for (size_t i = 0; i < k; i++) {
		size_t len;
		const char *w = strtab_key(&t->words, order[i], &len);

		if (strtab_intern(vocab, w, len) < 0) {
			free(order);
			strtab_free(vocab);
			return error_set(e, -1, ENOMEM, NULL, 0, "a vocabulary of %zu words",
			                 t->words.n);
		}
	}
	free(order);
	return 0;
}

int rnn_text_map(struct rnn_text *t, const struct strtab *vocab, struct error *e)
{
	uint32_t *to = malloc((t->words.n ? t->words.n : 1) * sizeof(*to));

	if (!to)
		return error_set(e, -1, ENOMEM, NULL, 0, "mapping %zu words", t->words.n);
	for (size_t i = 0; i < t->words.n; i++) {
		size_t len;
		const char *w = strtab_key(&t->words, i, &len);
		int64_t id = strtab_find(vocab, w, len);

		to[i] = id < 0 ? RNNLM_UNK : (uint32_t)id;
	}
	for (size_t i = 0; i < t->n; i++)
		t->ids[i] = to[t->ids[i]];
	free(to);
	return 0;
}

/* ---- training ---- */

uint64_t rnn_train_bytes(const struct rnnlm *m, const struct rnn_train_opts *o, int valid)
{
	uint64_t params = (uint64_t)m->L.size * sizeof(float);

	return params * (o->adam ? 3 : 1) + rnnlm_run_bytes(m, o->bptt, o->batch, o->dropout) +
	       (valid ? rnnlm_run_bytes(m, RNNLM_CHUNK, 1, 0) : 0) +
	       2 * o->bptt * o->batch * sizeof(uint32_t);
}

/* The rate of epoch ep (from 1) before any halving on a plateau. */
static double scheduled(const struct rnn_train_opts *o, unsigned ep)
{
	return ep > o->decay_after ? o->lr * pow(o->decay, (double)(ep - o->decay_after)) : o->lr;
}

struct trainer {
	struct rnnlm *m;
	const struct rnn_train_opts *o;
	const struct rnn_hooks *h;
	struct rnnlm_run *r;
	struct rnnlm_scorer sc;
	float *grad, *m1, *m2;   /* [L.size] */
	uint32_t *x, *y;         /* [T][B] */
	struct adam adam;
	struct rng rng;
};

/* One epoch over the streams ids [B][len]; returns the summed loss, *targets the targets. */
static double epoch(struct trainer *tr, const uint32_t *ids, size_t len, struct rnn_epoch *ep,
                    uint64_t *targets)
{
	const struct rnn_train_opts *o = tr->o;
	struct rnnlm *m = tr->m;
	size_t T = o->bptt, B = o->batch, P = m->L.size;
	uint64_t total = (uint64_t)(len - 1) * B, done = 0;
	double loss = 0;

	rnnlm_run_reset(tr->r);
	for (size_t i = 0; i + 1 < len; i += T) {
		size_t t = len - 1 - i < T ? len - 1 - i : T;

		for (size_t s = 0; s < t; s++)
			for (size_t b = 0; b < B; b++) {
				tr->x[s * B + b] = ids[b * len + i + s];
				tr->y[s * B + b] = ids[b * len + i + s + 1];
			}
		memset(tr->grad, 0, P * sizeof(float));
		rnnlm_forward(tr->r, m, tr->x, t, 1, &tr->rng);
		/* Zaremba's loss: the steps' losses summed, each the mean over the streams */
		loss += rnnlm_backward(tr->r, m, tr->grad, tr->y, tr->x, 1.0f / (float)B, o->threads);
		if (o->clip > 0)
			nn_clip(tr->grad, P, o->clip);
		if (o->adam)
			adam_update(m->w, tr->grad, tr->m1, tr->m2, P, (float)ep->lr, &tr->adam);
		else
			sgd_update(m->w, tr->grad, P, (float)ep->lr);
		rnnlm_run_carry(tr->r);
		done += t * B;
		if (tr->h && tr->h->step)
			tr->h->step(tr->h->ctx, ep, done, total, loss / (double)done);
	}
	*targets = done;
	return loss;
}

static void trainer_free(struct trainer *tr)
{
	rnnlm_run_free(tr->r);
	rnnlm_scorer_free(&tr->sc);
	free(tr->grad);
	free(tr->m1);
	free(tr->m2);
	free(tr->x);
	free(tr->y);
}

int rnn_train(struct rnnlm *m, const uint32_t *ids, size_t n, const uint32_t *valid,
              size_t nvalid, const struct rnn_train_opts *o, const struct rnn_hooks *h,
              struct error *e)
{
	struct trainer tr = {.m = m, .o = o, .h = h, .adam = {0.9f, 0.999f, 1e-8f, 0}};
	size_t B = o->batch, len = n / B;
	double best = INFINITY, factor = 1;
	int ret = -1, saved = 0;

	if (len < 2)
		return error_bad(e, NULL, 0, "%zu tokens of training text: too few for %zu streams of "
		                 "at least 2", n, B);
	rng_seed(&tr.rng, o->seed);
	nn_init_uniform(&m->L, m->w, (float)o->init, &tr.rng);
	tr.r = rnnlm_run_new(m, o->bptt, B, o->dropout, o->variational, e);
	if (!tr.r || (valid && rnnlm_scorer_init(&tr.sc, m, o->threads, e) < 0))
		goto out;
	tr.grad = nn_block_alloc(&m->L, "the gradients", e);
	if (!tr.grad)
		goto out;
	if (o->adam) {
		tr.m1 = nn_block_alloc(&m->L, "Adam's moments", e);
		tr.m2 = tr.m1 ? nn_block_alloc(&m->L, "Adam's moments", e) : NULL;
		if (!tr.m2)
			goto out;
	}
	tr.x = malloc(o->bptt * B * sizeof(uint32_t));
	tr.y = malloc(o->bptt * B * sizeof(uint32_t));
	if (!tr.x || !tr.y) {
		error_set(e, -1, ENOMEM, NULL, 0, "the windows");
		goto out;
	}
	for (unsigned k = 1; k <= o->epochs; k++) {
		struct rnn_epoch ep = {k, o->epochs, scheduled(o, k) * factor, NAN, NAN, 0, 0, 0};
		uint64_t targets;
		double t0 = clock_seconds(), loss;

		loss = epoch(&tr, ids, len, &ep, &targets); /* stream b: ids [b len, (b + 1) len) */
		ep.seconds = clock_seconds() - t0;
		ep.train_ppl = exp(loss / (double)targets);
		ep.tokens_per_s = (double)targets / (ep.seconds > 0 ? ep.seconds : 1e-9);
		if (!isfinite(ep.train_ppl)) {
			error_bad(e, NULL, 0, "epoch %u: the training loss is not finite: the model "
			          "diverged (a lower --lr or --clip may help)", k);
			goto out;
		}
		if (valid) {
			rnnlm_scorer_reset(&tr.sc);
			ep.valid_ppl = exp(-rnnlm_score(&tr.sc, valid, nvalid, NULL) / (double)nvalid);
			ep.best = ep.valid_ppl < best;
			if (ep.best)
				best = ep.valid_ppl;
			else if (o->plateau)
				factor *= 0.5;
		}
		/* the last epoch's model when no epoch was better (no validation, or NaN) */
		if (k == o->epochs && !saved)
			ep.best = 1;
		saved |= ep.best;
		m->c.epochs = k;
		m->c.valid_ppl = ep.valid_ppl;
		if (h && h->epoch && h->epoch(h->ctx, &ep, e) < 0)
			goto out;
	}
	ret = 0;
out:
	trainer_free(&tr);
	return ret;
}
