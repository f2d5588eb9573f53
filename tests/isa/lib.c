/* ISA test library, C half: check reporting, trap recording and the
 * default trap policy for M and S mode, and lib_run(). */
#include "lib.h"

volatile struct lib_trap lib_trap;
lib_hook_t lib_hook;

static const char *lib_name;
static unsigned lib_checks, lib_fails;
static volatile int lib_armed;

/* Trap stacks, and the stack S-mode code run by lib_run() uses. */
static uint8_t lib_mstack[8192] __attribute__((aligned(16)));
static uint8_t lib_sstack[8192] __attribute__((aligned(16)));
static uint8_t lib_srun_stack[16384] __attribute__((aligned(16)));

void lib_mtrap_entry(void);
void lib_strap_entry(void);
void lib_mresume(void);
void lib_s_exit(void);
void lib_u_exit(void);
extern char lib_user_stack_top[];
uint64_t lib_enter(uint64_t fn, uint64_t arg, uint64_t mpp, uint64_t sp,
		   uint64_t ra);

void lib_start(const char *name)
{
	lib_name = name;
	CSRW(mscratch, (uintptr_t)(lib_mstack + sizeof(lib_mstack)));
	CSRW(mtvec, (uintptr_t)lib_mtrap_entry);
	CSRW(sscratch, (uintptr_t)(lib_sstack + sizeof(lib_sstack)));
	CSRW(stvec, (uintptr_t)lib_strap_entry);
	/* One NAPOT region over all addresses, RWX: S and U may access
	 * everything (QEMU denies S/U when no PMP entry matches). */
	CSRW(pmpaddr0, ~0UL);
	CSRW(pmpcfg0, 0x1f);
	rt_printf("== %s\n", name);
}

int lib_done(void)
{
	if (lib_fails)
		rt_printf("%s: %u of %u checks FAILED\n", lib_name, lib_fails,
			  lib_checks);
	else
		rt_printf("%s: all %u checks passed\n", lib_name, lib_checks);
	return lib_fails ? 1 : 0;
}

void lib_section(const char *title)
{
	rt_printf("-- %s\n", title);
}

void check(const char *what, int ok)
{
	lib_checks++;
	if (!ok)
		lib_fails++;
	rt_printf("%s %s\n", ok ? "ok  " : "FAIL", what);
}

void check_eq(const char *what, uint64_t got, uint64_t want)
{
	lib_checks++;
	if (got == want) {
		rt_printf("ok   %s = 0x%lx\n", what, got);
		return;
	}
	lib_fails++;
	rt_printf("FAIL %s = 0x%lx, want 0x%lx\n", what, got, want);
}

void trap_arm(void)
{
	lib_trap.count = 0;
	lib_trap.cause = lib_trap.epc = lib_trap.tval = 0;
	lib_armed = 1;
	__asm__ volatile("" ::: "memory");
}

void check_trap_to(const char *what, uint64_t cause, uint64_t tval, int to)
{
	lib_armed = 0;
	lib_checks++;
	int ok = lib_trap.count == 1 && lib_trap.cause == cause &&
		 lib_trap.tval == tval &&
		 (to < 0 || lib_trap.to == (unsigned)to);
	if (ok) {
		rt_printf("ok   %s: cause %lx tval 0x%lx\n", what, cause, tval);
		return;
	}
	lib_fails++;
	if (lib_trap.count == 0) {
		rt_printf("FAIL %s: no trap, want cause %lx\n", what, cause);
		return;
	}
	rt_printf("FAIL %s: %lu trap(s), cause %lx tval 0x%lx in %lu; want "
		  "cause %lx tval 0x%lx in %d\n",
		  what, lib_trap.count, lib_trap.cause, lib_trap.tval,
		  lib_trap.to, cause, tval, to);
}

void check_trap(const char *what, uint64_t cause, uint64_t tval)
{
	check_trap_to(what, cause, tval, -1);
}

void check_cause(const char *what, uint64_t cause)
{
	lib_armed = 0;
	lib_checks++;
	if (lib_trap.count == 1 && lib_trap.cause == cause) {
		rt_printf("ok   %s: cause %lx\n", what, cause);
		return;
	}
	lib_fails++;
	rt_printf("FAIL %s: %lu trap(s), cause %lx; want one, cause %lx\n",
		  what, lib_trap.count, lib_trap.cause, cause);
}

void check_no_trap(const char *what)
{
	lib_armed = 0;
	lib_checks++;
	if (lib_trap.count == 0) {
		rt_printf("ok   %s: no trap\n", what);
		return;
	}
	lib_fails++;
	rt_printf("FAIL %s: trap cause %lx tval 0x%lx\n", what, lib_trap.cause,
		  lib_trap.tval);
}

void lib_record(uint64_t cause, uint64_t epc, uint64_t tval, int to)
{
	uint64_t st = to == PRV_M ? CSRR(mstatus) : CSRR(sstatus);
	lib_trap.count++;
	lib_trap.cause = cause;
	lib_trap.epc = epc;
	lib_trap.tval = tval;
	lib_trap.to = to;
	lib_trap.status = st;
	if (to == PRV_M)
		lib_trap.from = (st >> MS_MPP_SHIFT) & 3;
	else
		lib_trap.from = (st & MS_SPP) ? PRV_S : PRV_U;
}

int lib_insn_len(uint64_t pc)
{
	uint16_t lo = *(volatile uint16_t *)pc;
	return (lo & 3) == 3 ? 4 : 2;
}

/* Default policy for a trap taken in `to` (see lib.h). */
static uintptr_t lib_handle(uint64_t cause, uint64_t epc, uint64_t tval,
			    uint64_t *regs, int to)
{
	if (lib_hook) {
		uintptr_t pc = lib_hook(cause, epc, tval, regs, to);
		if (pc)
			return pc;
	}
	if (!lib_armed) {
		rt_printf("FAIL unexpected trap in %s-mode: cause %lx epc %lx "
			  "tval %lx\n",
			  to == PRV_M ? "M" : "S", cause, epc, tval);
		rt_exit(99);
	}
	lib_record(cause, epc, tval, to);
	if (cause & CAUSE_IRQ) {
		uint64_t bit = 1UL << (cause & 63);
		if (to == PRV_M)
			CSRC(mie, bit);
		else
			CSRC(sie, bit);
		return epc;
	}
	if (cause == 0 || cause == EXC_INSN_ACCESS || cause == EXC_INSN_PAGE)
		return regs[1];
	return epc + lib_insn_len(epc);
}

/* M-mode traps (called by lib_mtrap_entry). */
uintptr_t rt_trap(uintptr_t cause, uintptr_t epc, uintptr_t tval,
		  uint64_t *regs)
{
	uint64_t ecalls = (1UL << EXC_ECALL_U) | (1UL << EXC_ECALL_S) |
			  (1UL << EXC_ECALL_M);
	if (!(cause & CAUSE_IRQ) && cause < 64 && ((ecalls >> cause) & 1) &&
	    regs[17] == LIB_EXIT_MAGIC) {
		/* A function run by lib_run() returned: back to M-mode in
		 * lib_mresume, a0 (regs[10]) is its result. */
		CSRS(mstatus, MSTATUS_MPP);
		return (uintptr_t)lib_mresume;
	}
	return lib_handle(cause, epc, tval, regs, PRV_M);
}

/* S-mode traps (called by lib_strap_entry). */
uintptr_t lib_strap(uint64_t cause, uint64_t epc, uint64_t tval, uint64_t *regs)
{
	if (cause == EXC_ECALL_U && regs[17] == LIB_EXIT_MAGIC) {
		/* Delegated exit ecall from U: pass it on to M. */
		register uint64_t a0 __asm__("a0") = regs[10];
		register uint64_t a7 __asm__("a7") = LIB_EXIT_MAGIC;
		__asm__ volatile("ecall" ::"r"(a0), "r"(a7) : "memory");
	}
	/* The faulting instruction may sit on the user page. */
	uint64_t sum = CSRR(sstatus) & MS_SUM;
	CSRS(sstatus, MS_SUM);
	uintptr_t pc = lib_handle(cause, epc, tval, regs, PRV_S);
	if (!sum)
		CSRC(sstatus, MS_SUM);
	return pc;
}

uint64_t lib_run(int priv, uint64_t (*fn)(uint64_t), uint64_t arg)
{
	uint64_t sp, ra;
	if (priv == PRV_M)
		return fn(arg);
	if (priv == PRV_U) {
		sp = (uintptr_t)lib_user_stack_top;
		ra = (uintptr_t)lib_u_exit;
	} else {
		sp = (uintptr_t)(lib_srun_stack + sizeof(lib_srun_stack));
		ra = (uintptr_t)lib_s_exit;
	}
	return lib_enter((uintptr_t)fn, arg, (uint64_t)priv << MS_MPP_SHIFT, sp,
			 ra);
}
