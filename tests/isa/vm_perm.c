/* Paging permissions: every R/W/X combination (incl. the reserved W-without-R
 * ones) for loads, stores and fetches from S and U, the U bit with SUM
 * (loads/stores only: S never executes U pages) and MXR (loads from
 * execute-only pages), and invalid PTEs. */
#include "vm.h"

static volatile uint64_t g_va;
static volatile int g_access;

static uint64_t s_access(uint64_t unused)
{
	uint64_t va = g_va;
	switch (g_access) {
	case VM_LOAD: return ld_d(va);
	case VM_STORE: st_d(va, 0x5a); return 0;
	default: return ((uint64_t(*)(uint64_t))va)(0);
	}
}

void vm_put_code(uint64_t pa)
{
	*(volatile uint32_t *)pa = 0x02a00513; /* li a0, 42 */
	*(volatile uint32_t *)(pa + 4) = 0x00008067; /* ret */
	fence_i();
}

uint64_t vm_access(int priv, int access, uint64_t va, uint64_t extra)
{
	uint64_t r;
	g_va = va;
	g_access = access;
	CSRS(mstatus, extra);
	if (priv == PRV_S)
		r = lib_run(PRV_S, s_access, 0);
	else if (access == VM_LOAD)
		r = lib_run(PRV_U, lib_u_ld, va);
	else if (access == VM_STORE)
		r = lib_run(PRV_U, lib_u_sd, va);
	else
		r = lib_run(PRV_U, (uint64_t(*)(uint64_t))va, 0);
	CSRC(mstatus, extra);
	return r;
}

void vm_expect(const char *what, int priv, int access, uint64_t va,
	       uint64_t extra, int fault)
{
	static const uint64_t cause[] = { EXC_LOAD_PAGE, EXC_STORE_PAGE,
					  EXC_INSN_PAGE };
	trap_arm();
	vm_access(priv, access, va, extra);
	if (fault)
		check_trap(what, cause[access], va);
	else
		check_no_trap(what);
}

struct perm_case {
	uint64_t flags;
	int priv;
	int access;
	uint64_t extra;
	int fault;
	const char *name;
};

#define L VM_LOAD
#define S VM_STORE
#define F VM_FETCH
#define R_ PTE_R
#define W_ PTE_W
#define X_ PTE_X
#define U_ PTE_U

static const struct perm_case cases[] = {
	{ R_, PRV_S, L, 0, 0, "S load R" },
	{ R_, PRV_S, S, 0, 1, "S store R" },
	{ R_, PRV_S, F, 0, 1, "S fetch R" },
	{ R_ | W_, PRV_S, L, 0, 0, "S load RW" },
	{ R_ | W_, PRV_S, S, 0, 0, "S store RW" },
	{ R_ | W_, PRV_S, F, 0, 1, "S fetch RW" },
	{ X_, PRV_S, L, 0, 1, "S load X" },
	{ X_, PRV_S, L, MS_MXR, 0, "S load X with MXR" },
	{ X_, PRV_S, S, MS_MXR, 1, "S store X with MXR" },
	{ X_, PRV_S, F, 0, 0, "S fetch X" },
	{ R_ | X_, PRV_S, L, 0, 0, "S load RX" },
	{ R_ | X_, PRV_S, S, 0, 1, "S store RX" },
	{ R_ | X_, PRV_S, F, 0, 0, "S fetch RX" },
	{ R_ | W_ | X_, PRV_S, S, 0, 0, "S store RWX" },
	{ R_ | W_ | X_, PRV_S, F, 0, 0, "S fetch RWX" },
	{ W_, PRV_S, L, 0, 1, "S load W (reserved)" },
	{ W_, PRV_S, S, 0, 1, "S store W (reserved)" },
	{ W_ | X_, PRV_S, F, 0, 1, "S fetch WX (reserved)" },
	{ W_ | X_, PRV_S, L, MS_MXR, 1, "S load WX+MXR (reserved)" },
	{ U_ | R_, PRV_S, L, 0, 1, "S load U page" },
	{ U_ | R_, PRV_S, L, MS_SUM, 0, "S load U page with SUM" },
	{ U_ | R_ | W_, PRV_S, S, 0, 1, "S store U page" },
	{ U_ | R_ | W_, PRV_S, S, MS_SUM, 0, "S store U page with SUM" },
	{ U_ | X_, PRV_S, F, 0, 1, "S fetch U page" },
	{ U_ | R_ | X_, PRV_S, F, MS_SUM, 1, "S fetch U page with SUM" },
	{ U_ | X_, PRV_S, L, MS_SUM | MS_MXR, 0, "S load U X page SUM+MXR" },
	{ U_ | X_, PRV_S, L, MS_SUM, 1, "S load U X page SUM only" },
	{ U_ | R_, PRV_U, L, 0, 0, "U load U R" },
	{ U_ | R_, PRV_U, S, 0, 1, "U store U R" },
	{ U_ | R_ | W_, PRV_U, S, 0, 0, "U store U RW" },
	{ U_ | R_, PRV_U, F, 0, 1, "U fetch U R" },
	{ U_ | X_, PRV_U, F, 0, 0, "U fetch U X" },
	{ U_ | X_, PRV_U, L, 0, 1, "U load U X" },
	{ U_ | X_, PRV_U, L, MS_MXR, 0, "U load U X with MXR" },
	{ R_ | W_ | X_, PRV_U, L, 0, 1, "U load S page" },
	{ R_ | W_ | X_, PRV_U, S, 0, 1, "U store S page" },
	{ R_ | W_ | X_, PRV_U, F, 0, 1, "U fetch S page" },
	{ R_ | W_ | X_, PRV_U, L, MS_SUM, 1, "U load S page (SUM no help)" },
};

static void perm_matrix(void)
{
	lib_section("permission matrix");
	uint64_t pa = (uintptr_t)vm_pages[0];
	pt_enable(&vm_pt);
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct perm_case *c = &cases[i];
		vm_put_code(pa);
		*(volatile uint64_t *)(pa + 8) = 0x1122334455667788UL;
		pt_map(&vm_pt, VA_T, pa, 0, c->flags | PTE_AD);
		sfence_all();
		vm_expect(c->name, c->priv, c->access, VA_T, c->extra,
			  c->fault);
	}
	/* Values really come from the mapped page. */
	pt_map(&vm_pt, VA_T, pa, 0, PTE_R | PTE_U | PTE_AD);
	sfence_all();
	check_eq("U load value", vm_access(PRV_U, L, VA_T + 8, 0),
		 0x1122334455667788UL);
	check_eq("S load value (SUM)", vm_access(PRV_S, L, VA_T + 8, MS_SUM),
		 0x1122334455667788UL);
	pt_map(&vm_pt, VA_T, pa, 0, PTE_X | PTE_U | PTE_AD);
	sfence_all();
	check_eq("U fetch ran the page", vm_access(PRV_U, F, VA_T, 0), 42);
	pt_map(&vm_pt, VA_T, pa, 0, PTE_X | PTE_AD);
	sfence_all();
	check_eq("S fetch ran the page", vm_access(PRV_S, F, VA_T, 0), 42);
	pt_map(&vm_pt, VA_T, pa, 0, PTE_R | PTE_W | PTE_AD);
	sfence_all();
	vm_access(PRV_S, S, VA_T + 16, 0);
	check_eq("S store landed", *(volatile uint64_t *)(pa + 16), 0x5a);
	pt_disable();
}

static void invalid_ptes(void)
{
	lib_section("invalid PTEs");
	uint64_t pa = (uintptr_t)vm_pages[0];
	pt_enable(&vm_pt);
	uint64_t *pte = pt_map(&vm_pt, VA_T, pa, 0, PTE_RWX | PTE_AD);
	*pte &= ~PTE_V;
	sfence_all();
	vm_expect("V=0 load", PRV_S, L, VA_T, 0, 1);
	vm_expect("V=0 fetch", PRV_S, F, VA_T, 0, 1);
	*pte |= PTE_V | (1UL << 63);
	sfence_all();
	vm_expect("reserved bit 63 (no Svnapot)", PRV_S, L, VA_T, 0, 1);
	*pte &= ~(1UL << 63);
	*pte |= 1UL << 54;
	sfence_all();
	vm_expect("reserved bit 54", PRV_S, L, VA_T, 0, 1);
	*pte &= ~(1UL << 54);
	*pte |= 3UL << 61;
	sfence_all();
	vm_expect("PBMT bits without Svpbmt", PRV_S, L, VA_T, 0, 1);
	*pte &= ~(3UL << 61);
	sfence_all();
	vm_expect("restored PTE works", PRV_S, L, VA_T, 0, 0);
	/* A pointer PTE at level 0 (no leaf found) faults. */
	*pte = ((pa >> 12) << 10) | PTE_V;
	sfence_all();
	vm_expect("non-leaf at level 0", PRV_S, L, VA_T, 0, 1);
	/* Unmapped at an upper level. */
	vm_expect("no table for VA", PRV_S, L, VA_T + (1UL << 30), 0, 1);
	pt_disable();
}

void vm_perm_tests(void)
{
	perm_matrix();
	invalid_ptes();
}
