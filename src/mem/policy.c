/* The manager thread (policy.h, docs/policy.md).  Every period it reads
 * each domain's holdings, balloon progress and reports, moves the host
 * between the free-memory states, lowers targets by proportional share
 * when free memory is below the high threshold, and hands domains that
 * are late reaching their target (or never report) to the reclaimer. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib/log.h"
#include "mem/policy_impl.h"

static const char *const state_names[] = { "high", "soft", "hard", "low" };

const char *mem_state_name(enum mem_state s)
{
	return (unsigned)s < 4 ? state_names[s] : "?";
}

uint64_t policy_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void policy_default(uint32_t *v, uint32_t def)
{
	if (!*v)
		*v = def;
}

int policy_config_check(struct policy_config *c, const char **why)
{
	policy_default(&c->period_ms, 100);
	policy_default(&c->high, 6);
	policy_default(&c->soft, 4);
	policy_default(&c->hard, 2);
	policy_default(&c->low, 1);
	policy_default(&c->balloon_timeout_ms, 1000);
	policy_default(&c->idle_tax, 75);
	policy_default(&c->wss_period_ms, WSS_PERIOD_DEFAULT_MS);
	policy_default(&c->wss_sample, WSS_SAMPLE_DEFAULT);
	if (c->wss_off)
		c->wss_sample = 0;
	*why = NULL;
	if (c->high > 50)
		*why = "policy_high must be at most 50 (percent)";
	else if (!(c->high > c->soft && c->soft > c->hard && c->hard > c->low))
		*why = "need policy_high > policy_soft > policy_hard > "
		       "policy_low";
	else if (c->idle_tax > 99)
		*why = "the idle tax must be below 100 percent";
	else if (c->period_ms > 60000 || c->balloon_timeout_ms > 600000)
		*why = "policy_period at most 60 s, balloon_timeout at most "
		       "600 s";
	else if (c->wss_period_ms < 10 || c->wss_period_ms > 600000)
		*why = "wss_period must be from 10 ms to 600 s";
	else if (c->wss_sample > WSS_SAMPLE_MAX)
		*why = "wss_sample must be from 0 (off) to 1024";
	return *why ? -EINVAL : 0;
}

/* The state free frames put the host in, from `cur`: a worse state at
 * once; a better one only when free memory reaches the threshold one step
 * above (low ends at hard, hard at soft, soft at high). */
static enum mem_state policy_next_state(const struct mem_host *mh,
					enum mem_state cur, uint64_t free)
{
	const struct policy_config *c = &mh->pcfg;
	uint64_t thr[4] = { policy_pct(mh, c->high), policy_pct(mh, c->soft),
			    policy_pct(mh, c->hard), policy_pct(mh, c->low) };
	enum mem_state down = MEM_STATE_HIGH, up = MEM_STATE_HIGH;

	/* down: below soft, hard, low; up: below high, soft, hard. */
	for (int s = 1; s < 4; s++) {
		if (free < thr[s])
			down = (enum mem_state)s;
		if (free < thr[s - 1])
			up = (enum mem_state)s;
	}
	if (down > cur)
		return down;
	return up < cur ? up : cur;
}

static void policy_set_state(struct mem_host *mh, enum mem_state s,
			     uint64_t free)
{
	enum mem_state old = (enum mem_state)atomic_load(&mh->state);

	if (s == old)
		return;
	atomic_store(&mh->state, s);
	atomic_fetch_add(&mh->stat_transitions, 1);
	log_info("memory: %s -> %s (%llu of %u frames free beyond "
		 "reservations)",
		 mem_state_name(old), mem_state_name(s),
		 (unsigned long long)free, mh->pool.nframes);
}

/* Balloon first, steal last: a domain above its target is handed to the
 * reclaimer when it is late (balloon timeout), never reports, or the host
 * is in the hard or low state. */
static void policy_steal_late(struct mem_host *mh, struct pol_view *v,
			      enum mem_state s, uint64_t now)
{
	uint64_t late_ns = (uint64_t)mh->pcfg.balloon_timeout_ms * 1000000u;

	for (unsigned i = 0; i < v->n; i++) {
		struct pol_dom *p = &v->dom[i];
		struct dom_mem *d = p->d;
		uint64_t since, over;
		bool late;

		if (p->held <= p->target) {
			atomic_store(&d->steal_ok, false);
			continue;
		}
		pthread_mutex_lock(&d->lock);
		since = d->ttt_start_ns;
		pthread_mutex_unlock(&d->lock);
		/* The balloon's clock runs from the lowered target, or from
		 * when the domain was first seen above it (it grew past it
		 * with frames the pool lent: policy_may_overshoot). */
		over = atomic_load(&d->over_since_ns);
		since = !since || (over && over < since) ? over : since;
		late = !p->reports || s >= MEM_STATE_HARD ||
		       (since && now - since >= late_ns);
		atomic_store(&d->steal_ok, late);
		if (late && mem_host_can_swap(mh))
			mem_host_want_steal(mh, d, p->held - p->target);
	}
}

/* A domain above its target for POLICY_GRACE_TIMEOUTS balloon timeouts
 * ignores its balloon (or has none) and, without swap, starves the others
 * above their reservations: say so once, naming it, until it is back at
 * its target. */
static void policy_watch_over(struct mem_host *mh, const struct pol_view *v,
			      uint64_t now)
{
	uint64_t grace_ns = (uint64_t)mh->pcfg.balloon_timeout_ms *
			    POLICY_GRACE_TIMEOUTS * 1000000u;

	for (unsigned i = 0; i < v->n; i++) {
		const struct pol_dom *p = &v->dom[i];
		struct dom_mem *d = p->d;
		uint64_t since = atomic_load(&d->over_since_ns);

		if (p->held <= p->target) {
			atomic_store(&d->over_since_ns, 0);
			atomic_store(&d->ignoring, false);
			continue;
		}
		if (!since) {
			atomic_store(&d->over_since_ns, now);
			continue;
		}
		if (now - since < grace_ns || atomic_load(&d->ignoring))
			continue;
		atomic_store(&d->ignoring, true);
		log_dom_warn(
			d->name,
			"ignores its balloon: holds %llu MiB, above its target "
			"of %llu MiB for %.1f s; %s (limit %llu MiB)",
			(unsigned long long)(p->held >> 8),
			(unsigned long long)(p->target >> 8),
			(double)(now - since) / 1e9,
			mem_host_can_swap(mh) ? "swapping it down"
					      : "no swap: it keeps them",
			(unsigned long long)(p->ceil >> 8));
	}
}

/* One period's work.  Caller holds mh->policy_lock. */
static void policy_pass(struct mem_host *mh)
{
	struct pol_view v;
	enum mem_state s;
	uint64_t high, pending = 0;

	policy_snapshot(mh, &v);
	s = policy_next_state(mh, (enum mem_state)atomic_load(&mh->state),
			      v.free);
	policy_set_state(mh, s, v.free);
	high = policy_pct(mh, mh->pcfg.high);
	for (unsigned i = 0; i < v.n; i++)
		if (v.dom[i].held > v.dom[i].target)
			pending += v.dom[i].held - v.dom[i].target;
	/* Below the high threshold: lower the targets of the domains with
	 * the fewest shares per page by what is missing (less what the
	 * domains above their target are giving back already). */
	if (s != MEM_STATE_HIGH && v.free + pending < high)
		policy_revoke(mh, &v, NULL, high - v.free - pending, 1e300,
			      true);
	policy_steal_late(mh, &v, s, policy_now_ns());
	policy_watch_over(mh, &v, policy_now_ns());
	for (unsigned i = 0; i < v.n; i++) {
		pthread_mutex_lock(&v.dom[i].d->lock);
		dom_mem_progress_locked(v.dom[i].d);
		pthread_mutex_unlock(&v.dom[i].d->lock);
	}
	atomic_fetch_add(&mh->stat_policy_runs, 1);
	/* States and lending changed: a vCPU waiting for a frame looks
	 * again (frees and target changes wake it at once already). */
	mem_wake_kick(&mh->wake);
}

static void *policy_main(void *arg)
{
	struct mem_host *mh = arg;

	pthread_mutex_lock(&mh->policy_lock);
	while (!mh->policy_stopping) {
		struct timespec ts;
		uint64_t t = policy_now_ns() +
			     (uint64_t)mh->pcfg.period_ms * 1000000u;

		policy_pass(mh);
		ts.tv_sec = (time_t)(t / 1000000000u);
		ts.tv_nsec = (long)(t % 1000000000u);
		while (!mh->policy_stopping &&
		       pthread_cond_timedwait(&mh->policy_wake,
					      &mh->policy_lock,
					      &ts) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&mh->policy_lock);
	return NULL;
}

int mem_policy_start(struct mem_host *mh)
{
	int err;

	mh->policy_running = true;
	err = -pthread_create(&mh->policy_thread, NULL, policy_main, mh);
	if (err) {
		mh->policy_running = false;
		log_error("cannot start the memory manager: %s",
			  strerror(-err));
		return err;
	}
	err = wss_start(mh); /* the working-set sampler: it prints */
	if (err)
		mem_policy_stop(mh);
	return err;
}

void mem_policy_stop(struct mem_host *mh)
{
	wss_stop(mh);
	if (!mh->policy_running)
		return;
	pthread_mutex_lock(&mh->policy_lock);
	mh->policy_stopping = true;
	pthread_cond_broadcast(&mh->policy_wake);
	pthread_mutex_unlock(&mh->policy_lock);
	pthread_join(mh->policy_thread, NULL);
	mh->policy_running = false;
}
