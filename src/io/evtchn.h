/* Event channels, 2-level, host side: ports of each domain, the bindings
 * between them (two domains, a domain and itself, a domain and one of
 * atoll's back-ends), and delivery into the receiver's shared-info page
 * (atoll/abi/shared_info.h) with an upcall interrupt.
 *
 * Locking: each domain's port table has its own lock; a change of binding
 * (bind, close, back-end bind) takes the global bind lock first, then the
 * domains' locks in id order.  A send holds one table lock at a time. */
#ifndef ATOLL_IO_EVTCHN_H
#define ATOLL_IO_EVTCHN_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "atoll/abi/event_channel.h"
#include "atoll/abi/shared_info.h"
#include "mem/types.h"

struct io_dom;
struct guest_access;

enum evtchn_state {
	EVTCHN_FREE = 0,
	EVTCHN_UNBOUND, /* remote_dom may bind to it */
	EVTCHN_INTERDOMAIN, /* joined to (remote_dom, remote_port) */
	EVTCHN_BACKEND, /* joined to an atoll back-end: efd */
};

struct evtchn_port {
	uint8_t state;
	domid_t remote_dom;
	uint32_t remote_port;
	int efd; /* EVTCHN_BACKEND: the back-end's eventfd */
};

#define EVTCHN_EARLY_WORDS (ATOLL_EVTCHN_MAX_PORTS / 64)

struct evtchn_dom {
	pthread_mutex_t lock;
	struct evtchn_port port[ATOLL_EVTCHN_MAX_PORTS];
	struct shared_info *si; /* pinned page, or NULL */
	uint64_t si_gfn;
	uint32_t si_mfn;
	/* Events raised before the shared info was registered. */
	uint64_t early[EVTCHN_EARLY_WORDS];
	uint64_t sends, delivered, upcalls; /* statistics */
};

void evtchn_dom_init(struct evtchn_dom *ev);
void evtchn_dom_destroy(struct evtchn_dom *ev);
/* Close every port (domain detach) and unpin the shared info. */
void evtchn_dom_close_all(struct io_dom *d);

/* Use the page at gfn as d's shared info (pinned).  0, -EBUSY (already),
 * -EINVAL (not RAM), -EAGAIN. */
int evtchn_set_shared_info(struct io_dom *d, uint64_t gfn);

/* Xen's operations; ports are d's.  0 or -errno as in event_channel.h. */
int evtchn_alloc_unbound(struct io_dom *d, domid_t remote_dom,
			 evtchn_port_t *port);
int evtchn_bind_interdomain(struct io_dom *d, domid_t remote_dom,
			    evtchn_port_t remote_port, evtchn_port_t *local);
int evtchn_send(struct io_dom *d, evtchn_port_t port);
int evtchn_close(struct io_dom *d, evtchn_port_t port);
int evtchn_unmask(struct io_dom *d, evtchn_port_t port);
int evtchn_status(struct io_dom *d, struct evtchn_status *st);
/* Drive the upcall line from vcpu_info[0] as it is now (the guest's
 * handler cleared upcall_pending: lower it). */
void evtchn_resample(struct io_dom *d);

/* Back-ends: take over d's unbound port offered to DOMID_BACKEND.
 * Returns a non-blocking eventfd that counts the guest's sends (the
 * back-end owns it and closes it after evtchn_unbind_backend), or -EINVAL
 * (port not unbound for back-ends) or -errno of eventfd. */
int evtchn_bind_backend(struct io_dom *d, evtchn_port_t port);
/* The port becomes unbound again (offered to DOMID_BACKEND). */
int evtchn_unbind_backend(struct io_dom *d, evtchn_port_t port);
/* Raise the event on d's port from its back-end.  0 or -EINVAL (not bound
 * to a back-end: the guest closed it). */
int evtchn_notify(struct io_dom *d, evtchn_port_t port);
/* Is the guest's port still pending (an event sent, not yet taken by the
 * guest)?  False without a shared-info page or for a bad port. */
bool evtchn_is_pending(struct io_dom *d, evtchn_port_t port);

/* event_channel_op from domain d (evtchn_hcall.c). */
long evtchn_hcall(struct io_dom *d, const struct guest_access *g, uint64_t cmd,
		  uint64_t arg);

#endif
