/* The memory_op facts compared between atoll's ABI headers and Xen's
 * (test_abi_memory.c against abi_memory_ref.c), as in abi_layout.h: one
 * list, expanded on each side with its own type names. */
#ifndef ATOLL_TEST_ABI_MEMORY_H
#define ATOLL_TEST_ABI_MEMORY_H

#include "abi_layout.h"

#define ABI_MEMORY_ROWS(X_SIZE, X_OFF, X_FSIZE, X_CONST)                       \
	X_SIZE(RES), X_OFF(RES, extent_start), X_FSIZE(RES, extent_start),     \
		X_OFF(RES, nr_extents), X_FSIZE(RES, nr_extents),              \
		X_OFF(RES, extent_order), X_FSIZE(RES, extent_order),          \
		X_OFF(RES, mem_flags), X_FSIZE(RES, mem_flags),                \
		X_OFF(RES, domid), X_FSIZE(RES, domid), X_SIZE(xen_pfn_t),     \
		X_SIZE(domid_t), X_CONST(XENMEM_increase_reservation),         \
		X_CONST(XENMEM_decrease_reservation),                          \
		X_CONST(XENMEM_current_reservation),                           \
		X_CONST(XENMEM_maximum_reservation),                           \
		X_CONST(XENMEM_populate_physmap), X_CONST(DOMID_SELF),         \
		X_CONST(__HYPERVISOR_memory_op),                               \
		X_CONST(__HYPERVISOR_console_io),                              \
		X_CONST(__HYPERVISOR_grant_table_op),                          \
		X_CONST(__HYPERVISOR_sched_op),                                \
		X_CONST(__HYPERVISOR_event_channel_op)

extern const struct abi_row abi_memory_xen_rows[];
extern const unsigned abi_memory_xen_nrows;

#endif
