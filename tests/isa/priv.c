/* mstatus controls of privilege: MPRV (M-mode loads and stores translated
 * and checked with MPP's privilege, SUM and MXR honoured, fetches not
 * affected), TSR (sret in S -> illegal), TW (wfi below M -> illegal; with
 * TW = 0 a wfi in S with a locally enabled pending interrupt completes),
 * TVM (satp and sfence.vma in S -> illegal), and the privileged
 * instructions a lower mode may not use (mret in S, sret/sfence in U). */
#include "lib.h"

/* Virtual addresses that are unmapped as physical addresses too. */
#define VA_S 0x50000UL /* S-only data page */
#define VA_U 0x51000UL /* U data page */
#define VA_X 0x52000UL /* U execute-only page */

static uint64_t page_s[512] __attribute__((aligned(4096)));
static uint64_t page_u[512] __attribute__((aligned(4096)));
static uint64_t page_x[512] __attribute__((aligned(4096)));
static struct pt pt;

/* M-mode load of va with MPRV = 1, MPP = mpp and the extra mstatus bits;
 * no other memory access happens while MPRV is set. */
static uint64_t mprv_load(uint64_t va, int mpp, uint64_t extra)
{
	uint64_t r = 0xdead, bits = MS_MPRV | extra;
	CSRC(mstatus, 3UL << MS_MPP_SHIFT);
	CSRS(mstatus, (uint64_t)mpp << MS_MPP_SHIFT);
	__asm__ volatile("csrs mstatus, %1\n\tld %0, 0(%2)\n\t"
			 "csrc mstatus, %1"
			 : "+r"(r)
			 : "r"(bits), "r"(va)
			 : "memory");
	return r;
}

static void mprv_store(uint64_t va, int mpp, uint64_t v)
{
	CSRC(mstatus, 3UL << MS_MPP_SHIFT);
	CSRS(mstatus, (uint64_t)mpp << MS_MPP_SHIFT);
	__asm__ volatile("csrs mstatus, %0\n\tsd %2, 0(%1)\n\t"
			 "csrc mstatus, %0" ::"r"(MS_MPRV),
			 "r"(va), "r"(v)
			 : "memory");
}

static void test_mprv(void)
{
	lib_section("MPRV");
	pt_init(&pt, 3);
	pt_map(&pt, VA_S, (uintptr_t)page_s, 0, PTE_R | PTE_W | PTE_AD);
	pt_map(&pt, VA_U, (uintptr_t)page_u, 0, PTE_R | PTE_W | PTE_U | PTE_AD);
	pt_map(&pt, VA_X, (uintptr_t)page_x, 0, PTE_X | PTE_U | PTE_A);
	page_s[0] = 0x5555;
	page_u[0] = 0x7777;
	page_x[0] = 0x9999;
	pt_enable(&pt);

	trap_arm();
	check_eq("MPP=S load translated", mprv_load(VA_S, PRV_S, 0), 0x5555);
	check_eq("MPP=U load of U page", mprv_load(VA_U, PRV_U, 0), 0x7777);
	check_no_trap("  no faults");
	trap_arm();
	mprv_load(VA_S, PRV_U, 0);
	check_trap_to("MPP=U load of S page", EXC_LOAD_PAGE, VA_S, PRV_M);
	trap_arm();
	mprv_load(VA_U, PRV_S, 0);
	check_trap("MPP=S load of U page, SUM=0", EXC_LOAD_PAGE, VA_U);
	trap_arm();
	check_eq("MPP=S load of U page, SUM=1", mprv_load(VA_U, PRV_S, MS_SUM),
		 0x7777);
	check_no_trap("  no fault");
	trap_arm();
	mprv_load(VA_X, PRV_U, 0);
	check_trap("MPP=U load of X-only page, MXR=0", EXC_LOAD_PAGE, VA_X);
	trap_arm();
	check_eq("MPP=U load of X-only page, MXR=1",
		 mprv_load(VA_X, PRV_U, MS_MXR), 0x9999);
	check_no_trap("  no fault");
	trap_arm();
	mprv_store(VA_S, PRV_S, 0x1234);
	check_eq("MPP=S store translated", page_s[0], 0x1234);
	mprv_store(VA_U, PRV_S, 1);
	check_trap("MPP=S store to U page", EXC_STORE_PAGE, VA_U);
	trap_arm();
	mprv_load(VA_S, PRV_M, 0);
	check_trap("MPP=M: untranslated (VA is unmapped PA)", EXC_LOAD_ACCESS,
		   VA_S);
	trap_arm();
	uint64_t r = ld_d(VA_S);
	check_trap("MPRV=0: M is untranslated", EXC_LOAD_ACCESS, VA_S);
	(void)r;
	pt_disable();
}

static uint64_t s_sret(uint64_t a)
{
	__asm__ volatile("csrw sepc, %0\n\tsret\n1:" ::"r"(0UL) : "memory");
	return a;
}

static uint64_t x_sret(uint64_t a)
{
	__asm__ volatile("sret" ::: "memory");
	return a;
}

static uint64_t s_wfi(uint64_t a)
{
	__asm__ volatile("wfi" ::: "memory");
	return a + 1;
}

static uint64_t s_satp(uint64_t a)
{
	return CSRR(satp) + a;
}

static uint64_t s_write_satp(uint64_t a)
{
	CSRW(satp, a);
	return 0;
}

static uint64_t s_sfence(uint64_t a)
{
	__asm__ volatile("sfence.vma" ::: "memory");
	return a;
}

static uint64_t x_mret(uint64_t a)
{
	__asm__ volatile("mret" ::: "memory");
	return a;
}

static void test_traps(void)
{
	lib_section("TSR/TW/TVM");
	CSRS(mstatus, MS_TSR);
	trap_arm();
	check_eq("sret in S with TSR resumes", lib_run(PRV_S, s_sret, 4), 4);
	check_trap("sret in S with TSR", EXC_ILLEGAL, 0x10200073);
	CSRC(mstatus, MS_TSR);

	CSRS(mstatus, MS_TW);
	trap_arm();
	lib_run(PRV_S, s_wfi, 0);
	check_trap("wfi in S with TW", EXC_ILLEGAL, 0x10500073);
	trap_arm();
	lib_run(PRV_U, s_wfi, 0);
	check_trap("wfi in U with TW", EXC_ILLEGAL, 0x10500073);
	CSRC(mstatus, MS_TW);
	/* SSIP pending, enabled in sie, SIE = 0: wfi wakes, nothing taken. */
	CSRW(mideleg, 1UL << IRQ_SSI);
	CSRW(mie, 1UL << IRQ_SSI);
	CSRC(mstatus, MS_SIE);
	CSRS(mip, 1UL << IRQ_SSI);
	trap_arm();
	check_eq("wfi in S, TW=0, pending SSI completes",
		 lib_run(PRV_S, s_wfi, 1), 2);
	check_no_trap("  not taken with SIE=0");
	CSRC(mip, 1UL << IRQ_SSI);
	CSRW(mie, 0);
	CSRW(mideleg, 0);

	CSRS(mstatus, MS_TVM);
	trap_arm();
	lib_run(PRV_S, s_satp, 0);
	check_trap("csrr satp in S with TVM", EXC_ILLEGAL, 0x180027f3);
	trap_arm();
	lib_run(PRV_S, s_write_satp, 0);
	check_eq("csrw satp in S with TVM", lib_trap.cause, EXC_ILLEGAL);
	check_eq("  once", lib_trap.count, 1);
	trap_arm();
	lib_run(PRV_S, s_sfence, 0);
	check_trap("sfence.vma in S with TVM", EXC_ILLEGAL, 0x12000073);
	trap_arm();
	check_eq("satp from M with TVM", CSRR(satp), 0);
	check_no_trap("  M ignores TVM");
	CSRC(mstatus, MS_TVM);
	trap_arm();
	check_eq("satp in S without TVM", lib_run(PRV_S, s_satp, 3), 3);
	lib_run(PRV_S, s_sfence, 0);
	check_no_trap("  satp and sfence.vma in S");
}

static void test_lower(void)
{
	lib_section("privileged instructions in lower modes");
	trap_arm();
	lib_run(PRV_S, x_mret, 0);
	check_trap("mret in S", EXC_ILLEGAL, 0x30200073);
	trap_arm();
	lib_run(PRV_U, x_mret, 0);
	check_trap("mret in U", EXC_ILLEGAL, 0x30200073);
	trap_arm();
	lib_run(PRV_U, x_sret, 0);
	check_trap("sret in U", EXC_ILLEGAL, 0x10200073);
	trap_arm();
	lib_run(PRV_U, s_sfence, 0);
	check_trap("sfence.vma in U", EXC_ILLEGAL, 0x12000073);
}

int main(void)
{
	lib_start("isa-priv");
	test_mprv();
	test_traps();
	test_lower();
	return lib_done();
}
