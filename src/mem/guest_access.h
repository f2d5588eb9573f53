/* How a hypercall handler reaches the calling guest's memory: copies by
 * guest-virtual address through the caller's page tables, provided by the
 * machine (src/cpu/guest_copy.h; a test's fake) so that src/mem and src/io
 * need no CPU.  Both return 0 or -errno (-EFAULT: not accessible; -EAGAIN:
 * the caller is being stopped); write leaves guest memory untouched when it
 * fails. */
#ifndef ATOLL_MEM_GUEST_ACCESS_H
#define ATOLL_MEM_GUEST_ACCESS_H

#include <stddef.h>
#include <stdint.h>

struct guest_access {
	int (*read)(void *ctx, uint64_t va, void *buf, size_t len);
	int (*write)(void *ctx, uint64_t va, const void *buf, size_t len);
	void *ctx;
};

#endif
