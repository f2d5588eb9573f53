/* Guest RAM over the domain's P2M (see ram.h). */
#include <errno.h>

#include "machine/ram.h"
#include "mem/dom_mem.h"

int ram_init(struct ram *r, struct dom_mem *mem, uint64_t base, uint64_t size)
{
	if (!mem || size == 0 || (size & 0xfff) || base + size < base)
		return -EINVAL;
	r->base = base;
	r->size = size;
	r->mem = mem;
	return 0;
}

int ram_read(const struct ram *r, uint64_t gpa, void *buf, uint64_t len)
{
	if (!ram_contains(r, gpa, len))
		return -EFAULT;
	return len ? dom_mem_read(r->mem, gpa, buf, len) : 0;
}

int ram_write(const struct ram *r, uint64_t gpa, const void *buf, uint64_t len)
{
	if (!ram_contains(r, gpa, len))
		return -EFAULT;
	return len ? dom_mem_write(r->mem, gpa, buf, len) : 0;
}

/* The P2M spans exactly this RAM, and dom_mem_page answers NULL outside
 * it: no range check of our own on the TLB-miss path. */
void *ram_page(const struct ram *r, uint64_t gpa_page, bool write)
{
	return dom_mem_page(r->mem, gpa_page, write);
}
