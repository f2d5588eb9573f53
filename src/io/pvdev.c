/* The registry of connected paravirtual devices and the connect /
 * disconnect hypercall (pvdev.h). */
#include <errno.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "lib/log.h"
#include "io/evtchn.h"
#include "io/io_dom.h"
#include "io/pvdev.h"

/* Back-ends by type; NULL: not built yet (-ENODEV). */
static const struct pvdev_ops *const pvdev_backends[PVDEV_TYPE_MAX] = {
	[PVDEV_TYPE_CONSOLE] = &consback_ops,
	[PVDEV_TYPE_BLOCK] = &blkback_ops,
	[PVDEV_TYPE_NET] = &netback_ops,
	[PVDEV_TYPE_ECHO] = &echoback_ops,
};

static pthread_mutex_t pvdev_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pvdev *pvdev_list; /* pvdev_lock */

/* The link pointing at (domid, type, index), or at the list's end.
 * pvdev_lock held. */
static struct pvdev **pvdev_find(domid_t domid, uint32_t type, uint32_t index)
{
	struct pvdev **pp;

	for (pp = &pvdev_list; *pp; pp = &(*pp)->next)
		if ((*pp)->domid == domid && (*pp)->type == type &&
		    (*pp)->index == index)
			break;
	return pp;
}

void pvdev_log_overflow(const struct pvdev *dev, const char *kind,
			const char *ring, uint32_t prod, uint32_t rsp_prod_pvt,
			uint32_t nr_ents)
{
	log_warn("pvdev: domain %u %s %u: %sreq_prod %u is %u past "
		 "rsp_prod %u (ring of %u): disconnected",
		 dev->domid, kind, dev->index, ring, prod, prod - rsp_prod_pvt,
		 rsp_prod_pvt, nr_ents);
}

void pvdev_release(struct pvdev *dev)
{
	if (atomic_exchange(&dev->released, true))
		return;
	grant_unmap(&dev->ring);
	evtchn_unbind_backend(dev->dom, dev->port);
}

/* Stop the back-end, release, free.  Not on the list any more. */
static void pvdev_free(struct pvdev *dev)
{
	dev->ops->stop(dev);
	pvdev_release(dev);
	close(dev->efd);
	io_thread_destroy(&dev->thread);
	io_dom_put(dev->dom);
	free(dev);
}

/* Map the ring, bind the port, start the back-end. */
static int pvdev_open(struct pvdev *dev, const struct pvdev_op *op)
{
	int err;

	err = grant_map(dev->dom, DOMID_BACKEND, op->ring_ref, false,
			&dev->ring);
	if (err)
		return err;
	dev->efd = evtchn_bind_backend(dev->dom, op->port);
	if (dev->efd < 0) {
		err = dev->efd;
		goto err_unmap;
	}
	io_thread_clear(&dev->thread);
	err = dev->ops->start(dev);
	if (err) {
		/* -EAGAIN would re-run the ecall; a bad second ring (net) is
		 * the guest's -EINVAL / -EPERM. */
		if (err != -EINVAL && err != -EPERM && err != -ENOSPC)
			err = -ENOMEM;
		goto err_thread;
	}
	return 0;

err_thread:
	io_thread_destroy(&dev->thread);
	evtchn_unbind_backend(dev->dom, op->port);
	close(dev->efd);
err_unmap:
	grant_unmap(&dev->ring);
	return err;
}

/* Validate the request's type and index: 0, -EINVAL or -ENODEV. */
static int pvdev_check(uint32_t type, uint32_t index)
{
	if (type >= PVDEV_TYPE_MAX || index >= PVDEV_MAX_INDEX)
		return -EINVAL;
	if (!pvdev_backends[type])
		return -ENODEV;
	return 0;
}

/* Connect (the checks of pvdev_connect done); ring2_ref and mac: net. */
static int pvdev_connect_dev(struct io_dom *d, const struct pvdev_op *op,
			     const struct pvdev_env *env, uint32_t ring2_ref,
			     const uint8_t *mac)
{
	struct pvdev *dev, **pp, *dead = NULL;
	int err;

	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	dev->dom = io_dom_get(d->domid); /* d itself, while it is attached */
	if (dev->dom != d) {
		io_dom_put(dev->dom);
		free(dev);
		return -ESRCH;
	}
	dev->domid = d->domid;
	dev->type = op->type;
	dev->index = op->index;
	dev->port = op->port;
	dev->env = *env;
	dev->ring2_ref = ring2_ref;
	if (mac)
		memcpy(dev->mac, mac, sizeof(dev->mac));
	dev->ops = pvdev_backends[op->type];
	pthread_mutex_lock(&pvdev_lock);
	pp = pvdev_find(d->domid, op->type, op->index);
	if (*pp && !atomic_load(&(*pp)->released)) {
		err = -EEXIST;
		goto err_unlock;
	}
	if (*pp) { /* disconnected by its back-end: replace it */
		dead = *pp;
		*pp = dead->next;
	}
	err = pvdev_open(dev, op);
	if (err)
		goto err_unlock;
	dev->next = pvdev_list;
	pvdev_list = dev;
	pthread_mutex_unlock(&pvdev_lock);
	if (dead)
		pvdev_free(dead);
	return 0;

err_unlock:
	pthread_mutex_unlock(&pvdev_lock);
	if (dead)
		pvdev_free(dead);
	io_dom_put(d);
	free(dev);
	return err;
}

int pvdev_connect(struct io_dom *d, const struct pvdev_op *op,
		  const struct pvdev_env *env)
{
	int err = pvdev_check(op->type, op->index);

	if (err)
		return err;
	if (op->type == PVDEV_TYPE_NET) /* two rings: PVDEVOP_connect_net */
		return env->net ? -EINVAL : -ENODEV;
	if (op->type == PVDEV_TYPE_BLOCK && !env->disk)
		return -ENODEV; /* the domain has no disk */
	return pvdev_connect_dev(d, op, env, 0, NULL);
}

/* PVDEVOP_connect_net: the address goes back to the guest first (nothing
 * to undo if that fails), then the device connects as the others. */
static int pvdev_connect_net(struct io_dom *d, const struct guest_access *g,
			     uint64_t arg, const struct pvdev_env *env)
{
	struct pvdev_net_op nop;
	struct pvdev_op op;
	int err;

	if (g->read(g->ctx, arg, &nop, sizeof(nop)))
		return -EFAULT;
	if (nop.type != PVDEV_TYPE_NET)
		return -EINVAL;
	err = pvdev_check(nop.type, nop.index);
	if (err)
		return err;
	/* The configuration gives one interface, index 0. */
	if (!env->net || nop.index != 0)
		return -ENODEV;
	err = g->write(g->ctx, arg + offsetof(struct pvdev_net_op, mac),
		       env->net->mac, sizeof(nop.mac));
	if (err)
		return err == -EAGAIN ? err : -EFAULT;
	op = (struct pvdev_op){ nop.type, nop.index, nop.tx_ring_ref,
				nop.port };
	return pvdev_connect_dev(d, &op, env, nop.rx_ring_ref, env->net->mac);
}

void pvdev_for_each(domid_t domid,
		    void (*fn)(const struct pvdev *dev,
			       const struct pvdev_stats *st, void *arg),
		    void *arg)
{
	struct pvdev_stats st;

	pthread_mutex_lock(&pvdev_lock);
	/* On the list, a device's back-end has not been stopped: priv is
	 * there (stop runs only after unlinking). */
	for (struct pvdev *dev = pvdev_list; dev; dev = dev->next) {
		if (domid != PVDEV_ALL_DOMAINS && dev->domid != domid)
			continue;
		st = (struct pvdev_stats){ 0 };
		if (dev->ops->get_stats)
			dev->ops->get_stats(dev, &st);
		fn(dev, &st, arg);
	}
	pthread_mutex_unlock(&pvdev_lock);
}

int pvdev_disconnect(struct io_dom *d, uint32_t type, uint32_t index)
{
	struct pvdev *dev, **pp;
	int err = pvdev_check(type, index);

	if (err)
		return err;
	pthread_mutex_lock(&pvdev_lock);
	pp = pvdev_find(d->domid, type, index);
	dev = *pp;
	if (dev)
		*pp = dev->next;
	pthread_mutex_unlock(&pvdev_lock);
	if (!dev)
		return -ENOENT;
	pvdev_free(dev);
	return 0;
}

void pvdev_domain_gone(domid_t domid)
{
	struct pvdev *gone = NULL, *dev, **pp;

	pthread_mutex_lock(&pvdev_lock);
	for (pp = &pvdev_list; *pp;) {
		dev = *pp;
		if (dev->domid != domid) {
			pp = &dev->next;
			continue;
		}
		*pp = dev->next;
		dev->next = gone;
		gone = dev;
	}
	pthread_mutex_unlock(&pvdev_lock);
	while (gone) {
		dev = gone;
		gone = dev->next;
		pvdev_free(dev);
	}
}

long pvdev_hcall(struct io_dom *d, const struct guest_access *g, uint64_t cmd,
		 uint64_t arg, const struct pvdev_env *env)
{
	struct pvdev_op op;

	if (cmd == PVDEVOP_connect_net)
		return pvdev_connect_net(d, g, arg, env);
	if (cmd != PVDEVOP_connect && cmd != PVDEVOP_disconnect)
		return -ENOSYS;
	/* disconnect reads type and index only (8 bytes). */
	if (g->read(g->ctx, arg, &op,
		    cmd == PVDEVOP_connect ? sizeof(op) : 2 * sizeof(uint32_t)))
		return -EFAULT;
	if (cmd == PVDEVOP_connect)
		return pvdev_connect(d, &op, env);
	return pvdev_disconnect(d, op.type, op.index);
}
