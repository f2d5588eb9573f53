/* Number parsing for command-line values (sizes: lib/size.h). */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "lib/log.h"

int parse_uint(const char *s, unsigned min, unsigned max, unsigned *out)
{
	unsigned long v = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)
			return -EINVAL;
	}
	if (v < min)
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

int cli_engine(const char *v, enum cpu_engine *e)
{
	if (cpu_engine_parse(v, e)) {
		log_error("--engine '%s': must be jit or interp", v);
		return -EINVAL;
	}
	if (*e == CPU_ENGINE_JIT && !jit_supported()) {
		log_error("--engine jit: this host is not x86-64 (use interp)");
		return -EINVAL;
	}
	return 0;
}
