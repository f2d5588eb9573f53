/* Shared by vm.c and vm_perm.c: the paging test built for Sv39
 * (PT_LEVELS = 3) or Sv48 (PT_LEVELS = 4). */
#ifndef ISA_VM_H
#define ISA_VM_H

#include "lib.h"

#ifndef PT_LEVELS
#error "build with -DPT_LEVELS=3 (Sv39) or 4 (Sv48)"
#endif

/* Test mappings live at VA_T and up: level-2 index 128, away from the
 * identity map of the image at 0x80000000 (index 2). */
#define VA_T 0x2000000000UL
#define PAGE 4096UL

enum vm_access { VM_LOAD, VM_STORE, VM_FETCH };

/* Physical test pages (inside the image, so also identity mapped). */
extern uint8_t vm_pages[8][4096];
extern struct pt vm_pt;

/* Put "li a0, 42; ret" at pa. */
void vm_put_code(uint64_t pa);
/* Do `access` at va in privilege priv (S or U) with the extra sstatus
 * bits; returns the value loaded, 42 for a fetch that ran, else 0.  The
 * trap record says whether it faulted. */
uint64_t vm_access(int priv, int access, uint64_t va, uint64_t extra);
/* Expect `access` at va to fault with its page-fault cause, or not. */
void vm_expect(const char *what, int priv, int access, uint64_t va,
	       uint64_t extra, int fault);

void vm_perm_tests(void);

#endif
