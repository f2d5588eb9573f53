/* ISA test library: checks that print a transcript, trap capture, running
 * code in S or U mode, and an Sv39/Sv48 page-table builder.
 *
 * A test calls lib_start(), runs checks, and returns lib_done() from main.
 * Every check prints one line ("ok   ..." or "FAIL ..."), so the transcript
 * is the same on atoll and QEMU and the differential harness compares it.
 * Nothing printed may depend on timing. */
#ifndef ISA_LIB_H
#define ISA_LIB_H

#include <stdint.h>

#include "lib_asm.h"
#include "rt.h"

#define PRV_U 0
#define PRV_S 1
#define PRV_M 3

#define MS_SIE (1UL << 1)
#define MS_MIE (1UL << 3)
#define MS_SPIE (1UL << 5)
#define MS_MPIE (1UL << 7)
#define MS_SPP (1UL << 8)
#define MS_MPP_SHIFT 11
#define MS_MPRV (1UL << 17)
#define MS_SUM (1UL << 18)
#define MS_MXR (1UL << 19)
#define MS_TVM (1UL << 20)
#define MS_TW (1UL << 21)
#define MS_TSR (1UL << 22)

#define CAUSE_IRQ (1UL << 63)
#define EXC_INSN_ACCESS 1
#define EXC_ILLEGAL 2
#define EXC_BREAKPOINT 3
#define EXC_LOAD_MISALIGNED 4
#define EXC_LOAD_ACCESS 5
#define EXC_STORE_MISALIGNED 6
#define EXC_STORE_ACCESS 7
#define EXC_ECALL_U 8
#define EXC_ECALL_S 9
#define EXC_ECALL_M 11
#define EXC_INSN_PAGE 12
#define EXC_LOAD_PAGE 13
#define EXC_STORE_PAGE 15

#define IRQ_SSI 1
#define IRQ_MSI 3
#define IRQ_STI 5
#define IRQ_MTI 7
#define IRQ_SEI 9
#define IRQ_MEI 11

#define CLINT_MSIP (RT_CLINT + 0x0)
#define CLINT_MTIMECMP (RT_CLINT + 0x4000)

/* CSR access with a memory clobber, so trap records are re-read after. */
#define CSRR(csr)                                                              \
	({                                                                     \
		unsigned long __v;                                             \
		__asm__ volatile("csrr %0, " #csr : "=r"(__v)::"memory");      \
		__v;                                                           \
	})
#define CSRW(csr, v)                                                           \
	__asm__ volatile("csrw " #csr ", %0" ::"r"((unsigned long)(v))         \
			 : "memory")
#define CSRS(csr, v)                                                           \
	__asm__ volatile("csrs " #csr ", %0" ::"r"((unsigned long)(v))         \
			 : "memory")
#define CSRC(csr, v)                                                           \
	__asm__ volatile("csrc " #csr ", %0" ::"r"((unsigned long)(v))         \
			 : "memory")

/* Single memory accesses of each width (one instruction each). */
#define LIB_LOAD(name, insn, type)                                             \
	static inline uint64_t name(uint64_t a)                                \
	{                                                                      \
		type v;                                                        \
		__asm__ volatile(insn " %0, 0(%1)"                             \
				 : "=r"(v)                                     \
				 : "r"(a)                                      \
				 : "memory");                                  \
		return (uint64_t)v;                                            \
	}
#define LIB_STORE(name, insn)                                                  \
	static inline void name(uint64_t a, uint64_t v)                        \
	{                                                                      \
		__asm__ volatile(insn " %0, 0(%1)" ::"r"(v), "r"(a)            \
				 : "memory");                                  \
	}
LIB_LOAD(ld_b, "lb", int64_t)
LIB_LOAD(ld_bu, "lbu", uint64_t)
LIB_LOAD(ld_h, "lh", int64_t)
LIB_LOAD(ld_hu, "lhu", uint64_t)
LIB_LOAD(ld_w, "lw", int64_t)
LIB_LOAD(ld_wu, "lwu", uint64_t)
LIB_LOAD(ld_d, "ld", uint64_t)
LIB_STORE(st_b, "sb")
LIB_STORE(st_h, "sh")
LIB_STORE(st_w, "sw")
LIB_STORE(st_d, "sd")

static inline void mmio_w32(uint64_t a, uint32_t v)
{
	*(volatile uint32_t *)a = v;
}

static inline void mmio_w64(uint64_t a, uint64_t v)
{
	*(volatile uint64_t *)a = v;
}

static inline void sfence_all(void)
{
	__asm__ volatile("sfence.vma" ::: "memory");
}

static inline void fence_i(void)
{
	__asm__ volatile("fence.i" ::: "memory");
}

/* ---- checks ---- */

/* The library owns mscratch and sscratch (trap stack pointers): a test that
 * writes them must restore them before the next trap. */

/* Install the trap vectors and PMP (all memory for S/U), print a banner. */
void lib_start(const char *name);
/* Print the summary; returns 0 if every check passed, else 1. */
int lib_done(void);
void lib_section(const char *title);
void check(const char *what, int ok);
void check_eq(const char *what, uint64_t got, uint64_t want);

/* ---- traps ---- */

struct lib_trap {
	uint64_t count; /* traps since trap_arm() */
	uint64_t cause, epc, tval;
	uint64_t from; /* privilege the trap came from */
	uint64_t to; /* privilege that took it: PRV_M or PRV_S */
	uint64_t status; /* mstatus (or sstatus) seen by the handler */
};
extern volatile struct lib_trap lib_trap;

/* A hook sees every trap first (to = PRV_M or PRV_S); it returns the pc to
 * resume at, or 0 for the default handling: an armed trap is recorded and
 * then the faulting instruction is skipped (a fetch fault returns to ra, so
 * fetch tests call the bad address as a function); an interrupt is recorded
 * and masked in mie/sie.  An unarmed trap fails the test (exit 99). */
typedef uintptr_t (*lib_hook_t)(uint64_t cause, uint64_t epc, uint64_t tval,
				uint64_t *regs, int to);
extern lib_hook_t lib_hook;

void trap_arm(void);
/* Exactly one trap with this cause and tval, then disarm. */
void check_trap(const char *what, uint64_t cause, uint64_t tval);
/* Same, and it was taken in privilege `to`. */
void check_trap_to(const char *what, uint64_t cause, uint64_t tval, int to);
/* Exactly one trap with this cause; tval neither checked nor printed (for
 * causes where the spec allows several values, e.g. breakpoint). */
void check_cause(const char *what, uint64_t cause);
/* No trap since trap_arm(), then disarm. */
void check_no_trap(const char *what);
/* Record a trap (used by hooks that resume elsewhere). */
void lib_record(uint64_t cause, uint64_t epc, uint64_t tval, int to);
/* Length of the instruction at pc (2 or 4), read with the handler's
 * privilege (code is identity mapped). */
int lib_insn_len(uint64_t pc);

/* ---- privilege ---- */

/* Run fn(arg) in privilege priv with the current satp and return its
 * result.  S code runs on an S stack; U code gets the user page's stack
 * (with paging on, U may only run code in the user page). */
uint64_t lib_run(int priv, uint64_t (*fn)(uint64_t), uint64_t arg);

/* U-mode helpers in the user page (lib_entry.S). */
uint64_t lib_u_ld(uint64_t addr);
uint64_t lib_u_sd(uint64_t addr); /* stores addr at addr */
uint64_t lib_u_ecall(uint64_t a0);
uint64_t lib_u_ret42(uint64_t a0);
extern char lib_user_start[], lib_user_end[];

/* ---- paging ---- */

#define PTE_V (1UL << 0)
#define PTE_R (1UL << 1)
#define PTE_W (1UL << 2)
#define PTE_X (1UL << 3)
#define PTE_U (1UL << 4)
#define PTE_G (1UL << 5)
#define PTE_A (1UL << 6)
#define PTE_D (1UL << 7)
#define PTE_RWX (PTE_R | PTE_W | PTE_X)
#define PTE_AD (PTE_A | PTE_D)

#define SATP_SV39 (8UL << 60)
#define SATP_SV48 (9UL << 60)

struct pt {
	uint64_t *root;
	int levels; /* 3 = Sv39, 4 = Sv48 */
};

/* A zeroed 4 KiB page from the test pool (never freed). */
void *pt_page(void);
/* New table: identity map of the program image (4 KiB pages, RWX, A/D,
 * U only on the user page), the UART and the test device. */
void pt_init(struct pt *pt, int levels);
/* Map va to pa with a leaf at `level` (0 = 4 KiB, 1 = 2 MiB, 2 = 1 GiB,
 * 3 = 512 GiB) and the given flags (PTE_V added).  Returns the PTE. */
uint64_t *pt_map(struct pt *pt, uint64_t va, uint64_t pa, int level,
		 uint64_t flags);
/* The PTE at `level` on va's walk (NULL if a table is missing). */
uint64_t *pt_pte(struct pt *pt, uint64_t va, int level);
uint64_t pt_satp(const struct pt *pt, uint64_t asid);
/* Write satp for pt and sfence.vma. */
void pt_enable(const struct pt *pt);
void pt_disable(void);

#endif
