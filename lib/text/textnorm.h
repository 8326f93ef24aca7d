/* textnorm.h: the whole line transformation of nlp-normalize: Unicode form and case folding,
 * then placeholders, then punctuation removal, then whitespace squeezing. */
#ifndef NLP_TEXTNORM_H
#define NLP_TEXTNORM_H

#include "base/buf.h"
#include "base/error.h"
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

/* Sets up t with no placeholders, punctuation removal or squeezing (set those fields after).
 * Returns 0, or -1 with e filled when the normalization options are rejected. Either way t holds
 * memory that textnorm_free releases. */
int textnorm_init(struct textnorm *t, enum norm_form form, int casefold, int strip_accents,
                  struct error *e);
/* Releases what t holds (t itself belongs to the caller). */
void textnorm_free(struct textnorm *t);
/* Appends the transformed line s[0..n) (valid UTF-8) and '\n' to out, the caller's buffer.
 * Returns 0, or -1 with e filled when utf8proc fails. */
int textnorm_line(struct textnorm *t, const char *s, size_t n, struct buf *out, struct error *e);

/* Replaces the entities selected by repl (enum textnorm_repl) in s[0..n) by <url>, <email>,
 * <date>, <phone> and <num>, appending to out (the caller's buffer). */
void textnorm_placeholders(int repl, const char *s, size_t n, struct buf *out);

#endif
