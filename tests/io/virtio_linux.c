// SPDX-License-Identifier: MIT
/*
 * /init for tests/system/linux-virtio.sh: Linux's own virtio drivers on
 * the devices atoll (or QEMU) offers.  Reads the MBR the host wrote on
 * /dev/vda, writes 64 KiB at 1 MiB with O_DIRECT (straight to the device,
 * no page cache), fsyncs, reads it back and compares; reads /dev/hwrng
 * (virtio-rng); then powers off.  Each step prints one line.  With the
 * argument `hold` (the kernel command line's `-- hold`), it first waits
 * until the balloon holds about 128 MiB of the guest's RAM
 * (virtio-balloon following atoll's target), at most 60 s.
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
#define SYS_nanosleep 101
#define SYS_clock_gettime 113
#define SYS_reboot 142
#define SYS_sysinfo 179

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
	"	mv a0, sp\n"
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
static unsigned char big[1 << 20] __attribute__((aligned(4096)));
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

/* Linux's struct sysinfo (riscv64). */
struct sysinfo {
	long uptime;
	unsigned long loads[3];
	unsigned long totalram, freeram, sharedram, bufferram;
	unsigned long totalswap, freeswap;
	unsigned short procs, pad;
	unsigned long totalhigh, freehigh;
	unsigned int mem_unit;
	char f[8];
};

/* MiB of RAM the guest cannot use: with DEFLATE_ON_OOM the balloon's
 * pages stay in totalram but are not free. */
static unsigned long used_mib(unsigned long *total)
{
	struct sysinfo si;

	if (sys6(SYS_sysinfo, (long)&si, 0, 0, 0, 0))
		return 0;
	*total = si.totalram * si.mem_unit >> 20;
	return (si.totalram - si.freeram) * si.mem_unit >> 20;
}

static void put_uint(unsigned long v)
{
	char b[24];
	int i = sizeof(b) - 1;

	b[i] = 0;
	do {
		b[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v && i > 0);
	put(b + i);
}

/* Wait until at least 120 MiB are not free (the balloon's target: 128
 * MiB), at most 60 s. */
static void hold(void)
{
	long ts[2] = { 0, 200000000 };
	unsigned long total = 0, used = used_mib(&total);

	for (int i = 0; i < 300 && used < 120; i++) {
		sys6(SYS_nanosleep, (long)ts, 0, 0, 0, 0);
		used = used_mib(&total);
	}
	put("virtio-linux: ");
	put_uint(used);
	put(" MiB of ");
	put_uint(total);
	put(" MiB not free\n");
	check(used >= 120, "balloon inflated");
}

static unsigned long now_us(void)
{
	long ts[2];

	sys6(SYS_clock_gettime, 1, (long)ts, 0, 0, 0); /* CLOCK_MONOTONIC */
	return (unsigned long)ts[0] * 1000000 + (unsigned long)ts[1] / 1000;
}

/* `bench`: 32 MiB in sequential 1 MiB and 2000 random 4 KiB O_DIRECT
 * transfers on /dev/vda (at least 64 MiB), one line each: MB/s or IOPS. */
static void bench(void)
{
	long fd = sys6(SYS_openat, AT_FDCWD, (long)"/dev/vda",
		       O_RDWR | O_DIRECT, 0, 0);
	unsigned long t, seed = 12345;
	int w;

	for (w = 1; w >= 0 && fd >= 0; w--) {
		t = now_us();
		for (long off = 0; off < (32L << 20); off += sizeof(big))
			sys6(w ? SYS_pwrite64 : SYS_pread64, fd, (long)big,
			     sizeof(big), off, 0);
		if (w)
			sys6(SYS_fsync, fd, 0, 0, 0, 0);
		t = now_us() - t;
		put(w ? "virtio-linux: bench seq-write-1m "
		      : "virtio-linux: bench seq-read-1m ");
		put_uint(32UL * 1000000 / (t ? t : 1));
		put(" MB/s\n");
	}
	for (w = 1; w >= 0 && fd >= 0; w--) {
		t = now_us();
		for (int i = 0; i < 2000; i++) {
			seed = seed * 6364136223846793005UL + 1;
			sys6(w ? SYS_pwrite64 : SYS_pread64, fd, (long)buf,
			     4096, (long)((seed >> 33) % 16384) * 4096, 0);
		}
		t = now_us() - t;
		put(w ? "virtio-linux: bench rand-write-4k "
		      : "virtio-linux: bench rand-read-4k ");
		put_uint(2000UL * 1000000 / (t ? t : 1));
		put(" IOPS\n");
	}
}

void init_main(long *sp);

void init_main(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1);

	sys6(SYS_mkdirat, AT_FDCWD, (long)"/dev", 0755, 0, 0);
	sys6(SYS_mount, (long)"devtmpfs", (long)"/dev", (long)"devtmpfs", 0, 0);
	put("virtio-linux: start\n");
	blk();
	rng();
	if (argc > 1 && argv[1][0] == 'h')
		hold();
	if (argc > 1 && argv[1][0] == 'b')
		bench();
	put(fails ? "virtio-linux: FAILED\n" : "virtio-linux: all ok\n");
	sys6(SYS_reboot, 0xfee1deadL, 672274793L, 0x4321fedcL, 0, 0);
	sys6(SYS_exit, 1, 0, 0, 0, 0);
}
