/* num.c: range-checked parsing of integers and reals given as option values. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "err.h"
#include "num.h"

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

long long estrtonum(const char *s, long long min, long long max, const char *opt)
{
	const char *why;
	long long v;

	if (num_parse_ll(s, min, max, &v, &why) < 0) {
		fprintf(stderr, "%s: %s: value '%s' is %s (expected %lld..%lld)\n", argv0, opt, s, why,
		        min, max);
		exit(EXIT_USAGE);
	}
	return v;
}

double estrtod(const char *s, double min, double max, const char *opt)
{
	const char *why;
	double v;

	if (num_parse_double(s, min, max, &v, &why) < 0) {
		fprintf(stderr, "%s: %s: value '%s' is %s (expected %g..%g)\n", argv0, opt, s, why, min,
		        max);
		exit(EXIT_USAGE);
	}
	return v;
}
