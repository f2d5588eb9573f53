/* memory_op's ABI must be byte-compatible with Xen's: struct
 * xen_memory_reservation's layout, the XENMEM_* and hypercall numbers and
 * DOMID_SELF are compared with the table abi_memory_ref.c builds from
 * Debian's libxen-dev headers; atoll's own operations must stay clear of
 * Xen's numbers. */
#include <stdio.h>
#include <string.h>

#include "atoll/abi/hypercall.h"
#include "atoll/abi/memory.h"

#include "abi_memory.h"

#define RES struct xen_memory_reservation

/* atoll's operations must not collide with any XENMEM_* Xen defines
 * (0..31 today) nor with each other. */
static int check_own_numbers(void)
{
	const unsigned own[] = { ATOLL_MEM_request_more, ATOLL_MEM_get_target,
				 ATOLL_MEM_report };
	int bad = 0;

	for (unsigned i = 0; i < 3; i++) {
		if (own[i] < 0x40) {
			printf("FAIL: atoll memory_op %#x in Xen's range\n",
			       own[i]);
			bad++;
		}
		for (unsigned j = 0; j < i; j++)
			bad += own[i] == own[j];
	}
	if (sizeof(struct atoll_mem_request) != 16 ||
	    sizeof(struct atoll_mem_report) != 16) {
		printf("FAIL: atoll_mem_request/report are not 16 bytes\n");
		bad++;
	}
	return bad;
}

int main(void)
{
	const struct abi_row ours[] = { ABI_MEMORY_ROWS(ABI_SIZE, ABI_OFF,
							ABI_FSIZE, ABI_CONST) };
	unsigned n = sizeof(ours) / sizeof(ours[0]), failed = 0;

	if (n != abi_memory_xen_nrows) {
		printf("FAIL: row count %u vs Xen %u\n", n,
		       abi_memory_xen_nrows);
		return 1;
	}
	for (unsigned k = 0; k < n; k++) {
		if (strcmp(ours[k].name, abi_memory_xen_rows[k].name) != 0 ||
		    ours[k].value != abi_memory_xen_rows[k].value) {
			printf("FAIL: %s = %zu, Xen has %zu\n", ours[k].name,
			       ours[k].value, abi_memory_xen_rows[k].value);
			failed++;
		}
	}
	failed += check_own_numbers();
	printf("abi_memory: %u memory_op facts checked against Xen, %u "
	       "differ\n",
	       n, failed);
	return failed != 0;
}
