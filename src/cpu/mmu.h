/* Address translation (Sv39, Sv48, Bare) and the slow paths of memory access.
 * Fast paths are tlb_load()/tlb_store() in tlb.h; everything here runs on a
 * TLB miss: walk the guest page table (reading guest-physical memory through
 * bus->ram_page), check permissions, set A/D, fill the TLB, or raise the
 * access's exception by returning its cause. */
#ifndef ATOLL_CPU_MMU_H
#define ATOLL_CPU_MMU_H

#include <stdint.h>

#include "cpu/hart.h"

enum mmu_access { MMU_LOAD = 0, MMU_STORE = 1, MMU_FETCH = 2 };

/* Load of 1/2/4/8 bytes (zero-extended into *val), store, from/to va with the
 * data privilege (MPRV honoured).  Misaligned accesses are performed (as QEMU
 * does), also across pages.  MMIO goes to the bus.  Returns 0, or the
 * exception cause (enum exc) with h->... untouched: the caller raises it with
 * tval = va.  A store to a page that has pre-decoded code invalidates that
 * code (the caller must then leave the dispatch loop: see mmu_store). */
int mmu_load(struct hart *h, uint64_t va, unsigned size, uint64_t *val);
int mmu_store(struct hart *h, uint64_t va, unsigned size, uint64_t val);

/* Host pointer for an atomic access (LR/SC/AMO) of `size` bytes at va; needs
 * write permission (store/AMO faults) unless `is_lr`.  Misaligned ->
 * EXC_LOAD_MISALIGNED for LR, EXC_STORE_MISALIGNED otherwise; MMIO ->
 * access fault.  Returns 0 or the cause. */
int mmu_atomic_ptr(struct hart *h, uint64_t va, unsigned size, int is_lr,
		   void **host);

/* Host pointer for host-side copies (guest_copy.h) at va, valid up to the
 * end of va's page, with the data privilege and the permission of a load or
 * (store != 0) a store.  Returns 0, the exception cause (MMIO gives the
 * access fault), or EXC_RETRY: call the bus's mem_wait and try again. */
int mmu_host_ptr(struct hart *h, uint64_t va, int store, void **host);

/* Instruction fetch: fill (or find) the fetch TLB entry for va's page.
 * Returns 0 with *e set, or EXC_INSN_PAGE / EXC_INSN_ACCESS. */
int mmu_fetch(struct hart *h, uint64_t va, struct tlb_entry **e);

/* Read `len` instruction bytes at va (may straddle pages) for the decoder's
 * page-crossing case.  Returns 0 or the fetch exception cause; *fault_va is
 * the address that faulted. */
int mmu_fetch_bytes(struct hart *h, uint64_t va, void *buf, unsigned len,
		    uint64_t *fault_va);

/* Recompute h->ctx_fetch/ctx_data from priv, mstatus (MPRV, MPP, SUM, MXR)
 * and satp.  Call after any change to those. */
void mmu_update_ctx(struct hart *h);

/* True if satp value v names a mode this hart supports (Bare, Sv39, Sv48). */
int mmu_satp_mode_ok(uint64_t v);

#endif
