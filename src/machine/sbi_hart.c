/* SBI extensions that reach other harts: IPI, RFENCE and HSM.
 *
 * Remote fences are synchronous, as the spec requires ("the remote harts
 * have completed the fence when the call returns"): the caller posts a
 * request to each target and waits until the target's run loop has taken
 * it.  Only STARTED harts are waited for (a stopped hart flushes
 * everything when it starts), the wait is bounded, and while waiting the
 * caller serves flush requests posted to itself, so two harts fencing each
 * other at once cannot deadlock. */
#include <sched.h>
#include <time.h>

#include "cpu/csr.h"
#include "cpu/exec.h"
#include "cpu/mmu.h"
#include "cpu/tlb.h"
#include "cpu/trap.h"
#include "machine/sbi.h"

#define RFENCE_FENCE_I 0
#define RFENCE_SFENCE_VMA 1
#define RFENCE_SFENCE_VMA_ASID 2
#define HSM_HART_START 0 /* (hartid, start_addr, opaque) */
#define HSM_HART_STOP 1 /* () */
#define HSM_HART_GET_STATUS 2 /* (hartid) */
#define HSM_HART_SUSPEND 3 /* (type, resume_addr, opaque) */
#define SFENCE_MAX_PAGES 64 /* beyond this, flush everything */
#define FENCE_WAIT_NS 200000000ULL /* give up on a target after 200 ms */

/* hart_mask/hart_mask_base -> bitmap of harts.  base = -1 means all. */
static long sbi_hart_set(struct machine *m, uint64_t mask, uint64_t base,
			 uint64_t *set)
{
	uint64_t all = (1ULL << m->nr_harts) - 1;

	*set = 0;
	if (base == UINT64_MAX) {
		*set = all;
		return SBI_SUCCESS;
	}
	while (mask) {
		unsigned bit = (unsigned)__builtin_ctzll(mask);
		uint64_t id = base + bit;
		mask &= mask - 1;
		if (id < base || id >= m->nr_harts)
			return SBI_ERR_INVALID_PARAM;
		*set |= 1ULL << id;
	}
	return SBI_SUCCESS;
}

long sbi_send_ipi_mask(struct machine *m, uint64_t set)
{
	for (unsigned i = 0; i < m->nr_harts; i++)
		if (set >> i & 1 && m->harts[i])
			hart_set_mip(m->harts[i], MIP_SSIP, 1);
	return SBI_SUCCESS;
}

struct sbiret sbi_ext_ipi(struct machine *m, struct hart *h, uint64_t fid,
			  const uint64_t *a)
{
	uint64_t set;
	long err;

	if (fid != 0)
		return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
	err = sbi_hart_set(m, a[0], a[1], &set);
	if (!err)
		err = sbi_send_ipi_mask(m, set);
	return (struct sbiret){ err, 0 };
}

/* sfence.vma on the calling hart over [start, start + size). */
static void sbi_local_sfence(struct hart *h, uint64_t start, uint64_t size,
			     int asid)
{
	uint64_t end = start + size;
	bool all = (start == 0 && size == 0) || size == UINT64_MAX ||
		   end < start || size > SFENCE_MAX_PAGES * 4096ULL;

	if (all && asid < 0)
		tlb_flush_all(&h->tlb);
	else if (all)
		tlb_flush_asid(&h->tlb, (uint16_t)asid);
	else
		for (uint64_t va = start & ~0xfffULL; va < end; va += 4096)
			tlb_flush_va(&h->tlb, va);
	mmu_update_ctx(h);
}

/* Serve flush requests posted to the calling hart while it waits. */
static void sbi_serve_own_requests(struct hart *h)
{
	uint32_t r = atomic_load(&h->requests);

	if (r & REQ_TLB_FLUSH) {
		atomic_fetch_and(&h->requests, ~(uint32_t)REQ_TLB_FLUSH);
		tlb_flush_all(&h->tlb);
		mmu_update_ctx(h);
	}
	if (r & REQ_ICACHE_FLUSH) {
		atomic_fetch_and(&h->requests, ~(uint32_t)REQ_ICACHE_FLUSH);
		code_cache_flush(h);
	}
}

static uint64_t sbi_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Wait (bounded) until target t has taken request `req`. */
static void sbi_wait_done(struct hart *h, struct hart *t, uint32_t req)
{
	uint64_t deadline = 0;
	const struct timespec nap = { 0, 20000 };

	for (unsigned spin = 0; atomic_load(&t->requests) & req; spin++) {
		sbi_serve_own_requests(h);
		if (spin < 64) {
			sched_yield();
			continue;
		}
		if (!deadline)
			deadline = sbi_now_ns() + FENCE_WAIT_NS;
		else if (sbi_now_ns() > deadline)
			return;
		nanosleep(&nap, 0);
	}
}

/* The fence `fid` on every hart in `set`: locally on the caller, by
 * request elsewhere, then wait for the started targets. */
static long sbi_fence_set(struct machine *m, struct hart *h, uint64_t set,
			  uint64_t fid, uint64_t start, uint64_t size, int asid)
{
	uint32_t req = fid == RFENCE_FENCE_I ? REQ_ICACHE_FLUSH : REQ_TLB_FLUSH;

	for (unsigned i = 0; i < m->nr_harts; i++)
		if (set >> i & 1 && m->harts[i] && m->harts[i] != h)
			hart_request(m->harts[i], req);
	if (set >> h->mhartid & 1) {
		if (fid == RFENCE_FENCE_I)
			code_cache_flush(h);
		else
			sbi_local_sfence(h, start, size, asid);
	}
	for (unsigned i = 0; i < m->nr_harts; i++) {
		struct hart *t = m->harts[i];
		if (!(set >> i & 1) || !t || t == h)
			continue;
		if (m->host->hart_status(m->host_ctx, i) == SBI_HSM_STARTED)
			sbi_wait_done(h, t, req);
	}
	return SBI_SUCCESS;
}

long sbi_fence_mask(struct machine *m, struct hart *h, uint64_t set,
		    uint64_t fid, uint64_t start, uint64_t size, uint64_t asid)
{
	set &= (1ULL << m->nr_harts) - 1;
	return sbi_fence_set(
		m, h, set, fid, start, size,
		fid == RFENCE_SFENCE_VMA_ASID ? (int)(asid & 0xffff) : -1);
}

struct sbiret sbi_ext_rfence(struct machine *m, struct hart *h, uint64_t fid,
			     const uint64_t *a)
{
	uint64_t set;
	long err;

	/* FIDs 3-6 are hypervisor fences: there is no H extension. */
	if (fid > RFENCE_SFENCE_VMA_ASID)
		return (struct sbiret){ SBI_ERR_NOT_SUPPORTED, 0 };
	err = sbi_hart_set(m, a[0], a[1], &set);
	if (!err)
		err = sbi_fence_mask(m, h, set, fid, a[2], a[3], a[4]);
	return (struct sbiret){ err, 0 };
}

/* Start/resume addresses must be RAM: nothing else is executable. */
static bool sbi_exec_addr_ok(struct machine *m, uint64_t addr)
{
	return ram_contains(&m->ram, addr, 2) && !(addr & 1);
}

static long sbi_hsm_suspend(struct machine *m, struct hart *h,
			    const uint64_t *a)
{
	uint64_t type = a[0];

	if (type == SBI_HSM_SUSPEND_NON_RETENTIVE) {
		if (!sbi_exec_addr_ok(m, a[1]))
			return SBI_ERR_INVALID_ADDRESS;
	} else if (type != SBI_HSM_SUSPEND_RETENTIVE) {
		/* Reserved, platform-specific (none here) or wider than
		 * the 32-bit suspend_type. */
		return SBI_ERR_INVALID_PARAM;
	}
	return m->host->hart_suspend(m->host_ctx, h, type, a[1], a[2]);
}

static long sbi_hsm_start(struct machine *m, const uint64_t *a)
{
	if (a[0] >= m->nr_harts)
		return SBI_ERR_INVALID_PARAM;
	if (!sbi_exec_addr_ok(m, a[1]))
		return SBI_ERR_INVALID_ADDRESS;
	return m->host->hart_start(m->host_ctx, a[0], a[1], a[2]);
}

struct sbiret sbi_ext_hsm(struct machine *m, struct hart *h, uint64_t fid,
			  const uint64_t *a)
{
	long r;

	switch (fid) {
	case HSM_HART_START: r = sbi_hsm_start(m, a); break;
	case HSM_HART_STOP: r = m->host->hart_stop(m->host_ctx, h); break;
	case HSM_HART_SUSPEND: r = sbi_hsm_suspend(m, h, a); break;
	case HSM_HART_GET_STATUS:
		r = m->host->hart_status(m->host_ctx, a[0]);
		if (r >= 0)
			return (struct sbiret){ SBI_SUCCESS, (uint64_t)r };
		break;
	default: r = SBI_ERR_NOT_SUPPORTED;
	}
	return (struct sbiret){ r, 0 };
}
