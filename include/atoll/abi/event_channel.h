/* Event channels: EVTCHNOP_* of the event_channel_op hypercall
 * (__HYPERVISOR_event_channel_op; a0 = cmd, a1 = guest-virtual pointer to
 * the argument).  Layouts and numbers are Xen's (event_channel.h); the
 * bitmaps live in the shared-info page (shared_info.h).
 *
 * A port is a number 1 .. ATOLL_EVTCHN_MAX_PORTS - 1 local to its domain
 * (port 0 is never allocated, as in Xen).  A channel joins two ports:
 * alloc_unbound reserves a port that a named remote domain may bind to,
 * bind_interdomain joins a port of the caller to such an unbound port
 * (the remote may be the caller itself), send raises the event at the
 * other end, close frees the port (the other end becomes unbound again).
 * Back-ends inside atoll are endpoints too: their ports belong to the
 * domain they serve and signal an eventfd (src/io/evtchn.h).
 *
 * Interrupt: an unmasked event sets vcpu_info[0].evtchn_upcall_pending and
 * drives PLIC source ATOLL_EVTCHN_IRQ of the receiver's board high, to be
 * claimed by hart 0's S-mode context.  The line follows upcall_pending:
 * atoll lowers it when it finds upcall_pending clear, which it checks on
 * every event_channel_op from the domain.  So the guest's handler must:
 * claim the source, clear upcall_pending, handle the pending ports, make
 * an event_channel_op call (EVTCHNOP_atoll_ack, which does nothing else),
 * then complete the source.
 *
 * Errors (hypercall result): -EINVAL bad port or argument, -ENOENT
 * (unused), -EPERM not allowed (remote not offered to the caller),
 * -ESRCH no such domain, -ENOSPC no free port, -EFAULT bad pointer,
 * -ENOSYS unknown cmd. */
#ifndef ATOLL_ABI_EVENT_CHANNEL_H
#define ATOLL_ABI_EVENT_CHANNEL_H

#include <stdint.h>

typedef uint32_t evtchn_port_t;

#define ATOLL_EVTCHN_MAX_PORTS 1024 /* per domain */
#define ATOLL_EVTCHN_IRQ 31 /* PLIC source of event-channel upcalls */

#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_close 3
#define EVTCHNOP_send 4
#define EVTCHNOP_status 5
#define EVTCHNOP_alloc_unbound 6
#define EVTCHNOP_unmask 9
/* atoll's own, outside Xen's range (Xen's go up to 12). */
#define EVTCHNOP_atoll_register_shared_info 0x100
#define EVTCHNOP_atoll_ack 0x101

struct evtchn_alloc_unbound {
	uint16_t dom; /* IN: DOMID_SELF or the caller's id */
	uint16_t remote_dom; /* IN: who may bind (DOMID_SELF: the caller) */
	evtchn_port_t port; /* OUT */
};

struct evtchn_bind_interdomain {
	uint16_t remote_dom; /* IN */
	evtchn_port_t remote_port; /* IN: unbound, offered to the caller */
	evtchn_port_t local_port; /* OUT */
};

struct evtchn_send {
	evtchn_port_t port;
};

struct evtchn_close {
	evtchn_port_t port;
};

struct evtchn_unmask {
	evtchn_port_t port;
};

#define EVTCHNSTAT_closed 0
#define EVTCHNSTAT_unbound 1
#define EVTCHNSTAT_interdomain 2

struct evtchn_status {
	uint16_t dom; /* IN: DOMID_SELF only */
	evtchn_port_t port; /* IN */
	uint32_t status; /* OUT: EVTCHNSTAT_* */
	uint32_t vcpu; /* OUT: 0 */
	union {
		struct {
			uint16_t dom;
		} unbound;
		struct {
			uint16_t dom;
			evtchn_port_t port;
		} interdomain;
		uint32_t pirq, virq;
	} u;
};

/* atoll: the gfn of the guest page to use as shared info (shared_info.h).
 * Once per domain: -EBUSY if already registered. */
struct evtchn_atoll_shared_info {
	uint64_t gfn;
};

#endif
