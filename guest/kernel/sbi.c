/* SBI calls: timer, poweroff, atoll's hypercall extension. */
#include "atoll/abi/hypercall.h"
#include "kernel.h"

#define SBI_EXT_BASE 0x10
#define SBI_BASE_PROBE 3
#define SBI_EXT_TIME 0x54494D45
#define SBI_EXT_SRST 0x53525354
#define SRST_SHUTDOWN 0
#define SRST_COLD_REBOOT 1
#define SRST_REASON_NONE 0
#define SRST_REASON_FAILURE 1
#define TEST_DEVICE 0x100000ul /* SiFive test device (QEMU virt, atoll) */

struct sbiret sbi_call(long ext, long fid, long a0, long a1, long a2)
{
	register long r0 __asm__("a0") = a0;
	register long r1 __asm__("a1") = a1;
	register long r2 __asm__("a2") = a2;
	register long r6 __asm__("a6") = fid;
	register long r7 __asm__("a7") = ext;

	__asm__ volatile("ecall"
			 : "+r"(r0), "+r"(r1)
			 : "r"(r2), "r"(r6), "r"(r7)
			 : "memory");
	return (struct sbiret){ r0, r1 };
}

/* True when atoll's hypercall extension answers (not on QEMU+OpenSBI). */
int sbi_on_atoll(void)
{
	static int known = -1;

	if (known < 0)
		known = sbi_call(SBI_EXT_BASE, SBI_BASE_PROBE, ATOLL_SBI_EXT, 0,
				 0)
				.value != 0;
	return known;
}

void sbi_set_timer(uint64_t when)
{
	sbi_call(SBI_EXT_TIME, 0, (long)when, 0, 0);
}

/* A hypercall: a6 = number, a0/a1 = operation and argument; the
 * hypercall's own result (>= 0 or -errno), -38 if atoll is absent. */
long hypercall(long nr, long a0, long a1)
{
	struct sbiret r = sbi_call(ATOLL_SBI_EXT, nr, a0, a1, 0);

	return r.error ? -38 : r.value;
}

/* Reset the machine (SRST cold reboot; the test device's reset code
 * elsewhere). */
void reboot(void)
{
	volatile uint32_t *test = (volatile uint32_t *)TEST_DEVICE;

	if (sbi_on_atoll())
		sbi_call(SBI_EXT_SRST, 0, SRST_COLD_REBOOT, SRST_REASON_NONE,
			 0);
	*test = 0x7777;
	for (;;)
		__asm__ volatile("wfi");
}

/* Power off with the verdict: SRST on atoll ("system failure" makes its
 * exit status non-zero); elsewhere the test device, whose FAIL code
 * reaches QEMU's exit status, which SRST through OpenSBI would not. */
void poweroff(int status)
{
	volatile uint32_t *test = (volatile uint32_t *)TEST_DEVICE;

	if (sbi_on_atoll())
		sbi_call(SBI_EXT_SRST, 0, SRST_SHUTDOWN,
			 status ? SRST_REASON_FAILURE : SRST_REASON_NONE, 0);
	*test = status ? (uint32_t)status << 16 | 0x3333 : 0x5555;
	for (;;)
		__asm__ volatile("wfi");
}
