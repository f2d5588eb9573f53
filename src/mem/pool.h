/* Machine memory: the one pool of frames atoll owns and divides among
 * domains.  One mmap of machine_memory bytes (MAP_NORESERVE), cut into 4 KiB
 * frames numbered by MFN, and a frame table.
 *
 * Invariants (checked by tests): every frame is either free (owner
 * DOMID_NONE, on the free stack) or owned by exactly one domain; the frames
 * owned by all domains plus the free ones are the whole pool.  A free frame
 * has been scrubbed, so no data survives a change of owner: given back to the
 * host (madvise(MADV_DONTNEED): the host's RSS drops and the next touch reads
 * zeros), or — a bounded number of *warm* frames, which the caller knows are
 * backed by host memory — zeroed with memset and kept, because a first touch
 * of a given-back frame costs a host page fault (18-80 us on a nested VM)
 * that a copy-on-write break cannot afford (docs/sharing.md). */
#ifndef ATOLL_MEM_POOL_H
#define ATOLL_MEM_POOL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "mem/types.h"

enum frame_flags {
	FRAME_PINNED =
		1u << 0, /* in use by I/O (grant mapped): not stealable */
	FRAME_SHARED = 1u << 1, /* read-only, shared among domains */
};

struct frame {
	_Atomic domid_t owner; /* DOMID_NONE when free */
	_Atomic uint16_t flags;
	uint32_t gfn_lo; /* the gfn it backs (low 32 bits) */
	_Atomic uint32_t refs; /* pins by I/O; > 0 blocks reclaim */
};

struct mpool {
	uint8_t *base; /* frame m lives at base + m * 4096 */
	uint32_t nframes;
	struct frame *ft; /* frame table, nframes entries */
	pthread_mutex_t
		lock; /* free stack only; never on the guest fast path */
	pthread_cond_t freed; /* signalled when frames are freed */
	/* Called after frames were freed, without the pool's lock (the
	 * memory host wakes the threads waiting for frames); may be NULL. */
	void (*on_free)(void *ctx);
	void *on_free_ctx;
	/* Cold free frames (given back to the host) are a stack from
	 * free_stack[0] up, warm ones (zeroed, still backed) a stack from
	 * free_stack[nframes - 1] down. */
	uint32_t *free_stack;
	/* free_pos[m]: where free frame m sits in free_stack, so a chosen
	 * frame can be taken out of the middle (mpool_alloc_at). */
	uint32_t *free_pos;
	uint32_t nfree; /* ncold + nwarm */
	uint32_t ncold, nwarm, warm_max;
	/* statistics */
	uint64_t stat_allocs, stat_frees, stat_alloc_fail;
};

/* Map `bytes` (a multiple of 4 KiB, >= 1 MiB) of machine memory. 0 or -errno. */
int mpool_init(struct mpool *p, uint64_t bytes);
void mpool_destroy(struct mpool *p);

/* At most this share of the pool is kept warm (MPOOL_WARM_DIV = 16: 1/16,
 * the host RSS atoll may hold beyond what domains hold). */
#define MPOOL_WARM_DIV 16u

/* Take n frames for `owner`, all or nothing, O(1) per frame: cold ones
 * first (warm ones are kept for copy-on-write breaks), warm ones when no
 * cold one is left.  Their contents are zero.  0 or -ENOMEM (nothing
 * taken). */
int mpool_alloc(struct mpool *p, domid_t owner, uint32_t n, mfn_t *out);
/* The same, warm frames first: their first write costs no host page
 * fault. */
int mpool_alloc_warm(struct mpool *p, domid_t owner, uint32_t n, mfn_t *out);
/* One frame for `owner`: frame `want` if it is free (cold or warm),
 * else one as mpool_alloc gives.  O(1).  0 or -ENOMEM. */
int mpool_alloc_at(struct mpool *p, domid_t owner, uint32_t want, mfn_t *out);
/* Scrub and return n frames (each owned by someone), O(1) per frame plus
 * one madvise per contiguous run; wakes waiters. */
void mpool_free(struct mpool *p, const mfn_t *mfns, uint32_t n);
/* Return n frames the caller knows are backed by host memory (touched and
 * not given back since): up to warm_max of the pool's free frames are
 * zeroed with memset (~0.2 us, where a madvise costs 30-40 us here) and
 * kept warm; the rest go as mpool_free. */
void mpool_free_warm(struct mpool *p, const mfn_t *mfns, uint32_t n);

static inline void *mpool_ptr(const struct mpool *p, mfn_t m)
{
	return p->base + (size_t)m.v * PAGE_SIZE;
}

uint32_t mpool_nfree(struct mpool *p);
/* Of them, warm. */
uint32_t mpool_nwarm(struct mpool *p);

/* Wait up to `ms` milliseconds for frames to be freed.  Returns at once if
 * at least `want` are free. */
void mpool_wait_free(struct mpool *p, uint32_t want, unsigned ms);

/* Test helpers (slow: they scan the frame table).  Frames owned by
 * `owner`; and the invariant check: every free-stack entry is a distinct
 * frame without owner, and owned + free == nframes.  0 or -EINVAL (after a
 * line on stderr naming what is wrong). */
uint64_t mpool_owned_by(struct mpool *p, domid_t owner);
int mpool_check(struct mpool *p);

#endif
