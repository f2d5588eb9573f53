/* hostfwd rules (io/netnat.h): QEMU's syntax, the short form, lists, and
 * every malformed rule refused with a reason; and the uplink stopped while
 * slirp answers a flood (its thread must not send from a freed port). */
#include <arpa/inet.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "io/netnat.h"

static int addr_is(struct in_addr a, const char *s)
{
	struct in_addr b;

	return inet_aton(s, &b) && a.s_addr == b.s_addr;
}

static void test_good(void)
{
	struct netnat_config c = { 0 };
	const char *why = NULL;

	CHECK(!netnat_parse_hostfwd(&c, "udp:5555-10.0.2.15:7", &why));
	CHECK(!netnat_parse_hostfwd(
		&c, "tcp::2222-:22 , udp:127.0.0.1:53-10.0.2.16:5353", &why));
	CHECK(!netnat_parse_hostfwd(&c, ":8080-10.0.2.20:80", &why));
	CHECK(c.nr_fwd == 4);
	CHECK(c.fwd[0].udp && c.fwd[0].host_port == 5555 &&
	      c.fwd[0].guest_port == 7 &&
	      addr_is(c.fwd[0].host_addr, "0.0.0.0") &&
	      addr_is(c.fwd[0].guest_addr, "10.0.2.15"));
	CHECK(!c.fwd[1].udp && c.fwd[1].host_port == 2222 &&
	      addr_is(c.fwd[1].guest_addr, "10.0.2.15") &&
	      c.fwd[1].guest_port == 22);
	CHECK(c.fwd[2].udp && addr_is(c.fwd[2].host_addr, "127.0.0.1") &&
	      c.fwd[2].host_port == 53 &&
	      addr_is(c.fwd[2].guest_addr, "10.0.2.16") &&
	      c.fwd[2].guest_port == 5353);
	CHECK(!c.fwd[3].udp && c.fwd[3].host_port == 8080 &&
	      addr_is(c.fwd[3].guest_addr, "10.0.2.20"));
}

static void test_bad(void)
{
	static const char *const bad[] = {
		"",
		"udp",
		"udp:5555",
		"sctp:1-:2",
		"udp:0-:7",
		"udp:65536-:7",
		"udp:5555-:",
		"udp:5555-7",
		"udp:x-:7",
		"udp:1.2.3:5-:7",
		"udp:5-10.0.2:7",
		"udp:5-:7,",
		"udp:5-:7,,tcp::6-:8",
		"udp:5-:7x",
	};

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct netnat_config c = { 0 };
		const char *why = NULL;

		CHECK_MSG(netnat_parse_hostfwd(&c, bad[i], &why) && why,
			  "accepted '%s'", bad[i]);
	}
}

static void test_limit(void)
{
	struct netnat_config c = { 0 };
	const char *why = NULL;
	char rule[32];

	for (int i = 0; i < NETNAT_MAX_FWD; i++) {
		snprintf(rule, sizeof(rule), "udp:%d-:7", 6000 + i);
		CHECK(!netnat_parse_hostfwd(&c, rule, &why));
	}
	CHECK(netnat_parse_hostfwd(&c, "udp:7000-:7", &why) && why);
	CHECK(c.nr_fwd == NETNAT_MAX_FWD);
}

/* A guest port: counts what the switch delivers to it. */
static _Atomic unsigned sink_frames;

static int sink_deliver(struct vswitch_port *p, const void *frame, size_t len)
{
	(void)p, (void)frame, (void)len;
	atomic_fetch_add(&sink_frames, 1);
	return 0;
}

static const struct vswitch_port_ops sink_ops = { .deliver = sink_deliver };

static _Atomic bool flood_stop;

/* Who has 10.0.2.2 (slirp's gateway, which answers at once), from
 * 10.0.2.15, as fast as the switch takes it. */
static void *flood(void *arg)
{
	static const uint8_t arp[60] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52, 0x54, 0x00,
		0x12, 0x34, 0x56, 0x08, 0x06, 0x00, 0x01, 0x08, 0x00,
		0x06, 0x04, 0x00, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34,
		0x56, 10,   0,	  2,	15,   0,    0,	  0,	0,
		0,    0,    10,	  0,	2,    2,
	};

	while (!atomic_load(&flood_stop))
		vswitch_send(arg, arp, sizeof(arp));
	return NULL;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Stop the uplink while its thread is busy answering: it used to leave
 * the switch (freeing its port) before its thread stopped, and the
 * thread's next send read the freed port (an atoll segfault at exit;
 * the sanitizer build names it a use after free). */
static void test_stop_under_traffic(void)
{
	struct netnat_config cfg = { .enabled = true };
	struct vswitch *sw;
	struct vswitch_port *guest;
	pthread_t t;

	CHECK(!vswitch_create(&sw));
	guest = vswitch_port_add(sw, "guest", &sink_ops, NULL);
	CHECK(guest != NULL);
	if (!guest)
		return;
	CHECK(!pthread_create(&t, NULL, flood, guest));
	for (int round = 0; round < 20; round++) {
		struct netnat *n;
		unsigned before = atomic_load(&sink_frames);
		double end = now_s() + 30;

		if (netnat_start(sw, &cfg, &n)) {
			CHECK_MSG(0, "netnat_start failed, round %d", round);
			break;
		}
		/* Answers flowing: the thread is mid-send when stopped. */
		while (atomic_load(&sink_frames) < before + 50 && now_s() < end)
			sched_yield();
		CHECK_MSG(atomic_load(&sink_frames) >= before + 50,
			  "round %d: no ARP answers in 30 s", round);
		netnat_stop(n);
	}
	atomic_store(&flood_stop, true);
	pthread_join(t, NULL);
	vswitch_port_remove(guest);
	vswitch_destroy(sw);
}

int main(void)
{
	test_good();
	test_bad();
	test_limit();
	test_stop_under_traffic();
	return check_done("netnat");
}
