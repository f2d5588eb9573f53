/* mixed: guest MIPS on compiled C code with the branches, loads and
 * arithmetic of ordinary programs.  The checksum over all rounds is
 * compared with a constant computed once (and cross-checked by compiling
 * mixed_kern.c natively on the host), so a wrong result fails the run. */
#include "bench.h"
#include "mixed.h"

/* The expected checksum belongs to the round count: it was computed by a
 * native host build of mixed_kern.c and agrees with QEMU.  Override both
 * together (-DMIXED_ROUNDS=... -DMIXED_EXPECT=...). */
#ifndef MIXED_ROUNDS
#define MIXED_ROUNDS 12000u /* ~0.5 s on QEMU, ~1.5 s of CPU on atoll */
#define MIXED_EXPECT 0xe7af10b7u
#endif
#ifndef MIXED_EXPECT
#error "MIXED_ROUNDS given without its MIXED_EXPECT"
#endif

int main(void)
{
	uint32_t sum = 0, i;

	struct bench_mark a = bench_now();
	for (i = 0; i < MIXED_ROUNDS; i++)
		sum = mixed_round(i) + (sum << 1 | sum >> 31);
	struct bench_mark b = bench_now();
	int ok = sum == MIXED_EXPECT;

	bench_line("mixed", a, b, ok);
	rt_printf(" rounds=%u sum=%08x expect=%08x\n", MIXED_ROUNDS, sum,
		  MIXED_EXPECT);
	return ok ? 0 : 1;
}
