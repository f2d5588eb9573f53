/* tlbmiss helpers: the S-mode access loop and an M-mode call gate that
 * runs a function in S-mode and comes back when it returns. */
	.text

/* uint64_t tlb_touch(uint64_t base, uint64_t count, uint64_t stride,
 *		      uint64_t mask)  -- runs in S-mode.
 * Loads the doubleword at base + off `count` times, off advancing by
 * `stride` modulo mask + 1; returns the sum of the values loaded.  Both the
 * miss loop and its control use this code: only stride and mask differ, so
 * they retire the same 7 instructions per access. */
	.globl	tlb_touch
	.balign	4
tlb_touch:
	li	a4, 0
	li	a5, 0
1:	add	t0, a0, a4
	ld	t1, 0(t0)
	add	a5, a5, t1
	add	a4, a4, a2
	and	a4, a4, a3
	addi	a1, a1, -1
	bnez	a1, 1b
	mv	a0, a5
	ret

/* uint64_t smode_call(void *fn, uint64_t a, uint64_t b, uint64_t c,
 *		       uint64_t d)  -- called in M-mode.
 * Enters fn(a, b, c, d) in S-mode through mret; fn returns to an ecall,
 * which traps back here.  Returns fn's result; smode_cause holds the mcause
 * that ended the call (9 = ecall from S; anything else is a fault and the
 * result is meaningless).  Single hart, interrupts off. */
	.globl	smode_call
smode_call:
	addi	sp, sp, -112
	sd	ra, 0(sp)
	sd	s0, 8(sp)
	sd	s1, 16(sp)
	sd	s2, 24(sp)
	sd	s3, 32(sp)
	sd	s4, 40(sp)
	sd	s5, 48(sp)
	sd	s6, 56(sp)
	sd	s7, 64(sp)
	sd	s8, 72(sp)
	sd	s9, 80(sp)
	sd	s10, 88(sp)
	sd	s11, 96(sp)
	la	t0, smode_saved_sp
	sd	sp, 0(t0)
	csrr	t1, mtvec
	sd	t1, 8(t0)
	la	t1, smode_back
	csrw	mtvec, t1
	csrw	mepc, a0
	li	t1, 3 << 11		/* mstatus.MPP = S */
	csrc	mstatus, t1
	li	t1, 1 << 11
	csrs	mstatus, t1
	mv	a0, a1
	mv	a1, a2
	mv	a2, a3
	mv	a3, a4
	la	ra, smode_exit
	mret

/* S-mode: fn returns here. */
smode_exit:
	ecall
	j	smode_exit

/* M-mode trap vector while fn runs. */
	.balign	4
smode_back:
	la	t0, smode_saved_sp
	ld	sp, 0(t0)
	ld	t1, 8(t0)
	csrw	mtvec, t1
	csrr	t1, mcause
	la	t0, smode_cause
	sd	t1, 0(t0)
	ld	ra, 0(sp)
	ld	s0, 8(sp)
	ld	s1, 16(sp)
	ld	s2, 24(sp)
	ld	s3, 32(sp)
	ld	s4, 40(sp)
	ld	s5, 48(sp)
	ld	s6, 56(sp)
	ld	s7, 64(sp)
	ld	s8, 72(sp)
	ld	s9, 80(sp)
	ld	s10, 88(sp)
	ld	s11, 96(sp)
	addi	sp, sp, 112
	ret

	.bss
	.balign	8
smode_saved_sp:
	.dword	0	/* sp of smode_call's frame */
	.dword	0	/* mtvec to restore */
	.globl	smode_cause
smode_cause:
	.dword	0
