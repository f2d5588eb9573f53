/* Exceptions taken in M-mode: illegal instruction (mtval = the instruction
 * bits, 32- and 16-bit), breakpoint, ecall from U/S/M, misaligned LR,
 * access faults for loads, stores and fetches at unmapped physical
 * addresses (and fetches from MMIO), from M and from lower modes; mepc =
 * the faulting instruction, mstatus.MPP/MPIE/MIE on entry.  Page faults
 * are in vm.c; the cases where QEMU 7.2 departs from the spec in spec.c. */
#include "lib.h"

/* Execute `insn` (asm text) and return the address it sits at. */
#define AT(insn, ...)                                                          \
	({                                                                     \
		uint64_t _pc;                                                  \
		__asm__ volatile("la %0, 1f\n1:\t" insn                        \
				 : "=&r"(_pc)__VA_ARGS__);                     \
		_pc;                                                           \
	})

static void check_epc(const char *what, uint64_t pc)
{
	check_eq(what, lib_trap.epc - pc, 0);
}

static void test_illegal(void)
{
	lib_section("illegal instruction");
	uint64_t pc;
	trap_arm();
	pc = AT(".4byte 0xfe000033"); /* OP with funct7 = 0x7f */
	check_trap("32-bit reserved encoding", EXC_ILLEGAL, 0xfe000033);
	check_epc("  mepc", pc);
	trap_arm();
	pc = AT(".2byte 0x6081"); /* c.lui ra, 0: reserved */
	check_trap("16-bit reserved (c.lui imm 0)", EXC_ILLEGAL, 0x6081);
	check_epc("  mepc", pc);
	trap_arm();
	AT(".2byte 0x0000");
	check_trap("all-zero halfword", EXC_ILLEGAL, 0);
	trap_arm();
	AT(".4byte 0x0000507f"); /* opcode 0x7f: >= 80-bit encodings */
	check(" long encoding traps",
	      lib_trap.count == 1 && lib_trap.cause == EXC_ILLEGAL);
	trap_arm();
	AT(".4byte 0x3020007b"); /* custom-3 opcode */
	check_trap("custom-3 opcode", EXC_ILLEGAL, 0x3020007b);
	trap_arm();
	AT(".4byte 0x00002003"); /* lw with funct3 = 2, ok */
	check_trap("lw x0, 0(x0) faults as a load", EXC_LOAD_ACCESS, 0);
	trap_arm();
	AT(".4byte 0x00007003"); /* LOAD funct3 = 7: reserved */
	check_trap("LOAD funct3 7", EXC_ILLEGAL, 0x00007003);
	trap_arm();
	AT(".4byte 0x0000302f"); /* amoadd.d x0, x0, (x0) */
	check(" amoadd.d x0,x0,(x0) access-faults", lib_trap.count == 1);
	trap_arm();
	AT(".4byte 0x3000202f"); /* AMO funct5 0x06: reserved */
	check_trap("AMO funct5 6", EXC_ILLEGAL, 0x3000202f);
	trap_arm();
	AT(".4byte 0x7b200073"); /* dret outside debug mode */
	check_trap("dret", EXC_ILLEGAL, 0x7b200073);
}

static void test_breakpoint(void)
{
	lib_section("breakpoint");
	uint64_t pc;
	trap_arm();
	pc = AT(".option push\n\t.option norvc\n\tebreak\n\t.option pop");
	check_eq("ebreak cause", lib_trap.cause, EXC_BREAKPOINT);
	check_epc("  mepc", pc);
	/* mtval is 0 or the pc: both are allowed, QEMU writes 0. */
	check("  mtval 0 or pc", lib_trap.tval == 0 || lib_trap.tval == pc);
	check_cause("  once", EXC_BREAKPOINT);
	trap_arm();
	pc = AT("c.ebreak");
	check_eq("c.ebreak cause", lib_trap.cause, EXC_BREAKPOINT);
	check_epc("  mepc", pc);
	check_cause("  resumes after 2 bytes", EXC_BREAKPOINT);
}

static uint64_t do_ecall(uint64_t arg)
{
	register uint64_t a0 __asm__("a0") = arg;
	__asm__ volatile("ecall" : "+r"(a0)::"memory");
	return a0;
}

static uint64_t s_load(uint64_t a)
{
	return ld_d(a);
}

static uint64_t s_store(uint64_t a)
{
	st_w(a, 1);
	return 0;
}

static uint64_t s_fetch(uint64_t a)
{
	((void (*)(void))a)();
	return 7;
}

static void test_ecall(void)
{
	lib_section("ecall");
	trap_arm();
	do_ecall(1);
	check_trap_to("ecall from M", EXC_ECALL_M, 0, PRV_M);
	check_eq("  from M", lib_trap.from, PRV_M);
	trap_arm();
	lib_run(PRV_S, do_ecall, 2);
	check_trap_to("ecall from S", EXC_ECALL_S, 0, PRV_M);
	check_eq("  MPP = S", lib_trap.from, PRV_S);
	trap_arm();
	lib_run(PRV_U, do_ecall, 3);
	check_trap_to("ecall from U", EXC_ECALL_U, 0, PRV_M);
	check_eq("  MPP = U", lib_trap.from, PRV_U);
}

static void test_status_on_entry(void)
{
	lib_section("mstatus on trap entry");
	CSRC(mie, ~0UL);
	CSRS(mstatus, MS_MIE);
	CSRC(mstatus, MS_MPIE);
	trap_arm();
	__asm__ volatile("ebreak");
	check_eq("  MIE cleared", lib_trap.status & MS_MIE, 0);
	check_eq("  MPIE = old MIE", lib_trap.status & MS_MPIE, MS_MPIE);
	check_eq("  MPP = M", lib_trap.from, PRV_M);
	check_eq("  mret restored MIE", CSRR(mstatus) & MS_MIE, MS_MIE);
	check_cause("  ebreak", EXC_BREAKPOINT);
	CSRC(mstatus, MS_MIE);
}

#define PLIC_BASE 0x0c000000UL

/* QEMU executes some device regions (e.g. the test device) as code but not
 * the PLIC; should an emulator run it anyway, stop at the first trap. */
static uintptr_t mmio_hook(uint64_t cause, uint64_t epc, uint64_t tval,
			   uint64_t *regs, int to)
{
	if (epc < PLIC_BASE || epc >= PLIC_BASE + 0x600000)
		return 0;
	lib_record(cause, epc, tval, to);
	return regs[1];
}

static void test_fetch_mmio(void)
{
	lib_section("fetch from MMIO");
	lib_hook = mmio_hook;
	trap_arm();
	((void (*)(void))PLIC_BASE)();
	lib_hook = 0;
	check_trap("fetch from the PLIC", EXC_INSN_ACCESS, PLIC_BASE);
}

static void test_access(void)
{
	lib_section("access faults and misaligned LR");
	uint64_t pc, r;
	trap_arm();
	pc = AT("ld %1, 0(x0)", , "=r"(r));
	check_trap("load from 0x0", EXC_LOAD_ACCESS, 0);
	check_epc("  mepc", pc);
	trap_arm();
	ld_bu(0x10000);
	check_trap("load from 0x10000", EXC_LOAD_ACCESS, 0x10000);
	trap_arm();
	st_d(0x8, 1);
	check_trap("store to 0x8", EXC_STORE_ACCESS, 0x8);
	trap_arm();
	st_b(0x10002, 1);
	check_trap("store to 0x10002", EXC_STORE_ACCESS, 0x10002);
	trap_arm();
	((void (*)(void))0)();
	check_trap("fetch from 0x0", EXC_INSN_ACCESS, 0);
	check_eq("  mepc = target", lib_trap.epc, 0);
	trap_arm();
	((void (*)(void))0x10000)();
	check_trap("fetch from 0x10000", EXC_INSN_ACCESS, 0x10000);
	test_fetch_mmio();
	trap_arm();
	lib_run(PRV_S, s_load, 0x18);
	check_trap_to("S load from 0x18", EXC_LOAD_ACCESS, 0x18, PRV_M);
	trap_arm();
	lib_run(PRV_U, s_store, 0x10010);
	check_trap_to("U store to 0x10010", EXC_STORE_ACCESS, 0x10010, PRV_M);
	trap_arm();
	check_eq("S fetch from 0x0 returns", lib_run(PRV_S, s_fetch, 0), 7);
	check_trap_to("S fetch from 0x0", EXC_INSN_ACCESS, 0, PRV_M);

	static uint64_t word[2];
	uint64_t a = (uintptr_t)word + 2;
	trap_arm();
	__asm__ volatile("lr.w %0, (%1)" : "=r"(r) : "r"(a) : "memory");
	check_trap("lr.w misaligned", EXC_LOAD_MISALIGNED, a);
	trap_arm();
	__asm__ volatile("lr.d %0, (%1)" : "=r"(r) : "r"(a + 2) : "memory");
	check_trap("lr.d misaligned", EXC_LOAD_MISALIGNED, a + 2);
	trap_arm();
	__asm__ volatile("lr.d %0, (%1)" : "=r"(r) : "r"(0UL) : "memory");
	check_trap("lr.d from 0x0", EXC_LOAD_ACCESS, 0);
}

int main(void)
{
	lib_start("isa-trap");
	test_illegal();
	test_breakpoint();
	test_ecall();
	test_status_on_entry();
	test_access();
	return lib_done();
}
