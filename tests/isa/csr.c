/* Zicsr semantics: the six CSR instructions (old value returned, set/clear
 * masks, 5-bit zero-extended immediates), the rules that decide whether an
 * instruction writes (rs1 = x0 / uimm = 0 for CSRRS/CSRRC, always for CSRRW),
 * read-only CSRs (write -> illegal, read fine), privilege checks, missing
 * CSRs, the sstatus/sie/sip views of their M-mode registers, misa, and the
 * fcsr split into frm and fflags.  Illegal-instruction mtval = the bits.
 * The cases where QEMU 7.2 strays from the spec are in spec.c. */
#include "lib.h"

/* The last trap was an illegal instruction with mtval = its encoding. */
static void check_illegal(const char *what)
{
	uint64_t insn = 0;
	if (lib_trap.count == 1) {
		insn = *(volatile uint16_t *)lib_trap.epc;
		if ((insn & 3) == 3)
			insn |= (uint64_t) *
					(volatile uint16_t *)(lib_trap.epc + 2)
				<< 16;
	}
	check_trap(what, EXC_ILLEGAL, insn);
}

static void test_rw(void)
{
	lib_section("csrrw/csrrs/csrrc and immediates");
	uint64_t old, save = CSRR(mscratch); /* the M trap stack */
	CSRW(mscratch, 0x1234);
	__asm__ volatile("csrrw %0, mscratch, %1" : "=r"(old) : "r"(0xf0f0UL));
	check_eq("csrrw returns old", old, 0x1234);
	check_eq("csrrw wrote", CSRR(mscratch), 0xf0f0);
	__asm__ volatile("csrrs %0, mscratch, %1" : "=r"(old) : "r"(0x0f01UL));
	check_eq("csrrs returns old", old, 0xf0f0);
	check_eq("csrrs set bits", CSRR(mscratch), 0xfff1);
	__asm__ volatile("csrrc %0, mscratch, %1" : "=r"(old) : "r"(0x00f1UL));
	check_eq("csrrc returns old", old, 0xfff1);
	check_eq("csrrc cleared bits", CSRR(mscratch), 0xff00);
	__asm__ volatile("csrrwi %0, mscratch, 31" : "=r"(old));
	check_eq("csrrwi returns old", old, 0xff00);
	check_eq("csrrwi zero-extends", CSRR(mscratch), 31);
	__asm__ volatile("csrrci %0, mscratch, 0x11" : "=r"(old));
	check_eq("csrrci", CSRR(mscratch), 0x0e);
	__asm__ volatile("csrrsi %0, mscratch, 0x10" : "=r"(old));
	check_eq("csrrsi returns old", old, 0x0e);
	check_eq("csrrsi", CSRR(mscratch), 0x1e);
	CSRW(mscratch, ~0UL);
	check_eq("mscratch holds 64 bits", CSRR(mscratch), ~0UL);
	__asm__ volatile("csrrw x0, mscratch, %0" ::"r"(5UL));
	check_eq("csrrw rd=x0 still writes", CSRR(mscratch), 5);
	__asm__ volatile("csrrw %0, mscratch, %0" : "+r"(old));
	check_eq("csrrw rd=rs1 swaps", old, 5);
	CSRW(mscratch, save);
}

static void test_read_only(void)
{
	lib_section("read-only CSRs");
	uint64_t v;
	trap_arm();
	__asm__ volatile("csrrs %0, mhartid, x0" : "=r"(v));
	__asm__ volatile("csrrc %0, mvendorid, x0" : "=r"(v));
	__asm__ volatile("csrrsi %0, marchid, 0" : "=r"(v));
	__asm__ volatile("csrrci %0, mimpid, 0" : "=r"(v));
	__asm__ volatile("csrr %0, cycle" : "=r"(v));
	check_no_trap("reads with rs1=x0 / uimm=0");
	check_eq("mhartid", CSRR(mhartid), 0);

	trap_arm();
	__asm__ volatile("csrw mhartid, x0" ::: "memory");
	check_illegal("csrrw x0 to mhartid");
	trap_arm();
	__asm__ volatile("csrrs %0, mvendorid, %1" : "=r"(v) : "r"(1UL));
	check_illegal("csrrs to mvendorid");
	trap_arm();
	__asm__ volatile("csrrc %0, marchid, %1" : "=r"(v) : "r"(1UL));
	check_illegal("csrrc to marchid");
	trap_arm();
	__asm__ volatile("csrrwi %0, mimpid, 0" : "=r"(v));
	check_illegal("csrrwi uimm=0 to mimpid");
	trap_arm();
	__asm__ volatile("csrrsi %0, cycle, 1" : "=r"(v));
	check_illegal("csrrsi to cycle");
	trap_arm();
	__asm__ volatile("csrw instret, %0" ::"r"(0UL));
	check_illegal("csrw to instret");
	trap_arm();
	__asm__ volatile("csrw time, %0" ::"r"(0UL));
	check_illegal("csrw to time");
}

static void test_missing(void)
{
	lib_section("missing CSRs");
	uint64_t v;
	trap_arm();
	__asm__ volatile("csrr %0, 0x5ff" : "=r"(v));
	check_illegal("csrr 0x5ff");
	trap_arm();
	__asm__ volatile("csrw 0x8ff, %0" ::"r"(1UL));
	check_illegal("csrw 0x8ff");
}

static uint64_t s_read_mstatus(uint64_t arg)
{
	return CSRR(mstatus);
}

static uint64_t s_write_mscratch(uint64_t arg)
{
	CSRW(mscratch, arg);
	return 0;
}

static uint64_t s_read_sscratch(uint64_t arg)
{
	CSRW(sscratch, arg);
	return CSRR(sscratch);
}

static uint64_t u_read_sstatus(uint64_t arg)
{
	return CSRR(sstatus);
}

static void test_privilege(void)
{
	lib_section("privilege");
	trap_arm();
	lib_run(PRV_S, s_read_mstatus, 0);
	check_illegal("S reads mstatus");
	uint64_t mscratch = CSRR(mscratch);
	trap_arm();
	lib_run(PRV_S, s_write_mscratch, 99);
	check_illegal("S writes mscratch");
	check("mscratch unchanged", CSRR(mscratch) == mscratch);
	uint64_t save = CSRR(sscratch);
	trap_arm();
	check_eq("S uses sscratch", lib_run(PRV_S, s_read_sscratch, 0x77),
		 0x77);
	check_no_trap("S uses sscratch");
	CSRW(sscratch, save);
	trap_arm();
	lib_run(PRV_U, u_read_sstatus, 0);
	check_illegal("U reads sstatus");
}

static void test_views(void)
{
	lib_section("sstatus/sie/sip views");
	CSRC(mstatus, MS_SIE | MS_MIE);
	CSRS(sstatus, MS_SIE);
	check_eq("sstatus.SIE -> mstatus", CSRR(mstatus) & MS_SIE, MS_SIE);
	CSRS(sstatus, MS_MIE | MS_MPIE | (3UL << MS_MPP_SHIFT));
	check_eq("sstatus cannot set MIE/MPIE/MPP",
		 CSRR(sstatus) & (MS_MIE | MS_MPIE | (3UL << MS_MPP_SHIFT)), 0);
	check_eq("mstatus.MIE still clear", CSRR(mstatus) & MS_MIE, 0);
	CSRC(mstatus, MS_SIE);
	check_eq("mstatus.SIE -> sstatus", CSRR(sstatus) & MS_SIE, 0);
	CSRS(mstatus, MS_SUM);
	check_eq("sstatus shows SUM", CSRR(sstatus) & MS_SUM, MS_SUM);
	CSRC(mstatus, MS_SUM);
	check_eq("sstatus UXL = 64-bit", (CSRR(sstatus) >> 32) & 3, 2);

	uint64_t s_bits =
		(1UL << IRQ_SSI) | (1UL << IRQ_STI) | (1UL << IRQ_SEI);
	CSRW(mideleg, 0);
	CSRW(mie, s_bits);
	check_eq("sie hides undelegated", CSRR(sie), 0);
	CSRW(mideleg, s_bits);
	check_eq("mideleg S bits writable", CSRR(mideleg) & 0xaaa, s_bits);
	check_eq("sie shows delegated", CSRR(sie), s_bits);
	CSRC(sie, 1UL << IRQ_STI);
	check_eq("sie write -> mie", CSRR(mie) & 0xaaa,
		 s_bits & ~(1UL << IRQ_STI));
	CSRW(mie, 0);
	CSRS(mip, 1UL << IRQ_SSI);
	check_eq("sip shows delegated SSIP", CSRR(sip) & 2, 2);
	CSRC(sip, 1UL << IRQ_SSI);
	check_eq("sip clears SSIP", CSRR(mip) & 2, 0);
	CSRW(mideleg, 0);
	check_eq("medeleg 0", CSRR(medeleg), 0);
}

static void test_misa_fcsr(void)
{
	lib_section("misa and fcsr");
	uint64_t misa = CSRR(misa);
	check_eq("misa MXL", misa >> 62, 2);
	/* H is masked: QEMU 7.2's default CPU has it, atoll does not. */
	check_eq("misa extensions (ACDFIMSU)", misa & 0x3ffff7f, 0x14112d);
	CSRW(fcsr, 0xffUL);
	check_eq("fcsr -> fflags", CSRR(fflags), 0x1f);
	check_eq("fcsr -> frm", CSRR(frm), 7);
	CSRW(fcsr, 0x100UL | (2 << 5) | 3);
	check_eq("fcsr upper bits zero", CSRR(fcsr), (2 << 5) | 3);
	CSRW(frm, 1);
	check_eq("frm -> fcsr", CSRR(fcsr), (1 << 5) | 3);
	CSRW(fflags, 0x14);
	check_eq("fflags -> fcsr", CSRR(fcsr), (1 << 5) | 0x14);
	CSRW(fcsr, 0);
}

int main(void)
{
	lib_start("isa-csr");
	test_rw();
	test_read_only();
	test_missing();
	test_privilege();
	test_views();
	test_misa_fcsr();
	return lib_done();
}
