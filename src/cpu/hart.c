/* Hart life cycle (reset state, teardown) and the machine clock. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "cpu/csr.h"
#include "cpu/exec.h"
#include "cpu/hart.h"
#include "cpu/jit.h"
#include "cpu/mmu.h"

/* RV64 with I, M, A, F, D, C, S and U. */
#define MISA_RV64GC_SU 0x800000000014112dULL
/* UXL = SXL = 2: U and S are 64-bit, and stay so. */
#define MSTATUS_XL64 ((2ULL << 32) | (2ULL << 34))

static uint64_t mtime_host_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* 10 MHz (100 ns) ticks since the first call in this process. */
uint64_t mtime_now(void)
{
	static _Atomic uint64_t origin;
	uint64_t now = mtime_host_ns();
	uint64_t o = atomic_load_explicit(&origin, memory_order_relaxed);

	if (__builtin_expect(o == 0, 0)) {
		uint64_t zero = 0;

		/* The first caller wins; the others take its origin. */
		if (atomic_compare_exchange_strong(&origin, &zero, now))
			o = now;
		else
			o = zero;
	}
	return (now - o) / 100;
}

/* Clears the whole struct: fields the caller owns (owner...) are set after
 * hart_init, not before. */
int hart_init(struct hart *h, uint64_t hartid, uint64_t reset_pc,
	      const struct cpu_bus *bus)
{
	memset(h, 0, sizeof(*h));
	h->code = code_cache_new();
	if (!h->code)
		return -ENOMEM;
	h->bus = *bus;
	h->priv = PRIV_M;
	h->pc = reset_pc;
	h->misa = MISA_RV64GC_SU;
	h->mstatus = MSTATUS_XL64; /* FS = Off, MIE = 0, MPRV = 0 */
	h->mhartid = hartid;
	atomic_store(&h->mtimecmp, UINT64_MAX);
	atomic_store(&h->stimecmp, UINT64_MAX);
	h->time_base = mtime_now();
	tlb_init(&h->tlb);
	mmu_update_ctx(h);
	return 0;
}

void hart_destroy(struct hart *h)
{
	jit_free(h);
	if (h->code)
		code_cache_free(h->code);
	h->code = NULL;
}
