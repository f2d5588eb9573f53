/* The guest's one flattened-device-tree walker (fdt_walk), and what the
 * kernel reads with it at boot: RAM (/memory reg), the timebase (/cpus
 * timebase-frequency) and the command line (/chosen bootargs).  Drivers
 * look up their nodes by `compatible` with the same walker (pv_fdt.c). */
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
#define EINVAL 22

uint32_t fdt_be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

int fdt_walk(const void *dtb, const struct fdt_visitor *v, void *ctx)
{
	const uint8_t *base = dtb, *p, *end, *strs;
	uint32_t total;
	int depth = -1, r;

	if (!dtb || fdt_be32(base) != FDT_MAGIC)
		return -EINVAL;
	total = fdt_be32(base + 4);
	if (total > FDT_MAX_SIZE)
		return -EINVAL;
	p = base + fdt_be32(base + 8);
	end = base + total;
	strs = base + fdt_be32(base + 12);
	while (p + 4 <= end) {
		uint32_t tok = fdt_be32(p);

		p += 4;
		if (tok == FDT_BEGIN_NODE) {
			const char *name = (const char *)p;

			if (++depth >= FDT_MAX_DEPTH)
				return -EINVAL;
			p += (strnlen(name, (size_t)(end - p)) + 4) & ~3ul;
			if (v->begin && (r = v->begin(ctx, depth, name)) != 0)
				return r;
		} else if (tok == FDT_END_NODE) {
			if (depth < 0)
				return -EINVAL;
			if (v->end && (r = v->end(ctx, depth)) != 0)
				return r;
			depth--;
		} else if (tok == FDT_PROP && depth >= 0 && p + 8 <= end) {
			uint32_t len = fdt_be32(p);
			const char *name = (const char *)strs + fdt_be32(p + 4);
			const uint8_t *val = p + 8;

			if (len > (size_t)(end - val))
				return -EINVAL;
			if (v->prop &&
			    (r = v->prop(ctx, depth, name, val, len)) != 0)
				return r;
			p = val + ((len + 3) & ~3u);
		} else if (tok == FDT_END) {
			return 0;
		} else if (tok != FDT_NOP) {
			return -EINVAL;
		}
	}
	return -EINVAL;
}

/* A cells-long big-endian number (1 or 2 cells). */
static uint64_t fdt_cells(const uint8_t *p, uint32_t cells)
{
	return cells == 2 ? (uint64_t)fdt_be32(p) << 32 | fdt_be32(p + 4)
			  : fdt_be32(p);
}

struct fdt_boot {
	struct boot_info *bi;
	uint32_t acells, scells;
	const char *node; /* name of the root's child we are in */
};

static int fdt_boot_begin(void *ctx, int depth, const char *name)
{
	struct fdt_boot *b = ctx;

	if (depth == 1)
		b->node = name;
	return 0;
}

static int fdt_boot_end(void *ctx, int depth)
{
	struct fdt_boot *b = ctx;

	if (depth == 1)
		b->node = NULL;
	return 0;
}

/* Take what we want from one property. */
static int fdt_boot_prop(void *ctx, int depth, const char *name,
			 const uint8_t *val, uint32_t len)
{
	struct fdt_boot *b = ctx;
	struct boot_info *bi = b->bi;

	if (depth == 0 && !strcmp(name, "#address-cells") && len == 4)
		b->acells = fdt_be32(val);
	else if (depth == 0 && !strcmp(name, "#size-cells") && len == 4)
		b->scells = fdt_be32(val);
	if (depth != 1 || !b->node)
		return 0;
	if (!strncmp(b->node, "memory", 6) && !strcmp(name, "reg") &&
	    len >= 4 * (b->acells + b->scells) && !bi->ram_size) {
		bi->ram_base = fdt_cells(val, b->acells);
		bi->ram_size = fdt_cells(val + 4 * b->acells, b->scells);
	} else if (!strcmp(b->node, "chosen") && !strcmp(name, "bootargs") &&
		   len > 0 && val[len - 1] == 0) {
		bi->bootargs = (const char *)val;
	} else if (!strcmp(b->node, "cpus") &&
		   !strcmp(name, "timebase-frequency") && len == 4) {
		bi->timebase_hz = fdt_be32(val);
	}
	return 0;
}

int fdt_parse(const void *dtb, struct boot_info *bi)
{
	static const struct fdt_visitor v = { fdt_boot_begin, fdt_boot_end,
					      fdt_boot_prop };
	struct fdt_boot b = { bi, 2, 2, NULL };
	int err = fdt_walk(dtb, &v, &b);

	if (err)
		return err;
	bi->dtb_pa = (uint64_t)(uintptr_t)dtb;
	bi->dtb_size = fdt_be32((const uint8_t *)dtb + 4);
	return 0;
}
