/* The CPU's only view of the machine: guest-physical memory and a few hooks.
 * The cpu layer knows nothing of domains, devices or the P2M; the machine
 * layer implements these operations (the domain's P2M, src/mem, sits behind
 * ram_page). */
#ifndef ATOLL_CPU_BUS_H
#define ATOLL_CPU_BUS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/retry.h"

struct hart;

struct cpu_bus_ops {
	/* Host pointer to the 4 KiB guest-physical page that starts at gpa_page,
	 * or NULL when that page is not RAM (then the access goes to MMIO).
	 * Called only on soft-TLB misses, never on the fast path.  `write`
	 * says the caller will store through it.  It must not block: a
	 * RAM page that cannot be provided now (no free machine frame, being
	 * swapped in or out) returns PAGE_RETRY; the CPU then abandons the
	 * instruction without any guest-visible effect, calls mem_wait, and
	 * executes it again. */
	void *(*ram_page)(void *ctx, uint64_t gpa_page, bool write);

	/* Block until an access that got PAGE_RETRY may succeed (bounded;
	 * spurious returns are fine).  It must keep serving the hart's TLB
	 * shootdowns while it waits (hart_shootdown_service), or a reclaimer
	 * waiting for this hart would wait forever.  May be NULL. */
	void (*mem_wait)(void *ctx, struct hart *h);

	/* Device access of 1, 2, 4 or 8 bytes at gpa.  0 on success; a negative
	 * value makes the CPU raise an access fault at the guest. */
	int (*mmio_read)(void *ctx, struct hart *h, uint64_t gpa, unsigned size,
			 uint64_t *val);
	int (*mmio_write)(void *ctx, struct hart *h, uint64_t gpa,
			  unsigned size, uint64_t val);

	/* An ecall from S-mode while the machine implements SBI itself
	 * (hart->sbi_in_host).  Reads a0-a7, writes a0/a1.  The CPU advances
	 * the pc past the ecall afterwards. */
	void (*sbi_call)(void *ctx, struct hart *h);

	/* May the hart's WFI poll for its interrupt now instead of sleeping
	 * (a device's completion is due within microseconds and the host has
	 * a cpu to spare: trap.c)?  May be NULL (never). */
	bool (*wfi_poll)(void *ctx, struct hart *h);
};

/* A lock-free direct view of guest RAM for the TLB-miss path, so that
 * finding a present page's host address is one load instead of a call
 * chain.  Word i of `entries` describes guest page `first` + i; when its
 * top byte equals `present`, the page's host address is
 * frames + (uint32_t)word * 4096, valid under the same rule as ram_page's
 * answer (until the shootdown that follows a change).  Any other word, and
 * any page outside [first, first + nr), goes through ops->ram_page.  The
 * machine sets nr to 0 to send every page there (pages it traps). */
struct cpu_ram_map {
	const _Atomic uint64_t *entries;
	uint64_t first, nr; /* guest page numbers (gpa >> 12) */
	uint8_t *frames;
	uint8_t present;
};

struct cpu_bus {
	const struct cpu_bus_ops *ops;
	void *ctx;
	const struct cpu_ram_map *ram_map; /* optional (NULL: none) */
};

#endif
