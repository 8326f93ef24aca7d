/* linear.c: TEMPORARY until the averaged perceptron lands (branch tag-linear). */
#include "tag/linear.h"
#include "tag/train.h"

int tag_lin_init(struct tag_lin *s, const struct tag_model *m, struct error *e)
{
	(void)e;
	s->m = m;
	return 0;
}

void tag_lin_free(struct tag_lin *s)
{
	(void)s;
}

void tag_lin_tag(struct tag_lin *s, const struct span *w, size_t n, uint32_t *out)
{
	(void)s;
	(void)w;
	for (size_t i = 0; i < n; i++)
		out[i] = 0;
}

int tag_linear_train(struct tag_model *m, const struct tag_data *train,
                     const struct tag_data *valid, const struct tag_train_opts *o,
                     const struct tag_hooks *h, struct error *e)
{
	(void)m, (void)train, (void)valid, (void)o, (void)h;
	return error_bad(e, NULL, 0, "the linear tagger is not built yet");
}
