/* lmbin.h: the binary form of an n-gram model (lm/lmbin.c; nlp-arpa(5) describes it for
 * users). Little-endian, a header written field by field, then the model's own tables written
 * raw, so that loading is one read and a pass of checks:
 *
 *   offset  size  field
 *        0     8  magic "NLPLMBIN"
 *        8     4  version (1)
 *       12     4  byte-order mark 0x01020304 (the bytes 04 03 02 01)
 *       16     4  header size in bytes (320)
 *       20     4  order N, 1 .. LM_MAX_ORDER
 *       24     4  key hash: 1 (lm_key of lm/model.h)
 *       28     4  flags: bit 0 <unk> was added to a file without it (LM_FLAG_UNK_ADDED)
 *       32     8  bytes of the word table
 *       40    24  reserved, 0
 *       64   240  for each order n = 1 .. 15: its n-grams (u64) and its slots (u64): for n = 1
 *                 the words V (1 .. LM_MAX_WORDS - 1) and 0; for 2 <= n <= N, n-grams up to
 *                 LM_MAX_NGRAMS and more slots than n-grams (up to LMBIN_MAX_SLOTS); above N,
 *                 0 and 0
 *      304    16  reserved, 0
 *      320        the word table: per word in id order, its length (u32, >= 1) and its bytes
 *                 (valid UTF-8, no blank or newline, no word twice); <s>, </s> and <unk> are
 *                 among the words
 *                 zeros up to a multiple of 64 bytes
 *                 the 1-grams: V times (log10 p, log10 back-off) as float32
 *                 then for each order n = 2 .. N: zeros up to a multiple of 64 bytes, and the
 *                 table: slots times (key u64, log10 p float32, log10 back-off float32), a key
 *                 0 with both values 0 for an empty slot
 *
 * and nothing after the last table. A log10 p is <= 0 or -inf, a back-off weight finite; each
 * key sits where lm_table_find looks for it (the linear probe from its home slot meets no empty
 * slot first), and no key comes twice. */
#ifndef NLP_LM_LMBIN_H
#define NLP_LM_LMBIN_H

#include <stdint.h>

#define LMBIN_MAGIC "NLPLMBIN"
#define LMBIN_MAGIC_LEN 8
#define LMBIN_VERSION 1
#define LMBIN_HEADER 320
#define LMBIN_HASH 1
#define LMBIN_ALIGN 64
#define LMBIN_MAX_SLOTS ((uint64_t)1 << 38)

#endif
