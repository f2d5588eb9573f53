/* ISA test library, assembly half: trap vectors for M and S mode that run
 * on their own stacks (so a trap from any mode, with any sp, is safe), and
 * the switch into a lower privilege and back (lib_run).
 *
 * Both vectors save x1..x31 into a 256-byte frame (regs[n] = x<n>), call a C
 * handler (cause, epc, tval, regs) that returns the pc to resume at, restore
 * the registers from the frame (the handler may edit them) and xRET. */
#include "lib_asm.h"

	.macro SAVE_REGS
	.irp n,1,3,4,5,6,7,8,9,10,11,12,13,14,15
	sd	x\n, (\n*8)(sp)
	.endr
	.irp n,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	sd	x\n, (\n*8)(sp)
	.endr
	.endm

	.macro LOAD_REGS
	.irp n,1,3,4,5,6,7,8,9,10,11,12,13,14,15
	ld	x\n, (\n*8)(sp)
	.endr
	.irp n,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld	x\n, (\n*8)(sp)
	.endr
	.endm

	.text
/* M-mode vector.  mscratch holds the top of the M trap stack. */
	.align 4
	.globl lib_mtrap_entry
lib_mtrap_entry:
	csrrw	sp, mscratch, sp
	addi	sp, sp, -256
	SAVE_REGS
	csrr	t0, mscratch
	sd	t0, 16(sp)		/* the interrupted sp */
	addi	t0, sp, 256
	csrw	mscratch, t0
	csrr	a0, mcause
	csrr	a1, mepc
	csrr	a2, mtval
	mv	a3, sp
	call	rt_trap
	csrw	mepc, a0
	LOAD_REGS
	ld	sp, 16(sp)
	mret

/* S-mode vector.  sscratch holds the top of the S trap stack. */
	.align 4
	.globl lib_strap_entry
lib_strap_entry:
	csrrw	sp, sscratch, sp
	addi	sp, sp, -256
	SAVE_REGS
	csrr	t0, sscratch
	sd	t0, 16(sp)
	addi	t0, sp, 256
	csrw	sscratch, t0
	csrr	a0, scause
	csrr	a1, sepc
	csrr	a2, stval
	mv	a3, sp
	call	lib_strap
	csrw	sepc, a0
	LOAD_REGS
	ld	sp, 16(sp)
	sret

/* uint64_t lib_enter(fn, arg, mstatus_mpp, sp, ra): save the M-mode callee-
 * saved state, then mret into fn(arg) at privilege MPP with the given stack
 * and return address.  The lower mode comes back with an ecall carrying
 * LIB_EXIT_MAGIC in a7; the M handler then resumes at lib_mresume, which
 * returns fn's a0 from here. */
	.globl lib_enter
lib_enter:
	la	t0, lib_mctx
	sd	ra, 0(t0)
	sd	sp, 8(t0)
	sd	gp, 16(t0)
	sd	tp, 24(t0)
	sd	s0, 32(t0)
	sd	s1, 40(t0)
	sd	s2, 48(t0)
	sd	s3, 56(t0)
	sd	s4, 64(t0)
	sd	s5, 72(t0)
	sd	s6, 80(t0)
	sd	s7, 88(t0)
	sd	s8, 96(t0)
	sd	s9, 104(t0)
	sd	s10, 112(t0)
	sd	s11, 120(t0)
	csrw	mepc, a0
	li	t1, MSTATUS_MPP
	csrc	mstatus, t1
	csrs	mstatus, a2
	mv	sp, a3
	mv	ra, a4
	mv	a0, a1
	mret

	.globl lib_mresume
lib_mresume:
	la	t0, lib_mctx
	ld	ra, 0(t0)
	ld	sp, 8(t0)
	ld	gp, 16(t0)
	ld	tp, 24(t0)
	ld	s0, 32(t0)
	ld	s1, 40(t0)
	ld	s2, 48(t0)
	ld	s3, 56(t0)
	ld	s4, 64(t0)
	ld	s5, 72(t0)
	ld	s6, 80(t0)
	ld	s7, 88(t0)
	ld	s8, 96(t0)
	ld	s9, 104(t0)
	ld	s10, 112(t0)
	ld	s11, 120(t0)
	ret

/* Return address of S-mode functions run by lib_run. */
	.globl lib_s_exit
lib_s_exit:
	li	a7, LIB_EXIT_MAGIC
	ecall
1:	j	1b

	.bss
	.align 3
lib_mctx:
	.space 16 * 8

/* The user page: code and stack that U-mode may use with paging on.  The
 * page-table builder maps [lib_user_start, lib_user_end) with the U bit. */
	.section .text.user, "ax"
	.balign 4096
	.globl lib_user_start
lib_user_start:
	.globl lib_u_exit
lib_u_exit:
	li	a7, LIB_EXIT_MAGIC
	ecall
1:	j	1b

/* Small U-mode helpers: no stack, no absolute addresses. */
	.globl lib_u_ld
lib_u_ld:
	ld	a0, 0(a0)
	ret
	.globl lib_u_sd
lib_u_sd:
	sd	a0, 0(a0)	/* stores its own address */
	ret
	.globl lib_u_ecall
lib_u_ecall:
	ecall
	ret
	.globl lib_u_ret42
lib_u_ret42:
	li	a0, 42
	ret
	.balign 4096
	.globl lib_user_stack_top
	.space 4096 - 16
lib_user_stack_top:
	.space 16
	.globl lib_user_end
lib_user_end:
