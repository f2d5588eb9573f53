/* The reclaimer: one thread that swaps frames out of domains when the pool
 * runs low, and out of a domain that reached its own allowance (its faults
 * above target are paid by its own random victims, as ESX does).  It never
 * takes a domain below its reservation for the pool's sake. */
#include <errno.h>
#include <time.h>

#include "mem/mem_internal.h"

#define RECLAIM_BATCH 64u /* frames per swap-out call */
#define RECLAIM_MAX_SKIP 64 /* domains remembered as unstealable per run */
#define RECLAIM_PERIOD_MS 100 /* watermark check without a kick */

/* High watermark: 2 % of the pool (at least 32 frames) free beyond the
 * reservations not yet held. */
static uint64_t reclaim_goal_locked(struct mem_host *mh)
{
	return mem_host_unheld_locked(mh) + mh->pool.nframes / 50 + 32;
}

static bool reclaim_skipped(struct dom_mem *d, struct dom_mem **skip,
			    unsigned nskip)
{
	for (unsigned k = 0; k < nskip; k++)
		if (skip[k] == d)
			return true;
	return false;
}

/* May the pool's reclaim swap from d?  Above its reservation; with the
 * manager running (balloon first, steal last) only above its target, and
 * only when it is late ballooning or the host is in the hard or low
 * state.  Caller holds mh->lock. */
static bool reclaim_may_steal(struct mem_host *mh, struct dom_mem *d,
			      uint64_t held)
{
	if (held <= d->reservation)
		return false;
	if (!mh->policy_running)
		return true;
	return held > d->target && (atomic_load(&d->steal_ok) ||
				    atomic_load(&mh->state) >= MEM_STATE_HARD);
}

/* The domain to steal from: one reclaim_may_steal allows, most above its
 * target first, then most above its reservation.  Caller holds mh->lock. */
static struct dom_mem *reclaim_pick_locked(struct mem_host *mh,
					   struct dom_mem **skip,
					   unsigned nskip, uint64_t *can)
{
	struct dom_mem *best = NULL;
	int64_t best_over = INT64_MIN;

	for (struct dom_mem *d = mh->domains; d; d = d->next) {
		uint64_t held = atomic_load(&d->populated);
		int64_t over = (int64_t)held - (int64_t)d->target;

		if (!reclaim_may_steal(mh, d, held) ||
		    reclaim_skipped(d, skip, nskip))
			continue;
		if (!best || over > best_over ||
		    (over == best_over && held - d->reservation > *can)) {
			best = d;
			best_over = over;
			*can = held - d->reservation;
		}
	}
	return best;
}

/* Serve domains that asked to swap out of themselves. */
static void reclaim_self_steals(struct mem_host *mh)
{
	for (;;) {
		struct dom_mem *d = NULL;
		uint64_t n = 0;

		pthread_mutex_lock(&mh->lock);
		for (d = mh->domains; d; d = d->next)
			if ((n = atomic_exchange(&d->steal_wanted, 0)))
				break;
		pthread_mutex_unlock(&mh->lock);
		if (!d)
			return;
		dom_mem_swap_out(d, n);
		/* Even if nothing could be stolen: let the faulting vCPUs
		 * look again (they may grow past target without swap). */
		dom_mem_wake(d);
	}
}

/* Swap out of domains above their reservation until the pool is above the
 * high watermark or nothing more can be stolen. */
static void reclaim_pool(struct mem_host *mh)
{
	struct dom_mem *skip[RECLAIM_MAX_SKIP];
	unsigned nskip = 0;

	while (nskip < RECLAIM_MAX_SKIP && mem_host_can_swap(mh)) {
		struct dom_mem *d;
		uint64_t goal, nfree, can = 0, n;

		pthread_mutex_lock(&mh->lock);
		goal = reclaim_goal_locked(mh);
		nfree = mpool_nfree(&mh->pool);
		d = nfree < goal ? reclaim_pick_locked(mh, skip, nskip, &can)
				 : NULL;
		pthread_mutex_unlock(&mh->lock);
		if (!d)
			return;
		n = goal - nfree;
		n = n < RECLAIM_BATCH ? n : RECLAIM_BATCH;
		n = n < can ? n : can;
		if (dom_mem_swap_out(d, n) <= 0)
			skip[nskip++] = d;
	}
}

/* Wake every domain's waiting vCPUs: frames may have come. */
static void reclaim_wake_all(struct mem_host *mh)
{
	mem_wake_kick(&mh->wake);
}

static void reclaim_run(struct mem_host *mh)
{
	pthread_mutex_lock(&mh->reclaim_lock);
	reclaim_self_steals(mh);
	reclaim_pool(mh);
	pthread_mutex_unlock(&mh->reclaim_lock);
	reclaim_wake_all(mh);
}

/* Sleep until kicked (or the period passed and the pool is low). */
static bool reclaim_sleep_locked(struct mem_host *mh)
{
	while (!mh->stopping && !mh->kicked) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += RECLAIM_PERIOD_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		if (pthread_cond_timedwait(&mh->need_reclaim, &mh->lock, &ts) ==
			    ETIMEDOUT &&
		    mpool_nfree(&mh->pool) < mem_host_unheld_locked(mh) +
						     mh->pool.nframes / 100 +
						     16)
			mh->kicked = true;
	}
	mh->kicked = false;
	return !mh->stopping;
}

void *mem_reclaim_main(void *arg)
{
	struct mem_host *mh = arg;

	pthread_mutex_lock(&mh->lock);
	while (reclaim_sleep_locked(mh)) {
		mh->stat_reclaim_runs++;
		pthread_mutex_unlock(&mh->lock);
		reclaim_run(mh);
		pthread_mutex_lock(&mh->lock);
	}
	pthread_mutex_unlock(&mh->lock);
	return NULL;
}
