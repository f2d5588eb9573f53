/* Checks that need the whole configuration file: required keys, defaults,
 * sizes against each other and against machine memory, images readable.
 * Each failure names the line of the key at fault (or of its section when
 * the key is missing). */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vmm/config_impl.h"

#define CFG_MACHINE_MEMORY_MAX (1ULL << 40)

/* The swap file is created at start: its folder must be writable. */
static void cfg_check_swap_dir(struct cfg_parser *p, unsigned line,
			       const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;

	if (n >= sizeof(dir)) {
		cfg_error(p, line, "swap_file", "path too long");
		return;
	}
	memcpy(dir, path, n);
	dir[n] = 0;
	if (access(slash ? (n ? dir : "/") : ".", W_OK) < 0)
		cfg_error(p, line, "swap_file", "cannot create %s: %s", path,
			  strerror(errno));
}

static void cfg_check_host(struct cfg_parser *p)
{
	struct mem_host_config *m = &p->cfg->host.mem;
	const unsigned *kl = p->host_key_line;

	if (!kl[H_MACHINE_MEMORY])
		cfg_error(p, p->host_line, "machine_memory",
			  "missing (the [host] section must set it)");
	else if (m->machine_memory < MACHINE_RAM_MIN ||
		 m->machine_memory > CFG_MACHINE_MEMORY_MAX)
		cfg_error(p, kl[H_MACHINE_MEMORY], "machine_memory",
			  "must be from 1M to 1T");
	else if (kl[H_SWAP_SIZE] && !m->swap_path)
		cfg_error(p, kl[H_SWAP_SIZE], "swap_size",
			  "given without swap_file");
	else if (kl[H_SWAP_SIZE] && m->swap_size == 0)
		cfg_error(p, kl[H_SWAP_SIZE], "swap_size", "must not be 0");
	else if (m->swap_path)
		cfg_check_swap_dir(p, kl[H_SWAP_FILE], m->swap_path);
}

/* memory and maxmem default to each other; one of them is required. */
static void cfg_check_sizes(struct cfg_parser *p, unsigned i)
{
	struct domain_config *d = &p->cfg->dom[i];
	const unsigned *kl = p->dom[i].key_line;
	uint64_t *maxmem = &d->machine.ram_size;
	unsigned ml = kl[D_MAXMEM] ? kl[D_MAXMEM] : kl[D_MEMORY];

	if (!kl[D_MEMORY] && !kl[D_MAXMEM]) {
		cfg_error(p, p->dom[i].line, "memory",
			  "missing in [domain %s] (memory or maxmem)", d->name);
		return;
	}
	if (!kl[D_MAXMEM])
		*maxmem = d->memory;
	if (!kl[D_MEMORY])
		d->memory = *maxmem;
	if (*maxmem < MACHINE_RAM_MIN || *maxmem > MACHINE_RAM_MAX)
		cfg_error(p, ml, kl[D_MAXMEM] ? "maxmem" : "memory",
			  "must be from 1M to 64G");
	else if (d->memory < MACHINE_RAM_MIN || d->memory > *maxmem)
		cfg_error(p, kl[D_MEMORY], "memory",
			  "must be from 1M to maxmem");
	else if (d->reservation > d->memory)
		cfg_error(p, kl[D_RESERVATION], "reservation",
			  "more than memory");
	else if (kl[D_LIMIT] && (d->limit < d->memory || d->limit > *maxmem))
		cfg_error(p, kl[D_LIMIT], "limit",
			  "must be from memory to maxmem");
}

static void cfg_check_file(struct cfg_parser *p, unsigned line, const char *key,
			   const char *path)
{
	if (path && access(path, R_OK) < 0)
		cfg_error(p, line, key, "cannot read %s: %s", path,
			  strerror(errno));
}

/* A disk is opened read-write; a regular file (a raw image), one domain's
 * only. */
static void cfg_check_disk(struct cfg_parser *p, unsigned i, unsigned line,
			   const char *path)
{
	struct stat st;

	if (!path)
		return;
	for (unsigned j = 0; j < i; j++)
		if (p->cfg->dom[j].machine.disk &&
		    !strcmp(p->cfg->dom[j].machine.disk, path)) {
			cfg_error(p, line, "disk",
				  "%s is the disk of domain %s already", path,
				  p->cfg->dom[j].name);
			return;
		}
	if (access(path, R_OK | W_OK) < 0 || stat(path, &st) < 0)
		cfg_error(p, line, "disk", "cannot open %s read-write: %s",
			  path, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		cfg_error(p, line, "disk", "%s is not a regular file", path);
}

static void cfg_check_domain(struct cfg_parser *p, unsigned i)
{
	struct domain_config *d = &p->cfg->dom[i];
	const unsigned *kl = p->dom[i].key_line;

	if (!kl[D_VCPUS])
		d->machine.nr_harts = 1;
	if (!kl[D_BIOS])
		d->machine.mode = BOOT_SBI;
	if (!kl[D_KERNEL])
		cfg_error(p, p->dom[i].line, "kernel", "missing in [domain %s]",
			  d->name);
	cfg_check_sizes(p, i);
	cfg_check_file(p, kl[D_KERNEL], "kernel", d->machine.kernel);
	cfg_check_file(p, kl[D_INITRD], "initrd", d->machine.initrd);
	cfg_check_disk(p, i, kl[D_DISK], d->machine.disk);
	if (d->machine.mode == BOOT_BIOS_FILE)
		cfg_check_file(p, kl[D_BIOS], "bios", d->machine.bios);
}

/* Admission control in advance: every reservation must fit. */
static void cfg_check_reservations(struct cfg_parser *p)
{
	struct run_config *c = p->cfg;
	uint64_t sum = 0;

	for (unsigned i = 0; i < c->nr_domains && !p->failed; i++) {
		sum += c->dom[i].reservation;
		if (sum > c->host.mem.machine_memory)
			cfg_error(
				p, p->dom[i].key_line[D_RESERVATION],
				"reservation",
				"the reservations add up to %llu MiB, more "
				"than machine_memory (%llu MiB)",
				(unsigned long long)(sum >> 20),
				(unsigned long long)(c->host.mem
							     .machine_memory >>
						     20));
	}
}

void cfg_check(struct cfg_parser *p)
{
	struct run_config *c = p->cfg;

	cfg_check_host(p);
	if (!p->failed && c->nr_domains == 0)
		cfg_error(p, 0, 0, "no [domain NAME] section");
	for (unsigned i = 0; i < c->nr_domains && !p->failed; i++)
		cfg_check_domain(p, i);
	if (!p->failed)
		cfg_check_reservations(p);
	/* Several domains share the terminal: input goes to the first. */
	for (unsigned i = 0; i < c->nr_domains; i++) {
		c->dom[i].console_prefix = c->nr_domains > 1;
		c->dom[i].machine.console_detached = i > 0;
	}
}
