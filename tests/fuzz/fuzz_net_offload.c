/* virtio-net's transmit offloads (src/virtio/virtio_net_offload.c) under
 * a hostile driver: the header, the negotiated offloads and the frame
 * come from the input, the frame either as raw bytes or as a valid TCP
 * frame of up to 64 KiB that input bytes then damage at chosen offsets.
 * Invariants: a dropped frame sends nothing; every frame sent is within
 * the switch's lengths; a frame sent whole keeps its length; an undamaged
 * TCP frame cut into segments gives exactly the segments it should, each
 * with valid checksums, together carrying the payload. */
#include <errno.h>

#include "fuzz_util.h"
#include "net_offload_util.h"

static uint8_t frame[NET_OFFLOAD_FRAME_MAX], orig[NET_OFFLOAD_FRAME_MAX];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };
	uint8_t how = fz_u8(&in), caps_bits = fz_u8(&in);
	struct net_offload_caps caps = { caps_bits & 1, caps_bits & 2,
					 caps_bits & 4 };
	struct net_offload_hdr h;
	static struct no_out o;
	bool v6 = how & 2, damaged = false;
	size_t len, tcp = v6 ? 54 : 34, hl;
	unsigned opt = (how >> 2 & 7) * 4;
	int r;

	h.flags = fz_u8(&in);
	h.gso_type = fz_u8(&in);
	h.hdr_len = fz_u16(&in);
	h.gso_size = fz_u16(&in);
	h.csum_start = fz_u16(&in);
	h.csum_offset = fz_u16(&in);
	h.num_buffers = 0;
	hl = tcp + 20 + opt;
	if (how & 1) { /* a TCP frame, perhaps damaged */
		len = no_build(frame, v6, opt,
			       fz_u16(&in) % (NET_OFFLOAD_FRAME_MAX - hl + 1),
			       fz_u8(&in), fz_u8(&in));
		while (in.n >= 3) {
			uint16_t at = fz_u16(&in);

			if (at < len) {
				frame[at] ^= fz_u8(&in);
				damaged = true;
			}
		}
	} else { /* raw bytes */
		len = in.n;
		fz_bytes(&in, frame, len);
		damaged = true;
	}
	memcpy(orig, frame, len);
	r = net_offload_tx(&caps, &h, frame, len, no_send, &o);
	CHECK(!o.bad_len);
	if (r < 0) {
		CHECK(r == -EINVAL && o.n == 0);
	} else if (h.gso_type == VIRTIO_NET_HDR_GSO_NONE) {
		CHECK(r == 1 && o.n == 1 && o.len[0] == len);
	} else {
		CHECK(r == (int)o.n && o.n >= 1);
		if (!damaged)
			CHECK(no_check_tso(&o, orig, len, v6, tcp, hl,
					   h.gso_size) == 0);
	}
	no_free(&o);
	return 0;
}
