/* answers.c: nlp-similar's queries, parsed, batched, answered and written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vec/answers.h"

#define MAX_BATCH 1024          /* queries answered together */
#define BATCH_HITS (1u << 24)   /* answers held at a time */

int answers_init(struct answers *a, const struct vectors *v, size_t cands, size_t top,
                 enum similar_method m, int fold, int threads, int with_query, struct error *e)
{
	memset(a, 0, sizeof(*a));
	if (lookup_init(&a->lk, v, v->rows, fold, e) < 0)
		return -1;
	a->s = (struct similar_search){v, cands, a->lk.key, m, top < cands ? top : cands, threads,
	                               NULL};
	a->with_query = with_query;
	a->cap = a->s.k ? BATCH_HITS / a->s.k : MAX_BATCH;
	a->cap = a->cap < 1 ? 1 : a->cap > MAX_BATCH ? MAX_BATCH : a->cap;
	a->q = calloc(a->cap, sizeof(*a->q));
	a->text = calloc(a->cap, sizeof(*a->text));
	a->ok = calloc(a->cap, sizeof(*a->ok));
	a->nhits = calloc(a->cap, sizeof(*a->nhits));
	a->hits = calloc(a->cap * (a->s.k ? a->s.k : 1), sizeof(*a->hits));
	if (!a->q || !a->text || !a->ok || !a->nhits || !a->hits)
		return error_bad(e, NULL, 0, "out of memory");
	return 0;
}

int answers_oov(struct answers *a, answers_oov_fn *fn, void *ctx, struct error *e)
{
	size_t d = a->s.v->dim;
	struct answers_oov *o = calloc(1, sizeof(*o));

	if (!o)
		return error_bad(e, NULL, 0, "out of memory");
	a->oov = o;
	o->fn = fn;
	o->ctx = ctx;
	o->extra = malloc(3 * a->cap * d * sizeof(*o->extra));
	o->x = malloc(d * sizeof(*o->x));
	o->wide = malloc(d * sizeof(*o->wide));
	if (!o->extra || !o->x || !o->wide)
		return error_bad(e, NULL, 0, "out of memory");
	a->s.extra = o->extra;
	return 0;
}

/* The row of query word w[0..n): the vectors', or one built for it past them; -1 when it has
 * none, -2 when memory runs out. */
static int64_t find_row(struct answers *a, const char *w, size_t n)
{
	struct answers_oov *o = a->oov;
	int64_t row = lookup_find(&a->lk, w, n);
	size_t d = a->s.v->dim;
	int k;

	if (row >= 0 || !o)
		return row;
	if ((k = o->fn(o->ctx, w, n, o->x)) != 0)
		return k < 0 ? -2 : -1;
	vec_unit(o->extra + o->n * d, o->x, d, o->wide);
	return (int64_t)(a->s.v->rows + o->n++);
}

static void put_score(struct writer *w, float x)
{
	char s[64];
	int n = snprintf(s, sizeof(s), "\t%.6f\n", x);

	if (strcmp(s, "\t-0.000000\n") == 0)
		n = snprintf(s, sizeof(s), "\t0.000000\n");
	writer_write(w, s, (size_t)n);
}

int answers_flush(struct answers *a, struct writer *w, struct error *e)
{
	struct similar_query *q = a->q;
	size_t k = a->s.k, m = 0;

	/* ask the queries that can be asked, packed in front of their places */
	for (size_t i = 0; i < a->n; i++)
		if (a->ok[i])
			q[m++] = q[i];
	if (similar_search(&a->s, q, m, a->hits, a->nhits, e) < 0)
		return -1;
	for (size_t i = 0, j = 0; i < a->n; i++, a->done++) {
		if (a->done > 0 && !a->with_query)
			writer_putc(w, '\n');
		if (!a->ok[i])
			continue;
		for (size_t h = 0; h < a->nhits[j]; h++) {
			size_t len;
			const char *word = vec_word(a->s.v, a->hits[j * k + h].row, &len);

			if (a->with_query) {
				writer_write(w, a->text[i].p, a->text[i].len);
				writer_putc(w, '\t');
			}
			writer_write(w, word, len);
			put_score(w, a->hits[j * k + h].score);
		}
		j++;
	}
	a->n = 0;
	if (a->oov)
		a->oov->n = 0;
	return 0;
}

int answers_add(struct answers *a, struct writer *w, const char *s, size_t n,
                answers_warn_fn *warn, struct error *e)
{
	const char *wd[3];
	size_t len[3], nw = 0, i = 0;
	struct similar_query *q = &a->q[a->n];
	struct buf *t = &a->text[a->n];
	struct error bad;
	char ex[80];
	int ret = 0;

	t->len = 0;
	while (i < n) {
		const char *p;

		while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
			i++;
		if (i == n)
			break;
		p = s + i;
		while (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			i++;
		if (nw < 3) {
			wd[nw] = p;
			len[nw] = (size_t)(s + i - p);
		}
		if (nw++)
			buf_putc(t, ' ');
		buf_put(t, p, (size_t)(s + i - p));
	}
	if (nw == 0)
		return 0;
	a->ok[a->n] = 0;
	q->n = (int)nw;
	if (nw == 2 || nw > 3) {
		error_bad(&bad, NULL, 0, "'%s': a query is a word, or three words (a b c: a is to b as "
		          "c is to ?)", vec_excerpt(ex, sizeof(ex), t->p, t->len));
		warn(&bad);
		ret = 1;
	} else {
		a->ok[a->n] = 1;
		for (size_t j = 0; j < nw; j++) {
			int64_t row = find_row(a, wd[j], len[j]);

			if (row == -2)
				return error_bad(e, NULL, 0, "out of memory");
			if (row < 0) {
				error_bad(&bad, NULL, 0, "'%s' is not among the vectors",
				          vec_excerpt(ex, sizeof(ex), wd[j], len[j]));
				warn(&bad);
				a->ok[a->n] = 0;
				ret = 1;
			}
			q->w[j] = row < 0 ? 0 : (uint32_t)row;
		}
	}
	if (++a->n == a->cap && answers_flush(a, w, e) < 0)
		return -1;
	return ret;
}

void answers_free(struct answers *a)
{
	for (size_t i = 0; a->text && i < a->cap; i++)
		buf_free(&a->text[i]);
	free(a->q);
	free(a->text);
	free(a->ok);
	free(a->nhits);
	free(a->hits);
	if (a->oov) {
		free(a->oov->extra);
		free(a->oov->x);
		free(a->oov->wide);
		free(a->oov);
	}
	lookup_free(&a->lk);
}
