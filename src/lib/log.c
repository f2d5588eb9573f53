/* One-line logging on stderr (log.h). */
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"

static const char *const log_names[] = { "error", "warn", "info", "debug" };
static atomic_int log_level = LOG_INFO;
static pthread_once_t log_once = PTHREAD_ONCE_INIT;

/* ATOLL_LOG names the most verbose level printed; an unknown name keeps
 * the default rather than silencing errors. */
static void log_init(void)
{
	const char *v = getenv("ATOLL_LOG");

	for (int l = LOG_ERROR; v && l <= LOG_DEBUG; l++)
		if (!strcmp(v, log_names[l]))
			atomic_store(&log_level, l);
}

bool log_enabled(enum log_level level)
{
	pthread_once(&log_once, log_init);
	return (int)level <= atomic_load(&log_level);
}

void log_set_level(enum log_level level)
{
	pthread_once(&log_once, log_init);
	atomic_store(&log_level, level);
}

/* Format into one buffer and write it with a single call, so that lines
 * from different threads never interleave; an over-long line is cut. */
void log_write(enum log_level level, const char *dom, const char *fmt, ...)
{
	char buf[512];
	size_t len = 0;
	va_list ap;
	int n;

	if (!log_enabled(level))
		return;
	if (dom) {
		n = snprintf(buf, sizeof(buf) - 1, "domain %s: ", dom);
		if (n < 0)
			return;
		len = (size_t)n < sizeof(buf) - 2 ? (size_t)n : sizeof(buf) - 2;
	}
	va_start(ap, fmt);
	n = vsnprintf(buf + len, sizeof(buf) - 1 - len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	len += n;
	if (len > sizeof(buf) - 2)
		len = sizeof(buf) - 2;
	buf[len++] = '\n';
	buf[len] = 0;
	fprintf(stderr, "atoll: %s", buf);
}
