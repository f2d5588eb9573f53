/* Frame numbers of the two address spaces, as distinct types so a guest
 * frame number can never be used as a machine frame number by mistake. */
#ifndef ATOLL_MEM_TYPES_H
#define ATOLL_MEM_TYPES_H

#include <stdint.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE 4096u

/* Guest frame number: guest-physical address >> 12 (RAM starts at gfn
 * 0x80000 on the virt board). */
typedef struct {
	uint64_t v;
} gfn_t;

/* Machine frame number: index of a 4 KiB frame in atoll's pool. */
typedef struct {
	uint32_t v;
} mfn_t;

#define MFN_NONE 0xffffffffu

static inline gfn_t gfn(uint64_t v)
{
	return (gfn_t){ v };
}

static inline mfn_t mfn(uint32_t v)
{
	return (mfn_t){ v };
}

typedef uint16_t domid_t;
#define DOMID_NONE 0 /* owner of a free frame; domains are 1.. */

#endif
