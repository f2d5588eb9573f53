/* Loads and stores: every width, sign and zero extension, stores that touch
 * only their bytes, compressed forms (c.lw/c.ld/c.sw/c.sd and the sp-based
 * ones), negative offsets, and misaligned accesses at every offset, also
 * across a page boundary: they are performed (as on QEMU), not trapped. */
#include "lib.h"

static uint8_t buf[8192] __attribute__((aligned(4096)));

static void fill(void)
{
	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(0x80 + i * 7);
}

/* Little-endian value of n bytes at p, assembled bytewise in C. */
static uint64_t bytes_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static uint64_t sext(uint64_t v, unsigned bits)
{
	uint64_t m = 1UL << (bits - 1);
	return bits == 64 ? v : ((v & ((m << 1) - 1)) ^ m) - m;
}

static void test_widths(void)
{
	lib_section("widths and extension");
	static uint64_t w = 0x8182838485868788UL;
	uint64_t a = (uintptr_t)&w;
	check_eq("lb", ld_b(a), 0xffffffffffffff88UL);
	check_eq("lbu", ld_bu(a), 0x88);
	check_eq("lh", ld_h(a), 0xffffffffffff8788UL);
	check_eq("lhu", ld_hu(a), 0x8788);
	check_eq("lw", ld_w(a), 0xffffffff85868788UL);
	check_eq("lwu", ld_wu(a), 0x85868788);
	check_eq("ld", ld_d(a), 0x8182838485868788UL);
	check_eq("lb +7", ld_b(a + 7), 0xffffffffffffff81UL);
	check_eq("lh +6", ld_h(a + 6), 0xffffffffffff8182UL);
	check_eq("lw +4", ld_w(a + 4), 0xffffffff81828384UL);
	static uint64_t p = 0x7f7f7f7f7f7f7f7fUL;
	check_eq("lb positive", ld_b((uintptr_t)&p), 0x7f);
	check_eq("lw positive", ld_w((uintptr_t)&p), 0x7f7f7f7f);

	static uint64_t s;
	uint64_t sa = (uintptr_t)&s;
	s = 0;
	st_b(sa + 3, 0x1234567890abcdefUL);
	check_eq("sb only its byte", s, 0xef000000UL);
	st_h(sa + 6, 0xffffUL);
	check_eq("sh", s, 0xffff0000ef000000UL);
	st_w(sa, 0xaabbccddeeff0011UL);
	check_eq("sw", s, 0xffff0000eeff0011UL);
	st_d(sa, 0x0102030405060708UL);
	check_eq("sd", s, 0x0102030405060708UL);

	uint64_t r;
	__asm__ volatile("addi t0, %1, 16\n\tld %0, -16(t0)"
			 : "=r"(r)
			 : "r"(a)
			 : "t0", "memory");
	check_eq("negative offset", r, 0x8182838485868788UL);
}

static void test_compressed(void)
{
	lib_section("compressed loads/stores");
	static uint64_t d[4] = { 0x8877665544332211UL, 0xfedcba9876543210UL };
	uint64_t r1, r2, r3, r4;
	__asm__ volatile(".option push\n\t.option rvc\n\t"
			 "mv a4, %4\n\t"
			 "c.lw a5, 4(a4)\n\tmv %0, a5\n\t"
			 "c.ld a5, 8(a4)\n\tmv %1, a5\n\t"
			 "li a5, -2\n\tc.sw a5, 16(a4)\n\t"
			 "c.ld a5, 16(a4)\n\tmv %2, a5\n\t"
			 "c.sd a5, 24(a4)\n\tc.ld a5, 24(a4)\n\tmv %3, a5\n\t"
			 ".option pop"
			 : "=r"(r1), "=r"(r2), "=r"(r3), "=r"(r4)
			 : "r"(d)
			 : "a4", "a5", "memory");
	check_eq("c.lw sext", r1, 0xffffffff88776655UL);
	check_eq("c.ld", r2, 0xfedcba9876543210UL);
	check_eq("c.sw 32 bits", r3, 0x00000000fffffffeUL);
	check_eq("c.sd", r4, 0x00000000fffffffeUL);

	/* sp-based forms, on a private frame. */
	__asm__ volatile(".option push\n\t.option rvc\n\t"
			 "addi sp, sp, -32\n\t"
			 "li t0, -5\n\tc.sdsp t0, 8(sp)\n\t"
			 "li t0, 0x7ffffffe\n\tc.swsp t0, 16(sp)\n\t"
			 "c.ldsp t1, 8(sp)\n\tmv %0, t1\n\t"
			 "c.lwsp t1, 8(sp)\n\tmv %1, t1\n\t"
			 "c.lwsp t1, 16(sp)\n\tmv %2, t1\n\t"
			 "addi sp, sp, 32\n\t"
			 ".option pop"
			 : "=r"(r1), "=r"(r2), "=r"(r3)
			 :
			 : "t0", "t1", "memory");
	check_eq("c.sdsp/c.ldsp", r1, (uint64_t)-5);
	check_eq("c.lwsp sext", r2, (uint64_t)-5);
	check_eq("c.swsp/c.lwsp", r3, 0x7ffffffe);
}

/* Misaligned loads of every width at every offset, checked against the
 * bytes; `base` lets the access straddle a page boundary. */
static void misaligned_loads(uint64_t base, const char *tag)
{
	unsigned bad = 0, n = 0;
	for (unsigned off = 0; off < 8; off++) {
		uint64_t a = base + off;
		const uint8_t *p = (const uint8_t *)a;
		struct {
			uint64_t got, want;
		} c[] = {
			{ ld_h(a), sext(bytes_le(p, 2), 16) },
			{ ld_hu(a), bytes_le(p, 2) },
			{ ld_w(a), sext(bytes_le(p, 4), 32) },
			{ ld_wu(a), bytes_le(p, 4) },
			{ ld_d(a), bytes_le(p, 8) },
		};
		for (unsigned i = 0; i < 5; i++, n++) {
			if (c[i].got == c[i].want)
				continue;
			bad++;
			rt_printf("     off %u width #%u: 0x%lx want 0x%lx\n",
				  off, i, c[i].got, c[i].want);
		}
	}
	rt_printf("     %s: %u loads\n", tag, n);
	check(tag, bad == 0);
}

static void misaligned_stores(uint64_t base, const char *tag)
{
	unsigned bad = 0;
	for (unsigned off = 1; off < 8; off++) {
		uint64_t a = base + off;
		uint8_t *p = (uint8_t *)a;
		fill();
		st_h(a, 0xa1a2);
		bad += bytes_le(p, 2) != 0xa1a2 ||
		       p[2] != (uint8_t)(0x80 + (a + 2 - (uintptr_t)buf) * 7);
		st_w(a, 0xb1b2b3b4);
		bad += bytes_le(p, 4) != 0xb1b2b3b4;
		st_d(a, 0xc1c2c3c4c5c6c7c8UL);
		bad += bytes_le(p, 8) != 0xc1c2c3c4c5c6c7c8UL;
		bad += p[-1] != (uint8_t)(0x80 + (a - 1 - (uintptr_t)buf) * 7);
		bad += p[8] != (uint8_t)(0x80 + (a + 8 - (uintptr_t)buf) * 7);
	}
	check(tag, bad == 0);
}

static void test_misaligned(void)
{
	lib_section("misaligned (performed)");
	fill();
	trap_arm();
	misaligned_loads((uintptr_t)buf + 64, "misaligned loads");
	misaligned_loads((uintptr_t)buf + 4096 - 8, "loads across a page");
	misaligned_stores((uintptr_t)buf + 128, "misaligned stores");
	misaligned_stores((uintptr_t)buf + 4096 - 8, "stores across a page");
	check_no_trap("misaligned accesses");
}

int main(void)
{
	lib_start("isa-mem");
	test_widths();
	test_compressed();
	test_misaligned();
	return lib_done();
}
