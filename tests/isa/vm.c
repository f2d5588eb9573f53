/* Sv39 / Sv48 translation (built twice, -DPT_LEVELS=3 and 4): satp modes,
 * walks from S and U, the upper canonical half and non-canonical faults,
 * superpages of every level (misaligned ones fault), hardware A/D updates,
 * sfence.vma (all, by address, by ASID, from S), ASID switches without a
 * flush, delegated page faults, and a fetch that straddles into an unmapped
 * page.  Permissions are in vm_perm.c. */
#include "vm.h"

uint8_t vm_pages[8][4096] __attribute__((aligned(4096)));
struct pt vm_pt;

#if PT_LEVELS == 3
#define SATP_MODE SATP_SV39
#define VA_HIGH 0xffffffc000000000UL /* lowest upper-half VA */
#define VA_NONCANON 0x0000004000000000UL /* bit 38 set, 63:39 clear */
#define NAME "isa-vm39"
#else
#define SATP_MODE SATP_SV48
#define VA_HIGH 0xffff800000000000UL
#define VA_NONCANON 0x0000800000000000UL
#define VA_WIDE 0x0000100000000000UL /* only valid with 48 bits */
#define NAME "isa-vm48"
#endif

static uint64_t var_pa(const volatile void *p)
{
	return (uintptr_t)p;
}

static void test_satp(void)
{
	lib_section("satp");
	uint64_t v = pt_satp(&vm_pt, 5);
	CSRW(satp, v);
	uint64_t got = CSRR(satp);
	check_eq("mode", got >> 60, SATP_MODE >> 60);
	check_eq("ppn", got & ((1UL << 44) - 1), (uintptr_t)vm_pt.root >> 12);
	check_eq("asid 5", (got >> 44) & 0xffff, 5);
	CSRW(satp, (1UL << 60) | 0x80000);
	check_eq("Sv32 (mode 1) write ignored", CSRR(satp), got);
	CSRW(satp, (15UL << 60) | 0x80000);
	check_eq("mode 15 write ignored", CSRR(satp), got);
	CSRW(satp, 0);
	check_eq("Bare", CSRR(satp), 0);
	sfence_all();
}

static void test_walk(void)
{
	lib_section("walks");
	static volatile uint64_t var = 0xabcdef0123456789UL;
	uint64_t pa = (uintptr_t)vm_pages[3];
	*(volatile uint64_t *)pa = 0x600d;
	pt_map(&vm_pt, VA_T + 0x5000, pa, 0, PTE_R | PTE_W | PTE_AD);
	pt_map(&vm_pt, VA_HIGH + 0x3000, pa, 0, PTE_R | PTE_W | PTE_AD);
	pt_enable(&vm_pt);
	check_eq("S load through 4K page",
		 vm_access(PRV_S, VM_LOAD, VA_T + 0x5000, 0), 0x600d);
	vm_access(PRV_S, VM_STORE, VA_T + 0x5008, 0);
	check_eq("S store through 4K page", *(volatile uint64_t *)(pa + 8),
		 0x5a);
	check_eq("upper-half VA",
		 vm_access(PRV_S, VM_LOAD, VA_HIGH + 0x3000, 0), 0x600d);
	vm_expect("non-canonical VA faults", PRV_S, VM_LOAD, VA_NONCANON, 0, 1);
	vm_expect("non-canonical upper VA faults", PRV_S, VM_LOAD,
		  VA_HIGH - 0x1000UL * 0x100000, 0, 1);
#if PT_LEVELS == 4
	pt_map(&vm_pt, VA_WIDE, pa, 0, PTE_R | PTE_AD);
	sfence_all();
	check_eq("VA above 2^39 (Sv48 only)",
		 vm_access(PRV_S, VM_LOAD, VA_WIDE, 0), 0x600d);
#endif
	check_eq("identity map reads image",
		 vm_access(PRV_S, VM_LOAD, var_pa(&var), 0),
		 0xabcdef0123456789UL);
	pt_disable();
}

static void test_superpages(void)
{
	lib_section("superpages");
	static volatile uint64_t var = 0x5eed5eed5eed5eedUL;
	uint64_t off = var_pa(&var) - 0x80000000UL; /* within the first 2M */
	uint64_t va2m = VA_T + (1UL << 21) * 3;
	uint64_t va1g = VA_T + (1UL << 30) * 5;
	pt_map(&vm_pt, va2m, 0x80000000UL, 1, PTE_R | PTE_AD);
	pt_map(&vm_pt, va1g, 0x80000000UL, 2, PTE_R | PTE_AD);
	pt_map(&vm_pt, va2m + (1UL << 21), 0x80001000UL, 1, PTE_R | PTE_AD);
	pt_map(&vm_pt, va1g + (1UL << 30), 0x80200000UL, 2, PTE_R | PTE_AD);
	pt_enable(&vm_pt);
	check_eq("2 MiB page", vm_access(PRV_S, VM_LOAD, va2m + off, 0),
		 0x5eed5eed5eed5eedUL);
	check_eq("1 GiB page", vm_access(PRV_S, VM_LOAD, va1g + off, 0),
		 0x5eed5eed5eed5eedUL);
	vm_expect("misaligned 2 MiB page faults", PRV_S, VM_LOAD,
		  va2m + (1UL << 21) + off, 0, 1);
	vm_expect("misaligned 1 GiB page faults", PRV_S, VM_LOAD,
		  va1g + (1UL << 30) + off, 0, 1);
#if PT_LEVELS == 4
	uint64_t va512g = 1UL << 39; /* level-3 index 1 */
	pt_map(&vm_pt, va512g, 0, 3, PTE_R | PTE_AD);
	pt_map(&vm_pt, va512g * 2, 0x40000000UL, 3, PTE_R | PTE_AD);
	sfence_all();
	check_eq("512 GiB page",
		 vm_access(PRV_S, VM_LOAD, va512g + 0x80000000UL + off, 0),
		 0x5eed5eed5eed5eedUL);
	vm_expect("misaligned 512 GiB page faults", PRV_S, VM_LOAD,
		  va512g * 2 + off, 0, 1);
#endif
	pt_disable();
}

static void test_ad(void)
{
	lib_section("A/D bits (set by the walker)");
	uint64_t pa = (uintptr_t)vm_pages[4];
	vm_put_code(pa);
	uint64_t *pte = pt_map(&vm_pt, VA_T, pa, 0, PTE_RWX);
	pt_enable(&vm_pt);
	vm_access(PRV_S, VM_LOAD, VA_T, 0);
	check_eq("load sets A, not D", *pte & PTE_AD, PTE_A);
	vm_access(PRV_S, VM_STORE, VA_T + 64, 0);
	check_eq("store sets D", *pte & PTE_AD, PTE_AD);
	*pte &= ~PTE_AD;
	sfence_all();
	check_eq("fetch runs", vm_access(PRV_S, VM_FETCH, VA_T, 0), 42);
	check_eq("fetch sets A, not D", *pte & PTE_AD, PTE_A);
	*pte &= ~PTE_AD;
	sfence_all();
	vm_access(PRV_S, VM_STORE, VA_T + 64, 0);
	check_eq("store to clean, unaccessed page sets A and D", *pte & PTE_AD,
		 PTE_AD);
	*pte = (*pte & ~PTE_AD) & ~PTE_W;
	sfence_all();
	vm_expect("faulting store leaves A/D clear", PRV_S, VM_STORE, VA_T, 0,
		  1);
	check_eq("  no D", *pte & PTE_D, 0);
	uint64_t *spte = pt_map(&vm_pt, VA_T + (1UL << 21) * 7, 0x80000000UL, 1,
				PTE_R | PTE_W);
	sfence_all();
	vm_access(PRV_S, VM_STORE,
		  VA_T + (1UL << 21) * 7 +
			  ((uintptr_t)vm_pages[5] - 0x80000000UL),
		  0);
	check_eq("superpage store sets A and D", *spte & PTE_AD, PTE_AD);
	pt_disable();
}

static uint64_t s_remap_and_load(uint64_t pte_addr)
{
	uint64_t *pte = (uint64_t *)pte_addr;
	*pte = (((uintptr_t)vm_pages[7] >> 12) << 10) | PTE_V | PTE_R | PTE_AD;
	__asm__ volatile("sfence.vma %0, x0" ::"r"(VA_T) : "memory");
	return ld_d(VA_T);
}

static void test_sfence(void)
{
	lib_section("sfence.vma");
	for (int i = 5; i < 8; i++)
		*(volatile uint64_t *)vm_pages[i] = 0x1000 + i;
	uint64_t *pte =
		pt_map(&vm_pt, VA_T, (uintptr_t)vm_pages[5], 0, PTE_R | PTE_AD);
	pt_enable(&vm_pt);
	check_eq("page 5", vm_access(PRV_S, VM_LOAD, VA_T, 0), 0x1005);
	pt_map(&vm_pt, VA_T, (uintptr_t)vm_pages[6], 0, PTE_R | PTE_AD);
	__asm__ volatile("sfence.vma %0, x0" ::"r"(VA_T) : "memory");
	check_eq("sfence.vma va -> page 6", vm_access(PRV_S, VM_LOAD, VA_T, 0),
		 0x1006);
	pt_map(&vm_pt, VA_T, (uintptr_t)vm_pages[5], 0, PTE_R | PTE_AD);
	__asm__ volatile("sfence.vma x0, %0" ::"r"(0UL) : "memory");
	check_eq("sfence.vma x0, asid -> page 5",
		 vm_access(PRV_S, VM_LOAD, VA_T, 0), 0x1005);
	*pte &= ~PTE_V;
	sfence_all();
	vm_expect("unmapped after sfence.vma", PRV_S, VM_LOAD, VA_T, 0, 1);
	check_eq("S remaps, sfences, loads -> page 7",
		 lib_run(PRV_S, s_remap_and_load, (uintptr_t)pte), 0x1007);
	pt_disable();
}

static void test_asid(void)
{
	lib_section("ASIDs");
	static struct pt other;
	pt_init(&other, PT_LEVELS);
	pt_map(&vm_pt, VA_T, (uintptr_t)vm_pages[5], 0, PTE_R | PTE_AD);
	pt_map(&other, VA_T, (uintptr_t)vm_pages[6], 0, PTE_R | PTE_AD);
	sfence_all();
	uint64_t a = pt_satp(&vm_pt, 1), b = pt_satp(&other, 2);
	unsigned bad = 0;
	for (int i = 0; i < 4; i++) {
		CSRW(satp, a);
		bad += vm_access(PRV_S, VM_LOAD, VA_T, 0) != 0x1005;
		CSRW(satp, b);
		bad += vm_access(PRV_S, VM_LOAD, VA_T, 0) != 0x1006;
	}
	check_eq("switching satp between ASIDs, no flush: wrong loads", bad, 0);
	/* Same ASID, new root: software must sfence; after it, new mapping. */
	CSRW(satp, pt_satp(&other, 1));
	__asm__ volatile("sfence.vma x0, %0" ::"r"(1UL) : "memory");
	check_eq("new root for ASID 1 after sfence",
		 vm_access(PRV_S, VM_LOAD, VA_T, 0), 0x1006);
	pt_disable();
}

static void test_deleg_fault(void)
{
	lib_section("delegated page faults");
	pt_map(&vm_pt, VA_T, (uintptr_t)vm_pages[5], 0, PTE_R | PTE_AD);
	pt_enable(&vm_pt);
	CSRW(medeleg, (1UL << EXC_INSN_PAGE) | (1UL << EXC_LOAD_PAGE) |
			      (1UL << EXC_STORE_PAGE));
	trap_arm();
	vm_access(PRV_S, VM_STORE, VA_T + 8, 0);
	check_trap_to("store page fault -> S", EXC_STORE_PAGE, VA_T + 8, PRV_S);
	trap_arm();
	vm_access(PRV_U, VM_LOAD, VA_T + 16, 0);
	check_trap_to("U load page fault -> S", EXC_LOAD_PAGE, VA_T + 16,
		      PRV_S);
	trap_arm();
	vm_access(PRV_S, VM_FETCH, VA_T, 0);
	check_trap_to("fetch page fault -> S", EXC_INSN_PAGE, VA_T, PRV_S);
	CSRW(medeleg, 0);
	pt_disable();
}

static void test_straddle(void)
{
	lib_section("fetch across a page boundary");
	uint8_t *p0 = vm_pages[1], *p1 = vm_pages[2];
	uint64_t va = VA_T + 0x10000;
	/* "li a0, 42" at the last halfword of p0, "ret" after it on p1. */
	*(volatile uint16_t *)(p0 + 4094) = 0x0513;
	*(volatile uint16_t *)(p1 + 0) = 0x02a0;
	*(volatile uint32_t *)(p1 + 2) = 0x00008067;
	fence_i();
	pt_map(&vm_pt, va, (uintptr_t)p0, 0, PTE_X | PTE_AD);
	uint64_t *pte1 =
		pt_map(&vm_pt, va + PAGE, (uintptr_t)p1, 0, PTE_X | PTE_AD);
	*pte1 = 0;
	pt_enable(&vm_pt);
	trap_arm();
	vm_access(PRV_S, VM_FETCH, va + 4094, 0);
	check_trap("second half unmapped: tval = next page", EXC_INSN_PAGE,
		   va + PAGE);
	check_eq("  epc = insn start", lib_trap.epc, va + 4094);
	pt_map(&vm_pt, va + PAGE, (uintptr_t)p1, 0, PTE_X | PTE_AD);
	sfence_all();
	check_eq("both mapped: runs", vm_access(PRV_S, VM_FETCH, va + 4094, 0),
		 42);
	pt_disable();
}

int main(void)
{
	lib_start(NAME);
	pt_init(&vm_pt, PT_LEVELS);
	test_satp();
	test_walk();
	test_superpages();
	test_ad();
	test_sfence();
	test_asid();
	test_deleg_fault();
	test_straddle();
	vm_perm_tests();
	return lib_done();
}
