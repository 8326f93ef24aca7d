/* specials.c: parsing the list of special tokens, and writing a vocabulary with them first. */
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "count/countfile.h"
#include "count/specials.h"

int specials_parse(struct specials *sp, const char *list, struct error *e)
{
	char *copy = estrdup(list), *save = NULL;
	int r = 0;

	for (char *t = strtok_r(copy, ",", &save); t && !r; t = strtok_r(NULL, ",", &save)) {
		for (const char *p = t; *p && !r; p++)
			if (spans_is_blank((unsigned char)*p))
				r = error_bad(e, NULL, 0, "'%s' has a blank", t);
		if (!r && *t && specials_index(sp, t, strlen(t)) >= 0)
			r = error_bad(e, NULL, 0, "'%s' is given twice", t);
		if (r)
			break;
		sp->tok = erealloc(sp->tok, (sp->n + 1) * sizeof(*sp->tok));
		sp->len = erealloc(sp->len, (sp->n + 1) * sizeof(*sp->len));
		sp->counts = erealloc(sp->counts, (sp->n + 1) * sizeof(*sp->counts));
		sp->tok[sp->n] = estrdup(t);
		sp->len[sp->n] = strlen(t);
		sp->counts[sp->n++] = 0;
		sp->first[(unsigned char)t[0]] = 1;
	}
	free(copy);
	if (!r && sp->n == 0)
		r = error_bad(e, NULL, 0, "no token given");
	return r;
}

void specials_free(struct specials *sp)
{
	for (size_t i = 0; i < sp->n; i++)
		free(sp->tok[i]);
	free(sp->tok);
	free(sp->len);
	free(sp->counts);
	memset(sp, 0, sizeof(*sp));
}

/* The entries after the specials. */
struct writing {
	const struct specials *sp;
	struct writer *w;
	uint64_t max_size, written;
};

static int write_entry(void *ctx, const struct ngc_entry *en)
{
	struct writing *wr = ctx;

	if (specials_index(wr->sp, en->key, en->len) >= 0)
		return 0;
	if (wr->max_size && wr->written == wr->max_size)
		return 1; /* full: stop */
	countfile_put(wr->w, en->key, en->len, en->count);
	wr->written++;
	return 0;
}

int specials_write(const struct specials *sp, struct ngcount *c, uint64_t min_count,
                   uint64_t max_size, struct writer *w, struct error *e)
{
	struct writing wr = {sp, w, max_size, 0};

	for (size_t i = 0; i < sp->n && (!max_size || wr.written < max_size); i++) {
		countfile_put(w, sp->tok[i], sp->len[i], sp->counts[i]);
		wr.written++;
	}
	return ngc_emit(c, min_count, 0, write_entry, &wr, e) < 0 ? -1 : 0;
}
