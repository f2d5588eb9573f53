/* The PV block back-end (blkback.c): its counters, per device. */
#ifndef ATOLL_IO_BLKBACK_H
#define ATOLL_IO_BLKBACK_H

#include <stdint.h>

struct pvdev;

struct blkback_stats {
	uint64_t requests; /* answered */
	uint64_t errors; /* answered with a status other than OKAY */
	uint64_t notifies; /* events sent to the front-end */
	uint64_t wakeups; /* events received from it */
	uint64_t passes;
};

/* A snapshot (racy by a few counts while the thread runs). */
void blkback_get_stats(const struct pvdev *dev, struct blkback_stats *st);

#endif
