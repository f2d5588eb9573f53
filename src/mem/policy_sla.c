/* Live SLA changes (reservation, limit, shares, target of one domain):
 * checked as a whole against the domain and admission control, then
 * applied at once, or nothing changes. */
#include <errno.h>
#include <stdio.h>

#include "lib/size.h"
#include "mem/policy_impl.h"

/* Frames as people read them ("12.5 MiB"). */
#define MIB(frames, buf) size_format((uint64_t)(frames) << PAGE_SHIFT, buf)

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
	char b1[SIZE_BUF], b2[SIZE_BUF], b3[SIZE_BUF];

	if (s->has_shares && (n->shares < 1 || n->shares > POLICY_SHARES_MAX))
		w = "shares must be from 1 to 1000000";
	else if (n->limit > d->maxmem || n->limit == 0)
		snprintf(why, len, "limit must be from 4 KiB to maxmem (%s)",
			 MIB(d->maxmem, b1));
	else if (n->res > n->limit)
		w = "reservation must not be above limit";
	else if (n->target < n->res || n->target > n->limit)
		snprintf(why, len,
			 "target %s is outside %s..%s (reservation..limit)",
			 MIB(n->target, b1), MIB(n->res, b2),
			 MIB(n->limit, b3));
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
	char b1[SIZE_BUF], b2[SIZE_BUF], b3[SIZE_BUF];

	pthread_mutex_lock(&mh->lock);
	if (mh->reserved - d->reservation + res > mh->pool.nframes) {
		snprintf(why, len,
			 "a reservation of %s cannot be guaranteed: the others "
			 "hold %s of %s reserved",
			 MIB(res, b1), MIB(mh->reserved - d->reservation, b2),
			 MIB(mh->pool.nframes, b3));
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
		if (s->has_target)
			atomic_store(&d->user_target, true);
		dom_mem_retarget(d, n.target);
	}
	pthread_mutex_unlock(&mh->policy_lock);
	return err;
}

/* What must stay available to the others while d holds `frames`: their
 * reservations, or their user-set targets where larger.  Frames; caller
 * holds mh->policy_lock. */
static uint64_t user_target_others(struct mem_host *mh, struct dom_mem *d)
{
	uint64_t sum = 0;

	pthread_mutex_lock(&mh->lock);
	for (struct dom_mem *o = mh->domains; o; o = o->next) {
		uint64_t need = o->reservation;

		if (o == d || o->dying)
			continue;
		if (atomic_load(&o->user_target) && o->target > need)
			need = o->target;
		sum += need;
	}
	pthread_mutex_unlock(&mh->lock);
	return sum;
}

int dom_mem_set_user_target(struct dom_mem *d, uint64_t frames, char *why,
			    size_t len)
{
	struct mem_host *mh = d->host;
	char b1[SIZE_BUF], b2[SIZE_BUF], b3[SIZE_BUF];
	uint64_t others;
	int err = 0;

	why[0] = 0;
	pthread_mutex_lock(&mh->policy_lock);
	if (frames == POLICY_TARGET_AUTO) {
		atomic_store(&d->user_target, false);
		goto out;
	}
	others = user_target_others(mh, d);
	if (frames < d->reservation || frames > d->limit) {
		snprintf(why, len,
			 "target %s is outside %s..%s (reservation..limit)",
			 MIB(frames, b1), MIB(d->reservation, b2),
			 MIB(d->limit, b3));
		err = -EINVAL;
	} else if (others + frames > mh->pool.nframes) {
		snprintf(why, len,
			 "target %s cannot be honoured: the others' "
			 "reservations and set targets need %s of the %s of "
			 "machine memory",
			 MIB(frames, b1), MIB(others, b2),
			 MIB(mh->pool.nframes, b3));
		err = -ENOSPC;
	} else {
		atomic_store(&d->user_target, true);
		dom_mem_retarget(d, frames);
	}
out:
	pthread_mutex_unlock(&mh->policy_lock);
	return err;
}
