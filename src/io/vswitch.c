/* atoll's virtual Ethernet switch (vswitch.h): ports, a bounded table of
 * learned source addresses, unicast to the learned port, flooding of the
 * rest.
 *
 * Locking: `lock` is a reader-writer lock held for reading by every
 * vswitch_send for its whole duration (delivers included) and for writing
 * by port add/remove, so that removing a port waits for the delivers that
 * may still reach it.  The address table has its own mutex, held only for
 * a lookup or an update (no deliver under it).  Counters are atomics:
 * several senders deliver to one port at once. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/log.h"
#include "io/vswitch.h"

#define VSWITCH_MAC_SLOTS 1024 /* learned addresses, all ports */
#define VSWITCH_MAC_PROBE 8 /* slots looked at per address */
#define VSWITCH_MAC_AGE_NS (300ull * 1000000000ull) /* as 802.1D */

struct vswitch_port {
	struct vswitch *sw;
	unsigned idx; /* in sw->ports */
	char name[32];
	const struct vswitch_port_ops *ops;
	void *priv;
	_Atomic uint64_t tx_frames, tx_bytes, rx_frames, rx_bytes, drops;
};

struct vswitch_mac {
	uint8_t addr[6];
	bool used;
	unsigned port; /* index in ports */
	uint64_t seen_ns; /* last frame from addr */
};

struct vswitch {
	pthread_rwlock_t lock; /* ports[]: read in send, write to change */
	struct vswitch_port *ports[VSWITCH_MAX_PORTS];
	pthread_mutex_t mac_lock; /* macs[] */
	struct vswitch_mac macs[VSWITCH_MAC_SLOTS];
};

static uint64_t vswitch_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Group (multicast or broadcast) address: the I/G bit. */
static bool vswitch_is_group(const uint8_t *mac)
{
	return mac[0] & 1;
}

/* First slot of addr's probe window (FNV-1a of its bytes). */
static unsigned vswitch_mac_hash(const uint8_t *mac)
{
	uint32_t h = 2166136261u;

	for (int i = 0; i < 6; i++)
		h = (h ^ mac[i]) * 16777619u;
	return h % VSWITCH_MAC_SLOTS;
}

static bool vswitch_mac_live(const struct vswitch_mac *e, uint64_t now)
{
	return e->used && now - e->seen_ns < VSWITCH_MAC_AGE_NS;
}

/* The port that last sent from mac (not aged out), or -1.  mac_lock held. */
static int vswitch_mac_lookup(struct vswitch *sw, const uint8_t *mac,
			      uint64_t now)
{
	unsigned h = vswitch_mac_hash(mac);

	for (unsigned k = 0; k < VSWITCH_MAC_PROBE; k++) {
		struct vswitch_mac *e = &sw->macs[(h + k) % VSWITCH_MAC_SLOTS];

		if (vswitch_mac_live(e, now) && !memcmp(e->addr, mac, 6))
			return (int)e->port;
	}
	return -1;
}

/* Remember that mac was seen on port: refresh its entry, else take a free
 * or aged slot of its window, else the stalest one.  mac_lock held. */
static void vswitch_mac_learn(struct vswitch *sw, const uint8_t *mac,
			      unsigned port, uint64_t now)
{
	unsigned h = vswitch_mac_hash(mac);
	struct vswitch_mac *victim = NULL;

	for (unsigned k = 0; k < VSWITCH_MAC_PROBE; k++) {
		struct vswitch_mac *e = &sw->macs[(h + k) % VSWITCH_MAC_SLOTS];

		if (e->used && !memcmp(e->addr, mac, 6)) {
			victim = e;
			break;
		}
		if (!victim || (victim->used && (!vswitch_mac_live(e, now) ||
						 e->seen_ns < victim->seen_ns)))
			victim = e;
	}
	memcpy(victim->addr, mac, 6);
	victim->used = true;
	victim->port = port;
	victim->seen_ns = now;
}

int vswitch_create(struct vswitch **out)
{
	struct vswitch *sw = calloc(1, sizeof(*sw));
	pthread_rwlockattr_t attr;

	if (!sw)
		return -ENOMEM;
	/* Writers first: a port removal must not starve under traffic. */
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(
		&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&sw->lock, &attr);
	pthread_rwlockattr_destroy(&attr);
	pthread_mutex_init(&sw->mac_lock, NULL);
	*out = sw;
	return 0;
}

void vswitch_destroy(struct vswitch *sw)
{
	if (!sw)
		return;
	for (unsigned i = 0; i < VSWITCH_MAX_PORTS; i++)
		if (sw->ports[i])
			log_error("vswitch: port %s not removed",
				  sw->ports[i]->name);
	pthread_rwlock_destroy(&sw->lock);
	pthread_mutex_destroy(&sw->mac_lock);
	free(sw);
}

struct vswitch_port *vswitch_port_add(struct vswitch *sw, const char *name,
				      const struct vswitch_port_ops *ops,
				      void *priv)
{
	struct vswitch_port *p = calloc(1, sizeof(*p));
	unsigned i;

	if (!p)
		return NULL;
	p->sw = sw;
	p->ops = ops;
	p->priv = priv;
	snprintf(p->name, sizeof(p->name), "%s", name);
	pthread_rwlock_wrlock(&sw->lock);
	for (i = 0; i < VSWITCH_MAX_PORTS && sw->ports[i]; i++)
		;
	if (i < VSWITCH_MAX_PORTS) {
		p->idx = i;
		sw->ports[i] = p;
	}
	pthread_rwlock_unlock(&sw->lock);
	if (i == VSWITCH_MAX_PORTS) {
		free(p);
		errno = ENOSPC;
		return NULL;
	}
	return p;
}

void vswitch_port_remove(struct vswitch_port *p)
{
	struct vswitch *sw;

	if (!p)
		return;
	sw = p->sw;
	/* Write lock: every send that might deliver to p has finished. */
	pthread_rwlock_wrlock(&sw->lock);
	sw->ports[p->idx] = NULL;
	pthread_mutex_lock(&sw->mac_lock);
	for (unsigned k = 0; k < VSWITCH_MAC_SLOTS; k++)
		if (sw->macs[k].used && sw->macs[k].port == p->idx)
			sw->macs[k].used = false;
	pthread_mutex_unlock(&sw->mac_lock);
	pthread_rwlock_unlock(&sw->lock);
	free(p);
}

void *vswitch_port_priv(const struct vswitch_port *p)
{
	return p->priv;
}

/* Hand the frame to port dst and count the outcome.  Read lock held. */
static void vswitch_deliver(struct vswitch_port *dst, const void *frame,
			    size_t len)
{
	if (dst->ops->deliver(dst, frame, len)) {
		atomic_fetch_add(&dst->drops, 1);
		return;
	}
	atomic_fetch_add(&dst->rx_frames, 1);
	atomic_fetch_add(&dst->rx_bytes, len);
}

void vswitch_send(struct vswitch_port *src, const void *frame, size_t len)
{
	struct vswitch *sw = src->sw;
	const uint8_t *f = frame;
	uint64_t now;
	int to = -1;

	if (len < VSWITCH_FRAME_MIN || len > VSWITCH_FRAME_MAX) {
		atomic_fetch_add(&src->drops, 1);
		return;
	}
	atomic_fetch_add(&src->tx_frames, 1);
	atomic_fetch_add(&src->tx_bytes, len);
	now = vswitch_now_ns();
	pthread_rwlock_rdlock(&sw->lock);
	pthread_mutex_lock(&sw->mac_lock);
	if (!vswitch_is_group(f + 6))
		vswitch_mac_learn(sw, f + 6, src->idx, now);
	if (!vswitch_is_group(f))
		to = vswitch_mac_lookup(sw, f, now);
	pthread_mutex_unlock(&sw->mac_lock);
	if (to >= 0) {
		/* Known: to its port only; never back where it came from. */
		if ((unsigned)to != src->idx && sw->ports[to])
			vswitch_deliver(sw->ports[to], frame, len);
	} else {
		for (unsigned i = 0; i < VSWITCH_MAX_PORTS; i++)
			if (sw->ports[i] && i != src->idx)
				vswitch_deliver(sw->ports[i], frame, len);
	}
	pthread_rwlock_unlock(&sw->lock);
}

void vswitch_port_get_stats(const struct vswitch_port *p,
			    struct vswitch_port_stats *st)
{
	st->tx_frames = atomic_load(&p->tx_frames);
	st->tx_bytes = atomic_load(&p->tx_bytes);
	st->rx_frames = atomic_load(&p->rx_frames);
	st->rx_bytes = atomic_load(&p->rx_bytes);
	st->drops = atomic_load(&p->drops);
}

bool vswitch_parse_mac(const char *s, uint8_t mac[6])
{
	unsigned b[6];
	char tail;

	if (!s || sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2],
			 &b[3], &b[4], &b[5], &tail) != 6)
		return false;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return !(mac[0] & 1);
}
