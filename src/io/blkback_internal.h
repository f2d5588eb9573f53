/* The block back-end's per-pass logic, exposed for the fuzz target
 * (tests/fuzz/fuzz_blkback.c) so that it drives the real code with a
 * hostile ring rather than a copy of it.  Not for other callers. */
#ifndef ATOLL_IO_BLKBACK_INTERNAL_H
#define ATOLL_IO_BLKBACK_INTERNAL_H

#include <pthread.h>

#include "atoll/abi/blkif.h"
#include "io/blkback.h"
#include "io/disk.h"
#include "io/pvdev.h"

#define BLKBACK_BUDGET 64 /* requests per pass: bound the work */

struct blkback {
	pthread_t thread;
	struct blkif_back ring;
	struct disk *disk;
	struct blkback_stats st;
};

/* Serve up to BLKBACK_BUDGET requests from dev's ring (see blkback.c). */
long blkback_pass(struct pvdev *dev, struct blkback *bb);

#endif
