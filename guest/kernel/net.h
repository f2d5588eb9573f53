/* atoll-os networking: the PV network front-end (netfront.c, the Xen
 * netif tx/rx rings) and a tiny IPv4 stack on top of it (inet.c: ARP,
 * IPv4 without fragments, ICMP echo reply, UDP).  One interface, index 0;
 * called from one thread at a time (the workload's).
 *
 * Frames are whole Ethernet frames without FCS, 14..NET_FRAME_MAX bytes.
 * TX copies a frame into one of a pool of buffers granted to atoll once at
 * net_open; requests carry grant references, atoll never sees a guest
 * address.  net_queue only fills ring slots; net_push publishes them and
 * notifies atoll only if it asked (Xen hold-off); net_send is both.  RX
 * keeps the ring filled with granted pages and re-posts each one after
 * its frame has been copied out. */
#ifndef ATOLL_OS_NET_H
#define ATOLL_OS_NET_H

#include <stddef.h>
#include <stdint.h>

#define NET_FRAME_MIN 14
#define NET_FRAME_MAX 1514
#define NET_NOWAIT 0ull /* net_recv timeouts, in ticks */
#define NET_FOREVER (~0ull)

#define ETH_ALEN 6
#define ETH_HLEN 14
#define ETH_P_IP 0x0800
#define ETH_P_ARP 0x0806

struct net_stats {
	uint64_t tx_frames, tx_bytes, rx_frames, rx_bytes;
	uint64_t notifies; /* tx/rx pushes that notified atoll */
	uint64_t waits; /* sleeps for a frame or a tx buffer */
	uint64_t bad_rsp; /* responses dropped as invalid */
	uint64_t tx_errors; /* tx responses with a non-OK status */
};

/* Connect interface 0 (pv_init must have succeeded): 0, -ENODEV (no PV,
 * or the domain has no network), or -errno.  Idempotent. */
int net_open(void);
const uint8_t *net_mac(void);

/* Copy a frame into a free tx buffer and fill a ring slot, waiting up to
 * `timeout` ticks for a buffer: 0, -EINVAL (length), -EAGAIN (no buffer
 * in time), -ENODEV (not open). */
int net_queue(const void *frame, size_t len, uint64_t timeout);
/* Publish queued frames; notify atoll if it asked. */
void net_push(void);
/* net_queue (waiting without limit) + net_push. */
int net_send(const void *frame, size_t len);

/* The next received frame copied into buf (at most max bytes, the rest
 * cut): its length, 0 after `timeout` ticks without one (NET_NOWAIT:
 * poll once), or -ENODEV. */
int net_recv(void *buf, size_t max, uint64_t timeout);
/* Poll the rings this many times before sleeping in net_recv (default
 * 0): trades CPU for latency. */
void net_set_spin(unsigned polls);
void net_get_stats(struct net_stats *st);

/* Self-test only (workload pvhostile): interface 0 over a tx and an rx
 * ring page (*tx_ring, *rx_ring) the caller plays atoll's back-end on,
 * not connected to atoll, the rx ring already holding RX requests; then
 * the calls above with NET_NOWAIT / a 0 timeout (no event wakes a
 * sleeper).  0, -EBUSY (already open), -ENODEV, -ENOMEM.
 * net_close_private ends it. */
int net_open_private(void **tx_ring, void **rx_ring);
void net_close_private(void);

/* inet.c.  Addresses are host-order uint32_t. */
#define INET_GATEWAY 0x0a000202u /* 10.0.2.2 */
#define IP_PROTO_ICMP 1
#define IP_PROTO_UDP 17

/* Open the interface and take our address from `ip=` (default
 * 10.0.2.15): 0 or -errno. */
int inet_init(void);
uint32_t inet_addr(void);
/* "a.b.c.d" -> 0 and *ip, else -EINVAL; "aa:bb:cc:dd:ee:ff" likewise. */
int inet_parse_ip(const char *s, uint32_t *ip);
int inet_parse_mac(const char *s, uint8_t mac[ETH_ALEN]);
/* The MAC of ip (or of the gateway if ip is off our /24), asking with ARP
 * up to a few times: 0, or -ETIMEDOUT. */
int inet_resolve(uint32_t ip, uint8_t mac[ETH_ALEN]);
/* peer= of the workloads: a MAC, or an IP resolved with inet_resolve.
 * 0, -EINVAL (neither), -ETIMEDOUT. */
int inet_peer(const char *s, uint8_t mac[ETH_ALEN]);
/* A received frame: ARP and ICMP echo are answered here (1: consumed);
 * 0: the caller's to handle. */
int inet_input(const uint8_t *frame, size_t len);
/* Send one UDP datagram (len <= 1472): 0 or -errno. */
int udp_send(uint32_t dst, uint16_t sport, uint16_t dport, const void *data,
	     size_t len);
/* The next datagram to port `port`: its length (cut to max), with its
 * source in *src and *sport; 0 after `timeout` ticks; -errno.  Other frames
 * are given to inet_input or dropped. */
int udp_recv(uint16_t port, void *buf, size_t max, uint32_t *src,
	     uint16_t *sport, uint64_t timeout);

#endif
