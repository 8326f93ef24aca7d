/* model.c: a classifier's configuration, its tensors and its file. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/le.h"
#include "cls/model.h"
#include "nn/nnfile.h"

#define WHAT "an nlp-classify model"

/* ---- the configuration ---- */

static int check_recurrent(const struct cls_config *c, const char *name, struct error *e)
{
	if (c->cell != NN_CELL_RNN && c->cell != NN_CELL_LSTM && c->cell != NN_CELL_GRU)
		return error_bad(e, name, 0, "cell %u is not 0 (rnn), 1 (lstm) or 2 (gru)",
		                 (unsigned)c->cell);
	if (c->layers < 1 || c->layers > CLS_MAX_LAYERS)
		return error_bad(e, name, 0, "%u layers: not within 1..%d", c->layers,
		                 CLS_MAX_LAYERS);
	if (c->hidden < 1 || c->hidden > CLS_MAX_SIZE || c->bidirectional > 1)
		return error_bad(e, name, 0, "hidden size %u (1..%d), bidirectional %u (0 or 1)",
		                 c->hidden, CLS_MAX_SIZE, c->bidirectional);
	if (c->pool > CLS_POOL_ATTENTION)
		return error_bad(e, name, 0, "pooling %u is not 0..3", (unsigned)c->pool);
	if ((c->pool == CLS_POOL_ATTENTION) != (c->att > 0) || c->att > CLS_MAX_SIZE)
		return error_bad(e, name, 0, "attention size %u with pooling %u", c->att,
		                 (unsigned)c->pool);
	if (c->minn > c->maxn || c->maxn > 32 || (c->maxn && !c->minn) ||
	    (c->maxn && (c->buckets < 1 || c->buckets > CLS_MAX_BUCKETS)) || c->kept)
		return error_bad(e, name, 0, "character n-grams %u..%u in %u buckets: not 0..0, or "
		                 "within 1..32 in 1..%u buckets", c->minn, c->maxn, c->buckets,
		                 CLS_MAX_BUCKETS);
	return 0;
}

static int check_linear(const struct cls_config *c, const char *name, struct error *e)
{
	if (c->word_ngrams < 1 || c->word_ngrams > 16)
		return error_bad(e, name, 0, "word n-grams up to %u: not within 1..16",
		                 c->word_ngrams);
	if (c->minn > c->maxn || c->maxn > 32 || (c->maxn && !c->minn))
		return error_bad(e, name, 0, "character n-grams %u..%u: not 0..0 or within 1..32",
		                 c->minn, c->maxn);
	if (c->buckets > CLS_MAX_BUCKETS || c->kept > c->buckets ||
	    (c->buckets == 0 && (c->word_ngrams > 1 || c->maxn)))
		return error_bad(e, name, 0, "%u n-gram rows kept of %u buckets (at most %u)",
		                 c->kept, c->buckets, CLS_MAX_BUCKETS);
	if (c->loss != CLS_LOSS_SOFTMAX && c->loss != CLS_LOSS_HS)
		return error_bad(e, name, 0, "loss %u is not 0 (softmax) or 1 (hs)",
		                 (unsigned)c->loss);
	return 0;
}

static int check_config(const struct cls_config *c, const char *name, struct error *e)
{
	if (c->kind != CLS_RECURRENT && c->kind != CLS_LINEAR)
		return error_bad(e, name, 0, "kind %u is not 0 (recurrent) or 1 (linear)",
		                 (unsigned)c->kind);
	if (c->classes < 2 || c->classes > CLS_MAX_CLASSES)
		return error_bad(e, name, 0, "%u classes: not within 2..%u", c->classes,
		                 CLS_MAX_CLASSES);
	if (c->words < 1 || c->words > CLS_MAX_VOCAB)
		return error_bad(e, name, 0, "a vocabulary of %u words: not within 1..%u", c->words,
		                 CLS_MAX_VOCAB);
	if (c->emb < 1 || c->emb > CLS_MAX_SIZE)
		return error_bad(e, name, 0, "embedding size %u: not within 1..%d", c->emb,
		                 CLS_MAX_SIZE);
	return c->kind == CLS_RECURRENT ? check_recurrent(c, name, e) : check_linear(c, name, e);
}

/* Whether word 0 is the kind's special word. */
static int special_first(const struct cls_config *c, const struct strtab *words)
{
	const char *want = c->kind == CLS_RECURRENT ? "<unk>" : "</s>";
	size_t n;
	const char *w = words->n ? strtab_key(words, 0, &n) : NULL;

	return w && n == strlen(want) && memcmp(w, want, n) == 0;
}

static void layout_recurrent(struct cls_model *m)
{
	const struct cls_config *c = &m->c;
	size_t G = nn_cell_gates(c->cell), H = c->hidden, P = cls_pooled(c);
	unsigned D = c->bidirectional ? 2 : 1;
	char name[NN_NAME_MAX];

	m->emb = nn_layout_add(&m->L, "emb", (size_t)c->words + (c->maxn ? c->buckets : 0), c->emb);
	for (unsigned l = 0; l < c->layers; l++)
		for (unsigned d = 0; d < D; d++) {
			size_t I = l ? P : c->emb;

			snprintf(name, sizeof(name), "%u.%u.w_ih", l, d);
			m->w_ih[l][d] = nn_layout_add(&m->L, name, G * H, I);
			snprintf(name, sizeof(name), "%u.%u.w_hh", l, d);
			m->w_hh[l][d] = nn_layout_add(&m->L, name, G * H, H);
			snprintf(name, sizeof(name), "%u.%u.b_ih", l, d);
			m->b_ih[l][d] = nn_layout_add(&m->L, name, 1, G * H);
			snprintf(name, sizeof(name), "%u.%u.b_hh", l, d);
			m->b_hh[l][d] = nn_layout_add(&m->L, name, 1, G * H);
		}
	if (c->pool == CLS_POOL_ATTENTION) {
		m->att_w = nn_layout_add(&m->L, "att.w", c->att, P);
		m->att_b = nn_layout_add(&m->L, "att.b", 1, c->att);
		m->att_v = nn_layout_add(&m->L, "att.v", 1, c->att);
	}
	m->out_w = nn_layout_add(&m->L, "out.w", c->classes, P);
	m->out_b = nn_layout_add(&m->L, "out.b", 1, c->classes);
}

static void layout_linear(struct cls_model *m)
{
	const struct cls_config *c = &m->c;

	m->in = nn_layout_add(&m->L, "in", (size_t)c->words + c->kept, c->emb);
	m->in_idx = nn_layout_add(&m->L, "in.idx", 1, c->kept);
	m->lin_out = nn_layout_add(&m->L, "out",
	                           c->loss == CLS_LOSS_HS ? c->classes - 1 : c->classes, c->emb);
	if (c->loss == CLS_LOSS_HS)
		m->hs_count = nn_layout_add(&m->L, "hs.count", 1, c->classes);
}

static void layout(struct cls_model *m)
{
	memset(&m->L, 0, sizeof(m->L));
	m->emb = m->att_w = m->att_b = m->att_v = m->out_w = m->out_b = -1;
	m->in = m->in_idx = m->lin_out = m->hs_count = -1;
	for (int l = 0; l < CLS_MAX_LAYERS; l++)
		for (int d = 0; d < 2; d++)
			m->w_ih[l][d] = m->w_hh[l][d] = m->b_ih[l][d] = m->b_hh[l][d] = -1;
	if (m->c.kind == CLS_RECURRENT)
		layout_recurrent(m);
	else
		layout_linear(m);
}

int cls_model_init(struct cls_model *m, const struct cls_config *c, struct strtab *labels,
                   struct strtab *words, struct error *e)
{
	memset(m, 0, sizeof(*m));
	if (check_config(c, NULL, e) < 0)
		return -1;
	if (labels->n != c->classes || words->n != c->words || !special_first(c, words))
		return error_bad(e, NULL, 0, "the tables do not match the configuration");
	m->c = *c;
	layout(m);
	if (!(m->w = nn_block_alloc(&m->L, "the parameters", e)))
		return -1;
	if (c->kind == CLS_LINEAR &&
	    !(m->kept_bucket = malloc((c->kept ? c->kept : 1) * sizeof(uint32_t)))) {
		free(m->w);
		m->w = NULL;
		return error_set(e, -1, ENOMEM, NULL, 0, "the n-gram rows");
	}
	m->labels = *labels;
	m->words = *words;
	memset(labels, 0, sizeof(*labels));
	memset(words, 0, sizeof(*words));
	return 0;
}

void cls_model_free(struct cls_model *m)
{
	free(m->w);
	free(m->kept_bucket);
	strtab_free(&m->labels);
	strtab_free(&m->words);
	memset(m, 0, sizeof(*m));
}

/* ---- the file ---- */

void cls_model_write(const struct cls_model *m, struct writer *w)
{
	unsigned char h[CLS_HEADER] = {0};
	const struct cls_config *c = &m->c;
	const struct strtab *tabs[2] = {&m->labels, &m->words};
	uint32_t u[] = {(uint32_t)c->kind, c->classes, c->words, c->emb, (uint32_t)c->cell,
	                c->layers, c->hidden, c->bidirectional, (uint32_t)c->pool, c->att,
	                c->max_len, c->word_ngrams, c->minn, c->maxn, c->buckets,
	                (uint32_t)c->loss, c->kept, c->epochs, c->batch};

	for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++)
		le_put_u32(h + 64 + 4 * i, u[i]);
	le_put_f64(h + 144, c->dropout);
	le_put_f64(h + 152, c->rdropout);
	le_put_f64(h + 160, c->lr);
	le_put_u64(h + 168, c->seed);
	le_put_f64(h + 176, c->valid_acc);
	nnfile_write(w, CLS_MAGIC, CLS_VERSION, h, CLS_HEADER, tabs, 2, &m->L, m->w);
}

static void read_config(struct cls_config *c, const unsigned char *h)
{
	c->kind = (enum cls_kind)le_get_u32(h + 64);
	c->classes = le_get_u32(h + 68);
	c->words = le_get_u32(h + 72);
	c->emb = le_get_u32(h + 76);
	c->cell = (enum nn_cell)le_get_u32(h + 80);
	c->layers = le_get_u32(h + 84);
	c->hidden = le_get_u32(h + 88);
	c->bidirectional = le_get_u32(h + 92);
	c->pool = (enum cls_pool)le_get_u32(h + 96);
	c->att = le_get_u32(h + 100);
	c->max_len = le_get_u32(h + 104);
	c->word_ngrams = le_get_u32(h + 108);
	c->minn = le_get_u32(h + 112);
	c->maxn = le_get_u32(h + 116);
	c->buckets = le_get_u32(h + 120);
	c->loss = (enum cls_loss)le_get_u32(h + 124);
	c->kept = le_get_u32(h + 128);
	c->epochs = le_get_u32(h + 132);
	c->batch = le_get_u32(h + 136);
	c->dropout = le_get_f64(h + 144);
	c->rdropout = le_get_f64(h + 152);
	c->lr = le_get_f64(h + 160);
	c->seed = le_get_u64(h + 168);
	c->valid_acc = le_get_f64(h + 176);
}

/* Copies the file's parameters into m->w, each finite; the linear model's kept buckets
 * increasing integers below its buckets. */
static int read_params(struct cls_model *m, const struct nnfile *f, const char *name,
                       struct error *e)
{
	if (nnfile_read_params(f, &m->L, m->w, name, e) < 0)
		return -1;
	if (m->c.kind != CLS_LINEAR)
		return 0;
	for (uint32_t k = 0; k < m->c.kept; k++) {
		float b = m->w[m->L.t[m->in_idx].off + k];

		if (b < 0 || b >= (float)m->c.buckets || b != floorf(b) ||
		    (k && (uint32_t)b <= m->kept_bucket[k - 1]))
			return error_bad(e, name, 0, "n-gram row %u: bucket %g is not an integer "
			                 "above the one before and below %u", k + 1, (double)b,
			                 m->c.buckets);
		m->kept_bucket[k] = (uint32_t)b;
	}
	if (m->hs_count >= 0)
		for (uint32_t k = 0; k < m->c.classes; k++) {
			float n = m->w[m->L.t[m->hs_count].off + k];

			/* below 2^64: the tree is built from them as uint64_t */
			if (n < 1 || n != floorf(n) || n >= 18446744073709551616.0f)
				return error_bad(e, name, 0, "the count of class %u is not a positive "
				                 "integer below 2^64", k + 1);
		}
	return 0;
}

int cls_model_parse(struct cls_model *m, const unsigned char *d, size_t size, const char *name,
                    struct error *e)
{
	struct nnfile f;
	struct cls_config c = {0};
	const char *other = nnfile_other_kind(d, size, CLS_MAGIC);

	memset(m, 0, sizeof(*m));
	if (other)
		return error_bad(e, name, 0, "%s, not a classifier", other);
	if (nnfile_parse(&f, d, size, name, CLS_MAGIC, CLS_VERSION, CLS_HEADER, 2, WHAT, e) < 0)
		return -1;
	read_config(&c, f.hdr);
	for (int i = 140; i < CLS_HEADER; i++)
		if (f.hdr[i] && (i < 144 || i >= 184)) {
			error_bad(e, name, 0, "the reserved bytes 140..143 and 184..255 are not zero");
			goto fail;
		}
	if (check_config(&c, name, e) < 0)
		goto fail;
	if (f.tables[0].n != c.classes || f.tables[1].n != c.words) {
		error_bad(e, name, 0, "the header gives %u classes and %u words, the tables have "
		          "%zu and %zu", c.classes, c.words, f.tables[0].n, f.tables[1].n);
		goto fail;
	}
	if (!special_first(&c, &f.tables[1])) {
		error_bad(e, name, 0, "word 1 is not %s", c.kind == CLS_RECURRENT ? "<unk>" : "</s>");
		goto fail;
	}
	/* the configuration's size against the file's before any allocation: a header of 8
	 * layers of 8192 units would otherwise take gigabytes for a file of a few kilobytes */
	m->c = c;
	layout(m);
	if (f.nparams != m->L.used) {
		error_bad(e, name, 0, "%llu parameters; its configuration has %zu",
		          (unsigned long long)f.nparams, m->L.used);
		memset(m, 0, sizeof(*m));
		goto fail;
	}
	if (cls_model_init(m, &c, &f.tables[0], &f.tables[1], e) < 0)
		goto fail;
	if (read_params(m, &f, name, e) < 0)
		goto fail_model;
	nnfile_free(&f);
	return 0;
fail_model:
	cls_model_free(m);
fail:
	nnfile_free(&f);
	return -1;
}

int cls_model_load(struct cls_model *m, const char *path, struct error *e)
{
	unsigned char *d;
	size_t size;
	int r;

	memset(m, 0, sizeof(*m));
	if (nnfile_slurp(path, &d, &size, e) < 0)
		return -1;
	r = cls_model_parse(m, d, size, path, e);
	free(d);
	return r;
}
