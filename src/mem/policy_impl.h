/* Inside the policy (policy.c, policy_alloc.c, policy_sla.c): a snapshot
 * of the domains taken under mh->policy_lock, and the proportional-share
 * arithmetic on it. */
#ifndef ATOLL_MEM_POLICY_IMPL_H
#define ATOLL_MEM_POLICY_IMPL_H

#include "mem/mem_internal.h"

#define POLICY_MAX_DOMS 64 /* domains the policy weighs (more: ignored) */

struct pol_dom {
	struct dom_mem *d;
	uint64_t held, target, floor, ceil; /* floor: reservation */
	uint64_t idle; /* of target - floor: free in the guest or unheld */
	uint32_t shares;
	bool reports; /* its balloon reported within the timeout */
};

struct pol_view {
	unsigned n;
	uint64_t total, free; /* frames; free beyond unheld reservations */
	uint64_t promised; /* sum of target - held where positive */
	struct pol_dom dom[POLICY_MAX_DOMS];
};

/* Fill v from mh's domains.  Caller holds mh->policy_lock. */
void policy_snapshot(struct mem_host *mh, struct pol_view *v);
/* Shares per adjusted page above the reservation after adding delta
 * frames (negative: taken away, from idle pages first). */
double policy_rho(const struct mem_host *mh, const struct pol_dom *p,
		  int64_t delta);
/* Lower the targets of the domains with the lowest shares per page (not
 * `except`, never below a reservation) until `want` frames are taken or
 * every candidate's rho reaches `stop_rho`.  held_only: count only frames
 * taken from what domains hold (the manager), else from targets (a
 * grant).  Returns frames taken; the new targets are set. */
uint64_t policy_revoke(struct mem_host *mh, struct pol_view *v,
		       const struct pol_dom *except, uint64_t want,
		       double stop_rho, bool held_only);

#endif
