/* What a memory workload learns from its boot: the command line
 * (/chosen/bootargs) and guest RAM (/memory reg) read from the device tree
 * with a tiny walker (no libfdt in the guest), and the span of RAM it may
 * use freely: above its own image and stack, below the device tree. */
#ifndef ATOLL_TESTS_MEM_LIB_CMDLINE_H
#define ATOLL_TESTS_MEM_LIB_CMDLINE_H

#include <stddef.h>
#include <stdint.h>

#define MEM_PAGE 4096ul

/* 10 MHz timebase ticks.  S-mode reads the time CSR: under OpenSBI the
 * CLINT's mtime is M-mode only. */
static inline uint64_t wl_time(void)
{
	uint64_t t;

	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

struct boot_info {
	char cmdline[256]; /* empty when the tree has no bootargs */
	uint64_t ram_base, ram_size; /* first /memory range */
	uint64_t fdt_base, fdt_size; /* where the device tree lies */
	uint64_t free_lo, free_hi; /* usable span, page aligned */
};

/* Read the tree at `fdt` (rt_boot_dtb).  0, or -1 if it is not a valid
 * device tree or has no memory node. */
int boot_info_read(uint64_t fdt, struct boot_info *bi);

/* The value of KEY=VALUE in a command line of space-separated words:
 * copies it into buf (NUL-terminated) and returns 0, or -1 if absent. */
int cmdline_get(const char *cmdline, const char *key, char *buf, size_t len);
/* KEY as an unsigned decimal (or 0x hex) number; `def` when absent.
 * -1 (and *out untouched) if present but not a number. */
int cmdline_get_u64(const char *cmdline, const char *key, uint64_t def,
		    uint64_t *out);

#endif
