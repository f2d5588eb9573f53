/* The F/D extensions' architectural rules, self-checked: mstatus.FS Off
 * makes every F/D instruction illegal, FS goes Dirty on f-register
 * writes, reserved rounding modes (static 5/6, dynamic with frm 5-7) are
 * illegal, NaN boxing through loads, stores and moves, loads and stores
 * (offsets, misaligned, compressed forms, faults, self-modifying code
 * written by fsd), and fflags/frm/fcsr. */
#include "lib.h"

#define MS_FS (3UL << 13)
#define FS_INITIAL (1UL << 13)
#define FS_CLEAN (2UL << 13)
#define MS_SD (1UL << 63)

#define BOX 0xffffffff00000000UL
#define ONE_D 0x3ff0000000000000UL
#define ONE_S 0x3f800000UL

/* Run the 32-bit instruction word w (operands f0-f2/a0 as it encodes). */
#define RUN_WORD(w) __asm__ volatile(".word " #w ::: "memory", "a0", "ft3")
#define RUN_HALF(h) __asm__ volatile(".half " #h ::: "memory", "fs0")

static void set_fs(unsigned long fs)
{
	CSRC(mstatus, MS_FS);
	CSRS(mstatus, fs);
}

static unsigned long fs_now(void)
{
	return CSRR(mstatus) & MS_FS;
}

static void test_fs_off(void)
{
	lib_section("mstatus.FS = Off");
	set_fs(0);
#define ILLEGAL(what, w)                                                       \
	do {                                                                   \
		trap_arm();                                                    \
		RUN_WORD(w);                                                   \
		check_trap(what, EXC_ILLEGAL, w);                              \
	} while (0)
	ILLEGAL("fadd.d", 0x021071d3);
	ILLEGAL("fadd.s", 0x001071d3);
	ILLEGAL("fmadd.d", 0x121071c3);
	ILLEGAL("fsgnj.d", 0x221001d3);
	ILLEGAL("fmv.x.d", 0xe2000553);
	ILLEGAL("fmv.w.x", 0xf00501d3);
	ILLEGAL("feq.s", 0xa0102553);
	ILLEGAL("fclass.d", 0xe2001553);
	ILLEGAL("fcvt.w.d", 0xc2007553);
	ILLEGAL("fcvt.d.l", 0xd22571d3);
	ILLEGAL("flw", 0x00012187);
	ILLEGAL("fsd", 0x00313027);
	ILLEGAL("csrr fflags", 0x00102573);
	trap_arm();
	RUN_HALF(0x2402); /* c.fldsp fs0, 0(sp) */
	check_trap("c.fldsp", EXC_ILLEGAL, 0x2402);
	trap_arm();
	RUN_HALF(0xa002); /* c.fsdsp ft0, 0(sp) */
	check_trap("c.fsdsp", EXC_ILLEGAL, 0xa002);
	check_eq("FS stays Off", fs_now(), 0);
	set_fs(FS_INITIAL);
}

/* FS becomes Dirty (and SD set) exactly when an f register is written. */
static void test_fs_dirty(void)
{
	uint64_t x;
	lib_section("mstatus.FS tracking");
	set_fs(FS_CLEAN);
	__asm__ volatile("fmv.x.d %0, ft0" : "=r"(x));
	check_eq("fmv.x.d keeps Clean", fs_now(), FS_CLEAN);
	__asm__ volatile("addi sp, sp, -16\n\tfsd ft0, 0(sp)\n\t"
			 "addi sp, sp, 16" ::
				 : "memory");
	check_eq("fsd keeps Clean", fs_now(), FS_CLEAN);
	__asm__ volatile("fadd.d ft0, ft0, ft0" ::: "ft0");
	check_eq("fadd.d makes Dirty", fs_now(), MS_FS);
	check("SD is set", (CSRR(mstatus) & MS_SD) != 0);
	set_fs(FS_INITIAL);
	__asm__ volatile("fmv.d.x ft0, zero" ::: "ft0");
	check_eq("fmv.d.x makes Dirty", fs_now(), MS_FS);
	set_fs(FS_CLEAN);
	__asm__ volatile("addi sp, sp, -16\n\tsd zero, 0(sp)\n\t"
			 "flw ft0, 0(sp)\n\taddi sp, sp, 16" ::
				 : "memory", "ft0");
	check_eq("flw makes Dirty", fs_now(), MS_FS);
	set_fs(FS_INITIAL);
}

static void test_rm(void)
{
	lib_section("rounding modes");
	ILLEGAL("fadd.d rm=5", 0x021051d3);
	ILLEGAL("fadd.d rm=6", 0x021061d3);
	ILLEGAL("fmadd.s rm=5", 0x101051c3);
	ILLEGAL("fsqrt.d rm=6", 0x5a0061d3);
	ILLEGAL("fcvt.d.s rm=5", 0x420051d3);
	ILLEGAL("fcvt.d.w rm=6", 0xd20561d3);
	ILLEGAL("fcvt.w.d rm=5", 0xc2005553);
	for (unsigned long frm = 5; frm < 8; frm++) {
		CSRW(frm, frm);
		check_eq("frm holds 5-7", CSRR(frm), frm);
		ILLEGAL("  fadd.d dyn", 0x021071d3);
		ILLEGAL("  fcvt.l.d dyn", 0xc2207553);
		trap_arm();
		RUN_WORD(0x021001d3); /* fadd.d ft3, ft0, ft1, rne */
		check_no_trap("  static rm still works");
		trap_arm();
		RUN_WORD(0x221001d3); /* fsgnj.d: no rm */
		check_no_trap("  fsgnj.d has no rm");
	}
	CSRW(frm, 0);

	/* 1 + 2^-30 rounds up only toward +inf. */
	uint64_t r;
	CSRW(frm, 3);
	__asm__ volatile("fmv.w.x ft0, %1\n\tfmv.w.x ft1, %2\n\t"
			 "fadd.s ft2, ft0, ft1, dyn\n\tfmv.x.w %0, ft2"
			 : "=r"(r)
			 : "r"(ONE_S), "r"(0x30800000UL)
			 : "ft0", "ft1", "ft2");
	check_eq("dyn uses frm = RUP", r, 0x3f800001);
	CSRW(frm, 0);
}

static void test_csrs(void)
{
	uint64_t r;
	lib_section("fflags, frm, fcsr");
	CSRW(fcsr, 0);
	__asm__ volatile("fmv.d.x ft0, zero\n\tfdiv.d ft1, ft0, ft0\n\t"
			 "fmv.d.x ft2, %0\n\tfdiv.d ft1, ft2, ft0" ::"r"(ONE_D)
			 : "ft0", "ft1", "ft2");
	check_eq("flags accrue (NV | DZ)", CSRR(fflags), 0x18);
	CSRW(frm, 4);
	check_eq("fcsr = frm << 5 | fflags", CSRR(fcsr), 0x98);
	CSRW(fcsr, 0xff);
	check_eq("fcsr write: frm", CSRR(frm), 7);
	check_eq("fcsr write: fflags", CSRR(fflags), 0x1f);
	__asm__ volatile("fsflags %0, zero" : "=r"(r));
	check_eq("fsflags returns old", r, 0x1f);
	check_eq("fflags cleared", CSRR(fflags), 0);
	CSRW(fcsr, 0);
}

static void test_boxing(void)
{
	uint64_t r, mem = 0x1122334455667788UL;
	lib_section("NaN boxing");
	__asm__ volatile("flw ft0, 0(%1)\n\tfmv.x.d %0, ft0"
			 : "=r"(r)
			 : "r"(&mem)
			 : "ft0");
	check_eq("flw boxes", r, BOX | 0x55667788);
	__asm__ volatile("fmv.w.x ft0, %1\n\tfmv.x.d %0, ft0"
			 : "=r"(r)
			 : "r"(0xabcdef0180000000UL)
			 : "ft0");
	check_eq("fmv.w.x boxes", r, BOX | 0x80000000);
	__asm__ volatile("fmv.d.x ft0, %1\n\tfmv.x.w %0, ft0"
			 : "=r"(r)
			 : "r"(BOX | 0x80000001)
			 : "ft0");
	check_eq("fmv.x.w sign-extends", r, 0xffffffff80000001UL);
	__asm__ volatile("fmv.d.x ft0, %1\n\tfmv.x.w %0, ft0"
			 : "=r"(r)
			 : "r"(0x0000000012345678UL)
			 : "ft0");
	check_eq("fmv.x.w ignores the box", r, 0x12345678);
	__asm__ volatile("fmv.d.x ft0, %1\n\tfsw ft0, 0(%0)" ::"r"(&mem),
			 "r"(0x0123456789abcdefUL)
			 : "ft0", "memory");
	check_eq("fsw stores the raw low half", mem, 0x1122334489abcdefUL);
	__asm__ volatile("fmv.d.x ft0, %1\n\tfadd.s ft1, ft0, ft0\n\t"
			 "fmv.x.d %0, ft1"
			 : "=r"(r)
			 : "r"(ONE_D)
			 : "ft0", "ft1");
	check_eq("a double read as single is NaN", r, BOX | 0x7fc00000);
	__asm__ volatile("fmv.d.x ft0, %1\n\tfcvt.d.s ft1, ft0\n\t"
			 "fmv.x.d %0, ft1"
			 : "=r"(r)
			 : "r"(0xfffffffe3f800000UL)
			 : "ft0", "ft1");
	check_eq("fcvt.d.s of a bad box", r, 0x7ff8000000000000UL);
}

static uint64_t buf[4] __attribute__((aligned(16)));

static void test_mem(void)
{
	uint64_t r;
	uint8_t *b = (uint8_t *)buf;
	lib_section("loads and stores");
	buf[0] = 0x0011223344556677UL;
	buf[1] = 0x8899aabbccddeeffUL;
	__asm__ volatile("fld ft0, 8(%1)\n\tfmv.x.d %0, ft0"
			 : "=r"(r)
			 : "r"(buf)
			 : "ft0");
	check_eq("fld +8", r, buf[1]);
	__asm__ volatile("flw ft0, -4(%1)\n\tfmv.x.d %0, ft0"
			 : "=r"(r)
			 : "r"(&buf[1])
			 : "ft0");
	check_eq("flw -4", r, BOX | 0x00112233);
	__asm__ volatile("fld ft0, 3(%1)\n\tfmv.x.d %0, ft0"
			 : "=r"(r)
			 : "r"(buf)
			 : "ft0");
	check_eq("fld misaligned", r, 0xddeeff0011223344UL);
	__asm__ volatile("flw ft0, 6(%1)\n\tfmv.x.d %0, ft0"
			 : "=r"(r)
			 : "r"(buf)
			 : "ft0");
	check_eq("flw misaligned", r, BOX | 0xeeff0011);
	__asm__ volatile("fmv.d.x ft0, %1\n\tfsd ft0, 5(%0)" ::"r"(buf),
			 "r"(0xa1a2a3a4a5a6a7a8UL)
			 : "ft0", "memory");
	check_eq("fsd misaligned lo", buf[0], 0xa6a7a83344556677UL);
	check_eq("fsd misaligned hi", buf[1], 0x8899aaa1a2a3a4a5UL);
	__asm__ volatile("fmv.w.x ft0, %1\n\tfsw ft0, 2(%0)" ::"r"(b + 8),
			 "r"(0xc1c2c3c4UL)
			 : "ft0", "memory");
	check_eq("fsw misaligned", buf[1], 0x8899c1c2c3c4a4a5UL);

	trap_arm();
	__asm__ volatile("flw ft0, 0(%0)" ::"r"(0x10UL) : "ft0");
	check_trap("flw from nowhere", EXC_LOAD_ACCESS, 0x10);
	trap_arm();
	__asm__ volatile("fsd ft0, 8(%0)" ::"r"(0x10UL) : "memory");
	check_trap("fsd to nowhere", EXC_STORE_ACCESS, 0x18);
}

/* Compressed forms; the addi after each proves the 2-byte advance. */
static void test_compressed(void)
{
	uint64_t r, n;
	lib_section("compressed loads and stores");
	buf[0] = 0x0102030405060708UL;
	buf[1] = 0;
	__asm__ volatile(".option push\n\t.option rvc\n\t"
			 "mv a0, %2\n\tli %1, 0\n\t"
			 "c.fld fs0, 0(a0)\n\taddi %1, %1, 1\n\t"
			 "c.fsd fs0, 8(a0)\n\taddi %1, %1, 1\n\t"
			 "fmv.x.d %0, fs0\n\t.option pop"
			 : "=r"(r), "=&r"(n)
			 : "r"(buf)
			 : "a0", "fs0", "memory");
	check_eq("c.fld", r, buf[0]);
	check_eq("c.fsd", buf[1], buf[0]);
	check_eq("  both advanced by 2", n, 2);
	__asm__ volatile(".option push\n\t.option rvc\n\t"
			 "addi sp, sp, -32\n\tli %1, 0\n\t"
			 "fmv.d.x ft0, %2\n\t"
			 "c.fsdsp ft0, 16(sp)\n\taddi %1, %1, 1\n\t"
			 "c.fldsp ft1, 16(sp)\n\taddi %1, %1, 1\n\t"
			 "fmv.x.d %0, ft1\n\taddi sp, sp, 32\n\t.option pop"
			 : "=r"(r), "=&r"(n)
			 : "r"(0x5566778899aabbccUL)
			 : "ft0", "ft1", "memory");
	check_eq("c.fsdsp/c.fldsp", r, 0x5566778899aabbccUL);
	check_eq("  both advanced by 2", n, 2);
}

/* Code written by fsd/fsw runs after fence.i: the store must reach the
 * pre-decoded copy of the page. */
static uint32_t code[4] __attribute__((aligned(8)));

static void test_smc(void)
{
	uint64_t (*fn)(void) = (uint64_t(*)(void))(uintptr_t)code;
	lib_section("self-modifying code through fsd/fsw");
	/* li a0, 1; ret */
	uint64_t prog = 0x00008067UL << 32 | 0x00100513UL;
	__asm__ volatile("fmv.d.x ft0, %1\n\tfsd ft0, 0(%0)" ::"r"(code),
			 "r"(prog)
			 : "ft0", "memory");
	fence_i();
	check_eq("fsd-written code runs", fn(), 1);
	__asm__ volatile("fmv.w.x ft0, %1\n\tfsw ft0, 0(%0)" ::"r"(code),
			 "r"(0x00200513UL)
			 : "ft0", "memory");
	fence_i();
	check_eq("fsw rewrites it", fn(), 2);
}

int main(void)
{
	lib_start("isa-fp");
	set_fs(FS_INITIAL);
	test_fs_off();
	test_fs_dirty();
	test_rm();
	test_csrs();
	test_boxing();
	test_mem();
	test_compressed();
	test_smc();
	return lib_done();
}
