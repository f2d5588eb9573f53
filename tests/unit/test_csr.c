/* Unit tests of csr.c, trap.c and hart.c: reset state, CSR access rules and
 * WARL legalization, counters, trap entry and delegation, interrupt
 * priority and enables, xRET, timers, WFI and cross-thread wake-ups. */
#include <pthread.h>
#include <time.h>

#include "cpu_fixture.h"

static uint64_t rd(struct hart *h, unsigned csr)
{
	uint64_t v = 0xdeadbeef;

	CHECK_EQ(csr_read(h, csr, &v), 0);
	return v;
}

/* Write then read back. */
static uint64_t wr(struct hart *h, unsigned csr, uint64_t val)
{
	CHECK_EQ(csr_write(h, csr, val), 0);
	return rd(h, csr);
}

static void test_reset(void)
{
	struct fx *f = fx_new();
	struct hart *h = &f->h;

	CHECK_EQ(h->priv, PRIV_M);
	CHECK_EQ(h->pc, FX_RAM_BASE);
	CHECK_EQ(rd(h, CSR_MISA), 0x800000000014112dULL);
	CHECK_EQ(rd(h, CSR_MSTATUS), 0xa00000000ULL);
	CHECK_EQ(rd(h, CSR_MHARTID), 0);
	CHECK_EQ(rd(h, CSR_SATP), 0);
	CHECK_EQ(atomic_load(&h->mtimecmp), UINT64_MAX);
	CHECK(hart_time(h) < 10000000); /* under a second since init */
	fx_free(f);
}

static void test_status(void)
{
	struct fx *f = fx_new();
	struct hart *h = &f->h;

	CHECK_EQ(wr(h, CSR_MSTATUS, ~0ULL), 0x8000000a007e79aaULL);
	CHECK_EQ(wr(h, CSR_MSTATUS, 0), 0xa00000000ULL);
	CHECK_EQ(wr(h, CSR_MSTATUS, 1ULL << 11), 0xa00000800ULL);
	/* MPP = 2 is reserved: the field keeps its value. */
	CHECK_EQ(wr(h, CSR_MSTATUS, 2ULL << 11), 0xa00000800ULL);
	CHECK_EQ(wr(h, CSR_MSTATUS, 3ULL << 11), 0xa00001800ULL);
	CHECK_EQ(wr(h, CSR_SSTATUS, ~0ULL), 0x80000002000c6122ULL);
	CHECK_EQ(rd(h, CSR_MSTATUS), 0x8000000a000c7922ULL);
	CHECK_EQ(wr(h, CSR_SSTATUS, 1ULL << 13), 0x200002000ULL);
	CHECK_EQ(wr(h, CSR_MISA, 0), 0x800000000014112dULL);
	fx_free(f);
}

static void test_interrupt_csrs(void)
{
	struct fx *f = fx_new();
	struct hart *h = &f->h;

	CHECK_EQ(wr(h, CSR_MEDELEG, ~0ULL), 0xb3ff);
	CHECK_EQ(wr(h, CSR_MIDELEG, ~0ULL), 0x222);
	CHECK_EQ(wr(h, CSR_MIE, ~0ULL), 0xaaa);
	CHECK_EQ(wr(h, CSR_MIP, ~0ULL), 0x222);
	CHECK_EQ(wr(h, CSR_MIP, 0), 0);
	CHECK_EQ(rd(h, CSR_SIE), 0x222);
	CHECK_EQ(wr(h, CSR_SIE, 0), 0);
	CHECK_EQ(rd(h, CSR_MIE), 0x888);
	CHECK_EQ(wr(h, CSR_SIE, ~0ULL), 0x222);
	CHECK_EQ(wr(h, CSR_SIP, ~0ULL), 0x2); /* only SSIP */
	CHECK_EQ(wr(h, CSR_MIDELEG, 0), 0);
	CHECK_EQ(rd(h, CSR_SIE), 0);
	CHECK_EQ(rd(h, CSR_SIP), 0);
	CHECK_EQ(wr(h, CSR_SIP, 0), 0);
	CHECK_EQ(rd(h, CSR_MIP), 0x2); /* not delegated: sip cannot clear */
	/* Device lines are read-only to software. */
	hart_set_mip(h, MIP_MEIP | MIP_MTIP, 1);
	CHECK_EQ(wr(h, CSR_MIP, 0), MIP_MEIP);
	fx_free(f);
}

static void test_trap_csrs(void)
{
	struct fx *f = fx_new();
	struct hart *h = &f->h;
	uint64_t v;

	CHECK_EQ(wr(h, CSR_MTVEC, 0x80001001ULL), 0x80001001ULL);
	CHECK_EQ(wr(h, CSR_MTVEC, 0x80002002ULL), 0x80001001ULL);
	CHECK_EQ(wr(h, CSR_MTVEC, 0x80002003ULL), 0x80001001ULL);
	CHECK_EQ(wr(h, CSR_STVEC, 0x80003004ULL), 0x80003004ULL);
	CHECK_EQ(wr(h, CSR_MEPC, ~0ULL), ~1ULL);
	CHECK_EQ(wr(h, CSR_SEPC, 0x1003), 0x1002);
	CHECK_EQ(wr(h, CSR_MCAUSE, ~0ULL), ~0ULL);
	CHECK_EQ(wr(h, CSR_MSCRATCH, 5), 5);
	CHECK_EQ(wr(h, CSR_SSCRATCH, 6), 6);
	CHECK_EQ(wr(h, CSR_MTVAL, 7), 7);
	CHECK_EQ(wr(h, CSR_STVAL, 8), 8);
	/* satp: Sv57 and reserved modes leave it unchanged. */
	CHECK_EQ(wr(h, CSR_SATP, (8ULL << 60) | 1), (8ULL << 60) | 1);
	CHECK_EQ(wr(h, CSR_SATP, (10ULL << 60) | 5), (8ULL << 60) | 1);
	CHECK_EQ(wr(h, CSR_SATP, (1ULL << 60) | 5), (8ULL << 60) | 1);
	CHECK_EQ(wr(h, CSR_SATP, ~0ULL >> 4 | 9ULL << 60),
		 0x9fffffffffffffffULL);
	CHECK_EQ(wr(h, CSR_SATP, 0), 0);
	/* TVM: satp is illegal in S, fine in M. */
	h->mstatus |= MSTATUS_TVM;
	h->priv = PRIV_S;
	CHECK_EQ(csr_read(h, CSR_SATP, &v), EXC_ILLEGAL);
	CHECK_EQ(csr_write(h, CSR_SATP, 0), EXC_ILLEGAL);
	h->priv = PRIV_M;
	CHECK_EQ(csr_read(h, CSR_SATP, &v), 0);
	fx_free(f);
}

static void test_machine_misc(void)
{
	struct fx *f = fx_new();
	struct hart *h = &f->h;
	uint64_t v;

	CHECK_EQ(wr(h, CSR_MCOUNTINHIBIT, ~0ULL), 0xfffffffdULL);
	CHECK_EQ(wr(h, CSR_MCOUNTEREN, ~0ULL), 0xffffffffULL);
	CHECK_EQ(wr(h, CSR_SCOUNTEREN, ~0ULL), 0xffffffffULL);
	CHECK_EQ(wr(h, CSR_MENVCFG, ~0ULL), 1);
	CHECK_EQ(wr(h, CSR_SENVCFG, ~0ULL), 1);
	CHECK_EQ(rd(h, CSR_MVENDORID) | rd(h, CSR_MARCHID) | rd(h, CSR_MIMPID) |
			 rd(h, CSR_MCONFIGPTR),
		 0);
	/* PMP: stored, WARL, locks honoured. */
	CHECK_EQ(wr(h, CSR_PMPADDR0 + 3, ~0ULL), (1ULL << 54) - 1);
	/* R = 0 with W = 1 is reserved: W is dropped. */
	CHECK_EQ(wr(h, CSR_PMPCFG0, 0x0f0e0d0c0b0a0902ULL),
		 0x0f0c0d0c0b080900ULL);
	CHECK_EQ(wr(h, CSR_PMPCFG0, 0x60), 0); /* bits 6:5 reserved */
	CHECK_EQ(wr(h, CSR_PMPADDR0 + 8, 5), 5);
	CHECK_EQ(wr(h, CSR_PMPCFG0 + 2, 0x8800ULL), 0x8800ULL); /* 9 TOR+L */
	CHECK_EQ(wr(h, CSR_PMPCFG0 + 2, 0), 0x8800ULL);
	CHECK_EQ(wr(h, CSR_PMPCFG0 + 2, 0x8000ULL), 0x8800ULL);
	CHECK_EQ(csr_read(h, CSR_PMPCFG0 + 1, &v), EXC_ILLEGAL);
	CHECK_EQ(wr(h, CSR_PMPADDR0 + 9, 7), 0); /* locked */
	CHECK_EQ(wr(h, CSR_PMPADDR0 + 8, 9), 5); /* locked by entry 9 TOR */
	/* hpm counters and events: zero, writes ignored. */
	CHECK_EQ(wr(h, CSR_MHPMCOUNTER3, 5), 0);
	CHECK_EQ(wr(h, CSR_MHPMCOUNTER3 + 28, 5), 0);
	CHECK_EQ(wr(h, CSR_MHPMEVENT3 + 28, 5), 0);
	CHECK_EQ(rd(h, CSR_HPMCOUNTER3 + 28), 0);
	CHECK_EQ(wr(h, CSR_MCYCLE, 1000), 1000);
	CHECK_EQ(rd(h, CSR_MINSTRET), 1000);
	CHECK_EQ(wr(h, CSR_MINSTRET, 7), 7);
	CHECK_EQ(rd(h, CSR_INSTRET), 7);
	/* Debug triggers: none. */
	CHECK_EQ(wr(h, CSR_TSELECT, 5), 0);
	CHECK_EQ(rd(h, CSR_TDATA1), 0);
	CHECK_EQ(rd(h, CSR_TSELECT + 4), 1);
	CHECK_EQ(csr_read(h, 0x7b0, &v), EXC_ILLEGAL); /* dcsr: debug mode */
	fx_free(f);
}

static void test_access_rules(void)
{
	struct fx *f = fx_new();
	struct hart *h = &f->h;
	uint64_t v;

	CHECK_EQ(csr_write(h, CSR_MHARTID, 0), EXC_ILLEGAL); /* read-only */
	CHECK_EQ(csr_write(h, CSR_CYCLE, 0), EXC_ILLEGAL);
	CHECK_EQ(csr_read(h, 0x5c0, &v), EXC_ILLEGAL); /* unknown */
	CHECK_EQ(csr_read(h, 0x310, &v), EXC_ILLEGAL); /* mstatush: RV32 */
	CHECK_EQ(csr_read(h, 0xb01, &v), EXC_ILLEGAL);
	CHECK_EQ(csr_read(h, 0xc80, &v), EXC_ILLEGAL); /* cycleh */
	CHECK_EQ(csr_read(h, 0x14d, &v), EXC_ILLEGAL); /* stimecmp: no Sstc */
	CHECK_EQ(csr_read(h, 0x000, &v), EXC_ILLEGAL);
	h->priv = PRIV_S;
	CHECK_EQ(csr_read(h, CSR_MSTATUS, &v), EXC_ILLEGAL);
	CHECK_EQ(csr_read(h, CSR_SSTATUS, &v), 0);
	h->priv = PRIV_U;
	CHECK_EQ(csr_read(h, CSR_SSTATUS, &v), EXC_ILLEGAL);
	/* Counters below M: mcounteren, then scounteren for U. */
	CHECK_EQ(csr_read(h, CSR_CYCLE, &v), EXC_ILLEGAL);
	h->mcounteren = 7;
	CHECK_EQ(csr_read(h, CSR_TIME, &v), EXC_ILLEGAL);
	h->scounteren = 2;
	CHECK_EQ(csr_read(h, CSR_TIME, &v), 0);
	CHECK_EQ(csr_read(h, CSR_CYCLE, &v), EXC_ILLEGAL);
	h->priv = PRIV_S;
	CHECK_EQ(csr_read(h, CSR_CYCLE, &v), 0);
	CHECK_EQ(csr_read(h, CSR_HPMCOUNTER3, &v), EXC_ILLEGAL);
	h->mcounteren = 0;
	CHECK_EQ(csr_read(h, CSR_INSTRET, &v), EXC_ILLEGAL);
	/* F/D CSRs need mstatus.FS != Off; writes make it Dirty. */
	h->priv = PRIV_U;
	CHECK_EQ(csr_read(h, CSR_FCSR, &v), EXC_ILLEGAL);
	CHECK_EQ(csr_write(h, CSR_FFLAGS, 1), EXC_ILLEGAL);
	h->mstatus |= (uint64_t)FS_INITIAL << MSTATUS_FS_SHIFT;
	CHECK_EQ(wr(h, CSR_FCSR, 0xff), 0xff);
	CHECK_EQ(rd(h, CSR_FFLAGS), 0x1f);
	CHECK_EQ(rd(h, CSR_FRM), 7);
	CHECK_EQ(h->mstatus & (MSTATUS_FS | MSTATUS_SD),
		 MSTATUS_FS | MSTATUS_SD);
	CHECK_EQ(wr(h, CSR_FRM, 0x21), 1);
	CHECK_EQ(rd(h, CSR_FCSR), 0x3f);
	fx_free(f);
}

static void test_trap_entry(void)
{
	struct fx *f = fx_new();
	struct hart *h = &f->h;

	h->mtvec = 0x80000101ULL; /* vectored */
	h->stvec = 0x80000201ULL;
	h->medeleg = 1ULL << EXC_ECALL_U | 1ULL << EXC_ILLEGAL;
	h->lr_valid = true;
	/* U -> S (delegated), SIE was set. */
	h->priv = PRIV_U;
	h->mstatus |= MSTATUS_SIE;
	trap_raise(h, EXC_ECALL_U, 0, 0x1000);
	CHECK_EQ(h->priv, PRIV_S);
	CHECK_EQ(h->pc, 0x80000200ULL); /* exceptions ignore vectoring */
	CHECK_EQ(h->sepc, 0x1000);
	CHECK_EQ(h->scause, EXC_ECALL_U);
	CHECK_EQ(h->mstatus & (MSTATUS_SPP | MSTATUS_SPIE | MSTATUS_SIE),
		 MSTATUS_SPIE);
	CHECK(!h->lr_valid);
	CHECK_EQ(h->exit_retired, 0);
	/* S -> S for a delegated cause; SPP records S. */
	trap_raise(h, EXC_ILLEGAL, 0x13, 0x2000);
	CHECK_EQ(h->priv, PRIV_S);
	CHECK_EQ(h->stval, 0x13);
	CHECK(h->mstatus & MSTATUS_SPP);
	/* S -> M for a cause not delegated. */
	h->mstatus |= MSTATUS_MIE;
	trap_raise(h, EXC_LOAD_PAGE, 0x3000, 0x2004);
	CHECK_EQ(h->priv, PRIV_M);
	CHECK_EQ(h->pc, 0x80000100ULL);
	CHECK_EQ(h->mcause, EXC_LOAD_PAGE);
	CHECK_EQ(h->mtval, 0x3000);
	CHECK_EQ((h->mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT, PRIV_S);
	CHECK_EQ(h->mstatus & (MSTATUS_MPIE | MSTATUS_MIE), MSTATUS_MPIE);
	/* In M, delegation never applies. */
	trap_raise(h, EXC_ILLEGAL, 0, 0x100);
	CHECK_EQ(h->priv, PRIV_M);
	CHECK_EQ(h->mcause, EXC_ILLEGAL);
	CHECK_EQ(h->stat_traps, 4);
	fx_free(f);
}

static void test_sbi_ecall(void)
{
	struct fx *f = fx_new();
	struct hart *h = &f->h;

	h->sbi_in_host = true;
	h->priv = PRIV_S;
	trap_raise(h, EXC_ECALL_S, 0, 0x80001000ULL);
	CHECK_EQ(f->sbi_calls, 1);
	CHECK_EQ(h->pc, 0x80001004ULL);
	CHECK_EQ(h->exit_retired, 1);
	CHECK_EQ(h->priv, PRIV_S);
	CHECK_EQ(h->stat_traps, 0);
	/* From U it is an ordinary trap. */
	h->priv = PRIV_U;
	trap_raise(h, EXC_ECALL_U, 0, 0x1000);
	CHECK_EQ(f->sbi_calls, 1);
	CHECK_EQ(h->priv, PRIV_M);
	fx_free(f);
}

static void test_interrupts(void)
{
	struct fx *f = fx_new();
	struct hart *h = &f->h;

	h->mtvec = 0x80000001ULL;
	h->stvec = 0x80001001ULL;
	h->mideleg = MIP_SSIP | MIP_STIP | MIP_SEIP;
	h->mie = 0xaaa;
	h->pc = 0x4000;
	CHECK_EQ(trap_take_interrupt(h), 0);
	hart_set_mip(h, MIP_MTIP | MIP_MSIP | MIP_SEIP, 1);
	CHECK_EQ(trap_take_interrupt(h), 0); /* M with MIE = 0 */
	h->mstatus |= MSTATUS_MIE;
	CHECK_EQ(trap_take_interrupt(h), 1);
	CHECK_EQ(h->mcause, CAUSE_INTERRUPT | IRQ_MSI); /* MSI before MTI */
	CHECK_EQ(h->pc, 0x80000000ULL + 4 * IRQ_MSI);
	CHECK_EQ(h->mepc, 0x4000);
	CHECK_EQ(h->stat_irqs, 1);
	/* M, MIE now 0 (saved in MPIE): nothing; delegated SEI never in M. */
	CHECK_EQ(trap_take_interrupt(h), 0);
	h->mstatus |= MSTATUS_MIE;
	hart_set_mip(h, MIP_MSIP | MIP_MTIP, 0);
	CHECK_EQ(trap_take_interrupt(h), 0);
	/* S with SIE = 0: S interrupts wait, M ones are taken. */
	h->priv = PRIV_S;
	h->mstatus &= ~(MSTATUS_SIE | MSTATUS_MIE);
	CHECK_EQ(trap_take_interrupt(h), 0);
	hart_set_mip(h, MIP_MEIP, 1);
	CHECK_EQ(trap_take_interrupt(h), 1);
	CHECK_EQ(h->mcause, CAUSE_INTERRUPT | IRQ_MEI);
	hart_set_mip(h, MIP_MEIP, 0);
	/* U: S interrupts are enabled regardless of SIE. */
	h->priv = PRIV_U;
	hart_set_mip(h, MIP_SSIP | MIP_STIP, 1);
	CHECK_EQ(trap_take_interrupt(h), 1);
	CHECK_EQ(h->priv, PRIV_S);
	CHECK_EQ(h->scause, CAUSE_INTERRUPT | IRQ_SEI); /* SEI > SSI > STI */
	CHECK_EQ(h->pc, 0x80001000ULL + 4 * IRQ_SEI);
	/* Not enabled in mie: not taken. */
	h->priv = PRIV_U;
	h->mie = MIP_STIP;
	CHECK_EQ(trap_take_interrupt(h), 1);
	CHECK_EQ(h->scause, CAUSE_INTERRUPT | IRQ_STI);
	fx_free(f);
}

static void test_xret(void)
{
	struct fx *f = fx_new();
	struct hart *h = &f->h;

	h->mepc = 0x5000;
	h->mstatus |= MSTATUS_MPIE | MSTATUS_MPRV | (1ULL << MSTATUS_MPP_SHIFT);
	CHECK_EQ(trap_mret(h), 0);
	CHECK_EQ(h->priv, PRIV_S);
	CHECK_EQ(h->pc, 0x5000);
	CHECK_EQ(h->mstatus & (MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP |
			       MSTATUS_MPRV),
		 MSTATUS_MIE | MSTATUS_MPIE);
	CHECK_EQ(trap_mret(h), EXC_ILLEGAL); /* not in M */
	/* sret: to U, clears MPRV; TSR makes it illegal in S. */
	h->sepc = 0x6000;
	h->mstatus |= MSTATUS_SPIE | MSTATUS_TSR;
	CHECK_EQ(trap_sret(h), EXC_ILLEGAL);
	h->mstatus &= ~MSTATUS_TSR;
	CHECK_EQ(trap_sret(h), 0);
	CHECK_EQ(h->priv, PRIV_U);
	CHECK_EQ(h->pc, 0x6000);
	CHECK(h->mstatus & MSTATUS_SIE);
	CHECK_EQ(trap_sret(h), EXC_ILLEGAL);
	/* mret to M keeps MPRV. */
	h->priv = PRIV_M;
	h->mstatus |= MSTATUS_MPRV | MSTATUS_MPP;
	CHECK_EQ(trap_mret(h), 0);
	CHECK_EQ(h->priv, PRIV_M);
	CHECK(h->mstatus & MSTATUS_MPRV);
	/* sret from M follows SPP. */
	h->mstatus |= MSTATUS_SPP;
	CHECK_EQ(trap_sret(h), 0);
	CHECK_EQ(h->priv, PRIV_S);
	CHECK(!(h->mstatus & MSTATUS_MPRV));
	fx_free(f);
}

static void test_timers(void)
{
	struct fx *f = fx_new();
	struct hart *h = &f->h;
	uint64_t now = hart_time(h);

	CHECK_EQ(trap_poll_timers(h), UINT64_MAX);
	atomic_store(&h->mtimecmp, now + 100000000ULL);
	CHECK_EQ(trap_poll_timers(h), now + 100000000ULL);
	CHECK(!(atomic_load(&h->mip) & MIP_MTIP));
	atomic_store(&h->mtimecmp, 0);
	CHECK_EQ(trap_poll_timers(h), UINT64_MAX);
	CHECK(atomic_load(&h->mip) & MIP_MTIP);
	atomic_store(&h->mtimecmp, UINT64_MAX);
	trap_poll_timers(h);
	CHECK(!(atomic_load(&h->mip) & MIP_MTIP)); /* level follows time */
	/* stimecmp only matters when SBI is in the host. */
	atomic_store(&h->stimecmp, 0);
	trap_poll_timers(h);
	CHECK(!(atomic_load(&h->mip) & MIP_STIP));
	h->sbi_in_host = true;
	trap_poll_timers(h);
	CHECK(atomic_load(&h->mip) & MIP_STIP);
	atomic_store(&h->stimecmp, now + 5000000ULL);
	CHECK_EQ(trap_poll_timers(h), now + 5000000ULL);
	CHECK(atomic_load(&h->mip) & MIP_STIP); /* cleared by the SBI code */
	/* mip reads see the timer without waiting for the run loop. */
	atomic_store(&h->mtimecmp, 0);
	CHECK(rd(h, CSR_MIP) & MIP_MTIP);
	fx_free(f);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void *raise_later(void *arg)
{
	struct timespec ts = { 0, 30 * 1000000L };

	nanosleep(&ts, NULL);
	hart_set_mip(arg, MIP_MEIP, 1);
	return NULL;
}

static void *request_later(void *arg)
{
	struct timespec ts = { 0, 30 * 1000000L };

	nanosleep(&ts, NULL);
	hart_request(arg, REQ_STOP);
	return NULL;
}

static void test_wfi(void)
{
	struct fx *f = fx_new();
	struct hart *h = &f->h;
	pthread_t th;
	double t0, dt;

	/* Timer deadline 20 ms ahead, MTIE on: wakes near the deadline. */
	h->mie = MIP_MTIP;
	t0 = now_ms(); /* before the deadline is set: 20 ms from then at least */
	atomic_store(&h->mtimecmp, hart_time(h) + 200000);
	trap_wfi(h);
	dt = now_ms() - t0;
	CHECK(dt >= 19.0 && dt < 5000.0);
	CHECK(atomic_load(&h->mip) & MIP_MTIP);
	/* A device line from another thread (pending and enabled). */
	atomic_store(&h->mtimecmp, UINT64_MAX);
	trap_poll_timers(h);
	h->mie = MIP_MEIP;
	t0 = now_ms(); /* before the thread: its 30 ms start after */
	pthread_create(&th, NULL, raise_later, h);
	trap_wfi(h);
	dt = now_ms() - t0;
	pthread_join(th, NULL);
	CHECK(dt >= 29.0 && dt < 5000.0);
	CHECK_EQ(atomic_load(&h->requests), REQ_IRQ);
	/* A request wakes it even with nothing enabled. */
	atomic_store(&h->requests, 0);
	h->mie = 0;
	t0 = now_ms();
	pthread_create(&th, NULL, request_later, h);
	trap_wfi(h);
	dt = now_ms() - t0;
	pthread_join(th, NULL);
	CHECK(dt >= 29.0 && dt < 5000.0);
	CHECK_EQ(h->stat_wfi, 3);
	/* Raising a line that is already up posts no request. */
	atomic_store(&h->requests, 0);
	hart_set_mip(h, MIP_MEIP, 1);
	CHECK_EQ(atomic_load(&h->requests), 0);
	fx_free(f);
}

/* WFI while a device works for the board (hart.h's io_busy): a pending
 * interrupt ends it in the poll, without a sleep; one that comes long
 * after the poll's bound (300 us) finds the hart asleep, not spinning;
 * with nothing busy there is no poll at all; a poll that ran out makes
 * the next WFI sleep at once (trap.c's back-off). */
static bool wfi_poll_yes(void *ctx, struct hart *h)
{
	return true;
}

static void test_wfi_poll(void)
{
	struct fx *f = fx_new();
	struct hart *h = &f->h;
	struct cpu_bus_ops ops = *h->bus.ops;
	_Atomic uint32_t busy = 1;
	pthread_t th;
	double t0, dt;

	/* The board's say first: no poll when it says no. */
	h->io_busy = &busy;
	h->wfi_poll_ticks = 3000; /* 300 us */
	hart_set_mip(h, MIP_MEIP, 1);
	h->mie = MIP_MEIP;
	trap_wfi(h);
	CHECK_EQ(h->stat_wfi_polled, 0);
	hart_set_mip(h, MIP_MEIP, 0);
	atomic_store(&h->requests, 0);
	ops.wfi_poll = wfi_poll_yes;
	h->bus.ops = &ops;
	h->stat_wfi = 0;
	atomic_store(&h->mtimecmp, UINT64_MAX);
	trap_poll_timers(h);
	h->mie = MIP_MEIP;
	hart_set_mip(h, MIP_MEIP, 1);
	trap_wfi(h);
	CHECK_EQ(h->stat_wfi_polled, 1);
	hart_set_mip(h, MIP_MEIP, 0);
	atomic_store(&h->requests, 0);
	/* t0 before the thread starts: its 30 ms cannot begin earlier. */
	t0 = now_ms();
	pthread_create(&th, NULL, raise_later, h);
	trap_wfi(h);
	dt = now_ms() - t0;
	pthread_join(th, NULL);
	CHECK(dt >= 29.0 && dt < 5000.0);
	CHECK_EQ(h->stat_wfi_polled, 1); /* the raise woke a sleeper */
	CHECK_EQ(atomic_load(&h->requests), REQ_IRQ);
	hart_set_mip(h, MIP_MEIP, 0);
	atomic_store(&h->requests, 0);
	atomic_store(&busy, 0);
	hart_set_mip(h, MIP_MEIP, 1);
	trap_wfi(h);
	CHECK_EQ(h->stat_wfi_polled, 1);
	/* The poll that ran out makes the next WFI skip polling (back-off),
	 * the one after polls again. */
	atomic_store(&busy, 1);
	trap_wfi(h);
	CHECK_EQ(h->stat_wfi_polled, 1);
	trap_wfi(h);
	CHECK_EQ(h->stat_wfi_polled, 2);
	CHECK_EQ(h->stat_wfi, 5);
	fx_free(f);
}

int main(void)
{
	test_reset();
	test_status();
	test_interrupt_csrs();
	test_trap_csrs();
	test_machine_misc();
	test_access_rules();
	test_trap_entry();
	test_sbi_ecall();
	test_interrupts();
	test_xret();
	test_timers();
	test_wfi();
	test_wfi_poll();
	return check_done("test_csr");
}
