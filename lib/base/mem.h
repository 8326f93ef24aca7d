/* mem.h: allocation that ends the program with a message and exit status MEM_EXIT when memory
 * runs out (see mem.c for why this is the one exit below lib/cli/); never returns NULL. */
#ifndef NLP_MEM_H
#define NLP_MEM_H

#include <stddef.h>

#define MEM_EXIT 1 /* = EXIT_RUNTIME */

/* malloc, calloc, realloc and strdup that never return NULL; the caller frees with free(). */
void *emalloc(size_t n);
void *ecalloc(size_t n, size_t size);
void *erealloc(void *p, size_t n);
char *estrdup(const char *s);

#endif
