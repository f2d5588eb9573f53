/* Bare-metal start for S-mode programs booted the default way (atoll's own
 * SBI, or QEMU with OpenSBI): a0 = hartid, a1 = device tree.  Hart 0 runs
 * main(); others park.  Traps go through rt_trap() with scause/sepc/stval. */
	.section .text.init, "ax"
	.globl _start
_start:
	bnez	a0, park
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	la	sp, __stack_top
	la	t0, rt_trap_entry
	csrw	stvec, t0
	li	t0, (1 << 13)		/* sstatus.FS = Initial: F/D usable */
	csrs	sstatus, t0
	csrwi	fcsr, 0
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	la	t0, rt_boot_dtb
	sd	a1, 0(t0)
	call	main
	call	rt_exit
park:	wfi
	j	park

#define XCAUSE scause
#define XEPC sepc
#define XTVAL stval
#define XRET sret
#include "trap_entry.S"

	.section .bss
	.align 3
	.globl rt_boot_dtb
rt_boot_dtb:
	.dword 0
