/* textnorm.h: the whole line transformation of nlp-normalize: Unicode form and case folding,
 * then placeholders, then punctuation removal, then whitespace squeezing. */
#ifndef NLP_TEXTNORM_H
#define NLP_TEXTNORM_H

#include "base/buf.h"
#include "text/norm.h"

enum textnorm_repl {
	REPL_URL = 1,
	REPL_EMAIL = 2,
	REPL_DATE = 4,
	REPL_PHONE = 8,
	REPL_NUM = 16
};

struct textnorm {
	struct norm norm;
	int repl;        /* enum textnorm_repl bits */
	int strip_punct;
	int squeeze;
	struct buf a, b; /* scratch */
};

/* Returns 0, or -1 when the normalization options are rejected. */
int textnorm_init(struct textnorm *t, enum norm_form form, int casefold, int strip_accents);
void textnorm_free(struct textnorm *t);
/* filter_line_fn: appends the transformed line and '\n' to out. */
void textnorm_line(void *t, const char *s, size_t n, struct buf *out);

/* Replaces the entities selected by repl (enum textnorm_repl) in s[0..n) by <url>, <email>,
 * <date>, <phone> and <num>, appending to out. */
void textnorm_placeholders(int repl, const char *s, size_t n, struct buf *out);

#endif
