/* opt.h: what every program's option handling shares: the version, --help/usage output, and
 * long option ids for options without a short form. */
#ifndef NLP_OPT_H
#define NLP_OPT_H

#include <stddef.h>

#ifndef NLP_VERSION
#define NLP_VERSION "0.0"
#endif

enum {
	OPT_INVALID = 256,
	OPT_PROGRESS,
	OPT_VERSION,
	OPT_FIRST_PRIVATE /* programs number their own long-only options from here */
};

/* Prints "usage: SYNOPSIS" to stderr and exits EXIT_USAGE. */
void usage_error(const char *synopsis) __attribute__((noreturn));
/* Prints "usage: SYNOPSIS", a blank line and the option help to stdout and exits 0. */
void usage_help(const char *synopsis, const char *help) __attribute__((noreturn));
/* Prints "PROG VERSION" and exits 0. */
void print_version(void) __attribute__((noreturn));
/* --invalid's value as an enum utf8_policy, through opt_choice (which exits EXIT_USAGE on a
 * word that is not a policy). */
int opt_policy(const char *arg);

/* A numeric option's value in [min, max], or "PROG: OPT: value 'S' is invalid|too small|too
 * large (expected MIN..MAX)" on stderr and exit EXIT_USAGE. */
long long estrtonum(const char *s, long long min, long long max, const char *opt);
double estrtod(const char *s, double min, double max, const char *opt);

/* The index of arg among words (NULL-terminated), or "PROG: OPT: 'ARG' is not A, B or C" on
 * stderr and exit EXIT_USAGE. Every option that takes one word of a fixed list uses it. */
int opt_choice(const char *opt, const char *arg, const char *const *words);

#define OPT_MEMORY_MIN ((size_t)1 << 20)

/* Parses option opt's size: bytes with an optional K, M, G or T suffix (powers of 1024), at
 * least min; "PROG: OPT: ..." on stderr and exit EXIT_USAGE on anything else. */
size_t opt_size(const char *opt, const char *arg, size_t min);
/* A --memory size: opt_size("--memory", arg, OPT_MEMORY_MIN). */
size_t opt_memory(const char *arg);
/* The default memory budget of counting stages: a quarter of the physical memory. */
size_t opt_memory_default(void);
/* The physical memory in bytes (4 GB when the system does not say). */
size_t opt_memory_physical(void);

#endif
