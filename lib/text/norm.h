/* norm.h: Unicode normalization forms, case folding and accent stripping over utf8proc, with a
 * per-character cache so that text made of stable characters is copied, not re-decomposed. */
#ifndef NLP_NORM_H
#define NLP_NORM_H

#include <stddef.h>
#include <stdint.h>

#include <utf8proc.h>

#include "base/buf.h"
#include "base/error.h"

enum norm_form { NORM_NONE, NORM_NFC, NORM_NFD, NORM_NFKC, NORM_NFKD };

#define NORM_ENTRY_MAX 14 /* longest mapping kept in the cache, in bytes */

struct norm_entry {
	uint8_t state;  /* 0 not yet computed, 1 safe (mapping below), 2 needs the full algorithm */
	uint8_t len;
	char bytes[NORM_ENTRY_MAX];
};

struct norm {
	utf8proc_option_t flags;
	int identity;             /* nothing to do: input is copied */
	unsigned char ascii[128]; /* ASCII maps to one ASCII byte under every option */
	struct norm_entry *bmp;   /* [0x10000], filled on first use of each character */
	int32_t *cps;             /* [ncps] scratch for the full algorithm */
	size_t ncps;
	int32_t *tmp;             /* [ntmp] scratch for the canonical order of a long run of marks */
	size_t ntmp;
	int err;                  /* utf8proc's code of the first failure, or 0: sticky, as ferror() */
};

/* casefold: full Unicode case folding; strip_marks: remove combining marks after canonical
 * decomposition (implies composition when form is NORM_NONE). Returns 0, or -1 with err filled
 * ("cannot set up normalization with these options") for an option combination utf8proc
 * rejects. Either way n holds memory that norm_free releases. */
int norm_init(struct norm *n, enum norm_form form, int casefold, int strip_marks,
              struct error *err);
/* Releases what norm_init allocated (n itself belongs to the caller). */
void norm_free(struct norm *n);

/* Appends the transformed s[0..len) to out (the caller's buffer); s must be valid UTF-8 (see
 * utf8_clean). When utf8proc fails (valid input under options norm_init accepted does not make
 * it), out may hold part of the result and n->err keeps utf8proc's negative code: callers check
 * it once per line, not per call, and norm_error turns it into a struct error. */
void norm_apply(struct norm *n, const char *s, size_t len, struct buf *out);
/* Fills e with "utf8proc: MESSAGE" for utf8proc's negative code (n->err); returns -1. */
int norm_error(struct error *e, int code);

#endif
