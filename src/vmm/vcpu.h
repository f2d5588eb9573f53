/* Inside the vmm: a domain's vCPUs and their SBI HSM state (shared by
 * domain.c, shootdown_vmm.c and hsm.c; nothing outside src/vmm uses it). */
#ifndef ATOLL_VMM_VCPU_H
#define ATOLL_VMM_VCPU_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "cpu/hart.h"

struct domain;

struct vcpu {
	struct hart hart; /* hart.owner points back here */
	struct domain *dom;
	pthread_t thread;
	bool thread_started;
	uint64_t cpu_ns; /* the thread's CPU time, set when it ends */
	uint64_t sys_ns; /* of which in the host kernel (page faults...) */
	/* Its CPU-time clock, readable by others while `clock_live` (top's
	 * CPU%, the live page): cleared before the thread ends. */
	clockid_t cpu_clock;
	atomic_bool clock_live;
	/* Inside hart_run: a shootdown initiator waits only for these (see
	 * shootdown_vmm.c for the ordering that makes this safe).  Cleared
	 * under dom->run_lock so domain_pause can wait for it. */
	atomic_bool in_run;

	/* HSM state (enum sbi_hsm_state), under dom->hsm_lock. */
	int hsm;
	uint64_t start_addr, start_opaque; /* hart_start / resume target */
	pthread_cond_t wake; /* signalled when a STOPPED hart is started */
};

/* The vCPU running on the calling thread, or NULL on other threads. */
struct vcpu *vcpu_current(void);

/* HSM (hsm.c).  The machine_host_ops hart_* functions (ctx: the domain),
 * and the vCPU thread's side: hsm_init before the thread starts,
 * hsm_wait_runnable before each hart_run (blocks while STOPPED; returns -1
 * when the domain is stopping), hsm_after_run when hart_run returned for a
 * pause. */
long dom_hart_start(void *ctx, uint64_t hartid, uint64_t addr, uint64_t opaque);
long dom_hart_stop(void *ctx, struct hart *h);
long dom_hart_status(void *ctx, uint64_t hartid);
long dom_hart_suspend(void *ctx, struct hart *h, uint64_t type, uint64_t addr,
		      uint64_t opaque);
void hsm_init(struct vcpu *v, bool started);
int hsm_wait_runnable(struct vcpu *v);
void hsm_after_run(struct vcpu *v);
/* Wake every vCPU sleeping in HSM (the domain is stopping). */
void hsm_wake_all(struct domain *d);

#endif
