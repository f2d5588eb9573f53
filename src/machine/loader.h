/* Image loaders: ELF64 RISC-V executables and raw binaries into guest RAM.
 * Image files are hostile input like guest memory: every offset and size is
 * checked before use.  On error a loader prints one line naming the file
 * (log_error) and returns -errno. */
#ifndef ATOLL_MACHINE_LOADER_H
#define ATOLL_MACHINE_LOADER_H

#include <stdbool.h>
#include <stdint.h>

#include "machine/ram.h"

struct load_result {
	uint64_t entry; /* ELF entry, or the raw load address */
	uint64_t lo, hi; /* extent of what was loaded: [lo, hi) */
	bool elf;
	bool linux_image; /* raw, with a Linux Image header */
	bool has_htif; /* the ELF defines both tohost and fromhost */
	uint64_t tohost, fromhost;
};

/* Load `path`: an ELF (by its magic) at its physical addresses, anything
 * else as raw bytes at raw_addr. */
int loader_load(struct ram *ram, const char *path, uint64_t raw_addr,
		struct load_result *res);

/* Where a kernel goes when it is not an ELF file. */
struct load_place {
	uint64_t raw_addr; /* a headerless image */
	uint64_t raw_alt; /* ... when it does not fit at raw_addr */
	uint64_t image_floor; /* a Linux Image: lowest address; 0 = raw */
};

/* Load a kernel: an ELF at its physical addresses, a Linux Image at RAM
 * base + its text_offset (moved up to a 2 MiB boundary at or above
 * image_floor), anything else raw at raw_addr (or raw_alt). */
int loader_load_kernel(struct ram *ram, const char *path,
		       const struct load_place *where, struct load_result *res);

/* Load `path` as raw bytes at addr, whatever it contains (an initrd). */
int loader_load_raw(struct ram *ram, const char *path, uint64_t addr,
		    struct load_result *res);

#endif
