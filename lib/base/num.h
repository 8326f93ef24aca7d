/* num.h: range-checked number parsing for options (never atoi). */
#ifndef NLP_NUM_H
#define NLP_NUM_H

#include "base/error.h"

/* Parses a whole decimal integer in [min, max] into *out. Returns 0, or -1 with e filled:
 * "value 'S' is invalid", "is too small" or "is too large", then "(expected MIN..MAX)"; no name
 * (the caller sets e->name, the option's). */
int num_parse_ll(const char *s, long long min, long long max, long long *out, struct error *e);
/* The same for a finite decimal number in [min, max]; "is out of range" when it overflows a
 * double; the bounds are written as %g writes them. */
int num_parse_double(const char *s, double min, double max, double *out, struct error *e);

#endif
