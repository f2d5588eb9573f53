/* The cmark workload's kernels (bytecode interpreter, hash table, heap
 * sort, base64 with Fletcher).  Pure C with no runtime calls, so the same
 * file also compiles on the host to cross-check the expected checksum. */
#ifndef ATOLL_BENCH_CMARK_H
#define ATOLL_BENCH_CMARK_H

#include <stdint.h>

/* Run every kernel once on inputs derived from `seed`; returns a digest
 * that depends on every result. */
uint32_t cmark_round(uint32_t seed);

#endif
