/* The echo back-end's per-pass logic, exposed for the fuzz target
 * (tests/fuzz/fuzz_echoback.c) so that it drives the real code with a
 * hostile ring.  Not for other callers. */
#ifndef ATOLL_IO_ECHOBACK_INTERNAL_H
#define ATOLL_IO_ECHOBACK_INTERNAL_H

#include <pthread.h>

#include "atoll/abi/echo.h"
#include "io/pvdev.h"

#define ECHOBACK_BUDGET 256 /* requests per pass: bound the work */

struct echoback {
	struct echo_back ring;
	struct pvdev_stats st;
};

/* Answer up to ECHOBACK_BUDGET requests of dev's ring (see echoback.c). */
long echoback_pass(struct pvdev *dev, struct echoback *eb);

#endif
