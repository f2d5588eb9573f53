/* Console: the board's NS16550 UART, polled, as picolibc's stdout. */
#include <stdarg.h>

#include "kernel.h"

#define UART_BASE 0x10000000ul
#define UART_THR 0
#define UART_LSR 5
#define UART_LSR_THRE 0x20

static volatile uint8_t *const uart = (volatile uint8_t *)UART_BASE;

void console_init(void)
{
}

/* Wait for room in the transmitter, then send one byte (CR before LF). */
void console_putc(char c)
{
	if (c == '\n')
		console_putc('\r');
	while (!(uart[UART_LSR] & UART_LSR_THRE))
		;
	uart[UART_THR] = (uint8_t)c;
}

static int console_stdio_put(char c, FILE *f)
{
	(void)f;
	console_putc(c);
	return (unsigned char)c;
}

static FILE console_file =
	FDEV_SETUP_STREAM(console_stdio_put, NULL, NULL, _FDEV_SETUP_WRITE);
FILE *const stdout = &console_file;
FILE *const stderr = &console_file;

/* Print a line naming what went wrong and power off with a failure. */
void panic(const char *fmt, ...)
{
	va_list ap;

	irq_save();
	printf("panic: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	poweroff(3);
}
