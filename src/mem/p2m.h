/* The P2M of one domain: guest frame -> machine frame, or a state.
 *
 * Guest RAM looks contiguous from gfn `base` for `nr` frames; each entry is
 * one 64-bit word (type in bits 63:56, value in the low 32 bits: an MFN for
 * PRESENT/SHARED, a swap slot for SWAPPED) read with a single atomic load,
 * so lookups need no lock.  Changes are made under the domain's memory lock
 * (dom_mem.c) and are followed by a TLB shootdown before the old frame is
 * reused. */
#ifndef ATOLL_MEM_P2M_H
#define ATOLL_MEM_P2M_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>

#include "mem/types.h"

enum p2m_type {
	P2M_UNPOPULATED = 0, /* never backed: populated on first touch */
	P2M_PRESENT = 1, /* backed by an MFN the domain owns */
	P2M_BALLOONED = 2, /* given back by the guest (decrease_reservation) */
	P2M_SWAPPED = 3, /* stolen by atoll: contents in a swap slot */
	P2M_SHARED = 4, /* read-only frame shared with other domains */
	P2M_BUSY = 5, /* in transition (swap out/in): wait and retry */
};

/* A mark in the type byte of a PRESENT entry the working-set sampler
 * (wss.c) picked this period: the top byte is no longer P2M_PRESENT, so
 * every lookup's fast path (dom_mem_page, the CPU's direct RAM map) misses
 * and the guest's next access reaches dom_mem_fault, which records the
 * touch and clears the mark.  p2m_get hides it; any p2m_set drops it. */
#define P2M_SAMPLED 0x80u

struct p2m_entry {
	enum p2m_type type;
	uint32_t val; /* MFN or swap slot */
};

struct p2m {
	uint64_t base; /* first gfn */
	uint64_t nr; /* number of gfns */
	_Atomic uint64_t *e;
};

int p2m_init(struct p2m *p, uint64_t base_gfn, uint64_t nr);
void p2m_destroy(struct p2m *p);

static inline bool p2m_contains(const struct p2m *p, gfn_t g)
{
	return g.v - p->base < p->nr;
}

/* Caller checked p2m_contains. */
static inline struct p2m_entry p2m_get(const struct p2m *p, gfn_t g)
{
	uint64_t w = atomic_load_explicit(&p->e[g.v - p->base],
					  memory_order_acquire);
	return (struct p2m_entry){ (enum p2m_type)(w >> 56 & ~P2M_SAMPLED),
				   (uint32_t)w };
}

/* The raw word, sampled mark included (p2m_get hides it). */
static inline uint64_t p2m_word(const struct p2m *p, gfn_t g)
{
	return atomic_load_explicit(&p->e[g.v - p->base], memory_order_acquire);
}

/* Set or clear the sampled mark of g, keeping its type and value.  Caller
 * holds the domain's lock (the mark changes only with the entry). */
static inline void p2m_mark_sampled(struct p2m *p, gfn_t g, bool on)
{
	uint64_t w = p2m_word(p, g), m = (uint64_t)P2M_SAMPLED << 56;

	atomic_store_explicit(&p->e[g.v - p->base], on ? w | m : w & ~m,
			      memory_order_release);
}

static inline void p2m_set(struct p2m *p, gfn_t g, enum p2m_type t,
			   uint32_t val)
{
	atomic_store_explicit(&p->e[g.v - p->base], (uint64_t)t << 56 | val,
			      memory_order_release);
}

/* Print the P2M as ranges: consecutive gfns of one type whose MFNs (or
 * slots) are also consecutive form one line, e.g.
 *   0x80000-0x800ff -> mfn 0x01200-0x012ff present (256)
 * followed by a summary line of counts per type. */
void p2m_print(const struct p2m *p, FILE *out);
/* The same, with each SHARED range's reference count (refs(ctx, mfn):
 * gfns mapping that frame) appended as "refs N"; a range holds frames of
 * one count. */
typedef uint32_t p2m_refs_fn(void *ctx, uint32_t mfn);
void p2m_print_refs(const struct p2m *p, FILE *out, p2m_refs_fn *refs,
		    void *ctx);

/* A run of consecutive gfns in one state whose MFNs (or swap slots) are
 * consecutive too; first_val..last_val for present, shared, swapped. */
struct p2m_range {
	uint64_t gfn_first, gfn_last;
	enum p2m_type type;
	uint32_t first_val, last_val;
	uint32_t refs; /* SHARED: each frame's reference count (0: unknown) */
};
/* Call fn on every range in gfn order, add each entry to count[type];
 * returns the number of ranges.  refs (may be NULL) gives SHARED frames'
 * reference counts; a range holds frames of one count.  Reads without a
 * lock, as p2m_print. */
uint64_t p2m_for_each_range(const struct p2m *p, p2m_refs_fn *refs, void *rctx,
			    void (*fn)(const struct p2m_range *r, void *arg),
			    void *arg, uint64_t count[P2M_BUSY + 1]);
/* "present", "ballooned", ... */
const char *p2m_type_name(enum p2m_type t);

#endif
