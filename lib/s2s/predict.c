/* predict.c: a data set's translations, batched by source length on threads. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/par.h"
#include "nn/gemm.h"
#include "s2s/predict.h"

struct job {
	const struct s2s_model *m;
	const struct s2s_data *d;
	const uint32_t *ord;        /* [n] the sentences by source length */
	const size_t *bstart;       /* [nb + 1] batch k is ord[bstart[k] .. bstart[k+1]) */
	size_t nb, K, maxlen, Smax, Lmax, bmax;
	int weights;
	struct s2s_results *res;
	const uint64_t *ioff, *aoff; /* [n] where sentence i's ids and rows go */
	int failed;
	struct error err;
};

static size_t limit(const struct job *j, size_t S)
{
	return j->maxlen ? j->maxlen : s2s_default_maxlen(S);
}

static int by_length(const void *pa, const void *pb, void *ctx)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	size_t la, lb;

	s2s_src(ctx, a, &la);
	s2s_src(ctx, b, &lb);
	if (la != lb)
		return la < lb ? -1 : 1;
	return a < b ? -1 : a > b;
}

/* The n sentences of d in order of source length into ord [n], cut into batches of one length
 * and at most bmax sentences: batch k is ord[bstart[k] .. bstart[k+1]). Returns the batches. */
static size_t length_batches(const struct s2s_data *d, size_t bmax, uint32_t *ord,
                             size_t *bstart)
{
	size_t nb = 0, S0 = 0;

	for (size_t i = 0; i < d->n; i++)
		ord[i] = (uint32_t)i;
	qsort_r(ord, d->n, sizeof(uint32_t), by_length, (void *)d);
	for (size_t i = 0; i < d->n; i++) {
		size_t S;

		s2s_src(d, ord[i], &S);
		if (i == 0 || S != S0 || i - bstart[nb] == bmax) {
			bstart[i == 0 ? 0 : ++nb] = i;
			S0 = S;
		}
	}
	if (d->n)
		bstart[++nb] = d->n;
	return nb;
}

static void run(void *ctx, int t, int nt)
{
	struct job *j = ctx;
	struct error e;
	struct s2s_decoder *dec;
	uint32_t *src = malloc((j->Smax * j->bmax + 1) * sizeof(uint32_t));
	struct s2s_out out[S2S_DECODE_BATCH];
	int was = nn_gemm_local();

	if (nt > 1)
		nn_gemm_threads(1);
	dec = src ? s2s_decoder_new(j->m, j->bmax, j->Smax, j->Lmax, j->K, j->weights,
	                            &e)
	          : NULL;
	if (!dec) {
		if (!src)
			error_set(&e, -1, ENOMEM, NULL, 0, "the decoder's input");
		j->failed = 1;
		j->err = e;
		free(src);
		nn_gemm_threads(was);
		return;
	}
	for (size_t k = (size_t)t; k < j->nb; k += (size_t)nt) {
		const uint32_t *ord = j->ord + j->bstart[k];
		size_t B = j->bstart[k + 1] - j->bstart[k], S, ml;

		s2s_src(j->d, ord[0], &S);
		if (S == 0)
			continue;
		s2s_data_batch(j->d, ord, B, src, NULL, NULL);
		ml = limit(j, S);
		s2s_decode(dec, j->m, src, S, B, ml, out);
		for (size_t b = 0; b < B; b++) {
			struct s2s_out *o = &j->res->out[ord[b]];
			size_t rows = out[b].len + (size_t)out[b].ended;

			*o = out[b];
			o->ids = j->res->ids + j->ioff[ord[b]];
			memcpy(o->ids, out[b].ids, out[b].len * sizeof(uint32_t));
			if (out[b].att) {
				/* the columns in the input's order: the model's reversed when it reads the
				 * source backwards */
				o->att = j->res->att + j->aoff[ord[b]];
				for (size_t r = 0; r < rows; r++)
					for (size_t c = 0; c < S; c++)
						o->att[r * S + c] =
						    out[b].att[r * S + (j->m->c.reverse ? S - 1 - c : c)];
			}
		}
	}
	s2s_decoder_free(dec);
	free(src);
	nn_gemm_threads(was);
}

int s2s_translate_all(const struct s2s_model *m, const struct s2s_data *d, size_t K,
                      size_t maxlen, int weights, int nt, struct s2s_results *res,
                      struct error *e)
{
	struct job j = {.m = m, .d = d, .K = K, .maxlen = maxlen, .res = res};
	uint32_t *ord = malloc((d->n + 1) * sizeof(uint32_t));
	size_t *bstart = malloc((d->n + 1) * sizeof(size_t));
	uint64_t *ioff = malloc((d->n + 1) * sizeof(uint64_t));
	uint64_t *aoff = malloc((d->n + 1) * sizeof(uint64_t));
	uint64_t ni = 0, na = 0;
	int ret = -1;

	memset(res, 0, sizeof(*res));
	j.weights = weights && m->c.attention != S2S_ATT_NONE;
	if (!ord || !bstart || !ioff || !aoff)
		goto nomem;
	for (size_t i = 0; i < d->n; i++) {
		size_t S, ml;

		s2s_src(d, i, &S);
		ml = S ? limit(&j, S) : 0;
		ioff[i] = ni;
		aoff[i] = na;
		ni += ml;
		na += j.weights ? (ml + 1) * S : 0;
		j.Smax = S > j.Smax ? S : j.Smax;
		j.Lmax = ml > j.Lmax ? ml : j.Lmax;
	}
	/* fewer sentences a batch when the beam's rows or the attention's history would be large */
	j.bmax = S2S_DECODE_BATCH;
	while (j.bmax > 1 && j.bmax * (K ? K : 1) > 1024)
		j.bmax /= 2;
	while (j.bmax > 1 && j.weights &&
	       (uint64_t)j.bmax * (K ? K : 1) * (j.Lmax + 1) * j.Smax * 3 * sizeof(float) >
	           ((uint64_t)256 << 20))
		j.bmax /= 2;
	j.nb = length_batches(d, j.bmax, ord, bstart);
	res->n = d->n;
	res->out = calloc(d->n + 1, sizeof(struct s2s_out));
	res->ids = malloc((ni + 1) * sizeof(uint32_t));
	res->att = malloc((na + 1) * sizeof(float));
	if (!res->out || !res->ids || !res->att)
		goto nomem;
	for (size_t i = 0; i < d->n; i++)
		res->out[i].ids = res->ids + ioff[i];
	j.ord = ord;
	j.bstart = bstart;
	j.ioff = ioff;
	j.aoff = aoff;
	if (nt > 1 && j.nb > 1)
		par_run(nt < (int)j.nb ? nt : (int)j.nb, run, &j);
	else
		run(&j, 0, 1);
	if (j.failed) {
		*e = j.err;
		s2s_results_free(res);
	} else {
		ret = 0;
	}
	goto out;
nomem:
	s2s_results_free(res);
	error_set(e, -1, ENOMEM, NULL, 0, "the translations of %zu lines", d->n);
out:
	free(ord);
	free(bstart);
	free(ioff);
	free(aoff);
	return ret;
}

void s2s_results_free(struct s2s_results *res)
{
	free(res->out);
	free(res->ids);
	free(res->att);
	memset(res, 0, sizeof(*res));
}

int s2s_exact(const struct s2s_data *d, size_t i, const struct s2s_out *o)
{
	size_t n;
	const uint32_t *t = s2s_tgt(d, i, &n);

	if (n != o->len)
		return 0;
	for (size_t k = 0; k < n; k++)
		if (t[k] != o->ids[k] || t[k] == S2S_UNK)
			return 0;
	return 1;
}

int s2s_score_all(const struct s2s_model *m, const struct s2s_data *d, double *scores,
                  struct error *e)
{
	size_t Smax = 0, Tmax = 0, B = S2S_DECODE_BATCH, n = d->n, nb;
	uint32_t *ord = malloc((n + 1) * sizeof(uint32_t)), *src = NULL, *in = NULL, *out = NULL;
	size_t *bstart = malloc((n + 1) * sizeof(size_t));
	double *lp = NULL;
	struct s2s_run *r = NULL;
	int ret = -1;

	for (size_t i = 0; i < n; i++) {
		size_t S, T;

		s2s_src(d, i, &S);
		s2s_tgt(d, i, &T);
		Smax = S > Smax ? S : Smax;
		Tmax = T + 1 > Tmax ? T + 1 : Tmax;
		scores[i] = 0;
	}
	if (!ord || !bstart || !(src = malloc((Smax * B + 1) * sizeof(uint32_t))) ||
	    !(in = malloc((Tmax * B + 1) * sizeof(uint32_t))) ||
	    !(out = malloc((Tmax * B + 1) * sizeof(uint32_t))) ||
	    !(lp = malloc((Tmax * B + 1) * sizeof(double)))) {
		error_set(e, -1, ENOMEM, NULL, 0, "the scores of %zu pairs", n);
		goto done;
	}
	if (n == 0 || Smax == 0) {
		ret = 0;
		goto done;
	}
	if (!(r = s2s_run_new(m, Smax, Tmax, B, 0, e)))
		goto done;
	nb = length_batches(d, B, ord, bstart);
	for (size_t k = 0; k < nb; k++) {
		const uint32_t *idx = ord + bstart[k];
		size_t S, T, Bk = bstart[k + 1] - bstart[k];
		struct s2s_batch bt;

		s2s_src(d, idx[0], &S);
		if (S == 0)
			continue;
		T = s2s_data_batch(d, idx, Bk, src, in, out);
		bt = (struct s2s_batch){src, in, out, S, T, Bk};
		s2s_forward(r, m, &bt, 0, NULL);
		s2s_backward(r, m, NULL, 1, lp);
		for (size_t t = 0; t < T; t++)
			for (size_t b = 0; b < Bk; b++)
				if (out[t * Bk + b] != S2S_PAD)
					scores[idx[b]] += lp[t * Bk + b];
	}
	ret = 0;
done:
	s2s_run_free(r);
	free(ord);
	free(bstart);
	free(src);
	free(in);
	free(out);
	free(lp);
	return ret;
}
