/* One-line diagnostics on stderr. */
#include <stdarg.h>
#include <stdio.h>

#include "machine/diag.h"

/* Format into one buffer and write it with a single call, so that lines
 * from different threads never interleave. */
void diag_error(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	buf[n] = 0;
	fprintf(stderr, "atoll: %s", buf);
}
