/* Physical page allocator: a bitmap of free pages over the RAM the DTB
 * describes.  The bitmap lives outside the pages, so free pages are never
 * touched (atoll populates a page on first touch); pages the balloon gave
 * back to atoll are simply allocated, so never in the free set. */
#include <string.h>

#include "kernel.h"

#define PAGE_MAX_PAGES (1ul << 20) /* 4 GiB of RAM */
#define PAGE_WAIT_TRIES 50

static uint64_t bitmap[PAGE_MAX_PAGES / 64];
static uint64_t base, npages, nfree, hint, nfails;

/* Mark [lo, hi) free or used, clamped to RAM. */
static void page_mark(uint64_t lo, uint64_t hi, int free)
{
	lo = lo < base ? base : lo;
	hi = hi > base + npages * PAGE_SIZE ? base + npages * PAGE_SIZE : hi;
	for (uint64_t a = lo & ~(PAGE_SIZE - 1); a < hi; a += PAGE_SIZE) {
		uint64_t i = (a - base) >> PAGE_SHIFT;
		uint64_t bit = 1ul << (i & 63);

		if (free && !(bitmap[i / 64] & bit)) {
			bitmap[i / 64] |= bit;
			nfree++;
		} else if (!free && (bitmap[i / 64] & bit)) {
			bitmap[i / 64] &= ~bit;
			nfree--;
		}
	}
}

/* All RAM free except [used_lo, used_hi) (firmware, kernel) and the DTB. */
int page_init(const struct boot_info *bi, uint64_t used_lo, uint64_t used_hi)
{
	base = bi->ram_base;
	npages = bi->ram_size >> PAGE_SHIFT;
	if (npages > PAGE_MAX_PAGES)
		npages = PAGE_MAX_PAGES;
	page_mark(base, base + npages * PAGE_SIZE, 1);
	page_mark(used_lo, used_hi, 0);
	page_mark(bi->dtb_pa, bi->dtb_pa + bi->dtb_size, 0);
	return nfree ? 0 : -12;
}

/* One free page (contents undefined), or NULL; never sleeps. */
void *page_alloc(void)
{
	unsigned long s = irq_save();
	uint64_t words = (npages + 63) / 64;
	void *p = NULL;

	for (uint64_t n = 0; n < words; n++) {
		uint64_t w = (hint + n) % words;

		if (bitmap[w]) {
			uint64_t i =
				w * 64 + (uint64_t)__builtin_ctzl(bitmap[w]);

			bitmap[w] &= bitmap[w] - 1;
			nfree--;
			hint = w;
			p = (void *)(uintptr_t)(base + i * PAGE_SIZE);
			break;
		}
	}
	if (!p)
		nfails++;
	irq_restore(s);
	return p;
}

/* A page, waiting for the balloon driver to get more from atoll when
 * none is free; NULL if atoll keeps saying no (the caller degrades). */
void *page_alloc_wait(void)
{
	for (int i = 0; i < PAGE_WAIT_TRIES; i++) {
		void *p = page_alloc();

		if (p)
			return p;
		balloon_kick();
		thread_sleep(2);
	}
	return NULL;
}

void page_free(void *p)
{
	uint64_t a = (uintptr_t)p, i;
	unsigned long s;

	if (a < base || a >= base + npages * PAGE_SIZE || (a & 4095))
		panic("page_free: bad page %p", p);
	i = (a - base) >> PAGE_SHIFT;
	s = irq_save();
	if (bitmap[i / 64] & (1ul << (i & 63)))
		panic("page_free: double free of %p", p);
	bitmap[i / 64] |= 1ul << (i & 63);
	nfree++;
	irq_restore(s);
}

uint64_t page_free_count(void)
{
	return nfree;
}

uint64_t page_total(void)
{
	return npages;
}

uint64_t page_fail_count(void)
{
	return nfails;
}

uint64_t page_base_gfn(void)
{
	return base >> PAGE_SHIFT;
}
