/* Device-tree lookups by `compatible`: the PV core's event-channel node
 * (and any other driver's node) without a full device-tree library. */
#include <errno.h>
#include <string.h>

#include "kernel.h"

#define FDT_MAGIC 0xd00dfeed
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9
#define FDT_MAX_SIZE (1u << 20)
#define FDT_MAX_DEPTH 16

static uint32_t be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

/* Does the string list val[0..len) hold `compat`? */
static int fdt_compat_has(const char *val, uint32_t len, const char *compat)
{
	size_t want = strlen(compat) + 1;

	for (uint32_t off = 0; off < len;) {
		size_t n = strnlen(val + off, len - off);

		if (n + 1 == want && !memcmp(val + off, compat, want))
			return 1;
		off += (uint32_t)n + 1;
	}
	return 0;
}

struct fdt_node_state {
	int compat; /* the node is compatible */
	int has; /* the property was seen */
	uint32_t val;
};

/* Find the first node compatible with `compat` that has a 4-byte (or
 * longer: first cell) property `prop`; 0 and *out, or -ENODEV. */
int fdt_find_u32(const void *dtb, const char *compat, const char *prop,
		 uint32_t *out)
{
	const uint8_t *base = dtb, *p, *end, *strs;
	struct fdt_node_state st[FDT_MAX_DEPTH] = { 0 };
	uint32_t total;
	int depth = -1;

	if (!dtb || be32(base) != FDT_MAGIC)
		return -ENODEV;
	total = be32(base + 4);
	if (total > FDT_MAX_SIZE)
		return -ENODEV;
	p = base + be32(base + 8);
	end = base + total;
	strs = base + be32(base + 12);
	while (p + 4 <= end) {
		uint32_t tok = be32(p);

		p += 4;
		if (tok == FDT_BEGIN_NODE) {
			if (++depth >= FDT_MAX_DEPTH)
				return -ENODEV;
			st[depth] = (struct fdt_node_state){ 0 };
			p += (strnlen((const char *)p, (size_t)(end - p)) + 4) &
			     ~3ul;
		} else if (tok == FDT_END_NODE) {
			if (depth < 0)
				return -ENODEV;
			if (st[depth].compat && st[depth].has) {
				*out = st[depth].val;
				return 0;
			}
			depth--;
		} else if (tok == FDT_PROP && depth >= 0 && p + 8 <= end) {
			uint32_t len = be32(p);
			const char *name = (const char *)strs + be32(p + 4);
			const uint8_t *val = p + 8;

			if (len > (size_t)(end - val))
				return -ENODEV;
			if (!strcmp(name, "compatible"))
				st[depth].compat |= fdt_compat_has(
					(const char *)val, len, compat);
			else if (!strcmp(name, prop) && len >= 4) {
				st[depth].has = 1;
				st[depth].val = be32(val);
			}
			p = val + ((len + 3) & ~3u);
		} else if (tok == FDT_END) {
			break;
		} else if (tok != FDT_NOP) {
			return -ENODEV;
		}
	}
	return -ENODEV;
}
