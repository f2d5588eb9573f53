/* Helpers of the memory-hypercall guest tests (S-mode, on atoll): the
 * hypercall itself, checks that print "NAME ok" or "FAIL NAME ...", and an
 * Sv39 address space with a read-only page and an unmapped range, so that
 * bad guest pointers can be passed on purpose. */
#ifndef ATOLL_TESTS_MEM_HCALL_LIB_H
#define ATOLL_TESTS_MEM_HCALL_LIB_H

#include <stdint.h>

#include "atoll/abi/hypercall.h"
#include "atoll/abi/memory.h"

#define HC_RAM_GFN 0x80000ul /* first gfn of guest RAM */
/* Addresses of hc_paging_on's address space (RAM and devices are mapped
 * at their physical addresses). */
#define HC_RO_VA 0xc0000000ul /* hc_ro_page, read-only */
#define HC_UNMAPPED_VA 0x40000000ul /* nothing mapped in this GiB */
#define HC_MMIO_VA 0x10001000ul /* a virtio-mmio window: no RAM */

/* The page seen read-only at HC_RO_VA (writable at its own address). */
extern xen_pfn_t hc_ro_page[512];

/* A hypercall: *sbi_err gets a0 (NULL: must be 0), returns a1. */
long hc_call(long nr, long a0, long a1, long *sbi_err);
static inline long hc_memory_op(long cmd, uint64_t arg)
{
	return hc_call(__HYPERVISOR_memory_op, cmd, (long)arg, 0);
}
/* A reservation operation on the list at `list` (a guest VA). */
long hc_res(long cmd, uint64_t list, uint64_t nr, uint32_t order,
	    uint32_t flags, uint16_t domid);
/* current/maximum reservation, get_target for DOMID_SELF. */
long hc_query(long cmd);
/* Fill list[0..n) with gfn, gfn + stride, ... */
void hc_fill(xen_pfn_t *list, uint64_t n, uint64_t gfn, uint64_t stride);

/* Print "what ok" if got == want, else "FAIL what: got G, want W". */
void hc_check(const char *what, long got, long want);
/* Print the summary; returns the exit code (0 only if every check
 * passed). */
int hc_finish(const char *prog);

/* Switch to Sv39 with the address space described above. */
void hc_paging_on(void);

#endif
