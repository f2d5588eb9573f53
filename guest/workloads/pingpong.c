/* pingpong: round-trip latency between two domains with raw Ethernet
 * frames (EtherType 0x88b6).
 *
 *   workload=pingpong role=ping peer=MAC-or-IP count=N [spin=P]
 *   workload=pingpong role=pong [wait=TICKS] [spin=P]
 *
 * The pinger first pings until the ponger answers (it may still be
 * booting), then times `count` pings, one outstanding at a time, each
 * answered with the same sequence number; then QUIT ends the ponger.
 * spin=P polls the ring P times before sleeping for the upcall. */
#include <stdlib.h>
#include <string.h>

#include "kernel.h"
#include "net.h"

#define PP_ETHERTYPE 0x88b6
#define PP_LEN 64
#define PP_MAX 100000
#define PP_TIMEOUT_TICKS 100

enum { PP_PING = 1, PP_PONG, PP_QUIT };

static uint8_t tx[PP_LEN], rx[NET_FRAME_MAX];
static uint32_t rtt[PP_MAX];

static void pp_send(const uint8_t *dst, int kind, uint32_t seq)
{
	memcpy(tx, dst, ETH_ALEN);
	memcpy(tx + ETH_ALEN, net_mac(), ETH_ALEN);
	tx[12] = PP_ETHERTYPE >> 8;
	tx[13] = PP_ETHERTYPE & 0xff;
	tx[14] = (uint8_t)kind;
	memcpy(tx + 16, &seq, sizeof(seq));
	net_send(tx, PP_LEN);
}

/* The next pingpong frame within `ticks`: its kind and seq, or 0. */
static int pp_recv(uint64_t ticks, uint32_t *seq)
{
	uint64_t deadline = timer_ticks() + ticks;

	for (;;) {
		uint64_t now = timer_ticks();
		int n;

		if (now >= deadline)
			return 0;
		n = net_recv(rx, sizeof(rx), deadline - now);
		if (n <= 0)
			return 0;
		if (inet_input(rx, (size_t)n) || n < 20 ||
		    rx[12] != PP_ETHERTYPE >> 8 ||
		    rx[13] != (PP_ETHERTYPE & 0xff))
			continue;
		memcpy(seq, rx + 16, sizeof(*seq));
		return rx[14];
	}
}

static int pp_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* One timed ping: its round trip in µs, or -1 if no answer. */
static long pp_one(const uint8_t *peer, uint32_t seq)
{
	uint64_t t0 = timer_now_us();
	uint64_t deadline = timer_ticks() + PP_TIMEOUT_TICKS;
	uint32_t got;

	pp_send(peer, PP_PING, seq);
	while (timer_ticks() < deadline)
		if (pp_recv(PP_TIMEOUT_TICKS, &got) == PP_PONG && got == seq)
			return (long)(timer_now_us() - t0);
	return -1;
}

static int pp_ping(const uint8_t *peer, uint32_t count, uint64_t wait)
{
	uint64_t deadline = timer_ticks() + wait;
	uint32_t lost = 0;

	while (pp_one(peer, 0xffffffffu) < 0)
		if (timer_ticks() >= deadline) {
			printf("pingpong: verdict FAIL no answer\n");
			return 1;
		}
	for (uint32_t i = 0; i < count; i++) {
		long us = pp_one(peer, i);

		if (us < 0)
			lost++;
		else
			rtt[i - lost] = (uint32_t)us;
	}
	for (int k = 0; k < 3; k++)
		pp_send(peer, PP_QUIT, 0);
	count -= lost;
	if (!count) {
		printf("pingpong: verdict FAIL every ping lost\n");
		return 1;
	}
	qsort(rtt, count, sizeof(rtt[0]), pp_cmp);
	printf("pingpong: count=%u rtt_us_min=%u rtt_us_median=%u "
	       "rtt_us_p99=%u\n",
	       count, rtt[0], rtt[count / 2], rtt[(uint64_t)count * 99 / 100]);
	if (lost) {
		printf("pingpong: verdict FAIL %u pings lost\n", lost);
		return 1;
	}
	printf("pingpong: verdict ok\n");
	return 0;
}

static int pp_pong(uint64_t wait)
{
	uint32_t seq, answered = 0;
	int kind;

	while ((kind = pp_recv(wait, &seq))) {
		if (kind == PP_QUIT) {
			printf("pingpong: role=pong answered=%u\n", answered);
			printf("pingpong: verdict ok\n");
			return 0;
		}
		if (kind == PP_PING) {
			pp_send(rx + ETH_ALEN, PP_PONG, seq);
			answered++;
		}
	}
	printf("pingpong: verdict FAIL no QUIT after %u pings\n", answered);
	return 1;
}

int wl_pingpong(void)
{
	const char *role = cmdline_get("role", "pong");
	uint64_t wait = (uint64_t)cmdline_long("wait", 30 * TICK_HZ);
	long count = cmdline_long("count", 1000);
	uint8_t peer[ETH_ALEN];
	int err;

	err = inet_init();
	if (err) {
		printf("pingpong: verdict FAIL no network (%d)\n", err);
		return 1;
	}
	net_set_spin((unsigned)cmdline_long("spin", 0));
	if (!strcmp(role, "pong"))
		return pp_pong(wait);
	if (strcmp(role, "ping") || count < 1 || count > PP_MAX) {
		printf("pingpong: verdict FAIL bad role=%s or count=%ld\n",
		       role, count);
		return 1;
	}
	err = inet_peer(cmdline_get("peer", NULL), peer);
	if (err) {
		printf("pingpong: verdict FAIL bad or unreachable peer (%d)\n",
		       err);
		return 1;
	}
	return pp_ping(peer, (uint32_t)count, wait);
}
