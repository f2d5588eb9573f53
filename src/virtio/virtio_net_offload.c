/* virtio-net transmit offloads (virtio_net_offload.h): the checksum a
 * driver left to the device, and TCP segmentation for IPv4 and IPv6.
 *
 * Every field used is read from the device's own copy of the frame and
 * checked against its length before use; a header that does not match
 * the frame drops the frame (nothing half-sent).  Work is bounded by the
 * frame: at most NET_OFFLOAD_FRAME_MAX bytes, cut into segments of at
 * least NET_MIN_MSS payload bytes. */
#include <errno.h>
#include <string.h>

#include "io/vswitch.h"
#include "virtio/virtio_net_offload.h"

#define ETH_HLEN 14
#define ETH_P_IPV4 0x0800
#define ETH_P_IPV6 0x86dd
#define IP_PROTO_TCP 6
#define IPV4_MF_OFFSET 0x3fff /* more-fragments flag and fragment offset */
#define IPV6_HLEN 40
#define TCP_HLEN_MIN 20
#define TCP_FIN 0x01
#define TCP_PSH 0x08
#define TCP_CWR 0x80
/* Linux's smallest send MSS (net.ipv4.tcp_min_snd_mss): a segment size
 * below it is not one a real stack asks for, and it bounds the number of
 * frames one chain can make (65535 / 48: 1366). */
#define NET_MIN_MSS 48

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* One's-complement sum of [p, p + n) in the host's byte order, 4 bytes
 * at a time (RFC 1071: the sum of byte-swapped words is the byte-swapped
 * sum).  Ranges summed together must start at even offsets of the data
 * they stand for. */
static uint64_t cs_add(uint64_t sum, const uint8_t *p, size_t n)
{
	while (n >= 4) {
		uint32_t w;

		memcpy(&w, p, 4);
		sum += w;
		p += 4;
		n -= 4;
	}
	if (n >= 2) {
		uint16_t w;

		memcpy(&w, p, 2);
		sum += w;
		p += 2;
		n -= 2;
	}
	if (n) { /* the high byte of a last big-endian word */
		uint16_t w = 0;

		memcpy(&w, p, 1);
		sum += w;
	}
	return sum;
}

/* Fold a sum to 16 bits, complement it, big-endian value. */
static uint16_t cs_finish(uint64_t sum)
{
	uint16_t v;

	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	v = (uint16_t)~sum;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = (uint16_t)(v << 8 | v >> 8);
#endif
	return v;
}

uint16_t net_offload_csum(const uint8_t *p, size_t n)
{
	return cs_finish(cs_add(0, p, n));
}

/* NEEDS_CSUM without segmentation: the sum of [start, len), whose field
 * at start + off holds the pseudo-header's sum the driver put there,
 * stored at start + off.  A result of 0 goes out as 0xffff (the same
 * value in one's complement), as Linux's software fallback does: for UDP
 * 0 would mean "no checksum". */
static int off_csum(const struct net_offload_hdr *h, uint8_t *f, size_t len)
{
	size_t start = h->csum_start, off = h->csum_offset;
	uint16_t v;

	if (start < ETH_HLEN || start >= len || off > len - start ||
	    len - start - off < 2)
		return -EINVAL;
	v = cs_finish(cs_add(0, f + start, len - start));
	put16(f + start + off, v ? v : 0xffff);
	return 0;
}

/* The parsed headers of a TSO frame. */
struct tso {
	bool v6;
	size_t ip, tcp, hlen; /* offsets of the IP and TCP headers; all */
};

/* Check that f is Ethernet, IPv4/IPv6 (no options for v6, not a
 * fragment for v4), then TCP, all inside len: 0 and t filled, or
 * -EINVAL. */
static int tso_parse(bool v6, const uint8_t *f, size_t len, struct tso *t)
{
	size_t iphl, thl;

	t->v6 = v6;
	t->ip = ETH_HLEN;
	if (len < ETH_HLEN + IPV6_HLEN ||
	    get16(f + 12) != (v6 ? ETH_P_IPV6 : ETH_P_IPV4))
		return -EINVAL;
	if (v6) {
		if (f[t->ip] >> 4 != 6 || f[t->ip + 6] != IP_PROTO_TCP)
			return -EINVAL;
		iphl = IPV6_HLEN;
	} else {
		iphl = (size_t)(f[t->ip] & 15) * 4;
		if (f[t->ip] >> 4 != 4 || iphl < 20 ||
		    f[t->ip + 9] != IP_PROTO_TCP ||
		    (get16(f + t->ip + 6) & IPV4_MF_OFFSET))
			return -EINVAL;
	}
	t->tcp = t->ip + iphl;
	if (len < t->tcp + TCP_HLEN_MIN)
		return -EINVAL;
	thl = (size_t)(f[t->tcp + 12] >> 4) * 4;
	if (thl < TCP_HLEN_MIN || len < t->tcp + thl)
		return -EINVAL;
	t->hlen = t->tcp + thl;
	return 0;
}

/* The TCP checksum of the segment in s (headers at t's offsets, n
 * payload bytes after them), with its pseudo-header. */
static void tso_tcp_csum(const struct tso *t, uint8_t *s, size_t n)
{
	size_t tcp_len = t->hlen - t->tcp + n;
	uint8_t ph[8] = { 0 };
	uint64_t sum;

	put32(ph, (uint32_t)tcp_len);
	ph[7] = IP_PROTO_TCP;
	if (t->v6)
		sum = cs_add(0, s + t->ip + 8, 32); /* source, destination */
	else
		sum = cs_add(0, s + t->ip + 12, 8);
	sum = cs_add(sum, ph, sizeof(ph));
	put16(s + t->tcp + 16, 0);
	sum = cs_add(sum, s + t->tcp, tcp_len);
	put16(s + t->tcp + 16, cs_finish(sum));
}

/* Cut f into segments of at most mss payload bytes: each gets the
 * headers with its length, IPv4 id, sequence number and flags (FIN and
 * PSH on the last only, CWR on the first only), and fresh checksums. */
static int tso_send(const struct tso *t, const uint8_t *f, size_t len,
		    size_t mss, net_offload_send_fn send, void *ctx)
{
	uint8_t s[VSWITCH_FRAME_MAX];
	size_t payload = len - t->hlen, done = 0;
	uint32_t seq = get32(f + t->tcp + 4);
	uint16_t id = t->v6 ? 0 : get16(f + t->ip + 4);
	uint8_t flags = f[t->tcp + 13];
	int sent = 0;

	do {
		size_t n = payload - done < mss ? payload - done : mss;
		bool last = done + n == payload;

		memcpy(s, f, t->hlen);
		memcpy(s + t->hlen, f + t->hlen + done, n);
		put32(s + t->tcp + 4, seq + (uint32_t)done);
		s[t->tcp + 13] =
			(uint8_t)(flags & ~(last ? 0 : TCP_FIN | TCP_PSH) &
				  ~(sent ? TCP_CWR : 0));
		if (t->v6) {
			put16(s + t->ip + 4, (uint16_t)(t->hlen - t->tcp + n));
		} else {
			put16(s + t->ip + 2, (uint16_t)(t->hlen - t->ip + n));
			put16(s + t->ip + 4, (uint16_t)(id + sent));
			put16(s + t->ip + 10, 0);
			put16(s + t->ip + 10,
			      cs_finish(cs_add(0, s + t->ip, t->tcp - t->ip)));
		}
		tso_tcp_csum(t, s, n);
		send(ctx, s, t->hlen + n);
		sent++;
		done += n;
	} while (done < payload);
	return sent;
}

int net_offload_tx(const struct net_offload_caps *caps,
		   const struct net_offload_hdr *h, uint8_t *frame, size_t len,
		   net_offload_send_fn send, void *ctx)
{
	bool v6 = h->gso_type == VIRTIO_NET_HDR_GSO_TCPV6;
	bool v4 = h->gso_type == VIRTIO_NET_HDR_GSO_TCPV4;
	struct tso t;

	if (h->gso_type == VIRTIO_NET_HDR_GSO_NONE) {
		if (len < VSWITCH_FRAME_MIN || len > VSWITCH_FRAME_MAX)
			return -EINVAL;
		if (h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
			if (!caps->csum || off_csum(h, frame, len))
				return -EINVAL;
		}
		send(ctx, frame, len);
		return 1;
	}
	/* TCP segmentation: negotiated, and never with ECN (not offered);
	 * the checksums are computed here whatever the driver left. */
	if (!((v4 && caps->tso4) || (v6 && caps->tso6)) ||
	    len > NET_OFFLOAD_FRAME_MAX || tso_parse(v6, frame, len, &t) ||
	    h->gso_size < NET_MIN_MSS ||
	    t.hlen + h->gso_size > VSWITCH_FRAME_MAX)
		return -EINVAL;
	/* The IP length fields are rewritten per segment; the whole must
	 * fit the one it came in (IPv4's total length, IPv6's payload). */
	if (len - t.ip - (v6 ? IPV6_HLEN : 0) > 65535)
		return -EINVAL;
	return tso_send(&t, frame, len, h->gso_size, send, ctx);
}
