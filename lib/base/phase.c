/* phase.c: the installed display of progress, if any. */
#include <stddef.h>

#include "base/phase.h"

static const struct phase_hook *hook;

void phase_install(const struct phase_hook *h)
{
	hook = h;
}

void phase_begin(const char *name, uint64_t total, const char *unit)
{
	if (hook)
		hook->begin(name, total, unit);
}

void phase_step(uint64_t done)
{
	if (hook)
		hook->step(done);
}
