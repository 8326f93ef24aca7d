/* rnn.c: the tanh RNN, LSTM and GRU layers, forward and backward over a window. */
#include <cblas.h>
#include <string.h>

#include "base/simd.h"
#include "nn/act.h"
#include "nn/gemm.h"
#include "nn/rnn.h"

/* rows [N][D] = v [D] each */
static void fill_rows(float *rows, const float *v, size_t N, size_t D)
{
	for (size_t n = 0; n < N; n++)
		memcpy(rows + n * D, v, D * sizeof(float));
}

/* c [M][N] += a [M][K] b^T, b [N][K] */
static void gemm_nt(float *c, const float *a, const float *b, size_t M, size_t N, size_t K,
                    float beta)
{
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)M, (int)N, (int)K, 1.0f, a,
	            (int)K, b, (int)K, beta, c, (int)N);
}

/* out [N] = a [N] * b [N] */
SIMD_CLONES
static void mul_rows(float *restrict out, const float *restrict a, const float *restrict b,
                     size_t N)
{
	for (size_t i = 0; i < N; i++)
		out[i] = a[i] * b[i];
}

/* ---- the gates of one step, element-wise over [B][H] ---- */

SIMD_CLONES
static void rnn_step(float *restrict h, const float *restrict pre, size_t B, size_t H)
{
	for (size_t i = 0; i < B * H; i++)
		h[i] = nn_tanh(pre[i]);
}

/* g [B][4H] in: pre-activations, out: activations; cp, c, h [B][H] */
SIMD_CLONES
static void lstm_step(float *restrict h, float *restrict c, float *restrict g,
                      const float *restrict cp, size_t B, size_t H)
{
	for (size_t b = 0; b < B; b++) {
		float *gi = g + b * 4 * H, *gf = gi + H, *gg = gf + H, *go = gg + H;
		const float *cpb = cp + b * H;
		float *cb = c + b * H, *hb = h + b * H;

		for (size_t j = 0; j < H; j++) {
			float i = nn_sigmoid(gi[j]), f = nn_sigmoid(gf[j]), u = nn_tanh(gg[j]);
			float o = nn_sigmoid(go[j]), cn = f * cpb[j] + i * u;

			gi[j] = i;
			gf[j] = f;
			gg[j] = u;
			go[j] = o;
			cb[j] = cn;
			hb[j] = o * nn_tanh(cn);
		}
	}
}

/* g [B][3H] in: the input side's pre-activations, out: r, z, n; s [B][3H] the recurrent side
 * (W_hh h + b_hh); hn, hp, h [B][H] */
SIMD_CLONES
static void gru_step(float *restrict h, float *restrict hn, float *restrict g,
                     const float *restrict s, const float *restrict hp, size_t B, size_t H)
{
	for (size_t b = 0; b < B; b++) {
		float *gr = g + b * 3 * H, *gz = gr + H, *gn = gz + H;
		const float *sr = s + b * 3 * H, *sz = sr + H, *sn = sz + H, *hpb = hp + b * H;
		float *hb = h + b * H, *hnb = hn + b * H;

		for (size_t j = 0; j < H; j++) {
			float r = nn_sigmoid(gr[j] + sr[j]), z = nn_sigmoid(gz[j] + sz[j]);
			float n = nn_tanh(gn[j] + r * sn[j]);

			gr[j] = r;
			gz[j] = z;
			gn[j] = n;
			hnb[j] = sn[j];
			hb[j] = (1.0f - z) * n + z * hpb[j];
		}
	}
}

void rnn_forward(float *hs, float *cs, float *gates, float *hn, float *tmp, const float *x,
                 const float *w_ih, const float *w_hh, const float *b_ih, const float *b_hh,
                 const struct rnn_dims *d)
{
	size_t T = d->T, B = d->B, H = d->H, G = nn_cell_gates(d->cell), GH = G * H;

	/* the input side of every step at once, with both biases where they simply add */
	fill_rows(gates, b_ih, T * B, GH);
	if (d->cell != NN_CELL_GRU)
		for (size_t r = 0; r < T * B; r++)
			for (size_t k = 0; k < GH; k++)
				gates[r * GH + k] += b_hh[k];
	nn_gemm(0, 1, T * B, GH, d->In, 1.0f, x, d->In, w_ih, d->In, 1.0f, gates, GH);
	for (size_t t = 0; t < T; t++) {
		const float *hp = hs + t * B * H, *hr = d->hmask ? d->hm + t * B * H : hp;
		float *g = gates + t * B * GH, *h = hs + (t + 1) * B * H;

		if (d->hmask)
			mul_rows(d->hm + t * B * H, hp, d->hmask, B * H);

		switch (d->cell) {
		case NN_CELL_RNN:
			gemm_nt(g, hr, w_hh, B, GH, H, 1.0f);
			rnn_step(h, g, B, H);
			break;
		case NN_CELL_LSTM:
			gemm_nt(g, hr, w_hh, B, GH, H, 1.0f);
			lstm_step(h, cs + (t + 1) * B * H, g, cs + t * B * H, B, H);
			break;
		case NN_CELL_GRU:
			fill_rows(tmp, b_hh, B, GH);
			gemm_nt(tmp, hr, w_hh, B, GH, H, 1.0f);
			gru_step(h, hn + t * B * H, g, tmp, hp, B, H);
			break;
		}
	}
}

/* ---- backward ---- */

/* dg [B][H] = dh (1 - h^2) */
SIMD_CLONES
static void rnn_step_back(float *restrict dg, const float *restrict dh, const float *restrict h,
                          size_t B, size_t H)
{
	for (size_t i = 0; i < B * H; i++)
		dg[i] = dh[i] * (1.0f - h[i] * h[i]);
}

/* dg [B][4H] out; dc [B][H] in: from the step after, out: to the step before; g [B][4H] the
 * activations; c, cp, dh [B][H] */
SIMD_CLONES
static void lstm_step_back(float *restrict dg, float *restrict dc, const float *restrict dh,
                           const float *restrict g, const float *restrict c,
                           const float *restrict cp, size_t B, size_t H)
{
	for (size_t b = 0; b < B; b++) {
		const float *gi = g + b * 4 * H, *gf = gi + H, *gg = gf + H, *go = gg + H;
		float *di = dg + b * 4 * H, *df = di + H, *dgg = df + H, *dout = dgg + H;
		float *dcb = dc + b * H;
		const float *cb = c + b * H, *cpb = cp + b * H, *dhb = dh + b * H;

		for (size_t j = 0; j < H; j++) {
			float i = gi[j], f = gf[j], u = gg[j], o = go[j], tc = nn_tanh(cb[j]);
			float dcv = dcb[j] + dhb[j] * o * (1.0f - tc * tc);

			di[j] = dcv * u * i * (1.0f - i);
			df[j] = dcv * cpb[j] * f * (1.0f - f);
			dgg[j] = dcv * i * (1.0f - u * u);
			dout[j] = dhb[j] * tc * o * (1.0f - o);
			dcb[j] = dcv * f;
		}
	}
}

/* dgx, dgh [B][3H] out; g [B][3H] the activations r, z, n; hn, hp, dh [B][H]; dhp [B][H] (the
 * step before's dy, or NULL at the first step) += dh z */
SIMD_CLONES
static void gru_step_back(float *restrict dgx, float *restrict dgh, float *restrict dhp,
                          const float *restrict dh, const float *restrict g,
                          const float *restrict hn, const float *restrict hp, size_t B, size_t H)
{
	for (size_t b = 0; b < B; b++) {
		const float *gr = g + b * 3 * H, *gz = gr + H, *gn = gz + H;
		const float *dhb = dh + b * H, *hnb = hn + b * H, *hpb = hp + b * H;
		float *xr = dgx + b * 3 * H, *xz = xr + H, *xn = xz + H;
		float *sr = dgh + b * 3 * H, *sz = sr + H, *sn = sz + H;

		for (size_t j = 0; j < H; j++) {
			float r = gr[j], z = gz[j], n = gn[j], d = dhb[j];
			float dn = d * (1.0f - z) * (1.0f - n * n);
			float dz = d * (hpb[j] - n) * z * (1.0f - z);
			float dr = dn * hnb[j] * r * (1.0f - r);

			xr[j] = sr[j] = dr;
			xz[j] = sz[j] = dz;
			xn[j] = dn;
			sn[j] = dn * r;
		}
		if (dhp)
			for (size_t j = 0; j < H; j++)
				dhp[b * H + j] += dhb[j] * gz[j];
	}
}

/* y [N] += a [N] * b [N] */
SIMD_CLONES
static void mul_add(float *restrict y, const float *restrict a, const float *restrict b,
                    size_t N)
{
	for (size_t i = 0; i < N; i++)
		y[i] += a[i] * b[i];
}

SIMD_CLONES
static void column_sums(float *restrict db, const float *restrict d, size_t N, size_t D)
{
	for (size_t n = 0; n < N; n++)
		for (size_t k = 0; k < D; k++)
			db[k] += d[n * D + k];
}

void rnn_backward(float *dx, float *dw_ih, float *dw_hh, float *db_ih, float *db_hh, float *dgx,
                  float *dgh, float *dc, float *dy, const float *hs, const float *cs,
                  const float *gates, const float *hn, const float *x, const float *w_ih,
                  const float *w_hh, const struct rnn_dims *d)
{
	size_t T = d->T, B = d->B, H = d->H, In = d->In, G = nn_cell_gates(d->cell), GH = G * H;
	float *dh_side = d->cell == NN_CELL_GRU ? dgh : dgx; /* what the recurrent weights see */

	if (d->cell == NN_CELL_LSTM)
		memset(dc, 0, B * H * sizeof(float));
	if (d->dh0)
		memset(d->dh0, 0, B * H * sizeof(float));
	for (size_t t = T; t-- > 0;) {
		float *dh = dy + t * B * H, *dhp = t ? dy + (t - 1) * B * H : d->dh0;
		const float *g = gates + t * B * GH;

		switch (d->cell) {
		case NN_CELL_RNN:
			rnn_step_back(dgx + t * B * GH, dh, hs + (t + 1) * B * H, B, H);
			break;
		case NN_CELL_LSTM:
			lstm_step_back(dgx + t * B * GH, dc, dh, g, cs + (t + 1) * B * H, cs + t * B * H,
			               B, H);
			break;
		case NN_CELL_GRU:
			gru_step_back(dgx + t * B * GH, dgh + t * B * GH, dhp, dh, g, hn + t * B * H,
			              hs + t * B * H, B, H);
			break;
		}
		/* dy[t-1] += dg[t] W_hh (times the mask of the state it came through) */
		if (dhp && d->hmask) {
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)B, (int)H, (int)GH,
			            1.0f, dh_side + t * B * GH, (int)GH, w_hh, (int)H, 0.0f, d->dhm,
			            (int)H);
			mul_add(dhp, d->dhm, d->hmask, B * H);
		} else if (dhp) {
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)B, (int)H, (int)GH,
			            1.0f, dh_side + t * B * GH, (int)GH, w_hh, (int)H, 1.0f, dhp, (int)H);
		}
	}
	if (d->dc0 && d->cell == NN_CELL_LSTM)
		memcpy(d->dc0, dc, B * H * sizeof(float));
	nn_gemm(1, 0, GH, In, T * B, 1.0f, dgx, GH, x, In, 1.0f, dw_ih, In);
	nn_gemm(1, 0, GH, H, T * B, 1.0f, dh_side, GH, d->hmask ? d->hm : hs, H, 1.0f, dw_hh, H);
	column_sums(db_ih, dgx, T * B, GH);
	column_sums(db_hh, dh_side, T * B, GH);
	if (dx)
		nn_gemm(0, 0, T * B, In, GH, 1.0f, dgx, GH, w_ih, In, 0.0f, dx, In);
}
