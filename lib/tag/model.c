/* model.c: a tagger's configuration, its tensors and its file. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/le.h"
#include "nn/nnfile.h"
#include "tag/linear.h"
#include "tag/model.h"
#include "text/pystr.h"
#include "text/utf8.h"

#define WHAT "an nlp-tag model"

/* ---- the configuration ---- */

static int check_recurrent(const struct tag_config *c, const char *name, struct error *e)
{
	if (c->cell != NN_CELL_RNN && c->cell != NN_CELL_LSTM && c->cell != NN_CELL_GRU)
		return error_bad(e, name, 0, "cell %u is not 0 (rnn), 1 (lstm) or 2 (gru)",
		                 (unsigned)c->cell);
	if (c->layers < 1 || c->layers > TAG_MAX_LAYERS)
		return error_bad(e, name, 0, "%u layers: not within 1..%d", c->layers,
		                 TAG_MAX_LAYERS);
	if (c->hidden < 1 || c->hidden > TAG_MAX_SIZE || c->bidirectional > 1)
		return error_bad(e, name, 0, "hidden size %u (1..%d), bidirectional %u (0 or 1)",
		                 c->hidden, TAG_MAX_SIZE, c->bidirectional);
	if (c->emb < 1 || c->emb > TAG_MAX_SIZE)
		return error_bad(e, name, 0, "embedding size %u: not within 1..%d", c->emb,
		                 TAG_MAX_SIZE);
	if (c->char_emb > TAG_MAX_SIZE ||
	    (c->char_emb && (c->char_filters < 1 || c->char_filters > TAG_MAX_SIZE ||
	                     c->char_width < 1 || c->char_width > TAG_MAX_WIDTH ||
	                     c->char_width % 2 == 0 || c->chars < 1 ||
	                     c->chars > TAG_MAX_VOCAB)) ||
	    (!c->char_emb && (c->char_filters || c->char_width || c->chars)))
		return error_bad(e, name, 0, "character encoder of %u characters, size %u, %u "
		                 "filters of width %u: not all 0, or sizes within 1..%d and an odd "
		                 "width within 1..%d", c->chars, c->char_emb, c->char_filters,
		                 c->char_width, TAG_MAX_SIZE, TAG_MAX_WIDTH);
	if (c->features || c->templates)
		return error_bad(e, name, 0, "a recurrent tagger with linear features");
	return 0;
}

static int check_linear(const struct tag_config *c, const char *name, struct error *e)
{
	if (c->features > TAG_MAX_FEATURES)
		return error_bad(e, name, 0, "%u features: more than %u", c->features,
		                 TAG_MAX_FEATURES);
	if (c->templates < 1 || c->templates > TAG_LIN_TEMPLATES)
		return error_bad(e, name, 0, "feature set %u: this version knows 1 to %d",
		                 c->templates, TAG_LIN_TEMPLATES);
	if (c->layers || c->hidden || c->emb || c->char_emb || c->char_filters ||
	    c->char_width || c->chars)
		return error_bad(e, name, 0, "a linear tagger with recurrent sizes");
	return 0;
}

static int check_config(const struct tag_config *c, const char *name, struct error *e)
{
	if (c->kind != TAG_RECURRENT && c->kind != TAG_LINEAR)
		return error_bad(e, name, 0, "kind %u is not 0 (recurrent) or 1 (linear)",
		                 (unsigned)c->kind);
	if (c->units != TAG_UNITS_WORDS && c->units != TAG_UNITS_CHARS)
		return error_bad(e, name, 0, "units %u are not 0 (words) or 1 (characters)",
		                 (unsigned)c->units);
	if (c->spacing > 1 || (c->spacing && c->units != TAG_UNITS_CHARS))
		return error_bad(e, name, 0, "spacing %u with units %u", c->spacing,
		                 (unsigned)c->units);
	if (c->column != TAG_COL_UPOS && c->column != TAG_COL_XPOS)
		return error_bad(e, name, 0, "column %u is not 0 (upos) or 1 (xpos)",
		                 (unsigned)c->column);
	if (c->tags < 1 || c->tags > TAG_MAX_TAGS || (c->spacing && c->tags != 2))
		return error_bad(e, name, 0, "%u tags: not within 1..%u (2 when spacing)", c->tags,
		                 TAG_MAX_TAGS);
	if (c->words > TAG_MAX_VOCAB || (c->kind == TAG_RECURRENT && c->words < 1))
		return error_bad(e, name, 0, "a vocabulary of %u words: not within %d..%u",
		                 c->words, c->kind == TAG_RECURRENT, TAG_MAX_VOCAB);
	return c->kind == TAG_RECURRENT ? check_recurrent(c, name, e) : check_linear(c, name, e);
}

/* Whether the table t starts with <unk>. */
static int unk_first(const struct strtab *t)
{
	size_t n;
	const char *w = t->n ? strtab_key(t, 0, &n) : NULL;

	return w && n == 5 && memcmp(w, "<unk>", 5) == 0;
}

/* Whether a spacing model's tags are TAG_NOSPACE then TAG_SPACE. */
static int spacing_tags(const struct strtab *t)
{
	size_t n0, n1;
	const char *a = strtab_key(t, 0, &n0), *b = strtab_key(t, 1, &n1);

	return n0 == 1 && n1 == 1 && *a == TAG_NOSPACE[0] && *b == TAG_SPACE[0];
}

/* Whether the tables fit c: their sizes, and <unk> first where the recurrent model needs it. */
static const char *tables_wrong(const struct tag_config *c, const struct strtab *tags,
                                const struct strtab *words, const struct strtab *chars)
{
	if (tags->n != c->tags || words->n != c->words || (chars ? chars->n : 0) != c->chars)
		return "the tables' sizes are not the header's";
	if (c->spacing && !spacing_tags(tags))
		return "a spacing model's tags are not - and S";
	if (c->kind == TAG_RECURRENT && (!unk_first(words) || (c->chars && !unk_first(chars))))
		return "word 1 or character 1 is not <unk>";
	return NULL;
}

static void layout_recurrent(struct tag_model *m)
{
	const struct tag_config *c = &m->c;
	size_t G = nn_cell_gates(c->cell), H = c->hidden, P = H * (c->bidirectional ? 2 : 1);
	size_t I0 = c->emb + (c->char_emb ? c->char_filters : 0);
	unsigned D = c->bidirectional ? 2 : 1;
	char name[NN_NAME_MAX];

	m->emb = nn_layout_add(&m->L, "emb", c->words, c->emb);
	if (c->char_emb) {
		m->cemb = nn_layout_add(&m->L, "cemb", c->chars, c->char_emb);
		m->conv_w = nn_layout_add(&m->L, "conv.w", c->char_filters,
		                          (size_t)c->char_width * c->char_emb);
		m->conv_b = nn_layout_add(&m->L, "conv.b", 1, c->char_filters);
	}
	for (unsigned l = 0; l < c->layers; l++)
		for (unsigned d = 0; d < D; d++) {
			size_t I = l ? P : I0;

			snprintf(name, sizeof(name), "%u.%u.w_ih", l, d);
			m->w_ih[l][d] = nn_layout_add(&m->L, name, G * H, I);
			snprintf(name, sizeof(name), "%u.%u.w_hh", l, d);
			m->w_hh[l][d] = nn_layout_add(&m->L, name, G * H, H);
			snprintf(name, sizeof(name), "%u.%u.b_ih", l, d);
			m->b_ih[l][d] = nn_layout_add(&m->L, name, 1, G * H);
			snprintf(name, sizeof(name), "%u.%u.b_hh", l, d);
			m->b_hh[l][d] = nn_layout_add(&m->L, name, 1, G * H);
		}
	m->out_w = nn_layout_add(&m->L, "out.w", c->tags, P);
	m->out_b = nn_layout_add(&m->L, "out.b", 1, c->tags);
}

static void layout_linear(struct tag_model *m)
{
	const struct tag_config *c = &m->c;

	m->feat_key = nn_layout_add(&m->L, "feat.key", c->features, 4);
	m->feat_w = nn_layout_add(&m->L, "feat.w", c->features, c->tags);
	m->dict = nn_layout_add(&m->L, "dict", 1, c->words);
}

static void layout(struct tag_model *m)
{
	memset(&m->L, 0, sizeof(m->L));
	m->emb = m->cemb = m->conv_w = m->conv_b = m->out_w = m->out_b = -1;
	m->feat_key = m->feat_w = m->dict = -1;
	for (int l = 0; l < TAG_MAX_LAYERS; l++)
		for (int d = 0; d < 2; d++)
			m->w_ih[l][d] = m->w_hh[l][d] = m->b_ih[l][d] = m->b_hh[l][d] = -1;
	if (m->c.kind == TAG_RECURRENT)
		layout_recurrent(m);
	else
		layout_linear(m);
}

int tag_model_init(struct tag_model *m, const struct tag_config *c, struct strtab *tags,
                   struct strtab *words, struct strtab *chars, struct error *e)
{
	const char *why;

	memset(m, 0, sizeof(*m));
	if (check_config(c, NULL, e) < 0)
		return -1;
	if ((why = tables_wrong(c, tags, words, chars)))
		return error_bad(e, NULL, 0, "%s", why);
	m->c = *c;
	layout(m);
	if (!(m->w = nn_block_alloc(&m->L, "the parameters", e)))
		return -1;
	if (c->kind == TAG_LINEAR && u64map_init(&m->feat, c->features) < 0) {
		free(m->w);
		m->w = NULL;
		return error_set(e, -1, ENOMEM, NULL, 0, "the features' index");
	}
	if (!chars && strtab_init(&m->chars, 1) < 0) {
		u64map_free(&m->feat);
		free(m->w);
		m->w = NULL;
		return error_set(e, -1, ENOMEM, NULL, 0, "the characters' table");
	}
	m->tags = *tags;
	m->words = *words;
	memset(tags, 0, sizeof(*tags));
	memset(words, 0, sizeof(*words));
	if (chars) {
		m->chars = *chars;
		memset(chars, 0, sizeof(*chars));
	}
	return 0;
}

void tag_model_free(struct tag_model *m)
{
	free(m->w);
	if (m->feat.slots)
		u64map_free(&m->feat);
	strtab_free(&m->tags);
	strtab_free(&m->words);
	strtab_free(&m->chars);
	memset(m, 0, sizeof(*m));
}

int tag_model_index(struct tag_model *m, struct error *e)
{
	const float *k = m->w + m->L.t[m->feat_key].off;

	for (uint32_t f = 0; f < m->c.features; f++) {
		uint64_t key = 0;

		for (int j = 0; j < 4; j++) {
			float p = k[4 * f + (size_t)j];

			if (!(p >= 0 && p <= 65535 && p == floorf(p)))
				return error_bad(e, NULL, 0, "feature %u: key piece %d is not a 16-bit "
				                 "integer", f + 1, j + 1);
			key |= (uint64_t)p << (16 * j);
		}
		if (u64map_get(&m->feat, key) != U64MAP_NONE)
			return error_bad(e, NULL, 0, "feature %u: its key is feature %u's too", f + 1,
			                 u64map_get(&m->feat, key) + 1);
		if (u64map_put(&m->feat, key, f) < 0)
			return error_set(e, -1, ENOMEM, NULL, 0, "the features' index");
	}
	if (m->dict >= 0) {
		const float *d = m->w + m->L.t[m->dict].off;

		for (uint32_t w = 0; w < m->c.words; w++)
			if (!(d[w] >= 0 && d[w] <= (float)m->c.tags && d[w] == floorf(d[w])))
				return error_bad(e, NULL, 0, "the dictionary's entry of word %u is not a "
				                 "tag or 0", w + 1);
	}
	return 0;
}

/* ---- the file ---- */

#define NCONF 19

void tag_model_write(const struct tag_model *m, struct writer *w)
{
	unsigned char h[TAG_HEADER] = {0};
	const struct tag_config *c = &m->c;
	const struct strtab *tabs[3] = {&m->tags, &m->words, &m->chars};
	uint32_t u[NCONF] = {(uint32_t)c->kind, (uint32_t)c->units, c->spacing,
	                     (uint32_t)c->column, c->tags, c->words, c->chars, (uint32_t)c->cell,
	                     c->layers, c->hidden, c->bidirectional, c->emb, c->char_emb,
	                     c->char_filters, c->char_width, c->features, c->templates,
	                     c->epochs, c->batch};

	for (size_t i = 0; i < NCONF; i++)
		le_put_u32(h + 64 + 4 * i, u[i]);
	le_put_f64(h + 144, c->dropout);
	le_put_f64(h + 152, c->lr);
	le_put_f64(h + 160, c->valid_acc);
	le_put_u64(h + 168, c->seed);
	nnfile_write(w, TAG_MAGIC, TAG_VERSION, h, TAG_HEADER, tabs, 3, &m->L, m->w);
}

static void read_config(struct tag_config *c, const unsigned char *h)
{
	uint32_t u[NCONF];

	for (size_t i = 0; i < NCONF; i++)
		u[i] = le_get_u32(h + 64 + 4 * i);
	c->kind = (enum tag_kind)u[0];
	c->units = (enum tag_units)u[1];
	c->spacing = u[2];
	c->column = (enum tag_column)u[3];
	c->tags = u[4];
	c->words = u[5];
	c->chars = u[6];
	c->cell = (enum nn_cell)u[7];
	c->layers = u[8];
	c->hidden = u[9];
	c->bidirectional = u[10];
	c->emb = u[11];
	c->char_emb = u[12];
	c->char_filters = u[13];
	c->char_width = u[14];
	c->features = u[15];
	c->templates = u[16];
	c->epochs = u[17];
	c->batch = u[18];
	c->dropout = le_get_f64(h + 144);
	c->lr = le_get_f64(h + 152);
	c->valid_acc = le_get_f64(h + 160);
	c->seed = le_get_u64(h + 168);
}

/* Copies the file's parameters into m->w, each finite; the linear tagger's index. */
static int read_params(struct tag_model *m, const struct nnfile *f, const char *name,
                       struct error *e)
{
	if (nnfile_read_params(f, &m->L, m->w, name, e) < 0)
		return -1;
	if (m->c.kind == TAG_LINEAR && tag_model_index(m, e) < 0) {
		e->name = name;
		return -1;
	}
	return 0;
}

int tag_model_parse(struct tag_model *m, const unsigned char *d, size_t size, const char *name,
                    struct error *e)
{
	struct nnfile f;
	struct tag_config c = {0};
	const char *other = nnfile_other_kind(d, size, TAG_MAGIC), *why;

	memset(m, 0, sizeof(*m));
	if (other)
		return error_bad(e, name, 0, "%s, not a tagger", other);
	if (nnfile_parse(&f, d, size, name, TAG_MAGIC, TAG_VERSION, TAG_HEADER, 3, WHAT, e) < 0)
		return -1;
	read_config(&c, f.hdr);
	for (int i = 64 + 4 * NCONF; i < TAG_HEADER; i++)
		if (f.hdr[i] && (i < 144 || i >= 176)) {
			error_bad(e, name, 0, "the reserved bytes %d..143 and 176..255 are not zero",
			          64 + 4 * NCONF);
			goto fail;
		}
	if (check_config(&c, name, e) < 0)
		goto fail;
	if ((why = tables_wrong(&c, &f.tables[0], &f.tables[1], &f.tables[2]))) {
		error_bad(e, name, 0, "%s", why);
		goto fail;
	}
	/* the configuration's size against the file's before any allocation */
	m->c = c;
	layout(m);
	if (f.nparams != m->L.used) {
		error_bad(e, name, 0, "%llu parameters; its configuration has %zu",
		          (unsigned long long)f.nparams, m->L.used);
		memset(m, 0, sizeof(*m));
		goto fail;
	}
	if (tag_model_init(m, &c, &f.tables[0], &f.tables[1], &f.tables[2], e) < 0)
		goto fail;
	if (read_params(m, &f, name, e) < 0)
		goto fail_model;
	nnfile_free(&f);
	return 0;
fail_model:
	tag_model_free(m);
fail:
	nnfile_free(&f);
	return -1;
}

int tag_model_load(struct tag_model *m, const char *path, struct error *e)
{
	unsigned char *d;
	size_t size;
	int r;

	memset(m, 0, sizeof(*m));
	if (nnfile_slurp(path, &d, &size, e) < 0)
		return -1;
	r = tag_model_parse(m, d, size, path, e);
	free(d);
	return r;
}

/* ---- words ---- */

size_t tag_lower(char *out, const char *w, size_t n)
{
	size_t i = 0, k = 0, v = utf8_valid_prefix(w, n);

	while (i < n) {
		int32_t c, lc[2];
		int len, m;

		if (i >= v) {       /* invalid bytes: copied */
			out[k++] = w[i++];
			if (i < n)
				v = i + utf8_valid_prefix(w + i, n - i);
			continue;
		}
		if ((unsigned char)w[i] < 0x80) {
			char ch = w[i++];

			out[k++] = ch >= 'A' && ch <= 'Z' ? (char)(ch + 32) : ch;
			continue;
		}
		len = utf8_decode(w + i, &c);
		m = pystr_lower(w, n, i, c, lc);
		for (int j = 0; j < m; j++)
			k += (size_t)utf8_encode(lc[j], out + k);
		i += (size_t)len;
	}
	return k;
}

uint32_t tag_word_id(const struct tag_model *m, const char *w, size_t n, char *scratch)
{
	size_t k = tag_lower(scratch, w, n);
	int64_t id = strtab_find(&m->words, scratch, k);

	return id < 0 ? TAG_NONE : (uint32_t)id;
}
