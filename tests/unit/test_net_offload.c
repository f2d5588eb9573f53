/* virtio-net's transmit offloads (src/virtio/virtio_net_offload.c): the
 * Internet checksum against RFC 1071's example, a checksum left to the
 * device, TCP segmentation for IPv4 and IPv6 (lengths, ids, sequence
 * numbers, flags, checksums, payload), and every header that does not
 * describe its frame or asks for what was not negotiated: dropped, nothing
 * sent. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "net_offload_util.h"

static const struct net_offload_caps all = { true, true, true };

static uint8_t frame[NET_OFFLOAD_FRAME_MAX], orig[NET_OFFLOAD_FRAME_MAX];

/* RFC 1071 section 3's example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2;
 * an odd length pads with a zero byte. */
static void test_csum(void)
{
	static const uint8_t v[] = { 0x00, 0x01, 0xf2, 0x03,
				     0xf4, 0xf5, 0xf6, 0xf7 };
	static const uint8_t odd[] = { 0x12, 0x34, 0x56 };

	CHECK_EQ(net_offload_csum(v, sizeof(v)), (uint16_t)~0xddf2);
	CHECK_EQ(net_offload_csum(odd, 3), (uint16_t) ~(0x1234 + 0x5600));
	CHECK_EQ(net_offload_csum(v, 0), 0xffff);
}

/* NEEDS_CSUM: the driver leaves the pseudo-header's sum in the field, the
 * device sums from csum_start to the end; the frame then verifies. */
static void test_needs_csum(void)
{
	struct net_offload_hdr h = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
				     .csum_start = 34,
				     .csum_offset = 16 };
	struct net_offload_caps none = { 0 };
	struct no_out o = { 0 };
	size_t len = no_build(frame, false, 12, 1000, 0x18, 3);
	uint8_t ph[12] = { 10, 0, 2, 15, 10, 0, 2, 2, 0, 6, 0, 0 };
	uint16_t partial;

	/* Linux's partial: the folded, uncomplemented pseudo-header sum. */
	no_put16(ph + 10, (uint16_t)(len - 34));
	partial = (uint16_t)~net_offload_csum(ph, sizeof(ph));
	no_put16(frame + 34 + 16, partial);
	memcpy(orig, frame, len);
	CHECK_EQ(net_offload_tx(&all, &h, frame, len, no_send, &o), 1);
	CHECK_EQ(o.n, 1);
	CHECK_EQ(o.len[0], len);
	CHECK(no_tcp_ok(o.frame[0], len, false, 34));
	CHECK(!memcmp(o.frame[0] + 34 + 18, orig + 34 + 18, len - 52));
	no_free(&o);
	/* not negotiated, or a field past the end: dropped */
	memcpy(frame, orig, len);
	CHECK_EQ(net_offload_tx(&none, &h, frame, len, no_send, &o), -EINVAL);
	h.csum_start = (uint16_t)(len - 1);
	CHECK_EQ(net_offload_tx(&all, &h, frame, len, no_send, &o), -EINVAL);
	h.csum_start = 34;
	h.csum_offset = (uint16_t)(len - 35);
	CHECK_EQ(net_offload_tx(&all, &h, frame, len, no_send, &o), -EINVAL);
	h.csum_start = 4; /* inside the Ethernet header */
	h.csum_offset = 0;
	CHECK_EQ(net_offload_tx(&all, &h, frame, len, no_send, &o), -EINVAL);
	CHECK_EQ(o.n, 0);
	/* a plain frame goes as it is; one over the MTU is dropped */
	h.flags = 0;
	CHECK_EQ(net_offload_tx(&none, &h, frame, len, no_send, &o), 1);
	CHECK(!memcmp(o.frame[0], frame, len));
	no_free(&o);
	CHECK_EQ(net_offload_tx(&none, &h, frame, VSWITCH_FRAME_MAX + 1,
				no_send, &o),
		 -EINVAL);
	CHECK_EQ(o.n, 0);
}

/* TSO: a 64 KiB IPv4 segment (FIN, PSH and CWR set, timestamps' 12
 * bytes of options) and an IPv6 one; a payload shorter than one MSS; a
 * header-only segment. */
static void test_tso(void)
{
	static const struct {
		bool v6;
		size_t payload, mss;
	} c[] = { { false, 65535 - 20 - 32, 1448 },
		  { true, 65535 - 32, 1428 },
		  { false, 1000, 1448 },
		  { true, 3 * 1200, 1200 },
		  { false, 0, 536 },
		  { false, 4000, 48 } };

	for (unsigned i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct net_offload_hdr h = {
			.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
			.gso_type = c[i].v6 ? VIRTIO_NET_HDR_GSO_TCPV6
					    : VIRTIO_NET_HDR_GSO_TCPV4,
			.gso_size = (uint16_t)c[i].mss,
			.hdr_len = 999, /* a hint the device ignores */
		};
		size_t tcp = c[i].v6 ? 54 : 34, hl = tcp + 32;
		size_t len = no_build(frame, c[i].v6, 12, c[i].payload,
				      0x80 | 0x18 | 0x01, (uint8_t)i);
		struct no_out o = { 0 };
		int r;

		memcpy(orig, frame, len);
		r = net_offload_tx(&all, &h, frame, len, no_send, &o);
		CHECK_EQ(r, (int)o.n);
		CHECK_EQ(
			no_check_tso(&o, orig, len, c[i].v6, tcp, hl, c[i].mss),
			0);
		no_free(&o);
	}
}

/* Headers that do not describe the frame, or offloads not negotiated:
 * -EINVAL and nothing sent. */
static void test_tso_bad(void)
{
	struct net_offload_hdr h = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
				     .gso_type = VIRTIO_NET_HDR_GSO_TCPV4,
				     .gso_size = 1448 };
	struct net_offload_caps no4 = { true, false, true };
	struct no_out o = { 0 };
	size_t len = no_build(orig, false, 12, 5000, 0x18, 9);

#define BAD(caps, what)                                                        \
	do {                                                                   \
		memcpy(frame, orig, len);                                      \
		what;                                                          \
		CHECK_EQ(net_offload_tx(caps, &h, frame, len, no_send, &o),    \
			 -EINVAL);                                             \
		CHECK_EQ(o.n, 0);                                              \
		memcpy(frame, orig, len);                                      \
		h.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;                         \
		h.gso_size = 1448;                                             \
	} while (0)
	BAD(&no4, (void)0); /* TSO4 not negotiated */
	BAD(&all, h.gso_type = 0x81); /* ECN, not offered */
	BAD(&all, h.gso_type = 3); /* UDP, not offered */
	BAD(&all, h.gso_type = VIRTIO_NET_HDR_GSO_TCPV6); /* v4 frame */
	BAD(&all, h.gso_size = 47); /* below any MSS */
	BAD(&all, h.gso_size = 1514 - 66 + 1); /* over the MTU */
	BAD(&all, frame[12] = 0x81); /* not IPv4 */
	BAD(&all, frame[14] = 0x44); /* IHL 4 */
	BAD(&all, frame[14] = 0x55); /* version 5 */
	BAD(&all, frame[23] = 17); /* UDP */
	BAD(&all, frame[20] = 0x20); /* more fragments */
	BAD(&all, frame[21] = 0x01); /* a fragment offset */
	BAD(&all, frame[34 + 12] = 0x40); /* TCP header 16 bytes */
	BAD(&all, frame[14] = 0x4f); /* IP header 60 bytes */
#undef BAD
	/* a TCP header longer than the frame */
	memcpy(frame, orig, len);
	frame[34 + 12] = 0xf0;
	CHECK_EQ(net_offload_tx(&all, &h, frame, 34 + 40, no_send, &o),
		 -EINVAL);
	/* shorter than its headers, larger than any IP packet */
	CHECK_EQ(net_offload_tx(&all, &h, frame, 40, no_send, &o), -EINVAL);
	CHECK_EQ(net_offload_tx(&all, &h, frame, 14 + 65536, no_send, &o),
		 -EINVAL);
	CHECK_EQ(net_offload_tx(&all, &h, frame, NET_OFFLOAD_FRAME_MAX + 1,
				no_send, &o),
		 -EINVAL);
	CHECK_EQ(o.n, 0);
}

int main(void)
{
	test_csum();
	test_needs_csum();
	test_tso();
	test_tso_bad();
	return check_done("net_offload");
}
