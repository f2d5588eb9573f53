/* Traps: exception and interrupt entry with delegation, xRET, the timer
 * lines, WFI and the cross-thread wake-ups (mip, requests, futex kicks). */
#include <errno.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include "cpu/csr.h"
#include "cpu/mmu.h"
#include "cpu/trap.h"
#include "lib/futex.h"

/* Longest single WFI sleep: a bound, not a tick (wake-ups are kicks). */
#define WFI_MAX_NS 100000000LL
/* WFI's poll while a device works for the board (hart.h's io_busy, up to
 * wfi_poll_ticks), in hart_time ticks (100 ns).  It yields the cpu
 * between looks (the device's thread may be waiting for this very cpu);
 * a yield that took 20 us means other threads wanted it: the host is
 * busy, and polling would take cpu time it lacks.  A poll that ran out
 * or found the host busy makes the next 1, 2, 4 ... 64 WFIs sleep at
 * once; one that caught its interrupt ends that. */
#define WFI_POLL_LATE_TICKS 200
#define WFI_POLL_BACKOFF_MAX 64

#if defined(__x86_64__) || defined(__i386__)
#define trap_cpu_relax() __builtin_ia32_pause()
#else
#define trap_cpu_relax() __asm__ volatile("" ::: "memory")
#endif

/* Save state and switch to the trap handler: S if the cause is delegated
 * and the hart is not in M, else M. */
static void trap_enter(struct hart *h, uint64_t cause, uint64_t tval,
		       uint64_t epc)
{
	bool irq = cause & CAUSE_INTERRUPT;
	unsigned code = cause & 63;
	uint64_t deleg = irq ? h->mideleg : h->medeleg;
	uint64_t ms = h->mstatus;
	uint64_t vec;

	h->lr_valid = false;
	if (h->priv <= PRIV_S && ((deleg >> code) & 1)) {
		h->scause = cause;
		h->sepc = epc;
		h->stval = tval;
		ms &= ~(MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE);
		if (h->priv == PRIV_S)
			ms |= MSTATUS_SPP;
		if (h->mstatus & MSTATUS_SIE)
			ms |= MSTATUS_SPIE;
		h->priv = PRIV_S;
		vec = h->stvec;
	} else {
		h->mcause = cause;
		h->mepc = epc;
		h->mtval = tval;
		ms &= ~(MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MIE);
		ms |= (uint64_t)h->priv << MSTATUS_MPP_SHIFT;
		if (h->mstatus & MSTATUS_MIE)
			ms |= MSTATUS_MPIE;
		h->priv = PRIV_M;
		vec = h->mtvec;
	}
	h->mstatus = ms;
	/* Vectored mode applies to interrupts only. */
	h->pc = (vec & ~3ULL) + (irq && (vec & 3) == 1 ? 4ULL * code : 0);
	h->exit_retired = 0;
	mmu_update_ctx(h);
}

static bool trap_is_mem_fault(uint64_t cause)
{
	return cause == EXC_LOAD_PAGE || cause == EXC_STORE_PAGE ||
	       cause == EXC_LOAD_ACCESS || cause == EXC_STORE_ACCESS;
}

void trap_raise(struct hart *h, uint64_t cause, uint64_t tval, uint64_t epc)
{
	if (cause == EXC_RETRY) {
		/* Not a trap: run the instruction again once memory is there
		 * (bus.h).  Nothing of it took effect. */
		h->pc = epc;
		h->exit_retired = 0;
		h->tlb.fault_split = false;
		atomic_fetch_or(&h->requests, REQ_MEM_WAIT);
		return;
	}
	if (cause == EXC_ECALL_S && h->sbi_in_host && h->priv == PRIV_S) {
		/* The pc is set first so that the SBI code may redirect it. */
		h->pc = epc + 4;
		h->exit_retired = 1;
		h->bus.ops->sbi_call(h->bus.ctx, h);
		return;
	}
	/* A page-crossing access that faulted on its second page: report
	 * that page (see struct tlb).  The caller passed the access's va. */
	if (h->tlb.fault_split && tval == h->tlb.fault_va &&
	    trap_is_mem_fault(cause))
		tval = h->tlb.fault_tval;
	h->tlb.fault_split = false;
	h->stat_traps++;
	trap_enter(h, cause, tval, epc);
}

int trap_take_interrupt(struct hart *h)
{
	/* Priority within one target mode: MEI, MSI, MTI, SEI, SSI, STI. */
	static const uint8_t order[] = { IRQ_MEI, IRQ_MSI, IRQ_MTI,
					 IRQ_SEI, IRQ_SSI, IRQ_STI };
	uint64_t pend = atomic_load(&h->mip) & h->mie;
	uint64_t take = 0;

	if (!pend)
		return 0;
	/* Interrupts for M come first; S ones are never taken from M. */
	if (h->priv < PRIV_M || (h->mstatus & MSTATUS_MIE))
		take = pend & ~h->mideleg;
	if (!take && (h->priv < PRIV_S ||
		      (h->priv == PRIV_S && (h->mstatus & MSTATUS_SIE))))
		take = pend & h->mideleg;
	if (!take)
		return 0;
	for (unsigned n = 0; n < sizeof(order); n++) {
		if (take & (1ULL << order[n])) {
			h->stat_irqs++;
			trap_enter(h, CAUSE_INTERRUPT | order[n], 0, h->pc);
			return 1;
		}
	}
	return 0;
}

/* Make mip bit `bit` equal `level` (no-op, no atomic write, if it is). */
static void trap_set_line(struct hart *h, uint64_t bit, bool level)
{
	uint64_t mip = atomic_load(&h->mip);

	if (level && !(mip & bit))
		atomic_fetch_or(&h->mip, bit);
	else if (!level && (mip & bit))
		atomic_fetch_and(&h->mip, ~bit);
}

uint64_t trap_poll_timers(struct hart *h)
{
	uint64_t now = hart_time(h);
	uint64_t mtc = atomic_load(&h->mtimecmp);
	uint64_t next = UINT64_MAX;

	trap_set_line(h, MIP_MTIP, now >= mtc);
	if (now < mtc)
		next = mtc;
	if (h->sbi_in_host) {
		/* SBI set_timer: STIP is raised here and cleared by the SBI
		 * code when the guest sets a new deadline. */
		uint64_t stc = atomic_load(&h->stimecmp);

		if (now >= stc)
			trap_set_line(h, MIP_STIP, true);
		else if (stc < next)
			next = stc;
	}
	return next;
}

int trap_mret(struct hart *h)
{
	uint64_t ms = h->mstatus;
	unsigned mpp = (ms & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT;

	if (h->priv != PRIV_M)
		return EXC_ILLEGAL;
	if (mpp == 2)
		mpp = PRIV_U; /* unreachable: csr.c never stores 2 */
	/* MIE = MPIE, MPIE = 1, MPP = U (the least privileged mode). */
	ms &= ~(MSTATUS_MIE | MSTATUS_MPP);
	if (ms & MSTATUS_MPIE)
		ms |= MSTATUS_MIE;
	ms |= MSTATUS_MPIE;
	if (mpp != PRIV_M)
		ms &= ~MSTATUS_MPRV;
	h->mstatus = ms;
	h->priv = (uint8_t)mpp;
	h->pc = h->mepc;
	mmu_update_ctx(h);
	return 0;
}

int trap_sret(struct hart *h)
{
	uint64_t ms = h->mstatus;

	if (h->priv == PRIV_U || (h->priv == PRIV_S && (ms & MSTATUS_TSR)))
		return EXC_ILLEGAL;
	h->priv = (ms & MSTATUS_SPP) ? PRIV_S : PRIV_U;
	ms &= ~(MSTATUS_SIE | MSTATUS_SPP | MSTATUS_MPRV);
	if (ms & MSTATUS_SPIE)
		ms |= MSTATUS_SIE;
	ms |= MSTATUS_SPIE;
	h->mstatus = ms;
	h->pc = h->sepc;
	mmu_update_ctx(h);
	return 0;
}

static void trap_futex_wait(_Atomic uint32_t *word, uint32_t seen, int64_t ns)
{
	struct timespec ts = { .tv_sec = ns / 1000000000LL,
			       .tv_nsec = ns % 1000000000LL };

	/* EAGAIN (word already moved), EINTR, ETIMEDOUT: all mean "look". */
	futex_wait(word, seen, &ts);
}

static bool trap_wfi_over(struct hart *h)
{
	return (atomic_load(&h->mip) & h->mie) || atomic_load(&h->requests);
}

/* Before WFI sleeps: while a device works on a request whose completion
 * will interrupt soon (h->io_busy), look for the interrupt instead of
 * sleeping, until `deadline` (the next timer, in hart_time) or the poll's
 * bound.  A sleeping thread costs the device a futex wake-up and itself a
 * reschedule: tens of microseconds where idle cpus halt, as in a VM
 * (docs/virtio.md "Where a sequential request's time goes").  1: the
 * WFI is over; 0: nothing to wait for any more; -1: the poll ran out or
 * found the host busy. */
static int trap_wfi_poll(struct hart *h, uint64_t deadline)
{
	uint64_t now = hart_time(h), end = now + h->wfi_poll_ticks;

	if (deadline < end)
		end = deadline;
	while (atomic_load(h->io_busy)) {
		for (int k = 0; k < 32; k++) {
			if (trap_wfi_over(h))
				return 1;
			trap_cpu_relax();
		}
		sched_yield();
		uint64_t t = hart_time(h);
		if (t >= end || t - now > WFI_POLL_LATE_TICKS)
			return trap_wfi_over(h) ? 1 : -1;
		now = t;
	}
	return trap_wfi_over(h);
}

/* Poll before sleeping, unless the last polls failed (the header's
 * back-off): true if the WFI is over. */
static bool trap_wfi_try_poll(struct hart *h)
{
	int r;

	if (!h->io_busy || !h->wfi_poll_ticks || !atomic_load(h->io_busy) ||
	    !h->bus.ops->wfi_poll || !h->bus.ops->wfi_poll(h->bus.ctx, h))
		return false;
	if (h->wfi_poll_skip) {
		h->wfi_poll_skip--;
		return false;
	}
	r = trap_wfi_poll(h, trap_poll_timers(h));
	if (r > 0) {
		h->wfi_poll_backoff = 0;
		h->stat_wfi_polled++;
		return true;
	}
	if (r < 0) {
		h->wfi_poll_backoff =
			h->wfi_poll_backoff ? 2 * h->wfi_poll_backoff : 1;
		if (h->wfi_poll_backoff > WFI_POLL_BACKOFF_MAX)
			h->wfi_poll_backoff = WFI_POLL_BACKOFF_MAX;
		h->wfi_poll_skip = h->wfi_poll_backoff;
		h->stat_wfi_poll_missed++;
	}
	return false;
}

void trap_wfi(struct hart *h)
{
	h->stat_wfi++;
	if (trap_wfi_try_poll(h))
		return;
	for (;;) {
		/* Read the sequence before looking at the conditions: a kick
		 * after the look changes it and the wait returns at once. */
		uint32_t seq = atomic_load(&h->wake_seq);
		uint64_t next = trap_poll_timers(h);
		uint64_t now;
		int64_t ns = WFI_MAX_NS;

		if (trap_wfi_over(h))
			return;
		now = hart_time(h);
		if (next <= now)
			continue; /* a deadline just passed: poll again */
		if (next != UINT64_MAX && (next - now) < WFI_MAX_NS / 100)
			ns = (int64_t)(next - now) * 100;
		trap_futex_wait(&h->wake_seq, seq, ns);
	}
}

void hart_kick(struct hart *h)
{
	atomic_fetch_add(&h->wake_seq, 1);
	futex_wake(&h->wake_seq, 1);
}

void hart_request(struct hart *h, uint32_t req)
{
	atomic_fetch_or(&h->requests, req);
	hart_kick(h);
}

void hart_set_mip(struct hart *h, uint64_t mask, int level)
{
	uint64_t old;

	if (!level) {
		/* A line going down never needs the hart's attention. */
		atomic_fetch_and(&h->mip, ~mask);
		return;
	}
	old = atomic_fetch_or(&h->mip, mask);
	if ((old & mask) != mask)
		hart_request(h, REQ_IRQ);
}
