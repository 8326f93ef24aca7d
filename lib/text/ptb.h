/* ptb.h: Penn Treebank tokenization as NLTK's TreebankWordTokenizer does it (the rules are in
 * ptb.c). */
#ifndef NLP_PTB_H
#define NLP_PTB_H

#include <stddef.h>

#include "base/buf.h"

/* Appends the tokens of the valid UTF-8 line s[0..n), separated by single spaces and without a
 * newline, to out (the caller's buffer). Uses scratch buffers of its own that live as long as the
 * program: one thread at a time. */
void ptb_tokenize(const char *s, size_t n, struct buf *out);

#endif
