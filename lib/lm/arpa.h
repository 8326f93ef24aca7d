/* arpa.h: the number parser of the ARPA reader (lm/arpa.c), on its own for the tests that
 * compare it with strtof. */
#ifndef NLP_LM_ARPA_H
#define NLP_LM_ARPA_H

/* Parses the decimal number at s[0..end): an optional sign, digits with an optional fraction
 * and exponent ("-1.25", "-7e-05", "0", "-99"), or inf, infinity, nan (any case, signed). At
 * most 19 significant digits count (the rest are cut off). The result is the double nearest to
 * them times an exact power of ten (exponents within +-22), rounded to float: the float nearest
 * the number, or its neighbour in rare double-rounding cases (within 1 unit in the last place,
 * as tests/test-lib.c measures against strtof). Returns the end of the number, or NULL when s
 * does not start with one. */
const char *lm_parse_float(const char *s, const char *end, float *out);

#endif
