/* XENMEM operations on a domain's memory: populate_physmap /
 * increase_reservation, decrease_reservation, the guest's request for more
 * and the host's target.
 *
 * A guest may populate only up to its target (min(target, limit)); to
 * grow past it, it asks with request_more first (policy_alloc.c decides).  Populating a gfn already backed (present or swapped)
 * counts as done and takes no frame. */
#include <errno.h>
#include <stdlib.h>

#include "mem/mem_internal.h"

#define OPS_BATCH (1u << DOM_MEM_MAX_ORDER) /* frames per shootdown+free */

/* Is the extent of 2^order gfns at g aligned and inside guest RAM? */
static bool ops_extent_ok(const struct dom_mem *d, uint64_t g, unsigned order)
{
	uint64_t cnt = 1ull << order;

	return !(g & (cnt - 1)) && g - d->p2m.base < d->p2m.nr &&
	       cnt <= d->p2m.nr - (g - d->p2m.base);
}

/* Frames the extent needs, or -EBUSY if an entry is in transition.
 * Caller holds d->lock. */
static long ops_extent_need(struct dom_mem *d, uint64_t g, uint64_t cnt)
{
	long need = 0;

	for (uint64_t k = 0; k < cnt; k++) {
		enum p2m_type t = p2m_get(&d->p2m, gfn(g + k)).type;

		if (t == P2M_BUSY)
			return -EBUSY;
		need += t == P2M_UNPOPULATED || t == P2M_BALLOONED;
	}
	return need;
}

/* Populate one extent, all or nothing.  Caller holds d->lock. */
static int ops_populate_extent(struct dom_mem *d, uint64_t g, uint64_t cnt)
{
	mfn_t m[OPS_BATCH];
	long need = ops_extent_need(d, g, cnt);
	uint32_t j = 0;

	if (need < 0)
		return (int)need;
	if (atomic_load(&d->populated) + (uint64_t)need > dom_mem_allowance(d))
		return -ENOMEM;
	if (need && mem_host_take(d->host, d, (uint32_t)need, UINT32_MAX, m)) {
		mem_host_kick_reclaim(d->host);
		return -ENOMEM;
	}
	for (uint64_t k = 0; k < cnt; k++) {
		gfn_t gk = gfn(g + k);
		enum p2m_type t = p2m_get(&d->p2m, gk).type;

		if (t != P2M_UNPOPULATED && t != P2M_BALLOONED)
			continue;
		if (t == P2M_BALLOONED)
			atomic_fetch_sub(&d->ballooned, 1);
		d->host->pool.ft[m[j].v].gfn_lo = (uint32_t)gk.v;
		p2m_set(&d->p2m, gk, P2M_PRESENT, m[j++].v);
	}
	return 0;
}

long dom_mem_populate(struct dom_mem *d, const uint64_t *gfns, uint64_t n,
		      unsigned order)
{
	long done = 0;

	if (order > DOM_MEM_MAX_ORDER)
		return -EINVAL;
	pthread_mutex_lock(&d->lock);
	for (; (uint64_t)done < n; done++)
		if (!ops_extent_ok(d, gfns[done], order) ||
		    ops_populate_extent(d, gfns[done], 1ull << order))
			break;
	pthread_mutex_unlock(&d->lock);
	return done;
}

/* Frames given back but not yet shot down and freed; np pages to shoot
 * down (a shared gfn is shot down though its frame may stay). */
struct ops_release {
	unsigned n, np, nput;
	mfn_t mfn[OPS_BATCH];
	uint32_t put[OPS_BATCH]; /* shared frames: a reference each */
	uint64_t gpa[OPS_BATCH]; /* | DOM_MEM_SD_CODE: all of them */
};

_Static_assert(OPS_BATCH <= DOM_MEM_SD_PAGES, "a batch is one shootdown");

/* Shoot down and free what r holds.  Called without d->lock. */
static void ops_release_flush(struct dom_mem *d, struct ops_release *r)
{
	if (!r->np)
		return;
	dom_mem_shootdown(d, r->gpa, r->np);
	/* Shared frames lose their references only now: no vCPU reads
	 * them through these gfns any more. */
	for (unsigned k = 0; k < r->nput; k++)
		if (share_put(d->host, r->put[k]))
			r->mfn[r->n++] = mfn(r->put[k]);
	mpool_free(&d->host->pool, r->mfn, r->n);
	r->n = 0;
	r->np = 0;
	r->nput = 0;
}

/* May the extent be given back?  Every gfn backed (present or swapped) or
 * never populated (as Xen's populate-on-demand entries: giving it back
 * costs nothing), none ballooned already, pinned or in transition.
 * Caller holds d->lock. */
static bool ops_extent_removable(struct dom_mem *d, uint64_t g, uint64_t cnt)
{
	for (uint64_t k = 0; k < cnt; k++) {
		struct p2m_entry e = p2m_get(&d->p2m, gfn(g + k));

		if (e.type == P2M_SWAPPED || e.type == P2M_UNPOPULATED)
			continue;
		/* A pinned shared frame stays where it is anyway (it goes
		 * with its last pin): only a private one must be kept. */
		if (e.type == P2M_SHARED)
			continue;
		if (e.type != P2M_PRESENT ||
		    atomic_load(&d->host->pool.ft[e.val].refs))
			return false;
	}
	return true;
}

/* Balloon one extent: its entries now; its frames go to r.  Caller holds
 * d->lock and made room in r. */
static void ops_decrease_extent(struct dom_mem *d, uint64_t g, uint64_t cnt,
				struct ops_release *r)
{
	for (uint64_t k = 0; k < cnt; k++) {
		gfn_t gk = gfn(g + k);
		struct p2m_entry e = p2m_get(&d->p2m, gk);

		/* The gfn comes back as a fresh zero frame: its decoded code
		 * goes, also when it is swapped out (a swap-out keeps the
		 * code, since the bytes come back). */
		if (e.type == P2M_SWAPPED || e.type == P2M_PRESENT ||
		    e.type == P2M_SHARED)
			r->gpa[r->np++] = gk.v << PAGE_SHIFT | DOM_MEM_SD_CODE;
		if (e.type == P2M_SWAPPED) {
			swap_free(&d->host->swap, e.val);
			atomic_fetch_sub(&d->swapped, 1);
		} else if (e.type == P2M_PRESENT || e.type == P2M_SHARED) {
			if (e.type == P2M_PRESENT) {
				r->mfn[r->n++] = mfn(e.val);
			} else {
				share_unmap(d, e.val);
				r->put[r->nput++] = e.val;
			}
			/* Uncharged now, freed after the shootdown. */
			atomic_fetch_sub(&d->populated, 1);
			atomic_fetch_add(&d->reclaimed_balloon, 1);
		}
		p2m_set(&d->p2m, gk, P2M_BALLOONED, 0);
		atomic_fetch_add(&d->ballooned, 1);
	}
}

long dom_mem_decrease(struct dom_mem *d, const uint64_t *gfns, uint64_t n,
		      unsigned order)
{
	uint64_t cnt = 1ull << order;
	struct ops_release *r;
	long done = 0;

	if (order > DOM_MEM_MAX_ORDER)
		return -EINVAL;
	r = malloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->n = 0;
	r->np = 0;
	r->nput = 0;
	pthread_mutex_lock(&d->lock);
	for (; (uint64_t)done < n; done++) {
		uint64_t g = gfns[done];

		if (!ops_extent_ok(d, g, order) ||
		    !ops_extent_removable(d, g, cnt))
			break;
		if (r->np + cnt > OPS_BATCH) {
			pthread_mutex_unlock(&d->lock);
			ops_release_flush(d, r);
			pthread_mutex_lock(&d->lock);
			/* The entries may have moved while unlocked. */
			if (!ops_extent_removable(d, g, cnt))
				break;
		}
		ops_decrease_extent(d, g, cnt, r);
	}
	dom_mem_progress_locked(d);
	dom_mem_wake(d);
	pthread_mutex_unlock(&d->lock);
	ops_release_flush(d, r);
	free(r);
	return done;
}

long dom_mem_request_more(struct dom_mem *d, uint64_t n)
{
	return policy_request_more(d, n);
}

int dom_mem_set_target(struct dom_mem *d, uint64_t frames)
{
	struct mem_host *mh = d->host;
	int err = 0;

	pthread_mutex_lock(&mh->policy_lock);
	if (frames < d->reservation || frames > d->limit)
		err = -EINVAL;
	else
		dom_mem_retarget(d, frames);
	pthread_mutex_unlock(&mh->policy_lock);
	return err;
}

void dom_mem_progress_locked(struct dom_mem *d)
{
	uint64_t now;

	if (!d->ttt_start_ns || atomic_load(&d->populated) > d->target)
		return;
	now = policy_now_ns();
	atomic_store(&d->ttt_ms, (now - d->ttt_start_ns) / 1000000u);
	d->ttt_start_ns = 0;
}

void dom_mem_retarget(struct dom_mem *d, uint64_t t)
{
	pthread_mutex_lock(&d->lock);
	/* Below what it holds, the domain stops growing: its own faults
	 * then swap out its own victims, and its balloon gives back. */
	if (t < d->target && t < atomic_load(&d->populated))
		d->ttt_start_ns = policy_now_ns();
	d->target = t;
	dom_mem_progress_locked(d);
	dom_mem_wake(d);
	pthread_mutex_unlock(&d->lock);
}
