/* The host's memory manager (see memhost.h): pool, swap, the list of
 * domains, reservation accounting and the invariant check.  The reclaimer
 * thread lives in reclaim.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/log.h"
#include "mem/mem_internal.h"

/* The pool's on_free: frames came back, so a thread waiting for one may
 * get it now. */
static void mem_host_freed(void *ctx)
{
	struct mem_host *mh = ctx;

	mem_wake_kick(&mh->wake);
}

int mem_host_init(struct mem_host *mh, const struct mem_host_config *cfg)
{
	uint64_t swap_size =
		cfg->swap_size ? cfg->swap_size : cfg->machine_memory * 2;
	pthread_condattr_t ca;
	const char *why;
	int err;

	memset(mh, 0, sizeof(*mh));
	mh->pcfg = cfg->policy;
	if (policy_config_check(&mh->pcfg, &why)) {
		log_error("memory policy: %s", why);
		return -EINVAL;
	}
	err = mpool_init(&mh->pool, cfg->machine_memory);
	if (err) {
		log_error("machine memory of %llu bytes: %s (a multiple "
			  "of 4 KiB, at least 1 MiB)",
			  (unsigned long long)cfg->machine_memory,
			  strerror(-err));
		return err;
	}
	if (cfg->swap_path)
		err = swap_init(&mh->swap, cfg->swap_path, swap_size);
	else
		swap_init_none(&mh->swap);
	if (err)
		goto err_pool;
	err = share_init(&mh->share, mh->pool.nframes);
	if (err) {
		log_error("cannot allocate the share table: %s",
			  strerror(-err));
		goto err_swap_file;
	}
	pthread_mutex_init(&mh->lock, NULL);
	pthread_mutex_init(&mh->reclaim_lock, NULL);
	pthread_mutex_init(&mh->policy_lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&mh->need_reclaim, &ca);
	pthread_cond_init(&mh->policy_wake, &ca);
	pthread_condattr_destroy(&ca);
	wss_host_init(&mh->wss);
	mem_wake_init(&mh->wake);
	mh->pool.on_free = mem_host_freed;
	mh->pool.on_free_ctx = mh;
	err = -pthread_create(&mh->reclaimer, NULL, mem_reclaim_main, mh);
	if (err) {
		log_error("cannot start the reclaimer: %s", strerror(-err));
		goto err_swap;
	}
	mh->reclaimer_started = true;
	if (cfg->share_rate) {
		err = share_scan_start(mh, cfg->share_rate);
		if (err) {
			log_error("cannot start the sharing scanner: %s",
				  strerror(-err));
			mem_host_destroy(mh);
			return err;
		}
	}
	return 0;

err_swap:
	mem_wake_destroy(&mh->wake);
	wss_host_destroy(&mh->wss);
	pthread_cond_destroy(&mh->policy_wake);
	pthread_mutex_destroy(&mh->policy_lock);
	pthread_cond_destroy(&mh->need_reclaim);
	pthread_mutex_destroy(&mh->reclaim_lock);
	pthread_mutex_destroy(&mh->lock);
	share_destroy(&mh->share);
err_swap_file:
	swap_destroy(&mh->swap);
err_pool:
	mpool_destroy(&mh->pool);
	return err;
}

/* Every domain must be destroyed first. */
void mem_host_destroy(struct mem_host *mh)
{
	share_scan_stop(mh);
	mem_policy_stop(mh);
	if (mh->reclaimer_started) {
		pthread_mutex_lock(&mh->lock);
		mh->stopping = true;
		pthread_cond_broadcast(&mh->need_reclaim);
		pthread_mutex_unlock(&mh->lock);
		pthread_join(mh->reclaimer, NULL);
		mh->reclaimer_started = false;
	}
	if (mh->domains)
		log_error("memory host destroyed with domains");
	wss_host_destroy(&mh->wss);
	pthread_cond_destroy(&mh->policy_wake);
	pthread_mutex_destroy(&mh->policy_lock);
	pthread_cond_destroy(&mh->need_reclaim);
	pthread_mutex_destroy(&mh->reclaim_lock);
	pthread_mutex_destroy(&mh->lock);
	share_destroy(&mh->share);
	swap_destroy(&mh->swap);
	mpool_destroy(&mh->pool);
	mem_wake_destroy(&mh->wake);
}

static uint64_t dom_unheld(const struct dom_mem *d)
{
	uint64_t held = atomic_load(&d->populated);

	return d->reservation > held ? d->reservation - held : 0;
}

uint64_t mem_host_unheld_locked(struct mem_host *mh)
{
	uint64_t sum = 0;

	for (struct dom_mem *o = mh->domains; o; o = o->next)
		sum += dom_unheld(o);
	return sum;
}

/* Free frames d may take: the others' unheld reservations are set aside
 * (d's own is not: it is what it may take first).  Caller holds mh->lock. */
static uint64_t mh_available_locked(struct mem_host *mh,
				    const struct dom_mem *d)
{
	uint64_t nfree = mpool_nfree(&mh->pool);
	uint64_t aside = mem_host_unheld_locked(mh);

	if (d && !d->dying)
		aside -= dom_unheld(d) <= aside ? dom_unheld(d) : aside;
	return nfree > aside ? nfree - aside : 0;
}

uint64_t mem_host_available(struct mem_host *mh, const struct dom_mem *d)
{
	uint64_t n;

	pthread_mutex_lock(&mh->lock);
	n = mh_available_locked(mh, d);
	pthread_mutex_unlock(&mh->lock);
	return n;
}

/* Low watermark: 1 % of the pool (at least 16 frames) beyond the unheld
 * reservations.  Caller holds mh->lock. */
static void mh_check_low_locked(struct mem_host *mh)
{
	uint64_t low = mh->pool.nframes / 100 + 16;

	if (mpool_nfree(&mh->pool) < mem_host_unheld_locked(mh) + low &&
	    !mh->kicked) {
		mh->kicked = true;
		pthread_cond_signal(&mh->need_reclaim);
	}
}

/* May d grow by n frames now?  With the manager running, growth above a
 * domain's reservation waits while it would leave less than the hard
 * threshold free (the balloons are giving frames back: growth is paced
 * by them rather than paid for by swapping), and in the low state a
 * domain at its target does not grow at all (host copies could otherwise
 * take it up to its limit).  Caller holds mh->lock. */
static bool mh_may_grow_locked(struct mem_host *mh, struct dom_mem *d,
			       uint64_t avail, uint32_t n)
{
	uint64_t held = atomic_load(&d->populated);

	if (avail < n)
		return false;
	if (!mh->policy_running || held + n <= d->reservation)
		return true;
	if (avail - n < policy_pct(mh, mh->pcfg.hard))
		return false;
	return atomic_load_explicit(&mh->state, memory_order_relaxed) !=
		       MEM_STATE_LOW ||
	       held + n <= d->target;
}

int mem_host_take(struct mem_host *mh, struct dom_mem *d, uint32_t n,
		  uint32_t want, mfn_t *out)
{
	int err = -ENOMEM;

	pthread_mutex_lock(&mh->lock);
	if (mh_may_grow_locked(mh, d, mh_available_locked(mh, d), n))
		err = n == 1 && want != UINT32_MAX
			      ? mpool_alloc_at(&mh->pool, d->domid, want, out)
			      : mpool_alloc(&mh->pool, d->domid, n, out);
	if (!err)
		atomic_fetch_add(&d->populated, n);
	else
		mh->stat_waits++;
	mh_check_low_locked(mh);
	pthread_mutex_unlock(&mh->lock);
	return err;
}

int mem_host_take_copy(struct mem_host *mh, struct dom_mem *d, mfn_t *out)
{
	int err = -ENOMEM;

	pthread_mutex_lock(&mh->lock);
	if (mh_available_locked(mh, d) >= 1)
		err = mpool_alloc_warm(&mh->pool, d->domid, 1, out);
	if (err)
		mh->stat_waits++;
	mh_check_low_locked(mh);
	pthread_mutex_unlock(&mh->lock);
	return err;
}

void mem_host_kick_reclaim(struct mem_host *mh)
{
	pthread_mutex_lock(&mh->lock);
	mh->kicked = true;
	pthread_cond_signal(&mh->need_reclaim);
	pthread_mutex_unlock(&mh->lock);
}

bool mem_host_can_swap(struct mem_host *mh)
{
	return mh->swap.fd >= 0 &&
	       !__atomic_load_n(&mh->swap.broken, __ATOMIC_RELAXED);
}

void mem_host_want_steal(struct mem_host *mh, struct dom_mem *d, uint64_t n)
{
	uint64_t cur = atomic_load(&d->steal_wanted);

	while (cur < n &&
	       !atomic_compare_exchange_weak(&d->steal_wanted, &cur, n))
		;
	mem_host_kick_reclaim(mh);
}

void mem_host_get_stats(struct mem_host *mh, struct mem_host_stats *st)
{
	memset(st, 0, sizeof(*st));
	pthread_mutex_lock(&mh->lock);
	st->frames = mh->pool.nframes;
	st->free = mpool_nfree(&mh->pool);
	st->reserved_unheld = mem_host_unheld_locked(mh);
	st->reclaim_runs = mh->stat_reclaim_runs;
	st->waits = mh->stat_waits;
	pthread_mutex_unlock(&mh->lock);
	st->state = (uint32_t)atomic_load(&mh->state);
	st->transitions = atomic_load(&mh->stat_transitions);
	st->policy_runs = atomic_load(&mh->stat_policy_runs);
	st->wss_passes = atomic_load(&mh->wss.passes);
	st->wss_cpu_ns = atomic_load(&mh->wss.cpu_ns);
	st->mem_waits = atomic_load(&mh->wake.stat_waits);
	st->mem_waits_woken = atomic_load(&mh->wake.stat_woken);
	st->mem_waits_timed_out = atomic_load(&mh->wake.stat_timeouts);
	pthread_mutex_lock(&mh->swap.lock);
	st->swap_slots = mh->swap.nslots;
	st->swap_free = mh->swap.nfree;
	st->swap_outs = __atomic_load_n(&mh->swap.stat_out, __ATOMIC_RELAXED);
	st->swap_ins = __atomic_load_n(&mh->swap.stat_in, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&mh->swap.lock);
	share_get_stats(mh, &st->share);
}

/* One domain's part of mem_host_check; adds its SWAPPED count to *swapped. */
static int mh_check_domain(struct mem_host *mh, struct dom_mem *d,
			   uint64_t *swapped)
{
	uint64_t n[P2M_BUSY + 1] = { 0 };
	uint64_t owned = mpool_owned_by(&mh->pool, d->domid);

	for (uint64_t i = 0; i < d->p2m.nr; i++) {
		struct p2m_entry e = p2m_get(&d->p2m, gfn(d->p2m.base + i));

		n[e.type <= P2M_BUSY ? e.type : P2M_BUSY]++;
		if (e.type == P2M_PRESENT &&
		    atomic_load(&mh->pool.ft[e.val].owner) != d->domid) {
			log_dom_error(d->name, "gfn 0x%llx maps mfn 0x%x of %u",
				      (unsigned long long)(d->p2m.base + i),
				      e.val,
				      atomic_load(&mh->pool.ft[e.val].owner));
			return -EINVAL;
		}
	}
	*swapped += n[P2M_SWAPPED];
	/* Charged per gfn mapped: a shared frame counts for each sharer. */
	if (owned != n[P2M_PRESENT] || owned + n[P2M_SHARED] != d->populated ||
	    n[P2M_SHARED] != d->shared || n[P2M_SWAPPED] != d->swapped ||
	    n[P2M_BALLOONED] != d->ballooned || n[P2M_BUSY]) {
		log_dom_error(
			d->name,
			"owns %llu, present %llu, shared %llu/%llu, populated "
			"%llu, swapped %llu/%llu, ballooned %llu/%llu, busy "
			"%llu",
			(unsigned long long)owned,
			(unsigned long long)n[P2M_PRESENT],
			(unsigned long long)n[P2M_SHARED],
			(unsigned long long)d->shared,
			(unsigned long long)d->populated,
			(unsigned long long)n[P2M_SWAPPED],
			(unsigned long long)d->swapped,
			(unsigned long long)n[P2M_BALLOONED],
			(unsigned long long)d->ballooned,
			(unsigned long long)n[P2M_BUSY]);
		return -EINVAL;
	}
	return 0;
}

int mem_host_check(struct mem_host *mh)
{
	uint64_t swapped = 0;
	int err = mpool_check(&mh->pool);

	/* The share lock comes before the host lock (share.c). */
	pthread_mutex_lock(&mh->share.lock);
	pthread_mutex_lock(&mh->lock);
	for (struct dom_mem *d = mh->domains; d && !err; d = d->next)
		err = mh_check_domain(mh, d, &swapped);
	if (!err)
		err = share_check_locked(mh);
	pthread_mutex_unlock(&mh->lock);
	pthread_mutex_unlock(&mh->share.lock);
	if (!err && mh->swap.fd >= 0 &&
	    swapped + swap_nfree(&mh->swap) != mh->swap.nslots) {
		log_error("swap: %llu slots used + %u free != %u",
			  (unsigned long long)swapped, swap_nfree(&mh->swap),
			  mh->swap.nslots);
		err = -EINVAL;
	}
	return err;
}
