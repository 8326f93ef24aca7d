/* num.c: range-checked parsing of integers and reals given as option values. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>

#include "base/num.h"

int num_parse_ll(const char *s, long long min, long long max, long long *out, const char **why)
{
	char *end;
	long long v;

	errno = 0;
	if (!s || !*s) {
		*why = "invalid";
		return -1;
	}
	v = strtoll(s, &end, 10);
	if (end == s || *end != '\0') {
		*why = "invalid";
		return -1;
	}
	if ((errno == ERANGE && v == LLONG_MIN) || v < min) {
		*why = "too small";
		return -1;
	}
	if ((errno == ERANGE && v == LLONG_MAX) || v > max) {
		*why = "too large";
		return -1;
	}
	*out = v;
	return 0;
}

int num_parse_double(const char *s, double min, double max, double *out, const char **why)
{
	char *end;
	double v;

	errno = 0;
	if (!s || !*s) {
		*why = "invalid";
		return -1;
	}
	v = strtod(s, &end);
	if (end == s || *end != '\0' || isnan(v)) {
		*why = "invalid";
		return -1;
	}
	if (v < min) {
		*why = "too small";
		return -1;
	}
	if (v > max || errno == ERANGE) {
		*why = v > max ? "too large" : "out of range";
		return -1;
	}
	*out = v;
	return 0;
}
