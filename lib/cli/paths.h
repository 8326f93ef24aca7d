/* paths.h: where the running program lives and where its data files are, so that the build tree
 * works before `make install` and an installed tree works after it. */
#ifndef NLP_PATHS_H
#define NLP_PATHS_H

/* Directory of the running executable (from /proc/self/exe), or NULL. Caller frees. */
char *paths_exe_dir(void);
/* First existing file among $NLP_DATADIR/rel, EXE_DIR/../share/nlp/rel and NLP_DATADIR_DEFAULT/rel
 * (the install prefix's share/nlp). Returns a path the caller frees, or NULL. */
char *paths_data(const char *rel);

#endif
