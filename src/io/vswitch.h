/* atoll's virtual Ethernet switch: the ports are domains' PV network
 * interfaces (netback.c) and, optionally, a user-mode NAT uplink to the
 * host (netnat.c, libslirp).  It learns source MAC addresses per port and
 * forwards a unicast frame to the port that last sent from its
 * destination, floods broadcast, multicast and unknown destinations to
 * every other port, and never sends a frame back where it came from.
 *
 * Threads: vswitch_send is called on the sending port's thread; it calls
 * the destination ports' deliver, which must copy the frame (or drop it)
 * and return at once, never block.  After vswitch_port_remove returns,
 * deliver is not called for that port any more. */
#ifndef ATOLL_IO_VSWITCH_H
#define ATOLL_IO_VSWITCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VSWITCH_FRAME_MIN 14 /* an Ethernet header */
#define VSWITCH_FRAME_MAX 1514 /* MTU 1500, no FCS */
#define VSWITCH_MAX_PORTS 64

struct vswitch;
struct vswitch_port;

struct vswitch_port_ops {
	/* Take a copy of the frame for the port's owner: 0, or -ENOBUFS if
	 * it was dropped (queue full, device not ready). */
	int (*deliver)(struct vswitch_port *p, const void *frame, size_t len);
};

struct vswitch_port_stats {
	uint64_t tx_frames, tx_bytes; /* sent into the switch by the port */
	uint64_t rx_frames, rx_bytes; /* delivered to the port */
	uint64_t drops; /* frames for it that deliver refused */
};

int vswitch_create(struct vswitch **out);
/* Every port must have been removed. */
void vswitch_destroy(struct vswitch *sw);

/* A new port named `name` (for logs), or NULL (-ENOSPC: too many). */
struct vswitch_port *vswitch_port_add(struct vswitch *sw, const char *name,
				      const struct vswitch_port_ops *ops,
				      void *priv);
/* Forget the port and its learned addresses; waits for running delivers
 * to it to finish. */
void vswitch_port_remove(struct vswitch_port *p);
void *vswitch_port_priv(const struct vswitch_port *p);

/* Forward a frame sent by port src (len in VSWITCH_FRAME_MIN..MAX, else
 * counted as a drop and ignored). */
void vswitch_send(struct vswitch_port *src, const void *frame, size_t len);

/* Parse a unicast Ethernet address "02:00:00:00:00:01" (hex, colons):
 * true and mac set, or false. */
bool vswitch_parse_mac(const char *s, uint8_t mac[6]);

void vswitch_port_get_stats(const struct vswitch_port *p,
			    struct vswitch_port_stats *st);

#endif
