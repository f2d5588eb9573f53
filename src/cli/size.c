/* Number parsing for command-line values. */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"
#include "lib/log.h"

static int size_shift(const char *suffix, unsigned *shift)
{
	static const char units[] = "KMGT";
	const char *u;

	if (*suffix == 0) {
		*shift = 0;
		return 0;
	}
	u = strchr(units, toupper((unsigned char)*suffix));
	if (!u)
		return -EINVAL;
	*shift = 10 * (unsigned)(u - units + 1);
	suffix++;
	if (!*suffix || !strcasecmp(suffix, "B") || !strcasecmp(suffix, "iB"))
		return 0;
	return -EINVAL;
}

int parse_size(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	unsigned shift;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return -EINVAL;
	for (; isdigit((unsigned char)*p); p++) {
		unsigned d = (unsigned)(*p - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	if (size_shift(p, &shift))
		return -EINVAL;
	if (shift && v > UINT64_MAX >> shift)
		return -ERANGE;
	*out = v << shift;
	return 0;
}

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
