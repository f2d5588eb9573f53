/* TLB shootdown mailbox (see shootdown.h). */
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include "cpu/exec.h"
#include "cpu/shootdown.h"
#include "cpu/trap.h"
#include "lib/futex.h"

/* The mailbox lock: held for a copy of at most HART_SD_PAGES entries.
 * A holder that lost its cpu (more threads than cpus) is waited for by
 * yielding. */
static void sd_lock(struct hart *h)
{
	for (unsigned spins = 0; atomic_flag_test_and_set_explicit(
		     &h->sd_lock, memory_order_acquire);)
		if (++spins > 64)
			sched_yield();
}

static void sd_unlock(struct hart *h)
{
	atomic_flag_clear_explicit(&h->sd_lock, memory_order_release);
}

uint32_t hart_shootdown_post(struct hart *h, const uint64_t *pages, unsigned n,
			     bool all_code)
{
	uint32_t req;

	sd_lock(h);
	if (!pages || n > SHOOTDOWN_MAX_PAGES - h->sd_n) {
		/* Does not fit: every translation goes; decoded code only if
		 * this request named some (the listed pages are still
		 * served, so their code marks are kept). */
		h->sd_all_tlb = true;
		if (all_code)
			h->sd_all_code = true;
		for (unsigned k = 0; pages && k < n; k++)
			if (pages[k] & SHOOTDOWN_CODE)
				h->sd_all_code = true;
	} else {
		for (unsigned k = 0; k < n; k++)
			h->sd_pages[h->sd_n + k] = pages[k];
		h->sd_n += n;
	}
	req = atomic_load_explicit(&h->sd_req, memory_order_relaxed) + 1;
	atomic_store_explicit(&h->sd_req, req, memory_order_relaxed);
	sd_unlock(h);
	hart_request(h, REQ_SHOOTDOWN);
	return req;
}

int hart_shootdown_done(struct hart *h, uint32_t ticket)
{
	return (int32_t)(atomic_load(&h->sd_done) - ticket) >= 0;
}

void hart_shootdown_wait(struct hart *h, uint32_t ticket)
{
	for (;;) {
		uint32_t done;
		struct timespec ts = { 0, 1000000 }; /* re-check every 1 ms */

		/* Counted before the look (both seq_cst): a hart that serves
		 * after the look sees the count and wakes the futex. */
		atomic_fetch_add(&h->sd_sleepers, 1);
		done = atomic_load(&h->sd_done);
		if ((int32_t)(done - ticket) >= 0) {
			atomic_fetch_sub(&h->sd_sleepers, 1);
			return;
		}
		futex_wait(&h->sd_done, done, &ts);
		atomic_fetch_sub(&h->sd_sleepers, 1);
	}
}

/* Forget n listed pages (entries as in hart_shootdown_post); all_tlb:
 * every translation instead, all_code: every decoded page. */
static void shootdown_flush(struct hart *h, const uint64_t *pages, unsigned n,
			    bool all_tlb, bool all_code)
{
	bool wipe = all_tlb || n > SHOOTDOWN_WIPE_PAGES;

	if (wipe)
		tlb_wipe(&h->tlb);
	if (all_code)
		code_cache_flush(h);
	for (unsigned k = 0; k < n; k++) {
		uint64_t page = pages[k] & ~0xfffULL;

		if (!wipe)
			tlb_flush_gpa(&h->tlb, page);
		if (!all_code && (pages[k] & SHOOTDOWN_CODE) &&
		    code_cache_find(h, page))
			code_cache_invalidate(h, page);
	}
}

void hart_shootdown_service(struct hart *h)
{
	uint32_t req = atomic_load_explicit(&h->sd_req, memory_order_relaxed);
	bool all_tlb, all_code;
	unsigned n;

	if (atomic_load(&h->sd_done) == req)
		return;
	/* Take the list: later posts start a new one, and their tickets
	 * are above req. */
	sd_lock(h);
	req = atomic_load_explicit(&h->sd_req, memory_order_relaxed);
	n = h->sd_n;
	for (unsigned k = 0; k < n; k++)
		h->sd_work[k] = h->sd_pages[k];
	all_tlb = h->sd_all_tlb;
	all_code = h->sd_all_code;
	h->sd_n = 0;
	h->sd_all_tlb = false;
	h->sd_all_code = false;
	sd_unlock(h);
	shootdown_flush(h, h->sd_work, n, all_tlb, all_code);
	h->stat_shootdowns++;
	/* The initiator may reuse the frames once it sees this.  Only one
	 * that sleeps needs the syscall (a vCPU initiator polls). */
	atomic_store(&h->sd_done, req);
	if (atomic_load(&h->sd_sleepers))
		futex_wake(&h->sd_done, INT32_MAX);
}

void hart_shootdown_local(struct hart *h, const uint64_t *pages, unsigned n,
			  bool all_code)
{
	hart_shootdown_service(h);
	shootdown_flush(h, pages, n, !pages, all_code && !pages);
	h->stat_shootdowns++;
}
