/* fuzz-clsmodel: nlp-classify's model files (cls/model.c over nn/nnfile.c, nlp-classify-model(5))
 * as nlp-classify predict and eval read them: cls_model_load on the path of a memory file, which
 * slurps it and hands it to cls_model_parse. The checksum (bytes 40..47) is set to the mutated
 * bytes' own unless the first byte's bit 1 is set, so that mutations reach the checks behind
 * it. On an accepted file: the tables and the tensors are the sizes the header gives, every
 * label and word is found again at its id, the linear model's kept buckets increase below its
 * buckets; the model written again with cls_model_write is the file, byte for byte; and with
 * bit 0, for a small model, the forward of a few tokens (cls/rnncls.h's cls_run_new,
 * cls_forward, cls_probs for a recurrent model, with its character n-grams through
 * cls_word_rows; cls/linear.h's cls_linear_predict for a linear one) gives probabilities in
 * [0, 1] that sum to 1, finite whenever the parameters are of a sane size (|w| <= 1e4; larger
 * ones may overflow a float32 product, as they would in PyTorch). */
#include <math.h>

#include "fuzznn.h"
#include "base/le.h"
#include "cls/linear.h"
#include "cls/model.h"
#include "cls/rnncls.h"
#include "nn/gemm.h"
#include "nn/nnfile.h"

static struct fuzz_file in, out;

/* The tables as the header says; each key found again at its id, no blank or NUL in it. */
static void check_tables(const struct cls_model *m)
{
	const struct strtab *t[2] = {&m->labels, &m->words};

	assert(m->labels.n == m->c.classes && m->words.n == m->c.words);
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < t[k]->n; i++) {
			size_t len;
			const char *s = strtab_key(t[k], i, &len);

			assert(len >= 1 && len <= 1024);
			assert(strtab_find(t[k], s, len) == (int64_t)i);
			for (size_t j = 0; j < len; j++)
				assert(s[j] != '\0' && s[j] != '\n' && !spans_is_blank((unsigned char)s[j]));
		}
}

/* The tensors' shapes as nlp-classify-model(5)'s tables give them from the header. */
static void check_tensors(const struct cls_model *m, uint64_t P)
{
	const struct cls_config *c = &m->c;
	const struct nn_layout *L = &m->L;

	assert(L->used == P);
	if (c->kind == CLS_RECURRENT) {
		size_t G = nn_cell_gates(c->cell), H = c->hidden, D = c->bidirectional ? 2 : 1;

		assert(c->cell <= NN_CELL_GRU && c->layers >= 1 && c->layers <= CLS_MAX_LAYERS);
		assert(m->emb >= 0 && L->t[m->emb].cols == c->emb &&
		       L->t[m->emb].rows == c->words + (c->maxn ? c->buckets : 0));
		for (unsigned l = 0; l < c->layers; l++)
			for (unsigned d = 0; d < 2; d++) {
				if (d >= D) {
					assert(m->w_ih[l][d] < 0);
					continue;
				}
				assert(L->t[m->w_ih[l][d]].rows == G * H &&
				       L->t[m->w_ih[l][d]].cols == (l ? D * H : c->emb));
				assert(L->t[m->w_hh[l][d]].rows == G * H && L->t[m->w_hh[l][d]].cols == H);
				assert(L->t[m->b_ih[l][d]].rows * L->t[m->b_ih[l][d]].cols == G * H);
				assert(L->t[m->b_hh[l][d]].rows * L->t[m->b_hh[l][d]].cols == G * H);
			}
		assert((c->pool == CLS_POOL_ATTENTION) == (m->att_w >= 0));
		if (m->att_w >= 0)
			assert(L->t[m->att_w].rows == c->att && L->t[m->att_w].cols == D * H);
		assert(L->t[m->out_w].rows == c->classes && L->t[m->out_w].cols == D * H);
		assert(m->in < 0);
	} else {
		assert(L->t[m->in].rows == (size_t)c->words + c->kept && L->t[m->in].cols == c->emb);
		assert(L->t[m->lin_out].rows == c->classes - (c->loss == CLS_LOSS_HS) &&
		       L->t[m->lin_out].cols == c->emb);
		assert((c->loss == CLS_LOSS_HS) == (m->hs_count >= 0));
		for (uint32_t k = 0; k < c->kept; k++) {
			assert(m->kept_bucket[k] < c->buckets);
			assert(k == 0 || m->kept_bucket[k] > m->kept_bucket[k - 1]);
		}
		assert(m->emb < 0);
	}
}

/* The parameters' largest magnitude. */
static float max_abs(const struct cls_model *m)
{
	float a = 0;

	for (int i = 0; i < m->L.n; i++) {
		const float *p = m->w + m->L.t[i].off;

		for (size_t k = 0; k < m->L.t[i].rows * m->L.t[i].cols; k++)
			a = fabsf(p[k]) > a ? fabsf(p[k]) : a;
	}
	return a;
}

static void check_probs(const struct cls_model *m, const float *p)
{
	double s = 0;
	int sane = max_abs(m) <= 1e4f, nan = 0;

	for (uint32_t k = 0; k < m->c.classes; k++) {
		assert(isnan(p[k]) || (p[k] >= 0 && p[k] <= 1 + 1e-6f));
		nan |= isnan(p[k]);
		s += p[k];
	}
	assert(!sane || !nan);
	assert(nan || fabs(s - 1) < 1e-3);
}

/* The probabilities of a few tokens: word 0, the last word, a word no model has. */
static void forward(const struct cls_model *m)
{
	static const char unseen[] = "zq\xc3\xa9x";
	struct span tok[3];
	float *p = malloc(m->c.classes * sizeof(*p));
	struct error e;
	size_t len;

	assert(p);
	tok[0].p = strtab_key(&m->words, 0, &len);
	tok[0].n = len;
	tok[1].p = strtab_key(&m->words, m->c.words - 1, &len);
	tok[1].n = len;
	tok[2].p = unseen;
	tok[2].n = sizeof(unseen) - 1;
	if (m->c.kind == CLS_LINEAR) {
		struct cls_linear_scratch s;

		assert(cls_linear_scratch_init(&s, m, &e) == 0);
		assert(cls_linear_predict(m, tok, 3, &s, p, &e) == 0);
		check_probs(m, p);
		cls_linear_scratch_free(&s);
	} else {
		uint32_t *rows = malloc(3 * CLS_MAX_ROWS * sizeof(*rows)), start[4], k = 0;
		size_t T = m->c.max_len && m->c.max_len < 3 ? m->c.max_len : 3;
		struct cls_run *r = cls_run_new(m, T + 1, 1, 0, 0, &e);
		struct cls_input input;

		assert(rows && r);
		for (size_t t = 0; t < T; t++) {
			int64_t id = strtab_find(&m->words, tok[t].p, tok[t].n);
			size_t n = cls_word_rows(m, id < 0 ? CLS_UNK : (uint32_t)id, tok[t].p, tok[t].n,
			                         rows + k);

			assert(n >= 1 && n <= CLS_MAX_ROWS);
			start[t] = k;
			k += (uint32_t)n;
			for (uint32_t i = start[t]; i < k; i++)
				assert(rows[i] < m->L.t[m->emb].rows);
		}
		start[T] = k;
		input = (struct cls_input){rows, start};
		cls_forward(r, m, &input, T, 1, 0, NULL);
		cls_probs(r, p);
		check_probs(m, p);
		if (m->c.pool == CLS_POOL_ATTENTION && !isnan(p[0])) {
			double s = 0;

			for (size_t t = 0; t < T; t++)
				s += r->att[t];
			assert(isnan(s) || fabs(s - 1) < 1e-3);
		}
		cls_run_free(r);
		free(rows);
	}
	free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t opt = fuzz_take(&data, &size);
	uint8_t *fixed = fuzz_nnfile_copy(data, size, CLS_HEADER, opt & 2);
	struct cls_model m;
	struct error e;
	int fds;

	data = fixed;
	fuzz_file_init(&in, "model");
	fuzz_file_init(&out, "again");
	fuzz_file_set(&in, data, size);
	fds = fuzz_fds();
	if (cls_model_load(&m, in.path, &e) < 0) {
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
		cls_model_write(&m, &w);
		fuzz_wrote_back(&w, &out, data, size);
	}
	/* a forward costs the parameters' size: only for small models */
	if ((opt & 1) && m.L.used < 1 << 20) {
		nn_set_threads(1);
		forward(&m);
	}
	cls_model_free(&m);
	free(fixed);
	return 0;
}
