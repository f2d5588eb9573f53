/* The memory of one domain: its P2M, its allowances and counters, and the
 * operations that change them (populate on demand, swap in/out, the XENMEM
 * hypercalls).  Knows nothing of instructions or harts: TLB shootdowns go
 * through a callback the vmm provides. */
#ifndef ATOLL_MEM_DOM_MEM_H
#define ATOLL_MEM_DOM_MEM_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>

#include "lib/retry.h"
#include "mem/p2m.h"
#include "mem/share.h"
#include "mem/types.h"
#include "mem/wss.h"

struct mem_host;

/* In a shootdown's page entry (low bits of the gpa): the page's content
 * may change, so decoded code of it must go too (the callback below). */
#define DOM_MEM_SD_CODE 1ULL
/* Pages one shootdown call names at most (the vmm's mailbox holds them
 * all: HART_SD_PAGES). */
#define DOM_MEM_SD_PAGES 512u

/* Sizes are in frames.  0 < reservation <= memory <= maxmem, limit <=
 * maxmem (0 = maxmem). */
struct dom_mem_config {
	domid_t domid;
	const char *name;
	uint64_t base_gfn; /* 0x80000 on the virt board */
	uint64_t memory; /* initial target: frames it may hold at first */
	uint64_t maxmem; /* size of its guest-physical RAM */
	uint64_t reservation; /* always guaranteed (admission control) */
	uint64_t limit; /* never held above this */
	/* Make every vCPU of the domain forget translations of these
	 * guest-physical pages, and return only when they have (the frames
	 * are reused right after).  An entry with DOM_MEM_SD_CODE set: the
	 * page's content may change (ballooned), so decoded code of it goes
	 * too; without it the bytes stay (swap, sharing, sampling) and only
	 * translations go.  pages == NULL: everything.
	 * Called without any memory lock held, from the reclaimer thread,
	 * from control threads and from a vCPU thread of the domain itself
	 * (decrease_reservation): then the callback must serve that vCPU's
	 * own request itself, and keep serving it while it waits for the
	 * others.  May be NULL (no vCPUs: host tests, benchmarks). */
	void (*shootdown)(void *ctx, const uint64_t *gpa_pages, unsigned n);
	void *shootdown_ctx;
	/* The domain's memory is lost (a swapped page came back corrupt):
	 * end the domain.  Called once, with no memory lock held, from the
	 * thread that found it; the line saying why is printed already.
	 * NULL: the accesses fault instead. */
	void (*crash)(void *ctx);
	void *crash_ctx;
	uint32_t shares; /* policy weight, 1..1000000 (0 = 1000) */
	bool no_sharing; /* `sharing = no`: the scanner leaves it alone */
};

struct dom_mem_stats {
	uint64_t populated; /* frames held (PRESENT) */
	uint64_t reservation, target, limit, maxmem;
	uint64_t ballooned, swapped, shared;
	/* Sharing (docs/sharing.md): gfns on the zero frame, copy-on-write
	 * breaks, and the frames saved counted for this domain (a frame with
	 * n sharers saves n - 1, each sharer is credited (n - 1) / n). */
	uint64_t share_zero, cow_breaks, share_saved;
	struct share_time_stats cow_time; /* its copying breaks' times */
	bool sharing;
	uint64_t populate_faults, swap_ins, swap_outs, shootdowns, retries;
	/* The policy's view (docs/policy.md). */
	uint64_t shares, pressure, guest_free;
	uint64_t reclaimed_by_balloon, reclaimed_by_swap;
	uint64_t time_to_target_ms; /* of the last target lowered, reached */
	/* How long it has held more than its target (0: it does not), and
	 * whether that lasted past the grace period (named in the log:
	 * docs/policy.md). */
	uint64_t over_target_ms;
	bool ignoring_balloon;
	bool user_target; /* its target was set by a user (mem-set, sla) */
	/* Sampled working set (wss.h): active frames (the larger moving
	 * average), the last period's estimate, periods sampled. */
	uint64_t wss_active, wss_last, wss_periods;
};

struct dom_mem {
	struct mem_host *host;
	domid_t domid;
	char name[32];
	struct p2m p2m;
	pthread_mutex_t lock; /* P2M changes, counters below */
	uint64_t reservation, target, limit, maxmem;
	_Atomic uint64_t populated, ballooned, swapped, shared;
	_Atomic uint64_t populate_faults, swap_ins, swap_outs, shootdowns,
		retries;
	void (*shootdown)(void *ctx, const uint64_t *gpa_pages, unsigned n);
	void *shootdown_ctx;
	void (*crash)(void *ctx);
	void *crash_ctx;
	_Atomic bool crashed; /* no access is served any more */
	/* A first touch of gfn g asks the pool for frame g + frame_bias
	 * (set by the domain's first frame), so guest-contiguous pages get
	 * host-contiguous frames where the pool allows (docs/memory.md,
	 * "Frame placement").  Under lock. */
	uint64_t frame_bias;
	bool frame_bias_set;
	bool dying;
	struct dom_mem *next; /* mem_host's list */
	/* The guest's last ATOLL_MEM_report (memop.c), for atoll's policy;
	 * zero until it reports. */
	_Atomic uint64_t guest_free_frames, guest_reports;
	_Atomic uint32_t guest_pressure;
	/* Frames the reclaimer should swap out of this domain for its own
	 * faults: it reached its allowance (min(target, limit)). */
	_Atomic uint64_t steal_wanted;
	_Atomic unsigned warned; /* DOM_MEM_WARNED_* lines printed once */
	/* The policy (policy.c).  shares and target change only under
	 * host->policy_lock (and target also under lock). */
	uint32_t shares;
	_Atomic uint64_t reclaimed_balloon; /* frames given back */
	_Atomic uint64_t ttt_ms; /* last time-to-target, ms */
	uint64_t ttt_start_ns; /* under lock: target lowered, not reached */
	uint64_t seen_reports, seen_report_ns; /* manager's own */
	_Atomic bool steal_ok; /* overdue: the reclaimer may swap it */
	/* The manager's watch (policy.c): since when it holds more than its
	 * target (0: it does not), and named for it once. */
	_Atomic uint64_t over_since_ns;
	_Atomic bool ignoring;
	/* A user set the target (mem-set, sla target=): it stays until a
	 * user changes it; the manager neither revokes from it nor grows it
	 * on request (docs/policy.md).  Under host->policy_lock. */
	_Atomic bool user_target;
	struct dom_wss wss; /* working-set sampling (wss.c) */
	/* Sharing: allowed, the scanner's state (share_scan.c; scanner
	 * thread only), counters.  `shared` above counts SHARED gfns. */
	bool share_ok;
	struct share_dom sh;
	_Atomic uint64_t cow_breaks, share_zero;
	struct share_times cow_times; /* share_time.c */
};

/* Largest extent order of populate/decrease (2 MiB extents, as the
 * guest ABI's ATOLL_MEMOP_MAX_ORDER). */
#define DOM_MEM_MAX_ORDER 9

/* Admission control: fails with -ENOMEM (one line printed naming the
 * domain) if its reservation cannot be guaranteed next to the others'. */
int dom_mem_create(struct mem_host *mh, const struct dom_mem_config *cfg,
		   struct dom_mem **out);
/* Return every frame and swap slot; the domain's vCPUs are stopped. */
void dom_mem_destroy(struct dom_mem *d);

/* The CPU bus's ram_page (bus.h): host pointer of the frame backing the
 * guest-physical page, populating it (first touch) or starting its swap-in
 * as needed.  Never blocks: PAGE_RETRY (lib/retry.h) when the caller must wait
 * (dom_mem_wait, dom_mem_wait_on) and retry; NULL outside guest RAM. */
void *dom_mem_page(struct dom_mem *d, uint64_t gpa_page, bool write);
/* The lock-free view behind dom_mem_page's fast path, for a caller that
 * inlines it: entry i (an atomic word, read with acquire) describes gfn
 * first + i; top byte == present means the frame at
 * frames + (uint32_t)word * 4096.  Fixed for the domain's life. */
struct dom_mem_view {
	const _Atomic uint64_t *entries;
	uint64_t first, nr;
	uint8_t *frames;
	uint8_t present;
};
void dom_mem_view(const struct dom_mem *d, struct dom_mem_view *v);
/* A vCPU's wait after PAGE_RETRY: sleep on `word` (its hart's futex word,
 * whose value was `word_seen` before the caller looked at the hart's
 * requests, so a request posted since wakes it) until frames are freed or
 * anything else changes that may let the access go on (dom_mem_wake, or
 * a kick anywhere in the host), at most DOM_MEM_WAIT_MS.  Spurious
 * returns are fine: the caller retries. */
#define DOM_MEM_WAIT_MS 50
void dom_mem_wait_on(struct dom_mem *d, _Atomic uint32_t *word,
		     uint32_t word_seen);
/* The same for a thread that serves no shootdowns (host copies, tests):
 * at most 1 ms, so a caller that counts its tries counts milliseconds. */
void dom_mem_wait(struct dom_mem *d);
/* Something d's waiters (or any domain's) may be waiting for happened:
 * a page in transition settled, its target moved.  Any lock may be held. */
void dom_mem_wake(struct dom_mem *d);

/* Pin the frame backing gfn g for host I/O (a grant, a ring, the shared
 * info page): while pinned it is never swapped out, ballooned or reused.
 * Only a frame present now can be pinned (write: PRESENT; read: PRESENT or
 * SHARED): 0 with *m and *ptr set; -EAGAIN if it is not (fault it in with
 * dom_mem_page, then try again); -EINVAL outside guest RAM.  Never waits
 * for anything but d->lock. */
int dom_mem_pin(struct dom_mem *d, gfn_t g, bool write, mfn_t *m, void **ptr);
/* Drop one pin dom_mem_pin took. */
void dom_mem_unpin(struct dom_mem *d, mfn_t m);

/* Host-side copies (loaders, SBI, devices): block as needed, populate.
 * 0, or -EFAULT if any byte is outside guest RAM. */
int dom_mem_read(struct dom_mem *d, uint64_t gpa, void *buf, uint64_t len);
int dom_mem_write(struct dom_mem *d, uint64_t gpa, const void *buf,
		  uint64_t len);
bool dom_mem_contains(const struct dom_mem *d, uint64_t gpa, uint64_t len);

/* Steal up to n frames from the domain by swapping out random victims
 * (present, not pinned, not shared).  Returns how many were swapped out,
 * or -errno if none could be (no swap, write error: the domain keeps its
 * frames and one line is printed once). */
long dom_mem_swap_out(struct dom_mem *d, uint64_t n);

/* XENMEM semantics on gfn lists (memop.c wraps them for guests).  Each
 * returns the number of extents done (a short count means it stopped at the
 * first failure, with no partial effect for that extent) or -errno. */
long dom_mem_populate(struct dom_mem *d, const uint64_t *gfns, uint64_t n,
		      unsigned order);
long dom_mem_decrease(struct dom_mem *d, const uint64_t *gfns, uint64_t n,
		      unsigned order);
/* A guest under pressure asks for n more frames: raise its target by up to
 * n, within its limit, from the free pool, else from the domains with the
 * fewest shares per page (policy.c).  Returns frames granted (> 0), or
 * -ENOMEM when nothing can be granted now. */
long dom_mem_request_more(struct dom_mem *d, uint64_t n);
/* Set the target (reservation <= frames <= limit, else -EINVAL); the
 * balloon follows it, the reclaimer swaps a late domain down to it. */
int dom_mem_set_target(struct dom_mem *d, uint64_t frames);

void dom_mem_get_stats(struct dom_mem *d, struct dom_mem_stats *st);
void dom_mem_print_p2m(struct dom_mem *d, FILE *out);
/* p2m_for_each_range over d's P2M, with SHARED frames' reference counts. */
uint64_t dom_mem_for_each_range(struct dom_mem *d,
				void (*fn)(const struct p2m_range *r,
					   void *arg),
				void *arg, uint64_t count[P2M_BUSY + 1]);

#endif
