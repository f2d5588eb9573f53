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

/* Save every integer register, call rt_trap(cause, epc, tval, regs), and
 * resume at the epc it returns.  regs[i] is x<i> (regs[0] unused). */
	.align 2
	.globl rt_trap_entry
rt_trap_entry:
	addi	sp, sp, -256
	.irp n,1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	sd	x\n, (\n*8)(sp)
	.endr
	addi	t0, sp, 256
	sd	t0, 16(sp)		/* the interrupted sp */
	csrr	a0, mcause
	csrr	a1, mepc
	csrr	a2, mtval
	mv	a3, sp
	call	rt_trap
	csrw	mepc, a0
	.irp n,1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld	x\n, (\n*8)(sp)
	.endr
	ld	sp, 16(sp)
	mret
