/* error.h: the one way library modules report failure. A function that can fail returns a
 * negative value (-1, or a module's negative code) and fills the struct error its caller passed
 * with what went wrong; it prints nothing and never exits. The program decides what to do: the
 * programs' helpers in cli/err.h print "PROG: " and error_str()'s text. A module that needs to
 * tell failures apart (the matrix reader's MAT_E* codes) puts its code in `code`. */
#ifndef NLP_ERROR_H
#define NLP_ERROR_H

#include <stddef.h>
#include <stdint.h>

#define ERROR_MSG_MAX 256

struct error {
	int code;          /* the module's negative code, or -1 */
	int errnum;        /* errno of a failed system call or allocation, appended as ": reason"; 0 */
	const char *name;  /* the file or stream the error is about, or NULL: "NAME: " first */
	uint64_t line;     /* the line (or record) it is about, from 1; 0: "line N: " is left out */
	char msg[ERROR_MSG_MAX]; /* what failed, without the name and the system's reason */
};

/* Fills e (when not NULL) and returns code. errnum is an errno value or 0; name and line as in
 * struct error; msg is a printf format. */
int error_set(struct error *e, int code, int errnum, const char *name, uint64_t line,
              const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* The usual case of a failed system call: error_set(e, -1, errno, name, 0, fmt, ...). */
int error_sys(struct error *e, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Bad contents: error_set(e, -1, 0, name, line, fmt, ...). */
int error_bad(struct error *e, const char *name, uint64_t line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Writes "NAME: line N: MSG: REASON" (each part only where it is set) into buf[cap] and returns
 * buf. */
const char *error_str(const struct error *e, char *buf, size_t cap);

#endif
