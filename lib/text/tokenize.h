/* tokenize.h: word, grapheme cluster and jamo segmentation of valid UTF-8 lines, jamo
 * composition, scikit-learn's default analyzer, and the line function of nlp-tokenize over these,
 * ptb.h and sentence.h. Each function appends to out, the caller's buffer; word-like modes
 * separate tokens by single spaces and write no newline. */
#ifndef NLP_TOKENIZE_H
#define NLP_TOKENIZE_H

#include <stddef.h>

#include "base/buf.h"

enum tokenize_flags {
	TOK_JAMO = 1,       /* Hangul syllables of each token as conjoining jamo */
	TOK_NO_SPECIAL = 2, /* do not keep URLs and e-mail addresses whole */
	TOK_KEEP_CASE = 4   /* tokenize_sklearn: no lower-casing first */
};

/* Words by Unicode category (see nlp-tokenize(1) for the rules). */
void tokenize_words(const char *s, size_t n, int flags, struct buf *out);
/* Extended grapheme clusters; whitespace is dropped, or written as space_tok when not NULL. */
void tokenize_chars(const char *s, size_t n, const char *space_tok, struct buf *out);
/* Whether the NUL-terminated s can stand for whitespace in tokenize_chars (--space): non-empty
 * valid UTF-8 with none of the characters tokenize_chars takes for whitespace (white space and
 * controls). Returns 1 or 0. */
int tokenize_space_ok(const char *s);
/* Composes conjoining jamo into Hangul syllables; everything else is copied. */
void tokenize_compose(const char *s, size_t n, struct buf *out);
/* scikit-learn's default analyzer for one document: Python's str.lower() (unless
 * TOK_KEEP_CASE), then the matches of token_pattern (?u)\b\w\w+\b under Python's re. */
void tokenize_sklearn(const char *s, size_t n, int flags, struct buf *out);

/* Returns the end of the extended grapheme cluster that starts at s[i] (n bytes in all). */
size_t tokenize_grapheme_end(const char *s, size_t n, size_t i);

/* What nlp-tokenize does with each line. */
enum tokenize_mode { TOK_WORDS, TOK_PTB, TOK_CHARS, TOK_COMPOSE, TOK_SENTENCES, TOK_SKLEARN };

struct tokenize_opts {
	enum tokenize_mode mode;
	int flags;             /* enum tokenize_flags */
	const char *space_tok; /* TOK_CHARS: token written for whitespace, or NULL */
};

/* filter_line_fn over a struct tokenize_opts: appends the line's tokens and '\n' to out (for
 * TOK_SENTENCES, one line per sentence and none for a blank line). */
void tokenize_line(void *opts, const char *s, size_t n, struct buf *out);

#endif
