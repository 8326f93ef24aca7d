/* utf8.h: UTF-8 decoding and encoding, the policy for malformed input, and character classes
 * taken from utf8proc (no Unicode tables of our own). */
#ifndef NLP_UTF8_H
#define NLP_UTF8_H

#include <stddef.h>
#include <stdint.h>

#include <utf8proc.h>

#include "base/buf.h"

enum utf8_policy {
	UTF8_REPLACE, /* each byte that starts no valid sequence becomes U+FFFD */
	UTF8_SKIP,    /* such bytes are dropped */
	UTF8_FAIL     /* the first one is an error */
};

/* The policies' names, indexed by enum utf8_policy and NULL-terminated (for opt_choice). */
extern const char *const utf8_policy_names[];

/* Length of the longest valid UTF-8 prefix of s[0..n) (Unicode's definition: no overlong forms,
 * no surrogates, nothing above U+10FFFF). */
size_t utf8_valid_prefix(const char *s, size_t n);

/* Applies the policy to s[0..n). Returns s itself when it is valid; otherwise writes the repaired
 * text to tmp (reset first) and returns tmp->p, or returns NULL under UTF8_FAIL. *nbad counts the
 * bad bytes found, *len receives the length of the result. */
const char *utf8_clean(const char *s, size_t n, enum utf8_policy policy, struct buf *tmp,
                       size_t *len, uint64_t *nbad);

/* Decodes one code point from valid UTF-8 (as utf8_clean leaves it); returns its byte length. */
static inline int utf8_decode(const char *s, int32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;

	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if (u[0] < 0xE0) {
		*cp = ((int32_t)(u[0] & 0x1F) << 6) | (u[1] & 0x3F);
		return 2;
	}
	if (u[0] < 0xF0) {
		*cp = ((int32_t)(u[0] & 0x0F) << 12) | ((int32_t)(u[1] & 0x3F) << 6) | (u[2] & 0x3F);
		return 3;
	}
	*cp = ((int32_t)(u[0] & 0x07) << 18) | ((int32_t)(u[1] & 0x3F) << 12) |
	      ((int32_t)(u[2] & 0x3F) << 6) | (u[3] & 0x3F);
	return 4;
}

/* Start of the code point that ends right before s[i] (i > 0), in valid UTF-8. */
static inline size_t utf8_prev(const char *s, size_t i)
{
	do
		i--;
	while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80);
	return i;
}

/* Length of the UTF-8 sequence a valid lead byte starts. */
static inline int utf8_seqlen(unsigned char lead)
{
	return lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
}

/* Encodes cp into s (room for 4 bytes); returns the byte count. */
int utf8_encode(int32_t cp, char *s);

/* Hangul syllables and conjoining jamo: the algorithmic constants of Unicode chapter 3.12. */
#define HANGUL_SBASE 0xAC00
#define HANGUL_LBASE 0x1100
#define HANGUL_VBASE 0x1161
#define HANGUL_TBASE 0x11A7
#define HANGUL_LCOUNT 19
#define HANGUL_VCOUNT 21
#define HANGUL_TCOUNT 28
#define HANGUL_NCOUNT (HANGUL_VCOUNT * HANGUL_TCOUNT)
#define HANGUL_SCOUNT (HANGUL_LCOUNT * HANGUL_NCOUNT)

/* True for a precomposed Hangul syllable, U+AC00 to U+D7A3. */
static inline int utf8_is_hangul_syllable(int32_t c)
{
	return c >= HANGUL_SBASE && c < HANGUL_SBASE + HANGUL_SCOUNT;
}

/* CJK unified and compatibility ideographs (blocks of the Unicode standard). */
static inline int utf8_is_ideograph(int32_t c)
{
	return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
	       (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3FFFF);
}

/* White_Space as Unicode defines it: category Zs, Zl, Zp and the ASCII/C1 controls it names. */
static inline int utf8_is_space(int32_t c)
{
	if (c < 0x80)
		return c == ' ' || (c >= 0x09 && c <= 0x0D);
	if (c == 0x85)
		return 1;
	utf8proc_category_t k = utf8proc_category(c);
	return k == UTF8PROC_CATEGORY_ZS || k == UTF8PROC_CATEGORY_ZL || k == UTF8PROC_CATEGORY_ZP;
}

/* The end of s[0..n) (valid UTF-8) once the characters at its end for which is_space holds are
 * trimmed off: n when there are none, 0 when all are. */
static inline size_t utf8_trim_end(const char *s, size_t n, int (*is_space)(int32_t))
{
	while (n > 0) {
		size_t p = utf8_prev(s, n);
		int32_t c;

		utf8_decode(s + p, &c);
		if (!is_space(c))
			break;
		n = p;
	}
	return n;
}

/* True for Unicode punctuation: the categories Pc, Pd, Ps, Pe, Pi, Pf and Po. */
static inline int utf8_is_punct(int32_t c)
{
	utf8proc_category_t k = utf8proc_category(c);
	return k >= UTF8PROC_CATEGORY_PC && k <= UTF8PROC_CATEGORY_PO;
}

/* True for a combining mark: the categories Mn, Mc and Me. */
static inline int utf8_is_mark(int32_t c)
{
	utf8proc_category_t k = utf8proc_category(c);
	return k == UTF8PROC_CATEGORY_MN || k == UTF8PROC_CATEGORY_MC || k == UTF8PROC_CATEGORY_ME;
}

#endif
