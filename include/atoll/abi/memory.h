/* memory_op: a guest gives frames back, takes them again, and tells atoll
 * how it is doing.  XENMEM_* operations keep Xen's numbers, structures and
 * semantics (for an auto-translated guest: the guest names guest frame
 * numbers; atoll finds machine frames for them).
 *
 * Guest frame numbers are guest-physical address >> 12 (RAM starts at gfn
 * 0x80000).  At most ATOLL_MEMOP_MAX_EXTENTS extents per call; a call that
 * fails part-way returns the number of extents done, with no partial
 * effect on the failing one. */
#ifndef ATOLL_ABI_MEMORY_H
#define ATOLL_ABI_MEMORY_H

#include <stdint.h>

#include "atoll/abi/grant_table.h"

#define XENMEM_increase_reservation 0 /* populate listed gfns (ballooned) */
#define XENMEM_decrease_reservation 1 /* give listed gfns back */
#define XENMEM_current_reservation 3 /* a1 = &domid: frames held */
#define XENMEM_maximum_reservation 4 /* a1 = &domid: maxmem in frames */
#define XENMEM_populate_physmap 6 /* populate listed gfns */

/* atoll's own operations, above Xen's range. */
#define ATOLL_MEM_request_more 0x40 /* struct atoll_mem_request */
#define ATOLL_MEM_get_target 0x41 /* a1 = &domid: target in frames */
#define ATOLL_MEM_report 0x42 /* struct atoll_mem_report */

#define ATOLL_MEMOP_MAX_EXTENTS 4096 /* per call; Xen batches 512 */
#define ATOLL_MEMOP_MAX_ORDER 9 /* 2 MiB extents at most */

typedef uint64_t xen_pfn_t;

/* Byte-compatible with Xen's struct xen_memory_reservation (64-bit). */
struct xen_memory_reservation {
	uint64_t extent_start; /* guest VA of xen_pfn_t[nr_extents] */
	uint64_t nr_extents;
	uint32_t extent_order; /* each extent is 2^order frames */
	uint32_t mem_flags; /* must be 0 */
	domid_t domid; /* DOMID_SELF */
};

/* "I'm willing to pay you more": ask for nr_frames more. */
struct atoll_mem_request {
	uint64_t nr_frames; /* in */
	uint64_t granted; /* out: frames added to the target */
};

/* The balloon driver's report, read by atoll's policy. */
struct atoll_mem_report {
	uint64_t free_frames; /* frames the guest could give back */
	uint32_t pressure; /* 0 (none) .. 100 (allocations failing) */
	uint32_t pad;
};

#endif
