/* linear.h: the averaged perceptron tagger (Collins 2002, "Discriminative Training Methods for
 * Hidden Markov Models"), greedy left to right as Honnibal's tagger that NLTK ships
 * (nltk.tag.perceptron.PerceptronTagger): a token's tag is the best scoring one over the sums
 * of the weight rows of its features, which include the two tags it gave before.
 *
 * Features are 64-bit keys: a template's number mixed with hashes of the bytes it looks at
 * (base/mix.h, strtab_hash_bytes), so that the model stores no strings; the model file keeps
 * each feature's key and its row of weights, one per tag (tag/model.h's feat.key, feat.w).
 * Two sets of templates, by the model's units:
 *   - words: NLTK's (bias; the word's last three and first characters; the
 *     tags at i-1, i-2 and both; the normalised word i, i-1, i-2, i+1, i+2; tag i-1 with word i;
 *     the last three characters of words i-1 and i+1), NLTK's normalisation (lowercased; a word
 *     with '-' past its first character is !HYPHEN, four ASCII digits !YEAR, a word that starts
 *     with an ASCII digit !DIGITS), and what paid on UD English GUM's UPOS: suffixes of 1..4
 *     characters, prefixes of 1..3, the shapes of words i-1, i, i+1, word i as it is, the
 *     normalised word bigrams (i-1, i) and (i, i+1) (the measures: linear.c);
 *   - characters: the characters i-3 .. i+3, the bigrams (i-1, i), (i, i+1), (i+1, i+2) and
 *     the trigrams from (i-2 .. i) to (i+1 .. i+3), the classes (Hangul syllable, digit, Latin
 *     letter, punctuation, ideograph, other) of i, of i and i+1, and of i-1 .. i+2, the tags at
 *     i-1 and at i-1 and i-2.
 * A token's characters (for suffixes, prefixes, shapes) are its code points; a byte that
 * continues no UTF-8 sequence counts with the character before it.
 *
 * Training (tag_linear_train, tag/train.h), as NLTK's and where it is silent ours:
 *   - each epoch visits the training sentences in a fresh random order (lib/base/rng, seeded by
 *     the options' seed; NLTK shuffles after each epoch, so its first is in file order); every
 *     token is tagged with the tags the model gave the tokens before it, and a wrong tag adds 1
 *     to each of its features' weights for the true tag and takes 1 from the guessed tag's;
 *   - the tag dictionary (the option dict): a word (lowercased, so that the model's words table
 *     is its key) seen at least TAG_LIN_DICT_MIN times whose most frequent tag has at least
 *     TAG_LIN_DICT_SHARE of its uses gets that tag without scoring, in training too (no step,
 *     no update), as NLTK's (which keys it by the word's exact form);
 *   - averaging: a step is a token the tagger scores (a dictionary word is none), and the
 *     averaged weights after N steps are exactly the mean of the N weight vectors after each
 *     step (Collins's convention; NLTK's means the vectors before each step: the first, zero,
 *     counted and the last left out). Weights are integers during training and the running sums
 *     64-bit integers, brought up to date lazily: a feature's row keeps the step of its last
 *     change, so the sum is exact until the one division by N;
 *   - a feature gets its row at its first update; a model holds the features whose averaged
 *     row is not all zero;
 *   - after each epoch the averaged model is built and validated (token accuracy on valid, whose
 *     tags the training data does not have count as wrong); the model kept is the best epoch's
 *     (the first of equals), training stops after patience epochs in a row without a better
 *     one; without validation sentences every epoch is the best and the last is kept;
 *   - ties between tags go to the lowest tag id (the first seen in the training data).
 */
#ifndef NLP_TAG_LINEAR_H
#define NLP_TAG_LINEAR_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/spans.h"
#include "tag/model.h"
#include "tag/train.h"

/* the feature sets' version (the model's c.templates): each of the two sets by the units */
#define TAG_LIN_TEMPLATES 1

#define TAG_LIN_DICT_MIN 20
#define TAG_LIN_DICT_SHARE 0.97

/* A token's features are at most this many keys. */
#define TAG_LIN_MAX_FEATS 64

struct tag_lin_unit;
struct tag_lin_plan;

/* Tagging scratch: one a thread; the model is only read. */
struct tag_lin {
	const struct tag_model *m;
	struct tag_lin_plan *plan;   /* the feature set laid out */
	int dict;                    /* the model's dictionary has entries */
	size_t C;
	struct tag_lin_unit *u;      /* [cap + 4] the tokens' hashes, two pads on each side */
	size_t cap;
	char *low;                   /* [lowcap] a lowercased token */
	size_t lowcap;
	float *score;                /* [C] */
	uint64_t keys[TAG_LIN_MAX_FEATS];
};

/* Sets s up to tag with m (a linear model whose feat index is built). Returns 0, or -1 with e
 * filled (memory, a feature set this version does not know). */
int tag_lin_init(struct tag_lin *s, const struct tag_model *m, struct error *e);
void tag_lin_free(struct tag_lin *s);

/* Tags the n tokens w [n] (byte strings) into out [n], the model's tag ids. The scratch grows
 * with the longest sentence (base/mem.h's policy when memory runs out). */
void tag_lin_tag(struct tag_lin *s, const struct span *w, size_t n, uint32_t *out);

#endif
