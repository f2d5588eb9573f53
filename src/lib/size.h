/* Sizes as people write and read them (docs/config.md "Sizes").
 *
 * Written: digits with an optional unit, as xl.cfg and QEMU's -m read
 * them: a bare number is MiB; K, M, G, T are powers of 1024 (either case,
 * optionally followed by "B" or "iB"); "B" alone is bytes.  Read: MiB
 * below 1 GiB, GiB above, always with the unit. */
#ifndef ATOLL_LIB_SIZE_H
#define ATOLL_LIB_SIZE_H

#include <stddef.h>
#include <stdint.h>

/* What a bad size is told in one line, after the value itself. */
#define SIZE_HINT "a size is a number of MiB, or a number with K, M, G or T"

/* Parse s into *out bytes: 0, -EINVAL (not a size: no digits, an unknown
 * unit, trailing text) or -ERANGE (more than 2^53 bytes, the most a JSON
 * number carries exactly). */
int size_parse(const char *s, uint64_t *out);

/* "512 MiB", "12.5 MiB", "1.5 GiB", "0 MiB": bytes for people, one decimal
 * unless exact.  Returns buf (at least SIZE_BUF bytes). */
#define SIZE_BUF 24
const char *size_format(uint64_t bytes, char *buf);

#endif
