/* Paravirtual devices connected by PVDEVOP_connect (atoll/abi/pvdev.h):
 * the registry of connected devices and the table of back-ends by type
 * (each back-end an ops table, so block and net plug in as console did).
 *
 * The core validates the request, maps the ring page (grant_map, writable)
 * and binds the event channel (evtchn_bind_backend) before the back-end
 * sees the device; it unmaps and unbinds after the back-end has stopped.
 * A back-end thread that finds the front-end violating the protocol calls
 * pvdev_release itself (log line, unmap, unbind) and stops; the entry stays
 * until the guest disconnects, reconnects or goes away. */
#ifndef ATOLL_IO_PVDEV_H
#define ATOLL_IO_PVDEV_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "atoll/abi/pvdev.h"
#include "io/grant.h"
#include "io/io_thread.h"

struct io_dom;
struct guest_access;
struct disk;
struct chardev;
struct vswitch;

/* What a domain's back-ends are connected to on the host. */
struct pvdev_env {
	/* The console's character back-end (its output, its input), or
	 * NULL: output dropped, no input. */
	struct chardev *con;
	struct disk *disk; /* the block back-end's image, or NULL: -ENODEV */
	/* The domain's network: its switch port config, or NULL: -ENODEV. */
	const struct pvdev_net_env *net;
};

/* A domain's network interface settings (config `net`, `mac`). */
struct pvdev_net_env {
	struct vswitch *sw; /* the host's switch */
	uint8_t mac[6];
};

/* The default address of domain domid's interface `index`
 * (atoll/abi/pvdev.h): 02:a7:0d:00:DD:II, locally administered. */
static inline void pvdev_default_mac(domid_t domid, uint32_t index,
				     uint8_t *mac)
{
	mac[0] = 0x02;
	mac[1] = 0xa7;
	mac[2] = 0x0d;
	mac[3] = 0x00;
	mac[4] = (uint8_t)domid;
	mac[5] = (uint8_t)index;
}

/* Counters every back-end keeps per device.  A snapshot is racy by a few
 * counts while the device runs.  `requests`: requests answered (console:
 * passes that moved bytes; net: frames either way). */
struct pvdev_stats {
	uint64_t requests, bytes, errors;
	uint64_t notifies; /* events sent to the front-end */
	uint64_t wakeups; /* events received from it */
	uint64_t passes; /* back-end passes over the ring(s) */
};

struct pvdev {
	domid_t domid;
	uint32_t type, index;
	struct io_dom *dom; /* a reference, for the event channel */
	struct grant_mapping ring; /* the ring page, writable (net: tx) */
	uint32_t ring2_ref; /* net: the rx ring's grant, mapped by netback */
	uint8_t mac[6]; /* net: the interface's address */
	uint32_t port; /* the guest's port, bound to efd */
	int efd; /* counts the guest's sends */
	struct io_thread thread; /* the back-end's (started by ops->start) */
	struct pvdev_env env;
	_Atomic bool released; /* ring unmapped, port unbound */
	const struct pvdev_ops *ops;
	void *priv; /* the back-end's */
	struct pvdev *next;
};

struct pvdev_ops {
	const char *name;
	/* Start serving dev (ring mapped, port bound).  0 or -errno. */
	int (*start)(struct pvdev *dev);
	/* Stop serving and free priv; after it, nothing touches the ring. */
	void (*stop)(struct pvdev *dev);
	/* The device's counters (zero if priv is gone). */
	void (*get_stats)(const struct pvdev *dev, struct pvdev_stats *st);
};

extern const struct pvdev_ops consback_ops;
extern const struct pvdev_ops blkback_ops;
extern const struct pvdev_ops netback_ops;
extern const struct pvdev_ops echoback_ops;

/* Connect / disconnect a device of domain d (the hypercall's checks and
 * errors, atoll/abi/pvdev.h). */
int pvdev_connect(struct io_dom *d, const struct pvdev_op *op,
		  const struct pvdev_env *env);
int pvdev_disconnect(struct io_dom *d, uint32_t type, uint32_t index);
/* Disconnect every device of the domain (teardown, before io_dom_detach). */
void pvdev_domain_gone(domid_t domid);

/* Call fn for each connected device of domain domid (of every domain if
 * domid is PVDEV_ALL_DOMAINS), under the registry lock: fn must not
 * connect or disconnect devices. */
#define PVDEV_ALL_DOMAINS ((domid_t)0xFFFF)
void pvdev_for_each(domid_t domid,
		    void (*fn)(const struct pvdev *dev,
			       const struct pvdev_stats *st, void *arg),
		    void *arg);

/* The one log line of a front-end whose req_prod claims more requests
 * than its ring holds (kind: "block", "net", ...; ring: "" or "tx "/"rx "
 * for devices with two). */
void pvdev_log_overflow(const struct pvdev *dev, const char *kind,
			const char *ring, uint32_t prod, uint32_t rsp_prod_pvt,
			uint32_t nr_ents);

/* Unmap the ring and unbind the port, once (any thread; the back-end's own
 * on a protocol violation). */
void pvdev_release(struct pvdev *dev);

/* __HYPERVISOR_atoll_pvdev_op from domain d: the hypercall result. */
long pvdev_hcall(struct io_dom *d, const struct guest_access *g, uint64_t cmd,
		 uint64_t arg, const struct pvdev_env *env);

#endif
