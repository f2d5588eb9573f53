/* A minimal flattened-device-tree reader: RAM (/memory reg), the timebase
 * (/cpus timebase-frequency) and the command line (/chosen bootargs). */
#include <string.h>

#include "kernel.h"

#define FDT_MAGIC 0xd00dfeed
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9
#define FDT_MAX_SIZE (1u << 20)

static uint32_t be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

/* A cells-long big-endian number (1 or 2 cells). */
static uint64_t fdt_cells(const uint8_t *p, uint32_t cells)
{
	return cells == 2 ? (uint64_t)be32(p) << 32 | be32(p + 4) : be32(p);
}

struct fdt_walk {
	const uint8_t *strs;
	uint32_t acells, scells;
	int depth;
	const char *node; /* name of the depth-2 node we are in */
};

/* Take what we want from one property. */
static void fdt_prop(struct fdt_walk *w, const char *name, const uint8_t *val,
		     uint32_t len, struct boot_info *bi)
{
	if (w->depth == 1 && !strcmp(name, "#address-cells") && len == 4)
		w->acells = be32(val);
	else if (w->depth == 1 && !strcmp(name, "#size-cells") && len == 4)
		w->scells = be32(val);
	if (w->depth != 2 || !w->node)
		return;
	if (!strncmp(w->node, "memory", 6) && !strcmp(name, "reg") &&
	    len >= 4 * (w->acells + w->scells) && !bi->ram_size) {
		bi->ram_base = fdt_cells(val, w->acells);
		bi->ram_size = fdt_cells(val + 4 * w->acells, w->scells);
	} else if (!strcmp(w->node, "chosen") && !strcmp(name, "bootargs") &&
		   len > 0 && val[len - 1] == 0) {
		bi->bootargs = (const char *)val;
	} else if (!strcmp(w->node, "cpus") &&
		   !strcmp(name, "timebase-frequency") && len == 4) {
		bi->timebase_hz = be32(val);
	}
}

/* Walk the structure block; 0, or -22 if the blob is not a sane FDT. */
int fdt_parse(const void *dtb, struct boot_info *bi)
{
	const uint8_t *base = dtb, *p, *end;
	struct fdt_walk w = { .acells = 2, .scells = 2 };
	uint32_t total;

	if (!dtb || be32(base) != FDT_MAGIC)
		return -22;
	total = be32(base + 4);
	if (total > FDT_MAX_SIZE)
		return -22;
	bi->dtb_pa = (uint64_t)(uintptr_t)dtb;
	bi->dtb_size = total;
	p = base + be32(base + 8);
	end = base + total;
	w.strs = base + be32(base + 12);
	while (p + 4 <= end) {
		uint32_t tok = be32(p);

		p += 4;
		if (tok == FDT_BEGIN_NODE) {
			const char *name = (const char *)p;

			w.depth++;
			if (w.depth == 2)
				w.node = name;
			p += (strlen(name) + 4) & ~3ul;
		} else if (tok == FDT_END_NODE) {
			if (w.depth == 2)
				w.node = NULL;
			w.depth--;
		} else if (tok == FDT_PROP) {
			uint32_t len = be32(p), off = be32(p + 4);

			fdt_prop(&w, (const char *)w.strs + off, p + 8, len,
				 bi);
			p += 8 + ((len + 3) & ~3u);
		} else if (tok == FDT_END) {
			return 0;
		} else if (tok != FDT_NOP) {
			return -22;
		}
	}
	return -22;
}
