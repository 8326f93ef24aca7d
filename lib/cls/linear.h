/* linear.h: fastText's supervised classifier (Joulin et al. 2017, "Bag of Tricks for Efficient
 * Text Classification"): a text's features are rows of one input table (its words, the hashed
 * word n-grams, with --subword the hashed character n-grams of each word), the hidden vector is
 * their mean, and the classes are a softmax (or hierarchical softmax over the Huffman tree of the
 * label counts) of the output rows' products with it. Trained by SGD on Hogwild threads with
 * fastText's linear decay of the rate. The tensors and the file are cls/model.h's.
 *
 * The facts are fastText 0.9.2's where the spec (nlp-classify(1)) is silent:
 *   - features of a text, in this order: each token's word row (when the word is in the
 *     vocabulary) followed by its character n-grams' rows (every word but </s>, known or not);
 *     then </s>'s row; then the word n-grams of 2..N tokens over the tokens and </s>, the rolling
 *     hash h = h * 116049371 + hash(next) over the 32-bit FNV-1a hashes sign-extended to 64 bits
 *     (fastText keeps them in int32_t and widens them to uint64_t), bucket h % buckets;
 *   - a literal token </s> in a text is word 0 (fastText would end the line there: we keep
 *     reading); its count in the vocabulary is the number of texts plus its literal uses;
 *   - the loss's input gradient is divided by the number of feature rows (the mean's), and
 *     each row gets it once per occurrence in the list;
 *   - the rate is lr (1 - p), p the tokens trained so far over epochs times the tokens of the
 *     training text, a text's tokens counted as fastText counts them (its kept words, its label
 *     and </s>); each thread adds its tokens to the shared count every 100 (lrUpdateRate);
 *   - without word n-grams and subwords the model's buckets are 0, as fastText sets them.
 * Our choices:
 *   - each epoch visits the examples in a fresh random order (seeded; fastText reads its file in
 *     order); thread t trains the t-th of nt equal slices of that order;
 *   - during training the n-gram table holds only the buckets the training text uses (the only
 *     rows that SGD can make non-zero), compacted in bucket order; a bucket seen only in validation text is a zero row (counted in the
 *     mean, as at prediction);
 *   - --max-len keeps the first max_len tokens, then </s> is appended;
 *   - --freeze keeps the word rows (pretrained or random) fixed; the n-gram rows, which start at
 *     zero, are still trained (frozen they would stay zero);
 *   - hs: the tree is vec/w2v.h's w2v_tree_build over the label counts as float32 rounds them
 *     (the model file's hs.count; exact up to 2^24) (a tie goes to the leaf;
 *     fastText's own construction gives it to the inner node) and sigmoid(out . hidden) is the
 *     probability of branch 0, as w2v_hs_update has it;
 *   - the training accuracy of an epoch is measured on every example with softmax, on one in
 *     CLS_LINEAR_HS_ACC_EVERY with hs (whose full distribution costs as much as softmax's);
 *   - the validation loss is the mean of -log p(true class) with p floored at 1e-30, over the
 *     validation examples whose label the model knows; the others count as wrong;
 *   - as the recurrent trainer (cls/train.c): --patience counts the epochs in a row that do not
 *     raise the validation accuracy (the best epoch: higher accuracy, ties by lower loss), and the model's epochs field names the
 *     best epoch (without validation text, the last); the model holds each epoch's parameters
 *     when the epoch hook runs (training works in its tensors), with epochs and valid_acc the
 *     best epoch's so far;
 *   - the epoch's lr reported is the rate it ended at.
 */
#ifndef NLP_CLS_LINEAR_H
#define NLP_CLS_LINEAR_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/spans.h"
#include "cls/data.h"
#include "cls/model.h"
#include "cls/train.h"
#include "vec/w2v.h"

#define CLS_LINEAR_NGRAM_MUL 116049371u /* fastText's rolling hash of word n-grams */
#define CLS_LINEAR_LR_EVERY 100         /* tokens between a thread's rate updates */
#define CLS_LINEAR_STEP_EVERY 10000     /* examples of thread 0 between step hooks */
#define CLS_LINEAR_HS_ACC_EVERY 8
#define CLS_LINEAR_MAX_NGRAMS 16
#define CLS_LINEAR_MAX_N 32             /* the longest character n-gram */

struct cls_linear_opts {
	unsigned dim;           /* E, 1..CLS_MAX_SIZE */
	unsigned word_ngrams;   /* N: word n-grams of 2..N tokens (1: words only) */
	unsigned minn, maxn;    /* character n-grams (0 0: none) */
	uint32_t buckets;       /* the n-grams' hash buckets, at most CLS_MAX_BUCKETS */
	enum cls_loss loss;
	unsigned max_len;       /* tokens kept of a text (0: all) */
};

/* Trains a linear classifier on train (and validates on valid after each epoch, when not NULL)
 * and fills m (cls_model_init) with the best epoch on valid, else the last. The vocabulary is
 * </s>, then train's words seen at least o->min_count times by count descending, ties by bytes;
 * the classes train's labels in the same order. Of o it uses epochs, lr, min_count, patience,
 * freeze, pretrained, threads, seed. h (may be NULL, and each hook) is called as train.h says.
 * Returns 0, or -1 with e filled (bad options, fewer than 2 classes, pretrained vectors of
 * another dimension, memory, a hook's refusal). */
int cls_linear_train(struct cls_model *m, const struct cls_data *train,
                     const struct cls_data *valid, const struct cls_linear_opts *lo,
                     const struct cls_train_opts *o, const struct cls_hooks *h,
                     struct error *e);

/* ---- prediction ---- */

/* A caller's buffers for cls_linear_predict: they grow to the longest text, then no call
 * allocates. */
struct cls_linear_scratch {
	float *hidden;          /* [emb] */
	float *node;            /* [classes] hs: each inner node's probability of branch 0 */
	uint32_t *rows;         /* [cap] a text's feature rows of m's "in" */
	uint32_t *hash;         /* [hcap] its tokens' hashes, </s>'s last */
	uint32_t *sub;          /* [scap] a word's character n-grams' buckets */
	size_t nrows, den;      /* rows found; features counted in the mean (absent ones too) */
	size_t cap, hcap, scap;
	struct w2v_tree tree;   /* hs: rebuilt from hs.count */
};

/* Sets s up for m (a linear model). Returns 0, or -1 with e filled (memory). */
int cls_linear_scratch_init(struct cls_linear_scratch *s, const struct cls_model *m,
                            struct error *e);
void cls_linear_scratch_free(struct cls_linear_scratch *s);

/* The features of the text tok [n] under m: s->rows [s->nrows] (rows of m's "in"), and s->den,
 * the features the mean divides by (a word n-gram or character n-gram whose bucket has no kept
 * row is a zero row: counted, not listed). Returns 0, or -1 with e filled (memory). */
int cls_linear_features(const struct cls_model *m, const struct span *tok, size_t n,
                        struct cls_linear_scratch *s, struct error *e);

/* probs [classes] = the class probabilities of the text tok [n] under m (softmax of the
 * logits; hs: for each class the product of the branch probabilities along its path). Returns
 * 0, or -1 with e filled (memory, when s grows). */
int cls_linear_predict(const struct cls_model *m, const struct span *tok, size_t n,
                       struct cls_linear_scratch *s, float *probs, struct error *e);

/* probs [d->n][classes] = cls_linear_predict of each example of d, its words mapped to m's
 * features once, on threads threads. Returns 0, or -1 with e filled (memory). */
int cls_linear_probs(const struct cls_model *m, const struct cls_data *d, int threads,
                     float *probs, struct error *e);

/* ---- the kernels (tests/test-linear.c checks them) ---- */

/* Forward only: hidden [n] = the sum of the rows in [..][n] listed in rows [nr] over den;
 * probs [C] the class probabilities (tree NULL: softmax over out [C][n]; else hs over
 * out [C-1][n] with node [C-1] each inner node's probability of branch 0). n is the row
 * length and stride. */
void cls_linear_forward(float *probs, float *hidden, float *node, const float *in,
                        const float *out, const uint32_t *rows, size_t nr, size_t den,
                        const struct w2v_tree *tree, size_t C, size_t n);

/* One SGD step on one example: the forward above (den = nr), then out and the rows listed
 * (those below frozen excepted) move by -lr times the gradient of the loss -log p(target).
 * hidden [n], grad [n] and probs [C] are scratch (probs is left the softmax's probabilities).
 * Returns the loss. */
float cls_linear_update(float *in, float *out, float *hidden, float *grad, float *probs,
                        const uint32_t *rows, size_t nr, uint32_t target,
                        const struct w2v_tree *tree, size_t C, float lr, uint32_t frozen,
                        size_t n);

#endif
