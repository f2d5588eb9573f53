/* Device-tree walker and command-line parser for the memory workloads.
 * The tree comes from the hypervisor (atoll or QEMU), but every offset is
 * still checked against the blob's size so a broken tree fails cleanly. */
#include "lib_cmdline.h"

#include "rt.h"

#define FDT_MAGIC 0xd00dfeedu
#define FDT_BEGIN_NODE 1u
#define FDT_END_NODE 2u
#define FDT_PROP 3u
#define FDT_NOP 4u
#define FDT_END 9u
#define FDT_MAX_SIZE (16u << 20)

extern char _end[];

struct fdt_walk {
	const uint8_t *blob;
	uint32_t size, off_struct, size_struct, off_strings, size_strings;
	int depth;
	int in_chosen, in_memory; /* at depth 1 */
	uint32_t addr_cells, size_cells; /* of the root node */
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be_cells(const uint8_t *p, uint32_t cells)
{
	uint64_t v = 0;

	for (uint32_t i = 0; i < cells; i++)
		v = v << 32 | be32(p + 4 * i);
	return v;
}

static int str_starts(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return 0;
	return 1;
}

static int str_eq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* Length of the NUL-terminated string at off within [off, lim), or -1. */
static long fdt_strlen(const struct fdt_walk *w, uint32_t off, uint32_t lim)
{
	for (uint32_t i = off; i < lim; i++)
		if (!w->blob[i])
			return (long)(i - off);
	return -1;
}

static void fdt_prop(struct fdt_walk *w, struct boot_info *bi, const char *name,
		     const uint8_t *val, uint32_t len)
{
	if (w->depth == 1 && str_eq(name, "#address-cells") && len == 4)
		w->addr_cells = be32(val);
	else if (w->depth == 1 && str_eq(name, "#size-cells") && len == 4)
		w->size_cells = be32(val);
	else if (w->depth == 2 && w->in_chosen && str_eq(name, "bootargs")) {
		uint32_t n = len < sizeof(bi->cmdline)
				     ? len
				     : sizeof(bi->cmdline) - 1;
		memcpy(bi->cmdline, val, n);
		bi->cmdline[n] = 0;
	} else if (w->depth == 2 && w->in_memory && str_eq(name, "reg") &&
		   !bi->ram_size && w->addr_cells <= 2 && w->size_cells <= 2 &&
		   len >= 4 * (w->addr_cells + w->size_cells)) {
		bi->ram_base = be_cells(val, w->addr_cells);
		bi->ram_size = be_cells(val + 4 * w->addr_cells, w->size_cells);
	}
}

/* Walk the structure block once; 0 or -1 on a malformed tree. */
static int fdt_walk_struct(struct fdt_walk *w, struct boot_info *bi)
{
	uint32_t off = w->off_struct, end = w->off_struct + w->size_struct;

	while (off + 4 <= end) {
		uint32_t tok = be32(w->blob + off);
		long n;

		off += 4;
		switch (tok) {
		case FDT_BEGIN_NODE:
			n = fdt_strlen(w, off, end);
			if (n < 0)
				return -1;
			if (++w->depth == 2) {
				const char *name = (const char *)w->blob + off;
				w->in_chosen = str_eq(name, "chosen");
				w->in_memory = str_starts(name, "memory");
			}
			off = (off + (uint32_t)n + 1 + 3) & ~3u;
			break;
		case FDT_END_NODE:
			if (--w->depth < 0)
				return -1;
			break;
		case FDT_PROP: {
			if (off + 8 > end)
				return -1;
			uint32_t len = be32(w->blob + off);
			uint32_t nameoff = be32(w->blob + off + 4);
			off += 8;
			if (len > end - off || nameoff >= w->size_strings ||
			    fdt_strlen(w, w->off_strings + nameoff,
				       w->off_strings + w->size_strings) < 0)
				return -1;
			fdt_prop(w, bi,
				 (const char *)w->blob + w->off_strings +
					 nameoff,
				 w->blob + off, len);
			off = (off + len + 3) & ~3u;
			break;
		}
		case FDT_NOP: break;
		case FDT_END: return 0;
		default: return -1;
		}
	}
	return -1;
}

/* The usable span: above our image and stack, below the tree if the tree
 * lies above us (QEMU and atoll put it near the top of RAM). */
static void boot_free_span(struct boot_info *bi)
{
	uint64_t lo =
		((uint64_t)(uintptr_t)_end + MEM_PAGE - 1) & ~(MEM_PAGE - 1);
	uint64_t hi = bi->ram_base + bi->ram_size;

	if (bi->fdt_base >= lo && bi->fdt_base < hi)
		hi = bi->fdt_base & ~(MEM_PAGE - 1);
	bi->free_lo = lo;
	bi->free_hi = hi > lo ? hi : lo;
}

int boot_info_read(uint64_t fdt, struct boot_info *bi)
{
	struct fdt_walk w = { .blob = (const uint8_t *)(uintptr_t)fdt,
			      .addr_cells = 2,
			      .size_cells = 1 };

	memset(bi, 0, sizeof(*bi));
	if (!fdt || (fdt & 3) || be32(w.blob) != FDT_MAGIC)
		return -1;
	w.size = be32(w.blob + 4);
	w.off_struct = be32(w.blob + 8);
	w.off_strings = be32(w.blob + 12);
	w.size_strings = be32(w.blob + 32);
	w.size_struct = be32(w.blob + 36);
	if (w.size > FDT_MAX_SIZE || w.off_struct > w.size ||
	    w.size_struct > w.size - w.off_struct || w.off_strings > w.size ||
	    w.size_strings > w.size - w.off_strings)
		return -1;
	if (fdt_walk_struct(&w, bi) < 0 || !bi->ram_size)
		return -1;
	bi->fdt_base = fdt;
	bi->fdt_size = w.size;
	boot_free_span(bi);
	return 0;
}

int cmdline_get(const char *cmdline, const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key);
	const char *p = cmdline;

	while (*p) {
		while (*p == ' ')
			p++;
		const char *word = p;
		while (*p && *p != ' ')
			p++;
		if ((size_t)(p - word) > klen && !memcmp(word, key, klen) &&
		    word[klen] == '=') {
			size_t n = (size_t)(p - word) - klen - 1;
			if (n >= len)
				n = len - 1;
			memcpy(buf, word + klen + 1, n);
			buf[n] = 0;
			return 0;
		}
	}
	return -1;
}

int cmdline_get_u64(const char *cmdline, const char *key, uint64_t def,
		    uint64_t *out)
{
	char buf[24];
	const char *p = buf;
	uint64_t v = 0, base = 10;

	if (cmdline_get(cmdline, key, buf, sizeof(buf)) < 0) {
		*out = def;
		return 0;
	}
	if (p[0] == '0' && p[1] == 'x')
		base = 16, p += 2;
	if (!*p)
		return -1;
	for (; *p; p++) {
		uint64_t d;
		if (*p >= '0' && *p <= '9')
			d = (uint64_t)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (uint64_t)(*p - 'a' + 10);
		else
			return -1;
		if (v > (~0ull - d) / base)
			return -1;
		v = v * base + d;
	}
	*out = v;
	return 0;
}
