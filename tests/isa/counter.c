/* Zicntr: cycle, time and instret readable and advancing, time = the CLINT's
 * mtime, mcycle/minstret writable from M, and the mcounteren/scounteren
 * gates for S and U (clear bit -> illegal instruction).  Counter values are
 * timing-dependent, so only relations are printed, never the values. */
#include "lib.h"

static uint64_t rd_cycle(uint64_t a)
{
	return CSRR(cycle);
}

static uint64_t rd_time(uint64_t a)
{
	return CSRR(time);
}

static uint64_t rd_instret(uint64_t a)
{
	return CSRR(instret);
}

static void spin(unsigned n)
{
	__asm__ volatile("1: addi %0, %0, -1\n\tnop\n\tbnez %0, 1b" : "+r"(n));
}

static void test_advance(void)
{
	lib_section("counters advance");
	uint64_t c0 = CSRR(cycle), i0 = CSRR(instret);
	spin(100000);
	uint64_t c1 = CSRR(cycle), i1 = CSRR(instret);
	check("cycle advances", c1 > c0);
	/* QEMU without -icount derives instret from host ticks, so the exact
	 * count is checked in spec.c only. */
	check("instret advances", i1 > i0);
	check("mcycle = cycle", CSRR(mcycle) >= c1);
	check("minstret = instret", CSRR(minstret) >= i1);

	uint64_t m0 = rt_mtime(), t = CSRR(time), m1 = rt_mtime();
	check("time between two mtime reads", m0 <= t && t <= m1);
	unsigned n = 0;
	for (t = CSRR(time); CSRR(time) == t && n < 10000000; n++)
		;
	check("time advances", n < 10000000);

	CSRW(minstret, 1UL << 40);
	uint64_t i = CSRR(instret);
	check("minstret writable", i >= (1UL << 40) && i < (1UL << 40) * 2);
	CSRW(mcycle, 1UL << 41);
	uint64_t c = CSRR(cycle);
	check("mcycle writable", c >= (1UL << 41) && c < (1UL << 41) * 2);
}

/* Read counter `fn` in priv with the given enable masks; 1 if it trapped. */
static int gated(int priv, uint64_t (*fn)(uint64_t), uint64_t m, uint64_t s)
{
	CSRW(mcounteren, m);
	CSRW(scounteren, s);
	trap_arm();
	lib_run(priv, fn, 0);
	int trapped = lib_trap.count == 1 && lib_trap.cause == EXC_ILLEGAL;
	check_eq("   traps", lib_trap.count, trapped ? 1 : 0);
	return trapped;
}

static void test_gates(void)
{
	lib_section("mcounteren/scounteren");
	static const struct {
		const char *name;
		uint64_t (*fn)(uint64_t);
		uint64_t bit;
	} ctr[] = {
		{ "cycle", rd_cycle, 1 },
		{ "time", rd_time, 2 },
		{ "instret", rd_instret, 4 },
	};
	for (unsigned i = 0; i < 3; i++) {
		uint64_t b = ctr[i].bit;
		rt_printf("     %s\n", ctr[i].name);
		check("S, mcounteren clear -> illegal",
		      gated(PRV_S, ctr[i].fn, 0, ~0UL));
		check("S, mcounteren set -> reads",
		      !gated(PRV_S, ctr[i].fn, b, 0));
		check("U, only mcounteren -> illegal",
		      gated(PRV_U, ctr[i].fn, b, 0));
		check("U, only scounteren -> illegal",
		      gated(PRV_U, ctr[i].fn, 0, b));
		check("U, both set -> reads", !gated(PRV_U, ctr[i].fn, b, b));
		check("M ignores the gates", !gated(PRV_M, ctr[i].fn, 0, 0));
	}
	CSRW(mcounteren, 0);
	CSRW(scounteren, 0);
}

int main(void)
{
	lib_start("isa-counter");
	test_advance();
	test_gates();
	return lib_done();
}
