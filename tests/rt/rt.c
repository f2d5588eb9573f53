/* Bare-metal runtime: NS16550A output, a small printf, exit through the
 * SiFive test device.  No libc: the same image runs on atoll and QEMU. */
#include <stdarg.h>

#include "rt.h"

#define UART_THR 0
#define UART_LSR 5
#define UART_LSR_THRE 0x20

void rt_putc(char c)
{
	volatile uint8_t *uart = (volatile uint8_t *)RT_UART;
	while (!(uart[UART_LSR] & UART_LSR_THRE))
		;
	uart[UART_THR] = (uint8_t)c;
}

void rt_puts(const char *s)
{
	while (*s)
		rt_putc(*s++);
}

void rt_exit(int code)
{
	volatile uint32_t *test = (volatile uint32_t *)RT_TEST_DEV;
	/* 0x5555 = pass; (code << 16) | 0x3333 = fail with code. */
	*test = code == 0 ? 0x5555 : ((uint32_t)code << 16) | 0x3333;
	for (;;)
		__asm__ volatile("wfi");
}

static int put_num(unsigned long long v, unsigned base, int upper, int neg,
		   int width, char pad, int left)
{
	char buf[24];
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0, out = 0;
	do {
		buf[n++] = digits[v % base];
		v /= base;
	} while (v);
	int len = n + neg;
	if (neg && pad == '0') {
		rt_putc('-');
		out++;
	}
	for (; !left && len < width; len++, out++)
		rt_putc(pad);
	if (neg && pad != '0') {
		rt_putc('-');
		out++;
	}
	while (n)
		rt_putc(buf[--n]), out++;
	for (; left && len < width; len++, out++)
		rt_putc(' ');
	return out + 0;
}

int rt_printf(const char *fmt, ...)
{
	va_list ap;
	int out = 0;
	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			rt_putc(*fmt);
			out++;
			continue;
		}
		char pad = ' ';
		int left = 0, width = 0, lng = 0;
		for (fmt++; *fmt == '0' || *fmt == '-'; fmt++)
			*fmt == '0' ? (pad = '0') : (left = 1);
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			width = width * 10 + (*fmt - '0');
		for (; *fmt == 'l' || *fmt == 'z'; fmt++)
			lng++;
		unsigned long long u;
		long long s;
		switch (*fmt) {
		case 'd':
		case 'i':
			s = lng ? va_arg(ap, long long) : va_arg(ap, int);
			u = s < 0 ? 0ULL - (unsigned long long)s
				  : (unsigned long long)s;
			out += put_num(u, 10, 0, s < 0, width, pad, left);
			break;
		case 'u':
		case 'x':
		case 'X':
			u = lng ? va_arg(ap, unsigned long long)
				: va_arg(ap, unsigned);
			out += put_num(u, *fmt == 'u' ? 10 : 16, *fmt == 'X', 0,
				       width, pad, left);
			break;
		case 'p':
			u = (uintptr_t)va_arg(ap, void *);
			rt_puts("0x");
			out += 2 + put_num(u, 16, 0, 0, 16, '0', 0);
			break;
		case 'c':
			rt_putc((char)va_arg(ap, int));
			out++;
			break;
		case 's': {
			const char *str = va_arg(ap, const char *);
			int len = (int)strlen(str);
			for (; !left && len < width; len++, out++)
				rt_putc(' ');
			rt_puts(str);
			out += (int)strlen(str);
			for (; left && len < width; len++, out++)
				rt_putc(' ');
			break;
		}
		case '%':
			rt_putc('%');
			out++;
			break;
		default:
			rt_putc('?');
			out++;
			break;
		}
	}
	va_end(ap);
	return out;
}

__attribute__((weak)) uintptr_t rt_trap(uintptr_t cause, uintptr_t epc,
					uintptr_t tval, uint64_t *regs)
{
	(void)regs;
	rt_printf("unexpected trap: mcause=%lx mepc=%lx mtval=%lx\n",
		  (unsigned long)cause, (unsigned long)epc,
		  (unsigned long)tval);
	rt_exit(99);
}

void *memset(void *d, int c, size_t n)
{
	uint8_t *p = d;
	while (n--)
		*p++ = (uint8_t)c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	uint8_t *p = d;
	const uint8_t *q = s;
	while (n--)
		*p++ = *q++;
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *p = a, *q = b;
	for (; n; n--, p++, q++)
		if (*p != *q)
			return *p - *q;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}
