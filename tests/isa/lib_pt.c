/* Sv39/Sv48 page-table builder for the ISA tests.  Tables come from a static
 * pool inside the program image, so they are identity mapped themselves. */
#include "lib.h"

#define PT_POOL_PAGES 48
#define PAGE 4096UL

static uint8_t pt_pool[PT_POOL_PAGES][PAGE] __attribute__((aligned(4096)));
static unsigned pt_used;

extern char _end[];
#define IMAGE_BASE 0x80000000UL

void *pt_page(void)
{
	if (pt_used >= PT_POOL_PAGES) {
		rt_printf("FAIL page-table pool exhausted\n");
		rt_exit(98);
	}
	void *p = pt_pool[pt_used++];
	memset(p, 0, PAGE);
	return p;
}

static unsigned pt_index(uint64_t va, int level)
{
	return (va >> (12 + 9 * level)) & 511;
}

uint64_t *pt_pte(struct pt *pt, uint64_t va, int level)
{
	uint64_t *table = pt->root;
	for (int l = pt->levels - 1; l > level; l--) {
		uint64_t e = table[pt_index(va, l)];
		if (!(e & PTE_V) || (e & PTE_RWX))
			return NULL;
		table = (uint64_t *)((e >> 10) << 12);
	}
	return &table[pt_index(va, level)];
}

uint64_t *pt_map(struct pt *pt, uint64_t va, uint64_t pa, int level,
		 uint64_t flags)
{
	uint64_t *table = pt->root;
	for (int l = pt->levels - 1; l > level; l--) {
		uint64_t *e = &table[pt_index(va, l)];
		if (!(*e & PTE_V) || (*e & PTE_RWX)) {
			uint64_t next = (uintptr_t)pt_page();
			*e = ((next >> 12) << 10) | PTE_V;
		}
		table = (uint64_t *)((*e >> 10) << 12);
	}
	uint64_t *pte = &table[pt_index(va, level)];
	*pte = ((pa >> 12) << 10) | flags | PTE_V;
	return pte;
}

void pt_init(struct pt *pt, int levels)
{
	uint64_t ustart = (uintptr_t)lib_user_start;
	uint64_t uend = (uintptr_t)lib_user_end;
	pt->levels = levels;
	pt->root = pt_page();
	/* The pool is part of the image, so map the whole pool too: tables
	 * taken later stay reachable from S-mode. */
	uint64_t end = ((uintptr_t)_end + PAGE - 1) & ~(PAGE - 1);
	for (uint64_t a = IMAGE_BASE; a < end; a += PAGE) {
		uint64_t f = PTE_RWX | PTE_AD;
		if (a >= ustart && a < uend)
			f |= PTE_U;
		pt_map(pt, a, a, 0, f);
	}
	pt_map(pt, RT_UART, RT_UART, 0, PTE_R | PTE_W | PTE_AD);
	pt_map(pt, RT_TEST_DEV, RT_TEST_DEV, 0, PTE_R | PTE_W | PTE_AD);
}

uint64_t pt_satp(const struct pt *pt, uint64_t asid)
{
	uint64_t mode = pt->levels == 4 ? SATP_SV48 : SATP_SV39;
	return mode | (asid << 44) | ((uintptr_t)pt->root >> 12);
}

void pt_enable(const struct pt *pt)
{
	CSRW(satp, pt_satp(pt, 0));
	sfence_all();
}

void pt_disable(void)
{
	CSRW(satp, 0);
	sfence_all();
}
