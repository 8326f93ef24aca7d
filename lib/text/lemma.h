/* lemma.h: English lemmas by WordNet's morphology, as NLTK 3.8's WordNetLemmatizer gives them
 * (nltk/corpus/reader/wordnet.py, _morphy): the index and the exception list of one part of
 * speech read from WordNet's dict files, and a token's lemma written into the caller's buffer.
 * libwordnet is not used: its morphstr() searches otherwise, and NLTK is what users compare
 * with. */
#ifndef NLP_LEMMA_H
#define NLP_LEMMA_H

#include <stddef.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/strtab.h"

/* How many bytes longer than the longest lemma or inflected form of the files a token may be and
 * still be lemmatized; a longer one is written unchanged. A level of rules shortens a form by 3
 * bytes at most, so a longer token needs 9 levels or more to reach a lemma (dogs followed by 24
 * more s), which no English word needs, and the search stays small whatever the token. */
#define LEMMA_REACH 24

struct lemma {
	char pos;                 /* n, v, a, r, or s (adjective satellite: a's files and rules) */
	struct strtab index;      /* the lemmas of pos's index file */
	struct strtab exc;        /* the inflected forms of pos's exception list; vals[id]: 1 + the
	                           * offset of their bases in bases */
	struct buf bases;         /* for each inflected form: u32 count, then each base as u32
	                           * length and bytes */
	size_t longest;           /* bytes of the longest lemma or inflected form read */
	struct strtab level[2];   /* the distinct forms of a level of the rules, and of the next */
	struct buf form;          /* the form being made */
	char *paths[2];           /* the files read, for messages */
};

/* The name WordNet's files give pos: "noun", "verb", "adj" (a and s) or "adv"; NULL for a letter
 * that is none of n, v, a, r, s. */
const char *lemma_pos_name(char pos);

/* Sets up an empty lemmatizer of pos (n, v, a, r or s). Returns 0, or -1 with e filled (a
 * letter that is no part of speech, or out of memory). Either way lemma_free releases lm. */
int lemma_init(struct lemma *lm, char pos, struct error *e);
/* Releases what lm holds (lm itself is the caller's). */
void lemma_free(struct lemma *lm);

/* Reads the index file of lm's part of speech: lines that start with a space (the licence) are
 * skipped, the others are "LEMMA POS SYNSET_CNT ..." whose POS is lm's (a for s) and whose
 * SYNSET_CNT is a number; the lemma is kept. Returns 0, or -1 with e filled: "open PATH: reason",
 * "read PATH: reason", "PATH: line N: not a line of a WordNet index" or "...: invalid UTF-8",
 * "PATH: no lemma (not a WordNet index)", or out of memory. path is copied. */
int lemma_load_index(struct lemma *lm, const char *path, struct error *e);
/* Reads an exception list: "INFLECTED BASE..." a line, fields separated by blanks, blank lines
 * skipped; an inflected form given again replaces its bases (as NLTK's dictionary does). Returns
 * 0, or -1 with e filled as lemma_load_index's. */
int lemma_load_exceptions(struct lemma *lm, const char *path, struct error *e);
/* Both, from the directory dir: index.NAME and NAME.exc, NAME as lemma_pos_name says. */
int lemma_load(struct lemma *lm, const char *dir, struct error *e);

/* The longest token lemma_token lemmatizes: longest + LEMMA_REACH bytes. */
size_t lemma_max_token(const struct lemma *lm);

/* Appends the lemma of the token s[0..n) (UTF-8) to out, lm being a struct lemma (a
 * stem_token_fn, text/stem.h): the first of the shortest (in characters) of the forms NLTK's
 * _morphy finds in the index, or the token itself when it finds none or the token is longer than
 * lemma_max_token. _morphy: an inflected form of the exception list gives itself and its bases;
 * any other token gives itself and the forms that one substitution of an ending makes, and while
 * none of those is a lemma, the forms that one more substitution makes of them, until a level has
 * a lemma or no form is left. Each level is kept without its repeated forms: a form's
 * substitutions depend on it alone, so a later copy adds only forms that are already there, and
 * the levels stay small. Returns 0, or -1 with e filled when memory runs out. */
int lemma_token(void *lm, const char *s, size_t n, struct buf *out, struct error *e);

#endif
