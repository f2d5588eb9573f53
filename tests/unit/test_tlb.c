/* Unit tests of tlb.c and the TLB contexts: ASID slots (satp switches,
 * traps and privilege changes flush nothing), sfence.vma by address, ASID
 * and all, superpage ranges, slot exhaustion, reverse (gpa) invalidation. */
#include "cpu_fixture.h"

#define SV39 SATP_MODE_SV39
#define VA 0x40000000ULL
#define RW (PTE_R | PTE_W | PTE_A | PTE_D)

/* Does a load at va hit the TLB in the hart's current data context? */
static bool hits(struct fx *f, uint64_t va)
{
	uint64_t v;

	return tlb_load(&f->h.tlb, f->h.ctx_data, va, 8, &v);
}

/* Load through the MMU; returns the value (failure counted). */
static uint64_t load(struct fx *f, uint64_t va)
{
	uint64_t v = 0;

	CHECK_EQ(mmu_load(&f->h, va, 8, &v), 0);
	return v;
}

/* A table mapping VA and VA + 4 KiB onto frame `pa` (and pa + 4 KiB). */
static uint64_t table_for(struct fx *f, uint64_t pa, uint64_t flags)
{
	uint64_t root = fx_pt_page(f);

	fx_map(f, root, 3, VA, pa, 0, flags);
	fx_map(f, root, 3, VA + 0x1000, pa + 0x1000, 0, flags);
	*fx_ram64(f, pa) = pa;
	*fx_ram64(f, pa + 0x1000) = pa + 0x1000;
	return root;
}

static void test_contexts(void)
{
	struct fx *f = fx_new();
	struct hart *h = &f->h;
	uint64_t root = fx_pt_page(f);
	unsigned slot;

	CHECK_EQ(h->ctx_fetch, 0);
	CHECK_EQ(h->ctx_data, 0);
	fx_enter(f, PRIV_S, fx_satp(SV39, 1, root), 0, MSTATUS_SUM);
	slot = h->tlb.cur_slot;
	CHECK(slot >= 1 && slot < TLB_ASID_SLOTS);
	CHECK_EQ(h->ctx_data, (slot * 8 + TLB_CLASS_S) << 3);
	CHECK_EQ(h->ctx_fetch, (slot * 8 + TLB_CLASS_S) << 3);
	fx_enter(f, PRIV_S, h->satp, MSTATUS_SUM | MSTATUS_MXR, 0);
	CHECK_EQ(h->ctx_data, (slot * 8 + TLB_CLASS_S_SUM_MXR) << 3);
	CHECK_EQ(h->ctx_fetch, (slot * 8 + TLB_CLASS_S) << 3);
	fx_enter(f, PRIV_U, h->satp, 0, MSTATUS_SUM);
	CHECK_EQ(h->ctx_data, (slot * 8 + TLB_CLASS_U_MXR) << 3);
	CHECK_EQ(h->ctx_fetch, (slot * 8 + TLB_CLASS_U) << 3);
	CHECK_EQ(h->tlb.cur_slot, slot); /* same satp, same slot */
	fx_enter(f, PRIV_M, h->satp, 0, 0);
	CHECK_EQ(h->ctx_data, 0);
	fx_enter(f, PRIV_S, 0, 0, 0); /* Bare */
	CHECK_EQ(h->ctx_data, 0);
	CHECK_EQ(h->ctx_fetch, 0);
	fx_free(f);
}

static void test_asid_switch(void)
{
	struct fx *f = fx_new();
	struct hart *h = &f->h;
	uint64_t pa1 = FX_RAM_BASE + 0x100000, pa2 = FX_RAM_BASE + 0x200000;
	uint64_t r1 = table_for(f, pa1, RW), r2 = table_for(f, pa2, RW);
	uint64_t walks;

	/* The arrays are direct-mapped by VA: each space uses its own page
	 * here so that they do not evict each other. */
	fx_enter(f, PRIV_S, fx_satp(SV39, 1, r1), 0, 0);
	CHECK_EQ(load(f, VA), pa1);
	fx_enter(f, PRIV_S, fx_satp(SV39, 2, r2), 0, 0);
	CHECK(!hits(f, VA));
	CHECK_EQ(load(f, VA + 0x1000), pa2 + 0x1000);
	walks = h->stat_page_walks;
	fx_enter(f, PRIV_S, fx_satp(SV39, 1, r1), 0, 0);
	CHECK(hits(f, VA)); /* the satp writes flushed nothing */
	CHECK(!hits(f, VA + 0x1000));
	CHECK_EQ(load(f, VA), pa1);
	fx_enter(f, PRIV_S, fx_satp(SV39, 2, r2), 0, 0);
	CHECK(hits(f, VA + 0x1000));
	CHECK_EQ(load(f, VA + 0x1000), pa2 + 0x1000);
	CHECK_EQ(h->stat_page_walks, walks);
	CHECK_EQ(h->tlb.stat_flush_all + h->tlb.stat_wipes, 0);
	fx_free(f);
}

static void test_trap_keeps(void)
{
	struct fx *f = fx_new();
	struct hart *h = &f->h;
	uint64_t pa = FX_RAM_BASE + 0x100000;
	uint64_t root = table_for(f, pa, RW | PTE_U);
	uint64_t walks;

	h->medeleg = 1ULL << EXC_ECALL_U;
	h->stvec = FX_RAM_BASE;
	fx_enter(f, PRIV_U, fx_satp(SV39, 3, root), 0, 0);
	CHECK_EQ(load(f, VA), pa);
	walks = h->stat_page_walks;
	trap_raise(h, EXC_ECALL_U, 0, 0x1000);
	CHECK_EQ(h->priv, PRIV_S);
	CHECK(!hits(f, VA)); /* S context: U entries are not shared... */
	h->mstatus |= MSTATUS_SPIE;
	CHECK_EQ(trap_sret(h), 0);
	CHECK_EQ(h->priv, PRIV_U);
	CHECK(hits(f, VA)); /* ...but still there after the round trip */
	CHECK_EQ(h->stat_page_walks, walks);
	fx_free(f);
}

static void test_flush_va(void)
{
	struct fx *f = fx_new();
	struct hart *h = &f->h;
	uint64_t pa = FX_RAM_BASE + 0x100000;
	uint64_t root = table_for(f, pa, RW);

	fx_enter(f, PRIV_S, fx_satp(SV39, 1, root), 0, 0);
	load(f, VA);
	load(f, VA + 0x1000);
	CHECK_EQ(mmu_store(h, VA, 8, pa), 0);
	tlb_flush_va(&h->tlb, VA + 0x10);
	CHECK(!hits(f, VA));
	CHECK(!tlb_store(&h->tlb, h->ctx_data, VA, 8, 0));
	CHECK(hits(f, VA + 0x1000)); /* only that page went */
	CHECK_EQ(h->tlb.stat_flush_page, 1);
	fx_free(f);
}

static void test_flush_asid_all(void)
{
	struct fx *f = fx_new();
	struct hart *h = &f->h;
	uint64_t pa1 = FX_RAM_BASE + 0x100000, pa2 = FX_RAM_BASE + 0x200000;
	uint64_t r1 = table_for(f, pa1, RW), r2 = table_for(f, pa2, RW);
	uint32_t ctx;

	fx_enter(f, PRIV_S, fx_satp(SV39, 1, r1), 0, 0);
	load(f, VA);
	fx_enter(f, PRIV_S, fx_satp(SV39, 2, r2), 0, 0);
	load(f, VA + 0x1000);
	tlb_flush_asid(&h->tlb, 1); /* not current: slot retired */
	CHECK(hits(f, VA + 0x1000));
	fx_enter(f, PRIV_S, fx_satp(SV39, 1, r1), 0, 0);
	CHECK(!hits(f, VA));
	CHECK_EQ(load(f, VA), pa1);
	/* Flushing the current ASID keeps the context number. */
	ctx = h->ctx_data;
	tlb_flush_asid(&h->tlb, 1);
	CHECK_EQ(h->ctx_data, ctx);
	CHECK(!hits(f, VA));
	/* sfence.vma x0, x0 drops translated entries, keeps untranslated. */
	load(f, VA);
	fx_enter(f, PRIV_M, h->satp, 0, 0);
	load(f, FX_RAM_BASE + 0x300000);
	fx_enter(f, PRIV_S, h->satp, 0, 0);
	tlb_flush_all(&h->tlb);
	CHECK_EQ(h->ctx_data, ctx);
	CHECK(!hits(f, VA));
	fx_enter(f, PRIV_M, h->satp, 0, 0);
	CHECK(hits(f, FX_RAM_BASE + 0x300000));
	fx_enter(f, PRIV_S, fx_satp(SV39, 2, r2), 0, 0);
	CHECK(!hits(f, VA + 0x1000));
	CHECK_EQ(load(f, VA + 0x1000), pa2 + 0x1000);
	/* A wipe drops everything, untranslated too. */
	fx_enter(f, PRIV_M, h->satp, 0, 0);
	tlb_wipe(&h->tlb);
	CHECK(!hits(f, FX_RAM_BASE + 0x300000));
	fx_free(f);
}

static void test_superpage_flush(void)
{
	struct fx *f = fx_new();
	struct hart *h = &f->h;
	uint64_t root = fx_pt_page(f);
	uint64_t sp = 0x40200000ULL;

	fx_map(f, root, 3, sp, FX_RAM_BASE + 0x200000, 1, RW);
	fx_map(f, root, 3, VA, FX_RAM_BASE + 0x100000, 0, RW);
	fx_enter(f, PRIV_S, fx_satp(SV39, 1, root), 0, 0);
	for (int i = 0; i < 8; i++)
		load(f, sp + (uint64_t)i * 0x3000);
	load(f, VA);
	CHECK(h->tlb.has_superpage);
	tlb_flush_va(&h->tlb, VA + 0x123000); /* outside: superpage stays */
	CHECK(hits(f, sp + 0x3000));
	CHECK(hits(f, VA));
	tlb_flush_va(&h->tlb, sp); /* its base: every piece goes */
	for (int i = 0; i < 8; i++)
		CHECK(!hits(f, sp + (uint64_t)i * 0x3000));
	CHECK(hits(f, VA)); /* 4 KiB page elsewhere stays */
	CHECK(!h->tlb.has_superpage);
	/* Adjacent superpages merge into one range. */
	fx_map(f, root, 3, sp + 0x200000, FX_RAM_BASE + 0x400000, 1, RW);
	load(f, sp);
	load(f, sp + 0x200000);
	CHECK_EQ(h->tlb.super_n, 1);
	tlb_flush_va(&h->tlb, sp + 0x3fffff);
	CHECK(!hits(f, sp));
	fx_free(f);
}

/* More satp values than slots: wipes happen and nothing goes stale. */
static void test_slot_exhaustion(void)
{
	struct fx *f = fx_new();
	struct hart *h = &f->h;
	enum { N = 150 };
	static uint64_t roots[N];

	for (int i = 0; i < N; i++) {
		uint64_t pa =
			FX_RAM_BASE + 0x100000 + (uint64_t)(i % 40) * 0x2000;

		roots[i] = table_for(f, pa, RW);
	}
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < N; i++) {
			uint64_t pa = FX_RAM_BASE + 0x100000 +
				      (uint64_t)(i % 40) * 0x2000;

			fx_enter(f, PRIV_S,
				 fx_satp(SV39, (uint64_t)i, roots[i]), 0, 0);
			CHECK_EQ(load(f, VA), pa);
			CHECK_EQ(load(f, VA + 0x1000), pa + 0x1000);
		}
	}
	CHECK(h->tlb.stat_wipes > 0);
	CHECK(h->tlb.cur_slot >= 1);
	/* Retired slots are reused after a wipe. */
	for (int i = 0; i < 200; i++) {
		fx_enter(f, PRIV_S, fx_satp(SV39, 7, roots[7]), 0, 0);
		CHECK_EQ(load(f, VA), FX_RAM_BASE + 0x100000 + 7 * 0x2000);
		tlb_flush_all(&h->tlb);
		fx_enter(f, PRIV_S, fx_satp(SV39, 8, roots[8]), 0, 0);
		CHECK_EQ(load(f, VA), FX_RAM_BASE + 0x100000 + 8 * 0x2000);
	}
	fx_free(f);
}

static void test_flush_gpa(void)
{
	struct fx *f = fx_new();
	struct hart *h = &f->h;
	uint64_t pa = FX_RAM_BASE + 0x100000;
	uint64_t r1 = table_for(f, pa, RW), r2 = table_for(f, pa, RW);
	struct tlb_entry *e;

	/* The same frame cached in three contexts and untranslated. */
	fx_enter(f, PRIV_S, fx_satp(SV39, 1, r1), 0, 0);
	load(f, VA);
	CHECK_EQ(mmu_store(h, VA, 8, pa), 0);
	load(f, VA + 0x1000);
	fx_enter(f, PRIV_S, fx_satp(SV39, 2, r2), 0, 0);
	load(f, VA);
	fx_enter(f, PRIV_M, h->satp, 0, 0);
	load(f, pa);
	CHECK_EQ(mmu_fetch(h, pa, &e), 0);
	tlb_flush_gpa(&h->tlb, pa);
	CHECK(!hits(f, pa));
	CHECK(tlb_index(h->tlb.fetch, pa)->tag == TLB_TAG_INVALID);
	fx_enter(f, PRIV_S, fx_satp(SV39, 2, r2), 0, 0);
	CHECK(!hits(f, VA));
	fx_enter(f, PRIV_S, fx_satp(SV39, 1, r1), 0, 0);
	CHECK(!hits(f, VA));
	CHECK(!tlb_store(&h->tlb, h->ctx_data, VA, 8, 0));
	CHECK(hits(f, VA + 0x1000)); /* another frame */
	CHECK_EQ(h->tlb.stat_flush_gpa, 1);
	/* Store-only flush (a page became code). */
	load(f, VA);
	CHECK_EQ(mmu_store(h, VA, 8, pa), 0);
	tlb_flush_gpa_store(&h->tlb, pa);
	CHECK(!tlb_store(&h->tlb, h->ctx_data, VA, 8, 0));
	CHECK(hits(f, VA));
	fx_free(f);
}

static void test_forget_code(void)
{
	struct fx *f = fx_new();
	struct hart *h = &f->h;
	struct tlb_entry *e;
	struct code_page *cp = (struct code_page *)&fx_cur;

	CHECK_EQ(mmu_fetch(h, FX_RAM_BASE, &e), 0);
	e->code = cp;
	CHECK_EQ(mmu_fetch(h, FX_RAM_BASE + 0x10, &e), 0);
	CHECK(e->code == cp); /* a hit keeps it */
	tlb_forget_code(&h->tlb, cp);
	CHECK(e->code == NULL);
	CHECK(e->tag != TLB_TAG_INVALID);
	fx_free(f);
}

int main(void)
{
	test_contexts();
	test_asid_switch();
	test_trap_keeps();
	test_flush_va();
	test_flush_asid_all();
	test_superpage_flush();
	test_slot_exhaustion();
	test_flush_gpa();
	test_forget_code();
	return check_done("test_tlb");
}
