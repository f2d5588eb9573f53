/* Copies between host buffers and guest-virtual memory (guest_copy.h).
 *
 * One translation per page through mmu_host_ptr (the soft TLB, then the page
 * walk), never per byte.  A page that is RAM but not available now (being
 * populated, swapped in or out) is waited for with the bus's mem_wait,
 * which also serves TLB shootdowns aimed at this hart: a host pointer is
 * therefore used only between its translation and the next wait. */
#include <errno.h>
#include <string.h>

#include "cpu/guest_copy.h"
#include "cpu/mmu.h"
#include "cpu/shootdown.h"
#include "cpu/trap.h"

/* A waiting copy gives up when its hart is asked to leave hart_run. */
#define GUEST_COPY_GIVE_UP (REQ_STOP | REQ_PAUSE)

/* Translate va (one page) for a load or store, waiting while the memory
 * is not available.  0 with *host set, -EFAULT or -EAGAIN. */
static int guest_copy_page(struct hart *h, uint64_t va, int store, void **host)
{
	for (;;) {
		int rc = mmu_host_ptr(h, va, store, host);

		if (rc == 0)
			return 0;
		if (rc != EXC_RETRY)
			return -EFAULT;
		if (atomic_load(&h->requests) & GUEST_COPY_GIVE_UP)
			return -EAGAIN;
		/* Serve shootdowns here (mem_wait returns at once while one
		 * is flagged, and the run loop is not running). */
		atomic_fetch_and(&h->requests, ~(uint32_t)REQ_SHOOTDOWN);
		hart_shootdown_service(h);
		if (h->bus.ops->mem_wait)
			h->bus.ops->mem_wait(h->bus.ctx, h);
	}
}

/* Bytes from va to the end of its page, at most len. */
static size_t guest_copy_chunk(uint64_t va, size_t len)
{
	size_t room = 4096 - (size_t)(va & 0xfff);

	return room < len ? room : len;
}

int copy_from_guest(struct hart *h, void *buf, uint64_t va, size_t len)
{
	uint8_t *out = buf;

	while (len) {
		size_t n = guest_copy_chunk(va, len);
		void *p;
		int rc = guest_copy_page(h, va, 0, &p);

		if (rc)
			return rc;
		memcpy(out, p, n);
		out += n;
		va += n;
		len -= n;
	}
	return 0;
}

/* Check that every page of [va, va + len) is writable guest RAM. */
static int guest_copy_check_write(struct hart *h, uint64_t va, size_t len)
{
	while (len) {
		size_t n = guest_copy_chunk(va, len);
		void *p;
		int rc = guest_copy_page(h, va, 1, &p);

		if (rc)
			return rc;
		va += n;
		len -= n;
	}
	return 0;
}

int copy_to_guest(struct hart *h, uint64_t va, const void *buf, size_t len)
{
	const uint8_t *in = buf;
	int rc;

	/* A copy that fits one page is checked by its own translation. */
	if (guest_copy_chunk(va, len) < len) {
		rc = guest_copy_check_write(h, va, len);
		if (rc)
			return rc;
	}
	while (len) {
		size_t n = guest_copy_chunk(va, len);
		void *p;

		rc = guest_copy_page(h, va, 1, &p);
		if (rc)
			return rc;
		memcpy(p, in, n);
		in += n;
		va += n;
		len -= n;
	}
	return 0;
}
