/* A picture of machine memory, as data: every machine frame's owner and
 * state, and each domain's contiguous guest-physical view, both as runs
 * (consecutive frames of one owner and state form one run).  `atoll p2m
 * --map`, `atoll run --map` and the live page draw it (docs/working-set.md).
 * Built from the frame table and the P2Ms read without their locks: a
 * picture of a moving system, consistent per entry, not as a whole. */
#ifndef ATOLL_MEM_MEMMAP_H
#define ATOLL_MEM_MEMMAP_H

#include <stddef.h>
#include <stdint.h>

#include "mem/types.h"

struct mem_host;

/* Cell states.  Machine frames are free, private (mapped PRESENT by their
 * owner), shared (mapped SHARED) or busy (owned, not mapped now: in
 * transit, swap out or in); guest frames are private, shared,
 * ballooned, swapped (no machine frame: they appear only in the guest
 * view), unpopulated or busy. */
enum memmap_state {
	MEMMAP_FREE,
	MEMMAP_PRIVATE,
	MEMMAP_SHARED,
	MEMMAP_BALLOONED,
	MEMMAP_SWAPPED,
	MEMMAP_UNPOPULATED,
	MEMMAP_BUSY,
	MEMMAP_NSTATES
};

extern const char *const memmap_state_names[MEMMAP_NSTATES];

struct memmap_run {
	uint32_t count;
	domid_t owner; /* machine view: the owning domain (0: none) */
	uint8_t state; /* enum memmap_state */
};

struct memmap_dom {
	domid_t id;
	char name[32];
	uint64_t base_gfn, nr;
	struct memmap_run *runs;
	size_t nruns;
	uint64_t count[MEMMAP_NSTATES]; /* gfns per state */
};

struct memmap {
	uint32_t nframes;
	struct memmap_run *machine;
	size_t nmachine;
	uint64_t count[MEMMAP_NSTATES]; /* machine frames per state */
	struct memmap_dom *dom;
	unsigned ndom;
};

/* Build the picture of mh (only domain `only` in the guest views, 0: all).
 * Slow (a pass over the frame table and every P2M, a few allocations):
 * for the control plane, never a guest path.  0 or -ENOMEM. */
int memmap_build(struct mem_host *mh, domid_t only, struct memmap *m);
void memmap_free(struct memmap *m);

#endif
