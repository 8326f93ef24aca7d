/* error.c: filling and formatting struct error. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"

static int error_vset(struct error *e, int code, int errnum, const char *name, uint64_t line,
                      const char *fmt, va_list ap)
{
	if (!e)
		return code;
	e->code = code;
	e->errnum = errnum;
	e->name = name;
	e->line = line;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	return code;
}

int error_set(struct error *e, int code, int errnum, const char *name, uint64_t line,
              const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_vset(e, code, errnum, name, line, fmt, ap);
	va_end(ap);
	return code;
}

int error_sys(struct error *e, const char *name, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	error_vset(e, -1, saved, name, 0, fmt, ap);
	va_end(ap);
	errno = saved;
	return -1;
}

int error_bad(struct error *e, const char *name, uint64_t line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	error_vset(e, -1, 0, name, line, fmt, ap);
	va_end(ap);
	return -1;
}

const char *error_str(const struct error *e, char *buf, size_t cap)
{
	size_t n = 0;

#define PUT(...) (n += (size_t)snprintf(buf + (n < cap ? n : cap), n < cap ? cap - n : 0, __VA_ARGS__))
	if (cap == 0)
		return buf;
	buf[0] = '\0';
	if (e->name)
		PUT("%s: ", e->name);
	if (e->line)
		PUT("line %llu: ", (unsigned long long)e->line);
	PUT("%s", e->msg);
	if (e->errnum)
		PUT(": %s", strerror(e->errnum));
#undef PUT
	return buf;
}
