/* data.h: labelled text for the classifiers (nlp-classify(1)): lines of `label<TAB>text`, the text
 * already tokens separated by blanks. The reader keeps every distinct word and label with its
 * count, and each example as the ids of its words in that table, so a model builds its own
 * vocabulary from the counts and maps the ids once. */
#ifndef NLP_CLS_DATA_H
#define NLP_CLS_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/spans.h"
#include "base/strtab.h"

/* Labels and words are at most this many bytes (nn/nnfile.h's NNFILE_WORD_MAX). */
#define CLS_WORD_MAX 1024

struct cls_data {
	struct strtab labels;   /* every label, vals its count, ids in order of first sight */
	struct strtab words;    /* every word, vals its count */
	uint32_t *label;        /* [n] each example's label id (labels') */
	uint64_t *start;        /* [n + 1] each example's first token in ids */
	uint32_t *ids;          /* [start[n]] the examples' words (words' ids) */
	uint64_t *line;         /* [n] each example's line number in its file (1-based) */
	const char **name;      /* [n] its file's name (the caller's string) */
	size_t n, cap;          /* examples */
	size_t nids, idcap;
	struct spans sp;        /* scratch */
};

int cls_data_init(struct cls_data *d, struct error *e);
void cls_data_free(struct cls_data *d);

/* Splits a line s [n] (no newline) at its first tab into the label and the text. Returns 0, or
 * -1 with e filled naming name and lineno: no tab ("no tab between the label and the text"), an
 * empty or blank label, a label with a blank in it, an empty text (no token), a label or a word
 * longer than CLS_WORD_MAX bytes. */
int cls_split(const char *s, size_t n, const char **label, size_t *label_len, const char **text,
              size_t *text_len, const char *name, uint64_t lineno, struct error *e);

/* Adds the line s [n] (lineno in the file name, a string that must outlive d) as an example.
 * Returns 0, or -1 with e filled (cls_split's reasons, a word longer than CLS_WORD_MAX bytes or
 * with a NUL byte, memory). */
int cls_data_add(struct cls_data *d, const char *s, size_t n, const char *name, uint64_t lineno,
                 struct error *e);

/* Whether d can train a classifier: at least 2 classes, each seen at least twice (a label seen
 * once is most often a malformed line). Returns 0, or -1 with e filled naming the file and the
 * line of the lone label. */
int cls_data_check(const struct cls_data *d, struct error *e);

/* out = the keys of counts (vals: counts) seen at least min_count times, by count descending,
 * ties by their bytes, after special (when not NULL) at id 0, whose count is special_count plus
 * its own in counts; vals keep the counts. Returns 0 or -1 with e filled (memory). */
int cls_table_build(struct strtab *out, const struct strtab *counts, uint64_t min_count,
                    const char *special, uint64_t special_count, struct error *e);
/* *map [from.n] = the id in to of each key of from, or missing. Returns 0 or -1 with e filled
 * (memory); free *map with free(). */
int cls_table_map(uint32_t **map, const struct strtab *from, const struct strtab *to,
                  uint32_t missing, struct error *e);

/* The words of example i: ids [*len]. */
static inline const uint32_t *cls_example(const struct cls_data *d, size_t i, size_t *len)
{
	*len = (size_t)(d->start[i + 1] - d->start[i]);
	return d->ids + d->start[i];
}

#endif
