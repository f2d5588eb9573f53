// SPDX-License-Identifier: MIT
/*
 * /init of the atoll Linux test guest: proves the kernel reached user space,
 * reports what it runs on, and powers the machine off so the emulator exits
 * with status 0.
 *
 * Built -static -nostdlib -ffreestanding with riscv64-linux-gnu-gcc: no libc,
 * only raw system calls through `ecall`.  The numbers and constants below
 * are Linux's stable user ABI (asm-generic/unistd.h, linux/reboot.h); they
 * are spelled out here so the build needs no target libc or UAPI headers.
 */

#define SYS_openat 56
#define SYS_close 57
#define SYS_write 64
#define SYS_exit 93
#define SYS_sched_getaffinity 123
#define SYS_reboot 142
#define SYS_uname 160

#define AT_FDCWD (-100)
#define O_RDWR 02
#define O_NOCTTY 0400
#define EBADF 9

#define REBOOT_MAGIC1 0xfee1deadUL
#define REBOOT_MAGIC2 672274793UL
#define REBOOT_CMD_POWER_OFF 0x4321fedcUL

#define UTS_FIELD 65 /* __NEW_UTS_LEN + 1 */

struct utsname {
	char sysname[UTS_FIELD];
	char nodename[UTS_FIELD];
	char release[UTS_FIELD];
	char version[UTS_FIELD];
	char machine[UTS_FIELD];
	char domainname[UTS_FIELD];
};

/* Entry: the kernel leaves sp at argc; nothing here needs argv or envp. */
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

// Issue system call nr with up to four arguments; returns the raw a0.
static long sys4(long nr, long a, long b, long c, long d)
{
	register long a7 __asm__("a7") = nr;
	register long a0 __asm__("a0") = a;
	register long a1 __asm__("a1") = b;
	register long a2 __asm__("a2") = c;
	register long a3 __asm__("a3") = d;

	__asm__ volatile("ecall"
			 : "+r"(a0)
			 : "r"(a7), "r"(a1), "r"(a2), "r"(a3)
			 : "memory");
	return a0;
}

static int console_fd = 1;

static unsigned long str_len(const char *s)
{
	unsigned long n = 0;

	while (s[n])
		n++;
	return n;
}

// Write a NUL-terminated string to the console, retrying short writes.
static void put(const char *s)
{
	unsigned long len = str_len(s);

	while (len) {
		long n = sys4(SYS_write, console_fd, (long)s, (long)len, 0);

		if (n <= 0)
			return;
		s += n;
		len -= n;
	}
}

static void put_uint(unsigned long v)
{
	char buf[24];
	int i = sizeof(buf) - 1;

	buf[i] = '\0';
	do {
		buf[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v && i > 0);
	put(&buf[i]);
}

/*
 * The kernel opens /dev/console as fds 0-2 for init when the initramfs
 * has that node; if it could not, open it ourselves.
 */
static void console_open(void)
{
	long fd;

	if (sys4(SYS_write, 1, (long)"", 0, 0) != -EBADF)
		return;
	fd = sys4(SYS_openat, AT_FDCWD, (long)"/dev/console", O_RDWR | O_NOCTTY,
		  0);
	if (fd >= 0)
		console_fd = (int)fd;
}

// Number of CPUs this task may run on: popcount of its affinity mask.
static unsigned long cpu_count(void)
{
	unsigned long mask[16];
	unsigned long n = 0;
	long bytes;
	long i;

	bytes = sys4(SYS_sched_getaffinity, 0, sizeof(mask), (long)mask, 0);
	if (bytes <= 0)
		return 0;
	/* Plain loop: __builtin_popcountl would need libgcc without Zbb. */
	for (i = 0; i < bytes / (long)sizeof(mask[0]); i++)
		for (; mask[i]; mask[i] &= mask[i] - 1)
			n++;
	return n;
}

static void report_system(void)
{
	struct utsname u;

	if (sys4(SYS_uname, (long)&u, 0, 0, 0) == 0) {
		put("atoll-init: uname ");
		put(u.sysname);
		put(" ");
		put(u.release);
		put(" ");
		put(u.machine);
		put("\n");
	}
	put("atoll-init: cpus ");
	put_uint(cpu_count());
	put("\n");
}

void init_main(void);

void init_main(void)
{
	long err;

	console_open();
	put("atoll-init: reached init\n");
	report_system();
	put("atoll-init: powering off\n");
	err = sys4(SYS_reboot, (long)REBOOT_MAGIC1, (long)REBOOT_MAGIC2,
		   (long)REBOOT_CMD_POWER_OFF, 0);
	/* Only reached if power-off failed; init exiting panics the kernel. */
	put("atoll-init: reboot failed, error ");
	put_uint((unsigned long)-err);
	put("\n");
	sys4(SYS_exit, 1, 0, 0, 0);
}
