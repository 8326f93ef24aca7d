/* particle.c: the particle cutter of particle.h: its data files and the model's features, which
 * must stay those of feats() in scripts/ko-particles-train. */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include "base/io.h"
#include "base/num.h"
#include "text/particle.h"
#include "text/utf8.h"

#define HANGUL_BYTES 3 /* every Hangul syllable is three bytes of UTF-8 */
#define BUCKET_MAX 12
#define DIFF_MAX 4

/* The particles after which a stem shows itself a noun, and the endings after which it shows
 * itself a verb or adjective stem. */
static const char *const nominal[] = {"을", "를", "의", "에서", "에게", "에", "으로", "로",
                                      "이", "가", "은", "는", "과", "와", "도"};
static const char *const verbal[] = {"다", "고", "지", "게", "면", "며",
                                     "어", "아", "었", "았", "겠", "기"};

int particle_init(struct particle *pt, struct error *e)
{
	memset(pt, 0, sizeof(*pt));
	if (strtab_init(&pt->list, 64) < 0 || strtab_init(&pt->lex, 1024) < 0 ||
	    strtab_init(&pt->feat, 1024) < 0)
		return error_bad(e, NULL, 0, "out of memory");
	return 0;
}

void particle_free(struct particle *pt)
{
	strtab_free(&pt->list);
	strtab_free(&pt->lex);
	strtab_free(&pt->feat);
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
			if (strcmp(line, magic) != 0)
				rc = error_bad(e, path, lineno, "not a %s (the first line is not '%s')",
				               what, magic);
			continue;
		}
		if (!(tab = memchr(line, '\t', (size_t)n)) || tab == line)
			rc = error_bad(e, path, lineno, "expected KEY<TAB>VALUE");
		else if (utf8_valid_prefix(line, (size_t)n) != (size_t)n || memchr(line, '\0', (size_t)n))
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
	if (read_table(pt, path, "#nlp-particles-lexicon 1", "particle lexicon", lexicon_entry, e) < 0)
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
		if (add_ends(pt, &pt->nom, nominal, sizeof(nominal) / sizeof(*nominal), pt->name.p, n,
		             c) < 0 ||
		    add_ends(pt, &pt->verb, verbal, sizeof(verbal) / sizeof(*verbal), pt->name.p, n,
		             c) < 0)
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

		if ((l < n && ((unsigned char)p[l] & 0xC0) == 0x80) || strtab_find(&pt->list, p, l) < 0)
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

/* weight() of a feature whose last part is the integer v. */
static double weight_int(struct particle *pt, const char *tag, const char *a, size_t an, int v)
{
	char num[4], *d = num; /* -4..BUCKET_MAX */

	if (v < 0)
		*d++ = '-', v = -v;
	if (v >= 10)
		*d++ = (char)('0' + v / 10);
	*d++ = (char)('0' + v % 10);
	return an ? weight(pt, tag, a, an, num, (size_t)(d - num))
	          : weight(pt, tag, num, (size_t)(d - num), NULL, 0);
}

/* The class of the syllable's final consonant: none (V), ㄹ (L) or another (C). */
static const char *jong(const char *syllable)
{
	int32_t c;
	int j;

	utf8_decode(syllable, &c);
	j = (c - 0xAC00) % 28;
	return j == 0 ? "V" : j == 8 ? "L" : "C";
}

/* The score of cutting w[0..n) into the stem w[0..sn) and the chain after it; wc and wnom are
 * the word's counts. The features and their order are those of feats() in
 * scripts/ko-particles-train, so that the sums are the same to the bit. */
static double cut_score(struct particle *pt, const char *w, size_t n, size_t sn, uint64_t wc,
                        uint64_t wnom)
{
	const char *p = w + sn, *j;
	size_t pn = n - sn, last = utf8_prev(w, sn), head = last ? utf8_prev(w, last) : 0;
	uint64_t a, nom, verb, hc, hnom, hverb;
	int ha;
	double z;

	lex_get(pt, w, sn, &a, &nom, &verb);
	j = jong(w + last);
	/* the noun evidence of the stem's last two characters, when there are more than two */
	if (head > 0) {
		lex_get(pt, w + head, sn - head, &hc, &hnom, &hverb);
		ha = bucket(hnom);
	} else {
		ha = -1;
	}
	z = weight(pt, "bias", "", 0, NULL, 0);
	z += weight(pt, "p=", p, pn, NULL, 0);
	z += weight(pt, "pj=", p, pn, j, 1);
	z += weight(pt, "ps=", p, pn, w + last, sn - last);
	z += weight_int(pt, "pa=", p, pn, bucket(a));
	z += weight_int(pt, "pN=", p, pn, bucket(nom));
	z += weight_int(pt, "pw=", p, pn, bucket(wc));
	z += weight_int(pt, "wn=", "", 0, bucket(wnom));
	z += weight_int(pt, "V=", "", 0, bucket(verb));
	z += weight_int(pt, "pd=", p, pn, clamp(bucket(nom + a) - bucket(wc)));
	z += weight_int(pt, "vn=", "", 0, clamp(bucket(verb) - bucket(nom)));
	z += weight_int(pt, "N=", "", 0, bucket(nom));
	z += weight_int(pt, "a=", "", 0, bucket(a));
	z += weight_int(pt, "pH=", p, pn, ha);
	z += weight(pt, "last=", w + utf8_prev(w, n), n - utf8_prev(w, n), NULL, 0);
	z += weight(pt, "first=", p, (size_t)utf8_seqlen((unsigned char)*p), NULL, 0);
	z += weight(pt, "j=", j, 1, NULL, 0);
	return z;
}

size_t particle_cut(struct particle *pt, const char *s, size_t n)
{
	size_t nh = 0, cut = 0, ends[PARTICLE_MAX_CHAIN];
	uint64_t wc = 0, wnom = 0, wverb;
	double best = 0.0;
	int looked = 0;

	/* the trailing Hangul syllables, one more than a chain can take */
	while (nh <= PARTICLE_MAX_SYLLABLES && n >= (nh + 1) * HANGUL_BYTES &&
	       all_hangul(s + n - (nh + 1) * HANGUL_BYTES, HANGUL_BYTES))
		nh++;
	if (nh < 2)
		return 0;
	/* the stem keeps at least one syllable */
	for (size_t k = 1; k < nh && k <= PARTICLE_MAX_SYLLABLES; k++) {
		size_t sn = n - k * HANGUL_BYTES;
		double z;

		if (!particle_chain(pt, s + sn, n - sn, ends))
			continue;
		if (!looked++)
			lex_get(pt, s, n, &wc, &wnom, &wverb);
		if ((z = cut_score(pt, s, n, sn, wc, wnom)) > best) {
			best = z;
			cut = n - sn;
		}
	}
	return cut;
}
