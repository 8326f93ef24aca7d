/* estimate.c: an n-gram model from counts: the trie, the counts each method uses, discounts,
 * probabilities and back-off weights, and the ARPA text (estimate.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/phase.h"
#include "lm/estimate.h"

#define NONE SIZE_MAX
#define ROOT (SIZE_MAX - 1) /* the empty context, whose children are level 1 */

static const char *const method_names[] = {"mkn", "kn", "abs", "wb", "katz", "addk"};

const char *lm_method_name(enum lm_method method)
{
	return method_names[method];
}

static int oom(struct error *e)
{
	return error_set(e, -1, ENOMEM, NULL, 0, "out of memory");
}

int lmest_init(struct lm_est *m, const struct lm_opts *o, struct error *e)
{
	memset(m, 0, sizeof(*m));
	m->o = *o;
	m->cur = 1;
	if (strtab_init(&m->pending, 1024) < 0)
		return oom(e);
	return 0;
}

static void level_free(struct lm_level *l)
{
	free(l->word);
	free(l->count);
	free(l->child);
	free(l->prob);
	free(l->bow);
	free(l->parent);
	memset(l, 0, sizeof(*l));
}

void lmest_free(struct lm_est *m)
{
	for (unsigned n = 0; n <= LM_MAX_ORDER; n++)
		level_free(&m->lv[n]);
	strtab_free(&m->vocab);
	strtab_free(&m->pending);
	free(m->ctx);
	memset(m, 0, sizeof(*m));
}

/* ---- the trie ---- */

/* The child of node (at level l; ROOT for the empty context) whose word is w, in level l + 1;
 * NONE when there is none. */
static size_t find_child_after(const struct lm_est *m, unsigned l, size_t node, uint32_t w,
                               size_t from);

static size_t find_child(const struct lm_est *m, unsigned l, size_t node, uint32_t w)
{
	return find_child_after(m, l, node, w, NONE);
}

/* The same, knowing that the child comes after position from when from is not NONE (siblings
 * are looked up in the order of their words, so each search gallops on from the last one's
 * answer). */
static size_t find_child_after(const struct lm_est *m, unsigned l, size_t node, uint32_t w,
                               size_t from)
{
	const struct lm_level *up = &m->lv[l + 1];
	size_t lo, hi, end, step = 1;

	if (node == ROOT)
		return w < up->n ? w : NONE;
	if (node == NONE)
		return NONE;
	lo = hi = m->lv[l].child[node];
	end = m->lv[l].child[node + 1];
	if (from >= lo && from < end && up->word[from] < w) { /* a later sibling: gallop */
		lo = hi = from + 1;
		while (hi < end && up->word[hi] < w) {
			lo = hi + 1;
			hi += step;
			step *= 2;
		}
		if (hi > end)
			hi = end;
	} else {
		hi = end;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (up->word[mid] < w)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < end && up->word[lo] == w ? lo : NONE;
}

/* A walk over the nodes of a level in order, with the path of each: at[l] is the node's
 * ancestor at level l. Starts zeroed. */
static void walk_to(const struct lm_est *m, size_t *at, unsigned k, size_t i)
{
	at[k] = i;
	for (unsigned l = k - 1; l >= 1; l--)
		while (m->lv[l].child[at[l] + 1] <= at[l + 1])
			at[l]++;
}

/* The suffixes of level n >= 2 (each n-gram without its first word, a node of level n - 1;
 * UINT32_MAX when absent), from those of level n - 1: the children of a node share its suffix's
 * node as the context of theirs, and come in the order of their words, so each search gallops
 * on from the last. */
static uint32_t *suffixes(const struct lm_est *m, unsigned n, const uint32_t *below)
{
	const struct lm_level *l = &m->lv[n], *p = &m->lv[n - 1];
	uint32_t *suf = malloc((l->n ? l->n : 1) * sizeof(*suf));

	if (!suf)
		return NULL;
	for (size_t i = 0; i < p->n; i++) {
		size_t ctx = n == 2 ? ROOT : below[i] == UINT32_MAX ? NONE : below[i], last = NONE;

		for (size_t j = p->child[i]; j < p->child[i + 1]; j++) {
			size_t s = last == NONE ? find_child(m, n - 2, ctx, l->word[j])
			                        : find_child_after(m, n - 2, ctx, l->word[j], last);

			suf[j] = s == NONE ? UINT32_MAX : (uint32_t)s;
			if (s != NONE)
				last = s;
		}
	}
	return suf;
}

/* Bytes the levels hold while they are built. */
static size_t held(const struct lm_est *m)
{
	size_t b = strtab_bytes(&m->vocab) + strtab_bytes(&m->pending);

	for (unsigned n = 1; n <= m->o.order; n++)
		b += m->lv[n].cap * 3 * sizeof(uint32_t) + (m->lv[n].child ? (m->lv[n].n + 1) * 4 : 0);
	return b;
}

size_t lmest_need(const struct lm_est *m)
{
	size_t b = strtab_bytes(&m->vocab), big = 0;

	for (unsigned n = 1; n <= m->o.order; n++) {
		size_t k = m->lv[n].n;

		/* word, prob, and below the top child and bow; counts while the order is estimated */
		b += k * (n < m->o.order ? 16 : 8) + (n < m->o.order ? 4 : 0);
		if (k > big)
			big = k;
	}
	b += big * 3 * sizeof(uint32_t); /* two levels' suffixes, one level's counts */
	for (unsigned n = 1; n <= m->o.order; n++) {
		if (n >= 2 && m->o.prune[n] > 0)
			b += m->lv[n].n * sizeof(uint32_t); /* the counts pruning asks for again */
		if (m->o.binary) /* lm/model's tables: 16-byte slots, 1.5 an n-gram */
			b += m->lv[n].n * 24;
	}
	return b;
}

static int over_budget(const struct lm_est *m, size_t need, struct error *e)
{
	return error_set(e, -1, 0, NULL, 0, "the model needs about %zu MiB, more than the memory "
	                 "budget of %zu MiB allows (about 20 bytes an n-gram)",
	                 (need >> 20) + 1, m->o.budget >> 20);
}

static int level_push(struct lm_level *l, uint32_t parent, uint32_t w, uint32_t count)
{
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap + l->cap / 2 : 4096;
		uint32_t *a = realloc(l->word, nc * sizeof(*a));

		if (!a)
			return -1;
		l->word = a;
		if (!(a = realloc(l->count, nc * sizeof(*a))))
			return -1;
		l->count = a;
		if (!(a = realloc(l->parent, nc * sizeof(*a))))
			return -1;
		l->parent = a;
		l->cap = nc;
	}
	l->word[l->n] = w;
	l->count[l->n] = count;
	l->parent[l->n] = parent;
	l->n++;
	return 0;
}

static int pending_add(struct lm_est *m, const char *w, size_t len, uint64_t count,
                       struct error *e)
{
	int64_t id = strtab_intern(&m->pending, w, len);

	if (id < 0)
		return oom(e);
	m->pending.vals[id] += count;
	return 0;
}

/* Level 1 complete: the special words join, ids follow the bytes. */
static int finish_unigrams(struct lm_est *m, struct error *e)
{
	struct strtab *p = &m->pending;
	struct lm_level *l = &m->lv[1];
	uint32_t *perm;

	if (pending_add(m, "<s>", 3, 0, e) < 0 || pending_add(m, "</s>", 4, 0, e) < 0 ||
	    pending_add(m, "<unk>", 5, 0, e) < 0)
		return -1;
	if (!(perm = malloc(p->n * sizeof(*perm))))
		return oom(e);
	for (size_t i = 0; i < p->n; i++)
		perm[i] = (uint32_t)i;
	qsort_r(perm, p->n, sizeof(*perm), strtab_cmp_ids, p);
	if (strtab_init(&m->vocab, p->n) < 0 || !(l->word = malloc(p->n * sizeof(uint32_t))) ||
	    !(l->count = malloc(p->n * sizeof(uint32_t)))) {
		free(perm);
		return oom(e);
	}
	for (size_t i = 0; i < p->n; i++) {
		size_t len;
		const char *w = strtab_key(p, perm[i], &len);

		if (p->vals[perm[i]] > UINT32_MAX) {
			free(perm);
			return error_set(e, -1, 0, NULL, 0, "counts: the count of '%.*s' passes %u",
			                 (int)(len > 64 ? 64 : len), w, UINT32_MAX);
		}
		if (strtab_intern(&m->vocab, w, len) < 0) {
			free(perm);
			return oom(e);
		}
		l->word[i] = (uint32_t)i;
		l->count[i] = (uint32_t)p->vals[perm[i]];
	}
	l->n = l->cap = p->n;
	free(perm);
	strtab_free(p);
	m->bos = (uint32_t)strtab_find(&m->vocab, "<s>", 3);
	m->eos = (uint32_t)strtab_find(&m->vocab, "</s>", 4);
	m->unk = (uint32_t)strtab_find(&m->vocab, "<unk>", 5);
	m->built = 1;
	return 0;
}

/* The order of a level's entries that came unsorted: by parent, then word. */
static int cmp_entry(const void *pa, const void *pb, void *ctx)
{
	const struct lm_level *l = ctx;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;

	if (l->parent[a] != l->parent[b])
		return l->parent[a] < l->parent[b] ? -1 : 1;
	return (l->word[a] > l->word[b]) - (l->word[a] < l->word[b]);
}

static int sort_level(struct lm_level *l)
{
	uint32_t *perm = malloc((l->n ? l->n : 1) * sizeof(*perm));
	uint32_t *tmp = malloc((l->n ? l->n : 1) * sizeof(*tmp));
	uint32_t *arrays[3] = {l->word, l->count, l->parent};

	if (!perm || !tmp) {
		free(perm);
		free(tmp);
		return -1;
	}
	for (size_t i = 0; i < l->n; i++)
		perm[i] = (uint32_t)i;
	qsort_r(perm, l->n, sizeof(*perm), cmp_entry, l);
	for (int a = 0; a < 3; a++) {
		for (size_t i = 0; i < l->n; i++)
			tmp[i] = arrays[a][perm[i]];
		memcpy(arrays[a], tmp, l->n * sizeof(*tmp));
	}
	free(perm);
	free(tmp);
	return 0;
}

/* Level n (>= 2) complete: sorted, and the level below learns where its children are. */
static int finish_level(struct lm_est *m, unsigned n, struct error *e)
{
	struct lm_level *l = &m->lv[n], *below = &m->lv[n - 1];

	if (m->unsorted && sort_level(l) < 0)
		return oom(e);
	for (size_t i = 1; i < l->n; i++)
		if (l->parent[i] == l->parent[i - 1] && l->word[i] == l->word[i - 1])
			return error_set(e, -1, 0, NULL, 0, "counts: an n-gram of %u words comes twice", n);
	if (!(below->child = calloc(below->n + 1, sizeof(uint32_t))))
		return oom(e);
	for (size_t i = 0; i < l->n; i++)
		below->child[l->parent[i] + 1]++;
	for (size_t i = 0; i < below->n; i++)
		below->child[i + 1] += below->child[i];
	free(l->parent);
	l->parent = NULL;
	if (l->n && l->n < l->cap) { /* the growth's slack back */
		uint32_t *a = realloc(l->word, l->n * sizeof(*a));

		if (a)
			l->word = a;
		if ((a = realloc(l->count, l->n * sizeof(*a))))
			l->count = a;
		l->cap = l->n;
	}
	m->unsorted = 0;
	m->havectx = 0;
	m->built = n;
	return 0;
}

/* Completes the levels up to n. */
static int finish_to(struct lm_est *m, unsigned n, struct error *e)
{
	if (m->built == 0 && n >= 1 && finish_unigrams(m, e) < 0)
		return -1;
	while (m->built < n)
		if (finish_level(m, m->built + 1, e) < 0)
			return -1;
	return 0;
}

int lmest_add_word(struct lm_est *m, const char *w, size_t len, struct error *e)
{
	if (m->built)
		return error_set(e, -1, 0, NULL, 0, "counts: word '%.*s' after longer n-grams",
		                 (int)(len > 64 ? 64 : len), w);
	return pending_add(m, w, len, 0, e);
}

/* The node of the context key[0..len) (words joined by spaces) at the level of its length. The
 * keys come sorted, so the last context's leading words and their nodes are mostly the next
 * one's: the walk down the trie starts after the words the two share. */
static size_t find_context(struct lm_est *m, const char *key, size_t len)
{
	size_t cp = 0, node = ROOT, lim = len < m->ctxlen ? len : m->ctxlen;
	unsigned shared = 0;
	const char *p, *end = key + len;

	if (m->havectx) {
		while (cp < lim && key[cp] == m->ctx[cp])
			cp++;
		while (shared < m->ctxwords &&
		       (m->ctxend[shared] < cp ||
		        (m->ctxend[shared] == cp && (cp == len || key[cp] == ' '))))
			shared++;
		if (shared == m->ctxwords && len == m->ctxlen)
			return m->ctxnodes[shared - 1];
	}
	if (shared)
		node = m->ctxnodes[shared - 1];
	p = shared ? key + m->ctxend[shared - 1] + 1 : key;
	m->ctxwords = shared;
	while (p <= end && node != NONE && m->ctxwords < LM_MAX_ORDER) {
		const char *sp = memchr(p, ' ', (size_t)(end - p));
		size_t wl = sp ? (size_t)(sp - p) : (size_t)(end - p);
		int64_t id = strtab_find(&m->vocab, p, wl);

		if (id < 0)
			node = NONE;
		else if (m->havectx && m->ctxwords == shared && shared + 1 < LM_MAX_ORDER &&
		         m->ctxnodes[shared] != NONE) /* a sibling of the last context's node */
			node = find_child_after(m, m->ctxwords, node, (uint32_t)id, m->ctxnodes[shared]);
		else
			node = find_child(m, m->ctxwords, node, (uint32_t)id);
		m->ctxend[m->ctxwords] = (size_t)(p + wl - key);
		m->ctxnodes[m->ctxwords++] = node;
		p += wl + 1;
	}
	m->havectx = 0;
	if (node == NONE || p <= end)
		return NONE;
	if (len > m->ctxcap) {
		char *c = realloc(m->ctx, len);

		if (!c)
			return node;
		m->ctx = c;
		m->ctxcap = len;
	}
	memcpy(m->ctx, key, len);
	m->ctxlen = len;
	m->havectx = 1;
	return node;
}

int lmest_add(struct lm_est *m, const char *key, size_t len, unsigned n, uint64_t count,
              struct error *e)
{
	struct lm_level *l;
	const char *sp;
	size_t node;
	int64_t w;

	if (n > m->o.order || n == 0 || count == 0)
		return 0;
	if (count > UINT32_MAX)
		return error_set(e, -1, 0, NULL, 0, "counts: the count of '%.*s' passes %u",
		                 (int)(len > 64 ? 64 : len), key, UINT32_MAX);
	if (n == 1) {
		if (m->built)
			return error_set(e, -1, 0, NULL, 0, "counts: word '%.*s' after longer n-grams",
			                 (int)(len > 64 ? 64 : len), key);
		return pending_add(m, key, len, count, e);
	}
	if (n < m->cur)
		return error_set(e, -1, 0, NULL, 0, "counts: n-grams of %u words after longer ones", n);
	if (finish_to(m, n - 1, e) < 0)
		return -1;
	m->cur = n;
	l = &m->lv[n];
	sp = memrchr(key, ' ', len);
	{
		unsigned spaces = 0;

		for (size_t i = 0; i < len; i++)
			spaces += key[i] == ' ';
		if (spaces != n - 1)
			return error_set(e, -1, 0, NULL, 0, "counts: '%.*s' is not an n-gram of %u words",
			                 (int)(len > 64 ? 64 : len), key, n);
	}
	node = sp ? find_context(m, key, (size_t)(sp - key)) : NONE;
	w = sp ? strtab_find(&m->vocab, sp + 1, (size_t)(key + len - sp - 1)) : -1;
	if (node == NONE || w < 0)
		return error_set(e, -1, 0, NULL, 0, "counts: '%.*s' comes without %s",
		                 (int)(len > 64 ? 64 : len), key,
		                 node == NONE ? "its context" : "its last word");
	if (l->n && (l->parent[l->n - 1] > node ||
	             (l->parent[l->n - 1] == node && l->word[l->n - 1] >= (uint32_t)w)))
		m->unsorted = 1;
	if (l->n >= UINT32_MAX - 1)
		return error_set(e, -1, 0, NULL, 0, "counts: more than %u n-grams of %u words",
		                 UINT32_MAX - 1, n);
	if (l->n == l->cap && m->o.budget && held(m) + l->cap / 2 * 12 > m->o.budget)
		return error_set(e, -1, 0, NULL, 0, "the model's n-grams pass the memory budget of %zu "
		                 "MiB while they are read (about 20 bytes an n-gram): give --memory more",
		                 m->o.budget >> 20);
	if (level_push(l, (uint32_t)node, (uint32_t)w, (uint32_t)count) < 0)
		return oom(e);
	return 0;
}

/* ---- estimation ---- */

/* The counts method uses for level n: the corpus's, or for Kneser-Ney the number of distinct
 * words before a lower-order n-gram (the count itself for those that begin with <s>), from the
 * suffixes of level n + 1. Returns l->count or a new array, NULL when memory runs out. */
static uint32_t *method_counts(const struct lm_est *m, unsigned n, const uint32_t *sufup)
{
	const struct lm_level *l = &m->lv[n];
	size_t lo, hi;
	uint32_t *a;

	if ((m->o.method != LM_MKN && m->o.method != LM_KN) || n == m->o.order)
		return l->count;
	if (!(a = calloc(l->n ? l->n : 1, sizeof(*a))))
		return NULL;
	for (size_t j = 0; j < m->lv[n + 1].n; j++)
		if (sufup[j] != UINT32_MAX)
			a[sufup[j]]++;
	/* the n-grams that begin with <s>: the descendants of the unigram <s> */
	lo = m->bos;
	hi = m->bos + 1;
	for (unsigned k = 1; k < n; k++) {
		lo = m->lv[k].child[lo];
		hi = m->lv[k].child[hi];
	}
	for (size_t i = 0; i < l->n; i++)
		if ((i >= lo && i < hi) || a[i] == 0)
			a[i] = l->count[i];
	return a;
}

/* The discounts of order n from its count-of-counts; 0, or -1 when they are undefined. */
static int discounts(const struct lm_est *m, struct lm_order_stats *s)
{
	const uint64_t *t = s->t;
	double y;

	switch (m->o.method) {
	case LM_MKN:
		for (int k = 1; k <= 4; k++)
			if (t[k] == 0)
				return -1;
		y = (double)t[1] / (double)(t[1] + 2 * t[2]);
		for (int k = 1; k <= 3; k++) {
			s->d[k] = k - (k + 1) * y * (double)t[k + 1] / (double)t[k];
			if (!(s->d[k] >= 0 && s->d[k] <= k))
				return -1;
		}
		return 0;
	case LM_KN:
	case LM_ABS:
		if (t[1] == 0)
			return -1;
		s->d[1] = (double)t[1] / (double)(t[1] + 2 * t[2]);
		return 0;
	case LM_KATZ: { /* as SRILM: a coefficient out of (0, 1] is 1, and the report says so */
		double r = t[1] ? 6.0 * (double)t[6] / (double)t[1] : 1;

		for (int k = 1; k <= 5; k++) {
			double d = 1;

			if (t[1] && r < 1 && t[k])
				d = ((k + 1) * (double)t[k + 1] / (k * (double)t[k]) - r) / (1 - r);
			if (!(d > 0 && d <= 1) || (t[k] && !(t[1] && r < 1))) {
				d = 1;
				s->undiscounted |= 1u << k;
			}
			s->d[k] = d;
		}
		return 0;
	}
	default:
		return 0;
	}
}

static void fallback(const struct lm_est *m, struct lm_order_stats *s)
{
	s->fell_back = 1;
	s->d[1] = 0.5;
	s->d[2] = m->o.method == LM_MKN ? 1.0 : 0.5;
	s->d[3] = m->o.method == LM_MKN ? 1.5 : 0.5;
}

/* The undiscounted share u(w | h) of a child counted a times, in a context of total s and t
 * children; and the weight its discount gives the lower order. */
struct ctxsum {
	double s, t, v;  /* total count, children, |V| */
};

static double share(const struct lm_est *m, const struct lm_order_stats *st, const struct ctxsum *c,
                    uint32_t a, double *given)
{
	double d;

	switch (m->o.method) {
	case LM_MKN:
		d = st->d[a >= 3 ? 3 : a];
		*given = d / c->s;
		return (a - d) / c->s;
	case LM_KN:
	case LM_ABS:
		*given = st->d[1] / c->s;
		return (a - st->d[1]) / c->s;
	case LM_WB:
		*given = 1 / (c->s + c->t);
		return a / (c->s + c->t);
	case LM_KATZ:
		*given = 0;
		return (a <= 5 ? st->d[a] : 1) * a / c->s;
	default: /* addk */
		*given = 0;
		return (a + m->o.k) / (c->s + m->o.k * c->v);
	}
}

static int pruned(const struct lm_est *m, unsigned n, size_t i)
{
	return n >= 2 && m->o.prune[n] > 0 && m->lv[n].count[i] <= m->o.prune[n];
}

/* Probabilities of level 1: every word but <s>, with the uniform distribution as the lower order. */
static void unigrams(struct lm_est *m, const uint32_t *a)
{
	struct lm_level *l = &m->lv[1];
	const struct lm_order_stats *st = &m->st[1];
	struct ctxsum c = {0, 0, (double)(l->n - 1)};
	double sumu = 0, gamma = 0, given;

	for (size_t i = 0; i < l->n; i++)
		if (i != m->bos && (a[i] > 0 || m->o.method == LM_ADDK)) {
			c.s += a[i];
			c.t++;
		}
	for (size_t i = 0; i < l->n; i++) {
		l->prob[i] = 0;
		if (i == m->bos || (a[i] == 0 && m->o.method != LM_ADDK))
			continue;
		l->prob[i] = (float)share(m, st, &c, a[i], &given);
		sumu += l->prob[i];
		gamma += given;
	}
	if (m->o.method == LM_KATZ || m->o.method == LM_ADDK || c.s == 0)
		gamma = 1 - sumu; /* no sentences at all: the uniform distribution */
	for (size_t i = 0; i < l->n; i++)
		if (i != m->bos)
			l->prob[i] = (float)(l->prob[i] + gamma / c.v);
}

/* Probabilities of level n >= 2, and the back-off weights of level n - 1's contexts. */
static void ngrams(struct lm_est *m, unsigned n, const uint32_t *a, const uint32_t *suf)
{
	struct lm_level *l = &m->lv[n], *h = &m->lv[n - 1];
	const struct lm_order_stats *st = &m->st[n];
	int backoff = m->o.backoff || m->o.method == LM_KATZ || m->o.method == LM_ADDK;

	for (size_t ctx = 0; ctx < h->n; ctx++) {
		size_t lo = h->child[ctx], hi = h->child[ctx + 1];
		struct ctxsum c = {0, (double)(hi - lo), (double)(m->lv[1].n - 1)};
		double gamma = 0, sumu = 0, sumlow = 0, given;

		h->bow[ctx] = 1;
		if (lo == hi)
			continue;
		for (size_t j = lo; j < hi; j++)
			c.s += a[j];
		for (size_t j = lo; j < hi; j++) {
			double u = share(m, st, &c, a[j], &given);

			gamma += given;
			l->prob[j] = (float)u;
			if (pruned(m, n, j)) {
				gamma += u;
				continue;
			}
			sumu += u;
		}
		for (size_t j = lo; j < hi; j++) {
			double low = suf[j] == UINT32_MAX ? 0 : m->lv[n - 1].prob[suf[j]];

			if (!backoff)
				l->prob[j] = (float)(l->prob[j] + gamma * low);
			else if (!pruned(m, n, j))
				sumlow += low;
		}
		if (!backoff)
			h->bow[ctx] = (float)gamma;
		else if (1 - sumu < 1e-9) /* nothing left for the lower order, but rounding */
			h->bow[ctx] = 0;
		else
			h->bow[ctx] = (float)((1 - sumu) / (1 - sumlow > 1e-30 ? 1 - sumlow : 1e-30));
	}
}

static int method_of_order(struct lm_est *m, unsigned n, const uint32_t *a, struct error *e)
{
	struct lm_order_stats *st = &m->st[n];
	int seen = 0;
	const struct lm_level *l = &m->lv[n];
	static const char *const names[] = {"modified Kneser-Ney", "Kneser-Ney",
	                                    "absolute discounting", "Witten-Bell", "Katz", "add-k"};

	memset(st, 0, sizeof(*st));
	for (size_t i = 0; i < l->n; i++)
		if (a[i] > 0 && a[i] <= 6 && !(n == 1 && i == m->bos))
			st->t[a[i]]++;
	for (size_t i = 0; i < l->n && !seen; i++)
		seen = a[i] > 0 && !(n == 1 && i == m->bos);
	if (!seen) /* nothing to discount: an empty order, or no sentences at all */
		return 0;
	if (discounts(m, st) == 0)
		return 0;
	if (!m->o.fallback)
		return error_set(e, -1, 0, NULL, 0,
		                 "%u-gram %s discounts are undefined: counts of counts %llu %llu %llu "
		                 "%llu (small or artificial data?); --discount-fallback uses fixed ones",
		                 n, names[m->o.method], (unsigned long long)st->t[1],
		                 (unsigned long long)st->t[2], (unsigned long long)st->t[3],
		                 (unsigned long long)st->t[4]);
	fallback(m, st);
	return 0;
}

int lmest_estimate(struct lm_est *m, struct error *e)
{
	unsigned order = m->o.order;
	uint32_t *suf = NULL, *sufup = NULL; /* the suffixes of level n and of level n + 1 */
	int r = -1;

	if (finish_to(m, order, e) < 0)
		return -1;
	for (unsigned n = 2; n <= order; n++) /* an n-gram not at a sentence's end has a successor */
		for (size_t i = 0; m->lv[n].n == 0 && i < m->lv[n - 1].n; i++)
			if (m->lv[n - 1].word[i] != m->eos && m->lv[n - 1].count[i] > 0)
				return error_set(e, -1, 0, NULL, 0, "counts: no n-grams of %u words, but "
				                 "some of %u words do not end a sentence: were the counts "
				                 "made with --max-n %u?", n, n - 1, order);
	if (m->o.budget && lmest_need(m) > m->o.budget)
		return over_budget(m, lmest_need(m), e);
	phase_begin("estimating", order, "orders");
	for (unsigned n = 1; n <= order; n++) {
		struct lm_level *l = &m->lv[n];
		uint32_t *a;

		if ((n < order && !(sufup = suffixes(m, n + 1, suf))) ||
		    !(l->prob = malloc((l->n ? l->n : 1) * sizeof(float))) ||
		    (n < order && !(l->bow = malloc((l->n ? l->n : 1) * sizeof(float)))) ||
		    (!(a = method_counts(m, n, sufup)) && l->n)) {
			r = oom(e);
			goto out;
		}
		r = method_of_order(m, n, a, e);
		if (r == 0 && n == 1)
			unigrams(m, a);
		else if (r == 0)
			ngrams(m, n, a, suf);
		if (a != l->count)
			free(a);
		if (r < 0)
			goto out;
		m->st[n].kept = 0;
		for (size_t i = 0; i < l->n; i++)
			m->st[n].kept += !pruned(m, n, i);
		if (n == 1 || m->o.prune[n] == 0) { /* only pruning asks for the counts again */
			free(l->count);
			l->count = NULL;
		}
		free(suf);
		suf = sufup;
		sufup = NULL;
		phase_step(n);
	}
	r = 0;
out:
	free(suf);
	free(sufup);
	return r;
}

/* ---- the model for querying ---- */

static float log10f_or_99(double p)
{
	return p > 0 ? (float)log10(p) : -99.0f;
}

int lmest_model(const struct lm_est *m, struct lm_model **out, struct error *e)
{
	uint64_t counts[LM_MAX_ORDER + 1] = {0};
	struct lm_model *lm;
	uint32_t ids[LM_MAX_ORDER + 1];

	for (unsigned n = 1; n <= m->o.order; n++)
		counts[n] = m->st[n].kept;
	if (lm_model_new(&lm, m->o.order, counts, e) < 0)
		return -1;
	for (size_t i = 0; i < m->lv[1].n; i++) {
		size_t len;
		const char *s = strtab_key(&m->vocab, i, &len);
		float bow = m->o.order > 1 && m->lv[1].child[i] < m->lv[1].child[i + 1]
		                ? log10f_or_99(m->lv[1].bow[i]) : 0;

		int64_t r = lm_model_add_word(lm, s, len,
		                              i == m->bos ? -99.0f : log10f_or_99(m->lv[1].prob[i]), bow);

		if (r == -3)
			goto oom;
		if (r < 0) {
			lm_model_free(lm);
			return error_set(e, -1, 0, NULL, 0, "the model refused the word '%.*s'",
			                 (int)(len > 64 ? 64 : len), s);
		}
	}
	for (unsigned n = 2; n <= m->o.order; n++) {
		const struct lm_level *l = &m->lv[n];
		size_t at[LM_MAX_ORDER + 1] = {0};

		for (size_t i = 0; i < l->n; i++) {
			float bow = 0;

			if (pruned(m, n, i))
				continue;
			walk_to(m, at, n, i);
			for (unsigned k = 1; k <= n; k++)
				ids[k - 1] = m->lv[k].word[at[k]];
			if (n < m->o.order && l->child[i] < l->child[i + 1])
				bow = log10f_or_99(l->bow[i]);
			if (lm_model_add(lm, ids, n, log10f_or_99(l->prob[i]), bow) < 0) {
				lm_model_free(lm);
				return error_set(e, -1, 0, NULL, 0, "two %u-grams with the same hash key", n);
			}
		}
	}
	if (lm_model_finish(lm, e) < 0) {
		lm_model_free(lm);
		return -1;
	}
	*out = lm;
	return 0;
oom:
	lm_model_free(lm);
	return oom(e);
}

/* ---- ARPA ---- */

/* log10 of p, rounded to 6 decimals, trailing zeros dropped; -99 for p <= 0. Returns the length. */
static size_t fmt_log10(char *buf, double p)
{
	char tmp[32];
	size_t n = 0, k = 0;
	long long x;
	unsigned long long ip, fp;

	if (!(p > 0) || !isfinite(p)) /* 0 (and nothing the estimation makes: NaN, inf) */
		return (size_t)(memcpy(buf, "-99", 3), 3);
	x = llround(log10(p) * 1e6);
	if (x < 0) {
		buf[n++] = '-';
		x = -x;
	}
	ip = (unsigned long long)x / 1000000;
	fp = (unsigned long long)x % 1000000;
	do
		tmp[k++] = (char)('0' + ip % 10);
	while (ip /= 10);
	while (k)
		buf[n++] = tmp[--k];
	if (fp) {
		int digits = 6;

		while (fp % 10 == 0) {
			fp /= 10;
			digits--;
		}
		buf[n++] = '.';
		for (int i = digits - 1; i >= 0; i--, fp /= 10)
			buf[n + (size_t)i] = (char)('0' + fp % 10);
		n += (size_t)digits;
	}
	if (n == 2 && buf[0] == '-' && buf[1] == '0') /* -0 */
		buf[0] = '0', n = 1;
	return n;
}

static void put_uint(struct writer *w, uint64_t v)
{
	char tmp[24];
	size_t k = 0;

	do
		tmp[k++] = (char)('0' + v % 10);
	while (v /= 10);
	while (k)
		writer_putc(w, tmp[--k]);
}

void lmest_write_arpa(const struct lm_est *m, struct writer *w)
{
	char num[40];
	uint64_t done = 0, total = 0;

	for (unsigned n = 1; n <= m->o.order; n++)
		total += m->st[n].kept;
	writer_write(w, "\\data\\\n", 7);
	for (unsigned n = 1; n <= m->o.order; n++) {
		writer_write(w, "ngram ", 6);
		put_uint(w, n);
		writer_putc(w, '=');
		put_uint(w, m->st[n].kept);
		writer_putc(w, '\n');
	}
	phase_begin("writing", total, "n-grams");
	for (unsigned n = 1; n <= m->o.order; n++) {
		const struct lm_level *l = &m->lv[n];
		size_t at[LM_MAX_ORDER + 1] = {0};

		writer_write(w, "\n\\", 2);
		put_uint(w, n);
		writer_write(w, "-grams:\n", 8);
		for (size_t i = 0; i < l->n; i++) {
			if (pruned(m, n, i))
				continue;
			walk_to(m, at, n, i);
			writer_write(w, num, fmt_log10(num, i == m->bos && n == 1 ? 0 : l->prob[i]));
			writer_putc(w, '\t');
			for (unsigned k = 1; k <= n; k++) {
				size_t len;
				const char *s = strtab_key(&m->vocab, m->lv[k].word[at[k]], &len);

				if (k > 1)
					writer_putc(w, ' ');
				writer_write(w, s, len);
			}
			if (n < m->o.order && l->child[i] < l->child[i + 1]) {
				writer_putc(w, '\t');
				writer_write(w, num, fmt_log10(num, l->bow[i]));
			}
			writer_putc(w, '\n');
			if ((++done & 0xffff) == 0)
				phase_step(done);
		}
	}
	writer_write(w, "\n\\end\\\n", 7);
}
