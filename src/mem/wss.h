/* Sampled working sets, as ESX estimates a VM's active memory (Waldspurger,
 * OSDI 2002, section 5.3), with no help from the guest: every period a
 * thread picks a random sample of each domain's present pages, marks them
 * in the P2M (P2M_SAMPLED) and shoots their soft-TLB entries down in every
 * vCPU, so the guest's next access to each reaches the slow path, which
 * records it.  At the period's end touched / sampled x populated estimates
 * the active frames; a fast and a slow moving average of the estimates are
 * kept and the larger is the domain's active memory (docs/working-set.md).
 * The TLB hit path is unchanged: a sampled page costs one slow-path fill. */
#ifndef ATOLL_MEM_WSS_H
#define ATOLL_MEM_WSS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "mem/p2m.h"

#define WSS_SAMPLE_MAX 1024u /* pages sampled per domain per period, most */
#define WSS_SAMPLE_DEFAULT 100u /* ESX's default */
#define WSS_PERIOD_DEFAULT_MS 1000u

struct mem_host;
struct dom_mem;

/* One domain's sampler state. */
struct dom_wss {
	/* Under the domain's lock: the gfns marked this period, how many of
	 * them the guest touched since, and what the domain held when they
	 * were drawn (the population the sample stands for). */
	uint64_t gfns[WSS_SAMPLE_MAX];
	uint32_t n, touched;
	uint64_t drawn_from;
	/* The sampler thread's own. */
	uint64_t rng;
	double fast; /* moving average of the fraction touched */
	double slow; /* moving average of the estimates, frames */
	/* Results in frames, for anyone: the last period's estimate, the
	 * domain's active memory (wss.c: the larger of the fast fraction
	 * times what it held when the running sample was drawn and the slow
	 * average), periods done. */
	_Atomic uint64_t last, active, periods;
	/* Held when the running period's sample was drawn: only pages the
	 * sampler has seen can be judged idle (policy_alloc.c). */
	_Atomic uint64_t seen;
};

/* The host's sampler thread. */
struct wss_host {
	/* Held while the thread works on a domain (and by memmap_build):
	 * dom_mem_destroy takes it, after unlinking the domain, to wait
	 * until they let go.  Taken before mh->lock. */
	pthread_mutex_t busy;
	pthread_mutex_t mu; /* stopping, the thread's sleep */
	pthread_cond_t wake;
	pthread_t thread;
	bool running, stopping;
	_Atomic uint64_t passes; /* periods ended over all domains */
	_Atomic uint64_t cpu_ns; /* the thread's CPU time, ns */
};

/* The guest touched gfn g (dom_mem_fault, not host copies): if the sampler
 * marked it, clear the mark and count it.  Caller holds the domain's lock.
 * Costs nothing on the fast path: a marked page never reaches it. */
static inline void wss_touch_locked(struct dom_wss *w, struct p2m *p, gfn_t g)
{
	if (p2m_word(p, g) >> 56 & P2M_SAMPLED) {
		p2m_mark_sampled(p, g, false);
		w->touched++;
	}
}

void wss_host_init(struct wss_host *wh);
void wss_host_destroy(struct wss_host *wh);
/* Start / stop the sampler thread of mh (mh->pcfg.wss_* knobs; not
 * started when sampling is off).  0 or -errno after one line. */
int wss_start(struct mem_host *mh);
void wss_stop(struct mem_host *mh);
/* One period of domain d: end the running one (estimate, averages) and
 * start the next with a fresh sample of up to `sample` pages.  The thread
 * calls it every period; tests call it directly.  Caller holds no lock of
 * d's (it shoots down TLB entries). */
void wss_period_dom(struct dom_mem *d, unsigned sample);

#endif
