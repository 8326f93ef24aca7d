/* sentence.h: sentence boundaries from terminal punctuation, with abbreviations, initials,
 * decimals and lower-case continuations ruled out (the rules are in sentence.c). */
#ifndef NLP_SENTENCE_H
#define NLP_SENTENCE_H

#include <stddef.h>

#include "base/buf.h"

/* Appends the sentences of the valid UTF-8 line s[0..n) to out (the caller's buffer), each
 * trimmed of whitespace and followed by '\n'; a blank line gives nothing. */
void sentence_split(const char *s, size_t n, struct buf *out);

#endif
