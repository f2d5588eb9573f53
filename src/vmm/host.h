/* The atoll host: machine memory (src/mem) shared by several domains, each
 * a board (src/machine) with its own vCPU threads, console and statistics.
 * `atoll run CONFIG` builds one from a configuration file, `atoll boot`
 * builds one with a single domain; the control socket (src/control)
 * drives it live.
 *
 * Thread safety: every function here may be called from any thread except
 * a vCPU thread of the domain it acts on; the host lock serializes them. */
#ifndef ATOLL_VMM_HOST_H
#define ATOLL_VMM_HOST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "io/netnat.h"
#include "machine/ata.h"
#include "machine/machine.h"
#include "mem/dom_mem.h"
#include "mem/memhost.h"

#define DOMAIN_NAME_MAX 31

enum domain_state {
	DOMAIN_CREATED, /* built, not started */
	DOMAIN_RUNNING,
	DOMAIN_PAUSED,
	DOMAIN_SHUTDOWN, /* the guest ended (exit status known) */
	DOMAIN_DESTROYED,
};

/* What to do when a domain's guest ends (xl.cfg's on_poweroff, on_reboot,
 * on_crash; docs/config.md). */
enum domain_action {
	DOMAIN_ACTION_DESTROY, /* it ends: shut down, its status kept */
	DOMAIN_ACTION_RESTART, /* it starts again with the same config */
};

struct domain_config {
	char name[DOMAIN_NAME_MAX + 1];
	/* machine.ram_size = maxmem; machine.nr_harts = vcpus; kernel,
	 * cmdline, boot mode as for atoll boot. */
	struct machine_config machine;
	uint64_t memory; /* bytes it starts with (target), <= maxmem */
	uint64_t reservation; /* bytes guaranteed; 0 = none */
	uint64_t limit; /* bytes it may never exceed; 0 = maxmem */
	uint32_t shares; /* memory policy weight; 0 = 1000 */
	bool no_sharing; /* `sharing = no`: its pages are never shared */
	bool console_prefix; /* prefix its console lines with "name| " */
	/* A power-off with status 0, a reset, anything else (a crash). */
	enum domain_action on_poweroff, on_reboot, on_crash;
};

struct host_config {
	struct mem_host_config mem;
	bool stats; /* per-hart statistics at exit */
	struct netnat_config nat; /* nat, hostfwd: the NAT uplink */
};

struct domain_stats {
	char name[DOMAIN_NAME_MAX + 1];
	domid_t id;
	enum domain_state state;
	int exit_status; /* valid in DOMAIN_SHUTDOWN */
	unsigned vcpus;
	uint64_t instret; /* all vCPUs */
	uint64_t cpu_ns; /* host CPU time of its vCPU threads */
	uint64_t shootdowns; /* requests served by its vCPUs */
	double shootdown_ns_avg; /* mean cost of one shootdown (initiator) */
	struct dom_mem_stats mem;
	bool has_ata; /* the emulated disk: its trapped accesses */
	struct ata_stats ata;
};

struct host;
struct domain;

/* 0, or -errno after one line naming the problem (nothing left behind). */
int host_create(struct host **out, const struct host_config *cfg);
void host_destroy(struct host *h);

/* Build a domain (admission control: its reservation must fit) without
 * starting it. */
int host_domain_create(struct host *h, const struct domain_config *cfg,
		       struct domain **out);
int domain_start(struct domain *d);
int domain_pause(struct domain *d); /* -EINVAL unless running */
int domain_unpause(struct domain *d); /* -EINVAL unless paused */
/* Stop its vCPUs, free every frame and swap slot, forget it. */
int domain_destroy(struct domain *d);

/* `atoll create`: build the n domains of cfg[] and start them, all or
 * nothing (a failure destroys the ones built, and says why in
 * why[0..len)).  0 or -errno; out[] gets the domains. */
int host_create_domains(struct host *h, const struct domain_config *cfg,
			unsigned n, struct domain **out, char *why, size_t len);
/* Keep p until host_destroy (after every domain), then fn(p): what
 * domains made by host_create_domains point to. */
int host_keep(struct host *h, void *p, void (*fn)(void *p));
/* End a domain as if its guest had reset: it restarts with its config if
 * on_reboot says so (xl's reboot / virsh reset).  -EINVAL unless running
 * or paused. */
int domain_reset(struct domain *d);
/* Ask the guest to shut down by pressing its power key (xl shutdown /
 * virsh shutdown); if it still runs timeout_s seconds later (0: never)
 * the host destroys it.  *held: the key was still held from an earlier
 * press the guest has not read (the deadline is set all the same).
 * -EINVAL unless running or paused. */
int domain_shutdown(struct domain *d, unsigned timeout_s, bool *held);

/* By name, or by numeric id written in decimal; NULL if none. */
struct domain *host_find_domain(struct host *h, const char *name_or_id);
/* Visit domains in id order (under the host lock: fn must not call back
 * into host_* functions). */
void host_for_each_domain(struct host *h,
			  void (*fn)(struct domain *d, void *arg), void *arg);

void domain_get_stats(struct domain *d, struct domain_stats *st);
struct dom_mem *domain_mem(struct domain *d);
const char *domain_state_name(enum domain_state s);
void host_get_mem_stats(struct host *h, struct mem_host_stats *st);
/* The sharing scanner's rate, pages per second (0 stops it): 0, or
 * -EINVAL above SHARE_RATE_MAX (nothing changed). */
int host_set_share_rate(struct host *h, uint64_t rate);
/* The host's memory manager, for read-only views (memmap_build). */
struct mem_host *host_mem(struct host *h);

/* Run until every domain has shut down or been destroyed, or a signal
 * (SIGINT, SIGTERM, SIGHUP) asks to stop (then every domain is stopped
 * cleanly).  Returns the exit status: with one domain, its status (atoll
 * boot's contract); with several, 0 if all ended with status 0, else 1;
 * 128 + signal for a signal. */
int host_run(struct host *h);

#endif
