/* Inside sharing (share.c, share_scan.c): the table's helpers. */
#ifndef ATOLL_MEM_SHARE_IMPL_H
#define ATOLL_MEM_SHARE_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "mem/mem_internal.h"

/* XXH3-64 of a 4 KiB page. */
uint64_t share_hash(const void *page);
bool share_is_zero(const void *page);

/* Merge gfn g of d, BUSY(m) and shot down (nothing can change frame m),
 * into the table: SHARED(an identical frame), and true (the caller frees
 * m once d->lock is dropped); or m itself becomes a shared frame (false).
 * zero and h are m's (share_is_zero, share_hash), computed by the caller
 * without the locks (m cannot change).  Caller holds d->lock and
 * mh->share.lock. */
bool share_merge_locked(struct dom_mem *d, uint64_t g, uint32_t m, bool zero,
			uint64_t h);

#endif
