/* A tiny IPv4 stack over netfront (net.h): ARP (answering for our address,
 * resolving with a bounded retry, a small cache), IPv4 without options on
 * output and without fragments, ICMP echo reply, UDP.  Enough for the
 * workloads and for talking to libslirp's NAT (gateway 10.0.2.2).  Every
 * received field is checked against the frame's real length before use. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kernel.h"
#include "net.h"

#define ARP_LEN 28
#define IP_HLEN 20
#define UDP_HLEN 8
#define ARP_CACHE 8
#define ARP_TRIES 6
#define ARP_WAIT_TICKS 25 /* 250 ms per try */

static const uint8_t eth_bcast[ETH_ALEN] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff
};

static struct {
	uint32_t ip;
	uint16_t ip_id;
	struct {
		uint32_t ip;
		uint8_t mac[ETH_ALEN];
	} arp[ARP_CACHE];
	unsigned arp_next;
	uint8_t frame[NET_FRAME_MAX]; /* transmit scratch */
} in;

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
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

/* The Internet checksum of n bytes, folded, not complemented, starting
 * from sum. */
static uint32_t inet_sum(const uint8_t *p, size_t n, uint32_t sum)
{
	for (; n > 1; p += 2, n -= 2)
		sum += get16(p);
	if (n)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

int inet_parse_ip(const char *s, uint32_t *ip)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++) {
		char *end;
		unsigned long b;

		if (*s < '0' || *s > '9')
			return -EINVAL;
		b = strtoul(s, &end, 10);
		if (b > 255 || end == s || *end != (i < 3 ? '.' : '\0'))
			return -EINVAL;
		v = v << 8 | (uint32_t)b;
		s = end + 1;
	}
	*ip = v;
	return 0;
}

int inet_parse_mac(const char *s, uint8_t mac[ETH_ALEN])
{
	for (int i = 0; i < ETH_ALEN; i++) {
		char *end;
		unsigned long b;

		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') ||
		      (*s >= 'A' && *s <= 'F')))
			return -EINVAL;
		b = strtoul(s, &end, 16);
		if (b > 255 || end - s > 2 ||
		    *end != (i < ETH_ALEN - 1 ? ':' : '\0'))
			return -EINVAL;
		mac[i] = (uint8_t)b;
		s = end + 1;
	}
	return 0;
}

uint32_t inet_addr(void)
{
	return in.ip;
}

static void eth_header(uint8_t *f, const uint8_t *dst, uint16_t type)
{
	memcpy(f, dst, ETH_ALEN);
	memcpy(f + ETH_ALEN, net_mac(), ETH_ALEN);
	put16(f + 12, type);
}

static void arp_learn(uint32_t ip, const uint8_t *mac)
{
	for (unsigned i = 0; i < ARP_CACHE; i++) {
		if (in.arp[i].ip == ip) {
			memcpy(in.arp[i].mac, mac, ETH_ALEN);
			return;
		}
	}
	in.arp[in.arp_next].ip = ip;
	memcpy(in.arp[in.arp_next].mac, mac, ETH_ALEN);
	in.arp_next = (in.arp_next + 1) % ARP_CACHE;
}

static int arp_lookup(uint32_t ip, uint8_t *mac)
{
	for (unsigned i = 0; i < ARP_CACHE; i++) {
		if (ip && in.arp[i].ip == ip) {
			memcpy(mac, in.arp[i].mac, ETH_ALEN);
			return 0;
		}
	}
	return -ENOENT;
}

/* An ARP request (op 1) or reply (op 2) to tha/tip. */
static int arp_send(uint16_t op, const uint8_t *tha, uint32_t tip)
{
	uint8_t *f = in.frame, *a = f + ETH_HLEN;

	eth_header(f, op == 1 ? eth_bcast : tha, ETH_P_ARP);
	put16(a, 1); /* Ethernet */
	put16(a + 2, ETH_P_IP);
	a[4] = ETH_ALEN;
	a[5] = 4;
	put16(a + 6, op);
	memcpy(a + 8, net_mac(), ETH_ALEN);
	put32(a + 14, in.ip);
	memset(a + 18, 0, ETH_ALEN);
	if (op == 2)
		memcpy(a + 18, tha, ETH_ALEN);
	put32(a + 24, tip);
	return net_send(f, ETH_HLEN + ARP_LEN);
}

static int arp_input(const uint8_t *a, size_t len)
{
	uint32_t sip, tip;

	if (len < ARP_LEN || get16(a) != 1 || get16(a + 2) != ETH_P_IP ||
	    a[4] != ETH_ALEN || a[5] != 4)
		return 1;
	sip = get32(a + 14);
	tip = get32(a + 24);
	if (tip != in.ip || !sip)
		return 1;
	arp_learn(sip, a + 8);
	if (get16(a + 6) == 1)
		arp_send(2, a + 8, sip);
	return 1;
}

int inet_resolve(uint32_t ip, uint8_t mac[ETH_ALEN])
{
	uint8_t buf[NET_FRAME_MAX];

	if ((ip ^ in.ip) & 0xffffff00u)
		ip = INET_GATEWAY;
	if (!arp_lookup(ip, mac))
		return 0;
	for (int t = 0; t < ARP_TRIES; t++) {
		uint64_t deadline = timer_ticks() + ARP_WAIT_TICKS;

		arp_send(1, eth_bcast, ip);
		while (timer_ticks() < deadline) {
			int n = net_recv(buf, sizeof(buf),
					 deadline - timer_ticks());

			if (n > 0)
				inet_input(buf, (size_t)n);
			if (!arp_lookup(ip, mac))
				return 0;
		}
	}
	return -ETIMEDOUT;
}

/* The IPv4 header of a frame for us: its header length (>= 20) and the
 * datagram's total length in *tot, or 0 if it is not ours or malformed. */
static size_t ip_check(const uint8_t *ip, size_t len, size_t *tot)
{
	size_t hl;

	if (len < IP_HLEN || ip[0] >> 4 != 4)
		return 0;
	hl = (size_t)(ip[0] & 15) * 4;
	*tot = get16(ip + 2);
	if (hl < IP_HLEN || *tot < hl || *tot > len)
		return 0;
	if (get16(ip + 6) & 0x3fff) /* MF or an offset: a fragment */
		return 0;
	if (get32(ip + 16) != in.ip || inet_sum(ip, hl, 0) != 0xffff)
		return 0;
	return hl;
}

/* Fill an IPv4 header for `payload` bytes to dst. */
static void ip_header(uint8_t *ip, uint32_t dst, uint8_t proto, size_t payload)
{
	ip[0] = 0x45;
	ip[1] = 0;
	put16(ip + 2, (uint16_t)(IP_HLEN + payload));
	put16(ip + 4, in.ip_id++);
	put16(ip + 6, 0x4000); /* DF */
	ip[8] = 64;
	ip[9] = proto;
	put16(ip + 10, 0);
	put32(ip + 12, in.ip);
	put32(ip + 16, dst);
	put16(ip + 10, (uint16_t)~inet_sum(ip, IP_HLEN, 0));
}

/* Answer an echo request (ip: its header, hl bytes, tot in all). */
static void icmp_echo(const uint8_t *f, size_t hl, size_t tot)
{
	const uint8_t *ip = f + ETH_HLEN;
	size_t n = tot - hl;
	uint8_t *o = in.frame, *icmp = o + ETH_HLEN + IP_HLEN;

	if (n < 8 || ip[hl] != 8 || inet_sum(ip + hl, n, 0) != 0xffff ||
	    IP_HLEN + n > NET_FRAME_MAX - ETH_HLEN)
		return;
	eth_header(o, f + ETH_ALEN, ETH_P_IP);
	ip_header(o + ETH_HLEN, get32(ip + 12), IP_PROTO_ICMP, n);
	memcpy(icmp, ip + hl, n);
	icmp[0] = 0; /* echo reply */
	put16(icmp + 2, 0);
	put16(icmp + 2, (uint16_t)~inet_sum(icmp, n, 0));
	net_send(o, ETH_HLEN + IP_HLEN + n);
}

int inet_input(const uint8_t *f, size_t len)
{
	size_t hl, tot;

	if (len < ETH_HLEN)
		return 1;
	if (get16(f + 12) == ETH_P_ARP)
		return arp_input(f + ETH_HLEN, len - ETH_HLEN);
	if (get16(f + 12) != ETH_P_IP)
		return 0;
	hl = ip_check(f + ETH_HLEN, len - ETH_HLEN, &tot);
	if (!hl)
		return 1; /* not for us: nobody else wants it */
	if (f[ETH_HLEN + 9] == IP_PROTO_ICMP) {
		icmp_echo(f, hl, tot);
		return 1;
	}
	return 0;
}

/* The UDP checksum over the pseudo-header and the datagram u (n bytes). */
static uint16_t udp_sum(uint32_t src, uint32_t dst, const uint8_t *u, size_t n)
{
	uint8_t ph[12];
	uint16_t s;

	put32(ph, src);
	put32(ph + 4, dst);
	ph[8] = 0;
	ph[9] = IP_PROTO_UDP;
	put16(ph + 10, (uint16_t)n);
	s = (uint16_t)~inet_sum(u, n, inet_sum(ph, sizeof(ph), 0));
	return s ? s : 0xffff;
}

int udp_send(uint32_t dst, uint16_t sport, uint16_t dport, const void *data,
	     size_t len)
{
	uint8_t mac[ETH_ALEN], *f = in.frame;
	uint8_t *u = f + ETH_HLEN + IP_HLEN;
	int err;

	if (len > NET_FRAME_MAX - ETH_HLEN - IP_HLEN - UDP_HLEN)
		return -EINVAL;
	err = inet_resolve(dst, mac);
	if (err)
		return err;
	eth_header(f, mac, ETH_P_IP);
	ip_header(f + ETH_HLEN, dst, IP_PROTO_UDP, UDP_HLEN + len);
	put16(u, sport);
	put16(u + 2, dport);
	put16(u + 4, (uint16_t)(UDP_HLEN + len));
	put16(u + 6, 0);
	memcpy(u + UDP_HLEN, data, len);
	put16(u + 6, udp_sum(in.ip, dst, u, UDP_HLEN + len));
	return net_send(f, ETH_HLEN + IP_HLEN + UDP_HLEN + len);
}

/* The payload of a UDP datagram for `port` in frame f: its offset and
 * length, or -1 if the frame is something else.  The checksum is checked
 * when the sender set one. */
static int udp_parse(const uint8_t *f, size_t len, uint16_t port, size_t *plen)
{
	const uint8_t *ip = f + ETH_HLEN, *u;
	size_t hl, tot, ulen;

	if (len < ETH_HLEN || get16(f + 12) != ETH_P_IP)
		return -1;
	hl = ip_check(ip, len - ETH_HLEN, &tot);
	if (!hl || ip[9] != IP_PROTO_UDP || tot - hl < UDP_HLEN)
		return -1;
	u = ip + hl;
	ulen = get16(u + 4);
	if (ulen < UDP_HLEN || ulen > tot - hl || get16(u + 2) != port)
		return -1;
	if (get16(u + 6) &&
	    inet_sum(u, ulen,
		     inet_sum(ip + 12, 8, IP_PROTO_UDP + (uint32_t)ulen)) !=
		    0xffff)
		return -1;
	*plen = ulen - UDP_HLEN;
	return (int)(ETH_HLEN + hl + UDP_HLEN);
}

int udp_recv(uint16_t port, void *buf, size_t max, uint32_t *src,
	     uint16_t *sport, uint64_t timeout)
{
	static uint8_t f[NET_FRAME_MAX];
	uint64_t deadline = timer_ticks() + timeout;

	for (;;) {
		uint64_t now = timer_ticks(), left;
		size_t plen;
		int n, off;

		left = timeout == NET_FOREVER ? NET_FOREVER
		       : now < deadline	      ? deadline - now
					      : 0;
		if (!left && timeout != NET_NOWAIT)
			return 0;
		n = net_recv(f, sizeof(f), left);
		if (n <= 0)
			return n;
		if (inet_input(f, (size_t)n))
			continue;
		off = udp_parse(f, (size_t)n, port, &plen);
		if (off < 0)
			continue;
		/* Learn a neighbour, so that the answer needs no ARP. */
		if (!((get32(f + ETH_HLEN + 12) ^ in.ip) & 0xffffff00u))
			arp_learn(get32(f + ETH_HLEN + 12), f + ETH_ALEN);
		*src = get32(f + ETH_HLEN + 12);
		*sport = get16(f + off - UDP_HLEN);
		if (plen > max)
			plen = max;
		memcpy(buf, f + off, plen);
		return (int)plen;
	}
}

int inet_peer(const char *s, uint8_t mac[ETH_ALEN])
{
	uint32_t ip;

	if (!s)
		return -EINVAL;
	if (!inet_parse_mac(s, mac))
		return 0;
	if (inet_parse_ip(s, &ip))
		return -EINVAL;
	return inet_resolve(ip, mac);
}

int inet_init(void)
{
	const char *s = cmdline_get("ip", "10.0.2.15");
	int err;

	if (inet_parse_ip(s, &in.ip)) {
		printf("inet: bad ip=%s\n", s);
		return -EINVAL;
	}
	err = net_open();
	if (err)
		return err;
	/* A gratuitous ARP: the switch learns where we are. */
	arp_send(1, eth_bcast, in.ip);
	return 0;
}
