/* Shared by test_net_offload.c and fuzz_net_offload.c: building TCP
 * frames as a driver hands them over, and checking the frames
 * net_offload_tx sends (each one a valid Ethernet/IP/TCP frame on its
 * own, the segments together the original payload). */
#ifndef ATOLL_TESTS_NET_OFFLOAD_UTIL_H
#define ATOLL_TESTS_NET_OFFLOAD_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/vswitch.h"
#include "virtio/virtio_net_offload.h"

#define NO_MAX_OUT 2048 /* frames one call may send (65535 / 48 < 1400) */

/* What net_offload_tx sent, in order. */
struct no_out {
	unsigned n;
	bool bad_len; /* a frame outside VSWITCH_FRAME_MIN..MAX */
	size_t len[NO_MAX_OUT];
	uint8_t *frame[NO_MAX_OUT];
};

static inline void no_send(void *ctx, const uint8_t *f, size_t len)
{
	struct no_out *o = ctx;

	if (len < VSWITCH_FRAME_MIN || len > VSWITCH_FRAME_MAX) {
		o->bad_len = true;
		return;
	}
	if (o->n == NO_MAX_OUT)
		return;
	o->frame[o->n] = malloc(len);
	memcpy(o->frame[o->n], f, len);
	o->len[o->n++] = len;
}

static inline void no_free(struct no_out *o)
{
	for (unsigned i = 0; i < o->n; i++)
		free(o->frame[i]);
	o->n = 0;
	o->bad_len = false;
}

static inline uint16_t no_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t no_get32(const uint8_t *p)
{
	return (uint32_t)no_get16(p) << 16 | no_get16(p + 2);
}

static inline void no_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* A TCP frame with `opt` bytes of TCP options and `payload` bytes of a
 * pattern seeded by `seed`, written to f (room for all of it); its
 * checksums are left as a driver leaves them (zero).  Returns the frame's
 * length. */
static inline size_t no_build(uint8_t *f, bool v6, unsigned opt, size_t payload,
			      uint8_t flags, uint8_t seed)
{
	size_t ip = 14, tcp = ip + (v6 ? 40 : 20), hl = tcp + 20 + opt;

	memset(f, 0, hl);
	memset(f, 0x02, 12); /* destination and source MACs */
	no_put16(f + 12, v6 ? 0x86dd : 0x0800);
	if (v6) {
		f[ip] = 0x60;
		no_put16(f + ip + 4, (uint16_t)(20 + opt + payload));
		f[ip + 6] = 6;
		f[ip + 7] = 64;
		for (int i = 0; i < 32; i++)
			f[ip + 8 + i] = (uint8_t)(0xf0 + i);
	} else {
		f[ip] = 0x45;
		no_put16(f + ip + 2, (uint16_t)(20 + 20 + opt + payload));
		no_put16(f + ip + 4, 0x1234); /* id */
		f[ip + 6] = 0x40; /* don't fragment */
		f[ip + 8] = 64;
		f[ip + 9] = 6;
		memcpy(f + ip + 12, (uint8_t[]){ 10, 0, 2, 15, 10, 0, 2, 2 },
		       8);
	}
	no_put16(f + tcp, 40000);
	no_put16(f + tcp + 2, 5001);
	no_put16(f + tcp + 4, 0xfffe); /* the sequence wraps in the frame */
	no_put16(f + tcp + 6, 0xff00);
	f[tcp + 12] = (uint8_t)((20 + opt) / 4 << 4);
	f[tcp + 13] = flags;
	no_put16(f + tcp + 14, 502);
	for (unsigned i = 0; i < opt; i++)
		f[tcp + 20 + i] = 1; /* NOP */
	for (size_t i = 0; i < payload; i++)
		f[hl + i] = (uint8_t)(seed + i * 7 + (i >> 8));
	return hl + payload;
}

/* The TCP checksum of frame f (len bytes, TCP at `tcp`, IPv4 or v6 at
 * 14) verifies. */
static inline bool no_tcp_ok(const uint8_t *f, size_t len, bool v6, size_t tcp)
{
	uint8_t buf[12 + 32 + VSWITCH_FRAME_MAX];
	size_t ph = v6 ? 40 : 12, tl = len - tcp;

	memset(buf, 0, ph);
	if (v6) {
		memcpy(buf, f + 14 + 8, 32);
		buf[34] = (uint8_t)(tl >> 8);
		buf[35] = (uint8_t)tl;
		buf[39] = 6;
	} else {
		memcpy(buf, f + 14 + 12, 8);
		buf[9] = 6;
		buf[10] = (uint8_t)(tl >> 8);
		buf[11] = (uint8_t)tl;
	}
	memcpy(buf + ph, f + tcp, tl);
	return net_offload_csum(buf, ph + tl) == 0;
}

/* Check the segments in o against the frame they were cut from (orig,
 * len bytes, headers hl bytes, TCP at tcp) with segment size mss: the
 * count, each header's lengths, ids, sequence numbers, flags and
 * checksums, and the payload they carry together.  0 if all hold, else
 * the line of the first failed check. */
static inline int no_check_tso(const struct no_out *o, const uint8_t *orig,
			       size_t len, bool v6, size_t tcp, size_t hl,
			       size_t mss)
{
	size_t payload = len - hl, off = 0;
	unsigned want = payload ? (unsigned)((payload + mss - 1) / mss) : 1;
	uint8_t flags = orig[tcp + 13];

	if (o->bad_len || o->n != want)
		return __LINE__;
	for (unsigned k = 0; k < o->n; k++) {
		const uint8_t *s = o->frame[k];
		size_t n = o->len[k] - hl;
		bool last = k == o->n - 1;
		uint8_t want_flags = flags;

		if (o->len[k] < hl || n > mss || (!last && n != mss))
			return __LINE__;
		if (memcmp(s, orig, 14) || memcmp(s + hl, orig + hl + off, n))
			return __LINE__;
		if (v6 ? no_get16(s + 18) != hl - tcp + n
		       : no_get16(s + 16) != hl - 14 + n ||
				    no_get16(s + 18) !=
					    (uint16_t)(no_get16(orig + 18) +
						       k) ||
				    net_offload_csum(s + 14, tcp - 14) != 0)
			return __LINE__;
		if (no_get32(s + tcp + 4) !=
		    (uint32_t)(no_get32(orig + tcp + 4) + off))
			return __LINE__;
		if (!last)
			want_flags &= (uint8_t)~0x09; /* FIN, PSH */
		if (k)
			want_flags &= (uint8_t)~0x80; /* CWR */
		if (s[tcp + 13] != want_flags ||
		    !no_tcp_ok(s, o->len[k], v6, tcp))
			return __LINE__;
		off += n;
	}
	return off == payload ? 0 : __LINE__;
}

#endif
