/* DHCP client over AF_PACKET/SOCK_DGRAM: the kernel adds the Ethernet
 * header, we build IPv4 + UDP + BOOTP ourselves and read every IPv4 packet
 * on the interface, keeping UDP to port 68 with our xid.  Retries with a
 * growing interval until the deadline. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dhcp.h"
#include "netif.h"

#define BOOTP_SIZE 236
#define DHCP_MAGIC 0x63825363U
#define OPT_PAD 0
#define OPT_MASK 1
#define OPT_ROUTER 3
#define OPT_DNS 6
#define OPT_REQ_IP 50
#define OPT_LEASE 51
#define OPT_TYPE 53
#define OPT_SERVER 54
#define OPT_PARAMS 55
#define OPT_END 255
#define DISCOVER 1
#define OFFER 2
#define REQUEST 3
#define ACK 5
#define NAK 6

struct dhcp_ctx {
	int fd, ifindex;
	uint8_t mac[6];
	uint32_t xid;
};

static uint16_t ip_checksum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

// Build and broadcast one DHCP message of `type` (REQUEST carries the
// offered address and the server's id).
static int dhcp_send(struct dhcp_ctx *c, int type, uint32_t req_ip,
		     uint32_t server)
{
	uint8_t pkt[576] = { 0 };
	uint8_t *ip = pkt, *udp = pkt + 20, *b = pkt + 28, *o = b + BOOTP_SIZE;
	struct sockaddr_ll to = { .sll_family = AF_PACKET,
				  .sll_protocol = htons(ETH_P_IP),
				  .sll_ifindex = c->ifindex,
				  .sll_halen = 6 };
	size_t len;

	b[0] = 1; /* BOOTREQUEST */
	b[1] = 1; /* Ethernet */
	b[2] = 6;
	put32(b + 4, c->xid);
	put16(b + 10, 0x8000); /* broadcast reply: we have no address */
	memcpy(b + 28, c->mac, 6);
	put32(o, DHCP_MAGIC);
	o += 4;
	*o++ = OPT_TYPE, *o++ = 1, *o++ = (uint8_t)type;
	if (type == REQUEST) {
		*o++ = OPT_REQ_IP, *o++ = 4;
		memcpy(o, &req_ip, 4), o += 4;
		*o++ = OPT_SERVER, *o++ = 4;
		memcpy(o, &server, 4), o += 4;
	}
	*o++ = OPT_PARAMS, *o++ = 3;
	*o++ = OPT_MASK, *o++ = OPT_ROUTER, *o++ = OPT_DNS;
	*o++ = OPT_END;
	len = (size_t)(o - pkt);
	if (len < 28 + 300)
		len = 28 + 300; /* BOOTP minimum message size */
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)len);
	ip[8] = 64;
	ip[9] = IPPROTO_UDP;
	memset(ip + 16, 0xff, 4); /* from 0.0.0.0 to 255.255.255.255 */
	put16(ip + 10, ip_checksum(ip, 20));
	put16(udp, 68);
	put16(udp + 2, 67);
	put16(udp + 4, (uint16_t)(len - 20)); /* UDP checksum 0: none */
	memset(to.sll_addr, 0xff, 6);
	if (sendto(c->fd, pkt, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return -errno;
	return 0;
}

// Parse a reply: its message type (0 if not ours) and the lease fields.
static int dhcp_parse(const struct dhcp_ctx *c, const uint8_t *p, size_t n,
		      struct dhcp_lease *l)
{
	size_t ihl, i;
	const uint8_t *b, *end;
	int type = 0;

	if (n < 20 || (p[0] >> 4) != 4 || p[9] != IPPROTO_UDP)
		return 0;
	ihl = (size_t)(p[0] & 15) * 4;
	if (ihl < 20 || n < ihl + 8 + BOOTP_SIZE + 4)
		return 0;
	if ((p[ihl + 2] << 8 | p[ihl + 3]) != 68)
		return 0;
	b = p + ihl + 8;
	end = p + n;
	if (b[0] != 2 || get32(b + 4) != c->xid || memcmp(b + 28, c->mac, 6) ||
	    get32(b + BOOTP_SIZE) != DHCP_MAGIC)
		return 0;
	memset(l, 0, sizeof(*l));
	memcpy(&l->addr, b + 16, 4);
	for (i = BOOTP_SIZE + 4; b + i < end;) {
		uint8_t code = b[i], len;
		if (code == OPT_PAD) {
			i++;
			continue;
		}
		if (code == OPT_END || b + i + 1 >= end)
			break;
		len = b[i + 1];
		if (b + i + 2 + len > end)
			break;
		const uint8_t *v = b + i + 2;
		if (code == OPT_TYPE && len >= 1)
			type = v[0];
		else if (code == OPT_MASK && len >= 4)
			memcpy(&l->mask, v, 4);
		else if (code == OPT_ROUTER && len >= 4)
			memcpy(&l->router, v, 4);
		else if (code == OPT_DNS && len >= 4)
			memcpy(&l->dns, v, 4);
		else if (code == OPT_SERVER && len >= 4)
			memcpy(&l->server, v, 4);
		else if (code == OPT_LEASE && len >= 4)
			l->lease_secs = get32(v);
		i += 2 + (size_t)len;
	}
	return type;
}

static long ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

// Send `type` and wait for a reply of type `want` (or NAK), resending
// with a doubling interval, until `deadline` (ms).
static int dhcp_exchange(struct dhcp_ctx *c, int type, int want,
			 uint32_t req_ip, uint32_t server, long deadline,
			 struct dhcp_lease *l)
{
	uint8_t buf[1600];
	long wait = 500, next = 0;

	for (;;) {
		long now = ms_now();
		struct pollfd pfd = { c->fd, POLLIN, 0 };
		ssize_t n;
		int got, err;

		if (now >= deadline)
			return -ETIMEDOUT;
		if (now >= next) {
			err = dhcp_send(c, type, req_ip, server);
			if (err)
				return err;
			next = now + wait;
			wait = wait < 4000 ? wait * 2 : wait;
		}
		if (poll(&pfd, 1,
			 (int)((next < deadline ? next : deadline) - now)) <= 0)
			continue;
		n = recv(c->fd, buf, sizeof(buf), 0);
		if (n <= 0)
			continue;
		got = dhcp_parse(c, buf, (size_t)n, l);
		if (got == want)
			return 0;
		if (got == NAK)
			return -ECONNREFUSED;
	}
}

int dhcp_configure(const char *ifname, int timeout_ms, struct dhcp_lease *l)
{
	struct dhcp_ctx c;
	struct sockaddr_ll me = { .sll_family = AF_PACKET,
				  .sll_protocol = htons(ETH_P_IP) };
	long deadline = ms_now() + timeout_ms;
	struct dhcp_lease offer;
	int err;

	err = netif_info(ifname, &c.ifindex, c.mac);
	if (err)
		return err;
	if (getrandom(&c.xid, sizeof(c.xid), GRND_NONBLOCK) != sizeof(c.xid))
		c.xid = (uint32_t)ms_now() ^ (uint32_t)getpid();
	c.fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_IP));
	if (c.fd < 0)
		return -errno;
	me.sll_ifindex = c.ifindex;
	if (bind(c.fd, (struct sockaddr *)&me, sizeof(me)) < 0)
		err = -errno;
	if (!err)
		err = dhcp_exchange(&c, DISCOVER, OFFER, 0, 0, deadline,
				    &offer);
	if (!err)
		err = dhcp_exchange(&c, REQUEST, ACK, offer.addr, offer.server,
				    deadline, l);
	close(c.fd);
	if (err)
		return err;
	if (!l->mask)
		l->mask = htonl(0xffffff00U);
	err = netif_set_addr(ifname, l->addr, l->mask);
	if (!err && l->router)
		err = netif_set_gateway(ifname, l->router);
	return err;
}
