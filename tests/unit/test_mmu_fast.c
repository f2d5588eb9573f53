/* Unit tests of the fast TLB fill (src/cpu/mmu_fast.c) and its page-walk
 * cache: with the bus's direct RAM map in place, a miss fills exactly the
 * entry the general walk fills (load, store, fetch, superpages, user
 * pages); anything unusual (A or D to set, a store to decoded code, a
 * fault, MMIO) still gets the general path's answer; and a non-leaf PTE
 * the guest changed is seen after every form of sfence.vma. */
#include "cpu_fixture.h"

#define SV39 SATP_MODE_SV39
#define VA 0x40000000ULL
#define RW (PTE_R | PTE_W | PTE_A | PTE_D)
#define PRESENT 0x5e

static _Atomic uint64_t map_words[FX_RAM_SIZE >> 12];
static struct cpu_ram_map ram_map;

/* A fixture whose bus has a direct RAM map over all of its RAM. */
static struct fx *fx_fast(void)
{
	struct fx *f = fx_new();

	for (uint64_t i = 0; i < (FX_RAM_SIZE >> 12); i++)
		atomic_store(&map_words[i], (uint64_t)PRESENT << 56 | i);
	ram_map = (struct cpu_ram_map){ map_words, FX_RAM_BASE >> 12,
					FX_RAM_SIZE >> 12, f->ram, PRESENT };
	f->h.bus.ram_map = &ram_map;
	return f;
}

static uint64_t load(struct fx *f, uint64_t va)
{
	uint64_t v = 0;

	CHECK_EQ(mmu_load(&f->h, va, 8, &v), 0);
	return v;
}

/* The entry of arr for va as it is now. */
static struct tlb_entry entry(struct tlb_entry *arr, uint64_t va)
{
	return *tlb_index(arr, va);
}

static bool same(struct tlb_entry a, struct tlb_entry b)
{
	return a.tag == b.tag && a.addend == b.addend &&
	       a.gpa_page == b.gpa_page && a.code == b.code;
}

/* Fill arr's entry for va through `fill`, once with the RAM map (fast)
 * and once without (the general walk): the same entry. */
static void check_same_fill(struct fx *f, struct tlb_entry *arr, uint64_t va,
			    int (*fill)(struct fx *, uint64_t))
{
	struct tlb_entry fast, slow;
	uint64_t calls;

	tlb_flush_all(&f->h.tlb);
	CHECK_EQ(fill(f, va), 0);
	fast = entry(arr, va);
	tlb_flush_all(&f->h.tlb);
	f->h.bus.ram_map = NULL;
	calls = f->ram_page_calls;
	CHECK_EQ(fill(f, va), 0);
	CHECK(f->ram_page_calls > calls); /* really the general path */
	slow = entry(arr, va);
	f->h.bus.ram_map = &ram_map;
	CHECK_MSG(same(fast, slow), "va %#llx: fast and general fills differ",
		  (unsigned long long)va);
}

static int fill_load(struct fx *f, uint64_t va)
{
	uint64_t v;

	return mmu_load(&f->h, va, 8, &v);
}

static int fill_store(struct fx *f, uint64_t va)
{
	return mmu_store(&f->h, va, 8, 0x1234);
}

static int fill_fetch(struct fx *f, uint64_t va)
{
	struct tlb_entry *e;

	return mmu_fetch(&f->h, va, &e);
}

static void test_same_entries(void)
{
	struct fx *f = fx_fast();
	struct hart *h = &f->h;
	uint64_t root = fx_pt_page(f), pa = FX_RAM_BASE + 0x100000;

	fx_map(f, root, 3, VA, pa, 0, RW | PTE_X);
	fx_map(f, root, 3, VA + 0x1000, pa + 0x3000, 0, RW | PTE_U);
	/* A 2 MiB superpage at VA + 2 MiB. */
	fx_map(f, root, 3, VA + 0x200000, FX_RAM_BASE + 0x200000, 1, RW);
	fx_enter(f, PRIV_S, fx_satp(SV39, 1, root), 0, MSTATUS_SUM);
	check_same_fill(f, h->tlb.load, VA + 8, fill_load);
	check_same_fill(f, h->tlb.store, VA + 16, fill_store);
	check_same_fill(f, h->tlb.fetch, VA + 2, fill_fetch);
	check_same_fill(f, h->tlb.load, VA + 0x200000 + 0x5000, fill_load);
	fx_enter(f, PRIV_S, h->satp, MSTATUS_SUM, 0);
	check_same_fill(f, h->tlb.load, VA + 0x1000, fill_load);
	fx_enter(f, PRIV_U, h->satp, 0, 0);
	check_same_fill(f, h->tlb.store, VA + 0x1000, fill_store);
	fx_free(f);
}

/* What the fast fill leaves to the general path still comes out right. */
static void test_unusual(void)
{
	struct fx *f = fx_fast();
	struct hart *h = &f->h;
	uint64_t root = fx_pt_page(f), pa = FX_RAM_BASE + 0x100000;
	uint64_t *leaf, v;

	leaf = fx_map(f, root, 3, VA, pa, 0, PTE_R | PTE_W);
	fx_enter(f, PRIV_S, fx_satp(SV39, 1, root), 0, 0);
	*fx_ram64(f, pa) = 77;
	CHECK_EQ(load(f, VA), 77);
	CHECK(*leaf & PTE_A); /* set by the general walk */
	CHECK(!(*leaf & PTE_D));
	CHECK_EQ(mmu_store(h, VA, 8, 78), 0);
	CHECK(*leaf & PTE_D);
	CHECK_EQ(*fx_ram64(f, pa), 78);
	/* No write permission: the store faults. */
	fx_map(f, root, 3, VA + 0x1000, pa, 0, PTE_R | PTE_A | PTE_D);
	CHECK_EQ(mmu_store(h, VA + 0x1000, 8, 1), EXC_STORE_PAGE);
	/* A store to a page with decoded code invalidates it. */
	fx_map(f, root, 3, VA + 0x2000, pa + 0x1000, 0, RW);
	f->code_gpa[0] = pa + 0x1000;
	if (!fx_stub_cache(f)) /* the real code cache is linked in */
		CHECK(code_cache_get(h, pa + 0x1000, f->ram + 0x101000));
	tlb_flush_all(&h->tlb);
	CHECK_EQ(mmu_store(h, VA + 0x2000, 8, 5), 0);
	if (fx_stub_cache(f))
		CHECK_EQ(f->invalidations, 1);
	else
		CHECK(!code_cache_find(h, pa + 0x1000));
	/* Not mapped: the page fault; MMIO: the device. */
	CHECK_EQ(mmu_load(h, VA + 0x5000, 8, &v), EXC_LOAD_PAGE);
	fx_map(f, root, 3, VA + 0x3000, FX_DEV, 0, RW);
	CHECK_EQ(mmu_load(h, VA + 0x3000, 1, &v), 0);
	CHECK_EQ(v, 0x5a);
	fx_free(f);
}

/* The guest points a middle-level PTE at another leaf table: after
 * sfence.vma with the address, with the ASID, or with neither, the walk
 * sees the new table. */
static void test_pwc_flushes(void)
{
	struct fx *f = fx_fast();
	struct hart *h = &f->h;
	uint64_t root = fx_pt_page(f), pa1 = FX_RAM_BASE + 0x100000;
	uint64_t pa2 = FX_RAM_BASE + 0x180000, *mid_pte, old, other;

	fx_map(f, root, 3, VA, pa1, 0, RW);
	fx_map(f, root, 3, VA + 0x1000, pa1 + 0x1000, 0, RW);
	*fx_ram64(f, pa1) = 1;
	*fx_ram64(f, pa2) = 2;
	fx_enter(f, PRIV_S, fx_satp(SV39, 1, root), 0, 0);
	CHECK_EQ(load(f, VA), 1);
	CHECK_EQ(load(f, VA + 0x1000), 0); /* the cached leaf table serves */
	/* A second leaf table mapping VA to pa2. */
	other = fx_pt_page(f);
	*fx_ram64(f, other) = ((pa2 >> 12) << 10) | RW | PTE_V;
	mid_pte = fx_ram64(
		f, ((*fx_ram64(f, root + ((VA >> 30) & 511) * 8) >> 10) << 12) +
			   ((VA >> 21) & 511) * 8);
	old = *mid_pte;
	for (int form = 0; form < 3; form++) {
		*mid_pte = ((other >> 12) << 10) | PTE_V;
		if (form == 0)
			tlb_flush_va(&h->tlb, VA);
		else if (form == 1)
			tlb_flush_asid(&h->tlb, 1);
		else
			tlb_flush_all(&h->tlb);
		CHECK_MSG(load(f, VA) == 2, "form %d: old leaf table used",
			  form);
		*mid_pte = old;
		tlb_flush_all(&h->tlb);
		CHECK_EQ(load(f, VA), 1);
	}
	/* sfence.vma of any other address forgets the cached tables too
	 * (the guest may have freed a table of a small range with it). */
	old = h->tlb.pwc_gen;
	tlb_flush_va(&h->tlb, VA + 0x7000);
	CHECK(h->tlb.pwc_gen != old);
	fx_free(f);
}

/* Two address spaces (ASID slots) with the same 2 MiB region: each walk
 * uses its own leaf table. */
static void test_pwc_slots(void)
{
	struct fx *f = fx_fast();
	uint64_t r1 = fx_pt_page(f), r2 = fx_pt_page(f);
	uint64_t pa1 = FX_RAM_BASE + 0x100000, pa2 = FX_RAM_BASE + 0x180000;

	fx_map(f, r1, 3, VA, pa1, 0, RW);
	fx_map(f, r2, 3, VA, pa2, 0, RW);
	*fx_ram64(f, pa1) = 1;
	*fx_ram64(f, pa2) = 2;
	for (int k = 0; k < 3; k++) {
		fx_enter(f, PRIV_S, fx_satp(SV39, 1, r1), 0, 0);
		tlb_flush_va(&f->h.tlb, VA);
		CHECK_EQ(load(f, VA), 1);
		fx_enter(f, PRIV_S, fx_satp(SV39, 2, r2), 0, 0);
		CHECK_EQ(load(f, VA), 2);
	}
	fx_free(f);
}

int main(void)
{
	test_same_entries();
	test_unusual();
	test_pwc_flushes();
	test_pwc_slots();
	return check_done("mmu_fast");
}
