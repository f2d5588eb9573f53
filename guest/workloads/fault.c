/* fault: the kernel reads an address it never mapped; the trap handler
 * must print a panic line naming the trap and power off with a failure.
 * (A test of the failure path: this workload never passes.) */
#include "kernel.h"

#define FAULT_ADDR 0x20000000ul /* GiB 0, between the devices: unmapped */

int wl_fault(void)
{
	printf("fault: reading %#lx, expect a panic line\n", FAULT_ADDR);
	return (int)*(volatile uint64_t *)FAULT_ADDR;
}
