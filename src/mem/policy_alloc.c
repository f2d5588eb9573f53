/* Proportional share with an idle-memory tax, as ESX's (Waldspurger,
 * "Memory Resource Management in VMware ESX Server", 2002): memory above
 * the reservations goes where shares per page are highest; a page the
 * guest leaves idle costs k = 1 / (1 - tax) times an active one, so idle
 * memory is reclaimed first.  Revocation takes from the domain with the
 * lowest rho = shares / (active + k * idle) (min-funding revocation).
 *
 * Also the guest's request for more: the free pool first (keeping the
 * high threshold free when the manager runs), then the domains whose rho
 * is below the requester's. */
#include <errno.h>

#include "mem/policy_impl.h"

#define REVOKE_MAX_STEPS 256 /* bounds one revocation's work */
#define REVOKE_MIN_CHUNK 32u /* frames moved per step, at least */

uint64_t policy_pct(const struct mem_host *mh, uint32_t pct)
{
	/* Of the memory domains contend for: what is not reserved. */
	uint64_t n = mh->pool.nframes, r = mh->reserved;

	return (n > r ? n - r : 0) * pct / 100;
}

/* One domain's entry.  Caller holds mh->policy_lock and mh->lock. */
static void policy_snap_one(struct mem_host *mh, struct dom_mem *d,
			    struct pol_dom *p, uint64_t now)
{
	uint64_t above, unheld, gfree, sidle = 0;

	p->d = d;
	p->held = atomic_load(&d->populated);
	p->target = d->target;
	p->floor = d->reservation;
	p->ceil = d->limit < d->maxmem ? d->limit : d->maxmem;
	p->shares = d->shares;
	p->reports = atomic_load(&d->guest_reports) != 0 &&
		     now - d->seen_report_ns <
			     (uint64_t)mh->pcfg.balloon_timeout_ms * 1000000u;
	above = p->target > p->floor ? p->target - p->floor : 0;
	unheld = p->target > p->held ? p->target - p->held : 0;
	/* What the guest reports free (it includes pages it never touched);
	 * without reports, what it was allowed and never took.  Frames just
	 * granted are not idle: they are on their way into the guest. */
	gfree = atomic_load(&d->guest_free_frames);
	/* The sampled working set (wss.c), with no guest help: what it holds
	 * and did not touch is idle too, so a silent guest is taxed.  A
	 * report and the sample each bound idle memory from below: the
	 * larger counts, and a guest cannot hide idle memory by reporting
	 * less.  Pages that arrived after the running period's sample was
	 * drawn are not judged: a growing domain is not idle. */
	if (atomic_load(&d->wss.periods)) {
		uint64_t act = atomic_load(&d->wss.active);
		uint64_t seen = atomic_load(&d->wss.seen);

		seen = seen < p->held ? seen : p->held;
		sidle = seen > act ? seen - act : 0;
	}
	if (p->reports)
		p->idle = gfree > sidle ? gfree : sidle;
	else
		p->idle = unheld + sidle;
	p->idle = p->idle < above ? p->idle : above;
}

void policy_snapshot(struct mem_host *mh, struct pol_view *v)
{
	uint64_t now = policy_now_ns(), unheld;

	v->n = 0;
	v->promised = 0;
	pthread_mutex_lock(&mh->lock);
	v->total = mh->pool.nframes;
	unheld = mem_host_unheld_locked(mh);
	v->free = mpool_nfree(&mh->pool);
	v->free = v->free > unheld ? v->free - unheld : 0;
	for (struct dom_mem *d = mh->domains; d && v->n < POLICY_MAX_DOMS;
	     d = d->next) {
		struct pol_dom *p = &v->dom[v->n++];

		/* Reports seen move the clock of the balloon timeout. */
		if (atomic_load(&d->guest_reports) != d->seen_reports) {
			d->seen_reports = atomic_load(&d->guest_reports);
			d->seen_report_ns = now;
		}
		policy_snap_one(mh, d, p, now);
		if (p->target > p->held)
			v->promised += p->target - p->held;
	}
	pthread_mutex_unlock(&mh->lock);
}

double policy_rho(const struct mem_host *mh, const struct pol_dom *p,
		  int64_t delta)
{
	double k = 100.0 / (double)(100 - mh->pcfg.idle_tax);
	uint64_t above = p->target > p->floor ? p->target - p->floor : 0;
	uint64_t idle = p->idle, active = above - idle;

	if (delta >= 0) {
		active += (uint64_t)delta;
	} else {
		uint64_t take = (uint64_t)-delta, from_idle;

		from_idle = take < idle ? take : idle;
		idle -= from_idle;
		take -= from_idle;
		active -= take < active ? take : active;
	}
	return (double)p->shares / ((double)active + k * (double)idle + 1.0);
}

/* The candidate with the lowest rho that can give (target above its
 * reservation), or NULL. */
static struct pol_dom *policy_victim(struct mem_host *mh, struct pol_view *v,
				     const struct pol_dom *except, double *rho)
{
	struct pol_dom *best = NULL;

	for (unsigned i = 0; i < v->n; i++) {
		struct pol_dom *p = &v->dom[i];
		double r;

		if (p == except || p->target <= p->floor || p->d->dying ||
		    atomic_load(&p->d->user_target))
			continue;
		r = policy_rho(mh, p, 0);
		if (!best || r < *rho) {
			best = p;
			*rho = r;
		}
	}
	return best;
}

/* Take c frames off p's target in the view; the frames it frees of what
 * it holds (or of its target). */
static uint64_t policy_cut(struct pol_dom *p, uint64_t c, bool held_only)
{
	uint64_t over_before = p->held > p->target ? p->held - p->target : 0;
	uint64_t over_after;

	p->target -= c;
	p->idle -= c < p->idle ? c : p->idle;
	if (!held_only)
		return c;
	over_after = p->held > p->target ? p->held - p->target : 0;
	return over_after - over_before;
}

uint64_t policy_revoke(struct mem_host *mh, struct pol_view *v,
		       const struct pol_dom *except, uint64_t want,
		       double stop_rho, bool held_only)
{
	uint64_t taken = 0, chunk = want / 16;
	bool cut[POLICY_MAX_DOMS] = { false };

	chunk = chunk > REVOKE_MIN_CHUNK ? chunk : REVOKE_MIN_CHUNK;
	for (unsigned step = 0; step < REVOKE_MAX_STEPS && taken < want;
	     step++) {
		double rho = 0;
		struct pol_dom *p = policy_victim(mh, v, except, &rho);
		uint64_t c = want - taken < chunk ? want - taken : chunk;

		if (!p || rho >= stop_rho)
			break;
		c = c < p->target - p->floor ? c : p->target - p->floor;
		taken += policy_cut(p, c, held_only);
		cut[p - v->dom] = true;
	}
	for (unsigned i = 0; i < v->n; i++)
		if (cut[i])
			dom_mem_retarget(v->dom[i].d, v->dom[i].target);
	return taken;
}

/* What the free pool can give d now: free frames beyond the unheld
 * reservations, less every domain's promise (target - held) and, when
 * the manager runs, the high threshold it keeps free. */
static uint64_t policy_from_pool(struct mem_host *mh, const struct pol_view *v)
{
	uint64_t keep = v->promised;

	if (mh->policy_running)
		keep += policy_pct(mh, mh->pcfg.high);
	return v->free > keep ? v->free - keep : 0;
}

/* Grant up to n more frames to `me` by revoking them from others, chunk
 * by chunk while their rho stays below its own after the grant. */
static uint64_t policy_take_for(struct mem_host *mh, struct pol_view *v,
				struct pol_dom *me, uint64_t n)
{
	uint64_t got = 0, chunk = n / 32 > 64 ? n / 32 : 64;

	while (got < n) {
		uint64_t c = n - got < chunk ? n - got : chunk;
		uint64_t t = policy_revoke(
			mh, v, me, c, policy_rho(mh, me, (int64_t)(got + c)),
			false);

		got += t;
		if (t < c)
			break;
	}
	return got;
}

bool policy_may_overshoot(struct dom_mem *d)
{
	struct mem_host *mh = d->host;
	bool ok;

	/* Its balloon is giving back already (it is above its target only
	 * because the target moved under it, or its workload grew before
	 * the balloon's next round); swapping its own pages meanwhile swaps
	 * hot ones, read back soon after.  Late, silent, user-held or
	 * under a hard/low host it pays with its own pages as before. */
	if (!mh->policy_running || atomic_load(&d->user_target) ||
	    !atomic_load(&d->guest_reports) || atomic_load(&d->steal_ok) ||
	    atomic_load(&mh->state) >= MEM_STATE_HARD)
		return false;
	/* The loan stops at the soft threshold: the band below it is for
	 * the domains growing within their targets (paced at hard). */
	pthread_mutex_lock(&mh->lock);
	ok = mpool_nfree(&mh->pool) >
	     mem_host_unheld_locked(mh) + policy_pct(mh, mh->pcfg.soft);
	pthread_mutex_unlock(&mh->lock);
	return ok;
}

long policy_request_more(struct dom_mem *d, uint64_t n)
{
	struct mem_host *mh = d->host;
	struct pol_view v;
	struct pol_dom *me = NULL;
	uint64_t give = 0, room;

	pthread_mutex_lock(&mh->policy_lock);
	policy_snapshot(mh, &v);
	for (unsigned i = 0; i < v.n; i++)
		if (v.dom[i].d == d)
			me = &v.dom[i];
	room = me && me->ceil > me->target ? me->ceil - me->target : 0;
	/* A user-set target holds until a user changes it. */
	if (atomic_load(&d->user_target))
		room = 0;
	n = n < room ? n : room;
	give = policy_from_pool(mh, &v);
	give = give < n ? give : n;
	if (give < n)
		give += policy_take_for(mh, &v, me, n - give);
	if (give)
		dom_mem_retarget(d, me->target + give);
	pthread_mutex_unlock(&mh->policy_lock);
	return give ? (long)give : -ENOMEM;
}
