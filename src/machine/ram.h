/* Guest RAM: one contiguous guest-physical range backed by host memory.
 * Kept behind this small interface so the memory-virtualization layer (a
 * per-domain P2M over scattered machine frames) can replace it later. */
#ifndef ATOLL_MACHINE_RAM_H
#define ATOLL_MACHINE_RAM_H

#include <stdbool.h>
#include <stdint.h>

struct ram {
	uint64_t base; /* guest-physical address of the first byte */
	uint64_t size; /* bytes, a multiple of 4 KiB */
	uint8_t *host; /* host mapping, zero-filled, populated on demand */
};

/* Map `size` bytes of zeroed guest RAM at guest-physical `base`.
 * Returns 0 or -errno. */
int ram_init(struct ram *r, uint64_t base, uint64_t size);
void ram_destroy(struct ram *r);

/* True if [gpa, gpa + len) lies entirely inside RAM (len may be 0). */
static inline bool ram_contains(const struct ram *r, uint64_t gpa, uint64_t len)
{
	return gpa >= r->base && gpa - r->base <= r->size &&
	       len <= r->size - (gpa - r->base);
}

/* Host pointer to [gpa, gpa + len), or NULL if that is not all RAM. */
static inline void *ram_ptr(const struct ram *r, uint64_t gpa, uint64_t len)
{
	if (!ram_contains(r, gpa, len))
		return 0;
	return r->host + (gpa - r->base);
}

static inline uint64_t ram_end(const struct ram *r)
{
	return r->base + r->size;
}

#endif
