/* event_channel_op for guests (evtchn.h, atoll/abi/event_channel.h): the
 * argument is copied in once, validated, and the results copied out.
 * Every call ends by re-sampling the upcall line (the guest's handler
 * relies on it to lower the line: EVTCHNOP_atoll_ack). */
#include <errno.h>
#include <stddef.h>

#include "atoll/abi/hypercall.h"
#include "io/evtchn.h"
#include "io/io_dom.h"

static long evtchn_hcall_alloc(struct io_dom *d, const struct guest_access *g,
			       uint64_t arg)
{
	struct evtchn_alloc_unbound a;
	evtchn_port_t port;
	int rc = g->read(g->ctx, arg, &a, sizeof(a));

	if (rc)
		return rc;
	if (a.dom != DOMID_SELF && a.dom != d->domid)
		return -EPERM;
	rc = evtchn_alloc_unbound(d, a.remote_dom, &port);
	if (rc)
		return rc;
	rc = g->write(g->ctx, arg + offsetof(struct evtchn_alloc_unbound, port),
		      &port, sizeof(port));
	if (rc)
		evtchn_close(d, port); /* no one can know the port */
	return rc;
}

static long evtchn_hcall_bind(struct io_dom *d, const struct guest_access *g,
			      uint64_t arg)
{
	struct evtchn_bind_interdomain b;
	evtchn_port_t port;
	int rc = g->read(g->ctx, arg, &b, sizeof(b));

	if (rc)
		return rc;
	rc = evtchn_bind_interdomain(d, b.remote_dom, b.remote_port, &port);
	if (rc)
		return rc;
	rc = g->write(
		g->ctx,
		arg + offsetof(struct evtchn_bind_interdomain, local_port),
		&port, sizeof(port));
	if (rc)
		evtchn_close(d, port);
	return rc;
}

/* Operations whose argument is just a port. */
static long evtchn_hcall_port(struct io_dom *d, const struct guest_access *g,
			      uint64_t cmd, uint64_t arg)
{
	evtchn_port_t port;
	int rc = g->read(g->ctx, arg, &port, sizeof(port));

	if (rc)
		return rc;
	switch (cmd) {
	case EVTCHNOP_send: return evtchn_send(d, port);
	case EVTCHNOP_close: return evtchn_close(d, port);
	}
	return evtchn_unmask(d, port);
}

static long evtchn_hcall_status(struct io_dom *d, const struct guest_access *g,
				uint64_t arg)
{
	struct evtchn_status st;
	int rc = g->read(g->ctx, arg, &st, sizeof(st));

	if (rc)
		return rc;
	rc = evtchn_status(d, &st);
	if (rc)
		return rc;
	return g->write(g->ctx, arg + offsetof(struct evtchn_status, status),
			&st.status,
			sizeof(st) - offsetof(struct evtchn_status, status));
}

static long evtchn_hcall_shared_info(struct io_dom *d,
				     const struct guest_access *g, uint64_t arg)
{
	struct evtchn_atoll_shared_info s;
	int rc = g->read(g->ctx, arg, &s, sizeof(s));

	if (rc)
		return rc;
	return evtchn_set_shared_info(d, s.gfn);
}

static long evtchn_hcall_do(struct io_dom *d, const struct guest_access *g,
			    uint64_t cmd, uint64_t arg)
{
	switch (cmd) {
	case EVTCHNOP_alloc_unbound: return evtchn_hcall_alloc(d, g, arg);
	case EVTCHNOP_bind_interdomain: return evtchn_hcall_bind(d, g, arg);
	case EVTCHNOP_send:
	case EVTCHNOP_close:
	case EVTCHNOP_unmask: return evtchn_hcall_port(d, g, cmd, arg);
	case EVTCHNOP_status: return evtchn_hcall_status(d, g, arg);
	case EVTCHNOP_atoll_register_shared_info:
		return evtchn_hcall_shared_info(d, g, arg);
	case EVTCHNOP_atoll_ack: return 0;
	}
	return -ENOSYS;
}

long evtchn_hcall(struct io_dom *d, const struct guest_access *g, uint64_t cmd,
		  uint64_t arg)
{
	long rc = evtchn_hcall_do(d, g, cmd, arg);

	evtchn_resample(d);
	return rc;
}
