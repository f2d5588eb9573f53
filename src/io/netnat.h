/* The NAT uplink: libslirp as one more port on the host's virtual switch
 * (io/vswitch.h), the same user-mode network as QEMU's `-netdev user`:
 * guest network 10.0.2.0/24, gateway and host alias 10.0.2.2, DNS
 * 10.0.2.3, DHCP from 10.0.2.15.  Outbound TCP and UDP from the guests
 * leave through the host's sockets; inbound traffic reaches them through
 * port forwarding rules (`hostfwd`, QEMU's syntax).
 *
 * Threads: libslirp is not thread-safe, so it lives on one thread of its
 * own.  Frames the switch delivers are copied into a bounded queue (full:
 * dropped and counted) and fed to slirp on that thread, woken through an
 * eventfd; slirp's output goes to vswitch_send from that thread. */
#ifndef ATOLL_IO_NETNAT_H
#define ATOLL_IO_NETNAT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "io/vswitch.h"

#define NETNAT_MAX_FWD 16

/* hostfwd: [tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT as QEMU
 * (also udp:HOSTPORT-GUESTADDR:GUESTPORT).  Addresses in network order;
 * an empty host address is any (0.0.0.0), an empty guest address
 * 10.0.2.15. */
struct netnat_fwd {
	bool udp;
	struct in_addr host_addr, guest_addr;
	uint16_t host_port, guest_port;
};

struct netnat_config {
	bool enabled;
	unsigned nr_fwd;
	struct netnat_fwd fwd[NETNAT_MAX_FWD];
};

struct netnat_stats {
	uint64_t to_slirp, from_slirp; /* frames */
	uint64_t drops; /* queue full */
};

struct netnat;

/* Append the comma-separated rules of s to cfg: 0, or -EINVAL with a
 * reason in *why (a static string). */
int netnat_parse_hostfwd(struct netnat_config *cfg, const char *s,
			 const char **why);

/* Attach the uplink to sw and start its thread: 0, or -errno after one
 * line naming the problem (e.g. a host port in use); nothing is left
 * behind. */
int netnat_start(struct vswitch *sw, const struct netnat_config *cfg,
		 struct netnat **out);
/* Stop the thread and leave the switch (NULL: nothing). */
void netnat_stop(struct netnat *n);
void netnat_get_stats(struct netnat *n, struct netnat_stats *st);

#endif
