/* The tight integer loop: exactly 3 instructions per iteration (add,
 * decrement, branch), so a run of N iterations retires 3*N + 4
 * instructions between the call and the return.  Written in assembly so
 * the count does not depend on the compiler. */
	.text
	.globl	intloop_run
/* uint64_t intloop_run(uint64_t n): returns n (the add counter). */
intloop_run:
	li	a1, 0
1:	addi	a1, a1, 1
	addi	a0, a0, -1
	bnez	a0, 1b
	mv	a0, a1
	ret
