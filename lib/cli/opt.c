/* opt.c: usage, help and version output common to all programs. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/err.h"
#include "base/io.h"
#include "base/num.h"
#include "cli/opt.h"
#include "text/utf8.h"

void usage_error(const char *synopsis)
{
	fprintf(stderr, "usage: %s\n", synopsis);
	exit(EXIT_USAGE);
}

void usage_help(const char *synopsis, const char *help)
{
	printf("usage: %s\n\n%s", synopsis, help);
	exit(fflush(stdout) == 0 ? 0 : EXIT_RUNTIME);
}

void print_version(void)
{
	printf("%s %s\n", argv0, NLP_VERSION);
	exit(fflush(stdout) == 0 ? 0 : EXIT_RUNTIME);
}

int opt_policy(const char *arg)
{
	return opt_choice("--invalid", arg, utf8_policy_names);
}

int opt_choice(const char *opt, const char *arg, const char *const *words)
{
	size_t n = 0;

	for (; words[n]; n++)
		if (strcmp(arg, words[n]) == 0)
			return (int)n;
	fprintf(stderr, "%s: %s: '%s' is not ", argv0, opt, arg);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ", words[i]);
	fputc('\n', stderr);
	exit(EXIT_USAGE);
}

size_t opt_size(const char *opt, const char *arg, size_t min)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (end != arg && *end && !end[1]) {
		const char *units = "KMGT", *u = strchr(units, *end);

		shift = u ? 10 * (int)(u - units + 1) : -1;
		end++;
	}
	if (end == arg || *end || errno || shift < 0 || *arg == '-' ||
	    (shift && v > (SIZE_MAX >> shift))) {
		fprintf(stderr, "%s: %s: '%s' is not a size (a number of bytes with an optional K, "
		        "M, G or T)\n", argv0, opt, arg);
		exit(EXIT_USAGE);
	}
	v <<= shift;
	if (v < min) {
		fprintf(stderr, "%s: %s: '%s' is below the least budget, %zu%s\n", argv0, opt, arg,
		        min >= (1 << 20) ? min >> 20 : min, min >= (1 << 20) ? "M" : "");
		exit(EXIT_USAGE);
	}
	return (size_t)v;
}

size_t opt_memory(const char *arg)
{
	return opt_size("--memory", arg, OPT_MEMORY_MIN);
}

size_t opt_memory_physical(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);

	if (pages <= 0 || size <= 0)
		return (size_t)4 << 30;
	return (size_t)pages * (size_t)size;
}

size_t opt_memory_default(void)
{
	return opt_memory_physical() / 4;
}

long long estrtonum(const char *s, long long min, long long max, const char *opt)
{
	struct error e;
	long long v;

	if (num_parse_ll(s, min, max, &v, &e) < 0) {
		e.name = opt;
		weprint_error(&e);
		exit(EXIT_USAGE);
	}
	return v;
}

double estrtod(const char *s, double min, double max, const char *opt)
{
	struct error e;
	double v;

	if (num_parse_double(s, min, max, &v, &e) < 0) {
		e.name = opt;
		weprint_error(&e);
		exit(EXIT_USAGE);
	}
	return v;
}
