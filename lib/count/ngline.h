/* ngline.h: the units of a line whose n-grams nlp-ngram lists or counts: its blank-separated
 * tokens, or its grapheme clusters (text/tokenize), between optional <s> and </s> markers; and
 * the listing of a line's n-grams as text. */
#ifndef NLP_NGLINE_H
#define NLP_NGLINE_H

#include <stddef.h>

#include "base/buf.h"
#include "base/spans.h"

struct ngline {
	int chars;          /* units are grapheme clusters, not tokens */
	const char *space;  /* chars: the unit standing for whitespace (tokenize_space_ok), or NULL */
	int markers;        /* <s> before and </s> after the line's units */
	struct spans units; /* the line's units, after ngline_units */
	struct buf cbuf;    /* chars: the line as clusters, which the units point into */
};

/* Splits the line *s[0..*n) into l->units. With chars, *s and *n become l's buffer of clusters,
 * into which the units point; the markers point to constant strings. The units stay valid until
 * the next call. */
void ngline_units(struct ngline *l, const char **s, size_t *n);
/* Appends to out each n-gram of min_n to max_n units of the line s[0..n), one a line, its units
 * joined by single spaces: all of the shortest length first, each length in line order. */
void ngline_list(struct ngline *l, const char *s, size_t n, unsigned min_n, unsigned max_n,
                 struct buf *out);
/* Frees what l holds. */
void ngline_free(struct ngline *l);

#endif
