/* Hypervisor swapping: steal frames from a domain without its cooperation.
 * Victims are chosen uniformly at random among its present, unpinned
 * frames (as ESX does, so atoll does not fight the guest's own page
 * replacement).  For each batch:
 *   1. under the lock, mark the victims BUSY (no new translation of them);
 *   2. without any lock, shoot down every vCPU's translations of them;
 *   3. write each frame to a swap slot (the guest can no longer change it);
 *   4. under the lock, set SWAPPED(slot), or PRESENT again if the write
 *      failed;
 *   5. free (scrub) the frames. */
#include <errno.h>
#include <time.h>

#include "mem/mem_internal.h"

#define SWAP_BATCH 16u /* pages per shootdown (one round trip for 16) */
#define SWAP_SAMPLES 64u /* random probes per victim before scanning */

struct swap_batch {
	unsigned n;
	uint64_t gfn[SWAP_BATCH];
	uint64_t gpa[SWAP_BATCH];
	mfn_t mfn[SWAP_BATCH];
	uint32_t slot[SWAP_BATCH];
	int err[SWAP_BATCH];
};

/* xorshift64*, one state per thread: victims need no cryptography. */
static uint64_t swap_rand(void)
{
	static _Thread_local uint64_t s;

	if (!s) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		s = (((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)(uintptr_t)&s ^
		     (uint64_t)ts.tv_sec) |
		    1;
	}
	s ^= s >> 12;
	s ^= s << 25;
	s ^= s >> 27;
	return s * 0x2545f4914f6cdd1dULL;
}

/* Take entry i as a victim if it is present and stealable.  Caller holds
 * d->lock. */
static bool swap_try_victim(struct dom_mem *d, uint64_t i, struct swap_batch *b)
{
	gfn_t g = gfn(d->p2m.base + i);
	struct p2m_entry e = p2m_get(&d->p2m, g);
	struct frame *f;

	if (e.type != P2M_PRESENT)
		return false;
	f = &d->host->pool.ft[e.val];
	if (atomic_load(&f->refs) || atomic_load(&f->flags))
		return false;
	p2m_set(&d->p2m, g, P2M_BUSY, e.val);
	b->gfn[b->n] = g.v;
	b->gpa[b->n] = g.v << PAGE_SHIFT;
	b->mfn[b->n] = mfn(e.val);
	b->n++;
	return true;
}

/* Fill b with up to `want` random victims: random probes first; a bounded
 * scan from a random point when the domain holds few frames (the whole P2M
 * only if the probes found nothing).  Caller holds d->lock. */
static void swap_pick(struct dom_mem *d, struct swap_batch *b, unsigned want)
{
	uint64_t nr = d->p2m.nr, span, start;

	for (unsigned k = 0; k < want * SWAP_SAMPLES && b->n < want; k++)
		swap_try_victim(d, swap_rand() % nr, b);
	if (b->n == want)
		return;
	span = b->n ? (nr < 65536 ? nr : 65536) : nr;
	start = swap_rand() % nr;
	for (uint64_t k = 0; k < span && b->n < want; k++)
		swap_try_victim(d, (start + k) % nr, b);
}

/* Steps 3-4 for one batch: returns frames swapped out, the first error in
 * *err. */
static unsigned swap_write_batch(struct dom_mem *d, struct swap_batch *b,
				 int *err)
{
	struct mem_host *mh = d->host;
	mfn_t freed[SWAP_BATCH];
	unsigned nok = 0;

	for (unsigned k = 0; k < b->n; k++) {
		b->err[k] = swap_alloc(&mh->swap, &b->slot[k]);
		if (!b->err[k]) {
			b->err[k] = swap_write(&mh->swap, b->slot[k],
					       mpool_ptr(&mh->pool, b->mfn[k]));
			if (b->err[k])
				swap_free(&mh->swap, b->slot[k]);
		}
	}
	pthread_mutex_lock(&d->lock);
	for (unsigned k = 0; k < b->n; k++) {
		gfn_t g = gfn(b->gfn[k]);

		if (b->err[k]) {
			p2m_set(&d->p2m, g, P2M_PRESENT, b->mfn[k].v);
			if (!*err)
				*err = b->err[k];
			continue;
		}
		p2m_set(&d->p2m, g, P2M_SWAPPED, b->slot[k]);
		freed[nok++] = b->mfn[k];
	}
	/* Uncharge before freeing: others see fewer free frames meanwhile,
	 * never more than exist. */
	atomic_fetch_sub(&d->populated, nok);
	atomic_fetch_add(&d->swapped, nok);
	atomic_fetch_add(&d->swap_outs, nok);
	dom_mem_progress_locked(d);
	dom_mem_wake(d);
	pthread_mutex_unlock(&d->lock);
	mpool_free(&mh->pool, freed, nok);
	return nok;
}

void dom_mem_shootdown(struct dom_mem *d, const uint64_t *gpas, unsigned n)
{
	if (!n)
		return;
	if (d->shootdown)
		d->shootdown(d->shootdown_ctx, gpas, n);
	atomic_fetch_add(&d->shootdowns, 1);
}

long dom_mem_swap_out(struct dom_mem *d, uint64_t n)
{
	uint64_t done = 0;
	int err = 0;

	if (!mem_host_can_swap(d->host))
		return -ENODEV;
	while (done < n && !err) {
		struct swap_batch b = { 0 };
		unsigned want = n - done < SWAP_BATCH ? n - done : SWAP_BATCH;

		pthread_mutex_lock(&d->lock);
		if (!d->dying)
			swap_pick(d, &b, want);
		pthread_mutex_unlock(&d->lock);
		if (!b.n)
			break;
		dom_mem_shootdown(d, b.gpa, b.n);
		done += swap_write_batch(d, &b, &err);
	}
	return done ? (long)done : err;
}
