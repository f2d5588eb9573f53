/* Guest RAM backed by one anonymous host mapping. */
#include <errno.h>
#include <sys/mman.h>

#include "machine/ram.h"

/* MAP_NORESERVE: a 64 GiB guest costs nothing until it touches pages. */
int ram_init(struct ram *r, uint64_t base, uint64_t size)
{
	void *p;

	if (size == 0 || (size & 0xfff) || base + size < base)
		return -EINVAL;
	p = mmap(0, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	r->base = base;
	r->size = size;
	r->host = p;
	return 0;
}

void ram_destroy(struct ram *r)
{
	if (r->host)
		munmap(r->host, r->size);
	r->host = 0;
	r->size = 0;
}
