/* Device-tree lookups by `compatible`: the PV core's event-channel node
 * (and any other driver's node), on the kernel's one walker (fdt.c). */
#include <errno.h>
#include <string.h>

#include "kernel.h"

#define FDT_MAX_DEPTH 16

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

struct fdt_find {
	const char *compat, *prop;
	struct {
		int compat; /* the node is compatible */
		int has; /* the property was seen */
		uint32_t val;
	} st[FDT_MAX_DEPTH];
	uint32_t out;
};

static int fdt_find_begin(void *ctx, int depth, const char *name)
{
	struct fdt_find *f = ctx;

	memset(&f->st[depth], 0, sizeof(f->st[depth]));
	return 0;
}

/* A node ends: stop the walk (1) if it was the one. */
static int fdt_find_end(void *ctx, int depth)
{
	struct fdt_find *f = ctx;

	if (!f->st[depth].compat || !f->st[depth].has)
		return 0;
	f->out = f->st[depth].val;
	return 1;
}

static int fdt_find_prop(void *ctx, int depth, const char *name,
			 const uint8_t *val, uint32_t len)
{
	struct fdt_find *f = ctx;

	if (!strcmp(name, "compatible")) {
		f->st[depth].compat |=
			fdt_compat_has((const char *)val, len, f->compat);
	} else if (!strcmp(name, f->prop) && len >= 4) {
		f->st[depth].has = 1;
		f->st[depth].val = fdt_be32(val);
	}
	return 0;
}

int fdt_find_u32(const void *dtb, const char *compat, const char *prop,
		 uint32_t *out)
{
	static const struct fdt_visitor v = { fdt_find_begin, fdt_find_end,
					      fdt_find_prop };
	struct fdt_find f = { .compat = compat, .prop = prop };

	if (fdt_walk(dtb, &v, &f) != 1)
		return -ENODEV;
	*out = f.out;
	return 0;
}
