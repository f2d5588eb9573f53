/* Content-based page sharing (docs/sharing.md): identical guest frames, in
 * one domain or across domains, are mapped to one read-only machine frame
 * (P2M_SHARED) with a reference count; a write breaks the share (copy on
 * write).  A scanner thread finds them at a rate in pages per second.
 *
 * The share table holds every shared frame, keyed by a 64-bit XXH3 hash of
 * its contents and chained per MFN (a frame is in it at most once).  A
 * shared frame is owned by DOMID_COW (Xen's name for the owner of shared
 * pages) and is never written: the soft TLB gets no store entry for it
 * (ram_page answers a write with a fresh private copy), so its contents,
 * and so its hash, cannot change while it is shared.
 *
 * Accounting: a domain is charged one frame per gfn it maps (PRESENT or
 * SHARED, its `populated`), so sharing never lets a domain exceed its
 * allowance and a copy-on-write break takes no new charge; the frames
 * sharing saves go back to the pool, where the policy gives them out. */
#ifndef ATOLL_MEM_SHARE_H
#define ATOLL_MEM_SHARE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "mem/types.h"

struct mem_host;
struct dom_mem;
struct p2m_entry;

/* Owner of every shared frame (Xen's DOMID_COW). */
#define DOMID_COW 0x7ff3

/* Off unless configured (as KSM, and ESX since 2014 between VMs); the
 * rate people start from is KSM's: 100 pages per 20 ms. */
#define SHARE_RATE_KSM 5000u /* pages/s */
#define SHARE_RATE_MAX 1000000u /* pages/s; 0 stops the scanner */

/* Copy-on-write break times (share_time.c), measured on the writer's vCPU
 * thread for every break that copies a frame: the whole break (from the
 * fault's entry to the page it returns), and its parts: waiting for the
 * domain's lock, the work under it (the table lock, taking a frame, the
 * 4 KiB copy), and what follows (the shootdown, the reference dropped).
 * Log-linear histograms of nanoseconds, 8 buckets per power of two.
 * The copy (within the locked part) is timed on its own: on a host
 * whose memory is slow to touch it is what moves. */
#define SHARE_HIST_N 256
struct share_hist {
	_Atomic uint64_t b[SHARE_HIST_N];
};
struct share_times {
	struct share_hist total, wait, locked, copy, shootdown;
	_Atomic uint64_t total_ns; /* sum of the whole breaks (the mean) */
};
/* Quantiles of share_times, ns (the middle of a bucket 12.5 % wide). */
struct share_time_stats {
	uint64_t n; /* breaks timed */
	uint64_t mean; /* what a guest writing many pages pays per page */
	uint64_t p10, p25, p50, p75, p90, p99; /* the whole break */
	uint64_t wait_p50, wait_p90, locked_p50, locked_p90;
	uint64_t copy_p50, copy_p90, shootdown_p50, shootdown_p90;
};

/* One break's times (policy_now_ns: CLOCK_MONOTONIC, the vDSO's, no
 * system call) into a domain's and the host's. */
void share_time_add(struct share_times *dom, struct share_times *host,
		    uint64_t t0, uint64_t t_locked, uint64_t t_unlocked,
		    uint64_t t_end, uint64_t copy_ns);
void share_time_get(const struct share_times *t, struct share_time_stats *st);

struct share_stats {
	uint64_t frames; /* shared frames in the table */
	uint64_t mappings; /* gfns mapping them (sum of reference counts) */
	uint64_t saved; /* mappings - frames: frames sharing saves */
	uint64_t zero_mappings; /* gfns mapping the zero frame */
	uint64_t scanned, merged, cow_breaks, passes;
	uint64_t spares; /* free frames kept warm (pool.h, mpool_nwarm):
			  * copy-on-write breaks take them first */
	uint64_t rate; /* configured, pages per second */
	uint64_t scan_rate; /* measured over the last second, pages/s */
	uint64_t cpu_ns; /* the scanner thread's CPU time */
	struct share_time_stats cow_time; /* breaks of every domain */
};

struct share {
	pthread_mutex_t lock; /* the table and the arrays below */
	uint32_t nframes, mask; /* pool frames; buckets - 1 */
	uint32_t *bucket; /* head MFN of each chain, or MFN_NONE */
	uint32_t *next; /* per MFN: next in its chain */
	uint64_t *hash; /* per MFN: hash of a shared frame's contents */
	uint32_t *refs; /* per MFN: gfns mapping it (0: not shared) */
	uint32_t zero; /* the zero frame, or MFN_NONE */
	uint64_t frames, mappings;
	/* The scanner (share_scan.c). */
	pthread_mutex_t scan_lock; /* held while it works on a domain */
	pthread_cond_t wake; /* rate changed or stopping (under lock) */
	pthread_t thread;
	bool started, stopping;
	_Atomic uint32_t rate;
	domid_t last; /* domain scanned last */
	_Atomic uint64_t scanned, merged, cow_breaks, passes, cpu_ns;
	_Atomic uint64_t scan_rate; /* pages in the last full second */
	uint64_t second_start_ns, second_pages; /* scanner's own */
	struct share_times cow_times; /* every domain's breaks */
};

/* Per domain, the scanner's state (share_scan.c) and counters. */
struct share_dom {
	uint64_t cursor; /* next P2M index to look at */
	uint32_t *seen; /* per gfn: low bits of its hash at the last look */
	uint64_t pass_merged, pass_breaks; /* since window_ns */
	uint64_t window_ns; /* start of the storm check's window */
	uint64_t skip_until_ns; /* backed off until then (a COW storm) */
	unsigned backoff; /* passes skipped doubles up to a bound */
};

/* Tables for a pool of nframes frames.  0 or -ENOMEM. */
int share_init(struct share *s, uint32_t nframes);
void share_destroy(struct share *s);

/* Start/stop the scanner thread of mh (rate: pages/s, 0 = idle). */
int share_scan_start(struct mem_host *mh, uint32_t rate);
void share_scan_stop(struct mem_host *mh);
/* Change the rate at run time: 0 or -EINVAL (above SHARE_RATE_MAX). */
int share_set_rate(struct mem_host *mh, uint64_t rate);
/* One line naming the problem in why, or NULL: the rate is acceptable. */
const char *share_rate_check(uint64_t rate);

void share_get_stats(struct mem_host *mh, struct share_stats *st);
/* Reference count of machine frame m (0: not shared). */
uint32_t share_refs(struct mem_host *mh, mfn_t m);

/* Scan up to `budget` pages of d now (the scanner's step, also for
 * tests).  Returns pages looked at. */
uint64_t share_scan_domain(struct mem_host *mh, struct dom_mem *d,
			   uint64_t budget);

/* Inside the memory manager (dom_mem*.c).  All with d->lock held. */

/* Copy on write: a write to gfn g, SHARED(m).  Returns the page (the
 * entry is PRESENT); *put = m when the copy replaced m: then every vCPU
 * of d must forget g (dom_mem_shootdown once d->lock is dropped, before
 * the caller uses the page) and only then is the reference dropped
 * (share_put).  PAGE_RETRY when no frame is available now (the reclaimer
 * was asked).  copy_ns (may be NULL): the 4 KiB copy's time, when one was
 * made (share_time.c). */
void *share_break(struct dom_mem *d, uint64_t g, uint32_t m, uint32_t *put,
		  uint64_t *copy_ns);
/* A gfn of d no longer maps m (its entry changed: balloon): d's counters
 * now; the reference with share_put after the shootdown. */
void share_unmap(struct dom_mem *d, uint32_t m);
/* Drop one reference of m: true when the caller must free m (nothing maps
 * or pins it).  The gfn that held it is shot down already. */
bool share_put(struct mem_host *mh, uint32_t m);
/* share_unmap and share_put at once (destroy: no vCPU runs). */
bool share_drop(struct dom_mem *d, uint32_t m);
/* The last pin of a frame flagged shared was dropped: free it if no gfn
 * maps it any more. */
void share_unpinned(struct mem_host *mh, mfn_t m);
/* Test helper: the table matches the P2Ms (reference counts == SHARED
 * entries naming each frame, owners, chains).  Caller holds
 * mh->share.lock, then mh->lock; no domain is changing.  0 or -EINVAL
 * after a line. */
int share_check_locked(struct mem_host *mh);

#endif
