/* Host-side copies to and from guest-virtual memory on the calling hart
 * (hypercall arguments): each page is translated with the hart's current
 * data context (privilege, SUM, MXR, satp), as the guest's own load or store
 * would be, then copied with memcpy.  Runs on the hart's own thread only. */
#ifndef ATOLL_CPU_GUEST_COPY_H
#define ATOLL_CPU_GUEST_COPY_H

#include <stddef.h>
#include <stdint.h>

#include "cpu/hart.h"

/* Copy len bytes at guest va into buf.  0, or -EFAULT if any page is not
 * readable RAM to the guest (unmapped, no permission, MMIO), or -EAGAIN if
 * the memory stayed unavailable while the hart was asked to stop or pause.
 * On error buf may hold a prefix of the bytes. */
int copy_from_guest(struct hart *h, void *buf, uint64_t va, size_t len);

/* Copy len bytes from buf to guest va.  Every page is checked for write
 * permission before the first byte moves, so -EFAULT leaves guest memory
 * untouched (as long as the guest does not change its page tables
 * meanwhile).  0, -EFAULT or -EAGAIN as above. */
int copy_to_guest(struct hart *h, uint64_t va, const void *buf, size_t len);

#endif
