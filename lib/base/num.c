/* num.c: range-checked parsing of integers and reals given as option values. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>

#include "base/num.h"

/* Fills e for s, which is `why` (invalid, too small, ...) for the range [min, max]. */
static int bad_ll(struct error *e, const char *s, const char *why, long long min, long long max)
{
	return error_bad(e, NULL, 0, "value '%s' is %s (expected %lld..%lld)", s, why, min, max);
}

static int bad_double(struct error *e, const char *s, const char *why, double min, double max)
{
	return error_bad(e, NULL, 0, "value '%s' is %s (expected %g..%g)", s, why, min, max);
}

int num_parse_ll(const char *s, long long min, long long max, long long *out, struct error *e)
{
	char *end;
	long long v;

	errno = 0;
	if (!s || !*s)
		return bad_ll(e, s ? s : "", "invalid", min, max);
	v = strtoll(s, &end, 10);
	if (end == s || *end != '\0')
		return bad_ll(e, s, "invalid", min, max);
	if ((errno == ERANGE && v == LLONG_MIN) || v < min)
		return bad_ll(e, s, "too small", min, max);
	if ((errno == ERANGE && v == LLONG_MAX) || v > max)
		return bad_ll(e, s, "too large", min, max);
	*out = v;
	return 0;
}

int num_parse_double(const char *s, double min, double max, double *out, struct error *e)
{
	char *end;
	double v;

	errno = 0;
	if (!s || !*s)
		return bad_double(e, s ? s : "", "invalid", min, max);
	v = strtod(s, &end);
	if (end == s || *end != '\0' || isnan(v))
		return bad_double(e, s, "invalid", min, max);
	if (v < min)
		return bad_double(e, s, "too small", min, max);
	if (v > max || errno == ERANGE)
		return bad_double(e, s, v > max ? "too large" : "out of range", min, max);
	*out = v;
	return 0;
}
