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
 * Caller holds d->lock and mh->share.lock. */
bool share_merge_locked(struct dom_mem *d, uint64_t g, uint32_t m);

/* Spare frames for copy-on-write breaks (share.c): scrubbed and already
 * backed by host memory, so a break costs no host page fault. */
#define SHARE_SPARES 64u /* the size of share.spare */
/* Keep up to SHARE_SPARES of frames[0..n) (nobody's: scrubbed here);
 * they are moved to the end of the array.  Returns how many are left at
 * the front for the caller to free. */
uint32_t share_spare_put(struct mem_host *mh, mfn_t *frames, uint32_t n);
/* Top the spares up with at most `max` frames from the pool, if it has
 * plenty (above its low watermark). */
void share_spare_fill(struct mem_host *mh, uint32_t max);

#endif
