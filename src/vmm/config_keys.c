/* The keys of the configuration file, one value at a time: each is parsed
 * and range-checked here, checks between keys come later
 * (config_check.c). */
#include <string.h>

#include "vmm/config_impl.h"

static const char *const host_keys[H_NR] = {
	[H_MACHINE_MEMORY] = "machine_memory",
	[H_SWAP_FILE] = "swap_file",
	[H_SWAP_SIZE] = "swap_size",
	[H_CONTROL_SOCKET] = "control_socket",
};

static const char *const dom_keys[D_NR] = {
	[D_VCPUS] = "vcpus",	 [D_MEMORY] = "memory",
	[D_MAXMEM] = "maxmem",	 [D_RESERVATION] = "reservation",
	[D_LIMIT] = "limit",	 [D_KERNEL] = "kernel",
	[D_CMDLINE] = "cmdline", [D_BIOS] = "bios",
	[D_INITRD] = "initrd",	 [D_DISK] = "disk",
};

/* Index of key in names[], or -1. */
static int cfg_find(const char *const *names, int n, const char *key)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(names[i], key))
			return i;
	return -1;
}

/* A size: digits and a K/M/G/T suffix, a multiple of 4K. */
static bool cfg_size(struct cfg_parser *p, const char *key, const char *v,
		     uint64_t *out)
{
	if (cfg_parse_size(v, out)) {
		cfg_error(p, p->line, key,
			  "'%s' is not a size (e.g. 512M, 2G; plain numbers "
			  "are bytes)",
			  v);
		return false;
	}
	if (*out & 0xfff) {
		cfg_error(p, p->line, key, "%s is not a multiple of 4K", v);
		return false;
	}
	return true;
}

/* A path or text that must not be empty; copied. */
static const char *cfg_text(struct cfg_parser *p, const char *key,
			    const char *v)
{
	if (!*v) {
		cfg_error(p, p->line, key, "empty value");
		return 0;
	}
	return cfg_strdup(p, v);
}

/* Common to both sections: unknown and repeated keys.  Returns the key's
 * index, or -1 after an error. */
static int cfg_key_index(struct cfg_parser *p, const char *const *names, int n,
			 unsigned *lines, const char *key, const char *section)
{
	int k = cfg_find(names, n, key);

	if (k < 0) {
		cfg_error(p, p->line, key, "unknown key in %s", section);
		return -1;
	}
	if (lines[k]) {
		cfg_error(p, p->line, key, "given twice (first on line %u)",
			  lines[k]);
		return -1;
	}
	lines[k] = p->line;
	return k;
}

void cfg_host_key(struct cfg_parser *p, const char *key, const char *v)
{
	struct host_config *h = &p->cfg->host;
	int k = cfg_key_index(p, host_keys, H_NR, p->host_key_line, key,
			      "[host]");

	switch (k) {
	case H_MACHINE_MEMORY:
		cfg_size(p, key, v, &h->mem.machine_memory);
		break;
	case H_SWAP_FILE: h->mem.swap_path = cfg_text(p, key, v); break;
	case H_SWAP_SIZE: cfg_size(p, key, v, &h->mem.swap_size); break;
	case H_CONTROL_SOCKET: h->control_socket = cfg_text(p, key, v); break;
	}
}

static void cfg_vcpus(struct cfg_parser *p, const char *key, const char *v,
		      unsigned *out)
{
	unsigned long n = 0;
	const char *s = v;

	for (; *s >= '0' && *s <= '9' && n <= MACHINE_MAX_HARTS; s++)
		n = n * 10 + (unsigned long)(*s - '0');
	if (!*v || *s || n < 1 || n > MACHINE_MAX_HARTS) {
		cfg_error(p, p->line, key,
			  "'%s': must be a number from 1 to %d", v,
			  MACHINE_MAX_HARTS);
		return;
	}
	*out = (unsigned)n;
}

/* bios = default (atoll's SBI) | none (M-mode) | FILE. */
static void cfg_bios(struct cfg_parser *p, const char *key, const char *v,
		     struct machine_config *mc)
{
	if (!*v) {
		cfg_error(p, p->line, key,
			  "empty value (use default, none or a file)");
	} else if (!strcmp(v, "default")) {
		mc->mode = BOOT_SBI;
	} else if (!strcmp(v, "none")) {
		mc->mode = BOOT_BIOS_NONE;
	} else {
		mc->mode = BOOT_BIOS_FILE;
		mc->bios = cfg_strdup(p, v);
	}
}

void cfg_domain_key(struct cfg_parser *p, const char *key, const char *v)
{
	struct domain_config *d = &p->cfg->dom[p->cur];
	struct machine_config *mc = &d->machine;
	int k = cfg_key_index(p, dom_keys, D_NR, p->dom[p->cur].key_line, key,
			      "[domain NAME]");

	switch (k) {
	case D_VCPUS: cfg_vcpus(p, key, v, &mc->nr_harts); break;
	case D_MEMORY: cfg_size(p, key, v, &d->memory); break;
	case D_MAXMEM: cfg_size(p, key, v, &mc->ram_size); break;
	case D_RESERVATION: cfg_size(p, key, v, &d->reservation); break;
	case D_LIMIT: cfg_size(p, key, v, &d->limit); break;
	case D_KERNEL: mc->kernel = cfg_text(p, key, v); break;
	case D_CMDLINE: mc->append = cfg_strdup(p, v); break;
	case D_BIOS: cfg_bios(p, key, v, mc); break;
	case D_INITRD: mc->initrd = cfg_text(p, key, v); break;
	case D_DISK: mc->disk = cfg_text(p, key, v); break;
	}
}
