/* Sizes as people write and read them (size.h). */
#include <errno.h>
#include <stdio.h>
#include <strings.h>

#include "lib/size.h"

#define SIZE_MAX_BYTES (1ull << 53)

/* The shift of the unit at s: 20 for nothing (MiB), 0 for "B". */
static int size_unit(const char *s, unsigned *shift)
{
	static const char units[] = "kmgt";

	if (!*s) {
		*shift = 20;
		return 0;
	}
	if (!strcasecmp(s, "B")) {
		*shift = 0;
		return 0;
	}
	for (unsigned i = 0; units[i]; i++) {
		if ((*s | 0x20) != units[i])
			continue;
		*shift = 10 * (i + 1);
		s++;
		return !*s || !strcasecmp(s, "B") || !strcasecmp(s, "iB")
			       ? 0
			       : -EINVAL;
	}
	return -EINVAL;
}

int size_parse(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	unsigned shift;
	int overflow = 0;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (uint64_t)(*s - '0');
		overflow |= v > SIZE_MAX_BYTES;
	}
	if (size_unit(s, &shift))
		return -EINVAL;
	if (overflow || v > SIZE_MAX_BYTES >> shift)
		return -ERANGE;
	*out = v << shift;
	return 0;
}

const char *size_format(uint64_t bytes, char *buf)
{
	uint64_t unit = bytes >= (1ull << 30) ? 1ull << 30 : 1ull << 20;
	const char *name = unit == 1ull << 30 ? "GiB" : "MiB";

	if (bytes % unit == 0)
		snprintf(buf, SIZE_BUF, "%llu %s",
			 (unsigned long long)(bytes / unit), name);
	else
		snprintf(buf, SIZE_BUF, "%.1f %s", (double)bytes / (double)unit,
			 name);
	return buf;
}
