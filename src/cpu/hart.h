/* One RISC-V hart (RV64GC, M/S/U): architectural state, the soft TLB and the
 * bookkeeping of the execution engine.  A hart is owned by one host thread;
 * other threads touch only the fields marked "cross-thread", through the
 * functions in trap.h (hart_set_mip, hart_kick, hart_request). */
#ifndef ATOLL_CPU_HART_H
#define ATOLL_CPU_HART_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "cpu/bus.h"
#include "cpu/tlb.h"

enum priv { PRIV_U = 0, PRIV_S = 1, PRIV_M = 3 };

/* Pages a shootdown mailbox holds (shootdown.h: SHOOTDOWN_MAX_PAGES):
 * a balloon batch (512 frames) fits whole. */
#define HART_SD_PAGES 512

/* Bits of hart->requests (cross-thread): why the hart must leave its
 * dispatch loop and look outside. */
enum hart_request {
	REQ_IRQ = 1u << 0, /* mip changed or a wake-up happened */
	REQ_TLB_FLUSH = 1u << 1, /* drop every cached translation */
	REQ_ICACHE_FLUSH = 1u << 2, /* drop every pre-decoded page */
	REQ_STOP = 1u << 3, /* leave hart_run() */
	REQ_PAUSE = 1u << 4, /* leave hart_run() to be paused */
	REQ_SHOOTDOWN = 1u << 5, /* serve the shootdown mailbox (shootdown.h) */
	REQ_MEM_WAIT = 1u << 6, /* own: an access got PAGE_RETRY */
};

/* Why hart_run() returned. */
enum hart_exit {
	HART_EXIT_STOP = 1,
	HART_EXIT_PAUSE = 2,
	HART_EXIT_HSM_STOP = 3
};

struct code_cache; /* exec/icache: pre-decoded pages, private to the hart */
struct jit; /* the translating engine's state (jit.h), or NULL */
struct insn;

struct hart {
	/* Integer registers.  x[0] is always 0: the decoder redirects writes
	 * to x0 into x[32], a sink no instruction reads. */
	uint64_t x[33];
	uint64_t f[32]; /* F/D registers, NaN-boxed singles */
	uint64_t pc; /* valid whenever the hart is outside the dispatch loop */
	uint8_t priv; /* enum priv */
	uint8_t frm; /* fcsr.frm */
	uint8_t fflags; /* fcsr.fflags */

	/* Execution engine (exec.c): the page being executed. */
	uint64_t cur_va; /* page-aligned guest-virtual address */
	struct insn *cur_slots; /* its pre-decoded slots, one per halfword */
	uint8_t *cur_host; /* host address of its bytes */
	int64_t budget; /* insns left before polling (exec.c) */
	uint8_t exit_retired; /* did the insn that left the loop retire? */
	uint8_t counter_synced; /* see decode: counter CSRs exit first */
	uint64_t instret; /* retired instructions (also mcycle) */

	/* Soft TLB = atoll's shadow page table (tlb.h). */
	struct tlb tlb;
	uint32_t ctx_fetch; /* TLB context of instruction fetch, pre-shifted */
	uint32_t ctx_data; /* TLB context of loads/stores (MPRV applied) */
	/* The translator's addend prediction per base register: the soft-TLB
	 * addend of the last access through it that predicted (jit_ops.c). */
	uint64_t jit_addend[32];

	/* CSRs.  mip is cross-thread (devices raise lines). */
	uint64_t mstatus; /* sstatus is a view of it */
	uint64_t misa;
	uint64_t medeleg, mideleg;
	uint64_t mie;
	_Atomic uint64_t mip;
	uint64_t mtvec, mscratch, mepc, mcause, mtval;
	uint64_t stvec, sscratch, sepc, scause, stval;
	uint64_t satp;
	uint32_t mcounteren, scounteren, mcountinhibit;
	uint64_t menvcfg, senvcfg;
	uint64_t pmpcfg[2]; /* pmpcfg0, pmpcfg2 (RV64: even numbers only) */
	uint64_t pmpaddr[16];
	uint64_t mhartid;

	/* LR/SC reservation: address and the value LR read (SC is a CAS). */
	uint64_t lr_addr;
	uint64_t lr_val;
	bool lr_valid;

	/* Timers.  time = mtime_now() - time_base (10 MHz).  mtimecmp is
	 * written by the CLINT (any thread); stimecmp by the SBI TIME call.
	 * The hart raises MTIP/STIP itself when time passes them. */
	uint64_t time_base;
	_Atomic uint64_t mtimecmp;
	_Atomic uint64_t stimecmp;

	/* True when atoll implements SBI: an ecall from S-mode goes to
	 * bus->ops->sbi_call instead of trapping to M-mode. */
	bool sbi_in_host;

	/* Cross-thread requests (enum hart_request) and the futex word the
	 * hart sleeps on in WFI. */
	_Atomic uint32_t requests;
	_Atomic uint32_t wake_seq;
	/* Non-zero while a device works on a request of this hart's board
	 * whose completion will interrupt within microseconds: WFI then polls
	 * up to wfi_poll_ticks (hart_time) before it sleeps (trap_wfi).
	 * NULL or 0: WFI always sleeps at once. */
	_Atomic uint32_t *io_busy;
	uint32_t wfi_poll_ticks;
	unsigned wfi_poll_skip, wfi_poll_backoff; /* trap.c's back-off */

	/* TLB shootdown mailbox (shootdown.h): posted to by initiators, served
	 * by the hart on its own thread; sd_lock guards the list, the flags
	 * and sd_req (a spin lock: both sides hold it for a copy at most). */
	atomic_flag sd_lock;
	uint64_t sd_pages[HART_SD_PAGES]; /* pages | SHOOTDOWN_CODE */
	unsigned sd_n; /* how many pages are listed */
	bool sd_all_tlb; /* a request did not fit: forget every translation */
	bool sd_all_code; /* ... and it named code: drop every decoded page */
	uint64_t sd_work[HART_SD_PAGES]; /* the hart's copy while it serves */
	_Atomic uint32_t sd_req; /* ticket of the newest posted request */
	_Atomic uint32_t sd_done; /* ticket the hart has served (futex word) */
	_Atomic uint32_t sd_sleepers; /* initiators asleep on sd_done */
	uint64_t stat_shootdowns; /* requests served */

	struct cpu_bus bus;
	struct code_cache *code;
	struct jit *jit; /* NULL: the interpreter runs this hart */
	void *owner; /* the vCPU that runs this hart (vmm layer) */

	/* Statistics, hart-local. */
	uint64_t stat_tlb_miss, stat_page_walks, stat_traps, stat_irqs;
	uint64_t stat_icache_fills, stat_icache_flushes, stat_wfi;
	uint64_t stat_wfi_polled; /* WFIs a poll ended, without sleeping */
	uint64_t stat_wfi_poll_missed; /* polls that ran out or were late */
};

/* Set up a hart in its reset state (M-mode, pc = reset_pc, misa RV64GC+SU).
 * Allocates the code cache; returns 0 or -ENOMEM. */
int hart_init(struct hart *h, uint64_t hartid, uint64_t reset_pc,
	      const struct cpu_bus *bus);
void hart_destroy(struct hart *h);

/* Run until a request makes it stop or pause.  Returns enum hart_exit. */
int hart_run(struct hart *h);

/* 10 MHz ticks of the host monotonic clock since process start. */
uint64_t mtime_now(void);
static inline uint64_t hart_time(const struct hart *h)
{
	return mtime_now() - h->time_base;
}

#endif
