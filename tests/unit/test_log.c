/* The logging module (src/lib/log.c): the line format the tests and users
 * read ("atoll: [domain NAME: ]MESSAGE" and one newline), one write per
 * line, level filtering, and an over-long line cut rather than overrun. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "mem_test.h"

static char got[2048];

/* Run the logging calls of fn with stderr sent to a file; got = output. */
static void capture(void (*fn)(void))
{
	FILE *f = tmpfile();
	int saved = dup(STDERR_FILENO);
	size_t n;

	fflush(stderr);
	dup2(fileno(f), STDERR_FILENO);
	fn();
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(f);
	n = fread(got, 1, sizeof(got) - 1, f);
	got[n] = 0;
	fclose(f);
}

static void plain(void)
{
	log_error("swap file %s: %s", "x.swap", "bad");
	log_dom_warn("web", "gfn 0x%x: %s", 0x80010, "above its limit");
}

static void filtered(void)
{
	log_set_level(LOG_WARN);
	log_info("not shown");
	log_debug("not shown either");
	log_warn("shown");
	log_set_level(LOG_INFO);
	log_info("shown again");
	log_debug("still hidden");
}

static void long_line(void)
{
	char big[2000];

	memset(big, 'y', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	log_error("%s", big);
	log_error("after");
}

int main(void)
{
	unsetenv("ATOLL_LOG"); /* the default level, whatever the caller's */
	capture(plain);
	CHECK(!strcmp(got,
		      "atoll: swap file x.swap: bad\n"
		      "atoll: domain web: gfn 0x80010: above its limit\n"));
	CHECK(log_enabled(LOG_INFO) && !log_enabled(LOG_DEBUG));

	capture(filtered);
	CHECK(!strcmp(got, "atoll: shown\natoll: shown again\n"));

	capture(long_line);
	/* Cut to the buffer, still one line, and the next line intact. */
	CHECK(strlen(got) < 600);
	CHECK(!strncmp(got, "atoll: yyyy", 11));
	CHECK(strstr(got, "y\natoll: after\n") != NULL);
	return mt_finish("log");
}
