/* stopword.h: stopword sets from word-list files, matched exactly or case-insensitively, with an
 * optional split of trailing Korean particles. */
#ifndef NLP_STOPWORD_H
#define NLP_STOPWORD_H

#include <stddef.h>

#include "base/buf.h"
#include "base/strtab.h"
#include "text/norm.h"

struct stopword {
	struct strtab words;
	struct strtab particles; /* Korean particles for split_particles */
	size_t longest_particle; /* in bytes */
	int fold;                /* compare case-folded (NFC + full case folding) */
	int keep;                /* keep only the stopwords */
	int split_particles;
	struct norm norm;        /* for fold */
	struct buf tmp;
};

/* Returns 0, or -1 when memory runs out. */
int stopword_init(struct stopword *sw, int fold);
void stopword_free(struct stopword *sw);

/* Adds the words of a list file: one per line, '#' starts a comment, surrounding whitespace is
 * ignored. particles: add to the particle list instead. Returns 0; -1 when the file cannot be
 * read (errno set); -2 for invalid UTF-8, with *lineno set to the line. */
int stopword_load(struct stopword *sw, const char *path, int particles, unsigned long *lineno);

/* filter_line_fn: the tokens of the line that pass, separated by single spaces, and '\n'. */
void stopword_line(void *sw, const char *s, size_t n, struct buf *out);

#endif
