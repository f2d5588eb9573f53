/* The console back-end's per-pass logic, exposed for the fuzz target
 * (tests/fuzz/fuzz_consback.c) so that it drives the real code with a
 * hostile ring rather than a copy of it.  Not for other callers. */
#ifndef ATOLL_IO_CONSBACK_INTERNAL_H
#define ATOLL_IO_CONSBACK_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "atoll/abi/console.h"
#include "io/pvdev.h"

struct consback {
	xencons_ring_idx_t cons; /* atoll's out_cons, the only trusted one */
	xencons_ring_idx_t in_prod; /* atoll's in_prod, likewise */
	bool in_full; /* input waits for room in `in` */
	int in_efd; /* eventfd: input arrived (chardev ready), or -1 */
	/* Statistics (read racily by consback_get_stats). */
	uint64_t bytes, passes, notifies, requests, wakeups, in_bytes;
};

/* Drain the out ring of dev->ring.ptr into dev->env.con, at most
 * CONSBACK_ROUNDS times its size.  Returns bytes consumed (> 0: more may
 * be there), 0 if empty, -EPROTO if the front-end broke the protocol
 * (logged). */
long consback_pass(struct pvdev *dev, struct consback *cb);
/* Move console input (dev->env.con) into the in ring, as much as
 * fits.  Returns bytes moved, or -EPROTO if the front-end's in_cons is
 * impossible (logged). */
long consback_in_pass(struct pvdev *dev, struct consback *cb);

#endif
