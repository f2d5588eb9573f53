/* The mixed workload's kernels (list, matrix, state machine, CRC).  Pure
 * C with no runtime calls, so the same file also compiles on the host to
 * cross-check the expected checksum. */
#ifndef ATOLL_BENCH_MIXED_H
#define ATOLL_BENCH_MIXED_H

#include <stdint.h>

/* Run every kernel once on inputs derived from `seed`; returns a digest
 * that depends on every result. */
uint32_t mixed_round(uint32_t seed);

/* Bitwise CRCs: CRC-16/CCITT (poly 0x1021) and CRC-32 (reflected
 * 0xEDB88320), continuing from `crc`. */
uint16_t mixed_crc16(uint16_t crc, const uint8_t *p, unsigned n);
uint32_t mixed_crc32(uint32_t crc, const uint8_t *p, unsigned n);

#endif
