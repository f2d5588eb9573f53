/* echo: console input test.  Reads lines from the UART (src=uart, the
 * default) or the PV console (src=pv) and prints each back as
 * "echo: LINE"; ends with status 0 at a line "quit", 1 when no line came
 * for `ticks` ticks (default 1000, 10 s). */
#include <string.h>

#include "kernel.h"

#define ECHO_UART ((volatile uint8_t *)0x10000000ul)
#define ECHO_LSR 5
#define ECHO_LSR_DR 0x01
#define ECHO_LINE 128

/* One input byte, or -1 if none is waiting. */
static int echo_getc(int pv)
{
	if (pv)
		return consfront_getc();
	if (!(ECHO_UART[ECHO_LSR] & ECHO_LSR_DR))
		return -1;
	return ECHO_UART[0];
}

int wl_echo(void)
{
	int pv = !strcmp(cmdline_get("src", "uart"), "pv");
	long ticks = cmdline_long("ticks", 1000), idle = 0;
	char line[ECHO_LINE];
	size_t n = 0;
	int ch;

	printf("echo: ready (%s)\n", pv ? "pv" : "uart");
	while (idle < ticks) {
		ch = echo_getc(pv);
		if (ch < 0) {
			thread_sleep(1);
			idle++;
			continue;
		}
		idle = 0;
		if (ch == '\r')
			continue;
		if (ch != '\n' && n < sizeof(line) - 1) {
			line[n++] = (char)ch;
			continue;
		}
		line[n] = 0;
		n = 0;
		if (!strcmp(line, "quit")) {
			printf("echo: bye\n");
			return 0;
		}
		printf("echo: %s\n", line);
	}
	printf("echo: FAIL no input for %ld ticks\n", ticks);
	return 1;
}
