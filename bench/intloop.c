/* intloop: guest MIPS on a 3-instruction loop.  The instruction count is
 * known exactly, so the runner also checks atoll's minstret against it. */
#include "bench.h"

#ifndef INTLOOP_ITERS
/* ~0.5 s on QEMU, ~2.5 s of CPU on atoll: enough for CPU-time figures
 * (bench/run.sh), short enough for 5-9 pairs on a loaded machine. */
#define INTLOOP_ITERS 1000000000ULL
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
