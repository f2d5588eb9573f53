/* Grant table v1: how a guest lets a back-end (or another domain) reach one
 * of its frames.  Byte-compatible with Xen's grant_entry_v1.
 *
 * The guest owns a table of entries; entry number = grant reference.  To
 * grant a frame it writes gfn and domid, then (after a write barrier) flags
 * = GTF_permit_access [| GTF_readonly].  atoll sets GTF_reading/GTF_writing
 * while the frame is mapped for I/O; the guest may revoke the grant (flags =
 * 0) only when neither is set, with a compare-and-swap on flags. */
#ifndef ATOLL_ABI_GRANT_TABLE_H
#define ATOLL_ABI_GRANT_TABLE_H

#include <stdint.h>

typedef uint32_t grant_ref_t;
typedef uint16_t domid_t;

struct grant_entry_v1 {
	uint16_t
		flags; /* GTF_*: written by the guest, reading/writing by atoll */
	domid_t domid; /* the domain allowed to use the frame */
	uint32_t frame; /* guest frame number granted */
};

#define GTF_invalid 0u
#define GTF_permit_access 1u
#define GTF_type_mask 3u
#define GTF_readonly (1u << 2) /* the grantee may only read */
#define GTF_reading (1u << 3) /* atoll: mapped for reading now */
#define GTF_writing (1u << 4) /* atoll: mapped for writing now */

#define GNTTAB_NR_RESERVED_ENTRIES 8 /* refs 0-7 are reserved, as in Xen */

#endif
