/* linear.c: the averaged perceptron tagger (tag/linear.h): what the templates read of a unit,
 * the feature keys of a position, the training with lazy averaging, the model built from the
 * averaged weights, and tagging. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/mem.h"
#include "base/mix.h"
#include "base/rng.h"
#include "base/simd.h"
#include "base/u64map.h"
#include "tag/linear.h"
#include "text/utf8.h"

#define NONE UINT32_MAX
#define PAD 3                      /* pads on each side of a sentence: the widest window */
#define KEY_MUL 0x9e3779b97f4a7c15ull
#define STEP_EVERY 65536           /* tokens between the step hook's calls */
/* Training keeps the ids of the tags-only features for every two tags before when there are at
 * most this many pairs of tags (and looks their keys up otherwise). */
#define TAGS_TABLE_MAX (1u << 20)

/* What the templates read of a unit, hashed once for all its uses. */
enum {
	H_ZERO,             /* 0: the bias's */
	H_NORM,             /* words: NLTK's normalised form; characters: the character */
	H_N3,               /* words: the normalised form's last three characters; characters: the
	                     * character's class */
	H_RAW,              /* the bytes as they are */
	H_SUF1, H_SUF2, H_SUF3, H_SUF4, /* the last 1..4 characters of the bytes as they are */
	H_PRE1, H_PRE2, H_PRE3,         /* the first 1..3 */
	H_SHAPE,            /* words: X x d for upper, lower (or uncased) letters, digits, other
	                     * characters as they are, a run cut at SHAPE_RUN */
	H_COUNT
};

struct tag_lin_unit {
	uint64_t h[H_COUNT];
	uint32_t low;       /* the lowercased form's id in the words table, or NONE */
};

/* ---- templates ----
 * The sets are what paid on the development data, 5 epochs, the mean of seeds 1-3 (UD English
 * GUM UPOS, dev accuracy): NLTK's 95.33%; + suffixes of 1, 2, 4 characters 95.72%; + prefixes
 * of 2, 3 95.79%; + shapes of i, i-1, i+1 and the word as it is 95.89%; + the word bigrams
 * (i-1, i) and (i, i+1) 96.06%; each of these taken out of the whole set lowers it (by 0.03 to
 * 0.17). Characters (Korean spacing, 30,000 kowiki lines, F1 of the space decisions on the UD
 * Korean dev texts): ±2 characters and the tags 0.850; ±3 0.853; + the bigrams around the gap
 * 0.921; + the trigrams (i-1..i+1), (i..i+2) 0.925; + classes unchanged (0.9245, kept for
 * text outside the training's characters); + the trigrams (i-2..i), (i+1..i+3) 0.926.
 *
 * Each template gives one key at every position. Unit templates read one hash of one unit (at
 * an offset from the position); pair templates read more units; dynamic ones the tags given
 * before too. The numbers are part of the keys, so of the model files: never renumber, only
 * add. */
enum {
	/* words: NLTK's */
	T_BIAS, T_SUF3, T_PRE1, T_P1, T_P2, T_P12, T_W, T_P1W, T_WM1, T_SM1, T_WM2, T_WP1, T_SP1,
	T_WP2,
	/* words: ours */
	T_SUF1, T_SUF2, T_SUF4, T_PRE2, T_PRE3, T_SHAPE, T_SHAPEM1, T_SHAPEP1, T_RAW, T_BIM, T_BIP,
	T_P1S3, T_RAWM1, T_RAWP1,
	/* characters */
	C_BIAS, C_UM3, C_UM2, C_UM1, C_U0, C_UP1, C_UP2, C_UP3, C_BM1, C_B0, C_BP1, C_TM1, C_T0,
	C_TM2, C_TP1, C_CLS0, C_CLS1, C_CLS4, C_P1, C_P12, C_P1U, C_P1B,
	T_COUNT
};

struct unit_tpl {
	uint8_t t, h;       /* the template, the hash it reads */
	int8_t off;         /* of the unit at this offset */
};

static const struct unit_tpl unit_tpls[] = {
	{T_BIAS, H_ZERO, 0}, {T_SUF3, H_SUF3, 0}, {T_PRE1, H_PRE1, 0}, {T_W, H_NORM, 0},
	{T_WM1, H_NORM, -1}, {T_SM1, H_N3, -1}, {T_WM2, H_NORM, -2}, {T_WP1, H_NORM, 1},
	{T_SP1, H_N3, 1}, {T_WP2, H_NORM, 2}, {T_SUF1, H_SUF1, 0}, {T_SUF2, H_SUF2, 0},
	{T_SUF4, H_SUF4, 0}, {T_PRE2, H_PRE2, 0}, {T_PRE3, H_PRE3, 0}, {T_SHAPE, H_SHAPE, 0},
	{T_SHAPEM1, H_SHAPE, -1}, {T_SHAPEP1, H_SHAPE, 1}, {T_RAW, H_RAW, 0},
	{T_RAWM1, H_RAW, -1}, {T_RAWP1, H_RAW, 1},
	{C_BIAS, H_ZERO, 0}, {C_UM3, H_NORM, -3}, {C_UM2, H_NORM, -2}, {C_UM1, H_NORM, -1},
	{C_U0, H_NORM, 0}, {C_UP1, H_NORM, 1}, {C_UP2, H_NORM, 2}, {C_UP3, H_NORM, 3},
	{C_CLS0, H_N3, 0},
};
#define N_UNIT_TPLS (sizeof(unit_tpls) / sizeof(unit_tpls[0]))

#define BIT(t) ((uint64_t)1 << (t))
#define PAIRS (BIT(T_BIM) | BIT(T_BIP) | BIT(C_BM1) | BIT(C_B0) | BIT(C_BP1) | BIT(C_TM1) | \
               BIT(C_T0) | BIT(C_TM2) | BIT(C_TP1) | BIT(C_CLS1) | BIT(C_CLS4))
/* the dynamic templates that read tags alone, and those that read units too */
#define TAGS_ONLY (BIT(T_P1) | BIT(T_P2) | BIT(T_P12) | BIT(C_P1) | BIT(C_P12))
#define TAGS_UNITS (BIT(T_P1W) | BIT(T_P1S3) | BIT(C_P1U) | BIT(C_P1B))
#define NLTK_SET (BIT(T_BIAS) | BIT(T_SUF3) | BIT(T_PRE1) | BIT(T_P1) | BIT(T_P2) | \
                  BIT(T_P12) | BIT(T_W) | BIT(T_P1W) | BIT(T_WM1) | BIT(T_SM1) | BIT(T_WM2) | \
                  BIT(T_WP1) | BIT(T_SP1) | BIT(T_WP2))
#define WORDS_SET (NLTK_SET | BIT(T_SUF1) | BIT(T_SUF2) | BIT(T_SUF4) | BIT(T_PRE2) | \
                   BIT(T_PRE3) | BIT(T_SHAPE) | BIT(T_SHAPEM1) | BIT(T_SHAPEP1) | BIT(T_RAW) | \
                   BIT(T_BIM) | BIT(T_BIP))
#define CHARS_SET (BIT(C_BIAS) | BIT(C_UM3) | BIT(C_UM2) | BIT(C_UM1) | BIT(C_U0) | \
                   BIT(C_UP1) | BIT(C_UP2) | BIT(C_UP3) | BIT(C_BM1) | BIT(C_B0) | BIT(C_BP1) | \
                   BIT(C_TM1) | BIT(C_T0) | BIT(C_TM2) | BIT(C_TP1) | BIT(C_CLS0) | \
                   BIT(C_CLS1) | BIT(C_CLS4) | BIT(C_P1) | BIT(C_P12))

/* A feature set laid out: its unit templates in unit_tpls' order, then the pair templates,
 * then the dynamic ones reading tags alone, then those reading units too. */
struct tag_lin_plan {
	uint64_t set;
	unsigned nu, np, nt, nx;    /* unit, pair, tags-only, tags-and-units templates */
	struct unit_tpl u[N_UNIT_TPLS];
};

static unsigned popcount(uint64_t x)
{
	return (unsigned)__builtin_popcountll(x);
}

/* The plan of feature set version templates for units; 0, or -1 for a version this code does
 * not know. */
static int plan_of(struct tag_lin_plan *pl, uint32_t templates, enum tag_units units)
{
	uint64_t set = units == TAG_UNITS_CHARS ? CHARS_SET : WORDS_SET;

	if (templates != TAG_LIN_TEMPLATES)
		return -1;
	memset(pl, 0, sizeof(*pl));
	pl->set = set;
	for (size_t i = 0; i < N_UNIT_TPLS; i++)
		if (set & BIT(unit_tpls[i].t))
			pl->u[pl->nu++] = unit_tpls[i];
	pl->np = popcount(set & PAIRS);
	pl->nt = popcount(set & TAGS_ONLY);
	pl->nx = popcount(set & TAGS_UNITS);
	return 0;
}

static inline uint64_t key1(unsigned t, uint64_t a)
{
	return mix64(a + (uint64_t)(t + 1) * KEY_MUL);
}

static inline uint64_t key2(unsigned t, uint64_t a, uint64_t b)
{
	return mix64(key1(t, a) ^ b);
}

static inline uint64_t key3(unsigned t, uint64_t a, uint64_t b, uint64_t c)
{
	return mix64(key2(t, a, b) ^ c);
}

/* The key of unit template j of pl at position p of the padded units u. */
static inline uint64_t unit_key(const struct tag_lin_plan *pl, unsigned j, const struct tag_lin_unit *u,
                                size_t p)
{
	const struct unit_tpl *t = &pl->u[j];

	return key1(t->t, u[(ptrdiff_t)p + t->off].h[t->h]);
}

#define ADD(t, expr) \
	do { \
		if (set & BIT(t)) \
			k[n++] = (expr); \
	} while (0)

/* The keys of the pair templates of set at position p of the padded units u (p - PAD is the
 * token) into k; returns their number. */
static size_t pair_keys(uint64_t *k, const struct tag_lin_unit *u, size_t p, uint64_t set)
{
	size_t n = 0;
	const struct tag_lin_unit *a = u + p;

	ADD(T_BIM, key2(T_BIM, a[-1].h[H_NORM], a->h[H_NORM]));
	ADD(T_BIP, key2(T_BIP, a->h[H_NORM], a[1].h[H_NORM]));
	ADD(C_BM1, key2(C_BM1, a[-1].h[H_NORM], a->h[H_NORM]));
	ADD(C_B0, key2(C_B0, a->h[H_NORM], a[1].h[H_NORM]));
	ADD(C_BP1, key2(C_BP1, a[1].h[H_NORM], a[2].h[H_NORM]));
	ADD(C_TM1, key3(C_TM1, a[-1].h[H_NORM], a->h[H_NORM], a[1].h[H_NORM]));
	ADD(C_T0, key3(C_T0, a->h[H_NORM], a[1].h[H_NORM], a[2].h[H_NORM]));
	ADD(C_TM2, key3(C_TM2, a[-2].h[H_NORM], a[-1].h[H_NORM], a->h[H_NORM]));
	ADD(C_TP1, key3(C_TP1, a[1].h[H_NORM], a[2].h[H_NORM], a[3].h[H_NORM]));
	ADD(C_CLS1, key2(C_CLS1, a->h[H_N3], a[1].h[H_N3]));
	ADD(C_CLS4, key3(C_CLS4, a[-1].h[H_N3] * 31 + a->h[H_N3], a[1].h[H_N3], a[2].h[H_N3]));
	return n;
}

/* The keys of the dynamic templates of set that read tags alone, after the tags prev and
 * prev2 (the pads' tags are C and C + 1). */
static size_t tag_keys(uint64_t *k, uint32_t prev, uint32_t prev2, uint64_t set)
{
	size_t n = 0;

	ADD(T_P1, key1(T_P1, prev));
	ADD(T_P2, key1(T_P2, prev2));
	ADD(T_P12, key2(T_P12, prev, prev2));
	ADD(C_P1, key1(C_P1, prev));
	ADD(C_P12, key2(C_P12, prev, prev2));
	return n;
}

/* The keys of those that read the units at position p too. */
static size_t tag_unit_keys(uint64_t *k, const struct tag_lin_unit *u, size_t p, uint32_t prev,
                            uint64_t set)
{
	size_t n = 0;
	const struct tag_lin_unit *a = u + p;

	ADD(T_P1W, key2(T_P1W, prev, a->h[H_NORM]));
	ADD(T_P1S3, key2(T_P1S3, prev, a->h[H_SUF3]));
	ADD(C_P1U, key2(C_P1U, prev, a->h[H_NORM]));
	ADD(C_P1B, key3(C_P1B, prev, a->h[H_NORM], a[1].h[H_NORM]));
	return n;
}
#undef ADD

/* Every key of position p, after prev and prev2, in the plan's order; returns their number. */
static size_t position_keys(uint64_t *k, const struct tag_lin_plan *pl, const struct tag_lin_unit *u,
                            size_t p, uint32_t prev, uint32_t prev2)
{
	size_t n = pl->nu;

	for (unsigned j = 0; j < pl->nu; j++)
		k[j] = unit_key(pl, j, u, p);
	n += pair_keys(k + n, u, p, pl->set);
	n += tag_keys(k + n, prev, prev2, pl->set);
	return n + tag_unit_keys(k + n, u, p, prev, pl->set);
}

/* ---- units ---- */

/* Whether byte c starts a character: anything but a UTF-8 continuation byte (so a stray one
 * belongs to the character before it, and every byte string has its characters). */
static inline int starts(unsigned char c)
{
	return (c & 0xC0) != 0x80;
}

/* The code point of the character at s [len] (its bytes up to the next start), or -1 when they
 * are not one valid sequence. */
static int32_t code_point(const char *s, size_t len)
{
	int32_t c;

	if (len != (size_t)utf8_seqlen((unsigned char)s[0]) || utf8_valid_prefix(s, len) != len)
		return -1;
	utf8_decode(s, &c);
	return c;
}

/* The byte where the last k characters of s [n] start (0 when it has fewer). */
static size_t last_chars(const char *s, size_t n, unsigned k)
{
	size_t i = n;

	while (k && i > 0) {
		i--;
		if (starts((unsigned char)s[i]))
			k--;
	}
	return i;
}

/* The bytes of the first k characters of s [n]. */
static size_t first_chars(const char *s, size_t n, unsigned k)
{
	size_t i = 0;

	while (i < n) {
		i++;
		while (i < n && !starts((unsigned char)s[i]))
			i++;
		if (--k == 0)
			break;
	}
	return i;
}

static inline uint64_t hash(const char *s, size_t n)
{
	return strtab_hash_bytes(s, n);
}

#define SHAPE_MAX 48
#define SHAPE_RUN 4

/* The word's shape (see struct tag_lin_unit) hashed. */
static uint64_t shape_of(const char *s, size_t n)
{
	char out[SHAPE_MAX + 8];
	size_t k = 0, run = 0;

	for (size_t i = 0; i < n && k < SHAPE_MAX;) {
		size_t j = i + 1, len;
		int32_t c;
		char sym[4];

		while (j < n && !starts((unsigned char)s[j]))
			j++;
		c = code_point(s + i, j - i);
		len = 1;
		if (c < 0) {
			sym[0] = '?';
		} else if (c < 0x80) {
			sym[0] = c >= 'A' && c <= 'Z' ? 'X' : c >= 'a' && c <= 'z' ? 'x' :
			         c >= '0' && c <= '9' ? 'd' : (char)c;
		} else {
			utf8proc_category_t cat = utf8proc_category(c);

			if (cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT)
				sym[0] = 'X';
			else if (cat >= UTF8PROC_CATEGORY_LL && cat <= UTF8PROC_CATEGORY_LO)
				sym[0] = 'x';
			else if (cat == UTF8PROC_CATEGORY_ND)
				sym[0] = 'd';
			else
				memcpy(sym, s + i, len = j - i);
		}
		run = k >= len && memcmp(out + k - len, sym, len) == 0 ? run + 1 : 1;
		if (run <= SHAPE_RUN) {
			memcpy(out + k, sym, len);
			k += len;
		}
		i = j;
	}
	return hash(out, k);
}

/* NLTK's normalisation of the word w [n] whose lowercased form is low [ln]: its hash. */
static uint64_t normalised(const char *w, size_t n, const char *low, size_t ln)
{
	static const char hyphen[] = "!HYPHEN", year[] = "!YEAR", digits[] = "!DIGITS";
	int all_digits = n == 4;

	if (n > 1 && w[0] != '-' && memchr(w + 1, '-', n - 1))
		return hash(hyphen, sizeof(hyphen) - 1);
	for (size_t i = 0; all_digits && i < n; i++)
		all_digits = w[i] >= '0' && w[i] <= '9';
	if (all_digits)
		return hash(year, sizeof(year) - 1);
	if (n && w[0] >= '0' && w[0] <= '9')
		return hash(digits, sizeof(digits) - 1);
	return hash(low, ln);
}

/* The last three characters of NLTK's normalised form, hashed. */
static uint64_t normalised3(const char *w, size_t n, const char *low, size_t ln)
{
	static const char hyphen[] = "HEN", year[] = "EAR", digits[] = "ITS";
	uint64_t h = normalised(w, n, low, ln);

	if (h == hash("!HYPHEN", 7))
		return hash(hyphen, 3);
	if (h == hash("!YEAR", 5))
		return hash(year, 3);
	if (h == hash("!DIGITS", 7))
		return hash(digits, 3);
	return hash(low + last_chars(low, ln, 3), ln - last_chars(low, ln, 3));
}

/* A word unit of w [n], lowercased low [ln]. */
static void unit_word(struct tag_lin_unit *u, const char *w, size_t n, const char *low,
                      size_t ln)
{
	u->h[H_ZERO] = 0;
	u->h[H_NORM] = normalised(w, n, low, ln);
	u->h[H_N3] = normalised3(w, n, low, ln);
	u->h[H_RAW] = hash(w, n);
	for (unsigned k = 0; k < 4; k++) {
		size_t at = last_chars(w, n, k + 1);

		u->h[H_SUF1 + k] = hash(w + at, n - at);
	}
	for (unsigned k = 0; k < 3; k++)
		u->h[H_PRE1 + k] = hash(w, first_chars(w, n, k + 1));
	u->h[H_SHAPE] = shape_of(w, n);
}

/* The class of a character: Hangul syllable, digit, Latin letter, punctuation, ideograph,
 * other. */
enum { CLS_HANGUL = 1, CLS_DIGIT, CLS_LATIN, CLS_PUNCT, CLS_HANJA, CLS_OTHER };

static unsigned char_class(const char *s, size_t n)
{
	int32_t c = n ? code_point(s, n) : -1;

	if (c < 0)
		return CLS_OTHER;
	if (utf8_is_hangul_syllable(c))
		return CLS_HANGUL;
	if (c < 0x80)
		return c >= '0' && c <= '9' ? CLS_DIGIT :
		       (c | 32) >= 'a' && (c | 32) <= 'z' ? CLS_LATIN :
		       c > ' ' && c < 0x7F ? CLS_PUNCT : CLS_OTHER;
	if (utf8proc_category(c) == UTF8PROC_CATEGORY_ND)
		return CLS_DIGIT;
	if (c < 0x250 && utf8proc_category(c) <= UTF8PROC_CATEGORY_LO)
		return CLS_LATIN;
	if (utf8_is_punct(c) || (utf8proc_category(c) >= UTF8PROC_CATEGORY_SM &&
	                         utf8proc_category(c) <= UTF8PROC_CATEGORY_SO))
		return CLS_PUNCT;
	if (utf8_is_ideograph(c))
		return CLS_HANJA;
	return CLS_OTHER;
}

/* A character unit of w [n]. */
static void unit_char(struct tag_lin_unit *u, const char *w, size_t n)
{
	memset(u, 0, sizeof(*u));
	u->h[H_NORM] = u->h[H_RAW] = hash(w, n);
	u->h[H_N3] = char_class(w, n);
}

/* Pad k of the 2 PAD around a sentence (k < PAD: before it, the nearest last; else after it,
 * the nearest first), as NLTK's -START2-, -START-, -END-, -END2-: its own hash in every field
 * but the bias's. */
static void pad_unit(struct tag_lin_unit *u, size_t k)
{
	uint64_t h = mix64(0x5041440000ull + k);

	for (int j = 0; j < H_COUNT; j++)
		u->h[j] = j == H_ZERO ? 0 : h;
	u->low = NONE;
}

/* The pads of the padded units u of a sentence of n. */
static void set_pads(struct tag_lin_unit *u, size_t n)
{
	for (size_t k = 0; k < PAD; k++) {
		pad_unit(u + k, k);
		pad_unit(u + PAD + n + k, PAD + k);
	}
}

static inline uint32_t argmax_i32(const int32_t *s, size_t C)
{
	uint32_t b = 0;

	for (size_t c = 1; c < C; c++)
		if (s[c] > s[b])
			b = (uint32_t)c;
	return b;
}

static inline uint32_t argmax_f(const float *s, size_t C)
{
	uint32_t b = 0;

	for (size_t c = 1; c < C; c++)
		if (s[c] > s[b])
			b = (uint32_t)c;
	return b;
}

/* ---- tagging ---- */

int tag_lin_init(struct tag_lin *s, const struct tag_model *m, struct error *e)
{
	const float *dict;

	memset(s, 0, sizeof(*s));
	if (!(s->plan = malloc(sizeof(*s->plan))))
		return error_set(e, -1, ENOMEM, NULL, 0, "the tagger's scratch");
	if (m->c.kind != TAG_LINEAR || plan_of(s->plan, m->c.templates, m->c.units) < 0) {
		tag_lin_free(s);
		return error_set(e, -1, 0, NULL, 0, "not a linear tagger of a known feature set (%u)",
		                 (unsigned)m->c.templates);
	}
	s->m = m;
	s->C = m->c.tags;
	dict = nn_tensor(&m->L, m->w, m->dict);
	for (size_t i = 0; i < m->c.words && !s->dict; i++)
		s->dict = dict[i] != 0;
	s->cap = 64;
	s->lowcap = 256;
	s->u = malloc((s->cap + 2 * PAD) * sizeof(*s->u));
	s->low = malloc(s->lowcap);
	s->score = malloc((s->C ? s->C : 1) * sizeof(*s->score));
	if (!s->u || !s->low || !s->score) {
		tag_lin_free(s);
		return error_set(e, -1, ENOMEM, NULL, 0, "the tagger's scratch");
	}
	return 0;
}

void tag_lin_free(struct tag_lin *s)
{
	free(s->plan);
	free(s->u);
	free(s->low);
	free(s->score);
	memset(s, 0, sizeof(*s));
}

/* The units of the tokens w [n] into s->u (pads set). */
static void tag_units(struct tag_lin *s, const struct span *w, size_t n)
{
	const struct tag_model *m = s->m;
	int chars = m->c.units == TAG_UNITS_CHARS;

	if (n > s->cap) {
		while (s->cap < n)
			s->cap *= 2;
		s->u = erealloc(s->u, (s->cap + 2 * PAD) * sizeof(*s->u));
	}
	set_pads(s->u, n);
	for (size_t i = 0; i < n; i++) {
		struct tag_lin_unit *u = s->u + PAD + i;
		size_t ln;
		int64_t id;

		if (w[i].n * 3 + 4 > s->lowcap) {
			while (s->lowcap < w[i].n * 3 + 4)
				s->lowcap *= 2;
			s->low = erealloc(s->low, s->lowcap);
		}
		ln = tag_lower(s->low, w[i].p, w[i].n);
		if (chars)
			unit_char(u, w[i].p, w[i].n);
		else
			unit_word(u, w[i].p, w[i].n, s->low, ln);
		id = s->dict ? strtab_find(&m->words, s->low, ln) : -1;
		u->low = id < 0 ? NONE : (uint32_t)id;
	}
}

/* The best tag by the model for the features s->keys [k]: their rows first, so that the
 * lookups overlap, then the sums. */
static uint32_t score_f(struct tag_lin *s, const float *fw, size_t k)
{
	const struct tag_model *m = s->m;
	size_t C = s->C, nr = 0;
	float *restrict score = s->score;
	const float *rows[TAG_LIN_MAX_FEATS];

	for (size_t j = 0; j < k; j++) {
		uint32_t r = u64map_get(&m->feat, s->keys[j]);

		if (r != U64MAP_NONE) {
			rows[nr] = fw + (size_t)r * C;
			__builtin_prefetch(rows[nr++]);
		}
	}
	memset(score, 0, C * sizeof(*score));
	for (size_t j = 0; j < nr; j++) {
		const float *restrict row = rows[j];

		for (size_t c = 0; c < C; c++)
			score[c] += row[c];
	}
	return argmax_f(score, C);
}

SIMD_CLONES void tag_lin_tag(struct tag_lin *s, const struct span *w, size_t n, uint32_t *out)
{
	const struct tag_model *m = s->m;
	const float *fw = nn_tensor(&m->L, m->w, m->feat_w);
	const float *dict = nn_tensor(&m->L, m->w, m->dict);
	uint32_t C = (uint32_t)s->C, prev = C, prev2 = C + 1;

	tag_units(s, w, n);
	for (size_t i = 0; i < n; i++) {
		const struct tag_lin_unit *u = s->u + PAD + i;
		uint32_t t;

		if (u->low != NONE && dict[u->low] > 0) {
			t = (uint32_t)dict[u->low] - 1;
		} else {
			size_t k = position_keys(s->keys, s->plan, s->u, PAD + i, prev, prev2);

			t = score_f(s, fw, k);
		}
		out[i] = t;
		prev2 = prev;
		prev = t;
	}
}

/* ---- training ---- */

struct lin_train {
	const struct tag_train_opts *o;
	const struct tag_hooks *h;
	const struct tag_data *d, *v;
	struct tag_model *m;
	size_t C, V;                   /* tags; the training words, whose units V .. V + 2 PAD - 1
	                                * are the pads */
	struct tag_lin_plan pl;
	uint32_t templates;
	unsigned K;                    /* the features of a position */
	/* the training words */
	struct tag_lin_unit *unit;     /* [V + 2 PAD] each word's hashes, then the pads' */
	struct strtab words;           /* the training words lowercased, vals their counts */
	uint32_t *dict;                /* [words.n] the dictionary's tag + 1, or 0 */
	/* features: a key's id, the ids' keys, their rows */
	struct u64map ids;
	uint64_t *fkey;                /* [fcap] */
	uint32_t *frow;                /* [fcap] the feature's row, or NONE before its first update */
	size_t nf, fcap;
	/* the ids known before training: those of the unit templates for each word, of the
	 * tags-only templates for each two tags before (when there are not too many tags); the
	 * others' keys are looked up at each use, their ids made at their first update, which
	 * keeps the table to the features that matter (a fraction of the character trigrams) */
	uint32_t *uid;                 /* [V + 2 PAD][pl.nu] */
	uint32_t *tid;                 /* [(C + 2) (C + 2)][pl.nt] or NULL */
	/* rows: the weights, integers while training, their running sums and last changes */
	int32_t *w;                    /* [rcap][C] */
	int64_t *tot;                  /* [rcap][C] the sums of w after each step up to ts */
	uint64_t *ts;                  /* [rcap] the step of the row's last change */
	uint32_t *rfeat;               /* [rcap] the row's feature */
	size_t nr, rcap;
	uint64_t steps;                /* tokens scored so far */
	/* scratch */
	struct tag_lin_unit *su;       /* [longest + 2 PAD] a sentence's units */
	uint32_t *sty;                 /* [longest + 2 PAD] their words (pads V ..) */
	uint64_t *tkeys;               /* [K] a token's keys (where its ids are NONE) */
	uint32_t *tids;                /* [K] its ids */
	int32_t *score;                /* [C] */
	float *avg;                    /* [C] */
	uint32_t *order;               /* [nsent] */
	uint32_t *vtag;                /* [valid tags] their ids in the model, or NONE */
	struct rng rng;
	struct tag_epoch ep;
	uint64_t done, total;
};

/* The id of feature key, added when absent. Returns it, or NONE (memory). */
static uint32_t feat_intern(struct lin_train *tr, uint64_t key)
{
	uint32_t id;

	if (tr->nf == tr->fcap) {
		size_t cap = tr->fcap ? tr->fcap * 2 : 4096;
		uint64_t *k = realloc(tr->fkey, cap * sizeof(*k));
		uint32_t *r;

		if (!k)
			return NONE;
		tr->fkey = k;
		if (!(r = realloc(tr->frow, cap * sizeof(*r))))
			return NONE;
		tr->frow = r;
		tr->fcap = cap;
	}
	id = u64map_get_or_put(&tr->ids, key, (uint32_t)tr->nf);
	if (id == (uint32_t)tr->nf) {
		tr->fkey[tr->nf] = key;
		tr->frow[tr->nf++] = NONE;
	}
	return id;
}

/* A new zero row for feature id at the current step. Returns it, or NONE (memory). */
static uint32_t row_add(struct lin_train *tr, uint32_t id)
{
	size_t C = tr->C;

	if (tr->nr == tr->rcap) {
		size_t cap = tr->rcap ? tr->rcap * 2 : 4096;
		int32_t *w = realloc(tr->w, cap * C * sizeof(*w));
		int64_t *t;
		uint64_t *ts;
		uint32_t *rf;

		if (!w)
			return NONE;
		tr->w = w;
		if (!(t = realloc(tr->tot, cap * C * sizeof(*t))))
			return NONE;
		tr->tot = t;
		if (!(ts = realloc(tr->ts, cap * sizeof(*ts))))
			return NONE;
		tr->ts = ts;
		if (!(rf = realloc(tr->rfeat, cap * sizeof(*rf))))
			return NONE;
		tr->rfeat = rf;
		tr->rcap = cap;
	}
	memset(tr->w + tr->nr * C, 0, C * sizeof(*tr->w));
	memset(tr->tot + tr->nr * C, 0, C * sizeof(*tr->tot));
	tr->ts[tr->nr] = tr->steps;
	tr->rfeat[tr->nr] = id;
	tr->frow[id] = (uint32_t)tr->nr;
	return (uint32_t)tr->nr++;
}

/* The perceptron's update at step s = tr->steps: the true tag's weights of the features ids
 * [k] (NONE: the key keys [k] has no id yet) up by one, the guess's down. A row's sum takes its
 * weights as they were after each step since its last change (s - ts of them) before they
 * change: the lazy form of adding every row to the sums after every step. Returns 0, or -1
 * (memory). */
static int update(struct lin_train *tr, const uint32_t *ids, const uint64_t *keys, size_t k,
                  uint32_t truth, uint32_t guess)
{
	size_t C = tr->C;
	uint64_t s = tr->steps;

	for (size_t j = 0; j < k; j++) {
		uint32_t id = ids[j], r;
		int32_t *w;
		int64_t *tot;

		if (id == NONE && (id = feat_intern(tr, keys[j])) == NONE)
			return -1;
		if ((r = tr->frow[id]) == NONE && (r = row_add(tr, id)) == NONE)
			return -1;
		w = tr->w + (size_t)r * C;
		tot = tr->tot + (size_t)r * C;
		if (tr->ts[r] != s) {
			int64_t n = (int64_t)(s - tr->ts[r]);

			for (size_t c = 0; c < C; c++)
				tot[c] += n * w[c];
			tr->ts[r] = s;
		}
		w[truth]++;
		w[guess]--;
	}
	return 0;
}

/* The averaged weights of row r after N steps into out [C]: (the sums up to the row's last
 * change, plus its weights as they have been after each step since) / N. */
static void row_average(const struct lin_train *tr, size_t r, uint64_t N, float *out)
{
	size_t C = tr->C;
	const int32_t *w = tr->w + r * C;
	const int64_t *tot = tr->tot + r * C;
	int64_t n = (int64_t)(N + 1 - tr->ts[r]);

	for (size_t c = 0; c < C; c++)
		out[c] = (float)((double)(tot[c] + n * w[c]) / (double)N);
}

/* The padded words and units of sentence i into tr->sty and tr->su; returns its length. */
static size_t sentence_units(struct lin_train *tr, size_t i)
{
	size_t n;
	const uint32_t *tok = tag_sentence(tr->d, i, &n, NULL);

	for (size_t k = 0; k < PAD; k++) {
		tr->sty[k] = (uint32_t)(tr->V + k);
		tr->sty[PAD + n + k] = (uint32_t)(tr->V + PAD + k);
	}
	memcpy(tr->sty + PAD, tok, n * sizeof(*tok));
	for (size_t j = 0; j < n + 2 * PAD; j++)
		tr->su[j] = tr->unit[tr->sty[j]];
	return n;
}

/* The ids of the features of token j of the sentence in tr->sty/su, after prev and prev2,
 * into tr->tids, with the keys of those that have none in tr->tkeys. */
static void token_ids(struct lin_train *tr, size_t j, uint32_t prev, uint32_t prev2)
{
	const struct tag_lin_plan *pl = &tr->pl;
	uint32_t *ids = tr->tids;
	uint64_t *k = tr->tkeys;
	size_t p = PAD + j, n = pl->nu, C2 = tr->C + 2;

	for (unsigned u = 0; u < pl->nu; u++)
		ids[u] = tr->uid[(size_t)tr->sty[(ptrdiff_t)p + pl->u[u].off] * pl->nu + u];
	pair_keys(k + n, tr->su, p, pl->set);
	for (size_t f = n; f < n + pl->np; f++)
		ids[f] = u64map_get(&tr->ids, k[f]);
	n += pl->np;
	if (tr->tid) {
		memcpy(ids + n, tr->tid + ((size_t)prev * C2 + prev2) * pl->nt, pl->nt * sizeof(*ids));
	} else {
		tag_keys(k + n, prev, prev2, pl->set);
		for (size_t f = n; f < n + pl->nt; f++)
			ids[f] = u64map_get(&tr->ids, k[f]);
	}
	n += pl->nt;
	tag_unit_keys(k + n, tr->su, p, prev, pl->set);
	for (size_t f = n; f < n + pl->nx; f++)
		ids[f] = u64map_get(&tr->ids, k[f]);
}

/* The best tag by the current weights for the features tr->tids [K]: their rows first, so
 * that the loads of the rows overlap, then the sums. */
static uint32_t score_i32(struct lin_train *tr, size_t K)
{
	size_t C = tr->C, nr = 0;
	int32_t *restrict score = tr->score;
	const int32_t *rows[TAG_LIN_MAX_FEATS];

	for (size_t f = 0; f < K; f++) {
		uint32_t id = tr->tids[f], r = id == NONE ? NONE : tr->frow[id];

		if (r != NONE) {
			rows[nr] = tr->w + (size_t)r * C;
			__builtin_prefetch(rows[nr++]);
		}
	}
	memset(score, 0, C * sizeof(*score));
	for (size_t f = 0; f < nr; f++) {
		const int32_t *restrict row = rows[f];

		for (size_t c = 0; c < C; c++)
			score[c] += row[c];
	}
	return argmax_i32(score, C);
}

/* One epoch over the sentences in a fresh order; fills tr->ep's training fields. Returns 0, or
 * -1 with e filled (memory). Built for AVX2 too: the sums of the rows are vector adds. */
SIMD_CLONES static int run_epoch(struct lin_train *tr, struct error *e)
{
	const struct tag_data *d = tr->d;
	size_t C = tr->C, K = tr->K;
	uint64_t tokens = 0, correct = 0, updates = 0, next = STEP_EVERY;
	double t0 = clock_seconds();

	for (size_t i = d->nsent; i > 1; i--) {
		size_t j = (size_t)rng_below(&tr->rng, i);
		uint32_t x = tr->order[i - 1];

		tr->order[i - 1] = tr->order[j];
		tr->order[j] = x;
	}
	for (size_t si = 0; si < d->nsent; si++) {
		size_t s = tr->order[si], n = sentence_units(tr, s);
		const uint32_t *tags = d->tag + d->start[s];
		uint32_t prev = (uint32_t)C, prev2 = (uint32_t)C + 1;

		for (size_t j = 0; j < n; j++) {
			uint32_t truth = tags[j], guess, lw = tr->su[PAD + j].low;

			if (tr->dict[lw]) {
				guess = tr->dict[lw] - 1;
			} else {
				token_ids(tr, j, prev, prev2);
				guess = score_i32(tr, K);
				tr->steps++;
				if (guess != truth) {
					if (update(tr, tr->tids, tr->tkeys, K, truth, guess) < 0)
						return error_set(e, -1, ENOMEM, NULL, 0, "the weights");
					updates++;
				}
			}
			correct += guess == truth;
			prev2 = prev;
			prev = guess;
		}
		tokens += n;
		tr->done += n;
		if (tr->h && tr->h->step && tokens >= next) {
			next += STEP_EVERY;
			tr->h->step(tr->h->ctx, &tr->ep, tr->done, tr->total,
			            (double)updates / (double)tokens);
		}
	}
	tr->ep.seconds = clock_seconds() - t0;
	tr->ep.tokens_per_s = (double)tokens / (tr->ep.seconds > 0 ? tr->ep.seconds : 1e-9);
	tr->ep.train_loss = tokens ? (double)updates / (double)tokens : NAN;
	tr->ep.train_acc = tokens ? (double)correct / (double)tokens : NAN;
	return 0;
}

/* ---- preparing ---- */

/* to = a copy of from, ids and vals. Returns 0, or -1 (memory). */
static int tab_copy(struct strtab *to, const struct strtab *from)
{
	if (strtab_init(to, from->n) < 0)
		return -1;
	for (size_t i = 0; i < from->n; i++) {
		size_t len;
		const char *k = strtab_key(from, i, &len);

		if (strtab_intern_hashed(to, k, len, from->hashes[i]) < 0) {
			strtab_free(to);
			return -1;
		}
		to->vals[i] = from->vals[i];
	}
	return 0;
}

/* Each training word's units and lowercased form (tr->words, with its count), then the pads'
 * units. Returns 0, or -1 (memory). */
static int prepare_words(struct lin_train *tr)
{
	const struct strtab *dw = &tr->d->words;
	size_t longest = 0, V = tr->V;
	char *low;
	int chars = tr->d->units == TAG_UNITS_CHARS;

	for (size_t i = 0; i < V; i++) {
		size_t len;

		strtab_key(dw, i, &len);
		if (len > longest)
			longest = len;
	}
	if (!(tr->unit = malloc((V + 2 * PAD) * sizeof(*tr->unit))) ||
	    !(low = malloc(longest * 3 + 4)))
		return -1;
	if (strtab_init(&tr->words, V) < 0) {
		free(low);
		return -1;
	}
	for (size_t i = 0; i < V; i++) {
		size_t len, ln;
		const char *w = strtab_key(dw, i, &len);
		int64_t id;

		ln = tag_lower(low, w, len);
		if ((id = strtab_intern(&tr->words, low, ln)) < 0) {
			free(low);
			return -1;
		}
		tr->words.vals[id] += dw->vals[i];
		if (chars)
			unit_char(&tr->unit[i], w, len);
		else
			unit_word(&tr->unit[i], w, len, low, ln);
		tr->unit[i].low = (uint32_t)id;
	}
	for (size_t k = 0; k < 2 * PAD; k++)
		pad_unit(&tr->unit[V + k], k);
	free(low);
	return 0;
}

/* The tag dictionary over tr->words (all zero without o->dict). Returns 0, or -1 (memory). */
static int prepare_dict(struct lin_train *tr)
{
	const struct tag_data *d = tr->d;
	size_t W = tr->words.n;
	uint32_t *best = NULL, *most = NULL;
	struct u64map pairs;
	int r = -1;

	if (!(tr->dict = calloc(W + 1, sizeof(*tr->dict))))
		return -1;
	if (!tr->o->dict)
		return 0;
	if (u64map_init(&pairs, W * 2) < 0)
		return -1;
	best = malloc((W ? W : 1) * sizeof(*best));
	most = calloc(W ? W : 1, sizeof(*most));
	if (!best || !most)
		goto out;
	/* the tokens of each (lowercased word, tag) */
	for (size_t i = 0; i < d->ntok; i++) {
		uint64_t key = (uint64_t)tr->unit[d->tok[i]].low << 32 | d->tag[i];
		uint32_t n = u64map_get(&pairs, key);

		if (u64map_put(&pairs, key, n == U64MAP_NONE ? 1 : n + 1) < 0)
			goto out;
	}
	for (size_t i = 0; i <= pairs.mask; i++) {
		const struct u64map_slot *s = &pairs.slots[i];
		uint32_t w = (uint32_t)(s->key >> 32), t = (uint32_t)s->key;

		if (s->val == U64MAP_NONE)
			continue;
		if (s->val > most[w] || (s->val == most[w] && t < best[w])) {
			most[w] = s->val;
			best[w] = t;
		}
	}
	for (size_t w = 0; w < W; w++)
		if (most[w] >= TAG_LIN_DICT_MIN &&
		    (double)most[w] >= TAG_LIN_DICT_SHARE * (double)tr->words.vals[w])
			tr->dict[w] = best[w] + 1;
	r = 0;
out:
	u64map_free(&pairs);
	free(best);
	free(most);
	return r;
}

/* The ids known before training (see struct lin_train). Returns 0, or -1 (memory). */
static int prepare_ids(struct lin_train *tr)
{
	const struct tag_lin_plan *pl = &tr->pl;
	size_t nu = pl->nu, nt = pl->nt, C2 = tr->C + 2;

	if (!(tr->uid = malloc(((tr->V + 2 * PAD) * nu + 1) * sizeof(*tr->uid))))
		return -1;
	for (size_t w = 0; w < tr->V + 2 * PAD; w++)
		for (unsigned j = 0; j < nu; j++) {
			uint64_t k = key1(pl->u[j].t, tr->unit[w].h[pl->u[j].h]);

			if ((tr->uid[w * nu + j] = feat_intern(tr, k)) == NONE)
				return -1;
		}
	if (C2 * C2 <= TAGS_TABLE_MAX) {
		if (!(tr->tid = malloc((C2 * C2 * nt + 1) * sizeof(*tr->tid))))
			return -1;
		for (size_t a = 0; a < C2; a++)
			for (size_t b = 0; b < C2; b++) {
				uint64_t k[TAG_LIN_MAX_FEATS];

				tag_keys(k, (uint32_t)a, (uint32_t)b, pl->set);
				for (size_t j = 0; j < nt; j++)
					if ((tr->tid[(a * C2 + b) * nt + j] = feat_intern(tr, k[j])) == NONE)
						return -1;
			}
	}
	return 0;
}

/* The longest sentence of d. */
static size_t longest_sentence(const struct tag_data *d)
{
	size_t L = 0;

	for (size_t i = 0; d && i < d->nsent; i++)
		if (d->start[i + 1] - d->start[i] > L)
			L = (size_t)(d->start[i + 1] - d->start[i]);
	return L;
}

/* The features known before training: the unit templates' of each word, the tags-only
 * ones. */
static size_t ids_expected(const struct lin_train *tr)
{
	size_t C2 = tr->C + 2;

	return (tr->V + 2 * PAD) * tr->pl.nu + (C2 * C2 <= TAGS_TABLE_MAX ? C2 * C2 : 0);
}

/* Everything training needs besides the weights. Returns 0, or -1 with e filled. */
static int prepare(struct lin_train *tr, struct error *e)
{
	const struct tag_data *d = tr->d, *v = tr->v;
	size_t L = longest_sentence(d), K = tr->K;

	if (prepare_words(tr) < 0 || prepare_dict(tr) < 0)
		return error_set(e, -1, ENOMEM, NULL, 0, "the training words");
	tr->su = malloc((L + 2 * PAD) * sizeof(*tr->su));
	tr->sty = malloc((L + 2 * PAD) * sizeof(*tr->sty));
	tr->tkeys = malloc(K * sizeof(*tr->tkeys));
	tr->tids = malloc(K * sizeof(*tr->tids));
	tr->score = malloc(tr->C * sizeof(*tr->score));
	tr->avg = malloc(tr->C * sizeof(*tr->avg));
	tr->order = malloc((d->nsent ? d->nsent : 1) * sizeof(*tr->order));
	tr->vtag = malloc((v && v->tags.n ? v->tags.n : 1) * sizeof(*tr->vtag));
	if (!tr->su || !tr->sty || !tr->tkeys || !tr->tids || !tr->score || !tr->avg ||
	    !tr->order || !tr->vtag || u64map_init(&tr->ids, ids_expected(tr)) < 0)
		return error_set(e, -1, ENOMEM, NULL, 0, "the training's buffers");
	for (size_t i = 0; i < d->nsent; i++)
		tr->order[i] = (uint32_t)i;
	for (size_t t = 0; v && t < v->tags.n; t++) {
		size_t len;
		const char *k = strtab_key(&v->tags, t, &len);
		int64_t id = strtab_find(&d->tags, k, len);

		tr->vtag[t] = id < 0 ? NONE : (uint32_t)id;
	}
	if (prepare_ids(tr) < 0)
		return error_set(e, -1, ENOMEM, NULL, 0, "the training's features");
	return 0;
}

/* The bytes training holds besides the data and the weights (which grow). */
static uint64_t train_bytes(const struct lin_train *tr)
{
	const struct tag_lin_plan *pl = &tr->pl;
	size_t C2 = tr->C + 2;

	return (uint64_t)(tr->V + 2 * PAD) * (sizeof(*tr->unit) + pl->nu * sizeof(*tr->uid)) +
	       strtab_bytes(&tr->words) + tr->words.n * sizeof(*tr->dict) +
	       u64map_bytes(&tr->ids) + tr->fcap * (sizeof(*tr->fkey) + sizeof(*tr->frow)) +
	       (tr->tid ? C2 * C2 * pl->nt * sizeof(*tr->tid) : 0) +
	       tr->d->nsent * sizeof(*tr->order);
}

static void train_free(struct lin_train *tr)
{
	free(tr->unit);
	strtab_free(&tr->words);
	free(tr->dict);
	u64map_free(&tr->ids);
	free(tr->fkey);
	free(tr->frow);
	free(tr->uid);
	free(tr->tid);
	free(tr->w);
	free(tr->tot);
	free(tr->ts);
	free(tr->rfeat);
	free(tr->su);
	free(tr->sty);
	free(tr->tkeys);
	free(tr->tids);
	free(tr->score);
	free(tr->avg);
	free(tr->order);
	free(tr->vtag);
}

/* ---- the model ---- */

static void config_set(const struct lin_train *tr, struct tag_config *c, size_t F)
{
	memset(c, 0, sizeof(*c));
	c->kind = TAG_LINEAR;
	c->units = tr->d->units;
	c->spacing = (uint32_t)tr->d->spacing;
	c->column = tr->d->column;
	c->tags = (uint32_t)tr->C;
	c->words = (uint32_t)tr->words.n;
	c->features = (uint32_t)F;
	c->templates = tr->templates;
	c->epochs = tr->ep.epoch;
	c->seed = tr->o->seed;
	c->valid_acc = NAN;
}

/* m = the model of the weights averaged over the steps so far: the features whose averaged
 * row is not all zero. Returns 0, or -1 with e filled. */
static int model_build(struct lin_train *tr, struct tag_model *m, struct error *e)
{
	size_t C = tr->C, F = 0, f = 0;
	uint64_t N = tr->steps;
	struct tag_config c;
	struct strtab tags, words;
	float *key, *w, *dict;

	for (size_t r = 0; N && r < tr->nr; r++) {
		int zero = 1;

		row_average(tr, r, N, tr->avg);
		for (size_t k = 0; k < C && zero; k++)
			zero = tr->avg[k] == 0;
		F += !zero;
	}
	config_set(tr, &c, F);
	if (tab_copy(&tags, &tr->d->tags) < 0)
		return error_set(e, -1, ENOMEM, NULL, 0, "the model");
	if (tab_copy(&words, &tr->words) < 0) {
		strtab_free(&tags);
		return error_set(e, -1, ENOMEM, NULL, 0, "the model");
	}
	if (tag_model_init(m, &c, &tags, &words, NULL, e) < 0) {
		strtab_free(&tags);
		strtab_free(&words);
		return -1;
	}
	key = nn_tensor(&m->L, m->w, m->feat_key);
	w = nn_tensor(&m->L, m->w, m->feat_w);
	dict = nn_tensor(&m->L, m->w, m->dict);
	for (size_t r = 0; N && r < tr->nr; r++) {
		int zero = 1;
		uint64_t k = tr->fkey[tr->rfeat[r]];

		row_average(tr, r, N, tr->avg);
		for (size_t j = 0; j < C && zero; j++)
			zero = tr->avg[j] == 0;
		if (zero)
			continue;
		memcpy(w + f * C, tr->avg, C * sizeof(*w));
		for (int j = 0; j < 4; j++)
			key[f * 4 + j] = (float)((k >> (16 * j)) & 0xffff);
		f++;
	}
	for (size_t i = 0; i < tr->words.n; i++)
		dict[i] = (float)tr->dict[i];
	if (tag_model_index(m, e) < 0) {
		tag_model_free(m);
		return -1;
	}
	return 0;
}

/* The token accuracy of m on the validation sentences. Returns 0, or -1 with e filled. */
static int validate(const struct lin_train *tr, const struct tag_model *m, double *acc,
                    struct error *e)
{
	const struct tag_data *v = tr->v;
	size_t L = longest_sentence(v);
	struct span *sp = malloc((L ? L : 1) * sizeof(*sp));
	uint32_t *out = malloc((L ? L : 1) * sizeof(*out));
	uint64_t correct = 0;
	struct tag_lin s;

	if (!sp || !out) {
		free(sp);
		free(out);
		return error_set(e, -1, ENOMEM, NULL, 0, "the validation");
	}
	if (tag_lin_init(&s, m, e) < 0) {
		free(sp);
		free(out);
		return -1;
	}
	for (size_t i = 0; i < v->nsent; i++) {
		size_t n;
		const uint32_t *tags, *tok = tag_sentence(v, i, &n, &tags);

		for (size_t j = 0; j < n; j++)
			sp[j].p = strtab_key(&v->words, tok[j], &sp[j].n);
		tag_lin_tag(&s, sp, n, out);
		for (size_t j = 0; j < n; j++)
			correct += tags[j] != TAG_NONE && tr->vtag[tags[j]] == out[j];
	}
	*acc = v->ntok ? (double)correct / (double)v->ntok : NAN;
	tag_lin_free(&s);
	free(sp);
	free(out);
	return 0;
}

/* ---- the epochs ---- */

/* The epochs, the averaged model of each, validation and hooks; m holds the best epoch's
 * model after each (built at the end when it is none yet, as with no epochs). Returns 0, or -1 with e
 * filled. */
static int epochs(struct lin_train *tr, struct error *e)
{
	double best_acc = -1;
	unsigned since = 0, patience = tr->o->patience;
	int have = 0;

	tr->ep.epochs = tr->o->epochs;
	tr->ep.lr = 1;
	for (unsigned ep = 1; ep <= tr->o->epochs; ep++) {
		struct tag_model nm;
		double acc = NAN;

		tr->ep.epoch = ep;
		if (run_epoch(tr, e) < 0)
			goto fail;
		/* without validation or a hook to see it, only the last epoch's model is wanted */
		if (!tr->v && !(tr->h && tr->h->epoch) && ep < tr->o->epochs) {
			tr->ep.valid_acc = NAN;
			tr->ep.best = 1;
			continue;
		}
		if (model_build(tr, &nm, e) < 0)
			goto fail;
		if (tr->v && validate(tr, &nm, &acc, e) < 0) {
			tag_model_free(&nm);
			goto fail;
		}
		tr->ep.valid_acc = acc;
		tr->ep.best = !tr->v || !have || acc > best_acc;
		since = tr->ep.best ? 0 : since + 1;
		if (tr->ep.best) {
			if (have)
				tag_model_free(tr->m);
			nm.c.valid_acc = acc;
			*tr->m = nm;
			have = 1;
			best_acc = acc;
		} else {
			tag_model_free(&nm);
		}
		if (tr->h && tr->h->epoch && tr->h->epoch(tr->h->ctx, &tr->ep, e) < 0)
			goto fail;
		if (tr->v && patience && since >= patience)
			break;
	}
	if (!have && model_build(tr, tr->m, e) < 0)
		return -1;
	return 0;
fail:
	if (have)
		tag_model_free(tr->m);
	memset(tr->m, 0, sizeof(*tr->m));
	return -1;
}

/* Whether train can be learnt from; fills e when not. */
static int check(const struct tag_data *train, const struct tag_train_opts *o, struct error *e)
{
	(void)o;
	if (train->ntok == 0)
		return error_set(e, -1, 0, NULL, 0, "no training tokens");
	if (train->tags.n > TAG_MAX_TAGS)
		return error_set(e, -1, 0, NULL, 0, "%zu tags: at most %u", train->tags.n,
		                 (unsigned)TAG_MAX_TAGS);
	for (size_t i = 0; i < train->ntok; i++)
		if (train->tag[i] == TAG_NONE)
			return error_set(e, -1, 0, train->name[0], 0, "a training token without a tag");
	return 0;
}

int tag_linear_train(struct tag_model *m, const struct tag_data *train,
                     const struct tag_data *valid, const struct tag_train_opts *o,
                     const struct tag_hooks *h, struct error *e)
{
	struct lin_train tr = {.o = o, .h = h, .d = train, .v = valid, .m = m};
	int ret = -1;

	memset(m, 0, sizeof(*m));
	if (check(train, o, e) < 0)
		return -1;
	tr.C = train->tags.n;
	tr.V = train->words.n;
	tr.templates = TAG_LIN_TEMPLATES;
	plan_of(&tr.pl, tr.templates, train->units);
	tr.K = tr.pl.nu + tr.pl.np + tr.pl.nt + tr.pl.nx;
	tr.total = (uint64_t)train->ntok * o->epochs;
	rng_seed(&tr.rng, o->seed);
	if (prepare(&tr, e) < 0)
		goto out;
	if (h && h->begin) {
		struct tag_model cm;

		memset(&cm, 0, sizeof(cm));
		config_set(&tr, &cm.c, 0);
		h->begin(h->ctx, &cm, train_bytes(&tr));
	}
	ret = epochs(&tr, e);
out:
	train_free(&tr);
	return ret;
}
