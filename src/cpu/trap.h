/* Traps: exceptions, interrupts, delegation, xRET, WFI, cross-thread kicks. */
#ifndef ATOLL_CPU_TRAP_H
#define ATOLL_CPU_TRAP_H

#include <stdint.h>

#include "cpu/hart.h"

#define CAUSE_INTERRUPT (1ULL << 63)

/* Exceptions (mcause values without the interrupt bit). */
enum exc {
	EXC_INSN_MISALIGNED = 0,
	EXC_INSN_ACCESS = 1,
	EXC_ILLEGAL = 2,
	EXC_BREAKPOINT = 3,
	EXC_LOAD_MISALIGNED = 4,
	EXC_LOAD_ACCESS = 5,
	EXC_STORE_MISALIGNED = 6,
	EXC_STORE_ACCESS = 7,
	EXC_ECALL_U = 8,
	EXC_ECALL_S = 9,
	EXC_ECALL_M = 11,
	EXC_INSN_PAGE = 12,
	EXC_LOAD_PAGE = 13,
	EXC_STORE_PAGE = 15,
	/* Internal, never seen by the guest: the access must be retried once
	 * memory is available (bus.h, PAGE_RETRY). */
	EXC_RETRY = 0x100,
};

/* Take exception `cause` for the instruction at epc: choose M or S by
 * medeleg, save state (xEPC, xCAUSE, xTVAL, xPP, xPIE), switch privilege, set
 * h->pc to the vector, h->exit_retired = 0, update TLB contexts.  An ecall
 * from S-mode with h->sbi_in_host calls the bus's sbi_call instead and
 * resumes at epc + 4 (h->exit_retired = 1). */
void trap_raise(struct hart *h, uint64_t cause, uint64_t tval, uint64_t epc);

/* If an enabled interrupt is pending (mip & mie, mideleg, xIE, priority
 * MEI > MSI > MTI > SEI > SSI > STI), take it at h->pc and return 1. */
int trap_take_interrupt(struct hart *h);

/* Raise timer lines if time passed mtimecmp / stimecmp (called by the
 * run loop when it polls).  Returns the next deadline in mtime ticks, or
 * UINT64_MAX. */
uint64_t trap_poll_timers(struct hart *h);

/* mret / sret with all checks (TSR, privilege).  Return 0 with h->pc set, or
 * EXC_ILLEGAL. */
int trap_mret(struct hart *h);
int trap_sret(struct hart *h);

/* WFI: sleep the host thread until an interrupt is pending (even if not
 * enabled), a timer deadline passes or a request arrives. */
void trap_wfi(struct hart *h);

/* Cross-thread: set or clear interrupt-pending bits and wake the hart. */
void hart_set_mip(struct hart *h, uint64_t mask, int level);
/* Cross-thread: post a request (enum hart_request) and wake the hart. */
void hart_request(struct hart *h, uint32_t req);
/* Wake the hart from WFI without a request. */
void hart_kick(struct hart *h);

#endif
