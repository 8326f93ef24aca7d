/* ngline.c: a line's units for n-grams, and the listing of its n-grams. */
#include <string.h>

#include "count/ngline.h"
#include "text/tokenize.h"

void ngline_units(struct ngline *l, const char **s, size_t *n)
{
	if (l->chars) {
		l->cbuf.len = 0;
		tokenize_chars(*s, *n, l->space, &l->cbuf);
		*s = l->cbuf.p;
		*n = l->cbuf.len;
	}
	spans_split_blank(*s, *n, &l->units);
	if (l->markers) {
		size_t k = l->units.n;

		spans_push(&l->units, NULL, 0); /* room for <s> at the front */
		memmove(l->units.v + 1, l->units.v, k * sizeof(*l->units.v));
		l->units.v[0] = (struct span){"<s>", 3};
		spans_push(&l->units, "</s>", 4);
	}
}

void ngline_list(struct ngline *l, const char *s, size_t n, unsigned min_n, unsigned max_n,
                 struct buf *out)
{
	const struct span *v;

	ngline_units(l, &s, &n);
	v = l->units.v;
	for (unsigned k = min_n; k <= max_n && k <= l->units.n; k++)
		for (size_t i = 0; i + k <= l->units.n; i++) {
			for (unsigned j = 0; j < k; j++) {
				if (j)
					buf_putc(out, ' ');
				buf_put(out, v[i + j].p, v[i + j].n);
			}
			buf_putc(out, '\n');
		}
}

void ngline_free(struct ngline *l)
{
	spans_free(&l->units);
	buf_free(&l->cbuf);
}
