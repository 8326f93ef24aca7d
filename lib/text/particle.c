/* particle.c: the particle cutter of particle.h: its data files and the model's features, which
 * must stay those of feats() in scripts/ko-particles-train. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/io.h"
#include "base/num.h"
#include "text/particle.h"
#include "text/utf8.h"

#define HANGUL_BYTES 3 /* every Hangul syllable is three bytes of UTF-8 */
#define BUCKET_MAX 12
#define BUCKETS (BUCKET_MAX + 1)  /* 0..BUCKET_MAX */
#define DIFF_MAX 4
#define DIFFS (2 * DIFF_MAX + 1)  /* -DIFF_MAX..DIFF_MAX */
#define JONG_N 3

/* The places of the weights in pt->global and in a chain's record of pt->chain_w. */
enum { G_BIAS, G_WN, G_V = G_WN + BUCKETS, G_VN = G_V + BUCKETS, G_N = G_VN + DIFFS,
       G_A = G_N + BUCKETS, G_J = G_A + BUCKETS, G_COUNT = G_J + JONG_N };
enum { C_P, C_PJ, C_PA = C_PJ + JONG_N, C_PN = C_PA + BUCKETS, C_PW = C_PN + BUCKETS,
       C_PD = C_PW + BUCKETS, C_PH = C_PD + DIFFS, C_LAST = C_PH + 1 + BUCKETS, C_FIRST,
       C_COUNT };
_Static_assert(G_COUNT == PARTICLE_GLOBAL_WEIGHTS, "PARTICLE_GLOBAL_WEIGHTS is not G_COUNT");
_Static_assert(C_COUNT == PARTICLE_CHAIN_WEIGHTS, "PARTICLE_CHAIN_WEIGHTS is not C_COUNT");

/* The particles after which a stem shows itself a noun, and the endings after which it shows
 * itself a verb or adjective stem. */
static const char *const nominal[] = {"을", "를", "의", "에서", "에게", "에", "으로", "로",
                                      "이", "가", "은", "는", "과", "와", "도"};
static const char *const verbal[] = {"다", "고", "지", "게", "면", "며",
                                     "어", "아", "었", "았", "겠", "기"};
#define NOMINAL_N (sizeof(nominal) / sizeof(*nominal))
#define VERBAL_N (sizeof(verbal) / sizeof(*verbal))

int particle_init(struct particle *pt, struct error *e)
{
	memset(pt, 0, sizeof(*pt));
	if (strtab_init(&pt->list, 64) < 0 || strtab_init(&pt->lex, 1024) < 0 ||
	    strtab_init(&pt->feat, 1024) < 0 || strtab_init(&pt->chains, 256) < 0)
		return error_bad(e, NULL, 0, "out of memory");
	return 0;
}

void particle_free(struct particle *pt)
{
	strtab_free(&pt->list);
	strtab_free(&pt->lex);
	strtab_free(&pt->feat);
	strtab_free(&pt->chains);
	free(pt->chain_w);
	free(pt->count);
	free(pt->nom);
	free(pt->verb);
	free(pt->weight);
	buf_free(&pt->name);
}

int particle_add(struct particle *pt, const char *s, size_t n)
{
	if (strtab_intern(&pt->list, s, n) < 0)
		return -1;
	if (n > pt->longest)
		pt->longest = n;
	return 0;
}

/* Grows the array *a of *cap elements of size `size` to hold index i, zeroing what is new.
 * Returns 0 or -1 when memory runs out. */
static int grow(void **a, size_t *cap, size_t size, size_t i)
{
	size_t ncap = *cap ? *cap : 1024;
	void *p;

	if (i < *cap)
		return 0;
	while (ncap <= i)
		ncap *= 2;
	if (!(p = realloc(*a, ncap * size)))
		return -1;
	memset((char *)p + *cap * size, 0, (ncap - *cap) * size);
	*a = p;
	*cap = ncap;
	return 0;
}

/* Makes room for index i in the lexicon's count, nom and verb. Returns 0 or -1 when memory runs
 * out. */
static int lex_reserve(struct particle *pt, size_t i)
{
	size_t c0 = pt->lex_cap, c1 = c0, c2 = c0;

	if (i < c0)
		return 0;
	if (grow((void **)&pt->count, &c0, sizeof(uint64_t), i) < 0 ||
	    grow((void **)&pt->nom, &c1, sizeof(uint64_t), i) < 0 ||
	    grow((void **)&pt->verb, &c2, sizeof(uint64_t), i) < 0)
		return -1;
	pt->lex_cap = c0;
	return 0;
}

/* The lexicon's id of s[0..n), interning it with zero counts when absent; -1 when memory runs
 * out. */
static int64_t lex_id(struct particle *pt, const char *s, size_t n)
{
	int64_t id = strtab_intern(&pt->lex, s, n);

	return id < 0 || lex_reserve(pt, (size_t)id) < 0 ? -1 : id;
}

/* Adds count to table[stem] for each ending of ends[nends] that ends w[0..n) after at least one
 * character. */
static int add_ends(struct particle *pt, uint64_t *const *table, const char *const *ends,
                    size_t nends, const char *w, size_t n, uint64_t count)
{
	for (size_t i = 0; i < nends; i++) {
		size_t q = strlen(ends[i]);
		int64_t id;

		if (n <= q || memcmp(w + n - q, ends[i], q) != 0)
			continue;
		if ((id = lex_id(pt, w, n - q)) < 0)
			return -1;
		(*table)[id] += count;
	}
	return 0;
}

/* Whether s[0..n) is one or more Hangul syllables. */
static int all_hangul(const char *s, size_t n)
{
	int32_t c;

	for (size_t i = 0; i < n; i += HANGUL_BYTES) {
		if (n - i < HANGUL_BYTES || utf8_decode(s + i, &c) != HANGUL_BYTES ||
		    !utf8_is_hangul_syllable(c))
			return 0;
	}
	return n > 0;
}

typedef int entry_fn(struct particle *pt, const char *key, size_t kn, const char *val,
                     struct error *e);

/* Reads a data file of `what`: the line magic, then KEY<TAB>VALUE lines given to fn, which
 * fills e without the name and line that this function adds. */
static int read_table(struct particle *pt, const char *path, const char *magic, const char *what,
                      entry_fn *fn, struct error *e)
{
	struct reader r;
	char *line, *tab;
	ssize_t n;
	uint64_t lineno = 0;
	int saved, rc = 0;

	if (reader_open(&r, path) < 0)
		return error_sys(e, NULL, "open %s", path);
	while (rc == 0 && (n = reader_line(&r, &line)) >= 0) {
		++lineno;
		if (lineno == 1) {
			if ((size_t)n != strlen(magic) || memcmp(line, magic, (size_t)n) != 0)
				rc = error_bad(e, path, lineno,
				               "not a %s (the first line is not '%s')", what, magic);
			continue;
		}
		if (!(tab = memchr(line, '\t', (size_t)n)) || tab == line)
			rc = error_bad(e, path, lineno, "expected KEY<TAB>VALUE");
		else if (utf8_valid_prefix(line, (size_t)n) != (size_t)n ||
		         memchr(line, '\0', (size_t)n))
			rc = error_bad(e, path, lineno, "invalid UTF-8");
		else if (fn(pt, line, (size_t)(tab - line), tab + 1, e) < 0) {
			e->name = path;
			e->line = lineno;
			rc = -1;
		}
	}
	saved = errno;
	reader_close(&r);
	if (rc < 0)
		return rc;
	if (n == -2)
		return error_set(e, -1, saved, NULL, 0, "read %s", path);
	if (lineno == 0)
		return error_bad(e, path, 0, "not a %s (empty)", what);
	return 0;
}

static int lexicon_entry(struct particle *pt, const char *w, size_t n, const char *val,
                         struct error *e)
{
	long long c;
	int64_t id;

	if (!all_hangul(w, n))
		return error_bad(e, NULL, 0, "a word that is not all Hangul syllables");
	if (num_parse_ll(val, 1, 1LL << 48, &c, e) < 0)
		return -1;
	if ((id = lex_id(pt, w, n)) < 0)
		return error_set(e, -1, ENOMEM, NULL, 0, "lexicon");
	if (pt->count[id] > 0)
		return error_bad(e, NULL, 0, "the word is given twice");
	pt->count[id] = (uint64_t)c;
	return 0;
}

int particle_load_lexicon(struct particle *pt, const char *path, struct error *e)
{
	size_t nwords;
	struct stat st;

	/* room for the words and the stems derived from them (as many again, at most), from the
	 * file's size (14 bytes a line for kowiki), so that the tables grow once */
	if (stat(path, &st) == 0 && st.st_size > 0 && st.st_size < (1LL << 32)) {
		size_t keys = (size_t)st.st_size / 14 * 5 / 4;

		if (strtab_reserve(&pt->lex, keys, (size_t)st.st_size) < 0 ||
		    lex_reserve(pt, keys) < 0)
			return error_set(e, -1, ENOMEM, NULL, 0, "lexicon");
	}
	if (read_table(pt, path, "#nlp-particles-lexicon 1", "particle lexicon", lexicon_entry,
	               e) < 0)
		return -1;
	/* the stems derived from the words: ids past nwords are new stems, no words */
	nwords = pt->lex.n;
	for (size_t id = 0; id < nwords; id++) {
		size_t n;
		const char *w = strtab_key(&pt->lex, id, &n);
		uint64_t c = pt->count[id];

		/* a copy: the key moves when the table grows */
		pt->name.len = 0;
		buf_put(&pt->name, w, n);
		if (add_ends(pt, &pt->nom, nominal, NOMINAL_N, pt->name.p, n, c) < 0 ||
		    add_ends(pt, &pt->verb, verbal, VERBAL_N, pt->name.p, n, c) < 0)
			return error_set(e, -1, ENOMEM, NULL, 0, "lexicon");
	}
	return 0;
}

static int model_entry(struct particle *pt, const char *f, size_t n, const char *val,
                       struct error *e)
{
	double w;
	int64_t id;

	if (memchr(val, '\t', strlen(val)))
		return error_bad(e, NULL, 0, "expected FEATURE<TAB>WEIGHT");
	if (num_parse_double(val, -1e6, 1e6, &w, e) < 0)
		return -1;
	if (strtab_find(&pt->feat, f, n) >= 0)
		return error_bad(e, NULL, 0, "the feature is given twice");
	if ((id = strtab_intern(&pt->feat, f, n)) < 0 ||
	    grow((void **)&pt->weight, &pt->feat_cap, sizeof(double), (size_t)id) < 0)
		return error_set(e, -1, ENOMEM, NULL, 0, "model");
	pt->weight[id] = w;
	return 0;
}

int particle_load_model(struct particle *pt, const char *path, struct error *e)
{
	return read_table(pt, path, "#nlp-particles-model 1", "particle model", model_entry, e);
}

/* particle_chain for p[0..n) at byte offset `at` of the chain, with `left` particles at most. */
static int chain_from(const struct particle *pt, const char *p, size_t n, size_t at, int left,
                      size_t *ends)
{
	for (size_t l = n < pt->longest ? n : pt->longest; l > 0; l--) {
		int k;

		if (l < n && ((unsigned char)p[l] & 0xC0) == 0x80)
			continue; /* not a character boundary */
		if (strtab_find(&pt->list, p, l) < 0)
			continue;
		ends[0] = at + l;
		if (l == n)
			return 1;
		if (left > 1 && (k = chain_from(pt, p + l, n - l, at + l, left - 1, ends + 1)) > 0)
			return k + 1;
	}
	return 0;
}

int particle_chain(const struct particle *pt, const char *p, size_t n,
                   size_t ends[PARTICLE_MAX_CHAIN])
{
	return n ? chain_from(pt, p, n, 0, PARTICLE_MAX_CHAIN, ends) : 0;
}

/* The lexicon's three counts of s[0..n), zeros for a string it does not know. */
static void lex_get(const struct particle *pt, const char *s, size_t n, uint64_t *count,
                    uint64_t *nom, uint64_t *verb)
{
	int64_t id = strtab_find(&pt->lex, s, n);

	*count = id < 0 ? 0 : pt->count[id];
	*nom = id < 0 ? 0 : pt->nom[id];
	*verb = id < 0 ? 0 : pt->verb[id];
}

uint64_t particle_nominal(const struct particle *pt, const char *s, size_t n)
{
	uint64_t c, nom, verb;

	lex_get(pt, s, n, &c, &nom, &verb);
	return nom;
}

/* 0 for none, else the bit length of x, at most BUCKET_MAX: a log scale of counts. */
static int bucket(uint64_t x)
{
	int b = x ? 64 - __builtin_clzll(x) : 0;

	return b < BUCKET_MAX ? b : BUCKET_MAX;
}

static int clamp(int x)
{
	return x < -DIFF_MAX ? -DIFF_MAX : x > DIFF_MAX ? DIFF_MAX : x;
}

/* The weight of the feature named tag, a, then b (b may be NULL), 0 for one the model lacks. */
static double weight(struct particle *pt, const char *tag, const char *a, size_t an,
                     const char *b, size_t bn)
{
	int64_t id;

	pt->name.len = 0;
	buf_put(&pt->name, tag, strlen(tag));
	buf_put(&pt->name, a, an);
	if (b) {
		buf_putc(&pt->name, '|');
		buf_put(&pt->name, b, bn);
	}
	id = strtab_find(&pt->feat, pt->name.p, pt->name.len);
	return id < 0 ? 0.0 : pt->weight[id];
}

/* Fills w[0..n) with the weights of the features tag, a, then the integers from..from+n-1 (after
 * '|' when a is not empty). */
static void weights_int(struct particle *pt, double *w, const char *tag, const char *a, size_t an,
                        int from, int n)
{
	for (int i = 0; i < n; i++) {
		char num[4], *d = num; /* -DIFF_MAX..BUCKET_MAX */
		int v = from + i;

		if (v < 0)
			*d++ = '-', v = -v;
		if (v >= 10)
			*d++ = (char)('0' + v / 10);
		*d++ = (char)('0' + v % 10);
		w[i] = an ? weight(pt, tag, a, an, num, (size_t)(d - num))
		          : weight(pt, tag, num, (size_t)(d - num), NULL, 0);
	}
}

static const char jong_name[JONG_N][2] = {"V", "L", "C"};

/* The class of the syllable's final consonant: none (V, 0), ㄹ (L, 1) or another (C, 2). */
static int jong(const char *syllable)
{
	int32_t c;
	int j;

	utf8_decode(syllable, &c);
	j = (c - 0xAC00) % 28;
	return j == 0 ? 0 : j == 8 ? 1 : 2;
}

/* The weights of the features that do not name a particle, looked up once. */
static void global_weights(struct particle *pt)
{
	double *g = pt->global;

	g[G_BIAS] = weight(pt, "bias", "", 0, NULL, 0);
	weights_int(pt, g + G_WN, "wn=", "", 0, 0, BUCKETS);
	weights_int(pt, g + G_V, "V=", "", 0, 0, BUCKETS);
	weights_int(pt, g + G_VN, "vn=", "", 0, -DIFF_MAX, DIFFS);
	weights_int(pt, g + G_N, "N=", "", 0, 0, BUCKETS);
	weights_int(pt, g + G_A, "a=", "", 0, 0, BUCKETS);
	for (int j = 0; j < JONG_N; j++)
		g[G_J + j] = weight(pt, "j=", jong_name[j], 1, NULL, 0);
	pt->global_ready = 1;
}

/* The weights of the features that name the chain p[0..pn) (but its ps= features, which also
 * name a syllable of the stem), looked up the first time the chain is seen. NULL when memory
 * runs out. */
static const double *chain_weights(struct particle *pt, const char *p, size_t pn)
{
	int64_t id = strtab_find(&pt->chains, p, pn);
	double *c;

	if (id >= 0)
		return pt->chain_w + (size_t)id * C_COUNT;
	if ((id = strtab_intern(&pt->chains, p, pn)) < 0 ||
	    grow((void **)&pt->chain_w, &pt->chain_cap, C_COUNT * sizeof(double), (size_t)id) < 0)
		return NULL;
	c = pt->chain_w + (size_t)id * C_COUNT;
	c[C_P] = weight(pt, "p=", p, pn, NULL, 0);
	for (int j = 0; j < JONG_N; j++)
		c[C_PJ + j] = weight(pt, "pj=", p, pn, jong_name[j], 1);
	weights_int(pt, c + C_PA, "pa=", p, pn, 0, BUCKETS);
	weights_int(pt, c + C_PN, "pN=", p, pn, 0, BUCKETS);
	weights_int(pt, c + C_PW, "pw=", p, pn, 0, BUCKETS);
	weights_int(pt, c + C_PD, "pd=", p, pn, -DIFF_MAX, DIFFS);
	weights_int(pt, c + C_PH, "pH=", p, pn, -1, BUCKETS + 1);
	c[C_LAST] = weight(pt, "last=", p + utf8_prev(p, pn), pn - utf8_prev(p, pn), NULL, 0);
	c[C_FIRST] = weight(pt, "first=", p, (size_t)utf8_seqlen((unsigned char)*p), NULL, 0);
	return c;
}

/* The score of cutting w[0..n) into the stem w[0..sn) and the chain after it, whose weights are
 * c; wc and wnom are the word's counts. The features and the order of the sum are those of
 * feats() in scripts/ko-particles-train, so that the scores are the same to the bit. */
static double cut_score(struct particle *pt, const double *c, const char *w, size_t n, size_t sn,
                        uint64_t wc, uint64_t wnom)
{
	const double *g = pt->global;
	size_t last = utf8_prev(w, sn), head = last ? utf8_prev(w, last) : 0;
	uint64_t a, nom, verb, hc, hnom, hverb;
	int j = jong(w + last), ha;
	double z;

	lex_get(pt, w, sn, &a, &nom, &verb);
	/* the noun evidence of the stem's last two characters, when there are more than two */
	if (head > 0) {
		lex_get(pt, w + head, sn - head, &hc, &hnom, &hverb);
		ha = bucket(hnom);
	} else {
		ha = -1;
	}
	z = g[G_BIAS];
	z += c[C_P];
	z += c[C_PJ + j];
	z += weight(pt, "ps=", w + sn, n - sn, w + last, sn - last);
	z += c[C_PA + bucket(a)];
	z += c[C_PN + bucket(nom)];
	z += c[C_PW + bucket(wc)];
	z += g[G_WN + bucket(wnom)];
	z += g[G_V + bucket(verb)];
	z += c[C_PD + DIFF_MAX + clamp(bucket(nom + a) - bucket(wc))];
	z += g[G_VN + DIFF_MAX + clamp(bucket(verb) - bucket(nom))];
	z += g[G_N + bucket(nom)];
	z += g[G_A + bucket(a)];
	z += c[C_PH + 1 + ha];
	z += c[C_LAST];
	z += c[C_FIRST];
	z += g[G_J + j];
	return z;
}

size_t particle_cut(struct particle *pt, const char *s, size_t n)
{
	size_t nh = 0, cut = 0, ends[PARTICLE_MAX_CHAIN];
	uint64_t wc = 0, wnom = 0, wverb;
	double best = 0.0;
	int looked = 0;

	if (!pt->global_ready)
		global_weights(pt);
	/* the trailing Hangul syllables, one more than a chain can take */
	while (nh <= PARTICLE_MAX_SYLLABLES && n >= (nh + 1) * HANGUL_BYTES &&
	       all_hangul(s + n - (nh + 1) * HANGUL_BYTES, HANGUL_BYTES))
		nh++;
	/* the stem keeps at least one syllable */
	for (size_t k = 1; k < nh && k <= PARTICLE_MAX_SYLLABLES; k++) {
		size_t sn = n - k * HANGUL_BYTES;
		const double *c;
		double z;

		if (strtab_find(&pt->chains, s + sn, n - sn) < 0 &&
		    !particle_chain(pt, s + sn, n - sn, ends))
			continue;
		if (!(c = chain_weights(pt, s + sn, n - sn)))
			return (size_t)-1;
		if (!looked++)
			lex_get(pt, s, n, &wc, &wnom, &wverb);
		if ((z = cut_score(pt, c, s, n, sn, wc, wnom)) > best) {
			best = z;
			cut = n - sn;
		}
	}
	return cut;
}

