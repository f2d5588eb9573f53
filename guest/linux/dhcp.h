/* A small DHCP client (RFC 2131 DISCOVER/OFFER/REQUEST/ACK) over a packet
 * socket, so it works before the interface has an address. */
#ifndef ATOLL_GUEST_LINUX_DHCP_H
#define ATOLL_GUEST_LINUX_DHCP_H

#include <stdint.h>

struct dhcp_lease {
	uint32_t addr, mask, router, dns, server; /* network byte order */
	uint32_t lease_secs;
};

/* Obtain a lease on interface `ifname` (already up) within timeout_ms and
 * configure it (address, netmask, default route); 0 or -errno
 * (-ETIMEDOUT when no server answered). */
int dhcp_configure(const char *ifname, int timeout_ms, struct dhcp_lease *l);

#endif
