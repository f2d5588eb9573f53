/* Helpers shared by the memory manager's own files (not a contract for
 * other subsystems). */
#ifndef ATOLL_MEM_MEM_INTERNAL_H
#define ATOLL_MEM_MEM_INTERNAL_H

#include "mem/memhost.h"

/* Frames a domain swaps out of itself per request, so faults above its
 * target are paid for in batches. */
#define DOM_MEM_STEAL_BATCH 16u

/* Take n frames for d (all or nothing) if the pool can give them without
 * breaking another domain's reservation; counts them in d->populated.
 * With n == 1, frame `want` if it is free (UINT32_MAX: any).  0 or
 * -ENOMEM. */
int mem_host_take(struct mem_host *mh, struct dom_mem *d, uint32_t n,
		  uint32_t want, mfn_t *out);
/* One frame for d's copy of a shared frame it is already charged for
 * (not counted again), if the pool has one beyond the other domains'
 * unheld reservations.  0 or -ENOMEM. */
int mem_host_take_copy(struct mem_host *mh, struct dom_mem *d, mfn_t *out);
/* Frames of all domains' reservations not yet held; caller holds mh->lock. */
uint64_t mem_host_unheld_locked(struct mem_host *mh);
/* Can frames be swapped out at all? */
bool mem_host_can_swap(struct mem_host *mh);
/* Ask the reclaimer to steal n frames from d for d's own faults. */
void mem_host_want_steal(struct mem_host *mh, struct dom_mem *d, uint64_t n);
/* Reclaimer thread body (reclaim.c). */
void *mem_reclaim_main(void *arg);

/* The slow path of dom_mem_page; host copies pass host = true (they may
 * grow the domain past its target up to its limit instead of stealing). */
void *dom_mem_fault(struct dom_mem *d, gfn_t g, bool write, bool host);
/* Call d's shootdown callback (no lock held) and count it. */
void dom_mem_shootdown(struct dom_mem *d, const uint64_t *gpas, unsigned n);
/* Caller holds d->lock. */
uint64_t dom_mem_allowance(const struct dom_mem *d);

/* The policy's helpers (policy*.c, dom_mem_ops.c). */
uint64_t policy_now_ns(void);
/* Set d's target to t and note when a lowered target is reached.  Caller
 * holds mh->policy_lock, not d->lock. */
void dom_mem_retarget(struct dom_mem *d, uint64_t t);
/* Note the time-to-target if d reached its lowered target.  Caller holds
 * d->lock. */
void dom_mem_progress_locked(struct dom_mem *d);
/* Frames of pct percent of the memory above all reservations (the
 * policy's thresholds).  Reads mh->reserved: caller holds mh->lock, or
 * takes the risk of a value one change old. */
uint64_t policy_pct(const struct mem_host *mh, uint32_t pct);
/* May d, at its target, take a new page from the pool instead of paying
 * with one of its own (balloon first, steal last)?  Only a domain whose
 * balloon reports and is on time, with a target the manager set, while
 * the pool stays above the soft threshold.  Caller holds d->lock
 * (policy_alloc.c). */
bool policy_may_overshoot(struct dom_mem *d);
/* dom_mem_request_more's body (policy_alloc.c); caller holds nothing. */
long policy_request_more(struct dom_mem *d, uint64_t n);

#define DOM_MEM_WARNED_LIMIT 1u
#define DOM_MEM_WARNED_SWAPIN 2u

#endif
