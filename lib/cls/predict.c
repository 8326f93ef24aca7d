/* predict.c: predictions text by text and over a data set. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cls/predict.h"
#include "cls/train.h"

int cls_predictor_init(struct cls_predictor *p, const struct cls_model *m, struct error *e)
{
	memset(p, 0, sizeof(*p));
	p->m = m;
	if (m->c.kind == CLS_LINEAR)
		return cls_linear_scratch_init(&p->ws, m, e);
	return 0;
}

void cls_predictor_free(struct cls_predictor *p)
{
	if (p->m && p->m->c.kind == CLS_LINEAR)
		cls_linear_scratch_free(&p->ws);
	cls_run_free(p->run);
	free(p->rows);
	free(p->start);
	memset(p, 0, sizeof(*p));
}

/* Room for texts of T tokens. */
static int grow(struct cls_predictor *p, size_t T, struct error *e)
{
	size_t cap = T * 2;
	uint32_t *start;

	if (T <= p->cap)
		return 0;
	if (!(start = realloc(p->start, (cap + 1) * sizeof(*start))))
		return error_set(e, -1, ENOMEM, NULL, 0, "a text of %zu tokens", T);
	p->start = start;
	cls_run_free(p->run);
	if (!(p->run = cls_run_new(p->m, cap + 1, 1, 0, 0, e))) {
		p->cap = 0;
		return -1;
	}
	p->cap = cap;
	return 0;
}

/* Appends a token's rows tok [k] to p->rows at *at (growing it). */
static int put_rows(struct cls_predictor *p, const uint32_t *tok, size_t k, size_t *at,
                    struct error *e)
{
	if (*at + k > p->rcap) {
		size_t cap = 2 * (*at + k);
		uint32_t *rows;

		if (cap > UINT32_MAX || !(rows = realloc(p->rows, cap * sizeof(*rows))))
			return error_set(e, -1, ENOMEM, NULL, 0, "the embedding rows of a text");
		p->rows = rows;
		p->rcap = cap;
	}
	memcpy(p->rows + *at, tok, k * sizeof(*tok));
	*at += k;
	return 0;
}

int cls_predict(struct cls_predictor *p, const struct span *tok, size_t n, float *probs,
                struct error *e)
{
	const struct cls_model *m = p->m;
	size_t T = m->c.max_len && n > m->c.max_len ? m->c.max_len : n, k = 0;
	uint32_t one[CLS_MAX_ROWS];
	struct cls_input in;

	if (m->c.kind == CLS_LINEAR)
		return cls_linear_predict(m, tok, T, &p->ws, probs, e);
	if (grow(p, T, e) < 0)
		return -1;
	for (size_t t = 0; t < T; t++) {
		int64_t id = strtab_find(&m->words, tok[t].p, tok[t].n);

		p->start[t] = (uint32_t)k;
		if (put_rows(p, one, cls_word_rows(m, id < 0 ? CLS_UNK : (uint32_t)id, tok[t].p,
		                                   tok[t].n, one), &k, e) < 0)
			return -1;
	}
	p->start[T] = (uint32_t)k;
	in = (struct cls_input){p->rows, p->start};
	cls_forward(p->run, m, &in, T, 1, 0, NULL);
	cls_probs(p->run, probs);
	return 0;
}

int cls_predict_data(const struct cls_model *m, const struct cls_data *d, int threads,
                     uint32_t *pred, struct error *e)
{
	size_t C = m->c.classes;
	float *p;

	if (m->c.kind == CLS_RECURRENT)
		return cls_rnn_predict(m, d, pred, e);
	if (!(p = malloc((d->n ? d->n : 1) * C * sizeof(*p))))
		return error_set(e, -1, ENOMEM, NULL, 0, "the probabilities of %zu texts", d->n);
	if (cls_linear_probs(m, d, threads, p, e) < 0) {
		free(p);
		return -1;
	}
	for (size_t i = 0; i < d->n; i++) {
		const float *pi = p + i * C;

		pred[i] = 0;
		for (uint32_t k = 1; k < C; k++)
			if (pi[k] > pi[pred[i]])
				pred[i] = k;
	}
	free(p);
	return 0;
}
