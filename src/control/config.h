/* The configuration file of `atoll run`: an INI file (read with libinih)
 * with one [host] section and one [domain NAME] section per domain.  The
 * reference is docs/config.md. */
#ifndef ATOLL_CONTROL_CONFIG_H
#define ATOLL_CONTROL_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "vmm/host.h"

#define CONFIG_MAX_DOMAINS 16

struct run_config {
	struct host_config host;
	const char *control_socket; /* [host] control_socket; NULL: default */
	unsigned nr_domains;
	struct domain_config dom[CONFIG_MAX_DOMAINS];
	/* Strings the configs point to (paths, command lines), owned here. */
	char *strings[CONFIG_MAX_DOMAINS * (5 + VIRT_VIRTIO_COUNT) + 4];
	unsigned nr_strings;
};

/* Read and check `path` completely: every key known, every value valid,
 * the domains' reservations within machine_memory, every image readable.
 * Returns 0, or -EINVAL / -ENOENT after printing exactly one line that
 * names the file, the line and the key.  Nothing is created. */
int config_load(struct run_config *c, const char *path);
/* `atoll create`: the same checks on text[0..len) that holds [domain NAME]
 * sections only (name: for messages), relative paths taken from base_dir,
 * reservations within machine_memory (the host's admission control has
 * the last word).  0, or -EINVAL with the one line in why[0..n). */
int config_parse_create(struct run_config *c, const char *name,
			const char *text, size_t len, const char *base_dir,
			uint64_t machine_memory, char *why, size_t n);
void config_free(struct run_config *c);

#endif
