/* linear.h: TEMPORARY declarations until the averaged perceptron lands (branch tag-linear). */
#ifndef NLP_TAG_LINEAR_H
#define NLP_TAG_LINEAR_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/spans.h"
#include "tag/model.h"

struct tag_lin {
	const struct tag_model *m;
};

int tag_lin_init(struct tag_lin *s, const struct tag_model *m, struct error *e);
void tag_lin_free(struct tag_lin *s);
void tag_lin_tag(struct tag_lin *s, const struct span *w, size_t n, uint32_t *out);

#endif
