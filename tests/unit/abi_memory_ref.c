/* The reference memory_op facts, from Xen's public headers (libxen-dev).
 * The latest interface version names the flags field mem_flags and gives
 * sched_op and event_channel_op their current numbers (older versions map
 * them to the *_compat calls). */
#define __XEN_INTERFACE_VERSION__ 0x00040e00

#include <stdint.h>

#include <xen/xen.h>
#include <xen/memory.h>

#include "abi_memory.h"

#define RES struct xen_memory_reservation

const struct abi_row abi_memory_xen_rows[] = { ABI_MEMORY_ROWS(
	ABI_SIZE, ABI_OFF, ABI_FSIZE, ABI_CONST) };
const unsigned abi_memory_xen_nrows =
	sizeof(abi_memory_xen_rows) / sizeof(abi_memory_xen_rows[0]);
