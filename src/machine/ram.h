/* Guest RAM as the board sees it: a view of the domain's memory (a P2M over
 * scattered machine frames, src/mem).  A guest-physical range is contiguous
 * to the guest but not in host memory, so the host side of the board never
 * holds a pointer into RAM: it copies bytes in and out (ram_read,
 * ram_write), and only the CPU gets page pointers (dom_mem_page, through
 * the machine's bus).  The domain's P2M spans exactly this RAM (ram_init
 * checks), so the memory manager's own range checks are the board's. */
#ifndef ATOLL_MACHINE_RAM_H
#define ATOLL_MACHINE_RAM_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include "mem/dom_mem.h"

struct ram {
	uint64_t base; /* guest-physical address of the first byte */
	uint64_t size; /* bytes, a multiple of 4 KiB (the domain's maxmem) */
	struct dom_mem *mem; /* backs it; owned by the domain, not the board */
};

/* View `size` bytes of `mem` at guest-physical `base`.  Returns 0 or
 * -EINVAL (size not a multiple of 4 KiB, mem missing or not spanning
 * exactly that range). */
static inline int ram_init(struct ram *r, struct dom_mem *mem, uint64_t base,
			   uint64_t size)
{
	if (!mem || size == 0 || (size & 0xfff) ||
	    base != mem->p2m.base << PAGE_SHIFT ||
	    size != mem->p2m.nr << PAGE_SHIFT)
		return -EINVAL;
	r->base = base;
	r->size = size;
	r->mem = mem;
	return 0;
}

/* True if [gpa, gpa + len) lies entirely inside RAM (len may be 0). */
static inline bool ram_contains(const struct ram *r, uint64_t gpa, uint64_t len)
{
	return gpa >= r->base && gpa - r->base <= r->size &&
	       len <= r->size - (gpa - r->base);
}

static inline uint64_t ram_end(const struct ram *r)
{
	return r->base + r->size;
}

/* Host-side copies (loaders, SBI, devices): populate or swap in as needed
 * and may block.  0 (also for len 0), or -EFAULT if any byte is outside
 * RAM. */
static inline int ram_read(const struct ram *r, uint64_t gpa, void *buf,
			   uint64_t len)
{
	return len ? dom_mem_read(r->mem, gpa, buf, len) : 0;
}

static inline int ram_write(const struct ram *r, uint64_t gpa, const void *buf,
			    uint64_t len)
{
	return len ? dom_mem_write(r->mem, gpa, buf, len) : 0;
}

#endif
