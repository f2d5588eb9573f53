/* Grant tables, host side: how back-ends and GNTTABOP_copy reach a
 * granter's memory — only through a grant reference, validated against
 * the entry the granter wrote (read once), then gfn -> P2M -> pinned
 * machine frame.  While mapped, GTF_reading/GTF_writing are set in the
 * entry (compare-and-swap, so the granter's own CAS revoke fails) and the
 * frame is pinned (cannot be swapped or ballooned).  atoll keeps its own
 * count of mappings per reference and never trusts flags it read before:
 * a granter that scribbles over a mapped entry changes nothing for atoll
 * (the frame stays pinned until unmapped). */
#ifndef ATOLL_IO_GRANT_H
#define ATOLL_IO_GRANT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "atoll/abi/grant_table.h"
#include "atoll/abi/grant_table_op.h"

struct io_dom;
struct guest_access;

#define GRANT_PER_FRAME 512u /* 8-byte v1 entries per 4 KiB frame */
#define GRANT_MAX_ENTRIES (ATOLL_GNTTAB_MAX_FRAMES * GRANT_PER_FRAME)

struct grant_table {
	pthread_mutex_t lock; /* registration, map counts */
	unsigned nr_frames;
	uint64_t gfn[ATOLL_GNTTAB_MAX_FRAMES];
	uint32_t mfn[ATOLL_GNTTAB_MAX_FRAMES]; /* pinned */
	uint8_t *page[ATOLL_GNTTAB_MAX_FRAMES];
	uint16_t readers[GRANT_MAX_ENTRIES]; /* atoll's mappings per ref */
	uint16_t writers[GRANT_MAX_ENTRIES];
	uint64_t maps, unmaps, copies; /* statistics */
};

/* A mapped grant: ptr reaches the whole 4 KiB frame (writable only if
 * !readonly).  Filled by grant_map, consumed by grant_unmap. */
struct grant_mapping {
	struct io_dom *granter; /* holds a reference */
	grant_ref_t ref;
	bool readonly;
	uint64_t gfn;
	uint32_t mfn;
	void *ptr;
};

void grant_table_init(struct grant_table *gt);
void grant_table_destroy(struct grant_table *gt);
/* Unpin the table frames (domain detach). */
void grant_table_release(struct io_dom *d);

/* Register the granter's table: n frames given by gfn, pinned until the
 * domain goes.  0, -EINVAL (n, a gfn outside RAM or repeated), -EBUSY
 * (registered already), -EAGAIN. */
int grant_set_table(struct io_dom *d, const uint64_t *gfns, unsigned n);

/* Map reference `ref` of `granter` for `grantee` (DOMID_BACKEND for
 * atoll's back-ends).  0; -ENOENT no table; -EINVAL ref out of range or
 * the granted gfn is not usable RAM; -EPERM not granted to grantee, or
 * read-only and !readonly; -EBUSY the entry kept changing under the CAS;
 * -ENOSPC too many mappings of one ref.  Takes a reference on granter. */
int grant_map(struct io_dom *granter, domid_t grantee, grant_ref_t ref,
	      bool readonly, struct grant_mapping *out);
void grant_unmap(struct grant_mapping *m);

/* Copy between a granted frame and a host buffer (map, copy, unmap):
 * offset + len <= 4096.  0 or grant_map's errors, -EINVAL for the range. */
int grant_copy_from(struct io_dom *granter, domid_t grantee, grant_ref_t ref,
		    unsigned offset, void *buf, unsigned len);
int grant_copy_to(struct io_dom *granter, domid_t grantee, grant_ref_t ref,
		  unsigned offset, const void *buf, unsigned len);

/* grant_table_op from domain d (grant_hcall.c): returns the hypercall
 * result. */
long grant_hcall(struct io_dom *d, const struct guest_access *g, uint64_t cmd,
		 uint64_t arg, uint64_t count);

#endif
