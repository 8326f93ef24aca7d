/* rnn.h: the recurrent layers over a window of T steps of B streams: the tanh RNN, the LSTM and
 * the GRU with PyTorch's weights, gate order and biases (nn.RNN, nn.LSTM, nn.GRU), so a model
 * moves between the two unchanged:
 *   rnn:  h' = tanh(W_ih x + b_ih + W_hh h + b_hh)
 *   lstm: rows i, f, g, o of W_ih x + b_ih + W_hh h + b_hh; i, f, o sigmoid, g tanh;
 *         c' = f c + i g, h' = o tanh(c')
 *   gru:  rows r, z, n: r = s(W_ir x + b_ir + W_hr h + b_hr), z likewise,
 *         n = tanh(W_in x + b_in + r (W_hn h + b_hn)), h' = (1 - z) n + z h
 * The input products of all T steps are one sgemm, the recurrent product one sgemm a step, the
 * gates one vectorised loop a step; the backward's weight gradients are one sgemm each over the
 * window. G below is the cell's number of gates (1, 4, 3). */
#ifndef NLP_NN_RNN_H
#define NLP_NN_RNN_H

#include <stddef.h>

enum nn_cell { NN_CELL_RNN, NN_CELL_LSTM, NN_CELL_GRU };

static inline size_t nn_cell_gates(enum nn_cell c)
{
	return c == NN_CELL_LSTM ? 4 : c == NN_CELL_GRU ? 3 : 1;
}

struct rnn_dims {
	enum nn_cell cell;
	size_t T, B;    /* steps, streams */
	size_t In, H;    /* input and hidden sizes */
	/* recurrent dropout (Gal and Ghahramani): the state entering W_hh multiplied by hmask, the
	 * same at every step; NULL: none */
	const float *hmask; /* [B][H] 0 or 1 / (1 - p) */
	float *hm;          /* [T][B][H] with hmask: the masked states, from the forward to the
	                     * backward */
	float *dhm;         /* [B][H] with hmask: scratch of the backward */
	/* the backward's gradients at the state before the window (for a decoder started from an
	 * encoder's last state), written when not NULL; NULL: the window is truncated there */
	float *dh0;         /* [B][H] */
	float *dc0;         /* [B][H] lstm */
};

/* The forward over T steps.
 * hs     [T+1][B][H]  in hs[0]: the state before the window; out hs[t+1]: the state after step
 *                     t. The layer's output is hs + B*H, [T][B][H].
 * cs     [T+1][B][H]  lstm: the cell states the same way; NULL for the others
 * gates  [T][B][G*H]  out, for the backward: the gates after their activations (rnn: its
 *                     pre-activation, not needed again)
 * hn     [T][B][H]    gru: W_hn h + b_hn of each step, for the backward; NULL for the others
 * tmp    [B][G*H]     gru: scratch; NULL for the others
 * x      [T][B][In]
 * w_ih [G*H][In], w_hh [G*H][H], b_ih [G*H], b_hh [G*H] */
void rnn_forward(float *hs, float *cs, float *gates, float *hn, float *tmp, const float *x,
                 const float *w_ih, const float *w_hh, const float *b_ih, const float *b_hh,
                 const struct rnn_dims *d);

/* The backward through the window (truncated: nothing flows into the state before it, unless
 * d->dh0 (and d->dc0) ask for its gradient).
 * dx     [T][B][In]    out, written (NULL: not wanted)
 * dw_ih [G*H][In], dw_hh [G*H][H], db_ih [G*H], db_hh [G*H]   added to
 * dgx    [T][B][G*H]  scratch: the gradients at the gates' pre-activations (input side)
 * dgh    [T][B][G*H]  gru: scratch, the same on the recurrent side; NULL for the others
 * dc     [B][H]       lstm: scratch; NULL for the others
 * dy     [T][B][H]    in: the gradient at the layer's outputs; destroyed (the recurrent
 *                     gradients are added into it)
 * hs, cs, gates, hn   the forward's
 * x, w_ih, w_hh       the forward's */
void rnn_backward(float *dx, float *dw_ih, float *dw_hh, float *db_ih, float *db_hh, float *dgx,
                  float *dgh, float *dc, float *dy, const float *hs, const float *cs,
                  const float *gates, const float *hn, const float *x, const float *w_ih,
                  const float *w_hh, const struct rnn_dims *d);

#endif
