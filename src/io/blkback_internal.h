/* The block back-end's per-pass logic, exposed for the fuzz target
 * (tests/fuzz/fuzz_blkback.c) so that it drives the real code with a
 * hostile ring rather than a copy of it.  Not for other callers. */
#ifndef ATOLL_IO_BLKBACK_INTERNAL_H
#define ATOLL_IO_BLKBACK_INTERNAL_H

#include <pthread.h>
#include <sys/uio.h>

#include "atoll/abi/blkif.h"
#include "io/blkback.h"
#include "io/disk.h"
#include "io/grant.h"
#include "io/pvdev.h"

#define BLKBACK_BUDGET 64 /* requests per pass: bound the work */
#define BLKBACK_MERGE 16 /* requests merged into one vectored disk call */
#define BLKBACK_MERGE_SEGS (BLKBACK_MERGE * BLKIF_MAX_SEGMENTS_PER_REQUEST)

/* Consecutive reads (or writes) of one pass, each starting where the one
 * before ended on disk, with their grants mapped: one preadv/pwritev. */
struct blkback_batch {
	unsigned nreq, nseg;
	bool write;
	uint64_t off, end; /* bytes on disk: [off, end) */
	uint64_t id[BLKBACK_MERGE];
	uint8_t op[BLKBACK_MERGE];
	uint64_t len[BLKBACK_MERGE];
	struct grant_mapping map[BLKBACK_MERGE_SEGS];
	struct iovec iov[BLKBACK_MERGE_SEGS];
};

struct blkback {
	struct blkif_back ring;
	struct disk *disk;
	struct pvdev_stats st;
	unsigned unpushed; /* responses not yet published */
	struct blkback_batch batch;
};

/* Serve up to BLKBACK_BUDGET requests from dev's ring (see blkback.c). */
long blkback_pass(struct pvdev *dev, struct blkback *bb);

#endif
