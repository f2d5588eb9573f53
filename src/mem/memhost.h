/* atoll's memory manager for the whole host: the machine memory pool, the
 * swap file, the list of domains' memories and the reclaimer thread that
 * keeps frames available when the pool runs dry (by swapping from domains
 * above their reservation, random victims, as ESX does). */
#ifndef ATOLL_MEM_MEMHOST_H
#define ATOLL_MEM_MEMHOST_H

#include <pthread.h>
#include <stdbool.h>

#include "mem/dom_mem.h"
#include "mem/policy.h"
#include "mem/pool.h"
#include "mem/share.h"
#include "mem/swap.h"
#include "mem/wake.h"
#include "mem/wss.h"

struct mem_host_config {
	uint64_t machine_memory; /* bytes */
	const char *swap_path; /* NULL: no swap */
	uint64_t swap_size; /* bytes (0: machine_memory * 2) */
	struct policy_config policy; /* zeros: defaults */
	/* Content-based sharing: the scanner (share.h) looks at share_rate
	 * pages/s (0: off until a rate is set at run time). */
	uint32_t share_rate;
};

struct mem_host_stats {
	uint64_t frames, free, reserved_unheld;
	uint64_t swap_slots, swap_free;
	uint64_t swap_outs, swap_ins, reclaim_runs, waits;
	uint32_t state; /* enum mem_state */
	uint64_t transitions, policy_runs;
	/* The working-set sampler: periods ended (all domains) and the CPU
	 * time its thread used, ns. */
	uint64_t wss_passes, wss_cpu_ns;
	/* Waits for memory (vCPUs, host copies): all, ended by a wake-up,
	 * ended by the bound (wake.h). */
	uint64_t mem_waits, mem_waits_woken, mem_waits_timed_out;
	struct share_stats share;
};

struct mem_host {
	struct mpool pool;
	struct swap swap;
	struct share share; /* shared frames and the scanner */
	pthread_mutex_t lock; /* the domain list, reservations */
	struct dom_mem *domains;
	uint64_t reserved; /* sum of reservations, frames */
	pthread_t reclaimer;
	bool reclaimer_started, stopping;
	pthread_cond_t need_reclaim; /* a populate found the pool dry */
	uint64_t waiting; /* populates waiting for frames */
	uint64_t stat_reclaim_runs, stat_waits;
	/* Held by the reclaimer while it works on a domain it picked, so
	 * dom_mem_destroy can wait for it to let go. */
	pthread_mutex_t reclaim_lock;
	bool kicked; /* need_reclaim was signalled */
	/* The policy (policy.c).  policy_lock is taken before any domain's
	 * lock and mh->lock: every target decision holds it. */
	struct policy_config pcfg;
	pthread_mutex_t policy_lock;
	pthread_cond_t policy_wake;
	pthread_t policy_thread;
	bool policy_running, policy_stopping;
	_Atomic int state; /* enum mem_state */
	_Atomic uint64_t stat_transitions, stat_policy_runs;
	struct wss_host wss; /* the working-set sampler (wss.c) */
	/* Threads waiting for memory, woken by frees and other changes
	 * (wake.h, dom_mem_wake). */
	struct mem_wake wake;
};

/* 0, or -errno after one line naming the problem (the pool's size, the
 * swap file): callers need not add another. */
int mem_host_init(struct mem_host *mh, const struct mem_host_config *cfg);
void mem_host_destroy(struct mem_host *mh);

/* Frames a domain may take from the pool now without breaking any other
 * domain's reservation (reservations not yet held are set aside). */
uint64_t mem_host_available(struct mem_host *mh, const struct dom_mem *d);

/* Ask the reclaimer to free frames (called when a populate fails). */
void mem_host_kick_reclaim(struct mem_host *mh);

void mem_host_get_stats(struct mem_host *mh, struct mem_host_stats *st);

/* Test helper (slow, call when no domain is changing): the pool invariant
 * (mpool_check), and for every domain: frames it owns == PRESENT entries
 * == its populated count, swapped/ballooned counts match its P2M, and
 * swap slots in use == SWAPPED entries of all domains.  0 or -EINVAL after
 * a line naming the first mismatch. */
int mem_host_check(struct mem_host *mh);

#endif
