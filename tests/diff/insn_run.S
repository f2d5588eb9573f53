/* void insn_run(uint64_t regs[32], const void *code, void *mem)
 * Load the generated block's registers from regs[] (x5-x8, x10-x31), point
 * x9 at mem, call code, and store x5-x31 back.  x1-x4 belong to the
 * harness; the block ends in `ret` and never writes x9. */
	.text
	.globl insn_run
insn_run:
	addi	sp, sp, -48
	sd	ra, 0(sp)
	sd	s0, 8(sp)
	sd	s1, 16(sp)
	sd	a0, 24(sp)
	la	t0, insn_target
	sd	a1, 0(t0)
	mv	s1, a2
	/* s2-s11 are callee-saved: keep them in the save area. */
	la	t0, insn_saved
	.irp n,18,19,20,21,22,23,24,25,26,27
	sd	x\n, ((\n - 18) * 8)(t0)
	.endr
	mv	ra, a0
	.irp n,5,6,7,8,10,11,12,13,14,15,16,17
	ld	x\n, (\n * 8)(ra)
	.endr
	.irp n,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld	x\n, (\n * 8)(ra)
	.endr
	la	ra, insn_target
	ld	ra, 0(ra)
	jalr	ra, 0(ra)
	ld	ra, 24(sp)
	.irp n,5,6,7,8,9,10,11,12,13,14,15,16,17
	sd	x\n, (\n * 8)(ra)
	.endr
	.irp n,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	sd	x\n, (\n * 8)(ra)
	.endr
	la	t0, insn_saved
	.irp n,18,19,20,21,22,23,24,25,26,27
	ld	x\n, ((\n - 18) * 8)(t0)
	.endr
	ld	ra, 0(sp)
	ld	s0, 8(sp)
	ld	s1, 16(sp)
	addi	sp, sp, 48
	ret

	.bss
	.align 3
insn_target:
	.space 8
insn_saved:
	.space 10 * 8
