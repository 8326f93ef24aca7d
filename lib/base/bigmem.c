/* bigmem.c: mmap for large zeroed blocks, calloc for small ones. */
#include <stdlib.h>
#include <sys/mman.h>

#include "base/bigmem.h"

#define BIG_MIN ((size_t)1 << 21) /* one huge page: below it, calloc */

void *bigmem_alloc(size_t bytes)
{
	void *p;

	if (bytes < BIG_MIN)
		return calloc(1, bytes ? bytes : 1);
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
#ifdef MADV_HUGEPAGE
	madvise(p, bytes, MADV_HUGEPAGE);
#endif
	return p;
}

void bigmem_free(void *p, size_t bytes)
{
	if (!p)
		return;
	if (bytes < BIG_MIN)
		free(p);
	else
		munmap(p, bytes);
}
