/* A extension: every AMO in W and D width (old value returned, W results
 * sign-extended, W ops touch only their 4 bytes, signed vs unsigned min/max),
 * rd = x0, aq/rl encodings, and LR/SC: success, and the failure cases
 * (no reservation, other address, reservation consumed by an SC, a store
 * that changed the reserved word). */
#include "lib.h"

static volatile uint64_t mem[4] __attribute__((aligned(16)));

/* One AMO on mem[0] preset to `init` with operand `op`; *after = memory. */
#define AMO(insn, init, op, after)                                             \
	({                                                                     \
		uint64_t _r;                                                   \
		mem[0] = (init);                                               \
		mem[1] = 0x5a5a5a5a5a5a5a5aUL;                                 \
		__asm__ volatile(insn " %0, %1, (%2)"                          \
				 : "=&r"(_r)                                   \
				 : "r"((uint64_t)(op)), "r"(&mem[0])           \
				 : "memory");                                  \
		*(after) = mem[0];                                             \
		_r;                                                            \
	})

static void check_amo(const char *name, uint64_t ret, uint64_t after,
		      uint64_t want_ret, uint64_t want_mem)
{
	char buf[64];
	unsigned n = 0;
	for (const char *s = name; *s && n < 40; s++)
		buf[n++] = *s;
	memcpy(buf + n, " old", 5);
	check_eq(buf, ret, want_ret);
	memcpy(buf + n, " mem", 5);
	check_eq(buf, after, want_mem);
}

static void test_amo_w(void)
{
	lib_section("AMO .W");
	uint64_t m, r;
	const uint64_t hi = 0x1111111100000000UL; /* untouched upper word */
	r = AMO("amoswap.w", hi | 0x80000000UL, 0x12345678, &m);
	check_amo("amoswap.w", r, m, 0xffffffff80000000UL, hi | 0x12345678);
	r = AMO("amoadd.w", hi | 0xffffffffUL, 2, &m);
	check_amo("amoadd.w wraps in 32", r, m, 0xffffffffffffffffUL, hi | 1);
	r = AMO("amoand.w", hi | 0xf0f0f0f0UL, 0xff00ff00UL, &m);
	check_amo("amoand.w", r, m, 0xfffffffff0f0f0f0UL, hi | 0xf000f000UL);
	r = AMO("amoor.w", hi | 0x0000f0f0UL, 0x0f000000UL, &m);
	check_amo("amoor.w", r, m, 0xf0f0, hi | 0x0f00f0f0UL);
	r = AMO("amoxor.w", hi | 0xffff0000UL, 0xff00ff00UL, &m);
	check_amo("amoxor.w", r, m, 0xffffffffffff0000UL, hi | 0x00ffff00UL);
	r = AMO("amomax.w", hi | 0xfffffffeUL, 1, &m);
	check_amo("amomax.w signed", r, m, 0xfffffffffffffffeUL, hi | 1);
	r = AMO("amomin.w", hi | 0x7fffffffUL, 0x80000000UL, &m);
	check_amo("amomin.w signed", r, m, 0x7fffffff, hi | 0x80000000UL);
	r = AMO("amomaxu.w", hi | 1, 0xfffffffeUL, &m);
	check_amo("amomaxu.w", r, m, 1, hi | 0xfffffffeUL);
	r = AMO("amominu.w", hi | 0x80000000UL, 0x7fffffffUL, &m);
	check_amo("amominu.w", r, m, 0xffffffff80000000UL, hi | 0x7fffffffUL);
	r = AMO("amomax.w", hi | 5, 0xffffffff00000003UL, &m);
	check_amo("amomax.w ignores rs2 high", r, m, 5, hi | 5);
}

static void test_amo_d(void)
{
	lib_section("AMO .D");
	uint64_t m, r;
	r = AMO("amoswap.d", 0x8000000000000000UL, 7, &m);
	check_amo("amoswap.d", r, m, 0x8000000000000000UL, 7);
	r = AMO("amoadd.d", 0xffffffffffffffffUL, 2, &m);
	check_amo("amoadd.d", r, m, 0xffffffffffffffffUL, 1);
	r = AMO("amoand.d", 0xff00ff00ff00ff00UL, 0x0ff00ff00ff00ff0UL, &m);
	check_amo("amoand.d", r, m, 0xff00ff00ff00ff00UL, 0x0f000f000f000f00UL);
	r = AMO("amoor.d", 0xff00000000000000UL, 0xffUL, &m);
	check_amo("amoor.d", r, m, 0xff00000000000000UL, 0xff000000000000ffUL);
	r = AMO("amoxor.d", 0xffffffffffffffffUL, 0x0f0f0f0f0f0f0f0fUL, &m);
	check_amo("amoxor.d", r, m, 0xffffffffffffffffUL, 0xf0f0f0f0f0f0f0f0UL);
	r = AMO("amomax.d", 0x8000000000000000UL, 0x7fffffffffffffffUL, &m);
	check_amo("amomax.d", r, m, 0x8000000000000000UL, 0x7fffffffffffffffUL);
	r = AMO("amomin.d", 0xffffffffffffffffUL, 0, &m);
	check_amo("amomin.d", r, m, 0xffffffffffffffffUL, 0xffffffffffffffffUL);
	r = AMO("amomaxu.d", 0x8000000000000000UL, 0x7fffffffffffffffUL, &m);
	check_amo("amomaxu.d", r, m, 0x8000000000000000UL,
		  0x8000000000000000UL);
	r = AMO("amominu.d", 0xffffffffffffffffUL, 0, &m);
	check_amo("amominu.d", r, m, 0xffffffffffffffffUL, 0);
	r = AMO("amoadd.d.aqrl", 40, 2, &m);
	check_amo("amoadd.d.aqrl", r, m, 40, 42);
	r = AMO("amoswap.w.aq", 3, 4, &m);
	check_amo("amoswap.w.aq", r, m, 3, 4);
	r = AMO("amoor.w.rl", 3, 4, &m);
	check_amo("amoor.w.rl", r, m, 3, 7);

	mem[0] = 10;
	__asm__ volatile("amoadd.d x0, %0, (%1)" ::"r"(5UL), "r"(&mem[0])
			 : "memory");
	check_eq("amoadd.d rd=x0 stores", mem[0], 15);
	check_eq("W op left the next word alone", mem[1], 0x5a5a5a5a5a5a5a5aUL);
}

static uint64_t lr_w(volatile uint64_t *p)
{
	uint64_t r;
	__asm__ volatile("lr.w %0, (%1)" : "=r"(r) : "r"(p) : "memory");
	return r;
}

static uint64_t lr_d(volatile uint64_t *p)
{
	uint64_t r;
	__asm__ volatile("lr.d %0, (%1)" : "=r"(r) : "r"(p) : "memory");
	return r;
}

static uint64_t sc_w(volatile uint64_t *p, uint64_t v)
{
	uint64_t r;
	__asm__ volatile("sc.w %0, %2, (%1)"
			 : "=&r"(r)
			 : "r"(p), "r"(v)
			 : "memory");
	return r;
}

static uint64_t sc_d(volatile uint64_t *p, uint64_t v)
{
	uint64_t r;
	__asm__ volatile("sc.d %0, %2, (%1)"
			 : "=&r"(r)
			 : "r"(p), "r"(v)
			 : "memory");
	return r;
}

static void test_lrsc(void)
{
	lib_section("LR/SC");
	mem[0] = 0x11111111deadbeefUL;
	check_eq("lr.w sext", lr_w(&mem[0]), 0xffffffffdeadbeefUL);
	check_eq("sc.w succeeds", sc_w(&mem[0], 0xcafef00d), 0);
	check_eq("sc.w wrote 32 bits", mem[0], 0x11111111cafef00dUL);
	check_eq("second sc.w fails", sc_w(&mem[0], 1) != 0, 1);
	check_eq("memory unchanged", mem[0], 0x11111111cafef00dUL);

	mem[0] = 5;
	check_eq("lr.d", lr_d(&mem[0]), 5);
	check_eq("sc.d succeeds", sc_d(&mem[0], 6), 0);
	check_eq("sc.d stored", mem[0], 6);

	mem[0] = 1;
	mem[2] = 2;
	lr_d(&mem[0]);
	check_eq("sc.d to other address fails", sc_d(&mem[2], 9) != 0, 1);
	check_eq("other address unchanged", mem[2], 2);

	lr_d(&mem[0]);
	mem[0] = 77;
	check_eq("sc.d after a changing store fails", sc_d(&mem[0], 9) != 0, 1);
	check_eq("store kept", mem[0], 77);

	uint64_t ok;
	__asm__ volatile("1: lr.d.aq t0, (%1)\n\taddi t0, t0, 1\n\t"
			 "sc.d.rl %0, t0, (%1)\n\tbnez %0, 1b"
			 : "=&r"(ok)
			 : "r"(&mem[0])
			 : "t0", "memory");
	check_eq("lr.aq/sc.rl increment loop", mem[0], 78);
}

int main(void)
{
	lib_start("isa-amo");
	test_amo_w();
	test_amo_d();
	test_lrsc();
	return lib_done();
}
