/* Private to the MMU's files (mmu.c, mmu_fast.c): PTE bits, the rights of
 * the TLB classes, the permission check and the direct RAM map lookup. */
#ifndef ATOLL_CPU_MMU_IMPL_H
#define ATOLL_CPU_MMU_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/hart.h"
#include "cpu/mmu.h"

#define PTE_V (1ULL << 0)
#define PTE_R (1ULL << 1)
#define PTE_W (1ULL << 2)
#define PTE_X (1ULL << 3)
#define PTE_U (1ULL << 4)
#define PTE_A (1ULL << 6)
#define PTE_D (1ULL << 7)
#define PTE_PPN_MASK ((1ULL << 44) - 1)
#define PTE_RESERVED (0x3ffULL << 54)
#define SATP_PPN_MASK ((1ULL << 44) - 1)
#define PAGE_MASK 0xfffULL

/* Rights of each TLB class (ctx & 7), see tlb.h. */
enum { CLS_USER = 1, CLS_SUM = 2, CLS_MXR = 4 };
static const uint8_t cls_rights[8] = {
	[TLB_CLASS_BARE] = 0,
	[TLB_CLASS_U] = CLS_USER,
	[TLB_CLASS_U_MXR] = CLS_USER | CLS_MXR,
	[TLB_CLASS_S] = 0,
	[TLB_CLASS_S_SUM] = CLS_SUM,
	[TLB_CLASS_S_MXR] = CLS_MXR,
	[TLB_CLASS_S_SUM_MXR] = CLS_SUM | CLS_MXR,
};

/* Host page for gpa page `page` from the bus's direct RAM map alone, or
 * NULL when the map does not name it present (then ask the bus). */
static inline uint8_t *mmu_ram_map_page(const struct hart *h, uint64_t page)
{
	const struct cpu_ram_map *m = h->bus.ram_map;

	if (__builtin_expect(m != 0, 1)) {
		uint64_t i = (page >> 12) - m->first;

		if (__builtin_expect(i < m->nr, 1)) {
			uint64_t w = atomic_load_explicit(&m->entries[i],
							  memory_order_acquire);

			if (__builtin_expect((w >> 56) == m->present, 1))
				return m->frames + (size_t)(uint32_t)w * 4096;
		}
	}
	return 0;
}

/* Host page for gpa page `page` (as bus->ram_page): one load from the
 * bus's direct RAM map when it names the page present, else the bus. */
static inline uint8_t *mmu_ram_page(struct hart *h, uint64_t page, bool write)
{
	uint8_t *p = mmu_ram_map_page(h, page);

	if (__builtin_expect(p != 0, 1))
		return p;
	return h->bus.ops->ram_page(h->bus.ctx, page, write);
}

/* Does leaf pte grant access acc to a context of class cls? */
static inline bool mmu_pte_allows(uint64_t pte, enum mmu_access acc,
				  unsigned cls)
{
	unsigned rights = cls_rights[cls];

	if (pte & PTE_U) {
		/* S-mode: U pages only with SUM, and never executable. */
		if (!(rights & CLS_USER) &&
		    (acc == MMU_FETCH || !(rights & CLS_SUM)))
			return false;
	} else if (rights & CLS_USER) {
		return false;
	}
	if (acc == MMU_LOAD)
		return (pte & PTE_R) || ((rights & CLS_MXR) && (pte & PTE_X));
	if (acc == MMU_STORE)
		return pte & PTE_W;
	return pte & PTE_X;
}

/* Fill arr's entry e: va's page in context ctx maps gpa page `page` at
 * host, through a 2^shift-byte mapping (both miss paths end here). */
static inline void mmu_tlb_set(struct hart *h, enum mmu_access acc,
			       struct tlb_entry *arr, struct tlb_entry *e,
			       uint64_t va, uint32_t ctx, uint8_t *host,
			       uint64_t page, unsigned shift)
{
	uint64_t va_page = va & ~PAGE_MASK;
	size_t i = (size_t)(e - arr);

	/* A load or store fill keeps the entry it evicts as the victim
	 * (tlb.h); the victim it replaces was the older of the two. */
	if (acc != MMU_FETCH && i < TLB_SIZE && e->tag != TLB_TAG_INVALID &&
	    e->tag != (va_page | ctx)) {
		arr[i + TLB_SIZE] = *e;
		h->tlb.gpfn[acc][i + TLB_SIZE] = h->tlb.gpfn[acc][i];
	}
	e->tag = va_page | ctx;
	e->addend = (uintptr_t)host - (uintptr_t)va_page;
	e->gpa_page = page;
	e->code = NULL;
	h->tlb.gpfn[acc][i] = (uint32_t)(page >> 12);
	if (shift > 12)
		tlb_note_superpage(&h->tlb, va, shift);
}

/* The common TLB miss without the general walk (mmu_fast.c): the host
 * address of va with arr's entry e filled, or NULL when the full path
 * (mmu.c) must handle it. */
uint8_t *mmu_fill_fast(struct hart *h, uint64_t va, enum mmu_access acc,
		       uint32_t ctx, struct tlb_entry *arr,
		       struct tlb_entry *e);

#endif
