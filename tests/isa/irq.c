/* Interrupts: CLINT software (msip) and timer (mtimecmp) interrupts, mip
 * following their sources, the enable rules (mie bits; mstatus.MIE in M;
 * M interrupts always enabled below M; delegated S interrupts never taken
 * in M, gated by SIE in S, always enabled in U), priorities (MSI > MTI,
 * M-level before S-level, SSI > STI), delegation through mideleg, vectored
 * mtvec, and WFI waking on a pending interrupt even when MIE = 0.  Only
 * relations are printed: nothing here depends on timing. */
#include "lib.h"

#define MIP_SSIP (1UL << IRQ_SSI)
#define MIP_MSIP (1UL << IRQ_MSI)
#define MIP_STIP (1UL << IRQ_STI)
#define MIP_MTIP (1UL << IRQ_MTI)

static volatile uint64_t seq[8];
static volatile unsigned nseq;

/* Take every interrupt: log its cause, then silence its source. */
static uintptr_t irq_hook(uint64_t cause, uint64_t epc, uint64_t tval,
			  uint64_t *regs, int to)
{
	if (!(cause & CAUSE_IRQ))
		return 0;
	lib_record(cause, epc, tval, to);
	if (nseq < 8)
		seq[nseq++] = (cause & 63) | (uint64_t)to << 8;
	switch (cause & 63) {
	case IRQ_MSI: mmio_w32(CLINT_MSIP, 0); break;
	case IRQ_MTI: mmio_w64(CLINT_MTIMECMP, ~0UL); break;
	case IRQ_SSI:
		if (to == PRV_M)
			CSRC(mip, MIP_SSIP);
		else
			CSRC(sip, MIP_SSIP);
		break;
	case IRQ_STI:
		if (to == PRV_M)
			CSRC(mip, MIP_STIP);
		else
			CSRC(sie, MIP_STIP); /* S cannot clear STIP */
		break;
	default:
		if (to == PRV_M)
			CSRC(mie, 1UL << (cause & 63));
		else
			CSRC(sie, 1UL << (cause & 63));
	}
	return epc;
}

static void reset_irqs(void)
{
	CSRC(mstatus, MS_MIE | MS_SIE);
	CSRW(mie, 0);
	CSRW(mideleg, 0);
	mmio_w32(CLINT_MSIP, 0);
	mmio_w64(CLINT_MTIMECMP, ~0UL);
	CSRC(mip, MIP_SSIP | MIP_STIP);
	nseq = 0;
	lib_trap.count = 0;
}

static void check_seq(const char *what, unsigned n, const uint64_t *want)
{
	int ok = nseq == n;
	for (unsigned i = 0; ok && i < n; i++)
		ok = seq[i] == want[i];
	check(what, ok);
	if (!ok)
		for (unsigned i = 0; i < nseq; i++)
			rt_printf("     got irq %lu in %lu\n", seq[i] & 63,
				  seq[i] >> 8);
}

static void spin(unsigned n)
{
	__asm__ volatile("1: addi %0, %0, -1\n\tbnez %0, 1b"
			 : "+r"(n)::"memory");
}

static void test_software(void)
{
	lib_section("software interrupt (msip)");
	reset_irqs();
	check_eq("mip.MSIP clear", CSRR(mip) & MIP_MSIP, 0);
	mmio_w32(CLINT_MSIP, 1);
	check_eq("msip=1 -> mip.MSIP", CSRR(mip) & MIP_MSIP, MIP_MSIP);
	check_eq("msip reads back", *(volatile uint32_t *)CLINT_MSIP, 1);
	CSRS(mie, MIP_MSIP);
	spin(100);
	check_eq("MIE=0: not taken", lib_trap.count, 0);
	uint64_t pc;
	__asm__ volatile("la %0, 1f\n\tcsrsi mstatus, 8\n1:\tnop"
			 : "=&r"(pc)::"memory");
	check_eq("MIE=1: taken at once", lib_trap.count, 1);
	check_eq("  mcause", lib_trap.cause, CAUSE_IRQ | IRQ_MSI);
	check_eq("  mepc = next insn", lib_trap.epc - pc, 0);
	check_eq("  MPIE = 1, MIE = 0 in handler",
		 lib_trap.status & (MS_MIE | MS_MPIE), MS_MPIE);
	check_eq("  msip cleared -> mip.MSIP", CSRR(mip) & MIP_MSIP, 0);
	CSRC(mstatus, MS_MIE);
	mmio_w32(CLINT_MSIP, 1);
	CSRC(mie, MIP_MSIP);
	CSRS(mstatus, MS_MIE);
	spin(100);
	check_eq("MSIE=0: not taken", lib_trap.count, 1);
	CSRS(mie, MIP_MSIP);
	check_eq("MSIE=1: taken", lib_trap.count, 2);
	reset_irqs();
}

static void test_timer(void)
{
	lib_section("timer interrupt (mtimecmp)");
	reset_irqs();
	check_eq("mtimecmp=max -> MTIP clear", CSRR(mip) & MIP_MTIP, 0);
	mmio_w64(CLINT_MTIMECMP, 0);
	check_eq("mtimecmp=0 -> MTIP", CSRR(mip) & MIP_MTIP, MIP_MTIP);
	mmio_w64(CLINT_MTIMECMP, ~0UL);
	check_eq("and back", CSRR(mip) & MIP_MTIP, 0);

	CSRS(mie, MIP_MTIP);
	CSRS(mstatus, MS_MIE);
	mmio_w64(CLINT_MTIMECMP, rt_mtime() + 2000); /* 200 us */
	uint64_t end = rt_mtime() + 50000000; /* 5 s */
	while (!lib_trap.count && rt_mtime() < end)
		;
	check_eq("timer fires", lib_trap.count, 1);
	check_eq("  mcause", lib_trap.cause, CAUSE_IRQ | IRQ_MTI);
	reset_irqs();

	/* WFI with MIE = 0 wakes when MTIP is pending and enabled. */
	CSRS(mie, MIP_MTIP);
	mmio_w64(CLINT_MTIMECMP, rt_mtime() + 10000); /* 1 ms */
	end = rt_mtime() + 50000000;
	unsigned n = 0;
	while (!(CSRR(mip) & MIP_MTIP) && rt_mtime() < end) {
		__asm__ volatile("wfi" ::: "memory");
		n++;
	}
	check("wfi with MIE=0 wakes on MTIP", (CSRR(mip) & MIP_MTIP) != 0);
	check_eq("  nothing taken", lib_trap.count, 0);
	CSRS(mstatus, MS_MIE);
	check_eq("  taken once MIE=1", lib_trap.cause, CAUSE_IRQ | IRQ_MTI);
	reset_irqs();
}

static void test_priority(void)
{
	lib_section("priority");
	reset_irqs();
	/* Only pairs whose order QEMU 7.2 gets right (it takes the lowest
	 * pending number); the full MEI > MSI > MTI > SEI > SSI > STI order
	 * is checked in spec.c. */
	mmio_w32(CLINT_MSIP, 1);
	mmio_w64(CLINT_MTIMECMP, 0);
	CSRW(mie, MIP_MSIP | MIP_MTIP);
	CSRS(mstatus, MS_MIE);
	static const uint64_t m_order[] = { IRQ_MSI | 0x300, IRQ_MTI | 0x300 };
	check_seq("M: MSI before MTI", 2, m_order);
	reset_irqs();
	CSRS(mip, MIP_SSIP | MIP_STIP);
	CSRW(mie, MIP_SSIP | MIP_STIP);
	CSRS(mstatus, MS_MIE);
	static const uint64_t ms_order[] = { IRQ_SSI | 0x300, IRQ_STI | 0x300 };
	check_seq("M: undelegated SSI before STI", 2, ms_order);
	reset_irqs();

	/* S-level interrupts delegated; in S with SIE = 1, SSI before STI;
	 * an undelegated MTI pending at the same time goes first, to M. */
	CSRW(mideleg, MIP_SSIP | MIP_STIP);
	CSRS(mip, MIP_SSIP | MIP_STIP);
	CSRW(mie, MIP_SSIP | MIP_STIP | MIP_MTIP);
	mmio_w64(CLINT_MTIMECMP, 0);
	CSRS(mstatus, MS_SIE);
	lib_run(PRV_S, (uint64_t(*)(uint64_t))spin, 100);
	static const uint64_t s_order[] = { IRQ_MTI | 0x300, IRQ_SSI | 0x100,
					    IRQ_STI | 0x100 };
	check_seq("S: MTI (to M), SSI (to S), STI (to S)", 3, s_order);
	reset_irqs();
}

static uint64_t s_spin_sie(uint64_t sie)
{
	if (sie)
		CSRS(sstatus, MS_SIE);
	spin(100);
	CSRC(sstatus, MS_SIE);
	return 0;
}

static void test_enable_rules(void)
{
	lib_section("enable rules");
	reset_irqs();
	CSRW(mideleg, MIP_SSIP);
	CSRS(mip, MIP_SSIP);
	CSRW(mie, MIP_SSIP);
	CSRS(mstatus, MS_SIE | MS_MIE);
	spin(100);
	check_eq("delegated SSI never taken in M", nseq, 0);
	CSRC(mstatus, MS_SIE | MS_MIE);
	lib_run(PRV_S, s_spin_sie, 0);
	check_eq("S with SIE=0: not taken", nseq, 0);
	lib_run(PRV_S, s_spin_sie, 1);
	static const uint64_t s_ssi[] = { IRQ_SSI | 0x100 };
	check_seq("S with SIE=1: taken in S", 1, s_ssi);
	reset_irqs();

	CSRW(mideleg, MIP_SSIP);
	CSRS(mip, MIP_SSIP);
	CSRW(mie, MIP_SSIP);
	lib_run(PRV_U, lib_u_ret42, 0);
	check_seq("U: S interrupt taken whatever SIE", 1, s_ssi);
	reset_irqs();

	mmio_w32(CLINT_MSIP, 1);
	CSRW(mie, MIP_MSIP);
	lib_run(PRV_S, s_spin_sie, 0);
	static const uint64_t m_msi[] = { IRQ_MSI | 0x300 };
	check_seq("S with MIE=0: M interrupt taken", 1, m_msi);
	check_eq("  from S", lib_trap.from, PRV_S);
	reset_irqs();

	CSRS(mip, MIP_SSIP);
	CSRW(mie, MIP_SSIP);
	CSRS(mstatus, MS_MIE);
	static const uint64_t m_ssi[] = { IRQ_SSI | 0x300 };
	check_seq("undelegated SSI taken in M", 1, m_ssi);
	reset_irqs();

	CSRW(mideleg, MIP_STIP);
	CSRW(mie, MIP_STIP);
	CSRS(mip, MIP_STIP);
	lib_run(PRV_S, s_spin_sie, 1);
	static const uint64_t s_sti[] = { IRQ_STI | 0x100 };
	check_seq("M-written STIP -> S timer interrupt", 1, s_sti);
	check_eq("  scause", lib_trap.cause, CAUSE_IRQ | IRQ_STI);
	reset_irqs();
}

extern char irq_vtable[];

static void test_vectored(void)
{
	lib_section("vectored mtvec");
	uint64_t old_tvec = CSRR(mtvec), old_ss = CSRR(sscratch);
	reset_irqs();
	CSRW(mtvec, (uintptr_t)irq_vtable | 1);
	check_eq("mode 1 accepted", CSRR(mtvec), (uintptr_t)irq_vtable | 1);
	CSRW(sscratch, 0);
	mmio_w32(CLINT_MSIP, 1);
	CSRW(mie, MIP_MSIP);
	CSRS(mstatus, MS_MIE);
	uint64_t slot = CSRR(sscratch);
	check_eq("MSI entered slot 3", slot, 3);
	CSRW(sscratch, 0);
	trap_arm();
	__asm__ volatile("ebreak" ::: "memory");
	check_eq("exception uses base", CSRR(sscratch), 0);
	check_cause("  ebreak", EXC_BREAKPOINT);
	reset_irqs();
	CSRW(mtvec, old_tvec);
	CSRW(sscratch, old_ss);
}

int main(void)
{
	lib_start("isa-irq");
	lib_hook = irq_hook;
	test_software();
	test_timer();
	test_priority();
	test_enable_rules();
	test_vectored();
	return lib_done();
}
