/* The working-set sampler (see wss.h, docs/working-set.md).
 *
 * A period of domain d: draw a uniform random sample of its PRESENT pages
 * (reservoir sampling over the P2M, read without the lock), mark each in
 * the P2M under d's lock, then shoot their TLB entries down in every vCPU
 * (batches of 16, the mailbox's size).  Until the period ends, the first
 * guest access to a marked page misses every fast path, reaches
 * dom_mem_fault and clears the mark (wss_touch_locked).  At the end:
 *
 *     estimate = touched / sampled x held when the sample was drawn
 *
 * Two moving averages: a fast one of the fraction touched / sampled,
 * applied to what the domain holds when the next sample is drawn (a
 * domain that grew is judged at its new size at once), and a slow one of
 * the estimates in frames (so a domain that went quiet is not taxed at
 * once, and one that grew with pages it does not touch is not judged by
 * a fraction measured when it held only its hot kernel).  Active memory
 * is the larger, at most what the domain holds.
 *
 * Pages that arrive during the period are not in its sample; they enter
 * the next one.  A marked page that is swapped, ballooned or shared meanwhile
 * loses its mark without a touch: it counts as idle. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "lib/log.h"
#include "mem/mem_internal.h"

/* The fast average follows a change within about two periods (3/4 of the
 * gap closed per period, 98 % after three), the slow one forgets a
 * decrease over about eight; the larger counts (ESX's rule). */
#define WSS_FAST_WEIGHT 0.75
#define WSS_SLOW_WEIGHT 0.125

void wss_host_init(struct wss_host *wh)
{
	pthread_condattr_t ca;

	pthread_mutex_init(&wh->busy, NULL);
	pthread_mutex_init(&wh->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&wh->wake, &ca);
	pthread_condattr_destroy(&ca);
}

void wss_host_destroy(struct wss_host *wh)
{
	pthread_cond_destroy(&wh->wake);
	pthread_mutex_destroy(&wh->mu);
	pthread_mutex_destroy(&wh->busy);
}

static uint64_t wss_rand(struct dom_wss *w)
{
	uint64_t x = w->rng;

	/* xorshift64*: cheap and good enough to pick pages. */
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	w->rng = x;
	return x * 0x2545f4914f6cdd1dull;
}

/* End the period: clear the marks left (pages not touched), estimate and
 * average. */
static void wss_finish(struct dom_mem *d)
{
	struct dom_wss *w = &d->wss;
	uint32_t n, touched;
	uint64_t from, periods;
	double frac;

	pthread_mutex_lock(&d->lock);
	for (uint32_t i = 0; i < w->n; i++) {
		gfn_t g = gfn(w->gfns[i]);

		if (p2m_word(&d->p2m, g) >> 56 & P2M_SAMPLED)
			p2m_mark_sampled(&d->p2m, g, false);
	}
	n = w->n;
	touched = w->touched;
	from = w->drawn_from;
	w->n = 0;
	w->touched = 0;
	pthread_mutex_unlock(&d->lock);
	if (!n)
		return;
	frac = (double)touched / n;
	periods = atomic_load(&w->periods);
	if (!periods) {
		w->fast = frac;
		w->slow = frac * (double)from;
	} else {
		w->fast += (frac - w->fast) * WSS_FAST_WEIGHT;
		w->slow += (frac * (double)from - w->slow) * WSS_SLOW_WEIGHT;
	}
	atomic_store(&w->last, (uint64_t)(frac * (double)from + 0.5));
	atomic_store(&w->periods, periods + 1);
}

/* A uniform random sample of up to k present gfns (reservoir sampling,
 * algorithm R), read without the lock: wss_mark rechecks each.  Returns
 * how many were picked. */
static unsigned wss_draw(struct dom_mem *d, uint64_t *pick, unsigned k)
{
	struct dom_wss *w = &d->wss;
	uint64_t seen = 0;

	for (uint64_t i = 0; i < d->p2m.nr; i++) {
		gfn_t g = gfn(d->p2m.base + i);

		if (p2m_get(&d->p2m, g).type != P2M_PRESENT)
			continue;
		if (seen < k) {
			pick[seen] = g.v;
		} else {
			uint64_t j = wss_rand(w) % (seen + 1);

			if (j < k)
				pick[j] = g.v;
		}
		seen++;
	}
	return seen < k ? (unsigned)seen : k;
}

/* Mark the picked gfns still present; returns how many were marked (their
 * gfns are in w->gfns). */
static uint32_t wss_mark(struct dom_mem *d, const uint64_t *pick, unsigned n)
{
	struct dom_wss *w = &d->wss;
	double act;

	pthread_mutex_lock(&d->lock);
	w->n = 0;
	w->touched = 0;
	for (unsigned i = 0; i < n; i++) {
		gfn_t g = gfn(pick[i]);

		if (p2m_word(&d->p2m, g) >> 56 != P2M_PRESENT)
			continue;
		p2m_mark_sampled(&d->p2m, g, true);
		w->gfns[w->n++] = g.v;
	}
	w->drawn_from = atomic_load(&d->populated);
	atomic_store(&w->seen, w->drawn_from);
	/* The fast fraction applies to what the domain holds now, as ESX
	 * scales it by the VM's memory; the slow average is in frames. */
	act = w->fast * (double)w->drawn_from;
	act = act > w->slow ? act : w->slow;
	act = act < (double)w->drawn_from ? act : (double)w->drawn_from;
	atomic_store(&w->active, (uint64_t)(act + 0.5));
	n = w->n;
	pthread_mutex_unlock(&d->lock);
	return n;
}

void wss_period_dom(struct dom_mem *d, unsigned sample)
{
	uint64_t pick[WSS_SAMPLE_MAX], gpas[16];
	unsigned n;

	if (!d->wss.rng)
		d->wss.rng = (policy_now_ns() ^ (uint64_t)d->domid << 48) | 1;
	wss_finish(d);
	if (atomic_load(&d->crashed))
		return;
	sample = sample < WSS_SAMPLE_MAX ? sample : WSS_SAMPLE_MAX;
	n = wss_mark(d, pick, wss_draw(d, pick, sample));
	if (!d->shootdown)
		return;
	/* The marks are set: an entry dropped now is refilled only through
	 * the slow path, which sees the mark. */
	for (unsigned i = 0; i < n; i += 16) {
		unsigned b = n - i < 16 ? n - i : 16;

		for (unsigned j = 0; j < b; j++)
			gpas[j] = d->wss.gfns[i + j] << PAGE_SHIFT;
		d->shootdown(d->shootdown_ctx, gpas, b);
	}
}

/* The domain after `last` in domid order, or NULL; caller holds wh->busy,
 * which keeps it alive until released (dom_mem_destroy waits for it). */
static struct dom_mem *wss_next(struct mem_host *mh, domid_t last)
{
	struct dom_mem *best = NULL;

	pthread_mutex_lock(&mh->lock);
	for (struct dom_mem *d = mh->domains; d; d = d->next)
		if (d->domid > last && (!best || d->domid < best->domid))
			best = d;
	pthread_mutex_unlock(&mh->lock);
	return best;
}

/* Sleep until `deadline` (CLOCK_MONOTONIC ns) or a stop; false: stop. */
static bool wss_sleep(struct wss_host *wh, uint64_t deadline)
{
	struct timespec ts = { (time_t)(deadline / 1000000000u),
			       (long)(deadline % 1000000000u) };
	bool go;

	pthread_mutex_lock(&wh->mu);
	while (!wh->stopping &&
	       pthread_cond_timedwait(&wh->wake, &wh->mu, &ts) != ETIMEDOUT)
		;
	go = !wh->stopping;
	pthread_mutex_unlock(&wh->mu);
	return go;
}

/* CPU time of the calling thread, ns. */
static uint64_t wss_cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void *wss_main(void *arg)
{
	struct mem_host *mh = arg;
	struct wss_host *wh = &mh->wss;
	uint64_t period = (uint64_t)mh->pcfg.wss_period_ms * 1000000u;
	uint64_t next = policy_now_ns() + period;

	while (wss_sleep(wh, next)) {
		domid_t last = DOMID_NONE;

		next += period;
		for (;;) {
			struct dom_mem *d;

			pthread_mutex_lock(&wh->busy);
			d = wss_next(mh, last);
			if (d) {
				last = d->domid;
				wss_period_dom(d, mh->pcfg.wss_sample);
			}
			pthread_mutex_unlock(&wh->busy);
			if (!d)
				break;
		}
		atomic_fetch_add(&wh->passes, 1);
		atomic_store(&wh->cpu_ns, wss_cpu_now());
		/* Late (a slow shootdown, a loaded host): skip, don't rush. */
		if (policy_now_ns() > next)
			next = policy_now_ns() + period;
	}
	return NULL;
}

int wss_start(struct mem_host *mh)
{
	struct wss_host *wh = &mh->wss;
	int err;

	if (!mh->pcfg.wss_sample)
		return 0; /* sampling is off */
	wh->stopping = false;
	err = -pthread_create(&wh->thread, NULL, wss_main, mh);
	if (err) {
		log_error("cannot start the working-set sampler: %s",
			  strerror(-err));
		return err;
	}
	wh->running = true;
	return 0;
}

void wss_stop(struct mem_host *mh)
{
	struct wss_host *wh = &mh->wss;

	if (!wh->running)
		return;
	pthread_mutex_lock(&wh->mu);
	wh->stopping = true;
	pthread_cond_broadcast(&wh->wake);
	pthread_mutex_unlock(&wh->mu);
	pthread_join(wh->thread, NULL);
	wh->running = false;
}
