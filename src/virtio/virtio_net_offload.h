/* virtio-net's transmit offloads (virtio 1.1 section 5.1.6.2): the
 * checksum a driver left for the device (VIRTIO_NET_F_CSUM) and TCP
 * segmentation (VIRTIO_NET_F_HOST_TSO4/6), done on the host so that a
 * guest's stack, running at emulation speed, hands over one large TCP
 * segment instead of dozens of checksummed frames.  The frames that
 * leave are ordinary ones (at most VSWITCH_FRAME_MAX bytes, every
 * checksum in place), so every port of the switch takes them as they
 * are.  Pure functions on the copy the device made: no guest memory. */
#ifndef ATOLL_VIRTIO_NET_OFFLOAD_H
#define ATOLL_VIRTIO_NET_OFFLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VIRTIO_NET_F_CSUM 0
#define VIRTIO_NET_F_HOST_TSO4 11
#define VIRTIO_NET_F_HOST_TSO6 12

#define VIRTIO_NET_HDR_F_NEEDS_CSUM 1
#define VIRTIO_NET_HDR_GSO_NONE 0
#define VIRTIO_NET_HDR_GSO_TCPV4 1
#define VIRTIO_NET_HDR_GSO_TCPV6 4

/* The largest frame a driver may hand over with TSO: an Ethernet and an
 * IPv6 header and the most an IP length field says. */
#define NET_OFFLOAD_FRAME_MAX (14 + 40 + 65535)

/* The header in front of every frame (virtio_net_hdr_v1), little-endian
 * as it arrives. */
struct net_offload_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len, gso_size, csum_start, csum_offset, num_buffers;
};

/* What the driver negotiated. */
struct net_offload_caps {
	bool csum, tso4, tso6;
};

/* Where finished frames go (each at most VSWITCH_FRAME_MAX bytes). */
typedef void (*net_offload_send_fn)(void *ctx, const uint8_t *frame,
				    size_t len);

/* Send frame (len bytes; checksums are written into it) as h asks: in one
 * piece, with the checksum it left filled in, or cut into TCP segments of
 * h->gso_size payload bytes, each with its own IP and TCP checksums.
 * Returns the number of frames sent, or -EINVAL: the header asks for what
 * was not negotiated, or the frame does not hold what the header says
 * (nothing is sent). */
int net_offload_tx(const struct net_offload_caps *caps,
		   const struct net_offload_hdr *h, uint8_t *frame, size_t len,
		   net_offload_send_fn send, void *ctx);

/* The Internet checksum (RFC 1071) of [p, p + n), complemented, as the
 * 16-bit big-endian value a header stores (exposed for the tests). */
uint16_t net_offload_csum(const uint8_t *p, size_t n);

#endif
