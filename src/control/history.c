/* The run's history for the live page (history.h).  Samples are kept in
 * one array from the start of the run; a full array is halved (every
 * other sample dropped) and the period doubled, so memory stays bounded
 * (HISTORY_SAMPLES) and a page opened late still sees the whole run.
 * The sampler reads what `stats` reads, never touching a vCPU. */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "io/pvdev.h"
#include "lib/log.h"
#include "mem/policy.h"
#include "control/history_impl.h"
#include "vmm/host.h"

static uint64_t hist_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct hist_visit {
	struct history *hs;
	struct hist_sample *smp;
};

static void hist_io(const struct pvdev *dev, const struct pvdev_stats *st,
		    void *arg)
{
	struct hist_dom *d = arg;

	d->io_requests += st->requests;
	d->io_bytes += st->bytes;
}

/* Caller holds hs->lock. */
static void hist_name(struct history *hs, const struct domain_stats *st)
{
	for (unsigned i = 0; i < hs->nr_names; i++)
		if (hs->names[i].id == st->id)
			return;
	if (hs->nr_names == HIST_NAMES)
		return;
	hs->names[hs->nr_names].id = st->id;
	snprintf(hs->names[hs->nr_names].name, sizeof(hs->names[0].name), "%s",
		 st->name);
	hs->nr_names++;
}

/* Under the host lock (host_for_each_domain). */
static void hist_one(struct domain *d, void *arg)
{
	struct hist_visit *v = arg;
	struct domain_stats st;
	struct hist_dom *hd;

	if (v->smp->n == HISTORY_DOMS)
		return;
	domain_get_stats(d, &st);
	hd = &v->smp->dom[v->smp->n++];
	hd->id = st.id;
	hd->state = (uint8_t)st.state;
	hd->held = (uint32_t)st.mem.populated;
	hd->target = (uint32_t)st.mem.target;
	hd->ballooned = (uint32_t)st.mem.ballooned;
	hd->swapped = (uint32_t)st.mem.swapped;
	hd->shared = (uint32_t)st.mem.shared;
	hd->active = (uint32_t)st.mem.wss_active;
	hd->cpu_ns = st.cpu_ns;
	hd->instret = st.instret;
	pvdev_for_each(st.id, hist_io, hd);
	pthread_mutex_lock(&v->hs->lock);
	hist_name(v->hs, &st);
	pthread_mutex_unlock(&v->hs->lock);
}

/* Halve a full array: keep samples 0, 2, 4, ...  Caller holds the lock. */
static void hist_halve(struct history *hs)
{
	unsigned k = 0;

	for (unsigned i = 0; i < hs->n; i += 2)
		hs->s[k++] = hs->s[i];
	hs->n = k;
	hs->period_ms *= 2;
}

static void hist_take(struct history *hs)
{
	struct hist_sample smp = { 0 };
	struct hist_visit v = { hs, &smp };
	struct mem_host_stats m;

	host_get_mem_stats(hs->h, &m);
	smp.frames = (uint32_t)m.frames;
	smp.free = (uint32_t)m.free;
	smp.state = (uint32_t)m.state;
	smp.swap_used = (uint32_t)(m.swap_slots - m.swap_free);
	smp.reclaim_runs = m.reclaim_runs;
	host_for_each_domain(hs->h, hist_one, &v);
	pthread_mutex_lock(&hs->lock);
	smp.t_ms = (hist_now_ns() - hs->t0_ns) / 1000000u;
	if (hs->n == HISTORY_SAMPLES)
		hist_halve(hs);
	hs->s[hs->n++] = smp;
	pthread_mutex_unlock(&hs->lock);
}

static void *hist_main(void *arg)
{
	struct history *hs = arg;
	uint64_t next = hs->t0_ns;

	pthread_mutex_lock(&hs->lock);
	while (!hs->stopping) {
		struct timespec ts;

		pthread_mutex_unlock(&hs->lock);
		hist_take(hs);
		pthread_mutex_lock(&hs->lock);
		next += (uint64_t)hs->period_ms * 1000000u;
		ts.tv_sec = (time_t)(next / 1000000000u);
		ts.tv_nsec = (long)(next % 1000000000u);
		while (!hs->stopping &&
		       pthread_cond_timedwait(&hs->wake, &hs->lock, &ts) !=
			       ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&hs->lock);
	return NULL;
}

int history_start(struct host *h, struct history **out)
{
	struct history *hs = calloc(1, sizeof(*hs));
	pthread_condattr_t ca;
	int err = -ENOMEM;

	if (!hs || !(hs->s = calloc(HISTORY_SAMPLES, sizeof(*hs->s))))
		goto err;
	hs->h = h;
	hs->period_ms = HISTORY_PERIOD_MS;
	hs->t0_ns = hist_now_ns();
	pthread_mutex_init(&hs->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&hs->wake, &ca);
	pthread_condattr_destroy(&ca);
	err = -pthread_create(&hs->thread, NULL, hist_main, hs);
	if (err)
		goto err;
	*out = hs;
	return 0;
err:
	log_error("--http: cannot keep the run's history: %s", strerror(-err));
	if (hs)
		free(hs->s);
	free(hs);
	return err;
}

void history_stop(struct history *hs)
{
	if (!hs)
		return;
	pthread_mutex_lock(&hs->lock);
	hs->stopping = true;
	pthread_cond_broadcast(&hs->wake);
	pthread_mutex_unlock(&hs->lock);
	pthread_join(hs->thread, NULL);
	free(hs->s);
	free(hs);
}
