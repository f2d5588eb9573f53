/* The slow path of a guest access (dom_mem_page): populate on first touch,
 * swap-in, and what to do when the domain is at its allowance or the pool
 * is dry.  Never sleeps: it answers PAGE_RETRY and the vCPU waits in
 * dom_mem_wait_on (serving shootdowns) before it tries again, woken when
 * frames are freed or the domain's memory changes (wake.h).
 *
 * A swap-in reads its 4 KiB on the faulting vCPU's thread, with the entry
 * BUSY and the domain lock dropped: one pread, and no round trip through
 * another thread on the path of a page the guest wants now. */
#include <errno.h>
#include <inttypes.h>

#include "lib/log.h"
#include "mem/mem_internal.h"

/* The host's wake-up count when this thread last looked for a page: a
 * wait after a PAGE_RETRY returns at once if anything happened since. */
static _Thread_local uint32_t fault_seen;

void dom_mem_wait_on(struct dom_mem *d, _Atomic uint32_t *word,
		     uint32_t word_seen)
{
	mem_wake_wait(&d->host->wake, fault_seen, word, word_seen,
		      DOM_MEM_WAIT_MS);
}

void dom_mem_wait(struct dom_mem *d)
{
	mem_wake_wait(&d->host->wake, fault_seen, NULL, 0, 1);
}

void dom_mem_wake(struct dom_mem *d)
{
	mem_wake_kick(&d->host->wake);
}

uint64_t dom_mem_allowance(const struct dom_mem *d)
{
	return d->target < d->limit ? d->target : d->limit;
}

static void dom_mem_warn_once(struct dom_mem *d, unsigned bit, const char *what,
			      gfn_t g)
{
	if (atomic_fetch_or(&d->warned, bit) & bit)
		return;
	log_dom_warn(d->name, "gfn 0x%" PRIx64 ": %s", g.v, what);
}

/* The frame a first touch of g would like: the one at the domain's
 * fixed offset from its gfns, so pages contiguous in the guest are
 * contiguous in the host (one soft-TLB addend over a region: the
 * translator predicts it, docs/jit.md); UINT32_MAX before the domain's
 * first frame.  Caller holds d->lock. */
static uint32_t dom_mem_want_frame(const struct dom_mem *d, gfn_t g)
{
	uint64_t want = g.v + d->frame_bias;

	return d->frame_bias_set && want < UINT32_MAX ? (uint32_t)want
						      : UINT32_MAX;
}

/* A frame for gfn g of d, charged to d.  0; -EAGAIN: retry later (the
 * reclaimer was asked to make room); -EDQUOT: at its limit and nothing can
 * be swapped out (it waits: a limit is a hard cap).  Caller holds
 * d->lock. */
static int dom_mem_get_frame(struct dom_mem *d, gfn_t g, bool host, mfn_t *m)
{
	struct mem_host *mh = d->host;
	uint64_t held = atomic_load(&d->populated);
	uint64_t allow = host ? d->limit : dom_mem_allowance(d);

	if (held >= allow && !host && held < d->limit &&
	    policy_may_overshoot(d)) {
		/* Above its target while its balloon catches up: the pool
		 * lends the frame (the manager swaps it down if the balloon
		 * is late), docs/policy.md. */
	} else if (held >= allow) {
		/* At its allowance: the domain pays with its own random
		 * victims (the reclaimer swaps them out, since the shootdown
		 * needs this vCPU to come back and serve it); host copies
		 * only at the limit. */
		if (mem_host_can_swap(mh) && (!host || held >= d->limit)) {
			/* With the manager, only its new pages are paid for
			 * now: the rest above target is the balloon's to
			 * give back first (policy.c). */
			mem_host_want_steal(
				mh, d,
				(mh->policy_running ? 0 : held - allow) +
					DOM_MEM_STEAL_BATCH);
			return -EAGAIN;
		}
		/* Nothing can be stolen: a target is soft, a limit is not. */
		if (held >= d->limit)
			return -EDQUOT;
	}
	if (mem_host_take(mh, d, 1, dom_mem_want_frame(d, g), m)) {
		mem_host_kick_reclaim(mh);
		return -EAGAIN;
	}
	if (!d->frame_bias_set) {
		d->frame_bias = m->v - g.v;
		d->frame_bias_set = true;
	}
	mh->pool.ft[m->v].gfn_lo = (uint32_t)g.v;
	return 0;
}

/* What a failed dom_mem_get_frame means for the access: always a wait (at
 * its limit without swap until the limit is raised or the domain gives
 * frames back; said once). */
static void *dom_mem_no_frame(struct dom_mem *d, gfn_t g, int err)
{
	if (err == -EDQUOT)
		dom_mem_warn_once(d, DOM_MEM_WARNED_LIMIT,
				  "at its limit with no swap: its accesses "
				  "wait for frames",
				  g);
	atomic_fetch_add(&d->retries, 1);
	return PAGE_RETRY;
}

/* Caller holds d->lock; e is UNPOPULATED or BALLOONED. */
static void *dom_mem_populate_one(struct dom_mem *d, gfn_t g,
				  struct p2m_entry e, bool host)
{
	mfn_t m;
	int err = dom_mem_get_frame(d, g, host, &m);

	if (err)
		return dom_mem_no_frame(d, g, err);
	if (e.type == P2M_BALLOONED)
		atomic_fetch_sub(&d->ballooned, 1);
	p2m_set(&d->p2m, g, P2M_PRESENT, m.v);
	atomic_fetch_add(&d->populate_faults, 1);
	return mpool_ptr(&d->host->pool, m);
}

/* A swapped page came back other than it was written: the domain's memory
 * is not what it wrote, so it must not run on.  One line; *crash tells
 * the caller to end the domain once the lock is dropped.  Caller holds
 * d->lock. */
static void *dom_mem_corrupt(struct dom_mem *d, gfn_t g, uint32_t slot,
			     bool *crash)
{
	if (!atomic_exchange(&d->crashed, true)) {
		log_dom_error(d->name,
			      "gfn 0x%" PRIx64 ": swap slot %" PRIu32
			      " fails its checksum (the swap file was changed "
			      "behind atoll's back): domain crashed",
			      g.v, slot);
		*crash = d->crash != NULL;
	}
	return NULL;
}

/* Caller holds d->lock (dropped and retaken around the read); e is
 * SWAPPED.  A read error loses the page: the access faults, once said; a
 * checksum mismatch crashes the domain (dom_mem_corrupt). */
static void *dom_mem_swap_in(struct dom_mem *d, gfn_t g, struct p2m_entry e,
			     bool host, bool *crash)
{
	struct mem_host *mh = d->host;
	mfn_t m;
	int err = dom_mem_get_frame(d, g, host, &m);

	if (err)
		return dom_mem_no_frame(d, g, err);
	/* BUSY keeps everyone else off this entry while the lock is
	 * dropped; the fresh frame is mapped by no one yet. */
	p2m_set(&d->p2m, g, P2M_BUSY, m.v);
	pthread_mutex_unlock(&d->lock);
	err = swap_read(&mh->swap, e.val, mpool_ptr(&mh->pool, m));
	pthread_mutex_lock(&d->lock);
	dom_mem_wake(d);
	if (err) {
		p2m_set(&d->p2m, g, P2M_SWAPPED, e.val);
		atomic_fetch_sub(&d->populated, 1);
		mpool_free(&mh->pool, &m, 1);
		if (err == -EBADMSG)
			return dom_mem_corrupt(d, g, e.val, crash);
		dom_mem_warn_once(d, DOM_MEM_WARNED_SWAPIN,
				  "swap-in read failed: access faults", g);
		return NULL;
	}
	p2m_set(&d->p2m, g, P2M_PRESENT, m.v);
	swap_free(&mh->swap, e.val);
	atomic_fetch_sub(&d->swapped, 1);
	atomic_fetch_add(&d->swap_ins, 1);
	return mpool_ptr(&mh->pool, m);
}

void *dom_mem_fault(struct dom_mem *d, gfn_t g, bool write, bool host)
{
	struct p2m_entry e;
	uint32_t put = MFN_NONE;
	uint64_t t[3] = { 0 }, copy_ns = 0;
	bool crash = false;
	void *p = NULL;

	if (!p2m_contains(&d->p2m, g))
		return NULL;
	fault_seen = mem_wake_seen(&d->host->wake);
	/* Crashed: nothing more for it.  Its vCPUs retry until they see the
	 * stop the crash posted (host copies and a domain without a crash
	 * callback fault instead). */
	if (atomic_load_explicit(&d->crashed, memory_order_relaxed))
		return host || !d->crash ? NULL : PAGE_RETRY;
	/* A guest's write to a shared page: a copy-on-write break, timed
	 * in parts on this thread (share_time.c) if it copies. */
	if (write && !host && p2m_get(&d->p2m, g).type == P2M_SHARED)
		t[0] = policy_now_ns();
	pthread_mutex_lock(&d->lock);
	if (t[0])
		t[1] = policy_now_ns();
	if (!host) /* a guest access: the working-set sampler's evidence */
		wss_touch_locked(&d->wss, &d->p2m, g);
	e = p2m_get(&d->p2m, g);
	switch (e.type) {
	case P2M_PRESENT: p = mpool_ptr(&d->host->pool, mfn(e.val)); break;
	case P2M_SHARED:
		/* Read-only: the soft TLB has no store entry for it, so a
		 * write comes here and gets a private copy. */
		p = write ? share_break(d, g.v, e.val, &put,
					t[0] ? &copy_ns : NULL)
			  : mpool_ptr(&d->host->pool, mfn(e.val));
		break;
	case P2M_UNPOPULATED:
	case P2M_BALLOONED: p = dom_mem_populate_one(d, g, e, host); break;
	case P2M_SWAPPED: p = dom_mem_swap_in(d, g, e, host, &crash); break;
	default: /* BUSY: someone else is moving it */
		atomic_fetch_add(&d->retries, 1);
		p = PAGE_RETRY;
		break;
	}
	pthread_mutex_unlock(&d->lock);
	if (t[0])
		t[2] = policy_now_ns();
	/* A copy replaced the shared frame: every vCPU (this one too) drops
	 * what it has of g before the write lands in the copy. */
	if (put != MFN_NONE) {
		uint64_t gpa = g.v << PAGE_SHIFT;
		mfn_t m = mfn(put);

		dom_mem_shootdown(d, &gpa, 1);
		if (share_put(d->host, put))
			mpool_free(&d->host->pool, &m, 1);
		/* A vCPU serves the others' shootdowns while it waits for its
		 * own: the scanner may have taken the copy meanwhile.  The
		 * caller caches p in its TLB, so it must still be g's frame;
		 * else the access is simply retried. */
		e = p2m_get(&d->p2m, g);
		if (e.type != P2M_PRESENT ||
		    mpool_ptr(&d->host->pool, mfn(e.val)) != p) {
			atomic_fetch_add(&d->retries, 1);
			p = PAGE_RETRY;
		}
		if (t[0])
			share_time_add(&d->cow_times, &d->host->share.cow_times,
				       t[0], t[1], t[2], policy_now_ns(),
				       copy_ns);
	}
	if (crash)
		d->crash(d->crash_ctx);
	if (!p && !host && d->crash && atomic_load(&d->crashed))
		return PAGE_RETRY; /* the stop is posted: no guest fault */
	return p;
}
