/* netstream: a guest-to-guest stream of raw 1514-byte Ethernet frames
 * (EtherType 0x88b5, IEEE's local experimental one).
 *
 *   workload=netstream role=send peer=MAC-or-IP mb=N seed=S
 *   workload=netstream role=recv seed=S [wait=TICKS]
 *
 * The sender says HELLO until the receiver answers, then sends DATA frames
 * numbered 0..n-1 whose payload is a pattern of (seed, seq, byte), at most
 * WINDOW ahead of the receiver's last ACK (the receiver acks every
 * ACK_EVERY frames, so a fast sender cannot overrun its rx buffers), then
 * END with n until the receiver's END_ACK says how many it got.  The
 * receiver checks every sequence number and payload byte; lost = n minus
 * distinct good frames.  Verdict ok only with no loss and no bad byte. */
#include <string.h>

#include "kernel.h"
#include "net.h"

#define NS_ETHERTYPE 0x88b5
#define NS_FRAME 1514
#define NS_HDR 24 /* Ethernet + kind, pad, seq, value */
#define NS_WINDOW 96
#define NS_ACK_EVERY 16
#define NS_MAX_FRAMES (1u << 20)
#define NS_RETRY_TICKS 20

enum { NS_HELLO = 1, NS_DATA, NS_ACK, NS_END, NS_END_ACK };

static uint8_t ns_seen[NS_MAX_FRAMES / 8];
static uint8_t tx[NS_FRAME], rx[NS_FRAME];
static uint8_t peer[ETH_ALEN];
static uint32_t seed;

static uint32_t ns_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void ns_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint8_t ns_byte(uint32_t seq, uint32_t i)
{
	return (uint8_t)(seed * 167u + seq * 31u + i * 7u + (i >> 8));
}

/* A control or data frame to peer; len bytes in all. */
static int ns_send(int kind, uint32_t seq, uint32_t value, size_t len, int push)
{
	int err;

	memcpy(tx, peer, ETH_ALEN);
	memcpy(tx + ETH_ALEN, net_mac(), ETH_ALEN);
	tx[12] = NS_ETHERTYPE >> 8;
	tx[13] = NS_ETHERTYPE & 0xff;
	tx[14] = (uint8_t)kind;
	tx[15] = 0;
	ns_put32(tx + 16, seq);
	ns_put32(tx + 20, value);
	if (kind == NS_DATA)
		for (uint32_t i = NS_HDR; i < len; i++)
			tx[i] = ns_byte(seq, i);
	err = net_queue(tx, len, NET_FOREVER);
	if (!err && push)
		net_push();
	return err;
}

/* The next netstream frame (others are given to the IP stack): its kind,
 * with seq/value, or 0 after `ticks`. */
static int ns_recv(uint64_t ticks, uint32_t *seq, uint32_t *value, int *len)
{
	uint64_t deadline = timer_ticks() + ticks;

	do {
		uint64_t now = timer_ticks();
		int n = net_recv(rx, sizeof(rx),
				 now < deadline ? deadline - now : NET_NOWAIT);

		if (n <= 0)
			return 0;
		if (inet_input(rx, (size_t)n) || n < NS_HDR ||
		    rx[12] != NS_ETHERTYPE >> 8 ||
		    rx[13] != (NS_ETHERTYPE & 0xff))
			continue;
		*seq = ns_get32(rx + 16);
		*value = ns_get32(rx + 20);
		*len = n;
		return rx[14];
	} while (timer_ticks() < deadline);
	return 0;
}

static void ns_report(const char *role, uint64_t frames, uint64_t us,
		      uint64_t lost)
{
	uint64_t bytes = frames * NS_FRAME;

	if (!us)
		us = 1;
	printf("netstream: role=%s frames=%lu bytes=%lu us=%lu MBps=%lu.%lu "
	       "pps=%lu lost=%lu\n",
	       role, (unsigned long)frames, (unsigned long)bytes,
	       (unsigned long)us, (unsigned long)(bytes / us),
	       (unsigned long)(bytes * 10 / us % 10),
	       (unsigned long)(frames * 1000000 / us), (unsigned long)lost);
}

/* Say HELLO until the receiver acks: 0, or -1 after `wait` ticks. */
static int ns_hello(uint32_t n, uint64_t wait)
{
	uint64_t deadline = timer_ticks() + wait;
	uint32_t seq, value;
	int len;

	while (timer_ticks() < deadline) {
		ns_send(NS_HELLO, 0, n, 60, 1);
		if (ns_recv(NS_RETRY_TICKS, &seq, &value, &len) == NS_ACK)
			return 0;
	}
	return -1;
}

/* Take the ACKs that arrived (waiting up to `ticks` for the first one
 * when the window is full); advances *acked. */
static void ns_take_acks(uint32_t *acked, uint64_t ticks)
{
	uint32_t seq, value;
	int kind, len;

	while ((kind = ns_recv(ticks, &seq, &value, &len))) {
		if (kind == NS_ACK && (int32_t)(value - *acked) > 0)
			*acked = value;
		ticks = NET_NOWAIT;
	}
}

static int ns_sender(uint32_t n, uint64_t wait)
{
	uint32_t acked = 0, got = 0, seq;
	uint64_t t0, stalls = 0;
	int len, done = 0;

	if (ns_hello(n, wait)) {
		printf("netstream: verdict FAIL no answer from the receiver\n");
		return 1;
	}
	t0 = timer_now_us();
	for (uint32_t sent = 0; sent < n; sent++) {
		while (sent - acked >= NS_WINDOW) {
			uint32_t before = acked;

			net_push();
			ns_take_acks(&acked, 100);
			if (acked == before) { /* ACKs lost: go on */
				stalls++;
				acked = sent;
			}
		}
		ns_send(NS_DATA, sent, 0, NS_FRAME,
			sent % NS_ACK_EVERY == NS_ACK_EVERY - 1);
		ns_take_acks(&acked, NET_NOWAIT);
	}
	net_push();
	for (int t = 0; t < 50 && !done; t++) {
		ns_send(NS_END, n, n, 60, 1);
		for (int k; (k = ns_recv(NS_RETRY_TICKS, &seq, &got, &len));)
			if (k == NS_END_ACK) {
				done = 1;
				break;
			}
	}
	ns_report("send", n, timer_now_us() - t0, done ? n - got : n);
	if (!done || got != n || stalls) {
		printf("netstream: verdict FAIL %s (received %u of %u, "
		       "%lu stalls)\n",
		       done ? "frames lost" : "no END_ACK", got, n,
		       (unsigned long)stalls);
		return 1;
	}
	printf("netstream: verdict ok\n");
	return 0;
}

/* One DATA frame: 1 if good and new, 0 if a duplicate, -1 if bad. */
static int ns_check(uint32_t seq, uint32_t total, int len)
{
	if (seq >= total || seq >= NS_MAX_FRAMES || len != NS_FRAME)
		return -1;
	if (ns_seen[seq / 8] & (1u << (seq % 8)))
		return 0;
	for (uint32_t i = NS_HDR; i < NS_FRAME; i++)
		if (rx[i] != ns_byte(seq, i))
			return -1;
	ns_seen[seq / 8] |= (uint8_t)(1u << (seq % 8));
	return 1;
}

/* Wait for the sender's HELLO: the stream's length, or 0. */
static uint32_t ns_accept(uint64_t wait)
{
	uint32_t seq, value;
	int len;

	for (;;) {
		int kind = ns_recv(wait, &seq, &value, &len);

		if (!kind)
			return 0;
		if (kind == NS_HELLO && value) {
			memcpy(peer, rx + ETH_ALEN, ETH_ALEN);
			ns_send(NS_ACK, 0, 0, 60, 1);
			return value < NS_MAX_FRAMES ? value : NS_MAX_FRAMES;
		}
	}
}

/* After END: answer repeated ENDs until the line is quiet. */
static void ns_linger(uint32_t got)
{
	uint32_t seq, value;
	int len, kind;

	ns_send(NS_END_ACK, 0, got, 60, 1);
	while ((kind = ns_recv(30, &seq, &value, &len)))
		if (kind == NS_END)
			ns_send(NS_END_ACK, 0, got, 60, 1);
}

static int ns_receiver(uint64_t wait)
{
	uint32_t total, seq, value, got = 0, bad = 0, next = 0, since = 0;
	uint64_t t0 = 0, t1;
	int kind, len, ended = 0;

	total = ns_accept(wait);
	if (!total) {
		printf("netstream: verdict FAIL no sender\n");
		return 1;
	}
	while ((kind = ns_recv(200, &seq, &value, &len))) {
		if (kind == NS_HELLO) {
			ns_send(NS_ACK, 0, next, 60, 1);
		} else if (kind == NS_END) {
			ended = 1;
			break;
		} else if (kind == NS_DATA) {
			int ok = ns_check(seq, total, len);

			if (!t0)
				t0 = timer_now_us();
			if (ok < 0 && bad++ < 4)
				printf("netstream: bad frame seq %u len %d\n",
				       seq, len);
			got += ok > 0;
			if ((int32_t)(seq + 1 - next) > 0)
				next = seq + 1;
			if (++since % NS_ACK_EVERY == 0)
				ns_send(NS_ACK, 0, next, 60, 1);
		}
	}
	t1 = timer_now_us();
	if (ended)
		ns_linger(got);
	ns_report("recv", got, t0 ? t1 - t0 : 0, total - got);
	if (!ended || bad || got != total) {
		printf("netstream: verdict FAIL %s: %u of %u frames good, "
		       "%u bad\n",
		       ended ? "loss or corruption" : "stream stalled", got,
		       total, bad);
		return 1;
	}
	printf("netstream: verdict ok\n");
	return 0;
}

int wl_netstream(void)
{
	const char *role = cmdline_get("role", "recv");
	uint64_t wait = (uint64_t)cmdline_long("wait", 30 * TICK_HZ);
	long mb = cmdline_long("mb", 4);
	int err;

	seed = (uint32_t)cmdline_long("seed", 1);
	err = inet_init();
	if (err) {
		printf("netstream: verdict FAIL no network (%d)\n", err);
		return 1;
	}
	if (!strcmp(role, "recv"))
		return ns_receiver(wait);
	if (strcmp(role, "send") || mb < 1 || mb > 1024) {
		printf("netstream: verdict FAIL bad role=%s or mb=%ld\n", role,
		       mb);
		return 1;
	}
	err = inet_peer(cmdline_get("peer", NULL), peer);
	if (err) {
		printf("netstream: verdict FAIL bad or unreachable peer (%d)\n",
		       err);
		return 1;
	}
	return ns_sender((uint32_t)((uint64_t)mb * 1048576 / NS_FRAME), wait);
}
