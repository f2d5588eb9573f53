/* One row of a structure-layout table: "struct.field" -> offset and size.
 * Two tables are built, one from Xen's public headers and one from atoll's
 * ABI headers (they cannot share a translation unit: the names clash). */
#ifndef ATOLL_TEST_ABI_LAYOUT_H
#define ATOLL_TEST_ABI_LAYOUT_H

#include <stddef.h>

struct abi_row {
	const char *name;
	size_t value;
};

#define ABI_SIZE(t)                                                            \
	{                                                                      \
		"sizeof " #t, sizeof(t)                                        \
	}
#define ABI_OFF(t, f)                                                          \
	{                                                                      \
#t "." #f, offsetof(t, f)                                      \
	}
#define ABI_FSIZE(t, f)                                                        \
	{                                                                      \
		"sizeof " #t "." #f, sizeof(((t *)0)->f)                       \
	}
#define ABI_CONST(c)                                                           \
	{                                                                      \
#c, (size_t)(c)                                                \
	}

/* The field list, shared by both tables so they cannot drift apart.  Each
 * side defines the type names it maps them to before expanding it. */
#define ABI_ROWS(X_SIZE, X_OFF, X_CONST)                                       \
	X_SIZE(GRANT_ENTRY), X_OFF(GRANT_ENTRY, flags),                        \
		X_OFF(GRANT_ENTRY, domid), X_OFF(GRANT_ENTRY, frame),          \
		X_SIZE(BLK_REQ), X_OFF(BLK_REQ, operation),                    \
		X_OFF(BLK_REQ, nr_segments), X_OFF(BLK_REQ, handle),           \
		X_OFF(BLK_REQ, id), X_OFF(BLK_REQ, sector_number),             \
		X_OFF(BLK_REQ, seg), X_SIZE(BLK_SEG), X_OFF(BLK_SEG, gref),    \
		X_OFF(BLK_SEG, first_sect), X_OFF(BLK_SEG, last_sect),         \
		X_SIZE(BLK_DISCARD), X_OFF(BLK_DISCARD, flag),                 \
		X_OFF(BLK_DISCARD, id), X_OFF(BLK_DISCARD, sector_number),     \
		X_OFF(BLK_DISCARD, nr_sectors), X_SIZE(BLK_RSP),               \
		X_OFF(BLK_RSP, id), X_OFF(BLK_RSP, operation),                 \
		X_OFF(BLK_RSP, status), X_SIZE(BLK_SRING),                     \
		X_OFF(BLK_SRING, req_prod), X_OFF(BLK_SRING, req_event),       \
		X_OFF(BLK_SRING, rsp_prod), X_OFF(BLK_SRING, rsp_event),       \
		X_OFF(BLK_SRING, ring), X_SIZE(BLK_ENTRY), X_SIZE(TX_REQ),     \
		X_OFF(TX_REQ, gref), X_OFF(TX_REQ, offset),                    \
		X_OFF(TX_REQ, flags), X_OFF(TX_REQ, id), X_OFF(TX_REQ, size),  \
		X_SIZE(TX_RSP), X_OFF(TX_RSP, id), X_OFF(TX_RSP, status),      \
		X_SIZE(RX_REQ), X_OFF(RX_REQ, id), X_OFF(RX_REQ, gref),        \
		X_SIZE(RX_RSP), X_OFF(RX_RSP, id), X_OFF(RX_RSP, offset),      \
		X_OFF(RX_RSP, flags), X_OFF(RX_RSP, status), X_SIZE(TX_ENTRY), \
		X_SIZE(RX_ENTRY), X_OFF(TX_SRING, ring),                       \
		X_OFF(RX_SRING, ring), X_SIZE(CONS), X_OFF(CONS, in),          \
		X_OFF(CONS, out), X_OFF(CONS, in_cons), X_OFF(CONS, in_prod),  \
		X_OFF(CONS, out_cons), X_OFF(CONS, out_prod),                  \
		X_CONST(GTF_permit_access), X_CONST(GTF_readonly),             \
		X_CONST(GTF_reading), X_CONST(GTF_writing),                    \
		X_CONST(GNTTAB_NR_RESERVED_ENTRIES), X_CONST(BLKIF_OP_READ),   \
		X_CONST(BLKIF_OP_WRITE), X_CONST(BLKIF_OP_FLUSH_DISKCACHE),    \
		X_CONST(BLKIF_OP_DISCARD),                                     \
		X_CONST(BLKIF_MAX_SEGMENTS_PER_REQUEST),                       \
		X_CONST(BLKIF_RSP_OKAY + 2), X_CONST(BLKIF_RSP_ERROR + 2),     \
		X_CONST(BLKIF_RSP_EOPNOTSUPP + 2), X_CONST(NETTXF_csum_blank), \
		X_CONST(NETTXF_data_validated), X_CONST(NETTXF_more_data),     \
		X_CONST(NETTXF_extra_info), X_CONST(NETRXF_data_validated),    \
		X_CONST(NETRXF_csum_blank), X_CONST(NETRXF_more_data),         \
		X_CONST(NETRXF_extra_info), X_CONST(NETIF_RSP_OKAY + 2),       \
		X_CONST(NETIF_RSP_ERROR + 2), X_CONST(NETIF_RSP_DROPPED + 2),  \
		X_CONST(NETIF_RSP_NULL + 2), X_CONST(RING_SLOTS_BLK),          \
		X_CONST(RING_SLOTS_TX), X_CONST(RING_SLOTS_RX)

extern const struct abi_row abi_xen_rows[];
extern const unsigned abi_xen_nrows;

#endif
