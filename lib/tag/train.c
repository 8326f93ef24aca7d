/* train.c: the recurrent tagger's training and its batched predictions. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "cls/data.h"
#include "nn/optim.h"
#include "tag/predict.h"
#include "tag/tagrnn.h"
#include "tag/train.h"
#include "text/utf8.h"

#define EVAL_BATCH 64
/* a batch holds at most B sentences and at most B * CELLS_PER tokens (longer sentences come
 * fewer at a time) */
#define CELLS_PER 64

/* ---- the sentences as the model sees them ---- */

int tag_set_init(struct tag_set *s, const struct tag_model *m, const struct tag_data *d,
                 struct error *e)
{
	const struct strtab *w = &d->words;
	size_t cap = 1024, at = 0, nseg = 0;
	char *low = NULL;
	size_t lowcap = 0;

	memset(s, 0, sizeof(*s));
	s->d = d;
	if (!(s->wmap = malloc((w->n ? w->n : 1) * sizeof(*s->wmap))) ||
	    !(s->tmap = malloc((d->tags.n ? d->tags.n : 1) * sizeof(*s->tmap))))
		goto nomem;
	for (size_t i = 0; i < d->tags.n; i++) {
		size_t len;
		const char *t = strtab_key(&d->tags, i, &len);
		int64_t id = strtab_find(&m->tags, t, len);

		s->tmap[i] = id < 0 ? TAG_NONE : (uint32_t)id;
	}
	if (m->c.char_emb && (!(s->cstart = malloc((w->n + 1) * sizeof(*s->cstart))) ||
	                      !(s->cids = malloc(cap * sizeof(*s->cids)))))
		goto nomem;
	for (size_t i = 0; i < w->n; i++) {
		size_t len;
		const char *word = strtab_key(w, i, &len);
		uint32_t id;

		if (len * 3 + 4 > lowcap) {
			char *p = realloc(low, lowcap = len * 3 + 4);

			if (!p)
				goto nomem;
			low = p;
		}
		id = m->c.units == TAG_UNITS_WORDS ? tag_word_id(m, word, len, low)
		                                   : (uint32_t)strtab_find(&m->words, word, len);
		s->wmap[i] = id == TAG_NONE ? TAG_UNK : id;
		if (!m->c.char_emb)
			continue;
		s->cstart[i] = at;
		for (size_t k = 0, n = 0; k < len && n < TAG_WORD_CHARS; n++) {
			int32_t c;
			int cl = utf8_decode(word + k, &c);
			int64_t cid = strtab_find(&m->chars, word + k, (size_t)cl);

			if (at == cap) {
				uint32_t *p = realloc(s->cids, (cap *= 2) * sizeof(*p));

				if (!p)
					goto nomem;
				s->cids = p;
			}
			s->cids[at++] = cid < 0 ? TAG_UNK : (uint32_t)cid;
			k += (size_t)cl;
		}
	}
	if (s->cstart)
		s->cstart[w->n] = at;
	free(low);
	low = NULL;
	/* the segments: each sentence cut into pieces of at most TAG_MAX_STEPS tokens */
	for (size_t i = 0; i < d->nsent; i++) {
		size_t len = (size_t)(d->start[i + 1] - d->start[i]);

		nseg += (len + TAG_MAX_STEPS - 1) / TAG_MAX_STEPS;
	}
	if (!(s->seg = malloc((nseg ? nseg : 1) * sizeof(*s->seg))) ||
	    !(s->order = malloc((nseg ? nseg : 1) * sizeof(*s->order))))
		goto nomem;
	for (size_t i = 0; i < d->nsent; i++)
		for (uint64_t at0 = d->start[i]; at0 < d->start[i + 1]; at0 += TAG_MAX_STEPS) {
			uint64_t end = at0 + TAG_MAX_STEPS < d->start[i + 1] ? at0 + TAG_MAX_STEPS
			                                                     : d->start[i + 1];

			s->seg[s->nseg].first = at0;
			s->seg[s->nseg].len = (uint32_t)(end - at0);
			s->order[s->nseg] = (uint32_t)s->nseg;
			if (end - at0 > s->maxlen)
				s->maxlen = (size_t)(end - at0);
			s->nseg++;
		}
	if (tag_set_sort(s) < 0)
		goto nomem;
	return 0;
nomem:
	free(low);
	tag_set_free(s);
	return error_set(e, -1, ENOMEM, NULL, 0, "the sentences");
}

void tag_set_free(struct tag_set *s)
{
	free(s->wmap);
	free(s->tmap);
	free(s->cstart);
	free(s->cids);
	free(s->seg);
	free(s->order);
	memset(s, 0, sizeof(*s));
}

int tag_set_sort(struct tag_set *s)
{
	size_t *at = calloc(s->maxlen + 2, sizeof(*at)), n = s->nseg;
	uint32_t *tmp = malloc((n ? n : 1) * sizeof(*tmp));

	if (!at || !tmp) {
		free(at);
		free(tmp);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		at[s->seg[s->order[i]].len + 1]++;
	for (size_t k = 1; k <= s->maxlen + 1; k++)
		at[k] += at[k - 1];
	for (size_t i = 0; i < n; i++)
		tmp[at[s->seg[s->order[i]].len]++] = s->order[i];
	memcpy(s->order, tmp, n * sizeof(*tmp));
	free(at);
	free(tmp);
	return 0;
}

size_t tag_set_run(const struct tag_set *s, size_t i, size_t B)
{
	size_t n = 1, T = s->seg[s->order[i]].len;
	size_t most = B * CELLS_PER / (T + 1);

	if (most < 1)
		most = 1;
	if (most > B)
		most = B;
	while (i + n < s->nseg && n < most && s->seg[s->order[i + n]].len == T)
		n++;
	return n;
}

static int by_count_desc(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return (x < y) - (x > y);
}

/* The cells of the largest batch of at most B segments from the order, and the most characters
 * any batch can have in any order of the epochs: for each length, the sum of the segments'
 * largest character counts, as many as a batch of that length takes. Returns 0 or -1 (memory). */
static int set_needs(const struct tag_set *s, size_t B, size_t *cells, size_t *chars)
{
	size_t *cnt = NULL;

	*cells = 2;
	*chars = 1;
	if (s->cstart && !(cnt = malloc((s->nseg ? s->nseg : 1) * sizeof(*cnt))))
		return -1;
	for (size_t i = 0, j; i < s->nseg; i = j) {
		size_t T = s->seg[s->order[i]].len, most = tag_set_run(s, i, B), L = 0;

		for (j = i; j < s->nseg && s->seg[s->order[j]].len == T; j++)
			;
		if ((T + 1) * most > *cells)
			*cells = (T + 1) * most;
		if (!cnt)
			continue;
		for (size_t k = i; k < j; k++) {
			const struct tag_seg *g = &s->seg[s->order[k]];

			cnt[k - i] = 0;
			for (uint32_t t = 0; t < g->len; t++) {
				uint32_t w = s->d->tok[g->first + t];

				cnt[k - i] += s->cstart[w + 1] - s->cstart[w];
			}
		}
		qsort(cnt, j - i, sizeof(*cnt), by_count_desc);
		for (size_t k = 0; k < most && k < j - i; k++)
			L += cnt[k];
		if (L > *chars)
			*chars = L;
	}
	free(cnt);
	return 0;
}

void tag_set_gather(const struct tag_set *s, const uint32_t *ex, size_t B, uint32_t *words,
                    uint32_t *chars, uint32_t *cstart, uint32_t *targets, struct tag_input *in)
{
	size_t T = s->seg[ex[0]].len;
	uint32_t k = 0;

	for (size_t t = 0; t < T; t++)
		for (size_t b = 0; b < B; b++) {
			uint64_t pos = s->seg[ex[b]].first + t;
			uint32_t w = s->d->tok[pos];
			size_t i = t * B + b;

			words[i] = s->wmap[w];
			if (targets)
				targets[i] = s->d->tag[pos] == TAG_NONE ? TAG_NONE : s->tmap[s->d->tag[pos]];
			if (!s->cstart)
				continue;
			cstart[i] = k;
			for (uint32_t j = s->cstart[w]; j < s->cstart[w + 1]; j++)
				chars[k++] = s->cids[j];
		}
	if (s->cstart)
		cstart[T * B] = k;
	in->words = words;
	in->chars = s->cstart ? chars : NULL;
	in->cstart = s->cstart ? cstart : NULL;
}

/* ---- predictions ---- */

int tag_rnn_predict_set(const struct tag_model *m, const struct tag_set *s, uint32_t *pred,
                        struct error *e)
{
	size_t cells, L;
	struct tag_run *r;
	uint32_t *words, *chars, *cstart, *out;
	struct tag_input in;
	int ret = 0;

	if (set_needs(s, EVAL_BATCH, &cells, &L) < 0)
		return error_set(e, -1, ENOMEM, NULL, 0, "predictions");
	if (!(r = tag_run_new(m, cells, EVAL_BATCH, 0, 0, e)))
		return -1;
	words = malloc(cells * sizeof(*words));
	chars = malloc(L * sizeof(*chars));
	cstart = malloc((cells + 1) * sizeof(*cstart));
	out = malloc(cells * sizeof(*out));
	if (!words || !chars || !cstart || !out) {
		ret = error_set(e, -1, ENOMEM, NULL, 0, "predictions");
		goto done;
	}
	if ((ret = tag_run_chars(r, L, e)) < 0)
		goto done;
	for (size_t i = 0; i < s->nseg;) {
		size_t B = tag_set_run(s, i, EVAL_BATCH), T = s->seg[s->order[i]].len;

		if (T == 0) {
			i += B;
			continue;
		}
		tag_set_gather(s, s->order + i, B, words, chars, cstart, NULL, &in);
		tag_forward(r, m, &in, T, B, 0, NULL);
		tag_argmax(r, out);
		for (size_t t = 0; t < T; t++)
			for (size_t b = 0; b < B; b++)
				pred[s->seg[s->order[i + b]].first + t] = out[t * B + b];
		i += B;
	}
done:
	tag_run_free(r);
	free(words);
	free(chars);
	free(cstart);
	free(out);
	return ret;
}

/* ---- training ---- */

struct trainer {
	struct tag_model *m;
	const struct tag_train_opts *o;
	struct tag_set tr, va;
	struct tag_run *r;
	float *grad, *m1, *m2, *best;  /* blocks of m->L: gradients, Adam's moments, best epoch */
	size_t rest;                   /* where the tensors after the word embedding start */
	size_t cells, chars;           /* the largest batch's */
	uint32_t *words, *cids, *cstart, *targets;
	struct tag_input input;
	uint32_t *rows, *stamp;        /* the batch's distinct word rows; the last batch of each */
	uint32_t *batches;             /* the starts of the epoch's batches, shuffled */
	size_t nrows;
	uint32_t *pred;                /* [valid tokens] */
	struct adam a_rest, a_emb;
	float lr;
	struct rng rng;
	uint32_t batch_no;
};

static void trainer_free(struct trainer *t)
{
	tag_set_free(&t->tr);
	tag_set_free(&t->va);
	tag_run_free(t->r);
	free(t->grad);
	free(t->m1);
	free(t->m2);
	free(t->best);
	free(t->words);
	free(t->cids);
	free(t->cstart);
	free(t->targets);
	free(t->rows);
	free(t->stamp);
	free(t->batches);
	free(t->pred);
}

/* counts: the words lowercased (units of words) or as they are, with their counts */
static int word_counts(struct strtab *out, const struct tag_data *d, int lower, struct error *e)
{
	char *low = NULL;
	size_t cap = 0;

	if (strtab_init(out, d->words.n) < 0)
		return error_set(e, -1, ENOMEM, NULL, 0, "the vocabulary");
	for (size_t i = 0; i < d->words.n; i++) {
		size_t len, k;
		const char *w = strtab_key(&d->words, i, &len);
		int64_t id;

		if (lower && len * 3 + 4 > cap) {
			char *p = realloc(low, cap = len * 3 + 4);

			if (!p)
				goto nomem;
			low = p;
		}
		k = lower ? tag_lower(low, w, len) : len;
		if ((id = strtab_intern(out, lower ? low : w, k)) < 0)
			goto nomem;
		out->vals[id] += d->words.vals[i];
	}
	free(low);
	return 0;
nomem:
	free(low);
	strtab_free(out);
	return error_set(e, -1, ENOMEM, NULL, 0, "the vocabulary");
}

/* The characters of the words with their counts. */
static int char_counts(struct strtab *out, const struct tag_data *d, struct error *e)
{
	if (strtab_init(out, 256) < 0)
		return error_set(e, -1, ENOMEM, NULL, 0, "the characters");
	for (size_t i = 0; i < d->words.n; i++) {
		size_t len;
		const char *w = strtab_key(&d->words, i, &len);

		for (size_t k = 0, n = 0; k < len && n < TAG_WORD_CHARS; n++) {
			int32_t c;
			int cl = utf8_decode(w + k, &c);
			int64_t id = strtab_intern(out, w + k, (size_t)cl);

			if (id < 0) {
				strtab_free(out);
				return error_set(e, -1, ENOMEM, NULL, 0, "the characters");
			}
			out->vals[id] += d->words.vals[i];
			k += (size_t)cl;
		}
	}
	return 0;
}

/* The model of the settings, its tables from the training data. */
static int build_model(struct tag_model *m, const struct tag_data *d,
                       const struct tag_rnn_opts *ro, const struct tag_train_opts *o,
                       struct error *e)
{
	struct strtab counts, words, tags, chars;
	int wc = d->units == TAG_UNITS_WORDS && ro->char_emb;
	struct tag_config c = {.kind = TAG_RECURRENT, .units = d->units,
	                       .spacing = (uint32_t)d->spacing, .column = d->column,
	                       .cell = ro->cell, .layers = ro->layers, .hidden = ro->hidden,
	                       .bidirectional = ro->bidirectional, .emb = ro->emb,
	                       .char_emb = wc ? ro->char_emb : 0,
	                       .char_filters = wc ? ro->char_filters : 0,
	                       .char_width = wc ? ro->char_width : 0,
	                       .batch = (uint32_t)o->batch, .dropout = o->dropout, .lr = o->lr,
	                       .seed = o->seed, .valid_acc = NAN};

	memset(&chars, 0, sizeof(chars));
	if (word_counts(&counts, d, d->units == TAG_UNITS_WORDS, e) < 0)
		return -1;
	if (cls_table_build(&words, &counts, o->min_count, "<unk>", 0, e) < 0) {
		strtab_free(&counts);
		return -1;
	}
	strtab_free(&counts);
	if ((d->spacing ? tag_spacing_tags(&tags, e)
	                : cls_table_build(&tags, &d->tags, 1, NULL, 0, e)) < 0)
		goto fail_words;
	if (wc) {
		if (char_counts(&counts, d, e) < 0)
			goto fail_tags;
		if (cls_table_build(&chars, &counts, 1, "<unk>", 0, e) < 0) {
			strtab_free(&counts);
			goto fail_tags;
		}
		strtab_free(&counts);
	}
	c.words = (uint32_t)words.n;
	c.tags = (uint32_t)tags.n;
	c.chars = wc ? (uint32_t)chars.n : 0;
	if (tag_model_init(m, &c, &tags, &words, wc ? &chars : NULL, e) < 0)
		goto fail_chars;
	return 0;
fail_chars:
	strtab_free(&chars);
fail_tags:
	strtab_free(&tags);
fail_words:
	strtab_free(&words);
	return -1;
}

/* Uniform parameters, then the pretrained rows. */
static int init_params(struct tag_model *m, const struct tag_train_opts *o, struct error *e)
{
	struct rng g;

	rng_seed(&g, o->seed);
	nn_init_uniform(&m->L, m->w, (float)o->init, &g);
	return o->pretrained ? vec_fill_rows(m->w + m->L.t[m->emb].off, m->c.emb, &m->words,
	                                     o->pretrained, e) : 0;
}

static int trainer_init(struct trainer *t, struct tag_model *m, const struct tag_data *train,
                        const struct tag_data *valid, const struct tag_train_opts *o,
                        struct error *e)
{
	size_t B = o->batch, V = m->c.words;

	memset(t, 0, sizeof(*t));
	t->m = m;
	t->o = o;
	if (tag_set_init(&t->tr, m, train, e) < 0 || (valid && tag_set_init(&t->va, m, valid, e) < 0))
		return -1;
	if (set_needs(&t->tr, B, &t->cells, &t->chars) < 0)
		return error_set(e, -1, ENOMEM, NULL, 0, "training");
	t->r = tag_run_new(m, t->cells, B, o->dropout, o->rdropout, e);
	if (!t->r || tag_run_chars(t->r, t->chars, e) < 0)
		return -1;
	t->rest = m->L.t[m->emb + 1].off; /* the word embedding is the first tensor */
	t->grad = nn_block_alloc(&m->L, "the gradients", e);
	t->m1 = o->adam ? nn_block_alloc(&m->L, "Adam's moments", e) : NULL;
	t->m2 = o->adam ? nn_block_alloc(&m->L, "Adam's moments", e) : NULL;
	t->best = nn_block_alloc(&m->L, "the best epoch's parameters", e);
	if (!t->grad || (o->adam && (!t->m1 || !t->m2)) || !t->best)
		return -1;
	t->words = malloc(t->cells * sizeof(*t->words));
	t->cids = malloc(t->chars * sizeof(*t->cids));
	t->cstart = malloc((t->cells + 1) * sizeof(*t->cstart));
	t->targets = malloc(t->cells * sizeof(*t->targets));
	t->rows = malloc(t->cells * sizeof(*t->rows));
	t->stamp = calloc(V, sizeof(*t->stamp));
	t->batches = malloc((t->tr.nseg ? t->tr.nseg : 1) * sizeof(*t->batches));
	t->pred = valid ? malloc((valid->ntok ? valid->ntok : 1) * sizeof(*t->pred)) : NULL;
	if (!t->words || !t->cids || !t->cstart || !t->targets || !t->rows || !t->stamp ||
	    !t->batches || (valid && !t->pred))
		return error_set(e, -1, ENOMEM, NULL, 0, "training");
	t->a_rest = t->a_emb = (struct adam){.beta1 = 0.9f, .beta2 = 0.999f, .eps = 1e-8f};
	t->lr = o->lr;
	rng_seed(&t->rng, o->seed ^ 0x9e3779b97f4a7c15ull);
	return 0;
}

/* The epoch's batches: the segments shuffled, then ordered by length (stably), cut into runs
 * of one length, the runs' starts shuffled; empty segments left out. Returns their number, or
 * 0 with e filled. */
static size_t plan_epoch(struct trainer *t, struct error *e)
{
	struct tag_set *s = &t->tr;
	size_t n = s->nseg, nb = 0;

	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)rng_below(&t->rng, i);
		uint32_t x = s->order[i - 1];

		s->order[i - 1] = s->order[j];
		s->order[j] = x;
	}
	if (tag_set_sort(s) < 0)
		return (size_t)error_set(e, 0, ENOMEM, NULL, 0, "ordering the sentences");
	for (size_t i = 0; i < n; i += tag_set_run(s, i, t->o->batch))
		if (s->seg[s->order[i]].len > 0)
			t->batches[nb++] = (uint32_t)i;
	for (size_t i = nb; i > 1; i--) {
		size_t j = (size_t)rng_below(&t->rng, i);
		uint32_t x = t->batches[i - 1];

		t->batches[i - 1] = t->batches[j];
		t->batches[j] = x;
	}
	if (!nb)
		error_bad(e, NULL, 0, "no sentence to train on");
	return nb;
}

/* The batch's distinct word rows (N positions) into t->rows. */
static void batch_rows(struct trainer *t, size_t N)
{
	t->nrows = 0;
	t->batch_no++;
	for (size_t i = 0; i < N; i++)
		if (t->stamp[t->words[i]] != t->batch_no) {
			t->stamp[t->words[i]] = t->batch_no;
			t->rows[t->nrows++] = t->words[i];
		}
}

/* Clips the gradient (the tensors after the word embedding, and the batch's word rows). */
static void clip(struct trainer *t, float *gemb, size_t E, size_t nupd)
{
	size_t n = t->m->L.size - t->rest;
	double ss = nn_sumsq(t->grad + t->rest, n), norm;
	float f;

	for (size_t i = 0; i < nupd; i++)
		ss += nn_sumsq(gemb + (size_t)t->rows[i] * E, E);
	norm = sqrt(ss);
	if (!(norm > t->o->clip) || !isfinite(norm))
		return;
	f = (float)(t->o->clip / (norm + 1e-6));
	for (size_t i = 0; i < n; i++)
		t->grad[t->rest + i] *= f;
	for (size_t i = 0; i < nupd; i++)
		for (size_t k = 0; k < E; k++)
			gemb[(size_t)t->rows[i] * E + k] *= f;
}

static void update(struct trainer *t)
{
	struct tag_model *m = t->m;
	size_t E = m->c.emb, off = m->L.t[m->emb].off, n = m->L.size - t->rest;
	size_t nupd = t->o->freeze ? 0 : t->nrows;
	float *gemb = t->grad + off, lr = t->lr;

	if (t->o->clip > 0)
		clip(t, gemb, E, nupd);
	if (t->o->adam)
		adam_update(m->w + t->rest, t->grad + t->rest, t->m1 + t->rest, t->m2 + t->rest, n,
		            lr, &t->a_rest);
	else
		sgd_update(m->w + t->rest, t->grad + t->rest, n, lr);
	if (t->o->adam)
		adam_update_rows(m->w + off, gemb, t->m1 + off, t->m2 + off, t->rows, nupd, E, lr,
		                 &t->a_emb);
	else
		for (size_t i = 0; i < nupd; i++)
			sgd_update(m->w + off + (size_t)t->rows[i] * E, gemb + (size_t)t->rows[i] * E,
			           E, lr);
	for (size_t i = 0; i < t->nrows; i++)
		memset(gemb + (size_t)t->rows[i] * E, 0, E * sizeof(float));
}

/* One batch of B segments from the epoch's order at i; adds to the loss and the correct.
 * Returns the tokens. */
static size_t step(struct trainer *t, size_t i, size_t B, double *loss, uint64_t *correct)
{
	struct tag_model *m = t->m;
	const uint32_t *ex = t->tr.order + i;
	size_t T = t->tr.seg[ex[0]].len;

	tag_set_gather(&t->tr, ex, B, t->words, t->cids, t->cstart, t->targets, &t->input);
	if (t->o->word_dropout > 0)
		for (size_t k = 0; k < T * B; k++) {
			double a = t->o->word_dropout;

			if (t->words[k] != TAG_UNK &&
			    rng_uniform(&t->rng) < a / (a + (double)m->words.vals[t->words[k]]))
				t->words[k] = TAG_UNK;
		}
	tag_forward(t->r, m, &t->input, T, B, 1, &t->rng);
	memset(t->grad + t->rest, 0, (m->L.size - t->rest) * sizeof(float));
	*loss += tag_backward(t->r, m, t->grad, t->targets, &t->input, 1.0f / (float)(T * B),
	                      !t->o->freeze, correct);
	batch_rows(t, T * B);
	update(t);
	return T * B;
}

/* One epoch; fills ep's training figures. Returns 0 or -1 with e filled. */
static int epoch(struct trainer *t, struct tag_epoch *ep, const struct tag_hooks *h,
                 struct error *e)
{
	size_t nb = plan_epoch(t, e), n = t->tr.d->ntok;
	uint64_t done = 0, correct = 0;
	double loss = 0, t0 = clock_seconds();

	if (!nb)
		return -1;
	for (size_t k = 0; k < nb; k++) {
		size_t B = tag_set_run(&t->tr, t->batches[k], t->o->batch);

		done += step(t, t->batches[k], B, &loss, &correct);
		if (h && h->step && (k % 16 == 15 || k + 1 == nb))
			h->step(h->ctx, ep, done, n, loss / (double)done);
	}
	ep->seconds = clock_seconds() - t0;
	ep->train_loss = loss / (double)n;
	ep->train_acc = (double)correct / (double)n;
	ep->tokens_per_s = (double)n / (ep->seconds > 0 ? ep->seconds : 1e-9);
	return 0;
}

double tag_accuracy(const struct tag_set *s, const uint32_t *pred)
{
	const struct tag_data *d = s->d;
	uint64_t ok = 0;

	for (size_t i = 0; i < d->ntok; i++)
		ok += d->tag[i] != TAG_NONE && s->tmap[d->tag[i]] == pred[i];
	return d->ntok ? (double)ok / (double)d->ntok : NAN;
}

/* Validates after an epoch and keeps the best; returns 1 when it is the best so far. */
static int validate(struct trainer *t, struct tag_epoch *ep, double *best_acc, struct error *e)
{
	ep->valid_acc = NAN;
	if (!t->va.d) {
		memcpy(t->best, t->m->w, t->m->L.size * sizeof(float));
		return 1;
	}
	if (tag_rnn_predict_set(t->m, &t->va, t->pred, e) < 0)
		return -1;
	ep->valid_acc = tag_accuracy(&t->va, t->pred);
	if (ep->valid_acc > *best_acc) {
		*best_acc = ep->valid_acc;
		memcpy(t->best, t->m->w, t->m->L.size * sizeof(float));
		return 1;
	}
	return 0;
}

static int train_epochs(struct trainer *t, const struct tag_hooks *h, struct error *e)
{
	const struct tag_train_opts *o = t->o;
	double best_acc = -1;
	unsigned since = 0, best_epoch = 0;
	int b;

	for (unsigned k = 1; k <= o->epochs; k++) {
		struct tag_epoch ep = {.epoch = k, .epochs = o->epochs, .lr = t->lr};

		if (epoch(t, &ep, h, e) < 0 || (b = validate(t, &ep, &best_acc, e)) < 0)
			return -1;
		ep.best = b;
		since = b ? 0 : since + 1;
		if (b) {
			best_epoch = k;
			t->m->c.epochs = k;
			t->m->c.valid_acc = t->va.d ? ep.valid_acc : NAN;
		}
		if (h && h->epoch && h->epoch(h->ctx, &ep, e) < 0)
			return -1;
		if (o->patience && t->va.d && since >= o->patience)
			break;
		t->lr *= o->decay;
	}
	memcpy(t->m->w, t->best, t->m->L.size * sizeof(float));
	t->m->c.epochs = best_epoch;
	t->m->c.valid_acc = t->va.d ? best_acc : NAN;
	return 0;
}

/* Settings a caller other than nlp-tag may get wrong. */
static int check_opts(const struct tag_train_opts *o, struct error *e)
{
	if (o->epochs < 1 || o->batch < 1 || !(o->lr > 0) || !(o->decay > 0 && o->decay <= 1) ||
	    !(o->clip >= 0) || !(o->dropout >= 0 && o->dropout < 1) ||
	    !(o->rdropout >= 0 && o->rdropout < 1) || !(o->init >= 0) ||
	    !(o->word_dropout >= 0))
		return error_bad(e, NULL, 0, "training settings out of range (epochs, batch, rate, "
		                 "decay, clipping, dropout, word dropout or init)");
	return 0;
}

int tag_rnn_train(struct tag_model *m, const struct tag_data *train, const struct tag_data *valid,
                  const struct tag_rnn_opts *ro, const struct tag_train_opts *o,
                  const struct tag_hooks *h, struct error *e)
{
	struct trainer t;
	int ret = -1;

	if (check_opts(o, e) < 0)
		return -1;
	if (build_model(m, train, ro, o, e) < 0)
		return -1;
	memset(&t, 0, sizeof(t));
	if (init_params(m, o, e) == 0 && trainer_init(&t, m, train, valid, o, e) == 0) {
		if (h && h->begin)
			h->begin(h->ctx, m, (uint64_t)m->L.size * sizeof(float) * (o->adam ? 5 : 3) +
			                    tag_run_bytes(m, t.cells, o->batch, o->dropout, o->rdropout,
			                                  t.chars));
		ret = train_epochs(&t, h, e);
	}
	trainer_free(&t);
	if (ret < 0)
		tag_model_free(m);
	return ret;
}
