/* fuzz-s2smodel: nlp-seq2seq's model files (s2s/model.c over nn/nnfile.c, nlp-seq2seq's
 * --model) as translate, eval and score read them: s2s_model_load on the path of a memory file,
 * which slurps it and hands it to s2s_model_parse. The checksum (bytes 40..47) is set to the
 * mutated bytes' own unless the first byte's bit 1 is set, so that mutations reach the checks
 * behind it. On an accepted file: the tables are the header's sizes, every entry found again at
 * its id, without blanks, NUL or newlines, `<unk>` first in the source's, `<unk>`, `<s>`, `</s>`
 * first in the target's; every tensor has the shape nlp-seq2seq-model(5) gives it from the
 * header; the model written again with s2s_model_write is the file, byte for byte.
 *
 * With bit 0, for a small model, a few sources (s2s/data.c, as translate reads lines: the
 * model's last source unit, an unseen one, the two together, an empty line, twelve of its
 * units) translated (s2s/predict.c over s2s/decode.c) greedily, and with bits 2..3 by beam
 * search of that width, the attention weights kept with bit 4, outputs of at most 3 units with
 * bit 5 (else 2 S + 10): every output unit one of the target's, never `<s>` or `</s>`; an empty
 * source's output empty; an output within its limit, and at it when it did not end; its score
 * a sum of log probabilities (at most 0, finite when no parameter passes 1e4); each row of
 * weights in [0, 1] summing to 1; beam search of width 1 gives greedy's outputs, unit for unit.
 * Then greedy's outputs scored as targets of their sources (s2s_score_all, teacher forcing, as
 * score does): at most 0, and, when no parameter passes 10, the decoder's own sum of log
 * probabilities within rounding. */
#include <math.h>

#include "fuzznn.h"
#include "base/le.h"
#include "base/spans.h"
#include "nn/gemm.h"
#include "nn/nnfile.h"
#include "s2s/data.h"
#include "s2s/predict.h"

static struct fuzz_file in, out;

static int is(const struct strtab *t, size_t id, const char *w)
{
	size_t n;
	const char *k = strtab_key(t, id, &n);

	return n == strlen(w) && memcmp(k, w, n) == 0;
}

static void check_tables(const struct s2s_model *m)
{
	const struct strtab *t[2] = {&m->src, &m->tgt};

	assert(m->src.n == m->c.src && m->tgt.n == m->c.tgt);
	assert(m->c.src >= 1 && m->c.tgt >= 3);
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < t[k]->n; i++) {
			size_t len;
			const char *s = strtab_key(t[k], i, &len);

			assert(len >= 1 && len <= NNFILE_WORD_MAX);
			assert(strtab_find(t[k], s, len) == (int64_t)i);
			for (size_t j = 0; j < len; j++)
				assert(s[j] != '\0' && s[j] != '\n' && !spans_is_blank((unsigned char)s[j]));
		}
	assert(is(&m->src, S2S_UNK, "<unk>"));
	assert(is(&m->tgt, S2S_UNK, "<unk>") && is(&m->tgt, S2S_BOS, "<s>") &&
	       is(&m->tgt, S2S_EOS, "</s>"));
}

static void shape(const struct s2s_model *m, int t, size_t rows, size_t cols)
{
	assert(t >= 0 && t < m->L.n);
	assert(m->L.t[t].rows * m->L.t[t].cols == rows * cols);
	assert(rows == 1 || (m->L.t[t].rows == rows && m->L.t[t].cols == cols));
}

static void check_tensors(const struct s2s_model *m, uint64_t P)
{
	const struct s2s_config *c = &m->c;
	size_t G = nn_cell_gates(c->cell), H = c->hidden, E = c->emb;
	size_t dirs = c->bidirectional ? 2 : 1, D = dirs * H;
	int n = 4;

	assert(m->L.used == P);
	assert(c->cell <= NN_CELL_GRU && c->layers >= 1 && c->layers <= S2S_MAX_LAYERS);
	assert(m->D == D && m->J == E + (c->peeky ? D : 0) && m->O == D + (c->peeky ? D : 0));
	shape(m, m->src_emb, c->src, E);
	shape(m, m->tgt_emb, c->tgt, E);
	for (unsigned l = 0; l < c->layers; l++)
		for (unsigned d = 0; d < dirs; d++) {
			shape(m, m->enc_w_ih[l][d], G * H, l ? D : E);
			shape(m, m->enc_w_hh[l][d], G * H, H);
			shape(m, m->enc_b_ih[l][d], 1, G * H);
			shape(m, m->enc_b_hh[l][d], 1, G * H);
			n += 4;
		}
	for (unsigned l = 0; l < c->layers; l++) {
		shape(m, m->dec_w_ih[l], G * D, l ? D : m->J);
		shape(m, m->dec_w_hh[l], G * D, D);
		shape(m, m->dec_b_ih[l], 1, G * D);
		shape(m, m->dec_b_hh[l], 1, G * D);
		n += 4;
	}
	if (c->attention == S2S_ATT_GENERAL) {
		shape(m, m->att_w, D, D);
		n++;
	} else {
		assert(m->att_w < 0);
	}
	if (c->attention == S2S_ATT_ADDITIVE) {
		shape(m, m->att_w1, D, D);
		shape(m, m->att_w2, D, D);
		shape(m, m->att_v, 1, D);
		n += 3;
	} else {
		assert(m->att_w1 < 0 && m->att_w2 < 0 && m->att_v < 0);
	}
	if (c->attention != S2S_ATT_NONE) {
		shape(m, m->comb_w, D, 2 * D);
		shape(m, m->comb_b, 1, D);
		n += 2;
	} else {
		assert(m->comb_w < 0 && m->comb_b < 0);
	}
	shape(m, m->out_w, c->tgt, m->O);
	shape(m, m->out_b, 1, c->tgt);
	/* src.emb, tgt.emb, out.w, out.b and the rest counted above */
	assert(m->L.n == n);
}

/* The parameters' largest magnitude. */
static float max_abs(const struct s2s_model *m)
{
	float a = 0;

	for (int i = 0; i < m->L.n; i++) {
		const float *p = m->w + m->L.t[i].off;

		for (size_t k = 0; k < m->L.t[i].rows * m->L.t[i].cols; k++)
			a = fabsf(p[k]) > a ? fabsf(p[k]) : a;
	}
	return a;
}

/* Appends the text of the model's source unit id to b as a line would have it. */
static void put_unit(struct buf *b, const struct s2s_model *m, size_t id)
{
	size_t len;
	const char *k = strtab_key(&m->src, id, &len);

	s2s_unit_text(b, k, len, m->c.units);
}

/* The checks of every output of res for the sources of d (maxlen: the limit given, 0 for the
 * default). */
static void check_outputs(const struct s2s_model *m, const struct s2s_data *d,
                          const struct s2s_results *res, size_t maxlen, int weights, int sane)
{
	assert(res->n == d->n);
	for (size_t i = 0; i < res->n; i++) {
		const struct s2s_out *o = &res->out[i];
		size_t S, lim;

		(void)s2s_src(d, i, &S);
		lim = maxlen ? maxlen : s2s_default_maxlen(S);
		if (S == 0) {
			assert(o->len == 0);
			continue;
		}
		assert(o->len <= lim);
		assert(o->ended || o->len == lim);
		for (size_t t = 0; t < o->len; t++)
			assert(o->ids[t] < m->c.tgt && o->ids[t] != S2S_BOS && o->ids[t] != S2S_EOS);
		assert(isnan(o->score) || o->score <= 1e-6);
		assert(!sane || isfinite(o->score));
		if (weights && m->c.attention != S2S_ATT_NONE && o->att)
			for (size_t t = 0; t < o->len + (size_t)o->ended; t++) {
				double s = 0;
				int nan = 0;

				for (size_t k = 0; k < S; k++) {
					float a = o->att[t * S + k];

					nan |= isnan(a);
					assert(nan || (a >= 0 && a <= 1 + 1e-6f));
					s += a;
				}
				assert(!sane || !nan);
				assert(nan || fabs(s - 1) < 1e-3);
			}
	}
}

#define NLINES 5

/* The sources: the model's last source unit, an unseen one, both, nothing, twelve of its units
 * (as a line has them: tokens with a blank between) into line[NLINES]. */
static void sources(const struct s2s_model *m, struct buf *line)
{
	static const char unseen[] = "Zq\xc3\xa9X";
	const char *sep = m->c.units == S2S_TOKENS ? " " : "";

	put_unit(&line[0], m, m->c.src - 1);
	buf_put(&line[1], unseen, sizeof(unseen) - 1);
	put_unit(&line[2], m, m->c.src - 1);
	buf_put(&line[2], sep, strlen(sep));
	buf_put(&line[2], unseen, sizeof(unseen) - 1);
	for (size_t k = 0; k < 12; k++) {
		if (k)
			buf_put(&line[4], sep, strlen(sep));
		put_unit(&line[4], m, (k * 7) % m->c.src);
	}
}

/* Adds the line b [n] to d; a line refused (more than S2S_MAX_LEN units: a model's units may
 * be long words) has a message. Returns whether it was added. */
static int add(struct s2s_data *d, const char *b, size_t n, uint64_t lineno)
{
	struct error e;

	if (s2s_data_add(d, b ? b : "", n, "line", lineno, &e) < 0) {
		assert(e.msg[0]);
		return 0;
	}
	return 1;
}

/* Scores the pairs of each source line[i] and greedy's output of it, g's row[i] (those that ended, and
 * whose text splits back into the same units): score's teacher forcing gives the decoder's own
 * sum of log probabilities, within the rounding of the parameters' size. */
static void score_outputs(const struct s2s_model *m, const struct buf *line, const int *row,
                          const struct s2s_results *g, float amax)
{
	struct s2s_data p;
	struct buf b = {0};
	struct error e;
	size_t which[NLINES], n = 0;
	double *sc = malloc(NLINES * sizeof(*sc));

	assert(sc);
	assert(s2s_data_init(&p, m->c.units, 1, (int)m->c.reverse, m, &e) == 0);
	for (size_t i = 0; i < NLINES; i++) {
		const struct s2s_out *o;
		const uint32_t *t;
		size_t len;

		if (row[i] < 0)
			continue;
		o = &g->out[row[i]];
		if (!line[i].len || !o->ended)
			continue;
		b.len = 0;
		buf_put(&b, line[i].p, line[i].len);
		buf_putc(&b, '\t');
		for (size_t k = 0; k < o->len; k++) {
			size_t kl;
			const char *key = strtab_key(&m->tgt, o->ids[k], &kl);

			if (k && m->c.units == S2S_TOKENS)
				buf_putc(&b, ' ');
			s2s_unit_text(&b, key, kl, m->c.units);
		}
		if (!add(&p, b.p, b.len, i + 1))
			continue;
		t = s2s_tgt(&p, p.n - 1, &len);
		if (len != o->len || (len && memcmp(t, o->ids, len * sizeof(*t)) != 0)) {
			/* a unit whose text is several (or a tab): not the same target; left out */
			p.n--;
			p.nids = (size_t)p.start[2 * p.n];
			continue;
		}
		which[n++] = (size_t)row[i];
	}
	assert(s2s_score_all(m, &p, sc, &e) == 0);
	for (size_t k = 0; k < n; k++) {
		const struct s2s_out *o = &g->out[which[k]];
		double tol = 1e-4 + 1e-5 * (double)(o->len + 1) * (1 + (double)amax * (double)(m->O + 1));

		assert(isnan(sc[k]) || sc[k] <= 1e-6);
		if (amax <= 10)
			assert(fabs(sc[k] - o->score) <= tol);
	}
	s2s_data_free(&p);
	buf_free(&b);
	free(sc);
}

/* Translates a few sources greedily, and with bits 2..3 by beam search (of width 1: greedy's
 * outputs again); with bit 4 the attention weights; with bit 5 outputs of 3 units at most. Then
 * scores greedy's outputs. */
static void translate(const struct s2s_model *m, uint8_t opt)
{
	size_t K = (opt >> 2) & 3, maxlen = (opt & 32) ? 3 : 0;
	int weights = (opt >> 4) & 1, row[NLINES];
	float amax = max_abs(m);
	int sane = amax <= 1e4f;
	struct buf line[NLINES] = {{0}};
	struct s2s_data d;
	struct s2s_results g, b;
	struct error e;

	sources(m, line);
	assert(s2s_data_init(&d, m->c.units, 0, (int)m->c.reverse, m, &e) == 0);
	for (size_t i = 0; i < NLINES; i++)
		row[i] = add(&d, line[i].p, line[i].len, i + 1) ? (int)d.n - 1 : -1;
	nn_set_threads(1);
	assert(s2s_translate_all(m, &d, 0, maxlen, weights, 1, &g, &e) == 0);
	check_outputs(m, &d, &g, maxlen, weights, sane);
	if (K) {
		assert(s2s_translate_all(m, &d, K, maxlen, weights, 1, &b, &e) == 0);
		check_outputs(m, &d, &b, maxlen, weights, sane);
		/* beam search of width 1 makes greedy's choices */
		for (size_t i = 0; K == 1 && i < g.n; i++) {
			assert(g.out[i].len == b.out[i].len && g.out[i].ended == b.out[i].ended);
			assert(g.out[i].len == 0 ||
			       memcmp(g.out[i].ids, b.out[i].ids, g.out[i].len * sizeof(uint32_t)) == 0);
		}
		s2s_results_free(&b);
	}
	score_outputs(m, line, row, &g, amax);
	s2s_results_free(&g);
	s2s_data_free(&d);
	for (size_t i = 0; i < NLINES; i++)
		buf_free(&line[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t opt = fuzz_take(&data, &size);
	uint8_t *fixed = fuzz_nnfile_copy(data, size, S2S_HEADER, opt & 2);
	struct s2s_model m;
	struct error e;
	int fds;

	data = fixed;
	fuzz_file_init(&in, "model");
	fuzz_file_init(&out, "again");
	fuzz_file_set(&in, data, size);
	fds = fuzz_fds();
	if (s2s_model_load(&m, in.path, &e) < 0) {
		assert(e.msg[0]);
		assert(fuzz_fds() == fds);
		free(fixed);
		return 0;
	}
	assert(fuzz_fds() == fds);
	check_tables(&m);
	check_tensors(&m, le_get_u64(data + 32));
	{
		struct writer w;

		fuzz_writer(&w, &out);
		s2s_model_write(&m, &w);
		fuzz_wrote_back(&w, &out, data, size);
	}
	/* translating costs the parameters' size: only for small models */
	if ((opt & 1) && m.L.used < 1 << 16)
		translate(&m, opt);
	s2s_model_free(&m);
	free(fixed);
	return 0;
}
