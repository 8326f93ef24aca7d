/* model.c: a sequence-to-sequence model's configuration, its tensors and its file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/le.h"
#include "base/spans.h"
#include "nn/nnfile.h"
#include "s2s/model.h"
#include "text/utf8.h"

#define WHAT "an nlp-seq2seq model"

/* ---- the configuration ---- */

static int check_config(const struct s2s_config *c, const char *name, struct error *e)
{
	if (c->units != S2S_CHARS && c->units != S2S_TOKENS)
		return error_bad(e, name, 0, "units %u are not 0 (characters) or 1 (tokens)",
		                 (unsigned)c->units);
	if (c->cell != NN_CELL_RNN && c->cell != NN_CELL_LSTM && c->cell != NN_CELL_GRU)
		return error_bad(e, name, 0, "cell %u is not 0 (rnn), 1 (lstm) or 2 (gru)",
		                 (unsigned)c->cell);
	if (c->layers < 1 || c->layers > S2S_MAX_LAYERS)
		return error_bad(e, name, 0, "%u layers: not within 1..%d", c->layers,
		                 S2S_MAX_LAYERS);
	if (c->hidden < 1 || c->hidden > S2S_MAX_SIZE || c->bidirectional > 1)
		return error_bad(e, name, 0, "hidden size %u (1..%d), bidirectional %u (0 or 1)",
		                 c->hidden, S2S_MAX_SIZE, c->bidirectional);
	if (c->emb < 1 || c->emb > S2S_MAX_SIZE)
		return error_bad(e, name, 0, "embedding size %u: not within 1..%d", c->emb,
		                 S2S_MAX_SIZE);
	if (c->attention > S2S_ATT_ADDITIVE)
		return error_bad(e, name, 0, "attention %u is not 0 (none), 1 (dot), 2 (general) or "
		                 "3 (additive)", (unsigned)c->attention);
	if (c->reverse > 1 || c->peeky > 1)
		return error_bad(e, name, 0, "reverse %u and peeky %u: not 0 or 1", c->reverse,
		                 c->peeky);
	if (c->src < 1 || c->src > S2S_MAX_VOCAB || c->tgt < 3 || c->tgt > S2S_MAX_VOCAB)
		return error_bad(e, name, 0, "%u source and %u target units: not within 1..%u and "
		                 "3..%u", c->src, c->tgt, S2S_MAX_VOCAB, S2S_MAX_VOCAB);
	return 0;
}

static int is_word(const struct strtab *t, size_t id, const char *w)
{
	size_t n;
	const char *k = strtab_key(t, id, &n);

	return n == strlen(w) && memcmp(k, w, n) == 0;
}

static const char *tables_wrong(const struct s2s_config *c, const struct strtab *src,
                                const struct strtab *tgt)
{
	if (src->n != c->src || tgt->n != c->tgt)
		return "the tables' sizes are not the header's";
	if (!is_word(src, S2S_UNK, "<unk>") || !is_word(tgt, S2S_UNK, "<unk>") ||
	    !is_word(tgt, S2S_BOS, "<s>") || !is_word(tgt, S2S_EOS, "</s>"))
		return "the tables do not start with <unk> (source), <unk> <s> </s> (target)";
	return NULL;
}

static void layout(struct s2s_model *m)
{
	const struct s2s_config *c = &m->c;
	size_t G = nn_cell_gates(c->cell), H = c->hidden, E = c->emb;
	unsigned dirs = c->bidirectional ? 2 : 1;
	size_t D = dirs * H;
	char name[NN_NAME_MAX];

	memset(&m->L, 0, sizeof(m->L));
	m->D = D;
	m->J = E + (c->peeky ? D : 0);
	m->O = D + (c->peeky ? D : 0);
	m->src_emb = nn_layout_add(&m->L, "src.emb", c->src, E);
	m->tgt_emb = nn_layout_add(&m->L, "tgt.emb", c->tgt, E);
	for (unsigned l = 0; l < c->layers; l++)
		for (unsigned d = 0; d < dirs; d++) {
			size_t I = l ? D : E;

			snprintf(name, sizeof(name), "enc.%u.%u.w_ih", l, d);
			m->enc_w_ih[l][d] = nn_layout_add(&m->L, name, G * H, I);
			snprintf(name, sizeof(name), "enc.%u.%u.w_hh", l, d);
			m->enc_w_hh[l][d] = nn_layout_add(&m->L, name, G * H, H);
			snprintf(name, sizeof(name), "enc.%u.%u.b_ih", l, d);
			m->enc_b_ih[l][d] = nn_layout_add(&m->L, name, 1, G * H);
			snprintf(name, sizeof(name), "enc.%u.%u.b_hh", l, d);
			m->enc_b_hh[l][d] = nn_layout_add(&m->L, name, 1, G * H);
		}
	for (unsigned l = 0; l < c->layers; l++) {
		size_t J = l ? D : m->J;

		snprintf(name, sizeof(name), "dec.%u.w_ih", l);
		m->dec_w_ih[l] = nn_layout_add(&m->L, name, G * D, J);
		snprintf(name, sizeof(name), "dec.%u.w_hh", l);
		m->dec_w_hh[l] = nn_layout_add(&m->L, name, G * D, D);
		snprintf(name, sizeof(name), "dec.%u.b_ih", l);
		m->dec_b_ih[l] = nn_layout_add(&m->L, name, 1, G * D);
		snprintf(name, sizeof(name), "dec.%u.b_hh", l);
		m->dec_b_hh[l] = nn_layout_add(&m->L, name, 1, G * D);
	}
	m->att_w = m->att_w1 = m->att_w2 = m->att_v = m->comb_w = m->comb_b = -1;
	if (c->attention == S2S_ATT_GENERAL)
		m->att_w = nn_layout_add(&m->L, "att.w", D, D);
	if (c->attention == S2S_ATT_ADDITIVE) {
		m->att_w1 = nn_layout_add(&m->L, "att.w1", D, D);
		m->att_w2 = nn_layout_add(&m->L, "att.w2", D, D);
		m->att_v = nn_layout_add(&m->L, "att.v", 1, D);
	}
	if (c->attention != S2S_ATT_NONE) {
		m->comb_w = nn_layout_add(&m->L, "comb.w", D, 2 * D);
		m->comb_b = nn_layout_add(&m->L, "comb.b", 1, D);
	}
	m->out_w = nn_layout_add(&m->L, "out.w", c->tgt, m->O);
	m->out_b = nn_layout_add(&m->L, "out.b", 1, c->tgt);
}

int s2s_model_init(struct s2s_model *m, const struct s2s_config *c, struct strtab *src,
                   struct strtab *tgt, struct error *e)
{
	const char *why;

	memset(m, 0, sizeof(*m));
	if (check_config(c, NULL, e) < 0)
		return -1;
	if ((why = tables_wrong(c, src, tgt)))
		return error_bad(e, NULL, 0, "%s", why);
	m->c = *c;
	layout(m);
	if (!(m->w = nn_block_alloc(&m->L, "the parameters", e)))
		return -1;
	m->src = *src;
	m->tgt = *tgt;
	memset(src, 0, sizeof(*src));
	memset(tgt, 0, sizeof(*tgt));
	return 0;
}

void s2s_model_free(struct s2s_model *m)
{
	free(m->w);
	strtab_free(&m->src);
	strtab_free(&m->tgt);
	memset(m, 0, sizeof(*m));
}

void s2s_stack_w(const struct s2s_model *m, float *block, struct stack_w *enc,
                 struct stack_w *dec)
{
	memset(enc, 0, sizeof(*enc));
	memset(dec, 0, sizeof(*dec));
	for (unsigned l = 0; l < m->c.layers; l++) {
		for (unsigned d = 0; d < (m->c.bidirectional ? 2u : 1u); d++) {
			enc->w_ih[l][d] = nn_tensor(&m->L, block, m->enc_w_ih[l][d]);
			enc->w_hh[l][d] = nn_tensor(&m->L, block, m->enc_w_hh[l][d]);
			enc->b_ih[l][d] = nn_tensor(&m->L, block, m->enc_b_ih[l][d]);
			enc->b_hh[l][d] = nn_tensor(&m->L, block, m->enc_b_hh[l][d]);
		}
		dec->w_ih[l][0] = nn_tensor(&m->L, block, m->dec_w_ih[l]);
		dec->w_hh[l][0] = nn_tensor(&m->L, block, m->dec_w_hh[l]);
		dec->b_ih[l][0] = nn_tensor(&m->L, block, m->dec_b_ih[l]);
		dec->b_hh[l][0] = nn_tensor(&m->L, block, m->dec_b_hh[l]);
	}
}

/* ---- the file ---- */

#define NCONF 14

void s2s_model_write(const struct s2s_model *m, struct writer *w)
{
	unsigned char h[S2S_HEADER] = {0};
	const struct s2s_config *c = &m->c;
	const struct strtab *tabs[2] = {&m->src, &m->tgt};
	uint32_t u[NCONF] = {(uint32_t)c->units, (uint32_t)c->cell, c->layers, c->hidden,
	                     c->bidirectional, c->emb, (uint32_t)c->attention, c->reverse,
	                     c->peeky, c->src, c->tgt, c->epochs, c->batch, 0};

	for (size_t i = 0; i < NCONF; i++)
		le_put_u32(h + 64 + 4 * i, u[i]);
	le_put_f64(h + 120, c->lr);
	le_put_f64(h + 128, c->dropout);
	le_put_f64(h + 136, c->valid_acc);
	le_put_u64(h + 144, c->seed);
	nnfile_write(w, S2S_MAGIC, S2S_VERSION, h, S2S_HEADER, tabs, 2, &m->L, m->w);
}

static void read_config(struct s2s_config *c, const unsigned char *h)
{
	uint32_t u[NCONF];

	for (size_t i = 0; i < NCONF; i++)
		u[i] = le_get_u32(h + 64 + 4 * i);
	c->units = (enum s2s_units)u[0];
	c->cell = (enum nn_cell)u[1];
	c->layers = u[2];
	c->hidden = u[3];
	c->bidirectional = u[4];
	c->emb = u[5];
	c->attention = (enum s2s_attention)u[6];
	c->reverse = u[7];
	c->peeky = u[8];
	c->src = u[9];
	c->tgt = u[10];
	c->epochs = u[11];
	c->batch = u[12];
	c->lr = le_get_f64(h + 120);
	c->dropout = le_get_f64(h + 128);
	c->valid_acc = le_get_f64(h + 136);
	c->seed = le_get_u64(h + 144);
}

int s2s_model_parse(struct s2s_model *m, const unsigned char *d, size_t size, const char *name,
                    struct error *e)
{
	struct nnfile f;
	struct s2s_config c = {0};
	const char *other = nnfile_other_kind(d, size, S2S_MAGIC), *why;

	memset(m, 0, sizeof(*m));
	if (other)
		return error_bad(e, name, 0, "%s, not a seq2seq model", other);
	if (nnfile_parse(&f, d, size, name, S2S_MAGIC, S2S_VERSION, S2S_HEADER, 2, WHAT, e) < 0)
		return -1;
	read_config(&c, f.hdr);
	for (int i = 116; i < S2S_HEADER; i++)
		if (f.hdr[i] && (i < 120 || i >= 152)) {
			error_bad(e, name, 0, "the reserved bytes 116..119 and 152..255 are not zero");
			goto fail;
		}
	if (check_config(&c, name, e) < 0)
		goto fail;
	if ((why = tables_wrong(&c, &f.tables[0], &f.tables[1]))) {
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
	if (s2s_model_init(m, &c, &f.tables[0], &f.tables[1], e) < 0)
		goto fail;
	if (nnfile_read_params(&f, &m->L, m->w, name, e) < 0) {
		s2s_model_free(m);
		goto fail;
	}
	nnfile_free(&f);
	return 0;
fail:
	nnfile_free(&f);
	return -1;
}

int s2s_model_load(struct s2s_model *m, const char *path, struct error *e)
{
	unsigned char *d;
	size_t size;
	int r;

	memset(m, 0, sizeof(*m));
	if (nnfile_slurp(path, &d, &size, e) < 0)
		return -1;
	r = s2s_model_parse(m, d, size, path, e);
	free(d);
	return r;
}

/* ---- units ---- */

const char *s2s_unit_key(const char *u, size_t n, enum s2s_units units, char *out, size_t *len)
{
	if (units == S2S_CHARS && n == 1 && (unsigned char)u[0] <= 0x20) {
		*len = (size_t)snprintf(out, 16, "<U+%04X>", (unsigned)(unsigned char)u[0]);
		return out;
	}
	*len = n;
	return u;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

void s2s_unit_text(struct buf *b, const char *k, size_t n, enum s2s_units units)
{
	if (units == S2S_CHARS && n == 8 && memcmp(k, "<U+00", 5) == 0 && k[7] == '>' &&
	    hexval(k[5]) >= 0 && hexval(k[6]) >= 0) {
		int v = hexval(k[5]) * 16 + hexval(k[6]);

		if (v <= 0x20) {
			buf_putc(b, (char)v);
			return;
		}
	}
	buf_put(b, k, n);
}

void s2s_split(const char *s, size_t n, enum s2s_units units, struct spans *sp)
{
	if (units == S2S_TOKENS) {
		spans_split_blank(s, n, sp);
		return;
	}
	sp->n = 0;
	for (size_t i = 0; i < n;) {
		int len = utf8_seqlen((unsigned char)s[i]);

		if (len < 1 || i + (size_t)len > n)
			len = 1;
		spans_push(sp, s + i, (size_t)len);
		i += (size_t)len;
	}
}
