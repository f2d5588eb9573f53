/* TLB shootdown mailbox (see shootdown.h). */
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cpu/exec.h"
#include "cpu/shootdown.h"
#include "cpu/trap.h"

uint32_t hart_shootdown_post(struct hart *h, const uint64_t *pages, unsigned n)
{
	uint32_t req = atomic_load(&h->sd_req);

	if (atomic_load(&h->sd_done) != req || !pages ||
	    n > SHOOTDOWN_MAX_PAGES) {
		/* Unserved request (the hart may be reading its list) or too
		 * many pages: leave the list alone and widen to everything. */
		h->sd_all = true;
	} else {
		for (unsigned k = 0; k < n; k++)
			h->sd_pages[k] = pages[k];
		h->sd_n = n;
		h->sd_all = false;
	}
	/* The hart sees the list before the new ticket. */
	atomic_store_explicit(&h->sd_req, req + 1, memory_order_release);
	hart_request(h, REQ_SHOOTDOWN);
	return req + 1;
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
		syscall(SYS_futex, (uint32_t *)&h->sd_done, FUTEX_WAIT_PRIVATE,
			done, &ts, NULL, 0);
		atomic_fetch_sub(&h->sd_sleepers, 1);
	}
}

/* Forget n pages (pages == NULL or n > SHOOTDOWN_MAX_PAGES: everything). */
static void shootdown_flush(struct hart *h, const uint64_t *pages, unsigned n,
			    bool all)
{
	if (all || !pages || n > SHOOTDOWN_MAX_PAGES) {
		tlb_wipe(&h->tlb);
		code_cache_flush(h);
		return;
	}
	for (unsigned k = 0; k < n; k++) {
		uint64_t page = pages[k] & ~0xfffULL;

		tlb_flush_gpa(&h->tlb, page);
		if (code_cache_find(h, page))
			code_cache_invalidate(h, page);
	}
}

void hart_shootdown_service(struct hart *h)
{
	uint32_t req = atomic_load_explicit(&h->sd_req, memory_order_acquire);

	if (atomic_load(&h->sd_done) == req)
		return;
	shootdown_flush(h, h->sd_pages, h->sd_n, h->sd_all);
	h->stat_shootdowns++;
	/* The initiator may reuse the frames once it sees this.  Only one
	 * that sleeps needs the syscall (a vCPU initiator polls). */
	atomic_store(&h->sd_done, req);
	if (atomic_load(&h->sd_sleepers))
		syscall(SYS_futex, (uint32_t *)&h->sd_done, FUTEX_WAKE_PRIVATE,
			INT32_MAX, NULL, NULL, 0);
}

void hart_shootdown_local(struct hart *h, const uint64_t *pages, unsigned n)
{
	hart_shootdown_service(h);
	shootdown_flush(h, pages, n, false);
	h->stat_shootdowns++;
}
