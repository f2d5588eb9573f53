/* M extension: all multiplies (low and the three high-half forms), division
 * and remainder with the spec's results for division by zero (quotient all
 * ones, remainder = dividend) and signed overflow (quotient = dividend,
 * remainder 0), and the W forms (32-bit operands, sign-extended results). */
#include "lib.h"

#define RR(op, a, b)                                                           \
	({                                                                     \
		uint64_t _r;                                                   \
		__asm__ volatile(op " %0, %1, %2"                              \
				 : "=r"(_r)                                    \
				 : "r"((uint64_t)(a)), "r"((uint64_t)(b)));    \
		_r;                                                            \
	})

#define MIN64 0x8000000000000000UL
#define MAX64 0x7fffffffffffffffUL
#define ONES 0xffffffffffffffffUL

static void test_mul(void)
{
	lib_section("mul");
	check_eq("mul", RR("mul", 123456789, 987654321), 121932631112635269UL);
	check_eq("mul -1*-1", RR("mul", ONES, ONES), 1);
	check_eq("mul wrap", RR("mul", MIN64, 2), 0);
	check_eq("mulh -1*-1", RR("mulh", ONES, ONES), 0);
	check_eq("mulh min*min", RR("mulh", MIN64, MIN64),
		 0x4000000000000000UL);
	check_eq("mulh min*-1", RR("mulh", MIN64, ONES), 0);
	check_eq("mulh -2*max", RR("mulh", (uint64_t)-2, MAX64), ONES);
	check_eq("mulhu -1*-1", RR("mulhu", ONES, ONES), 0xfffffffffffffffeUL);
	check_eq("mulhu 2^63*2", RR("mulhu", MIN64, 2), 1);
	check_eq("mulhsu -1*-1u", RR("mulhsu", ONES, ONES), ONES);
	check_eq("mulhsu 1*-1u", RR("mulhsu", 1, ONES), 0);
	check_eq("mulhsu min*-1u", RR("mulhsu", MIN64, ONES),
		 0x8000000000000000UL);
	check_eq("mulhsu 2*2^63u", RR("mulhsu", 2, MIN64), 1);
	check_eq("mulw sext", RR("mulw", 0x10000, 0x8000),
		 0xffffffff80000000UL);
	check_eq("mulw high ignored",
		 RR("mulw", 0xffffffff00000003UL, 0x1234567800000005UL), 15);
	check_eq("mulw -1*-1", RR("mulw", 0xffffffffUL, 0xffffffffUL), 1);
}

static void test_div(void)
{
	lib_section("div/rem");
	check_eq("div 7/-2", RR("div", 7, (uint64_t)-2), (uint64_t)-3);
	check_eq("div -7/2", RR("div", (uint64_t)-7, 2), (uint64_t)-3);
	check_eq("rem 7%-2", RR("rem", 7, (uint64_t)-2), 1);
	check_eq("rem -7%2", RR("rem", (uint64_t)-7, 2), ONES);
	check_eq("divu", RR("divu", ONES, 3), 0x5555555555555555UL);
	check_eq("remu", RR("remu", ONES, 10), 5);
	check_eq("div by 0", RR("div", 42, 0), ONES);
	check_eq("divu by 0", RR("divu", 42, 0), ONES);
	check_eq("rem by 0", RR("rem", (uint64_t)-42, 0), (uint64_t)-42);
	check_eq("remu by 0", RR("remu", 42, 0), 42);
	check_eq("div overflow", RR("div", MIN64, ONES), MIN64);
	check_eq("rem overflow", RR("rem", MIN64, ONES), 0);
	check_eq("divu min/-1", RR("divu", MIN64, ONES), 0);
}

static void test_divw(void)
{
	lib_section("divw/remw");
	check_eq("divw", RR("divw", 0xfffffff9UL, 2), (uint64_t)-3);
	check_eq("divw high ignored", RR("divw", 0x1234567800000064UL, 10), 10);
	check_eq("divuw", RR("divuw", 0xffffffffUL, 2), 0x7fffffff);
	check_eq("divuw sext", RR("divuw", 0xfffffffeUL, 1),
		 0xfffffffffffffffeUL);
	check_eq("remw", RR("remw", 0xfffffff9UL, 2), ONES);
	check_eq("remuw", RR("remuw", 0xffffffffUL, 0x10), 0xf);
	check_eq("divw by 0", RR("divw", 5, 0), ONES);
	check_eq("divuw by 0", RR("divuw", 5, 0), ONES);
	check_eq("remw by 0", RR("remw", 0x80000005UL, 0),
		 0xffffffff80000005UL);
	check_eq("remuw by 0", RR("remuw", 0x80000005UL, 0),
		 0xffffffff80000005UL);
	check_eq("remuw by 0 high", RR("remuw", 0xabcdef0000000007UL, 0), 7);
	check_eq("divw overflow", RR("divw", 0x80000000UL, ONES),
		 0xffffffff80000000UL);
	check_eq("remw overflow", RR("remw", 0x80000000UL, ONES), 0);
	check_eq("divw by 0 high", RR("divw", 5, 0xffffffff00000000UL), ONES);
}

int main(void)
{
	lib_start("isa-muldiv");
	test_mul();
	test_div();
	test_divw();
	return lib_done();
}
