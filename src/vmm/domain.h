/* Inside the vmm: the host and its domains (host.c, domain.c,
 * shootdown_vmm.c, hsm.c).  The public API is host.h. */
#ifndef ATOLL_VMM_DOMAIN_H
#define ATOLL_VMM_DOMAIN_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "vmm/host.h"
#include "vmm/vcpu.h"

struct domain {
	struct host *host;
	domid_t id;
	char name[DOMAIN_NAME_MAX + 1];
	enum domain_state state; /* under the host lock */
	struct machine *m;
	struct dom_mem *mem;
	struct vcpu *vcpus;
	unsigned nr_vcpus;
	/* vCPUs the shootdown callback visits: 0 until every hart exists. */
	_Atomic unsigned sd_nr;

	pthread_mutex_t hsm_lock;

	/* Pause: vCPU threads park while `paused`; run_cond signals both a
	 * vCPU leaving hart_run and the end of a pause. */
	pthread_mutex_t run_lock;
	pthread_cond_t run_cond;
	atomic_bool paused;
	bool pausing; /* under the host lock: domain_pause waits for vCPUs */

	/* The end: the first domain_exit fixes the status. */
	pthread_mutex_t exit_lock;
	bool exiting;
	int status;
	atomic_bool stopping;

	/* Shootdowns this domain initiated (shootdown_vmm.c). */
	pthread_mutex_t sd_lock; /* one initiator at a time */
	_Atomic uint64_t sd_count, sd_ns;

	/* Statistics kept when the board and memory are gone. */
	struct domain_stats final;
	bool tearing; /* under the host lock: a teardown is under way */
	bool torn_down;
	bool destroying; /* "destroy" under way: refuse a second one */
	bool restart; /* under the host lock: ended, to start again */
	bool reboot; /* it ended by a reset (first domain_exit's) */
	struct domain_config cfg; /* for a restart (strings: the host's) */
	unsigned restarts; /* of this name so far */
	/* `atoll shutdown`: destroyed if still running then (under the
	 * host lock; 0: no deadline). */
	uint64_t shutdown_deadline_ns;
	unsigned shutdown_timeout_s;

	struct domain *next; /* host's list, in id order */
	struct domain *next_dead; /* host's dead list (destroyed) */
};

struct host {
	struct mem_host mem;
	bool mem_ready;
	pthread_mutex_t lock; /* the domain list, every state change */
	struct domain *domains;
	/* Destroyed domains, unlinked but freed only by host_destroy: a
	 * control client may still hold a pointer to one. */
	struct domain *dead;
	/* Broadcast (with the host lock) when a teardown ends. */
	pthread_cond_t torn_cond;
	unsigned next_id;
	unsigned nr_created; /* domains ever created */
	int wake_fd; /* eventfd: a domain ended or the user quit */
	bool stats;
	atomic_bool quit; /* Ctrl-A x */
	/* The domains' network (io/vswitch.h): lives from host_create until
	 * every domain's devices are gone in host_destroy. */
	struct vswitch *vswitch;
	struct netnat *nat; /* NULL unless nat = yes; a port of vswitch */
	sigset_t old_mask; /* restored by host_destroy */
	struct host_kept *kept; /* host_keep's, freed by host_destroy */
	bool stopping; /* host_stop_all: nothing restarts any more */
};

/* machine_host_ops.exit (ctx: the domain): end this domain only. */
void domain_exit(void *ctx, int status);
/* Host lock held: stop the vCPUs of an ending domain, join them, save its
 * statistics, return every frame and free its board.  State becomes
 * DOMAIN_SHUTDOWN.  Idempotent.  The lock is dropped while the vCPU and
 * back-end threads are waited for (never held across a wait for another
 * thread), so the domain list may change meanwhile; a second caller waits
 * for the first one's teardown to end. */
void domain_teardown(struct domain *d);
/* Host lock held, torn down, unlinked: free what is left. */
void domain_free(struct domain *d);
/* host_find_domain with the host lock held. */
struct domain *host_find_domain_locked(struct host *h, const char *name_or_id);
/* Host lock held, d torn down: what its end asks (on_poweroff, on_reboot,
 * on_crash). */
enum domain_action domain_end_action(const struct domain *d);
/* Without the host lock: start again the domains marked `restart`
 * (lifecycle.c).  Returns how many were restarted. */
unsigned host_restart_ended(struct host *h);
/* host_destroy's end: free what host_keep kept. */
void host_free_kept(struct host *h);
/* Wake host_run to look at the domains again. */
void host_wake(struct host *h);
/* Destroy the domains whose shutdown deadline has passed (lifecycle.c);
 * the milliseconds until the next deadline, or -1 if there is none. */
int host_shutdown_deadlines(struct host *h);

/* dom_mem's shootdown callback (ctx: the domain). */
void domain_shootdown(void *ctx, const uint64_t *gpa_pages, unsigned n);
/* On the vCPU thread around hart_run. */
void vcpu_enter_run(struct vcpu *v);
void vcpu_leave_run(struct vcpu *v);

#endif
