/* fds.h: the process's limit on open file descriptors, for the stages that hold many files open
 * at once (nlp-mat --sum reads every shard together; so will a merge of many count files). */
#ifndef NLP_FDS_H
#define NLP_FDS_H

#include <stddef.h>

#define FDS_SPARE 16 /* descriptors kept for the standard streams, outputs and temporary files */

/* Lifts the soft limit on open files to the hard one when it is below n + FDS_SPARE. Returns 0
 * when the soft limit now leaves room for that many, else -1 (errno set by getrlimit or
 * setrlimit, or EMFILE when the hard limit itself is lower). Opening too many files later fails
 * with EMFILE all the same, so a caller may go on without checking. */
int fds_raise_limit(size_t n);

#endif
