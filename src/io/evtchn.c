/* Event-channel ports and bindings (evtchn.h). */
#include <errno.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "atoll/abi/hypercall.h"
#include "io/evtchn_internal.h"
#include "io/io_dom.h"

static pthread_mutex_t evtchn_bind_lock = PTHREAD_MUTEX_INITIALIZER;

void evtchn_dom_init(struct evtchn_dom *ev)
{
	pthread_mutex_init(&ev->lock, NULL);
}

void evtchn_dom_destroy(struct evtchn_dom *ev)
{
	pthread_mutex_destroy(&ev->lock);
}

/* Lock the tables of a and b (maybe the same) in id order. */
static void evtchn_lock2(struct io_dom *a, struct io_dom *b)
{
	if (a == b) {
		pthread_mutex_lock(&a->ev.lock);
	} else if (a->domid < b->domid) {
		pthread_mutex_lock(&a->ev.lock);
		pthread_mutex_lock(&b->ev.lock);
	} else {
		pthread_mutex_lock(&b->ev.lock);
		pthread_mutex_lock(&a->ev.lock);
	}
}

static void evtchn_unlock2(struct io_dom *a, struct io_dom *b)
{
	pthread_mutex_unlock(&a->ev.lock);
	if (a != b)
		pthread_mutex_unlock(&b->ev.lock);
}

/* A free port (never 0), or 0 if none.  Caller holds ev.lock. */
static evtchn_port_t evtchn_find_free(struct io_dom *d)
{
	for (evtchn_port_t p = 1; p < ATOLL_EVTCHN_MAX_PORTS; p++)
		if (d->ev.port[p].state == EVTCHN_FREE) {
			evtchn_clear_pending_locked(d, p);
			return p;
		}
	return 0;
}

/* Signal a back-end's eventfd; a full counter means it is signalled. */
static void evtchn_kick(int efd)
{
	static const uint64_t one = 1;
	ssize_t n = write(efd, &one, sizeof(one));

	(void)n;
}

static bool evtchn_valid(evtchn_port_t port)
{
	return port > 0 && port < ATOLL_EVTCHN_MAX_PORTS;
}

/* The domain named by id as seen from d (DOMID_SELF, its own id), with a
 * reference; NULL if none. */
static struct io_dom *evtchn_peer(struct io_dom *d, domid_t id)
{
	if (id == DOMID_SELF || id == d->domid) {
		atomic_fetch_add(&d->refcnt, 1);
		return d;
	}
	return io_dom_get(id);
}

int evtchn_alloc_unbound(struct io_dom *d, domid_t remote_dom,
			 evtchn_port_t *port)
{
	evtchn_port_t p;

	if (remote_dom == DOMID_SELF)
		remote_dom = d->domid;
	if (remote_dom >= DOMID_SELF)
		return -EINVAL;
	pthread_mutex_lock(&evtchn_bind_lock); /* closes read states */
	pthread_mutex_lock(&d->ev.lock);
	p = d->detached ? 0 : evtchn_find_free(d);
	if (p) {
		d->ev.port[p] = (struct evtchn_port){ EVTCHN_UNBOUND,
						      remote_dom, 0, -1 };
		*port = p;
	}
	pthread_mutex_unlock(&d->ev.lock);
	pthread_mutex_unlock(&evtchn_bind_lock);
	return p ? 0 : -ENOSPC;
}

/* Join d's new port to r's unbound port rp.  Caller holds the bind lock
 * and both table locks. */
static int evtchn_join(struct io_dom *d, struct io_dom *r, evtchn_port_t rp,
		       evtchn_port_t *local)
{
	struct evtchn_port *rc = &r->ev.port[rp];
	evtchn_port_t lp;

	if (rc->state != EVTCHN_UNBOUND || rc->remote_dom != d->domid)
		return -EINVAL;
	if (d->detached || r->detached)
		return -ESRCH;
	lp = evtchn_find_free(d);
	if (!lp)
		return -ENOSPC;
	d->ev.port[lp] =
		(struct evtchn_port){ EVTCHN_INTERDOMAIN, r->domid, rp, -1 };
	*rc = (struct evtchn_port){ EVTCHN_INTERDOMAIN, d->domid, lp, -1 };
	/* As Xen: an event sent to the unbound port may be outstanding. */
	evtchn_deliver_locked(d, lp);
	*local = lp;
	return 0;
}

int evtchn_bind_interdomain(struct io_dom *d, domid_t remote_dom,
			    evtchn_port_t remote_port, evtchn_port_t *local)
{
	struct io_dom *r;
	int rc;

	if (!evtchn_valid(remote_port))
		return -EINVAL;
	pthread_mutex_lock(&evtchn_bind_lock);
	r = evtchn_peer(d, remote_dom);
	if (!r) {
		rc = -ESRCH;
		goto out;
	}
	evtchn_lock2(d, r);
	rc = evtchn_join(d, r, remote_port, local);
	evtchn_unlock2(d, r);
	io_dom_put(r);
out:
	pthread_mutex_unlock(&evtchn_bind_lock);
	return rc;
}

/* Deliver on r's port rp if it is still joined to (d, p). */
static void evtchn_send_remote(struct io_dom *d, evtchn_port_t p, domid_t rid,
			       evtchn_port_t rp)
{
	struct io_dom *r = evtchn_peer(d, rid);
	struct evtchn_port *rc;

	if (!r)
		return; /* the peer is going away: its ports close */
	pthread_mutex_lock(&r->ev.lock);
	rc = &r->ev.port[rp];
	if (rc->state == EVTCHN_INTERDOMAIN && rc->remote_dom == d->domid &&
	    rc->remote_port == p)
		evtchn_deliver_locked(r, rp);
	pthread_mutex_unlock(&r->ev.lock);
	io_dom_put(r);
}

int evtchn_send(struct io_dom *d, evtchn_port_t port)
{
	struct evtchn_port c;

	if (!evtchn_valid(port))
		return -EINVAL;
	pthread_mutex_lock(&d->ev.lock);
	c = d->ev.port[port];
	if (c.state == EVTCHN_BACKEND)
		evtchn_kick(c.efd);
	d->ev.sends++;
	pthread_mutex_unlock(&d->ev.lock);
	switch (c.state) {
	case EVTCHN_FREE: return -EINVAL;
	case EVTCHN_INTERDOMAIN:
		evtchn_send_remote(d, port, c.remote_dom, c.remote_port);
		return 0;
	}
	return 0; /* unbound: dropped, as Xen does */
}

/* Undo a port's binding and free it.  Caller holds the bind lock. */
static void evtchn_close_port(struct io_dom *d, evtchn_port_t port)
{
	struct evtchn_port c = d->ev.port[port];
	struct io_dom *r = NULL;

	if (c.state == EVTCHN_INTERDOMAIN)
		r = evtchn_peer(d, c.remote_dom);
	evtchn_lock2(d, r ? r : d);
	if (r) {
		struct evtchn_port *rc = &r->ev.port[c.remote_port];

		if (rc->state == EVTCHN_INTERDOMAIN &&
		    rc->remote_dom == d->domid && rc->remote_port == port)
			*rc = (struct evtchn_port){ EVTCHN_UNBOUND, d->domid, 0,
						    -1 };
	}
	/* Wake the back-end so it sees the port gone (it owns the fd). */
	if (c.state == EVTCHN_BACKEND)
		evtchn_kick(c.efd);
	d->ev.port[port] = (struct evtchn_port){ EVTCHN_FREE, 0, 0, -1 };
	evtchn_unlock2(d, r ? r : d);
	io_dom_put(r);
}

int evtchn_close(struct io_dom *d, evtchn_port_t port)
{
	int rc = 0;

	if (!evtchn_valid(port))
		return -EINVAL;
	pthread_mutex_lock(&evtchn_bind_lock);
	if (d->ev.port[port].state == EVTCHN_FREE)
		rc = -EINVAL;
	else
		evtchn_close_port(d, port);
	pthread_mutex_unlock(&evtchn_bind_lock);
	return rc;
}

void evtchn_dom_close_all(struct io_dom *d)
{
	pthread_mutex_lock(&evtchn_bind_lock);
	for (evtchn_port_t p = 1; p < ATOLL_EVTCHN_MAX_PORTS; p++)
		if (d->ev.port[p].state != EVTCHN_FREE)
			evtchn_close_port(d, p);
	pthread_mutex_unlock(&evtchn_bind_lock);
	evtchn_release_shared_info(d);
}

int evtchn_status(struct io_dom *d, struct evtchn_status *st)
{
	struct evtchn_port c;

	if (st->dom != DOMID_SELF && st->dom != d->domid)
		return -EPERM;
	if (st->port >= ATOLL_EVTCHN_MAX_PORTS)
		return -EINVAL;
	pthread_mutex_lock(&d->ev.lock);
	c = d->ev.port[st->port];
	pthread_mutex_unlock(&d->ev.lock);
	st->vcpu = 0;
	st->u.interdomain.dom = 0;
	st->u.interdomain.port = 0;
	switch (c.state) {
	case EVTCHN_FREE: st->status = EVTCHNSTAT_closed; break;
	case EVTCHN_UNBOUND:
		st->status = EVTCHNSTAT_unbound;
		st->u.unbound.dom = c.remote_dom;
		break;
	case EVTCHN_INTERDOMAIN:
		st->status = EVTCHNSTAT_interdomain;
		st->u.interdomain.dom = c.remote_dom;
		st->u.interdomain.port = c.remote_port;
		break;
	default:
		/* A back-end looks like a peer in domain 0, port 0. */
		st->status = EVTCHNSTAT_interdomain;
		break;
	}
	return 0;
}

int evtchn_bind_backend(struct io_dom *d, evtchn_port_t port)
{
	struct evtchn_port *c;
	int fd = -EINVAL;

	if (!evtchn_valid(port))
		return -EINVAL;
	pthread_mutex_lock(&evtchn_bind_lock);
	pthread_mutex_lock(&d->ev.lock);
	c = &d->ev.port[port];
	if (c->state == EVTCHN_UNBOUND && c->remote_dom == DOMID_BACKEND &&
	    !d->detached) {
		fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (fd < 0) {
			fd = -errno;
		} else {
			c->state = EVTCHN_BACKEND;
			c->efd = fd;
		}
	}
	pthread_mutex_unlock(&d->ev.lock);
	pthread_mutex_unlock(&evtchn_bind_lock);
	return fd;
}

int evtchn_unbind_backend(struct io_dom *d, evtchn_port_t port)
{
	struct evtchn_port *c;
	int rc = -EINVAL;

	if (!evtchn_valid(port))
		return -EINVAL;
	pthread_mutex_lock(&evtchn_bind_lock);
	pthread_mutex_lock(&d->ev.lock);
	c = &d->ev.port[port];
	if (c->state == EVTCHN_BACKEND) {
		*c = (struct evtchn_port){ EVTCHN_UNBOUND, DOMID_BACKEND, 0,
					   -1 };
		rc = 0;
	}
	pthread_mutex_unlock(&d->ev.lock);
	pthread_mutex_unlock(&evtchn_bind_lock);
	return rc;
}

int evtchn_notify(struct io_dom *d, evtchn_port_t port)
{
	int rc = -EINVAL;

	if (!evtchn_valid(port))
		return -EINVAL;
	pthread_mutex_lock(&d->ev.lock);
	if (d->ev.port[port].state == EVTCHN_BACKEND) {
		evtchn_deliver_locked(d, port);
		rc = 0;
	}
	pthread_mutex_unlock(&d->ev.lock);
	return rc;
}
