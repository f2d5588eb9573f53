/* grant_table_op (__HYPERVISOR_grant_table_op; a0 = cmd, a1 = guest-virtual
 * pointer to an array of `count` arguments, a2 = count): Xen's numbers and
 * layouts for Arm64 where Xen has the operation.
 *
 * Table registration (GNTTABOP_atoll_set_table, atoll's own): the guest
 * allocates nr_frames pages of its RAM and passes their gfns; entry r
 * lives in frame r / 512 at offset (r % 512) * 8.  atoll pins the frames
 * for the domain's life.  Xen's auto-translated guests instead map
 * Xen-owned frames with XENMEM_add_to_physmap(XENMAPSPACE_grant_table);
 * letting the guest own them keeps every frame inside its allowance.
 * Once per domain (-EBUSY after).
 *
 * GNTTABOP_copy: each op copies len bytes between two places, each either
 * a grant reference of domain `domid` (granted to the caller) or, without
 * the GNTCOPY_*_gref flag, a gfn of the caller itself (domid DOMID_SELF).
 * offset + len <= 4096.  The hypercall returns 0 and each op's status. */
#ifndef ATOLL_ABI_GRANT_TABLE_OP_H
#define ATOLL_ABI_GRANT_TABLE_OP_H

#include <stdint.h>

#define GNTTABOP_copy 5
#define GNTTABOP_atoll_set_table 0x100

#define ATOLL_GNTTAB_MAX_FRAMES 4 /* 2048 entries */
#define ATOLL_GNTTAB_MAX_COPY 256 /* ops per GNTTABOP_copy call */

#define GNTCOPY_source_gref 1
#define GNTCOPY_dest_gref 2

#define GNTST_okay 0
#define GNTST_general_error (-1)
#define GNTST_bad_domain (-2)
#define GNTST_bad_gntref (-3)
#define GNTST_permission_denied (-8)
#define GNTST_bad_page (-9)
#define GNTST_bad_copy_arg (-10)
#define GNTST_eagain (-12)

struct gnttab_copy_ptr {
	union {
		uint32_t ref;
		uint64_t gmfn;
	} u;
	uint16_t domid;
	uint16_t offset;
};

struct gnttab_copy {
	struct gnttab_copy_ptr source, dest;
	uint16_t len;
	uint16_t flags; /* GNTCOPY_* */
	int16_t status; /* OUT: GNTST_* */
};

struct gnttab_atoll_set_table {
	uint32_t nr_frames; /* 1 .. ATOLL_GNTTAB_MAX_FRAMES */
	uint32_t pad;
	uint64_t gfn[ATOLL_GNTTAB_MAX_FRAMES];
};

#endif
