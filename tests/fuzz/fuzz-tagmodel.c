/* fuzz-tagmodel: nlp-tag's model files (tag/model.c over nn/nnfile.c, nlp-tag's --model) as
 * tagging and eval read them: tag_model_load on the path of a memory file, which slurps it and
 * hands it to tag_model_parse. The checksum (bytes 40..47) is set to the mutated bytes' own
 * unless the first byte's bit 1 is set, so that mutations reach the checks behind it. On an
 * accepted file: the tables are the header's sizes, every entry found again at its id, without
 * blanks, NUL or newlines, <unk> first in a recurrent model's words (and characters), - and S a
 * spacing model's tags; every tensor has the shape lib/tag/model.h gives it from the header; the
 * model written again with tag_model_write is the file, byte for byte; and with bit 0, for a
 * small model, a short sentence tagged one at a time (tag_predictor, tag/predict.h: a known
 * word, an unseen one, one of more than TAG_WORD_CHARS characters; a model of characters gets
 * the characters of those) and the same as a data set (tag_predict_data, in batches): every tag
 * one of the model's. */
#include "fuzznn.h"
#include "base/le.h"
#include "nn/gemm.h"
#include "nn/nnfile.h"
#include "tag/predict.h"

static struct fuzz_file in, out;

static void check_tables(const struct tag_model *m)
{
	const struct strtab *t[3] = {&m->tags, &m->words, &m->chars};

	assert(m->tags.n == m->c.tags && m->words.n == m->c.words && m->chars.n == m->c.chars);
	for (int k = 0; k < 3; k++)
		for (size_t i = 0; i < t[k]->n; i++) {
			size_t len;
			const char *s = strtab_key(t[k], i, &len);

			assert(len >= 1 && len <= TAG_WORD_MAX);
			assert(strtab_find(t[k], s, len) == (int64_t)i);
			for (size_t j = 0; j < len; j++)
				assert(s[j] != '\0' && s[j] != '\n' && !spans_is_blank((unsigned char)s[j]));
		}
	if (m->c.kind == TAG_RECURRENT) {
		size_t len;
		const char *w = strtab_key(&m->words, 0, &len);

		assert(len == 5 && memcmp(w, "<unk>", 5) == 0);
		if (m->c.chars) {
			w = strtab_key(&m->chars, 0, &len);
			assert(len == 5 && memcmp(w, "<unk>", 5) == 0);
		}
	}
	if (m->c.spacing) {
		size_t a, b;
		const char *s0 = strtab_key(&m->tags, 0, &a), *s1 = strtab_key(&m->tags, 1, &b);

		assert(m->c.units == TAG_UNITS_CHARS && m->c.tags == 2);
		assert(a == 1 && *s0 == '-' && b == 1 && *s1 == 'S');
	}
}

static void shape(const struct tag_model *m, int t, size_t rows, size_t cols)
{
	assert(t >= 0 && t < m->L.n);
	assert(m->L.t[t].rows * m->L.t[t].cols == rows * cols);
	assert(rows == 1 || (m->L.t[t].rows == rows && m->L.t[t].cols == cols));
}

static void check_tensors(const struct tag_model *m, uint64_t P)
{
	const struct tag_config *c = &m->c;

	assert(m->L.used == P);
	if (c->kind == TAG_LINEAR) {
		shape(m, m->feat_key, c->features, 4);
		shape(m, m->feat_w, c->features, c->tags);
		shape(m, m->dict, 1, c->words);
		assert(m->emb < 0 && m->out_w < 0 && m->L.n == 3);
		return;
	}
	size_t G = nn_cell_gates(c->cell), H = c->hidden, D = c->bidirectional ? 2 : 1;
	size_t F = c->char_emb ? c->char_filters : 0;

	assert(c->cell <= NN_CELL_GRU && c->layers >= 1 && c->layers <= TAG_MAX_LAYERS);
	shape(m, m->emb, c->words, c->emb);
	if (c->char_emb) {
		assert(c->char_width % 2 == 1);
		shape(m, m->cemb, c->chars, c->char_emb);
		shape(m, m->conv_w, F, (size_t)c->char_width * c->char_emb);
		shape(m, m->conv_b, 1, F);
	} else {
		assert(m->cemb < 0 && m->conv_w < 0 && c->chars == 0);
	}
	for (unsigned l = 0; l < c->layers; l++)
		for (unsigned d = 0; d < 2; d++) {
			if (d >= D) {
				assert(m->w_ih[l][d] < 0);
				continue;
			}
			shape(m, m->w_ih[l][d], G * H, l ? D * H : c->emb + F);
			shape(m, m->w_hh[l][d], G * H, H);
			shape(m, m->b_ih[l][d], 1, G * H);
			shape(m, m->b_hh[l][d], 1, G * H);
		}
	shape(m, m->out_w, c->tags, D * H);
	shape(m, m->out_b, 1, c->tags);
	/* emb, the encoder's three, four a direction of a layer, out.w and out.b */
	assert((size_t)m->L.n == 3 + (c->char_emb ? 3 : 0) + 4 * D * c->layers);
	assert(m->feat_key < 0);
}

/* The tokens of a few words: the model's last word, an unseen one, a long one; split into
 * characters for a model of characters. */
static void tag_some(const struct tag_model *m)
{
	static const char unseen[] = "Zq\xc3\xa9X";
	static const char longw[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                            "0123456789\xea\xb0\x80\xea\xb0\x81\xea\xb0\x82-_.";
	char line[2 * TAG_WORD_MAX + 64];
	struct tag_predictor p;
	struct tag_data d;
	struct spans sp = {0};
	struct error e;
	uint32_t *one, *all;
	size_t len, n = 0;
	const char *w = m->c.words ? strtab_key(&m->words, m->c.words - 1, &len) : "x";

	if (!m->c.words)
		len = 1;
	memcpy(line + n, w, len);
	n += len;
	line[n++] = ' ';
	memcpy(line + n, unseen, sizeof(unseen) - 1);
	n += sizeof(unseen) - 1;
	line[n++] = ' ';
	memcpy(line + n, longw, sizeof(longw) - 1);
	n += sizeof(longw) - 1;
	/* the model's words are valid UTF-8 (nnfile checks) */
	tag_split(line, n, m->c.units, &sp, NULL, NULL);
	assert(sp.n >= 3);
	one = malloc(sp.n * sizeof(*one));
	all = malloc(sp.n * sizeof(*all));
	assert(one && all);
	assert(tag_predictor_init(&p, m, &e) == 0);
	assert(tag_predict(&p, sp.v, sp.n, one, &e) == 0);
	for (size_t i = 0; i < sp.n; i++)
		assert(one[i] < m->c.tags);
	tag_predictor_free(&p);
	/* the same line as a data set of text */
	assert(tag_data_init(&d, TAG_FMT_TEXT, TAG_COL_UPOS, m->c.units, 0, &e) == 0);
	assert(tag_data_add(&d, line, n, "text", 1, &e) == 0);
	assert(tag_data_end(&d, &e) == 0);
	assert(d.nsent == 1 && d.ntok == sp.n);
	assert(tag_predict_data(m, &d, 1, all, &e) == 0);
	for (size_t i = 0; i < sp.n; i++)
		assert(all[i] < m->c.tags);
	tag_data_free(&d);
	spans_free(&sp);
	free(one);
	free(all);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t opt = fuzz_take(&data, &size);
	uint8_t *fixed = fuzz_nnfile_copy(data, size, TAG_HEADER, opt & 2);
	struct tag_model m;
	struct error e;
	int fds;

	data = fixed;
	fuzz_file_init(&in, "model");
	fuzz_file_init(&out, "again");
	fuzz_file_set(&in, data, size);
	fds = fuzz_fds();
	if (tag_model_load(&m, in.path, &e) < 0) {
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
		tag_model_write(&m, &w);
		fuzz_wrote_back(&w, &out, data, size);
	}
	/* tagging costs the parameters' size: only for small models */
	if ((opt & 1) && m.L.used < 1 << 20) {
		nn_set_threads(1);
		tag_some(&m);
	}
	tag_model_free(&m);
	free(fixed);
	return 0;
}
