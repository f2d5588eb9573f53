/* atoll-os entry points: boot, the trap vector with its return path, the
 * thread switch and the tiny U-mode program that proves user mappings. */
#include "frame.h"

	.section .text.init
	.globl _start
_start:
	/* First hart to arrive boots; the others park (OpenSBI starts only
	 * one, atoll's SBI starts hart 0 alone). */
	la t0, boot_lottery
	li t1, 1
	amoswap.w t1, t1, (t0)
	bnez t1, park
	.option push
	.option norelax
	la gp, __global_pointer$
	.option pop
	la sp, boot_stack_top
	la t0, __bss_start
	la t1, __bss_end
1:	bgeu t0, t1, 2f
	sd zero, 0(t0)
	addi t0, t0, 8
	j 1b
2:	call kmain
park:
	wfi
	j park

	.text
	/* Trap vector.  sscratch is 0 in the kernel and the thread's kernel
	 * stack top in U-mode, so the swap tells where we came from. */
	.align 4
	.globl trap_entry
trap_entry:
	csrrw sp, sscratch, sp
	bnez sp, 1f
	csrrw sp, sscratch, sp
1:	addi sp, sp, -FRAME_SIZE
	sd x1, 8(sp)
	sd x3, 24(sp)
	sd x4, 32(sp)
	sd x5, 40(sp)
	sd x6, 48(sp)
	sd x7, 56(sp)
	sd x8, 64(sp)
	sd x9, 72(sp)
	sd x10, 80(sp)
	sd x11, 88(sp)
	sd x12, 96(sp)
	sd x13, 104(sp)
	sd x14, 112(sp)
	sd x15, 120(sp)
	sd x16, 128(sp)
	sd x17, 136(sp)
	sd x18, 144(sp)
	sd x19, 152(sp)
	sd x20, 160(sp)
	sd x21, 168(sp)
	sd x22, 176(sp)
	sd x23, 184(sp)
	sd x24, 192(sp)
	sd x25, 200(sp)
	sd x26, 208(sp)
	sd x27, 216(sp)
	sd x28, 224(sp)
	sd x29, 232(sp)
	sd x30, 240(sp)
	sd x31, 248(sp)
	csrr t0, sscratch
	bnez t0, 2f
	addi t0, sp, FRAME_SIZE
2:	sd t0, 16(sp)
	csrw sscratch, zero
	csrr t0, sepc
	sd t0, FRAME_SEPC(sp)
	csrr t0, sstatus
	sd t0, FRAME_SSTATUS(sp)
	csrr t0, scause
	sd t0, FRAME_SCAUSE(sp)
	csrr t0, stval
	sd t0, FRAME_STVAL(sp)
	/* FP state too: a preempted thread may be in the middle of FP work. */
	.irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fsd f\n, (FRAME_F + 8 * \n)(sp)
	.endr
	frcsr t0
	sd t0, FRAME_FCSR(sp)
	.option push
	.option norelax
	la gp, __global_pointer$
	.option pop
	mv a0, sp
	call trap_handle

	/* sp = a frame; resume what it describes. */
	.globl trap_return
trap_return:
	ld t0, FRAME_SSTATUS(sp)
	csrw sstatus, t0
	andi t1, t0, 0x100
	bnez t1, 3f
	addi t1, sp, FRAME_SIZE
	csrw sscratch, t1
3:	ld t0, FRAME_SEPC(sp)
	csrw sepc, t0
	ld t0, FRAME_FCSR(sp)
	fscsr t0
	.irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	fld f\n, (FRAME_F + 8 * \n)(sp)
	.endr
	ld x1, 8(sp)
	ld x3, 24(sp)
	ld x4, 32(sp)
	ld x5, 40(sp)
	ld x6, 48(sp)
	ld x7, 56(sp)
	ld x8, 64(sp)
	ld x9, 72(sp)
	ld x10, 80(sp)
	ld x11, 88(sp)
	ld x12, 96(sp)
	ld x13, 104(sp)
	ld x14, 112(sp)
	ld x15, 120(sp)
	ld x16, 128(sp)
	ld x17, 136(sp)
	ld x18, 144(sp)
	ld x19, 152(sp)
	ld x20, 160(sp)
	ld x21, 168(sp)
	ld x22, 176(sp)
	ld x23, 184(sp)
	ld x24, 192(sp)
	ld x25, 200(sp)
	ld x26, 208(sp)
	ld x27, 216(sp)
	ld x28, 224(sp)
	ld x29, 232(sp)
	ld x30, 240(sp)
	ld x31, 248(sp)
	ld sp, 16(sp)
	sret

	/* trap_enter(frame): start executing a frame built by hand (a user
	 * thread's first entry to U-mode). */
	.globl trap_enter
trap_enter:
	mv sp, a0
	j trap_return

	/* ctx_switch(old, new): save the callee-saved state in old, load new. */
	.globl ctx_switch
ctx_switch:
	sd ra, 0(a0)
	sd sp, 8(a0)
	.irp n,0,1,2,3,4,5,6,7,8,9,10,11
	sd s\n, (16 + 8 * \n)(a0)
	fsd fs\n, (112 + 8 * \n)(a0)
	.endr
	ld ra, 0(a1)
	ld sp, 8(a1)
	.irp n,0,1,2,3,4,5,6,7,8,9,10,11
	ld s\n, (16 + 8 * \n)(a1)
	fld fs\n, (112 + 8 * \n)(a1)
	.endr
	ret

	/* A new thread's first code: s0 = function, s1 = its argument. */
	.globl thread_trampoline
thread_trampoline:
	csrsi sstatus, 2
	mv a0, s1
	jalr s0
	call thread_exit

	/* The U-mode program (copied to a user page): sums 1..USER_SUM_N
	 * through its stack (long enough for the tick to preempt it), says
	 * hello, exits with the sum. */
	.align 4
	.globl user_prog, user_prog_end
user_prog:
	li a0, 0
	li t0, 1
	li t1, USER_SUM_N + 1
1:	add a0, a0, t0
	sd a0, -8(sp)
	ld a0, -8(sp)
	addi t0, t0, 1
	blt t0, t1, 1b
	mv s0, a0
	li a7, 2
	ecall
	mv a0, s0
	li a7, 1
	ecall
2:	j 2b
user_prog_end:

	.data
	.align 2
boot_lottery:
	.word 0
	.bss
	.align 12
	.space 16384
boot_stack_top:
