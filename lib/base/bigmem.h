/* bigmem.h: zeroed memory for large hash tables, mapped directly and backed by transparent huge
 * pages where the kernel offers them (fewer page faults and TLB misses on random access). */
#ifndef NLP_BIGMEM_H
#define NLP_BIGMEM_H

#include <stddef.h>

/* Returns zeroed memory of the given size, or NULL. */
void *bigmem_alloc(size_t bytes);
/* Frees what bigmem_alloc returned for the same size (NULL is ignored). */
void bigmem_free(void *p, size_t bytes);

#endif
