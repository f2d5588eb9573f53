/* Exception delegation (medeleg) to S-mode: traps from U and S land in the
 * S handler through stvec with scause/sepc/stval and sstatus.SPP/SPIE/SIE
 * set, traps from M are never delegated, undelegated causes still go to M;
 * and the state transitions of sret and mret (xIE <- xPIE, xPIE <- 1,
 * xPP <- U). */
#include "lib.h"

#define DELEGABLE                                                              \
	((1UL << 0) | (1UL << 1) | (1UL << 2) | (1UL << 3) | (1UL << 4) |      \
	 (1UL << 5) | (1UL << 6) | (1UL << 7) | (1UL << 8) | (1UL << 9) |      \
	 (1UL << 12) | (1UL << 13) | (1UL << 15))

static uint64_t do_illegal(uint64_t a)
{
	__asm__ volatile(".4byte 0xfe000033" ::: "memory");
	return a + 1;
}

static uint64_t do_ecall(uint64_t a)
{
	register uint64_t a0 __asm__("a0") = a;
	__asm__ volatile("ecall" : "+r"(a0)::"memory");
	return a0;
}

static uint64_t do_ebreak(uint64_t a)
{
	__asm__ volatile("ebreak" ::: "memory");
	return a;
}

static uint64_t do_load(uint64_t a)
{
	return ld_d(a);
}

static void test_medeleg(void)
{
	lib_section("medeleg");
	CSRW(medeleg, ~0UL);
	check_eq("standard causes delegable", CSRR(medeleg) & DELEGABLE,
		 DELEGABLE);
	CSRW(medeleg, 0);
	check_eq("cleared", CSRR(medeleg), 0);
}

static void test_to_s(void)
{
	lib_section("delegated to S");
	CSRW(medeleg, (1UL << EXC_ILLEGAL) | (1UL << EXC_BREAKPOINT) |
			      (1UL << EXC_LOAD_ACCESS) | (1UL << EXC_ECALL_U));
	CSRC(mstatus, MS_SIE | MS_SPIE);

	trap_arm();
	check_eq("U illegal resumes", lib_run(PRV_U, do_illegal, 1), 2);
	check_trap_to("U illegal -> S", EXC_ILLEGAL, 0xfe000033, PRV_S);
	check_eq("  SPP = U", lib_trap.from, PRV_U);
	check_eq("  SIE clear, SPIE = old SIE",
		 lib_trap.status & (MS_SIE | MS_SPIE), 0);

	CSRS(mstatus, MS_SIE);
	trap_arm();
	lib_run(PRV_S, do_illegal, 1);
	check_trap_to("S illegal -> S", EXC_ILLEGAL, 0xfe000033, PRV_S);
	check_eq("  SPP = S", lib_trap.from, PRV_S);
	check_eq("  SIE cleared, SPIE = 1",
		 lib_trap.status & (MS_SIE | MS_SPIE), MS_SPIE);
	check_eq("  sret restored SIE", CSRR(mstatus) & MS_SIE, MS_SIE);
	CSRC(mstatus, MS_SIE | MS_SPIE);

	trap_arm();
	lib_run(PRV_U, do_ebreak, 0);
	check_eq("U ebreak -> S", lib_trap.to, PRV_S);
	check_cause("  cause", EXC_BREAKPOINT);
	trap_arm();
	lib_run(PRV_S, do_load, 0x10);
	check_trap_to("S load access fault -> S", EXC_LOAD_ACCESS, 0x10, PRV_S);
	trap_arm();
	check_eq("U ecall -> S resumes", lib_run(PRV_U, do_ecall, 5), 5);
	check_trap_to("U ecall -> S", EXC_ECALL_U, 0, PRV_S);

	trap_arm();
	__asm__ volatile(".4byte 0xfe000033" ::: "memory");
	check_trap_to("M illegal stays in M", EXC_ILLEGAL, 0xfe000033, PRV_M);
	trap_arm();
	lib_run(PRV_S, do_ecall, 0);
	check_trap_to("undelegated S ecall -> M", EXC_ECALL_S, 0, PRV_M);
	CSRW(medeleg, 0);
	trap_arm();
	lib_run(PRV_U, do_illegal, 0);
	check_trap_to("after clearing medeleg -> M", EXC_ILLEGAL, 0xfe000033,
		      PRV_M);
}

/* S-mode: sret to lib_u_exit in U with a0 = 9 (it ecalls back to M). */
static uint64_t s_sret_to_u(uint64_t target)
{
	CSRW(sepc, target);
	CSRC(sstatus, MS_SPP | MS_SIE);
	CSRS(sstatus, MS_SPIE);
	__asm__ volatile("li a0, 9\n\tsret" ::: "a0", "memory");
	return 0;
}

static uint64_t s_sret_to_s(uint64_t a)
{
	uint64_t r;
	CSRS(sstatus, MS_SPP);
	CSRC(sstatus, MS_SPIE);
	__asm__ volatile("la t0, 1f\n\tcsrw sepc, t0\n\tsret\n"
			 "1:\tcsrr %0, sstatus"
			 : "=r"(r)::"t0", "memory");
	return r;
}

static void test_sret(void)
{
	lib_section("sret");
	extern char lib_u_exit[];
	trap_arm();
	uint64_t r = lib_run(PRV_S, s_sret_to_u, (uintptr_t)lib_u_exit);
	check_eq("sret to U ran U code", r, 9);
	uint64_t st = CSRR(mstatus);
	check_eq("  SIE = old SPIE", st & MS_SIE, MS_SIE);
	check_eq("  SPIE = 1", st & MS_SPIE, MS_SPIE);
	check_eq("  SPP = U", st & MS_SPP, 0);
	check_no_trap("  sret to U");
	CSRC(mstatus, MS_SIE);
	trap_arm();
	st = lib_run(PRV_S, s_sret_to_s, 0);
	check_eq("sret to S: SIE = 0, SPIE = 1, SPP = U",
		 st & (MS_SIE | MS_SPIE | MS_SPP), MS_SPIE);
	check_no_trap("  sret to S");
}

static void test_mret(void)
{
	lib_section("mret");
	uint64_t st;
	CSRS(mstatus, MS_MPIE | (3UL << MS_MPP_SHIFT));
	CSRC(mstatus, MS_MIE);
	CSRC(mie, ~0UL);
	__asm__ volatile("la t0, 1f\n\tcsrw mepc, t0\n\tmret\n"
			 "1:\tcsrr %0, mstatus"
			 : "=r"(st)::"t0", "memory");
	check_eq("mret to M: MIE = old MPIE", st & MS_MIE, MS_MIE);
	check_eq("  MPIE = 1", st & MS_MPIE, MS_MPIE);
	check_eq("  MPP = U", (st >> MS_MPP_SHIFT) & 3, PRV_U);
	CSRC(mstatus, MS_MIE);

	CSRS(mstatus, MS_MPRV | (3UL << MS_MPP_SHIFT));
	__asm__ volatile("la t0, 1f\n\tcsrw mepc, t0\n\tmret\n"
			 "1:\tcsrr %0, mstatus"
			 : "=r"(st)::"t0", "memory");
	check_eq("mret to M keeps MPRV", st & MS_MPRV, MS_MPRV);
	CSRC(mstatus, MS_MPRV);

	CSRC(mstatus, MS_MPRV);
	/* mret to S clearing MPRV (priv 1.12) is checked in spec.c. */
}

int main(void)
{
	lib_start("isa-deleg");
	test_medeleg();
	test_to_s();
	test_sret();
	test_mret();
	return lib_done();
}
