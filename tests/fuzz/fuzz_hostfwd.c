/* The NAT's hostfwd parser (src/io/netnat_parse.c): the input is a
 * command-line value, as a user gives it.  Checks: the result is 0 or
 * -EINVAL; -EINVAL comes with a reason and 0 without needing one; at most
 * NETNAT_MAX_FWD rules are ever held; every accepted rule has ports in
 * 1..65535 and, written back in the canonical form
 * PROTO:HOSTADDR:HOSTPORT-GUESTADDR:GUESTPORT and parsed again, gives the
 * same rule. */
#include <arpa/inet.h>
#include <errno.h>

#include "fuzz_util.h"
#include "io/netnat.h"

static void check_round_trip(const struct netnat_fwd *f)
{
	struct netnat_config again = { 0 };
	char host[INET_ADDRSTRLEN], guest[INET_ADDRSTRLEN], text[128];
	const char *why = NULL;

	CHECK(f->host_port >= 1 && f->guest_port >= 1);
	CHECK(inet_ntop(AF_INET, &f->host_addr, host, sizeof(host)));
	CHECK(inet_ntop(AF_INET, &f->guest_addr, guest, sizeof(guest)));
	snprintf(text, sizeof(text), "%s:%s:%u-%s:%u", f->udp ? "udp" : "tcp",
		 host, f->host_port, guest, f->guest_port);
	CHECK(netnat_parse_hostfwd(&again, text, &why) == 0);
	CHECK(again.nr_fwd == 1);
	CHECK(again.fwd[0].udp == f->udp);
	CHECK(again.fwd[0].host_addr.s_addr == f->host_addr.s_addr);
	CHECK(again.fwd[0].guest_addr.s_addr == f->guest_addr.s_addr);
	CHECK(again.fwd[0].host_port == f->host_port);
	CHECK(again.fwd[0].guest_port == f->guest_port);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct netnat_config c = { 0 };
	char *s = malloc(size + 1);
	const char *why = NULL;
	unsigned before;
	int rc;

	CHECK(s);
	memcpy(s, data, size);
	s[size] = 0;
	/* Now and then on top of rules already there (several -nic options). */
	if (size && data[0] == '+') {
		CHECK(netnat_parse_hostfwd(&c, "tcp::2222-:22,udp::53-:53",
					   &why) == 0);
		CHECK(c.nr_fwd == 2);
	}
	before = c.nr_fwd;
	rc = netnat_parse_hostfwd(&c, s, &why);
	CHECK(rc == 0 || rc == -EINVAL);
	CHECK(rc == 0 || (why && *why));
	CHECK(c.nr_fwd <= NETNAT_MAX_FWD && c.nr_fwd >= before);
	for (unsigned i = 0; i < c.nr_fwd; i++)
		check_round_trip(&c.fwd[i]);
	free(s);
	return 0;
}
