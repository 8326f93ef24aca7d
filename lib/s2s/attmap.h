/* attmap.h: the attention weights of one translation drawn as a picture, an SVG heat map written
 * by hand (nlp-seq2seq --attention-map, nlp-seq2seq(1)): a row for each output unit, a column
 * for each input unit, as the lecture notes draw the attention of a date's translation.
 *
 * The picture: the input units' labels along the top (upright when each fits in its column,
 * else all turned a quarter to read upwards), the output units' labels down the left side,
 * right-aligned, and a square cell per weight, grey from white (0) to black (1): its grey level
 * 255 - round(255 w), the weight clamped to [0, 1] (NaN as 0), with a tooltip (<title>)
 * "input → output: w" (w in %.6f). A frame around the cells and, on the right, the scale from
 * 0 to 1. Coordinates are whole pixels derived from S, T and the labels' lengths alone (a
 * monospace font of 13 pixels, cells of 22), so the same input gives the same bytes.
 *
 * Labels are shown so that every unit is visible and the file stays valid XML: & < > " ' are
 * escaped; a space is drawn as U+2423 (open box), a control code point U+0000..U+001F or U+007F
 * as its Control Pictures symbol (U+2400 + c, U+2421); the other blanks and invisible code points
 * (U+0080..U+00A0, U+00AD, U+1680, U+180E, U+2000..U+200F, U+2028..U+202F, U+205F..U+206F,
 * U+3000, U+FEFF) as <U+XXXX>; a byte that starts no valid UTF-8 sequence, a surrogate and
 * U+FFFE, U+FFFF (none of which XML allows) as U+FFFD.
 *
 * The SVG's groups, for programs that read it: <g id="input"> the S input labels and
 * <g id="output"> the T output labels, each a <text> in order; <g id="cells"> the T x S cells,
 * row by row, each a <rect> with its fill (#rrggbb, r = g = b) and its <title>;
 * <g id="legend"> the scale. */
#ifndef NLP_S2S_ATTMAP_H
#define NLP_S2S_ATTMAP_H

#include <stddef.h>

#include "base/io.h"

/* Writes to w an SVG heat map of the attention weights [T][S] (row t: output unit t's weights
 * over the S input units; each in [0, 1]): the input units' labels along the top, the output
 * units' labels down the left side, a cell per weight shaded from white (0) to black (1), as
 * the lecture notes' picture. Labels are UTF-8 strings (escaped for XML here). Failures are w's. */
void attmap_svg(struct writer *w, const char *const *src, size_t S, const char *const *tgt,
                size_t T, const float *weights);

#endif
