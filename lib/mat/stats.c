/* stats.c: the summary of a matrix's values, and its text for nlp-mat info. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mat/stats.h"

/* A set of column indices that grows with the largest index seen. */
struct bitset {
	unsigned char *b; /* [cap] */
	size_t cap;
};

/* Returns 1 when i was not in the set, 0 when it was, -1 out of memory. */
static int bitset_add(struct bitset *s, uint64_t i)
{
	size_t byte = (size_t)(i / 8);
	unsigned bit = 1u << (i % 8);

	if (byte >= s->cap) {
		size_t ncap = s->cap ? s->cap : 64;
		unsigned char *nb;

		while (ncap <= byte)
			ncap *= 2;
		if (!(nb = realloc(s->b, ncap)))
			return -1;
		memset(nb + s->cap, 0, ncap - s->cap);
		s->b = nb;
		s->cap = ncap;
	}
	if (s->b[byte] & bit)
		return 0;
	s->b[byte] |= bit;
	return 1;
}

struct stats_ctx {
	struct stats *s;
	double comp; /* Neumaier's compensation of s->sum */
	struct bitset cols;
	uint64_t last_row;
	int any_row;
};

static int stats_visit(void *ctx, uint32_t row, uint32_t col, double v, struct error *e)
{
	struct stats_ctx *c = ctx;
	struct stats *s = c->s;
	double t = s->sum + v;
	int k;

	if (s->entries == 0 || v < s->min)
		s->min = v;
	if (s->entries == 0 || v > s->max)
		s->max = v;
	s->entries++;
	if (isfinite(t))
		c->comp += fabs(s->sum) >= fabs(v) ? (s->sum - t) + v : (v - t) + s->sum;
	s->sum = t;
	if (v == 0)
		return 0;
	s->nonzeros++;
	if (!c->any_row || row != c->last_row)
		s->nonempty_rows++;
	c->any_row = 1;
	c->last_row = row;
	if ((k = bitset_add(&c->cols, col)) < 0)
		return error_set(e, MAT_ENOMEM, 0, NULL, 0, "out of memory");
	s->nonempty_cols += (uint64_t)k;
	return 0;
}

int stats_read(struct reader *r, const struct mat_header *h, struct stats *s, struct error *e)
{
	struct stats_ctx c = {.s = s};
	int k;

	memset(s, 0, sizeof(*s));
	k = mat_visit(r, h, stats_visit, &c, e);
	if (isfinite(s->sum))
		s->sum += c.comp;
	free(c.cols.b);
	return k;
}
static const char *kind_name(uint32_t kind)
{
	return kind == MAT_DENSE ? "dense" : "sparse";
}

static void put_field(struct writer *w, const char *key, const char *value)
{
	writer_write(w, key, strlen(key));
	writer_putc(w, '\t');
	writer_write(w, value, strlen(value));
	writer_putc(w, '\n');
}

static void put_count(struct writer *w, const char *key, unsigned long long v)
{
	char b[24];

	snprintf(b, sizeof(b), "%llu", v);
	put_field(w, key, b);
}

static void put_value(struct writer *w, const char *key, uint32_t type, double v, int defined)
{
	char b[MAT_VALUE_BUFSIZE];

	if (!defined)
		strcpy(b, "-");
	else
		mat_format_value(b, type, v, 0);
	put_field(w, key, b);
}

void stats_write(struct writer *w, const struct mat_header *h, const struct stats *s)
{
	uint64_t cells = h->rows * h->cols;
	char b[32];

	put_field(w, "kind", kind_name(h->kind));
	put_field(w, "type", mat_type_name(h->type));
	put_count(w, "rows", h->rows);
	put_count(w, "cols", h->cols);
	put_count(w, "nnz", s->entries);
	if (h->nnz == MAT_NNZ_UNKNOWN)
		put_field(w, "header-nnz", "unknown");
	else
		put_count(w, "header-nnz", h->kind == MAT_DENSE ? cells : h->nnz);
	put_count(w, "nonzeros", s->nonzeros);
	put_count(w, "nonempty-rows", s->nonempty_rows);
	put_count(w, "nonempty-cols", s->nonempty_cols);
	put_value(w, "sum", MAT_F64, s->sum, 1);
	put_value(w, "min", h->type, s->min, s->entries > 0);
	put_value(w, "max", h->type, s->max, s->entries > 0);
	if (cells == 0)
		strcpy(b, "-");
	else
		snprintf(b, sizeof(b), "%.6g", (double)s->nonzeros / (double)cells);
	put_field(w, "density", b);
	for (const char *p = h->record, *nl; *p; p = nl + 1) { /* how the matrix was made */
		nl = strchr(p, '\n');
		writer_write(w, "record\t", 7);
		writer_write(w, p, (size_t)(nl + 1 - p));
	}
}

