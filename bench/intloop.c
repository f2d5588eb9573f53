/* intloop: guest MIPS on a 3-instruction loop.  The instruction count is
 * known exactly, so the runner also checks atoll's minstret against it. */
#include "bench.h"

#ifndef INTLOOP_ITERS
#define INTLOOP_ITERS 3000000000ULL /* ~1.5 s on QEMU here */
#endif

uint64_t intloop_run(uint64_t n);

int main(void)
{
	struct bench_mark a = bench_now();
	uint64_t got = intloop_run(INTLOOP_ITERS);
	struct bench_mark b = bench_now();
	int ok = got == INTLOOP_ITERS;

	/* insns: what the kernel alone retires (see intloop.S). */
	bench_line("intloop", a, b, ok);
	rt_printf(" iters=%lu insns=%lu\n", (unsigned long)INTLOOP_ITERS,
		  (unsigned long)(3 * INTLOOP_ITERS + 4));
	return ok ? 0 : 1;
}
