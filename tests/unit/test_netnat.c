/* hostfwd rules (io/netnat.h): QEMU's syntax, the short form, lists, and
 * every malformed rule refused with a reason. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

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

int main(void)
{
	test_good();
	test_bad();
	test_limit();
	return check_done("netnat");
}
