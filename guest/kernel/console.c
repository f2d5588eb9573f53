/* Console: picolibc's stdout.  First the board's NS16550 UART, polled;
 * on atoll, once the PV core is up, the PV console (consfront.c), fed a
 * line at a time.  Panics and anything after a PV failure use the UART.
 *
 * printf hands over one byte at a time and the tick may switch threads
 * between two of them, so in PV mode each thread gathers its own line and
 * adds it whole to the shared one: two threads' lines never mix. */
#include <stdarg.h>
#include <string.h>

#include "kernel.h"

#define UART_BASE 0x10000000ul
#define UART_THR 0
#define UART_LSR 5
#define UART_LSR_THRE 0x20
#define LINE_MAX 256

static volatile uint8_t *const uart = (volatile uint8_t *)UART_BASE;

/* PV mode: each thread's bytes until a newline or LINE_MAX (own), added
 * whole to the lines waiting to be pushed (line). */
static int cons_pv;
static char own[THREAD_MAX][LINE_MAX];
static unsigned own_len[THREAD_MAX];
static char line[LINE_MAX];
static unsigned line_len;
static int line_busy; /* a thread is pushing (maybe asleep in it) */

void console_init(void)
{
}

/* Wait for room in the transmitter, then send one byte (CR before LF). */
static void uart_putc(char c)
{
	if (c == '\n')
		uart_putc('\r');
	while (!(uart[UART_LSR] & UART_LSR_THRE))
		;
	uart[UART_THR] = (uint8_t)c;
}

/* Push the gathered bytes to the PV console (interrupts off; the push may
 * sleep when can_sleep).  A failed push sends them to the UART and
 * leaves PV mode. */
static void console_push(int can_sleep)
{
	char out[LINE_MAX];
	unsigned n;

	if (line_busy)
		return;
	line_busy = 1;
	while (line_len) {
		n = line_len;
		memcpy(out, line, n);
		line_len = 0;
		if (cons_pv && consfront_write(out, n, can_sleep) == (int)n)
			continue;
		cons_pv = 0;
		for (unsigned i = 0; i < n; i++)
			uart_putc(out[i]);
	}
	line_busy = 0;
}

/* Add p[0..n) (n <= LINE_MAX, interrupts off, s: were they on) whole to
 * the waiting lines and push them.  Full while another thread pushes:
 * let it finish (an interrupt handler cannot wait; its bytes go to the
 * UART). */
static void console_add(const char *p, unsigned n, unsigned long s)
{
	while (line_len + n > LINE_MAX) {
		if (!line_busy) {
			console_push(s != 0);
			continue;
		}
		if (!s) {
			for (unsigned i = 0; i < n; i++)
				uart_putc(p[i]);
			return;
		}
		thread_sleep(1);
	}
	memcpy(line + line_len, p, n);
	line_len += n;
	console_push(s != 0);
}

void console_putc(char c)
{
	unsigned long s;
	unsigned t;

	if (!cons_pv) {
		uart_putc(c);
		return;
	}
	s = irq_save();
	t = thread_index();
	own[t][own_len[t]++] = c;
	if (c == '\n' || own_len[t] == LINE_MAX) {
		unsigned n = own_len[t];

		own_len[t] = 0;
		console_add(own[t], n, s);
	}
	irq_restore(s);
}

/* Switch stdout to the PV console; stays on the UART if it cannot. */
void console_pv_start(void)
{
	int err = consfront_init();

	if (err) {
		printf("console: PV console not connected (%d), UART stays\n",
		       err);
		return;
	}
	printf("console: switching to the PV console\n");
	cons_pv = 1;
	printf("console: on the PV console\n");
}

/* Everything printed so far is out (before a power-off or a UART line). */
void console_flush(void)
{
	unsigned long s = irq_save();

	if (cons_pv) {
		unsigned t = thread_index(), n = own_len[t];

		own_len[t] = 0; /* this thread's unfinished line too */
		if (n)
			console_add(own[t], n, 0);
		console_push(0);
		consfront_drain();
	}
	irq_restore(s);
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

/* Print a line naming what went wrong and power off with a failure; the
 * PV ring is drained first and the line goes to the UART. */
void panic(const char *fmt, ...)
{
	va_list ap;

	irq_save();
	if (cons_pv && !line_busy)
		console_flush();
	cons_pv = 0;
	printf("panic: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	poweroff(3);
}
