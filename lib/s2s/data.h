/* data.h: the pairs (or the sources alone) a sequence-to-sequence model learns from or
 * translates (nlp-seq2seq(1)), read a line at a time: `source<TAB>target`, or a source alone
 * (the text before the line's first tab, or the whole line). Units are in the tables' form
 * (s2s/model.h). Without a model the units are interned into the data's own tables, with their
 * counts, so that a trainer builds its tables from them; with a model they are looked up in its
 * tables (a unit it does not know is `<unk>`). */
#ifndef NLP_S2S_DATA_H
#define NLP_S2S_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/spans.h"
#include "base/strtab.h"
#include "s2s/model.h"

struct s2s_data {
	enum s2s_units units;
	int pairs;                  /* the lines are pairs; else sources alone */
	int reverse;                /* the sources are kept reversed (the model's order) */
	int need_source;            /* a pair with an empty source is an error, not skipped */
	const struct s2s_model *m;  /* the tables to look the units up in, or NULL */
	struct strtab src, tgt;     /* without m: every unit, vals its count, ids by first sight */
	uint32_t *ids;              /* [nids] every unit's id: each source then its target */
	size_t nids, idcap;
	uint64_t *start;            /* [2n + 1] pair i: source ids start[2i] .. start[2i+1],
	                             * target start[2i+1] .. start[2i+2] (empty when not pairs) */
	size_t n, cap;
	uint64_t skipped;           /* pairs with an empty source, not kept (pairs only) */
	struct spans sp;            /* scratch */
};

/* Sets d up; m NULL to intern the units. Returns 0 or -1 with e filled (memory). */
int s2s_data_init(struct s2s_data *d, enum s2s_units units, int pairs, int reverse,
                  const struct s2s_model *m, struct error *e);
void s2s_data_free(struct s2s_data *d);

/* Adds the line s [n] (valid UTF-8, no newline; line lineno of the file name). Returns 0, or
 * -1 with e filled naming them: a pair's line without a tab, a source or a target of more than
 * S2S_MAX_LEN units, a token of more than NNFILE_WORD_MAX bytes or with a NUL byte (tokens),
 * memory. A pair with an empty source is skipped and counted (an error when d->need_source);
 * a source alone may be empty. */
int s2s_data_add(struct s2s_data *d, const char *s, size_t n, const char *name, uint64_t lineno,
                 struct error *e);

static inline const uint32_t *s2s_src(const struct s2s_data *d, size_t i, size_t *len)
{
	*len = (size_t)(d->start[2 * i + 1] - d->start[2 * i]);
	return d->ids + d->start[2 * i];
}
static inline const uint32_t *s2s_tgt(const struct s2s_data *d, size_t i, size_t *len)
{
	*len = (size_t)(d->start[2 * i + 2] - d->start[2 * i + 1]);
	return d->ids + d->start[2 * i + 1];
}

/* The pairs idx [B] of d, whose sources have one length S, as a batch, time-major: the sources
 * into src [S][B]; with in and out (not NULL), teacher forcing's decoder inputs into in [T][B]
 * (`<s>`, then the target's units) and its targets into out [T][B] (the units, then `</s>`, then
 * S2S_PAD), T the longest target's units + 1, which is returned (0 without them). */
size_t s2s_data_batch(const struct s2s_data *d, const uint32_t *idx, size_t B, uint32_t *src,
                      uint32_t *in, uint32_t *out);

/* A model's tables from d's interned units: the source's `<unk>` then its units, the target's
 * `<unk>`, `<s>`, `</s>` then its units, each by count (equal counts by bytes); a target unit
 * spelt as one of the three is that one. Then d's ids are made the tables' (d->m stays NULL).
 * Returns 0 or -1 with e filled (memory). */
int s2s_data_tables(struct s2s_data *d, struct strtab *src, struct strtab *tgt,
                    struct error *e);

/* Empties d of its lines (its tables kept), for the next chunk. */
void s2s_data_clear(struct s2s_data *d);

#endif
