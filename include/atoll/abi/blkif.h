/* Block device requests on a shared ring (Xen blkif, byte-compatible).
 *
 * A request names up to 11 segments; each is a granted frame and an
 * inclusive range of 512-byte sectors inside it.  sector_number counts
 * 512-byte sectors on the virtual disk.  The response echoes id and
 * operation.  Flush completes only when every write acknowledged before it
 * is durable. */
#ifndef ATOLL_ABI_BLKIF_H
#define ATOLL_ABI_BLKIF_H

#include <stdint.h>

#include "atoll/abi/grant_table.h"
#include "atoll/abi/ring.h"

typedef uint16_t blkif_vdev_t;
typedef uint64_t blkif_sector_t;

#define BLKIF_OP_READ 0
#define BLKIF_OP_WRITE 1
#define BLKIF_OP_FLUSH_DISKCACHE 3
#define BLKIF_OP_DISCARD 5

#define BLKIF_MAX_SEGMENTS_PER_REQUEST 11
#define BLKIF_SECTOR_SIZE 512

struct blkif_request_segment {
	grant_ref_t gref;
	uint8_t first_sect, last_sect; /* within the frame, inclusive */
};

struct blkif_request {
	uint8_t operation; /* BLKIF_OP_* */
	uint8_t nr_segments;
	blkif_vdev_t handle;
	uint64_t id; /* the guest's, echoed in the response */
	blkif_sector_t sector_number;
	struct blkif_request_segment seg[BLKIF_MAX_SEGMENTS_PER_REQUEST];
};

/* The same slot when operation == BLKIF_OP_DISCARD. */
struct blkif_request_discard {
	uint8_t operation;
	uint8_t flag;
	blkif_vdev_t handle;
	uint64_t id;
	blkif_sector_t sector_number;
	uint64_t nr_sectors;
};

struct blkif_response {
	uint64_t id;
	uint8_t operation;
	int16_t status; /* BLKIF_RSP_* */
};

#define BLKIF_RSP_EOPNOTSUPP -2
#define BLKIF_RSP_ERROR -1
#define BLKIF_RSP_OKAY 0

ATOLL_RING_DEFINE(blkif, struct blkif_request, struct blkif_response)

#endif
