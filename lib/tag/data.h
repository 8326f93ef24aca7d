/* data.h: tagged sentences for the taggers (nlp-tag(1)), read line by line from CoNLL-U
 * (a token line's FORM and its UPOS or XPOS column; comments, multiword-token ranges such as
 * `3-4` and empty nodes such as `5.1` skipped; a blank line ends a sentence), from lines of
 * `token<TAB>tag` with blank lines between sentences, from text (a sentence a line, tokens
 * separated by blanks, no tags), or from text cut into characters (code points; blanks are not
 * units), tagged by the spaces when learning to restore them: a character's tag is TAG_SPACE
 * when a blank follows it in the line and TAG_NOSPACE otherwise.
 *
 * Every distinct token and tag is kept once with its count; a sentence is the ids of its tokens
 * and of their tags, so a model maps the ids once. */
#ifndef NLP_TAG_DATA_H
#define NLP_TAG_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/error.h"
#include "base/spans.h"
#include "base/strtab.h"

/* Tokens and tags are at most this many bytes (nn/nnfile.h's NNFILE_WORD_MAX). */
#define TAG_WORD_MAX 1024
/* A sentence is at most this many tokens (a longer one is an error naming its line). */
#define TAG_MAX_SENT 100000
/* The tags of the spacing data */
#define TAG_SPACE "S"
#define TAG_NOSPACE "-"
#define TAG_NONE UINT32_MAX   /* a token without a tag (text read for tagging) */

enum tag_format { TAG_FMT_AUTO, TAG_FMT_CONLLU, TAG_FMT_TSV, TAG_FMT_TEXT };
enum tag_column { TAG_COL_UPOS, TAG_COL_XPOS };
/* how a text line becomes units */
enum tag_units { TAG_UNITS_WORDS, TAG_UNITS_CHARS };

struct tag_data {
	struct strtab words;    /* every token, vals its count, ids by first sight */
	struct strtab tags;     /* every tag, vals its count, ids by first sight */
	uint32_t *tok;          /* [ntok] each token's id in words */
	uint32_t *tag;          /* [ntok] its tag's id in tags, or TAG_NONE */
	uint64_t *start;        /* [nsent + 1] sentence i is tokens start[i] .. start[i+1] */
	uint64_t *line;         /* [nsent] the line of its first token (1-based) */
	const char **name;      /* [nsent] its file's name (the caller's string) */
	size_t nsent, sentcap;
	size_t ntok, tokcap;
	size_t open;            /* tokens of the sentence being read (CoNLL-U and TSV) */
	uint64_t open_line;
	const char *open_name;
	enum tag_format format; /* what the lines are; AUTO until the first decides */
	enum tag_column column;
	enum tag_units units;
	int spacing;            /* characters tagged by the spaces */
	struct spans sp;        /* scratch */
	struct buf tmp;         /* scratch: a token with its blanks replaced */
	uint8_t *space;         /* scratch [spacecap] of tag_split */
	size_t spacecap;
};

/* Sets d up to read lines of format (AUTO: the first line that is neither blank nor a comment
 * decides: ten tab-separated fields make CoNLL-U, else TSV when units are words and not spacing;
 * text lines are TAG_FMT_TEXT, which AUTO never picks), the tags from column (CoNLL-U), the
 * units of text lines, and spacing (text lines of characters tagged by their spaces; units must
 * be TAG_UNITS_CHARS and format TEXT). Returns 0 or -1 with e filled (memory). */
int tag_data_init(struct tag_data *d, enum tag_format format, enum tag_column column,
                  enum tag_units units, int spacing, struct error *e);
void tag_data_free(struct tag_data *d);

/* Adds the line s [n] (no newline; lineno of the file name, a string that must outlive d).
 * Returns 0, or -1 with e filled naming name and lineno: a CoNLL-U line without ten fields, an
 * ID that is not a number, range or decimal, an empty FORM or tag ("_" is a tag), a TSV line
 * without exactly one tab, a token or tag longer than TAG_WORD_MAX bytes, or with a NUL byte in
 * it, a tag with a blank in it, a sentence longer than TAG_MAX_SENT, memory. A blank inside a
 * CoNLL-U FORM or a TSV token (UD allows words with spaces) becomes U+00A0, so that a token is
 * one field of a tagged line. An empty text line is an empty sentence (kept, so
 * that tagging writes an empty line for it). */
int tag_data_add(struct tag_data *d, const char *s, size_t n, const char *name, uint64_t lineno,
                 struct error *e);

/* Ends the sentence being read, if any (at the end of a file). Returns 0 or -1 (memory). */
int tag_data_end(struct tag_data *d, struct error *e);

/* out = the spacing tags' table: TAG_NOSPACE, then TAG_SPACE. Returns 0 or -1 with e filled. */
int tag_spacing_tags(struct strtab *out, struct error *e);

/* The tokens of sentence i: ids [*len]; tags (or NULL) its tags [*len]. */
static inline const uint32_t *tag_sentence(const struct tag_data *d, size_t i, size_t *len,
                                           const uint32_t **tags)
{
	*len = (size_t)(d->start[i + 1] - d->start[i]);
	if (tags)
		*tags = d->tag + d->start[i];
	return d->tok + d->start[i];
}

/* Splits the valid UTF-8 s [n] into its units as spans into s: tokens separated by blanks, or
 * the code points that are not blanks (TAG_UNITS_CHARS; a blank is spans_is_blank's or a Unicode
 * space, utf8_is_space). With space not NULL, (*space) [sp->n] is set (grown with realloc from
 * *cap; emalloc's policy when memory runs out): 1 when a blank follows the unit and another unit
 * comes after it, else 0. */
void tag_split(const char *s, size_t n, enum tag_units units, struct spans *sp, uint8_t **space,
               size_t *cap);

#endif
