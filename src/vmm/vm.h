/* One virtual machine: a board (src/machine) and one host thread per hart.
 * vm_create builds everything but starts nothing; vm_run starts the console
 * and the vCPU threads, waits until the guest ends it or a signal arrives,
 * stops and joins every thread, and returns the exit status. */
#ifndef ATOLL_VMM_VM_H
#define ATOLL_VMM_VM_H

#include <stdbool.h>

#include "machine/machine.h"

struct vm_config {
	struct machine_config machine;
	bool stats; /* print per-hart statistics to stderr at exit */
};

struct vm;

/* Returns 0, or -errno after printing one line that names the problem. */
int vm_create(struct vm **out, const struct vm_config *cfg);

/* Exit status: the guest's (test device, HTIF, SBI system reset: see
 * machine/), 0 for Ctrl-A x, 128 + signal number for SIGINT, SIGTERM or
 * SIGHUP (the shell convention), 1 if the VM could not be started. */
int vm_run(struct vm *vm);

void vm_destroy(struct vm *vm);

#endif
