/* The bare-metal runtime's interface: console output, exit codes and traps,
 * identical on atoll and QEMU virt so the same binary is compared on both. */
#ifndef ATOLL_RT_H
#define ATOLL_RT_H

#include <stddef.h>
#include <stdint.h>

#define RT_UART 0x10000000UL
#define RT_TEST_DEV 0x100000UL
#define RT_CLINT 0x2000000UL
#define RT_MTIME (RT_CLINT + 0xbff8)

void rt_putc(char c);
void rt_puts(const char *s); /* no newline added */
/* printf subset: %d %i %u %x %X %c %s %p %%, flags '0' '-', width,
 * length l/ll/z. */
int rt_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Power off through the SiFive test device: 0 = pass, else fail(code). */
void rt_exit(int code) __attribute__((noreturn));

/* Trap hook: called for every M-mode trap with the saved registers
 * (regs[n] = x<n>); returns the pc to resume at.  The default prints the
 * trap and exits with code 99.  A program overrides it by defining it. */
uintptr_t rt_trap(uintptr_t cause, uintptr_t epc, uintptr_t tval,
		  uint64_t *regs);

/* S-mode programs (crt0_s.S): the device tree atoll passed in a1. */
extern uint64_t rt_boot_dtb;

/* An SBI call from S-mode: a7 = ext, a6 = fid; returns a0, *ret1 = a1. */
static inline long rt_sbi(long ext, long fid, long a0, long a1, long a2,
			  long *ret1)
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
	if (ret1)
		*ret1 = r1;
	return r0;
}

static inline uint64_t rt_mtime(void)
{
	return *(volatile uint64_t *)RT_MTIME;
}

#define rt_csr_read(csr)                                                       \
	({                                                                     \
		unsigned long __v;                                             \
		__asm__ volatile("csrr %0, " #csr : "=r"(__v));                \
		__v;                                                           \
	})
#define rt_csr_write(csr, v)                                                   \
	__asm__ volatile("csrw " #csr ", %0" ::"r"((unsigned long)(v)))

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

#endif
