/* stopword.h: stopword sets from word-list files, matched exactly or case-insensitively, with an
 * optional split of trailing Korean particles. */
#ifndef NLP_STOPWORD_H
#define NLP_STOPWORD_H

#include <stddef.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/strtab.h"
#include "text/norm.h"
#include "text/particle.h"

/* How often the lexicon must have seen a word followed by a particle for -L ko to keep it whole
 * rather than drop both its halves (see stopword_line). */
#define STOPWORD_NOUN_MIN 8

struct stopword {
	struct strtab words;
	struct particle pt;      /* Korean particles and where to cut them, for split_particles */
	int fold;                /* compare case-folded (NFC + full case folding) */
	int keep;                /* keep only the stopwords */
	int split_particles;
	struct norm norm;        /* for fold; norm.err: the folding failed */
	struct buf tmp;
};

/* Sets up an empty set (fold: match case-insensitively); keep and split_particles are 0 until
 * the caller sets them. Returns 0, or -1 with e filled. Either way sw holds memory that
 * stopword_free releases. */
int stopword_init(struct stopword *sw, int fold, struct error *e);
/* Releases what sw holds (sw itself belongs to the caller). */
void stopword_free(struct stopword *sw);

/* Adds the words of a list file: one per line, '#' starts a comment, surrounding whitespace is
 * ignored. particles: add to the particle list of sw->pt instead (whose lexicon and model the
 * caller loads with particle_load_lexicon and particle_load_model). Returns 0, or -1 with e
 * filled when the file cannot be read ("open PATH: reason") or holds invalid UTF-8 ("PATH: line
 * N: ..."). */
int stopword_load(struct stopword *sw, const char *path, int particles, struct error *e);

/* Appends the tokens of the line s[0..n) (valid UTF-8) that pass, separated by single spaces,
 * and '\n' to out, the caller's buffer. With split_particles, a token that particle_cut cuts
 * gives two, the stem and the particle chain, each kept or removed on its own; the chain is a
 * stopword when it or each of its particles is. But a word that would lose both halves and that
 * the lexicon knows as a noun of its own (followed by a particle STOPWORD_NOUN_MIN times or more:
 * 수도, capital, not 수 + 도) is kept whole and looked up whole. Returns 0, or -1 with e filled
 * when case folding fails or memory runs out. */
int stopword_line(struct stopword *sw, const char *s, size_t n, struct buf *out, struct error *e);

#endif
