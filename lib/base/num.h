/* num.h: range-checked number parsing for options (never atoi). */
#ifndef NLP_NUM_H
#define NLP_NUM_H

/* Parse a whole decimal integer in [min, max]. Returns 0 on success, or -1 with *why set to
 * "invalid", "too small" or "too large". */
int num_parse_ll(const char *s, long long min, long long max, long long *out, const char **why);
/* The same for a finite decimal number in [min, max]. */
int num_parse_double(const char *s, double min, double max, double *out, const char **why);

#endif
