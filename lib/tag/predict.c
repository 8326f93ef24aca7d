/* predict.c: tagging a data set or one sentence at a time. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/par.h"
#include "tag/predict.h"
#include "text/utf8.h"

/* ---- a linear model over a data set, on threads ---- */

struct lin_job {
	const struct tag_model *m;
	const struct tag_data *d;
	uint32_t *pred;
	int failed;
};

static void lin_run(void *ctx, int t, int nt)
{
	struct lin_job *j = ctx;
	const struct tag_data *d = j->d;
	struct tag_lin lin;
	struct spans sp = {0};
	struct error e;

	if (tag_lin_init(&lin, j->m, &e) < 0) {
		j->failed = 1;
		return;
	}
	for (size_t i = (size_t)t; i < d->nsent; i += (size_t)nt) {
		size_t n;
		const uint32_t *w = tag_sentence(d, i, &n, NULL);

		sp.n = 0;
		for (size_t k = 0; k < n; k++) {
			size_t len;
			const char *s = strtab_key(&d->words, w[k], &len);

			spans_push(&sp, s, len);
		}
		tag_lin_tag(&lin, sp.v, n, j->pred + d->start[i]);
	}
	spans_free(&sp);
	tag_lin_free(&lin);
}

int tag_predict_data(const struct tag_model *m, const struct tag_data *d, int threads,
                     uint32_t *pred, struct error *e)
{
	struct tag_set s;
	struct lin_job j = {m, d, pred, 0};
	int ret;

	if (m->c.kind == TAG_LINEAR) {
		par_run(threads > 0 ? threads : 1, lin_run, &j);
		return j.failed ? error_set(e, -1, ENOMEM, NULL, 0, "the tagger's features") : 0;
	}
	if (tag_set_init(&s, m, d, e) < 0)
		return -1;
	ret = tag_rnn_predict_set(m, &s, pred, e);
	tag_set_free(&s);
	return ret;
}

/* ---- one sentence at a time ---- */

int tag_predictor_init(struct tag_predictor *p, const struct tag_model *m, struct error *e)
{
	memset(p, 0, sizeof(*p));
	p->m = m;
	if (m->c.kind == TAG_LINEAR)
		return tag_lin_init(&p->lin, m, e);
	if (!(p->run = tag_run_new(m, TAG_MAX_STEPS + 1, 1, 0, 0, e)))
		return -1;
	p->words = malloc(TAG_MAX_STEPS * sizeof(*p->words));
	p->cstart = malloc((TAG_MAX_STEPS + 1) * sizeof(*p->cstart));
	p->out = malloc(TAG_MAX_STEPS * sizeof(*p->out));
	if (!p->words || !p->cstart || !p->out) {
		tag_predictor_free(p);
		return error_set(e, -1, ENOMEM, NULL, 0, "the tagger");
	}
	return 0;
}

void tag_predictor_free(struct tag_predictor *p)
{
	if (p->m && p->m->c.kind == TAG_LINEAR)
		tag_lin_free(&p->lin);
	tag_run_free(p->run);
	free(p->words);
	free(p->chars);
	free(p->cstart);
	free(p->out);
	free(p->low);
	memset(p, 0, sizeof(*p));
}

/* The word row of w [n]. */
static uint32_t word_row(struct tag_predictor *p, const char *w, size_t n, struct error *e)
{
	const struct tag_model *m = p->m;
	uint32_t id;

	if (m->c.units == TAG_UNITS_CHARS) {
		int64_t r = strtab_find(&m->words, w, n);

		return r < 0 ? TAG_UNK : (uint32_t)r;
	}
	if (n * 3 + 4 > p->lowcap) {
		char *q = realloc(p->low, n * 3 + 4);

		if (!q)
			return (uint32_t)error_set(e, -1, ENOMEM, NULL, 0, "the tagger");
		p->low = q;
		p->lowcap = n * 3 + 4;
	}
	id = tag_word_id(m, w, n, p->low);
	return id == TAG_NONE ? TAG_UNK : id;
}

/* Appends the character rows of w [n] from p->chars[*at]. */
static int char_rows(struct tag_predictor *p, const char *w, size_t n, size_t *at,
                     struct error *e)
{
	for (size_t k = 0, c = 0; k < n && c < TAG_WORD_CHARS; c++) {
		int32_t cp;
		int cl = utf8_decode(w + k, &cp);
		int64_t id = strtab_find(&p->m->chars, w + k, (size_t)cl);

		if (*at == p->ccap) {
			size_t cap = p->ccap ? 2 * p->ccap : 4096;
			uint32_t *q = realloc(p->chars, cap * sizeof(*q));

			if (!q)
				return error_set(e, -1, ENOMEM, NULL, 0, "the tagger");
			p->chars = q;
			p->ccap = cap;
		}
		p->chars[(*at)++] = id < 0 ? TAG_UNK : (uint32_t)id;
		k += (size_t)cl;
	}
	return 0;
}

int tag_predict(struct tag_predictor *p, const struct span *w, size_t n, uint32_t *out,
                struct error *e)
{
	const struct tag_model *m = p->m;

	if (m->c.kind == TAG_LINEAR) {
		tag_lin_tag(&p->lin, w, n, out);
		return 0;
	}
	for (size_t first = 0; first < n; first += TAG_MAX_STEPS) {
		size_t T = n - first < TAG_MAX_STEPS ? n - first : TAG_MAX_STEPS, at = 0;
		struct tag_input in = {p->words, NULL, NULL};

		for (size_t t = 0; t < T; t++) {
			const struct span *s = &w[first + t];

			if ((p->words[t] = word_row(p, s->p, s->n, e)) == (uint32_t)-1)
				return -1;
			if (!m->c.char_emb)
				continue;
			p->cstart[t] = (uint32_t)at;
			if (char_rows(p, s->p, s->n, &at, e) < 0)
				return -1;
		}
		if (m->c.char_emb) {
			p->cstart[T] = (uint32_t)at;
			in.chars = p->chars;
			in.cstart = p->cstart;
			if (tag_run_chars(p->run, at, e) < 0)
				return -1;
		}
		tag_forward(p->run, m, &in, T, 1, 0, NULL);
		tag_argmax(p->run, out + first);
	}
	return 0;
}
