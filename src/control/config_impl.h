/* Inside the configuration reader (config.c, config_keys.c,
 * config_check.c): the parser state and the line of every key. */
#ifndef ATOLL_CONTROL_CONFIG_IMPL_H
#define ATOLL_CONTROL_CONFIG_IMPL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "control/config.h"

enum cfg_host_key {
	H_MACHINE_MEMORY,
	H_SWAP_FILE,
	H_SWAP_SIZE,
	H_CONTROL_SOCKET,
	H_POLICY_PERIOD,
	H_POLICY_HIGH,
	H_POLICY_SOFT,
	H_POLICY_HARD,
	H_POLICY_LOW,
	H_BALLOON_TIMEOUT,
	H_WSS_PERIOD,
	H_WSS_SAMPLE,
	H_NAT,
	H_HOSTFWD, /* repeatable: its first line */
	H_SHARE_RATE,
	H_NR
};

enum cfg_dom_key {
	D_VCPUS,
	D_MEMORY,
	D_MAXMEM,
	D_RESERVATION,
	D_LIMIT,
	D_KERNEL,
	D_CMDLINE,
	D_BIOS,
	D_INITRD,
	D_DISK,
	D_NET,
	D_MAC,
	D_SHARES,
	D_VIF,
	D_VIRTIO,
	D_ENGINE,
	D_SHARING,
	D_ON_POWEROFF,
	D_ON_REBOOT,
	D_ON_CRASH,
	D_NR
};

struct cfg_domain {
	unsigned line; /* of its [domain NAME] header */
	unsigned key_line[D_NR]; /* 0: not given */
};

#define CFG_NONE (-1) /* before the first section */
#define CFG_HOST (-2)

struct cfg_parser {
	struct run_config *cfg;
	const char *path;
	FILE *f;
	unsigned line; /* of the line libinih is looking at */
	unsigned lines_done;
	int cur; /* CFG_NONE, CFG_HOST or a domain index */
	unsigned host_line; /* of [host], 0 if none */
	unsigned host_key_line[H_NR];
	struct cfg_domain dom[CONFIG_MAX_DOMAINS];
	bool failed;
	char msg[512];
	/* `atoll create` (config_parse_create): [domain] sections only, paths
	 * relative to base_dir (the client's directory). */
	bool create;
	const char *base_dir;
};

/* Keep the first problem: "FILE:LINE: KEY: ..." (line 0 / key NULL:
 * left out). */
void cfg_error(struct cfg_parser *p, unsigned line, const char *key,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
const char *cfg_strdup(struct cfg_parser *p, const char *s);
/* A path: copied, joined to p->base_dir when relative and one is set. */
const char *cfg_path(struct cfg_parser *p, const char *s);

/* One KEY = VALUE of the current section (config_keys.c). */
void cfg_host_key(struct cfg_parser *p, const char *key, const char *value);
void cfg_domain_key(struct cfg_parser *p, const char *key, const char *value);
/* xl.cfg-like virtio lists (config_virtio.c): `disk = [...]` or `vif =
 * [...]` adds devices to mc (false: not a list, a plain PV `disk`);
 * `virtio = rng, balloon, console`. */
bool cfg_virtio_list(struct cfg_parser *p, const char *key, const char *v,
		     struct machine_config *mc);
void cfg_virtio_devices(struct cfg_parser *p, const char *key, const char *v,
			struct machine_config *mc);

/* Checks across keys and sections, defaults (config_check.c). */
void cfg_check(struct cfg_parser *p);

#endif
