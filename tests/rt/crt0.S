/* Bare-metal start for programs that run with -bios none (M-mode at
 * 0x80000000) on atoll and on QEMU alike.  Hart 0 runs main(); other harts
 * park in WFI.  Traps go through rt_trap(), which tests may override. */
	.section .text.init, "ax"
	.globl _start
_start:
	csrr	t0, mhartid
	bnez	t0, park
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	la	sp, __stack_top
	la	t0, rt_trap_entry
	csrw	mtvec, t0
	li	t0, (1 << 13)		/* mstatus.FS = Initial: F/D usable */
	csrs	mstatus, t0
	csrwi	fcsr, 0
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	call	main
	call	rt_exit
park:	wfi
	j	park

#define XCAUSE mcause
#define XEPC mepc
#define XTVAL mtval
#define XRET mret
#include "trap_entry.S"
