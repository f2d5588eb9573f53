/* isolation: one domain's data must never reach another.
 *
 *   cmdline: isolation role=writer|scanner [low=1] [wait_ms=N]
 *
 * The writer fills every free page of its RAM (above its image and stack,
 * below the device tree) with a secret word and powers off.  The scanner,
 * started in the same atoll so that it gets frames the writer held, reads
 * every free page and fails (exit 1) on any nonzero word: the secret means
 * a frame changed owner without being scrubbed; anything else means a page
 * nobody wrote is not zero.  low=1 also scans RAM below the image (atoll's
 * own SBI leaves it untouched; under OpenSBI it is the firmware's).
 * wait_ms delays the scanner so that the writer is done first. */
#include "lib_cmdline.h"
#include "rt.h"

#define SECRET 0x5ec2e7a11da7a5ecull

extern char _start[];

static uint64_t fill_secret(uint64_t lo, uint64_t hi)
{
	for (uint64_t a = lo; a < hi; a += 8)
		*(volatile uint64_t *)(uintptr_t)a = SECRET;
	return (hi - lo) / MEM_PAGE;
}

/* Scan [lo, hi) page by page; exits 1 at the first page not all zero. */
static uint64_t scan_zero(uint64_t lo, uint64_t hi)
{
	for (uint64_t a = lo; a < hi; a += MEM_PAGE) {
		volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)a;
		uint64_t acc = 0;

		for (unsigned w = 0; w < MEM_PAGE / 8; w++)
			acc |= p[w];
		if (!acc)
			continue;
		for (unsigned w = 0; w < MEM_PAGE / 8; w++) {
			if (!p[w])
				continue;
			rt_printf(
				"isolation: FAIL page %lx word %u = %lx: %s\n",
				(unsigned long)a, w, (unsigned long)p[w],
				p[w] == SECRET ? "another domain's SECRET"
					       : "not scrubbed");
			rt_exit(1);
		}
	}
	return (hi - lo) / MEM_PAGE;
}

static void delay_ms(uint64_t ms)
{
	uint64_t end = wl_time() + ms * 10000;

	while (wl_time() < end)
		;
}

int main(void)
{
	struct boot_info bi;
	char role[16];
	uint64_t low, wait;

	if (boot_info_read(rt_boot_dtb, &bi) < 0 ||
	    cmdline_get(bi.cmdline, "role", role, sizeof(role)) < 0 ||
	    cmdline_get_u64(bi.cmdline, "low", 0, &low) < 0 ||
	    cmdline_get_u64(bi.cmdline, "wait_ms", 0, &wait) < 0) {
		rt_puts("isolation: want role=writer|scanner [low=1] "
			"[wait_ms=N] on the command line\n");
		return 2;
	}
	if (!memcmp(role, "writer", 7)) {
		uint64_t n = fill_secret(bi.free_lo, bi.free_hi);
		rt_printf("isolation: writer filled %lu pages at %lx\n",
			  (unsigned long)n, (unsigned long)bi.free_lo);
		return 0;
	}
	if (memcmp(role, "scanner", 8)) {
		rt_printf("isolation: unknown role '%s'\n", role);
		return 2;
	}
	delay_ms(wait);
	uint64_t n = scan_zero(bi.free_lo, bi.free_hi);
	uint64_t image = (uint64_t)(uintptr_t)_start;
	if (low && image > bi.ram_base)
		n += scan_zero(bi.ram_base, image & ~(MEM_PAGE - 1));
	rt_printf("isolation: scanner read %lu zero pages\n", (unsigned long)n);
	rt_puts("isolation: ok\n");
	return 0;
}
