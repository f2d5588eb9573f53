/* The trap entry both runtimes share; the includer defines XCAUSE, XEPC,
 * XTVAL and XRET for its mode.  Saves every integer register, calls
 * rt_trap(cause, epc, tval, regs) and resumes at the epc it returns;
 * regs[i] is x<i> (regs[0] unused, regs[2] the interrupted sp). */
	.align 2
	.globl rt_trap_entry
rt_trap_entry:
	addi	sp, sp, -256
	.irp n,1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	sd	x\n, (\n*8)(sp)
	.endr
	addi	t0, sp, 256
	sd	t0, 16(sp)
	csrr	a0, XCAUSE
	csrr	a1, XEPC
	csrr	a2, XTVAL
	mv	a3, sp
	call	rt_trap
	csrw	XEPC, a0
	.irp n,1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld	x\n, (\n*8)(sp)
	.endr
	ld	sp, 16(sp)
	XRET
