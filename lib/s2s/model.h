/* model.h: a sequence-to-sequence model (nlp-seq2seq(1)) and its file (nlp-seq2seq-model(5))
 * through nn/nnfile.h: the configuration, the source's and the target's units, and the
 * parameters as one block of named tensors (nn/params.h).
 *
 * The encoder: the source units' rows of `src.emb`, then recurrent layers (nn/stack.h) of
 * hidden size H, bidirectional or not; its states e_s [D], D = dirs H, and each layer's last
 * state (both directions side by side) are what the decoder reads. The decoder: recurrent layers
 * of hidden size D, layer l starting from the encoder's layer l's last state (an lstm's cell
 * from zero), reading at step t the row of the previous target unit (`<s>` first), with
 * `peeky` the encoder's last state hfin beside it. Attention (Luong et al. 2015, without input
 * feeding) scores each source state against the decoder's top state h_t: dot h.e, general
 * h.(W e), additive v.tanh(W1 h + W2 e) (Bahdanau's); a = softmax, c_t = sum a_s e_s,
 * x_t = tanh(comb.w [c_t; h_t] + comb.b); without attention x_t = h_t. Then the output layer
 * out.w [x_t; hfin (peeky)] + out.b and softmax over the target's units.
 *
 * Tables: the source's units, row 0 `<unk>`; the target's, rows 0 `<unk>`, 1 `<s>`, 2 `</s>`.
 * Units are code points (S2S_CHARS: a code point up to U+0020 is kept as `<U+0020>`, since a
 * table's words have no blank) or blank-separated tokens (S2S_TOKENS). */
#ifndef NLP_S2S_MODEL_H
#define NLP_S2S_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/io.h"
#include "base/strtab.h"
#include "nn/params.h"
#include "nn/rnn.h"
#include "nn/stack.h"

#define S2S_MAGIC "NLPS2SEQ"
#define S2S_VERSION 1
#define S2S_HEADER 256
#define S2S_MAX_LAYERS 8
#define S2S_MAX_SIZE 8192         /* emb, hidden */
#define S2S_MAX_VOCAB (1u << 24)
#define S2S_MAX_LEN 1000          /* units of a source or a target */
#define S2S_UNK 0
#define S2S_BOS 1                 /* target: <s>, the decoder's first input */
#define S2S_EOS 2                 /* target: </s>, its last output */
#define S2S_PAD UINT32_MAX        /* a batch's target past a shorter target's end */

enum s2s_units { S2S_CHARS = 0, S2S_TOKENS = 1 };
enum s2s_attention { S2S_ATT_NONE = 0, S2S_ATT_DOT = 1, S2S_ATT_GENERAL = 2,
                     S2S_ATT_ADDITIVE = 3 };

struct s2s_config {
	enum s2s_units units;
	enum nn_cell cell;
	uint32_t layers, hidden, bidirectional, emb;
	enum s2s_attention attention;
	uint32_t reverse, peeky;
	uint32_t src, tgt;          /* the tables' sizes */
	/* how it was trained: kept in the file, for information */
	uint32_t epochs, batch;
	double lr, dropout, valid_acc;
	uint64_t seed;
};

struct s2s_model {
	struct s2s_config c;
	struct strtab src, tgt;     /* [c.src], [c.tgt] in the table's form */
	size_t D, J, O;             /* the decoder's size, its input's, the output layer's input */
	struct nn_layout L;
	float *w;                   /* [L.size] the parameters */
	int src_emb, tgt_emb;
	int enc_w_ih[S2S_MAX_LAYERS][2], enc_w_hh[S2S_MAX_LAYERS][2];
	int enc_b_ih[S2S_MAX_LAYERS][2], enc_b_hh[S2S_MAX_LAYERS][2];
	int dec_w_ih[S2S_MAX_LAYERS], dec_w_hh[S2S_MAX_LAYERS];
	int dec_b_ih[S2S_MAX_LAYERS], dec_b_hh[S2S_MAX_LAYERS];
	int att_w, att_w1, att_w2, att_v, comb_w, comb_b, out_w, out_b;   /* -1: absent */
};

/* Checks c and builds m with zero parameters, taking the tables src and tgt from the caller
 * (in the table's form; their vals are kept). Returns 0, or -1 with e filled (the tables are
 * then the caller's still). */
int s2s_model_init(struct s2s_model *m, const struct s2s_config *c, struct strtab *src,
                   struct strtab *tgt, struct error *e);
void s2s_model_free(struct s2s_model *m);

/* The encoder's and the decoder's layers' weights in block (of m->L's layout: the parameters
 * or their gradients). */
void s2s_stack_w(const struct s2s_model *m, float *block, struct stack_w *enc,
                 struct stack_w *dec);

void s2s_model_write(const struct s2s_model *m, struct writer *w);
/* Reads a model file whole and checks it; data [size] a file's bytes named name. Returns 0, or
 * -1 with e filled ("NAME: why"; another kind of model file is named as such). */
int s2s_model_parse(struct s2s_model *m, const unsigned char *data, size_t size,
                    const char *name, struct error *e);
int s2s_model_load(struct s2s_model *m, const char *path, struct error *e);

/* A unit's table form into out (chars: a code point up to U+0020 as `<U+0020>`): returns its
 * bytes and where they are (u itself, or out [16]). */
const char *s2s_unit_key(const char *u, size_t n, enum s2s_units units, char *out, size_t *len);
/* Appends the table word k [n]'s text to b (the inverse of s2s_unit_key). */
void s2s_unit_text(struct buf *b, const char *k, size_t n, enum s2s_units units);

/* The line s [n] (valid UTF-8) cut into units: spans of code points (chars) or of tokens
 * between blanks (tokens) into sp. */
struct spans;
void s2s_split(const char *s, size_t n, enum s2s_units units, struct spans *sp);

#endif
