// SPDX-License-Identifier: MIT
/*
 * /init for tests/system/linux-virtio.sh: Linux's own virtio drivers on
 * the devices atoll (or QEMU) offers.  Reads the MBR the host wrote on
 * /dev/vda, writes 64 KiB at 1 MiB with O_DIRECT (straight to the device,
 * no page cache), fsyncs, reads it back and compares; reads /dev/hwrng
 * (virtio-rng); then powers off.  Each step prints one line.
 *
 * Built -static -nostdlib with riscv64-linux-gnu-gcc: raw system calls,
 * Linux's stable riscv64 ABI numbers (asm-generic/unistd.h).
 */
#define SYS_ioctl 29
#define SYS_mkdirat 34
#define SYS_mount 40
#define SYS_openat 56
#define SYS_close 57
#define SYS_read 63
#define SYS_write 64
#define SYS_pread64 67
#define SYS_pwrite64 68
#define SYS_fsync 82
#define SYS_exit 93
#define SYS_reboot 142

#define AT_FDCWD (-100)
#define O_RDONLY 0
#define O_RDWR 02
#define O_DIRECT 040000

#define AREA (1L << 20) /* byte offset written */
#define LEN 65536L

__asm__(".section .text._start\n"
	".globl _start\n"
	"_start:\n"
	".option push\n"
	".option norelax\n"
	"	la gp, __global_pointer$\n"
	".option pop\n"
	"	andi sp, sp, -16\n"
	"	call init_main\n"
	"1:	j 1b\n");

static long sys6(long nr, long a, long b, long c, long d, long e)
{
	register long a7 __asm__("a7") = nr;
	register long a0 __asm__("a0") = a;
	register long a1 __asm__("a1") = b;
	register long a2 __asm__("a2") = c;
	register long a3 __asm__("a3") = d;
	register long a4 __asm__("a4") = e;

	__asm__ volatile("ecall"
			 : "+r"(a0)
			 : "r"(a7), "r"(a1), "r"(a2), "r"(a3), "r"(a4)
			 : "memory");
	return a0;
}

static unsigned char buf[LEN] __attribute__((aligned(4096)));
static unsigned char rnd[32];
static int fails;

static void put(const char *s)
{
	long n = 0;

	while (s[n])
		n++;
	sys6(SYS_write, 1, (long)s, n, 0, 0);
}

static void check(int ok, const char *what)
{
	put("virtio-linux: ");
	put(what);
	put(ok ? " ok\n" : " FAILED\n");
	fails += !ok;
}

static void blk(void)
{
	static const char pat[] = "virtio-linux-blk";
	long fd = sys6(SYS_openat, AT_FDCWD, (long)"/dev/vda",
		       O_RDWR | O_DIRECT, 0, 0);
	long i, bad = 0;

	check(fd >= 0, "open /dev/vda");
	if (fd < 0)
		return;
	check(sys6(SYS_pread64, fd, (long)buf, 4096, 0, 0) == 4096 &&
		      buf[510] == 0x55 && buf[511] == 0xaa,
	      "mbr read");
	for (i = 0; i < LEN; i++)
		buf[i] = (unsigned char)pat[i % 16];
	check(sys6(SYS_pwrite64, fd, (long)buf, LEN, AREA, 0) == LEN,
	      "direct write");
	check(sys6(SYS_fsync, fd, 0, 0, 0, 0) == 0, "fsync");
	for (i = 0; i < LEN; i++)
		buf[i] = 0;
	check(sys6(SYS_pread64, fd, (long)buf, LEN, AREA, 0) == LEN,
	      "direct read");
	for (i = 0; i < LEN; i++)
		bad += buf[i] != (unsigned char)pat[i % 16];
	check(!bad, "read back");
	sys6(SYS_close, fd, 0, 0, 0, 0);
}

static void rng(void)
{
	long fd =
		sys6(SYS_openat, AT_FDCWD, (long)"/dev/hwrng", O_RDONLY, 0, 0);
	long n =
		fd >= 0 ? sys6(SYS_read, fd, (long)rnd, sizeof(rnd), 0, 0) : -1;

	check(n > 0, "hwrng read");
}

void init_main(void);

void init_main(void)
{
	sys6(SYS_mkdirat, AT_FDCWD, (long)"/dev", 0755, 0, 0);
	sys6(SYS_mount, (long)"devtmpfs", (long)"/dev", (long)"devtmpfs", 0, 0);
	put("virtio-linux: start\n");
	blk();
	rng();
	put(fails ? "virtio-linux: FAILED\n" : "virtio-linux: all ok\n");
	sys6(SYS_reboot, 0xfee1deadL, 672274793L, 0x4321fedcL, 0, 0);
	sys6(SYS_exit, 1, 0, 0, 0, 0);
}
