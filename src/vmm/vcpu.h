/* Inside the vmm: a VM's vCPUs and their SBI HSM state (shared by vm.c and
 * hsm.c; nothing outside src/vmm uses it). */
#ifndef ATOLL_VMM_VCPU_H
#define ATOLL_VMM_VCPU_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "cpu/hart.h"
#include "vmm/vm.h"

struct vcpu {
	struct hart hart; /* hart.owner points back here */
	struct vm *vm;
	pthread_t thread;
	bool thread_started;

	/* HSM state (enum sbi_hsm_state), under vm->hsm_lock. */
	int hsm;
	uint64_t start_addr, start_opaque; /* hart_start / resume target */
	pthread_cond_t wake; /* signalled when a STOPPED hart is started */
};

struct vm {
	struct machine *m;
	struct vcpu *vcpus;
	unsigned nr_vcpus;
	bool stats;

	pthread_mutex_t hsm_lock;

	pthread_mutex_t exit_lock;
	bool exiting; /* the first vm_exit fixed the status */
	int status;
	atomic_bool stopping;
	int exit_fd; /* eventfd the main thread waits on */
};

/* machine_host_ops.exit */
void vm_exit(void *ctx, int status);

/* HSM (hsm.c).  The machine_host_ops hart_* functions, and the vCPU
 * thread's side: hsm_init before the thread starts, hsm_wait_runnable
 * before each hart_run (blocks while STOPPED; returns -1 when the VM is
 * stopping), hsm_after_run when hart_run returned for a pause. */
long vm_hart_start(void *ctx, uint64_t hartid, uint64_t addr, uint64_t opaque);
long vm_hart_stop(void *ctx, struct hart *h);
long vm_hart_status(void *ctx, uint64_t hartid);
long vm_hart_suspend(void *ctx, struct hart *h, uint64_t type, uint64_t addr,
		     uint64_t opaque);
void hsm_init(struct vcpu *v, bool started);
int hsm_wait_runnable(struct vcpu *v);
void hsm_after_run(struct vcpu *v);
/* Wake every vCPU sleeping in HSM (the VM is stopping). */
void hsm_wake_all(struct vm *vm);

#endif
