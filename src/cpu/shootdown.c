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
		uint32_t done = atomic_load(&h->sd_done);
		struct timespec ts = { 0, 1000000 }; /* re-check every 1 ms */

		if ((int32_t)(done - ticket) >= 0)
			return;
		syscall(SYS_futex, (uint32_t *)&h->sd_done, FUTEX_WAIT_PRIVATE,
			done, &ts, NULL, 0);
	}
}

void hart_shootdown_service(struct hart *h)
{
	uint32_t req = atomic_load_explicit(&h->sd_req, memory_order_acquire);

	if (atomic_load(&h->sd_done) == req)
		return;
	if (h->sd_all) {
		tlb_wipe(&h->tlb);
		code_cache_flush(h);
	} else {
		for (unsigned k = 0; k < h->sd_n && k < SHOOTDOWN_MAX_PAGES;
		     k++) {
			uint64_t page = h->sd_pages[k] & ~0xfffULL;

			tlb_flush_gpa(&h->tlb, page);
			if (code_cache_find(h, page))
				code_cache_invalidate(h, page);
		}
	}
	h->stat_shootdowns++;
	/* The initiator may reuse the frames once it sees this. */
	atomic_store_explicit(&h->sd_done, req, memory_order_release);
	syscall(SYS_futex, (uint32_t *)&h->sd_done, FUTEX_WAKE_PRIVATE,
		INT32_MAX, NULL, NULL, 0);
}
