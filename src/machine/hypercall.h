/* atoll's hypercalls: the SBI extension ATOLL_SBI_EXT
 * (include/atoll/abi/hypercall.h), one function per Xen hypercall, a6 = its
 * number.  memory_op is served (src/mem/memop.c); the others answer -ENOSYS
 * until their subsystems exist. */
#ifndef ATOLL_MACHINE_HYPERCALL_H
#define ATOLL_MACHINE_HYPERCALL_H

#include <stdint.h>

#include "machine/sbi.h"

/* The extension's handler for sbi_call (same shape as the others): nr =
 * hypercall number (a6), a = a0..a5.  error SBI_ERR_NOT_SUPPORTED for an
 * unknown number, else 0 with the hypercall's result in value. */
struct sbiret hypercall_sbi(struct machine *m, struct hart *h, uint64_t nr,
			    const uint64_t *a);

#endif
