/* fds.c: raising the soft limit on open file descriptors. */
#include <errno.h>
#include <sys/resource.h>

#include "base/fds.h"

int fds_raise_limit(size_t n)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -1;
	if (rl.rlim_cur >= n + FDS_SPARE)
		return 0;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			return -1;
	}
	if (rl.rlim_cur < n + FDS_SPARE) {
		errno = EMFILE;
		return -1;
	}
	return 0;
}
