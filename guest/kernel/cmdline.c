/* The kernel command line: space-separated `key=value` words. */
#include <stdlib.h>
#include <string.h>

#include "kernel.h"

#define CMDLINE_MAX 512
#define CMDLINE_WORDS 32

static char buf[CMDLINE_MAX];
static const char *keys[CMDLINE_WORDS], *vals[CMDLINE_WORDS];
static int nwords;

/* Split a copy of args into words; bare words get the value "1". */
void cmdline_init(const char *args)
{
	char *p = buf;

	if (!args)
		return;
	strncpy(buf, args, CMDLINE_MAX - 1);
	while (*p && nwords < CMDLINE_WORDS) {
		char *eq;

		while (*p == ' ')
			*p++ = 0;
		if (!*p)
			break;
		keys[nwords] = p;
		while (*p && *p != ' ')
			p++;
		if (*p)
			*p++ = 0;
		eq = strchr(keys[nwords], '=');
		if (eq) {
			*eq = 0;
			vals[nwords] = eq + 1;
		} else {
			vals[nwords] = "1";
		}
		nwords++;
	}
}

const char *cmdline_get(const char *key, const char *dflt)
{
	for (int i = nwords - 1; i >= 0; i--)
		if (!strcmp(keys[i], key))
			return vals[i];
	return dflt;
}

/* A number (decimal or 0x), or dflt when absent or malformed. */
long cmdline_long(const char *key, long dflt)
{
	const char *v = cmdline_get(key, NULL);
	char *end;
	long n;

	if (!v)
		return dflt;
	n = strtol(v, &end, 0);
	if (end == v || *end) {
		printf("cmdline: bad number %s=%s, using %ld\n", key, v, dflt);
		return dflt;
	}
	return n;
}
