/* model.h: a tagger (nlp-tag(1)), recurrent or linear, and its file (nlp-tag-model(5)) through
 * nn/nnfile.h: the configuration, the tables (tags, words, characters) and the parameters as
 * one block of named tensors (nn/params.h).
 *
 * The recurrent tagger: each token's vector is its word's row of `emb` (the word lowercased;
 * row 0 <unk>) beside, when char_emb > 0, the character encoder's vector of its spelling (the
 * first TAG_WORD_CHARS code points, case kept: rows of `cemb`, row 0 <unk>; a convolution of
 * char_width characters with zero padding, char_filters filters, the maximum over the positions,
 * tanh); then the recurrent layers (nn/stack.h), bidirectional or not; then an affine layer to
 * the tags' logits at every token, and softmax.
 *
 * The linear tagger: an averaged perceptron (tag/linear.h) whose features are 64-bit keys; a
 * feature's row of `feat.w` [F][C] holds its weight for each tag, its key is row f of `feat.key`
 * [F][4] as four 16-bit pieces (low first), each exact in a float. `dict` [words] is the tag
 * dictionary: a word's tag plus one when the tagger gives it without scoring, 0 when it scores.
 *
 * In both, `words` is the table of the training words lowercased (the linear tagger's: every
 * one; the recurrent's: those with a row), which eval uses to tell known words from unknown. */
#ifndef NLP_TAG_MODEL_H
#define NLP_TAG_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/io.h"
#include "base/strtab.h"
#include "base/u64map.h"
#include "nn/params.h"
#include "nn/rnn.h"
#include "tag/data.h"

#define TAG_MAGIC "NLPTAGGR"
#define TAG_VERSION 1
#define TAG_HEADER 256
#define TAG_MAX_LAYERS 8
#define TAG_MAX_SIZE 8192           /* emb, hidden, character sizes */
#define TAG_MAX_WIDTH 15            /* the convolution's width, odd */
#define TAG_MAX_VOCAB (1u << 24)
#define TAG_MAX_TAGS (1u << 16)
#define TAG_MAX_FEATURES (1u << 30)
#define TAG_WORD_CHARS 64           /* the code points of a word the character encoder reads */
#define TAG_UNK 0                   /* recurrent: word 0 and character 0 are <unk> */

enum tag_kind { TAG_RECURRENT = 0, TAG_LINEAR = 1 };

struct tag_config {
	enum tag_kind kind;
	enum tag_units units;       /* what a text line's units are */
	uint32_t spacing;           /* tags are TAG_SPACE / TAG_NOSPACE: restores spaces */
	enum tag_column column;     /* the CoNLL-U column it was trained on (for filling it) */
	uint32_t tags, words, chars;
	/* recurrent */
	enum nn_cell cell;
	uint32_t layers, hidden, bidirectional, emb;
	uint32_t char_emb, char_filters, char_width;   /* char_emb 0: no character encoder */
	/* linear */
	uint32_t features;          /* F */
	uint32_t templates;         /* the feature set's version (tag/linear.h) */
	/* how it was trained: kept in the file, for information */
	uint32_t epochs, batch;
	double dropout, lr, valid_acc;
	uint64_t seed;
};

struct tag_model {
	struct tag_config c;
	struct strtab tags;         /* [c.tags] */
	struct strtab words;        /* [c.words] lowercased; recurrent: row 0 is <unk> */
	struct strtab chars;        /* [c.chars] recurrent with char_emb: row 0 is <unk> */
	struct nn_layout L;
	float *w;                   /* [L.size] the parameters */
	/* recurrent tensors (-1 when absent) */
	int emb, cemb, conv_w, conv_b, out_w, out_b;
	int w_ih[TAG_MAX_LAYERS][2], w_hh[TAG_MAX_LAYERS][2];
	int b_ih[TAG_MAX_LAYERS][2], b_hh[TAG_MAX_LAYERS][2];
	/* linear tensors */
	int feat_key, feat_w, dict;
	struct u64map feat;         /* linear: a feature's key to its row (built by parse/init) */
};

/* Checks c and builds m with zero parameters, taking tags, words and chars from the caller
 * (chars may be NULL when there is no character table; each table's vals are kept). Returns 0,
 * or -1 with e filled (the tables are then the caller's still). */
int tag_model_init(struct tag_model *m, const struct tag_config *c, struct strtab *tags,
                   struct strtab *words, struct strtab *chars, struct error *e);
void tag_model_free(struct tag_model *m);

/* Linear: after the keys are written into feat.key, builds m->feat from them. Returns 0, or -1
 * with e filled (memory, a key twice, a piece that is not a 16-bit integer). */
int tag_model_index(struct tag_model *m, struct error *e);

/* Writes m as a model file; failures are w's. */
void tag_model_write(const struct tag_model *m, struct writer *w);
/* Reads a model file whole and checks it; data [size] a file's bytes named name. Returns 0, or
 * -1 with e filled ("NAME: why"; another kind of model file is named as such). */
int tag_model_parse(struct tag_model *m, const unsigned char *data, size_t size,
                    const char *name, struct error *e);
int tag_model_load(struct tag_model *m, const char *path, struct error *e);

/* The lowercased form of w [n] into out [n * 3 + 4] (lowercasing can lengthen a UTF-8 string by
 * at most half again; invalid bytes are copied); returns its length. */
size_t tag_lower(char *out, const char *w, size_t n);

/* The model's id of word w [n] in m->words (lowercased first), or TAG_NONE. scratch [n*3+4]. */
uint32_t tag_word_id(const struct tag_model *m, const char *w, size_t n, char *scratch);

#endif
