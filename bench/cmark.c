/* cmark: guest MIPS on a CoreMark-class set of kernels written for atoll
 * (bench/cmark_kern.c: bytecode interpreter, hash table, heap sort,
 * base64 with Fletcher).  The checksum over all rounds is compared with a
 * constant computed once by a native host build of cmark_kern.c (and
 * agreed by QEMU), so a wrong result fails the run. */
#include "bench.h"
#include "cmark.h"

/* The expected checksum belongs to the round count.  Override both
 * together (-DCMARK_ROUNDS=... -DCMARK_EXPECT=...). */
#ifndef CMARK_ROUNDS
#define CMARK_ROUNDS 6000u /* ~0.5 s on QEMU, ~880 M instructions */
#define CMARK_EXPECT 0xf5970da1u
#endif
#ifndef CMARK_EXPECT
#error "CMARK_ROUNDS given without its CMARK_EXPECT"
#endif

int main(void)
{
	uint32_t sum = 0, i;

	struct bench_mark a = bench_now();
	for (i = 0; i < CMARK_ROUNDS; i++)
		sum = cmark_round(i) + (sum << 1 | sum >> 31);
	struct bench_mark b = bench_now();
	int ok = sum == CMARK_EXPECT;

	bench_line("cmark", a, b, ok);
	rt_printf(" rounds=%u sum=%08x expect=%08x\n", CMARK_ROUNDS, sum,
		  CMARK_EXPECT);
	return ok ? 0 : 1;
}
