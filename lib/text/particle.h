/* particle.h: where to cut a Korean particle, or a chain of particles, off the end of a word.
 * Each cut that leaves a particle chain after a non-empty stem is scored by a linear model whose
 * features describe the chain, the stem's last syllable and what a lexicon of word counts says
 * about the stem and the word (scripts/ko-particles-train builds the lexicon from kowiki and
 * fits the weights on the UD Korean development sets); the best cut is taken when its score is
 * above 0. The two data files are described in nlp-stopword(1). */
#ifndef NLP_PARTICLE_H
#define NLP_PARTICLE_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/strtab.h"

#define PARTICLE_MAX_CHAIN 3     /* particles in a chain */
#define PARTICLE_MAX_SYLLABLES 6 /* syllables in a chain */
#define PARTICLE_GLOBAL_WEIGHTS 65
#define PARTICLE_CHAIN_WEIGHTS 68

struct particle {
	struct strtab list;     /* the particles */
	size_t longest;         /* bytes of the longest particle */
	struct strtab lex;      /* the lexicon's words and the stems derived from them */
	uint64_t *count;        /* [lex.n] the word's count in the lexicon, 0 for a derived stem */
	uint64_t *nom;          /* [lex.n] counts of the string followed by a nominal particle */
	uint64_t *verb;         /* [lex.n] counts of the string followed by a verbal ending */
	size_t lex_cap;         /* room in count, nom and verb */
	struct strtab feat;     /* the model's feature names */
	double *weight;         /* [feat.n] */
	size_t feat_cap;
	struct buf name;        /* scratch: a feature's name */
	/* the weights of the features without a particle in their name, and those of each chain
	 * seen so far (all but ps=), so that a cut looks up one feature by name */
	double global[PARTICLE_GLOBAL_WEIGHTS];
	int global_ready;
	struct strtab chains;
	double *chain_w;        /* [chains.n][PARTICLE_CHAIN_WEIGHTS] */
	size_t chain_cap;
};

/* Sets up an empty model: no particles, an empty lexicon and all weights 0 (so nothing is cut
 * until a model is loaded). Returns 0, or -1 with e filled when memory runs out; either way
 * particle_free releases what pt holds. */
int particle_init(struct particle *pt, struct error *e);
void particle_free(struct particle *pt);

/* Adds a particle (valid UTF-8, not empty). Returns 0, or -1 when memory runs out. */
int particle_add(struct particle *pt, const char *s, size_t n);

/* Loads the lexicon: a first line "#nlp-particles-lexicon 1", then "WORD<TAB>COUNT" lines,
 * WORD made of Hangul syllables and given once, COUNT a decimal integer in 1..2^48. Loads the
 * model: a first line "#nlp-particles-model 1", then "FEATURE<TAB>WEIGHT" lines, FEATURE valid
 * UTF-8 without tabs and given once, WEIGHT a finite decimal number in -1e6..1e6. Each is loaded
 * once. Each returns 0, or -1 with e filled: "open PATH: reason", or "PATH: line N: what is
 * wrong". */
int particle_load_lexicon(struct particle *pt, const char *path, struct error *e);
int particle_load_model(struct particle *pt, const char *path, struct error *e);

/* Bytes of the particle chain to cut off the word s[0..n) (valid UTF-8), or 0 to keep it whole,
 * or (size_t)-1 when memory runs out. Only a word whose stem would end in a Hangul syllable is
 * cut. The model must be loaded before the first cut: its weights are cached then. */
size_t particle_cut(struct particle *pt, const char *s, size_t n);

/* Splits the chain p[0..n) into particles of the list, the longest first particle that allows a
 * whole chain: writes the end of each particle (a byte offset in p) to ends[] and returns how
 * many there are (1..PARTICLE_MAX_CHAIN), or 0 when p is no chain. */
int particle_chain(const struct particle *pt, const char *p, size_t n,
                   size_t ends[PARTICLE_MAX_CHAIN]);

/* How many times the lexicon saw the word s[0..n) followed by a nominal particle: whether it is
 * a noun of its own. */
uint64_t particle_nominal(const struct particle *pt, const char *s, size_t n);

#endif
