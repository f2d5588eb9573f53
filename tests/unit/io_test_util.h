/* Shared by the grant-table and event-channel tests: a memory host with a
 * swap file, domains with PV state, and a fake guest address space for the
 * hypercall handlers (va = offset into a buffer). */
#ifndef ATOLL_TESTS_IO_TEST_UTIL_H
#define ATOLL_TESTS_IO_TEST_UTIL_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cpu/bus.h"
#include "io/io_dom.h"
#include "mem/dom_mem.h"
#include "mem/memhost.h"

#define IT_BASE_GFN 0x80000ull
#define IT_FRAMES 128u /* guest RAM of each test domain */

static char it_dir[64], it_path[96];

static inline int it_host(struct mem_host *mh, uint32_t frames)
{
	const char *tmp = getenv("TMPDIR");
	struct mem_host_config cfg = {
		.machine_memory = (uint64_t)frames * PAGE_SIZE,
		.swap_path = it_path,
		.swap_size = (uint64_t)frames * 2 * PAGE_SIZE,
	};

	snprintf(it_dir, sizeof(it_dir), "%s/atoll-io-XXXXXX",
		 tmp ? tmp : "/tmp");
	if (!mkdtemp(it_dir))
		return -1;
	snprintf(it_path, sizeof(it_path), "%s/swap", it_dir);
	return mem_host_init(mh, &cfg) ? -1 : 0;
}

static inline void it_host_done(struct mem_host *mh)
{
	mem_host_destroy(mh);
	unlink(it_path);
	rmdir(it_dir);
}

static inline struct dom_mem *it_dom(struct mem_host *mh, domid_t id)
{
	struct dom_mem_config c = {
		.domid = id,
		.name = id == 1 ? "a" : "b",
		.base_gfn = IT_BASE_GFN,
		.memory = IT_FRAMES,
		.maxmem = IT_FRAMES,
		.reservation = 8,
	};
	struct dom_mem *d;

	return dom_mem_create(mh, &c, &d) ? NULL : d;
}

/* The P2M entry of a gfn. */
static inline struct p2m_entry it_p2m(struct dom_mem *d, uint64_t g)
{
	return p2m_get(&d->p2m, gfn(g));
}

/* Fake guest memory for hypercall arguments. */
static uint8_t it_gmem[65536];

static inline int it_gread(void *ctx, uint64_t va, void *buf, size_t len)
{
	if (va > sizeof(it_gmem) || len > sizeof(it_gmem) - va)
		return -EFAULT;
	memcpy(buf, it_gmem + va, len);
	return 0;
}

static inline int it_gwrite(void *ctx, uint64_t va, const void *buf, size_t len)
{
	if (va > sizeof(it_gmem) || len > sizeof(it_gmem) - va)
		return -EFAULT;
	memcpy(it_gmem + va, buf, len);
	return 0;
}

static const struct guest_access it_guest = { it_gread, it_gwrite, NULL };

#endif
