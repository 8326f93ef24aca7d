/* tokenize.h: word, character, jamo and sentence segmentation of valid UTF-8 lines, and
 * scikit-learn's default analyzer. Each function
 * appends to out; word-like modes separate tokens by single spaces and write no newline. */
#ifndef NLP_TOKENIZE_H
#define NLP_TOKENIZE_H

#include <stddef.h>

#include "base/buf.h"

enum tok_flags {
	TOK_JAMO = 1,       /* Hangul syllables of each token as conjoining jamo */
	TOK_NO_SPECIAL = 2, /* do not keep URLs and e-mail addresses whole */
	TOK_KEEP_CASE = 4   /* tok_sklearn: no lower-casing first */
};

/* Words by Unicode category (see nlp-tokenize(1) for the rules). */
void tok_words(const char *s, size_t n, int flags, struct buf *out);
/* Extended grapheme clusters; whitespace is dropped, or written as space_tok when not NULL. */
void tok_chars(const char *s, size_t n, const char *space_tok, struct buf *out);
/* Composes conjoining jamo into Hangul syllables; everything else is copied. */
void tok_compose(const char *s, size_t n, struct buf *out);
/* Sentences, each trimmed and followed by '\n'; a blank line gives nothing. */
void tok_sentences(const char *s, size_t n, struct buf *out);
/* Penn Treebank tokens as NLTK's TreebankWordTokenizer gives them. */
void tok_ptb(const char *s, size_t n, struct buf *out);
/* scikit-learn's default analyzer for one document: Python's str.lower() (unless
 * TOK_KEEP_CASE), then the matches of token_pattern (?u)\b\w\w+\b under Python's re. */
void tok_sklearn(const char *s, size_t n, int flags, struct buf *out);

/* End of the extended grapheme cluster that starts at s[i] (n bytes in all). */
size_t tok_grapheme_end(const char *s, size_t n, size_t i);



enum tok_mode { TOK_WORDS, TOK_PTB, TOK_CHARS, TOK_COMPOSE, TOK_SENTENCES, TOK_SKLEARN };

struct tok_opts {
	enum tok_mode mode;
	int flags;             /* enum tok_flags */
	const char *space_tok; /* TOK_CHARS: token written for whitespace, or NULL */
};

/* filter_line_fn over a struct tok_opts: one output line per input line (sentences aside). */
void tok_line(void *opts, const char *s, size_t n, struct buf *out);
#endif
