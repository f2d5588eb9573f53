/* The sharing scanner (share.h, docs/sharing.md): one thread that looks at
 * `rate` pages per second, round robin over the domains that allow
 * sharing.  For each present, unpinned page it reads a hash without any
 * lock (only a hint); a page whose hash did not change since its last look
 * (stable, as KSM's unstable-tree rule) is a candidate; an all-zero page
 * needs no hash, and goes to the one zero frame.  Candidates of one domain go in batches of 16:
 *   1. under the lock, mark them BUSY (no new translation of them);
 *   2. without any lock, shoot them down (no vCPU can write them now);
 *   3. hash them again (still no lock: they cannot change now), then
 *      under the locks merge each into the table (share_merge_locked):
 *      mapped to an identical shared frame (its own frame is freed) or
 *      made a shared frame itself;
 *   4. free (scrub) the duplicates.
 * A domain whose copy-on-write breaks outnumber its merges over a second
 * or more (a COW storm) is left alone for a while, doubling up to a
 * minute. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "mem/share_impl.h"

#define SCAN_BATCH 16u /* candidates per shootdown (one round trip) */
#define SCAN_TICK_MS 20u /* the rate is spread over ticks this long */
#define SCAN_LOOK_MAX 4096u /* P2M entries looked at per visit */
#define SCAN_STORM_MIN 64u /* breaks in a pass before backing off */
#define SCAN_BACKOFF_MAX 64u /* seconds */

struct scan_batch {
	unsigned n;
	uint64_t gfn[SCAN_BATCH];
	uint64_t gpa[SCAN_BATCH];
	uint32_t mfn[SCAN_BATCH];
};

static uint64_t scan_clock_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

const char *share_rate_check(uint64_t rate)
{
	return rate > SHARE_RATE_MAX ? "share_rate must be 0 (off) to 1000000 "
				       "pages per second"
				     : NULL;
}

/* End of a pass over d: once a second, back off if its breaks since the
 * last look outnumber the merges made there. */
static void scan_pass_end(struct mem_host *mh, struct dom_mem *d)
{
	struct share_dom *sd = &d->sh;
	uint64_t breaks = atomic_load(&d->cow_breaks) - sd->pass_breaks;
	uint64_t now = scan_clock_ns(CLOCK_MONOTONIC);

	atomic_fetch_add(&mh->share.passes, 1);
	if (now - sd->window_ns < 1000000000u)
		return;
	sd->window_ns = now;
	if (breaks >= SCAN_STORM_MIN && breaks > sd->pass_merged) {
		sd->backoff = sd->backoff ? sd->backoff * 2 : 1;
		if (sd->backoff > SCAN_BACKOFF_MAX)
			sd->backoff = SCAN_BACKOFF_MAX;
		sd->skip_until_ns = now + (uint64_t)sd->backoff * 1000000000u;
	} else {
		sd->backoff = 0;
	}
	sd->pass_merged = 0;
	sd->pass_breaks = atomic_load(&d->cow_breaks);
}

/* Look at entry i (no lock): a candidate goes into b.  Returns whether a
 * page was read (counts against the rate). */
static bool scan_look(struct dom_mem *d, uint64_t i, struct scan_batch *b)
{
	struct mem_host *mh = d->host;
	gfn_t g = gfn(d->p2m.base + i);
	struct p2m_entry e = p2m_get(&d->p2m, g);
	const struct frame *f;
	const void *page;
	uint32_t h;

	if (e.type != P2M_PRESENT)
		return false;
	f = &mh->pool.ft[e.val];
	if (atomic_load(&f->refs) || atomic_load(&f->flags))
		return false;
	/* The frame may change or even be freed meanwhile: what is read
	 * here only decides whether to look closer (step 3 reads again). */
	page = mpool_ptr(&mh->pool, mfn(e.val));
	/* A zero page costs no hash (its mark is 1), but it too must be
	 * seen twice: a guest that zeroes a page it is about to fill would
	 * otherwise have it merged and broken again at every pass. */
	h = share_is_zero(page) ? 1 : (uint32_t)share_hash(page) | 2;
	if (d->sh.seen[i] != h) {
		d->sh.seen[i] = h;
		return true;
	}
	b->gfn[b->n] = g.v;
	b->gpa[b->n] = g.v << PAGE_SHIFT;
	b->mfn[b->n++] = e.val;
	return true;
}

/* Steps 1-4 for a batch of candidates of d. */
static void scan_merge_batch(struct dom_mem *d, struct scan_batch *b)
{
	struct mem_host *mh = d->host;
	mfn_t freed[SCAN_BATCH];
	uint64_t hash[SCAN_BATCH];
	bool zero[SCAN_BATCH];
	unsigned nprot = 0, nfree = 0;

	pthread_mutex_lock(&d->lock);
	for (unsigned k = 0; k < b->n; k++) {
		struct p2m_entry e = p2m_get(&d->p2m, gfn(b->gfn[k]));
		const struct frame *f = &mh->pool.ft[b->mfn[k]];

		if (d->dying || e.type != P2M_PRESENT || e.val != b->mfn[k] ||
		    atomic_load(&f->refs) || atomic_load(&f->flags))
			continue;
		p2m_set(&d->p2m, gfn(b->gfn[k]), P2M_BUSY, e.val);
		b->gfn[nprot] = b->gfn[k];
		b->gpa[nprot] = b->gpa[k];
		b->mfn[nprot++] = b->mfn[k];
	}
	pthread_mutex_unlock(&d->lock);
	if (!nprot)
		return;
	dom_mem_shootdown(d, b->gpa, nprot);
	/* Hashed outside the locks: a vCPU breaking a share waits for the
	 * domain and table locks, so they are held only for the lookups. */
	for (unsigned k = 0; k < nprot; k++) {
		const void *page = mpool_ptr(&mh->pool, mfn(b->mfn[k]));

		zero[k] = share_is_zero(page);
		hash[k] = share_hash(page);
	}
	pthread_mutex_lock(&d->lock);
	pthread_mutex_lock(&mh->share.lock);
	for (unsigned k = 0; k < nprot; k++)
		if (share_merge_locked(d, b->gfn[k], b->mfn[k], zero[k],
				       hash[k]))
			freed[nfree++] = mfn(b->mfn[k]);
	pthread_mutex_unlock(&mh->share.lock);
	atomic_fetch_add(&mh->share.merged, nfree);
	d->sh.pass_merged += nfree;
	dom_mem_wake(d);
	pthread_mutex_unlock(&d->lock);
	/* Every translation of these gfns went in step 2 and none could be
	 * made since (BUSY): the duplicates are nobody's now.  They were
	 * just read, so they are backed: kept warm for the copy-on-write
	 * breaks that will want frames back (pool.h). */
	mpool_free_warm(&mh->pool, freed, nfree);
}

uint64_t share_scan_domain(struct mem_host *mh, struct dom_mem *d,
			   uint64_t budget)
{
	struct share_dom *sd = &d->sh;
	uint64_t nr = d->p2m.nr, read = 0, looked = 0;

	if (!d->share_ok || d->dying || atomic_load(&d->crashed) || !nr)
		return 0;
	if (!sd->seen) {
		sd->seen = calloc(nr, sizeof(*sd->seen));
		if (!sd->seen)
			return 0;
	}
	/* At most one pass per visit: a page's two looks are a pass apart. */
	while (read < budget && looked < SCAN_LOOK_MAX && looked < nr) {
		struct scan_batch b = { 0 };

		while (b.n < SCAN_BATCH && read < budget &&
		       looked < SCAN_LOOK_MAX && looked < nr) {
			read += scan_look(d, sd->cursor, &b);
			looked++;
			if (++sd->cursor >= nr) {
				sd->cursor = 0;
				scan_pass_end(mh, d);
			}
		}
		if (b.n)
			scan_merge_batch(d, &b);
	}
	atomic_fetch_add(&mh->share.scanned, read);
	return read;
}

/* The next domain to scan after `last` (by id, wrapping), one that allows
 * sharing and is not backed off.  Caller holds mh->lock. */
static struct dom_mem *scan_next_locked(struct mem_host *mh, domid_t last,
					uint64_t now)
{
	struct dom_mem *after = NULL, *first = NULL;

	for (struct dom_mem *d = mh->domains; d; d = d->next) {
		if (!d->share_ok || d->dying || d->sh.skip_until_ns > now)
			continue;
		if (d->domid > last && (!after || d->domid < after->domid))
			after = d;
		if (!first || d->domid < first->domid)
			first = d;
	}
	return after ? after : first;
}

/* One tick: `budget` pages over the domains, each visited at most once. */
static void scan_tick(struct mem_host *mh, uint64_t budget)
{
	struct share *s = &mh->share;
	uint64_t now = scan_clock_ns(CLOCK_MONOTONIC);
	unsigned visits = 0;

	while (budget && visits++ < 64) {
		struct dom_mem *d;
		uint64_t n;

		pthread_mutex_lock(&mh->lock);
		d = scan_next_locked(mh, s->last, now);
		pthread_mutex_unlock(&mh->lock);
		if (!d)
			return;
		s->last = d->domid;
		n = share_scan_domain(mh, d, budget);
		budget -= n < budget ? n : budget;
		s->second_pages += n;
		if (!n && visits > 1)
			return; /* nothing present anywhere: wait a tick */
	}
}

/* Pages per second over the last whole second, for the statistics. */
static void scan_measure(struct share *s, uint64_t now)
{
	if (!s->second_start_ns)
		s->second_start_ns = now;
	if (now - s->second_start_ns < 1000000000u)
		return;
	atomic_store(&s->scan_rate, s->second_pages * 1000000000u /
					    (now - s->second_start_ns));
	s->second_start_ns = now;
	s->second_pages = 0;
}

static void *share_main(void *arg)
{
	struct mem_host *mh = arg;
	struct share *s = &mh->share;
	uint64_t carry = 0; /* thousandths of a page left from a tick */

	pthread_mutex_lock(&s->scan_lock);
	while (!s->stopping) {
		uint64_t rate = atomic_load(&s->rate), t0, c0, wake;
		struct timespec ts;

		if (!rate) {
			struct timespec idle;

			/* set_rate wakes it without the lock: look again at
			 * least every 100 ms in case the wake came early. */
			atomic_store(&s->scan_rate, 0);
			wake = scan_clock_ns(CLOCK_MONOTONIC) + 100000000u;
			idle.tv_sec = (time_t)(wake / 1000000000u);
			idle.tv_nsec = (long)(wake % 1000000000u);
			pthread_cond_timedwait(&s->wake, &s->scan_lock, &idle);
			continue;
		}
		t0 = scan_clock_ns(CLOCK_MONOTONIC);
		c0 = scan_clock_ns(CLOCK_THREAD_CPUTIME_ID);
		carry += rate * SCAN_TICK_MS;
		scan_tick(mh, carry / 1000);
		carry %= 1000;
		atomic_fetch_add(&s->cpu_ns,
				 scan_clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0);
		scan_measure(s, scan_clock_ns(CLOCK_MONOTONIC));
		wake = t0 + SCAN_TICK_MS * 1000000ull;
		ts.tv_sec = (time_t)(wake / 1000000000u);
		ts.tv_nsec = (long)(wake % 1000000000u);
		pthread_cond_timedwait(&s->wake, &s->scan_lock, &ts);
	}
	pthread_mutex_unlock(&s->scan_lock);
	return NULL;
}

int share_scan_start(struct mem_host *mh, uint32_t rate)
{
	struct share *s = &mh->share;
	pthread_condattr_t ca;
	int err;

	if (share_rate_check(rate))
		return -EINVAL;
	atomic_store(&s->rate, rate);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->wake, &ca);
	pthread_condattr_destroy(&ca);
	err = -pthread_create(&s->thread, NULL, share_main, mh);
	if (err) {
		pthread_cond_destroy(&s->wake);
		return err;
	}
	s->started = true;
	return 0;
}

void share_scan_stop(struct mem_host *mh)
{
	struct share *s = &mh->share;

	if (!s->started)
		return;
	pthread_mutex_lock(&s->scan_lock);
	s->stopping = true;
	pthread_cond_broadcast(&s->wake);
	pthread_mutex_unlock(&s->scan_lock);
	pthread_join(s->thread, NULL);
	pthread_cond_destroy(&s->wake);
	s->started = false;
}

int share_set_rate(struct mem_host *mh, uint64_t rate)
{
	struct share *s = &mh->share;

	int err = 0;

	if (share_rate_check(rate))
		return -EINVAL;
	/* The table's lock only orders two first starts: a control thread
	 * never waits for the scanner's work (scan_lock). */
	pthread_mutex_lock(&s->lock);
	if (!s->started) {
		err = share_scan_start(mh, (uint32_t)rate);
	} else {
		atomic_store(&s->rate, (uint32_t)rate);
		pthread_cond_broadcast(&s->wake);
	}
	pthread_mutex_unlock(&s->lock);
	return err;
}
