/* err.h: the program's name, messages and exits (only programs exit; library modules return
 * codes). */
#ifndef NLP_ERR_H
#define NLP_ERR_H

#include <stddef.h>

#include "base/error.h"
#include "base/mem.h" /* emalloc and its kin, which programs use with these */

#define EXIT_RUNTIME 1 /* bad input, I/O error, out of memory */
#define EXIT_USAGE 2   /* bad options or arguments */

extern const char *argv0; /* "nlp-normalize": set by prog_init() */

/* Sets argv0, the name every message starts with (name is kept, not copied). */
void prog_init(const char *name);

/* Print "argv0: message" to stderr; a format ending in ':' appends ": strerror(errno)". */
void weprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* As weprintf, then exit(EXIT_RUNTIME). */
void eprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Print "argv0: " and error_str(e); the second then exits EXIT_RUNTIME. */
void weprint_error(const struct error *e);
void eprint_error(const struct error *e) __attribute__((noreturn));

#endif
