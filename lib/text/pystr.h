/* pystr.h: Python 3's string rules where our output must agree with a Python tool's: str.isspace()
 * (also re's \s and str.split()), re's \w on str patterns, str.lower() and str.upper() with
 * Unicode's full case mappings, str.strip() and str.split(). scikit-learn's analyzer
 * (tokenize_sklearn) and gensim's benchmarks (nlp-similar) use them. Character classes come from
 * utf8proc's tables, so code points assigned after Python's own Unicode version may differ (see
 * pystr.c). The class tests are static inline: they sit on tokenizers' hot paths. */
#ifndef NLP_PYSTR_H
#define NLP_PYSTR_H

#include <stddef.h>
#include <stdint.h>

#include <utf8proc.h>

#include "base/buf.h"

/* Python's str.isspace() of one code point, Python's \s and what str.split() splits at: Python
 * defines it as bidirectional class WS, B or S, or category Zs, which comes to the ASCII space,
 * 9-13 and 0x1C-0x1F, U+0085, and categories Zs, Zl and Zp. Returns 1 or 0; 0 for c < 0 (a byte
 * that starts no valid sequence). */
static inline int pystr_isspace(int32_t c)
{
	utf8proc_category_t k;

	if (c < 0x80)
		return c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F);
	if (c == 0x85)
		return 1;
	k = utf8proc_category(c);
	return k == UTF8PROC_CATEGORY_ZS || k == UTF8PROC_CATEGORY_ZL || k == UTF8PROC_CATEGORY_ZP;
}

/* Python's \w on str patterns: str.isalnum() or '_', which is exactly the letters (L*) and the
 * numbers (N*); combining marks are not word characters. Returns 1 or 0. */
static inline int pystr_isword(int32_t c)
{
	if (c < 0x80)
		return (c | 0x20) >= 'a' && (c | 0x20) <= 'z' ? 1 : (c >= '0' && c <= '9') || c == '_';
	switch (utf8proc_category(c)) {
	case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL: case UTF8PROC_CATEGORY_NO:
		return 1;
	default:
		return 0;
	}
}

/* Python's \d on str patterns (str.isdecimal()): category Nd. Returns 1 or 0. */
static inline int pystr_isdigit(int32_t c)
{
	if (c < 0x80)
		return c >= '0' && c <= '9';
	return utf8proc_category(c) == UTF8PROC_CATEGORY_ND;
}

/* pystr_lower beyond ASCII (call pystr_lower): returns 1 or 2 as it does. */
int pystr_lower_slow_(const char *s, size_t n, size_t i, int32_t c, int32_t lc[2]);

/* Python's str.lower() of the code point c at s[i] of the valid UTF-8 s[0..n): its full lower-case
 * mapping (U+0130 gives two code points, U+03A3 the final sigma where Final_Sigma holds), written
 * to lc. Returns how many code points: 1 or 2. */
static inline int pystr_lower(const char *s, size_t n, size_t i, int32_t c, int32_t lc[2])
{
	if (c < 0x80) {
		lc[0] = c >= 'A' && c <= 'Z' ? c + 32 : c;
		return 1;
	}
	return pystr_lower_slow_(s, n, i, c, lc);
}

/* Appends Python's str.upper() of s[0..n) to b: the full case mapping of Unicode ('ß' becomes
 * "SS"); bytes that are not UTF-8 stay as they are. */
void pystr_upper(struct buf *b, const char *s, size_t n);

/* Python's str.strip() of s[0..n): sets s[*from .. *to) to the text without the white space
 * around (*from == *to == n when all is white space). */
void pystr_strip(const char *s, size_t n, size_t *from, size_t *to);

/* Python's str.split() of s[0..n) into at most max words: their starts in w[], their lengths in
 * len[] (pointers into s). Returns how many there are, max + 1 when there are more. */
size_t pystr_split(const char *s, size_t n, const char **w, size_t *len, size_t max);

#endif
