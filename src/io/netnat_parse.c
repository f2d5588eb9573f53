/* hostfwd rules in QEMU's syntax (netnat.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "io/netnat.h"

#define NETNAT_RULE_MAX 128
#define NETNAT_GUEST_DEFAULT "10.0.2.15"

/* A port number 1..65535 spelled in decimal, else -1. */
static int netnat_port(const char *s)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtol(s, &end, 10);
	return *end || v < 1 || v > 65535 ? -1 : (int)v;
}

/* "[ADDR]:PORT" (or just "PORT" when bare_ok) into addr/port. */
static int netnat_endpoint(char *s, bool bare_ok, const char *dflt,
			   struct in_addr *addr, uint16_t *port,
			   const char **why)
{
	char *colon = strrchr(s, ':');
	const char *a = dflt, *p = s;
	int n;

	if (colon) {
		*colon = 0;
		a = *s ? s : dflt;
		p = colon + 1;
	} else if (!bare_ok) {
		*why = "the guest side must be [ADDRESS]:PORT";
		return -EINVAL;
	}
	if (inet_pton(AF_INET, a, addr) != 1) {
		*why = "not an IPv4 address";
		return -EINVAL;
	}
	n = netnat_port(p);
	if (n < 0) {
		*why = "a port must be a number from 1 to 65535";
		return -EINVAL;
	}
	*port = (uint16_t)n;
	return 0;
}

/* One rule (a writable copy). */
static int netnat_rule(struct netnat_fwd *f, char *r, const char **why)
{
	char *colon = strchr(r, ':'), *dash;

	if (!colon) {
		*why = "expected tcp:... or udp:...";
		return -EINVAL;
	}
	*colon = 0;
	if (!strcmp(r, "udp")) {
		f->udp = true;
	} else if (!strcmp(r, "tcp") || !*r) {
		f->udp = false;
	} else {
		*why = "the protocol must be tcp or udp";
		return -EINVAL;
	}
	r = colon + 1;
	dash = strchr(r, '-');
	if (!dash) {
		*why = "expected HOSTPORT-GUESTADDR:GUESTPORT";
		return -EINVAL;
	}
	*dash = 0;
	if (netnat_endpoint(r, true, "0.0.0.0", &f->host_addr, &f->host_port,
			    why))
		return -EINVAL;
	return netnat_endpoint(dash + 1, false, NETNAT_GUEST_DEFAULT,
			       &f->guest_addr, &f->guest_port, why);
}

int netnat_parse_hostfwd(struct netnat_config *cfg, const char *s,
			 const char **why)
{
	const char *p = s;

	do {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char rule[NETNAT_RULE_MAX];

		while (n && (*p == ' ' || *p == '\t'))
			p++, n--;
		while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (!n || n >= sizeof(rule)) {
			*why = n ? "rule too long" : "empty rule";
			return -EINVAL;
		}
		if (cfg->nr_fwd >= NETNAT_MAX_FWD) {
			*why = "too many rules (at most 16)";
			return -EINVAL;
		}
		memcpy(rule, p, n);
		rule[n] = 0;
		if (netnat_rule(&cfg->fwd[cfg->nr_fwd], rule, why))
			return -EINVAL;
		cfg->nr_fwd++;
		p = end ? end + 1 : NULL;
	} while (p);
	return 0;
}
