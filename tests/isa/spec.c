/* Checks where atoll follows the RISC-V spec (or its own documented machine
 * model) and QEMU 7.2 does not, so this program is NOT in the differential
 * set (tests/diff/exclude) and fails on QEMU 7.2 by design:
 *
 *   - satp: atoll implements Bare, Sv39 and Sv48 only; QEMU 7.2 also Sv57.
 *   - CSRRS/CSRRC with rs1 != x0 write even when the value is 0, so they are
 *     illegal on a read-only CSR; QEMU 7.2 looks at the value.
 *   - atoll has no H extension, so hstatus does not exist; QEMU 7.2's
 *     default CPU has H.
 *   - Misaligned AMO and SC raise store/AMO address misaligned (6); QEMU 7.2
 *     raises 4 for AMOs and silently fails a misaligned SC.
 *   - AMOs to non-RAM raise store/AMO access fault (7); QEMU 7.2 raises 5
 *     for unmapped addresses and performs AMOs on MMIO.
 *   - Interrupt priority MEI > MSI > MTI > SEI > SSI > STI; QEMU 7.2
 *     without AIA takes the lowest-numbered pending interrupt.
 *   - mret to a mode below M clears MPRV (priv. spec 1.12); QEMU 7.2 keeps it.
 *   - instret counts instructions; QEMU without -icount counts host ticks.
 *   - A page-table walk that reads a non-RAM address raises an access
 *     fault; QEMU 7.2 raises a page fault. */
#include "lib.h"

static uint64_t mem[4] __attribute__((aligned(16)));

static void test_satp(void)
{
	lib_section("satp modes");
	CSRW(satp, 0);
	CSRW(satp, (10UL << 60) | 0x80000);
	check_eq("Sv57 write ignored", CSRR(satp), 0);
	CSRW(satp, 0);
}

static void test_csr(void)
{
	lib_section("CSR write rules");
	uint64_t v;
	trap_arm();
	__asm__ volatile("csrrs %0, mvendorid, %1" : "=r"(v) : "r"(0UL));
	check(" csrrs rs1!=x0 holding 0 to mvendorid -> illegal",
	      lib_trap.count == 1 && lib_trap.cause == EXC_ILLEGAL);
	lib_trap.count = 0;
	trap_arm();
	__asm__ volatile("csrrc %0, cycle, %1" : "=r"(v) : "r"(0UL));
	check(" csrrc rs1!=x0 holding 0 to cycle -> illegal",
	      lib_trap.count == 1 && lib_trap.cause == EXC_ILLEGAL);
	lib_trap.count = 0;
	trap_arm();
	__asm__ volatile("csrr %0, 0x600" : "=r"(v)); /* hstatus */
	check(" hstatus without H -> illegal",
	      lib_trap.count == 1 && lib_trap.cause == EXC_ILLEGAL);
	lib_trap.count = 0;
	check_no_trap("  (disarm)");
}

static void test_amo(void)
{
	lib_section("AMO/SC faults");
	uint64_t a = (uintptr_t)mem + 2, r = 0;
	trap_arm();
	__asm__ volatile("amoadd.w %0, %0, (%1)" : "+r"(r) : "r"(a) : "memory");
	check_trap("amoadd.w misaligned", EXC_STORE_MISALIGNED, a);
	trap_arm();
	__asm__ volatile("amoswap.d %0, %0, (%1)"
			 : "+r"(r)
			 : "r"(a + 2)
			 : "memory");
	check_trap("amoswap.d misaligned", EXC_STORE_MISALIGNED, a + 2);
	trap_arm();
	__asm__ volatile("sc.w %0, %0, (%1)" : "+r"(r) : "r"(a) : "memory");
	check_trap("sc.w misaligned", EXC_STORE_MISALIGNED, a);
	trap_arm();
	__asm__ volatile("amoadd.d %0, %0, (%1)"
			 : "+r"(r)
			 : "r"(0UL)
			 : "memory");
	check_trap("amoadd.d at 0x0", EXC_STORE_ACCESS, 0);
	trap_arm();
	__asm__ volatile("amoor.w x0, %0, (%1)" ::"r"(0UL), "r"(CLINT_MSIP)
			 : "memory");
	check_trap("amoor.w on MMIO (CLINT msip)", EXC_STORE_ACCESS,
		   CLINT_MSIP);
}

static volatile uint64_t seq[8];
static volatile unsigned nseq;

static uintptr_t irq_hook(uint64_t cause, uint64_t epc, uint64_t tval,
			  uint64_t *regs, int to)
{
	if (!(cause & CAUSE_IRQ))
		return 0;
	if (nseq < 8)
		seq[nseq++] = cause & 63;
	if ((cause & 63) == IRQ_MSI)
		mmio_w32(CLINT_MSIP, 0);
	else if ((cause & 63) == IRQ_MTI)
		mmio_w64(CLINT_MTIMECMP, ~0UL);
	else
		CSRC(mip, 1UL << (cause & 63));
	return epc;
}

static void test_priority(void)
{
	lib_section("interrupt priority");
	lib_hook = irq_hook;
	nseq = 0;
	mmio_w32(CLINT_MSIP, 1);
	mmio_w64(CLINT_MTIMECMP, 0);
	CSRS(mip, (1UL << IRQ_SSI) | (1UL << IRQ_STI));
	CSRW(mie, (1UL << IRQ_MSI) | (1UL << IRQ_MTI) | (1UL << IRQ_SSI) |
			  (1UL << IRQ_STI));
	CSRS(mstatus, MS_MIE);
	CSRC(mstatus, MS_MIE);
	CSRW(mie, 0);
	lib_hook = 0;
	int ok = nseq == 4 && seq[0] == IRQ_MSI && seq[1] == IRQ_MTI &&
		 seq[2] == IRQ_SSI && seq[3] == IRQ_STI;
	check("MSI, MTI, SSI, STI", ok);
	for (unsigned i = 0; !ok && i < nseq; i++)
		rt_printf("     got %lu\n", seq[i]);
}

static uint64_t do_ecall(uint64_t a)
{
	register uint64_t a0 __asm__("a0") = a;
	__asm__ volatile("ecall" : "+r"(a0)::"memory");
	return a0;
}

static void test_mprv(void)
{
	lib_section("MPRV");
	CSRS(mstatus, MS_MPRV);
	trap_arm();
	lib_run(PRV_S, do_ecall, 0);
	check_eq("mret to S cleared MPRV", lib_trap.status & MS_MPRV, 0);
	check_trap("  ecall", EXC_ECALL_S, 0);
	CSRC(mstatus, MS_MPRV);
}

static void test_instret(void)
{
	lib_section("instret");
	uint64_t a, b;
	__asm__ volatile(".option push\n\t.option norvc\n\t"
			 "csrr %0, instret\n\t"
			 ".rept 10\n\tnop\n\t.endr\n\t"
			 "csrr %1, instret\n\t.option pop"
			 : "=&r"(a), "=r"(b));
	check_eq("csrr + 10 nops retire 11", b - a, 11);
}

static void test_walk_access(void)
{
	lib_section("page walk on non-RAM");
	/* An M-mode load with MPRV, MPP = S: only the data walk is
	 * translated, and its root table sits in a hole. */
	CSRW(satp, SATP_SV39 | (0x10000UL >> 12));
	sfence_all();
	CSRC(mstatus, 3UL << MS_MPP_SHIFT);
	CSRS(mstatus, (uint64_t)PRV_S << MS_MPP_SHIFT);
	uint64_t r = 0;
	trap_arm();
	__asm__ volatile("csrs mstatus, %1\n\tld %0, 0(%2)\n\t"
			 "csrc mstatus, %1"
			 : "+r"(r)
			 : "r"(MS_MPRV), "r"(0x1000UL)
			 : "memory");
	check_trap("walk reads non-RAM -> load access fault", EXC_LOAD_ACCESS,
		   0x1000);
	CSRW(satp, 0);
	sfence_all();
}

int main(void)
{
	lib_start("isa-spec");
	test_satp();
	test_csr();
	test_amo();
	test_priority();
	test_mprv();
	test_instret();
	test_walk_access();
	return lib_done();
}
