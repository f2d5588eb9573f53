/* Live SLA changes (reservation, limit, shares, target of one domain):
 * checked as a whole against the domain and admission control, then
 * applied at once, or nothing changes. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "mem/policy_impl.h"

struct sla_new {
	uint64_t res, limit, target;
	uint32_t shares;
};

/* The values after the change: given ones, else the current ones, with an
 * untouched target moved inside the new [reservation, limit]. */
static void sla_merge(const struct dom_mem *d, const struct dom_mem_sla *s,
		      struct sla_new *n)
{
	n->res = s->has_reservation ? s->reservation : d->reservation;
	n->limit = s->has_limit ? s->limit : d->limit;
	n->shares = s->has_shares ? s->shares : d->shares;
	n->target = s->has_target ? s->target : d->target;
	if (!s->has_target && n->target > n->limit)
		n->target = n->limit;
	if (!s->has_target && n->target < n->res)
		n->target = n->res;
}

/* 0, or -EINVAL with the reason.  Caller holds mh->policy_lock. */
static int sla_check(const struct dom_mem *d, const struct dom_mem_sla *s,
		     const struct sla_new *n, char *why, size_t len)
{
	const char *w = NULL;

	if (s->has_shares && (n->shares < 1 || n->shares > POLICY_SHARES_MAX))
		w = "shares must be from 1 to 1000000";
	else if (n->limit > d->maxmem || n->limit == 0)
		snprintf(why, len,
			 "limit must be from 1 frame to maxmem (%" PRIu64
			 " frames)",
			 d->maxmem);
	else if (n->res > n->limit)
		w = "reservation must not be above limit";
	else if (n->target < n->res || n->target > n->limit)
		snprintf(why, len,
			 "target %" PRIu64 " frames is outside %" PRIu64
			 "..%" PRIu64 " (reservation..limit)",
			 n->target, n->res, n->limit);
	else
		return 0;
	if (w)
		snprintf(why, len, "%s", w);
	return -EINVAL;
}

/* Admission control for a new reservation: the others' plus this one
 * must fit in the pool.  Takes mh->lock; on success the sum is updated. */
static int sla_admit(struct mem_host *mh, struct dom_mem *d, uint64_t res,
		     char *why, size_t len)
{
	int err = 0;

	pthread_mutex_lock(&mh->lock);
	if (mh->reserved - d->reservation + res > mh->pool.nframes) {
		snprintf(
			why, len,
			"a reservation of %" PRIu64
			" frames cannot be guaranteed: the others hold %" PRIu64
			" of %u frames reserved",
			res, mh->reserved - d->reservation, mh->pool.nframes);
		err = -ENOSPC;
	} else {
		mh->reserved = mh->reserved - d->reservation + res;
	}
	pthread_mutex_unlock(&mh->lock);
	return err;
}

int dom_mem_set_sla(struct dom_mem *d, const struct dom_mem_sla *s, char *why,
		    size_t len)
{
	struct mem_host *mh = d->host;
	struct sla_new n;
	int err;

	why[0] = 0;
	pthread_mutex_lock(&mh->policy_lock);
	sla_merge(d, s, &n);
	err = sla_check(d, s, &n, why, len);
	if (!err)
		err = sla_admit(mh, d, n.res, why, len);
	if (!err) {
		/* reservation and limit are read under d->lock or under
		 * mh->lock (the unheld sum), so both are held. */
		pthread_mutex_lock(&d->lock);
		pthread_mutex_lock(&mh->lock);
		d->reservation = n.res;
		d->limit = n.limit;
		d->shares = n.shares;
		pthread_mutex_unlock(&mh->lock);
		pthread_mutex_unlock(&d->lock);
		dom_mem_retarget(d, n.target);
	}
	pthread_mutex_unlock(&mh->policy_lock);
	return err;
}
