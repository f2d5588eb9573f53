/* The common soft-TLB miss, without the general walk of mmu.c.
 *
 * Most misses of a running guest look alike: Sv39 or Sv48, every
 * page-table page of the walk in the walk cache, plain pointer PTEs, a
 * leaf that allows the access with A (and D for a store) set already,
 * and RAM the direct map names present.  This path handles exactly those,
 * with the 4 KiB leaf (the usual one) in code of its own whose masks are
 * constants; no retry loop, no A/D update, no bus call, no fault causes.
 * Anything else returns NULL before it changed anything, and
 * mmu_resolve does the full walk, which gives the same translation or
 * the fault. */
#include "cpu/csr.h"
#include "cpu/exec.h"
#include "cpu/mmu_impl.h"

/* The PTE at pte_gpa through the walk cache, or 0 (never a valid PTE)
 * when its page-table page is not cached. */
static inline uint64_t fast_pte(struct hart *h, uint64_t pte_gpa)
{
	uint64_t pt_page = pte_gpa & ~PAGE_MASK;
	const struct tlb_walk_cache *c = tlb_walk_slot(&h->tlb, pt_page);

	if (c->gpa_page != pt_page)
		return 0;
	return __atomic_load_n(
		(const uint64_t *)(const void *)(c->host +
						 (pte_gpa & PAGE_MASK)),
		__ATOMIC_ACQUIRE);
}

/* Leaf pte of a 2^sh-byte mapping: the host address of va with e filled,
 * or NULL. */
static inline __attribute__((always_inline)) uint8_t *fast_leaf(
	struct hart *h, uint64_t va, enum mmu_access acc, uint32_t ctx,
	struct tlb_entry *arr, struct tlb_entry *e, uint64_t pte, unsigned sh)
{
	/* A (and D for a store) must be set already: setting them is the
	 * general path's CAS. */
	uint64_t need = PTE_V | PTE_A | (acc == MMU_STORE ? PTE_D : 0);
	uint64_t ppn = (pte >> 10) & PTE_PPN_MASK;
	uint64_t gpa, page;
	uint8_t *host;

	if ((pte & need) != need || (pte & PTE_RESERVED) ||
	    (pte & (PTE_R | PTE_W)) == PTE_W ||
	    !mmu_pte_allows(pte, acc, (ctx >> 3) & 7) ||
	    (ppn & ((1ULL << (sh - 12)) - 1)))
		return 0;
	gpa = ((ppn << 12) & ~((1ULL << sh) - 1)) | (va & ((1ULL << sh) - 1));
	page = gpa & ~PAGE_MASK;
	host = mmu_ram_map_page(h, page);
	/* Not in the map (MMIO, not present, trapped); or a store to a page
	 * with decoded code, which must be invalidated. */
	if (!host || (acc == MMU_STORE && code_cache_find(h, page)))
		return 0;
	h->stat_tlb_miss++;
	h->stat_page_walks++;
	mmu_tlb_set(h, acc, arr, e, va, ctx, host, page, sh);
	return host + (va & PAGE_MASK);
}

uint8_t *mmu_fill_fast(struct hart *h, uint64_t va, enum mmu_access acc,
		       uint32_t ctx, struct tlb_entry *arr, struct tlb_entry *e)
{
	uint64_t satp = h->satp;
	/* ctx != 0: translation is on, so satp's mode is Sv39 or Sv48. */
	unsigned levels = (satp >> 60) == SATP_MODE_SV48 ? 4 : 3;
	unsigned vabits = 12 + 9 * levels;
	uint64_t base = (satp & SATP_PPN_MASK) << 12, pte;
	struct tlb_pwc *pw = &h->tlb.pwc[(va >> 21) & (TLB_PWC_ENTRIES - 1)];
	uint64_t key = tlb_pwc_key(&h->tlb, va, ctx >> 6);
	struct tlb_entry *v = e + TLB_SIZE;

	/* The page e's last fill evicted: swap it back in (tlb.h). */
	if (acc != MMU_FETCH && v->tag == tlb_key(va, 1, ctx)) {
		struct tlb_entry old = *e;
		uint32_t *g = h->tlb.gpfn[acc], gi = g[e - arr];

		*e = *v;
		*v = old;
		g[e - arr] = g[v - arr];
		g[v - arr] = gi;
		return (uint8_t *)(uintptr_t)(va + e->addend);
	}
	if ((uint64_t)((int64_t)(va << (64 - vabits)) >> (64 - vabits)) != va)
		return 0;
	if (pw->key == key) {
		base = pw->leaf_pt;
		goto leaf_table;
	}
	for (unsigned lvl = levels - 1; lvl > 0; lvl--) {
		unsigned sh = 12 + 9 * lvl;

		pte = fast_pte(h, base + ((va >> sh) & 511) * 8);
		if (pte & (PTE_R | PTE_X))
			return fast_leaf(h, va, acc, ctx, arr, e, pte, sh);
		/* A plain pointer: V, and none of W, U, A, D or the
		 * reserved bits (those fault on the general path). */
		if ((pte & (PTE_RESERVED | PTE_V | PTE_W | PTE_U | PTE_A |
			    PTE_D)) != PTE_V)
			return 0;
		base = ((pte >> 10) & PTE_PPN_MASK) << 12;
	}
	pw->key = key;
	pw->leaf_pt = base;
leaf_table:
	pte = fast_pte(h, base + ((va >> 12) & 511) * 8);
	if (!(pte & (PTE_R | PTE_X)))
		return 0; /* no leaf at the last level: a fault */
	return fast_leaf(h, va, acc, ctx, arr, e, pte, 12);
}
