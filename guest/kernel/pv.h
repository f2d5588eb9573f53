/* atoll-os's paravirtual core: the grant table it shares with atoll, the
 * shared-info page with its event-channel bitmaps, the upcall (PLIC source
 * of the `atoll,evtchn` device-tree node) and device connect.  The PV
 * front-ends (console, block, net, echo) are built on it.  Everything
 * here runs on atoll only: pv_init fails elsewhere and the front-ends then
 * report "no device".
 *
 * Concurrency: handlers run in the upcall (interrupts off, on the hart
 * that took it); the rest may be called from any thread. */
#ifndef ATOLL_OS_PV_H
#define ATOLL_OS_PV_H

#include <stdint.h>

#include "atoll/abi/event_channel.h"
#include "atoll/abi/grant_table.h"
#include "atoll/abi/pvdev.h"

#define DOMID_BACKEND 0 /* atoll's back-ends, as Xen's dom0 */

/* Register the grant table and shared info with atoll, route the upcall
 * through the PLIC (source from the device tree `dtb`).  0, or -errno
 * (-ENODEV: not on atoll or no atoll,evtchn node).  Idempotent. */
int pv_init(const void *dtb);
int pv_ready(void);

/* Grant `dom` access to the guest frame holding kernel address `page`
 * (page aligned).  The reference (>= 0) or -ENOSPC. */
int gnttab_grant(domid_t dom, const void *page, int readonly);
/* Revoke: 0, or -EBUSY while the grantee still has it mapped (the entry
 * stays granted; try again later). */
int gnttab_end(grant_ref_t ref);

/* Event channels.  A handler runs in the upcall for each pending,
 * unmasked port bound to it; ports start masked until evtchn_unmask. */
typedef void (*evtchn_handler_t)(evtchn_port_t port, void *arg);
int evtchn_alloc_unbound(domid_t remote, evtchn_port_t *port);
int evtchn_bind_interdomain(domid_t remote, evtchn_port_t remote_port,
			    evtchn_port_t *port);
void evtchn_set_handler(evtchn_port_t port, evtchn_handler_t fn, void *arg);
int evtchn_notify(evtchn_port_t port);
void evtchn_mask(evtchn_port_t port);
void evtchn_unmask(evtchn_port_t port);
int evtchn_close(evtchn_port_t port);

/* Counters for the workloads' reports. */
struct pv_stats {
	uint64_t upcalls; /* external interrupts taken for event channels */
	uint64_t notifies; /* evtchn_notify hypercalls (guest exits) */
	uint64_t hypercalls; /* every PV hypercall */
};
void pv_get_stats(struct pv_stats *st);

/* The upcall: plic.c runs it on an interrupt from PLIC source pv_irq. */
void pv_upcall(void);

/* __HYPERVISOR_atoll_pvdev_op: connect (struct pvdev_op or, for
 * PVDEVOP_connect_net, struct pvdev_net_op) or disconnect.  0 or -errno. */
int pvdev_op(unsigned long cmd, void *op);

/* A one-shot wait/wake pair for a front-end thread and its handler:
 * pv_wait sleeps (interrupts on) until pv_wake or `ticks` pass (0: no
 * limit); returns 1 if woken, 0 on time-out. */
struct pv_waiter {
	struct thread *volatile t;
	volatile int woken;
};
int pv_wait(struct pv_waiter *w, uint64_t ticks);
void pv_wake(struct pv_waiter *w);

#endif
