/* memory_op for guests: Xen's XENMEM reservation operations and atoll's own
 * (request_more, get_target, report) on top of dom_mem.h.  The guest's
 * arguments are read and its results written through a narrow copy
 * interface, so this layer knows nothing of harts or page tables (the
 * machine layer passes copies through the calling hart's MMU; unit tests
 * pass a plain buffer).  See docs/hypercalls.md for the guest's view. */
#ifndef ATOLL_MEM_MEMOP_H
#define ATOLL_MEM_MEMOP_H

#include <stddef.h>
#include <stdint.h>

#include "mem/dom_mem.h"
#include "mem/guest_access.h"

/* Extents copied in from the guest at a time (one 4 KiB page of them). */
#define MEMOP_CHUNK 512

/* Perform memory_op `cmd` with argument `arg` (a guest pointer or value)
 * for a vCPU of domain d.  Returns the hypercall's result: >= 0 (extents
 * done, frames, ...) or -errno.  A reservation operation that stops part-way
 * returns the extents done; -errno only when none was. */
long memop_call(struct dom_mem *d, const struct guest_access *g, uint64_t cmd,
		uint64_t arg);

#endif
