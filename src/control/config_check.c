/* Checks that need the whole configuration file: required keys, defaults,
 * sizes against each other and against machine memory, images readable.
 * Each failure names the line of the key at fault (or of its section when
 * the key is missing). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/pvdev.h"
#include "control/config_impl.h"
#include "lib/hostfile.h"

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

/* Forwarding rules need the NAT uplink. */
static void cfg_check_nat(struct cfg_parser *p)
{
	const unsigned *kl = p->host_key_line;

	if (kl[H_HOSTFWD] && !p->cfg->host.nat.enabled)
		cfg_error(p, kl[H_HOSTFWD], "hostfwd", "needs nat = yes");
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

/* The policy thresholds must be ordered; the error names the first of
 * them given (or [host]). */
static void cfg_check_policy(struct cfg_parser *p)
{
	struct policy_config pc = p->cfg->host.mem.policy;
	const unsigned *kl = p->host_key_line;
	static const int keys[] = { H_POLICY_HIGH,   H_POLICY_SOFT,
				    H_POLICY_HARD,   H_POLICY_LOW,
				    H_POLICY_PERIOD, H_BALLOON_TIMEOUT };
	static const char *const names[] = {
		"policy_high", "policy_soft",	"policy_hard",
		"policy_low",  "policy_period", "balloon_timeout"
	};
	const char *why;

	if (!policy_config_check(&pc, &why))
		return;
	for (unsigned i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (kl[keys[i]]) {
			cfg_error(p, kl[keys[i]], names[i], "%s", why);
			return;
		}
	cfg_error(p, p->host_line, "policy_high", "%s", why);
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

/* Opened as the loader will (hostfile.h): a FIFO is refused here, at
 * once, instead of hanging the start. */
static void cfg_check_file(struct cfg_parser *p, unsigned line, const char *key,
			   const char *path)
{
	int fd = path ? hostfile_open(path, O_RDONLY, 0) : 0;

	if (fd < 0)
		cfg_error(p, line, key, "cannot read %s: %s", path,
			  hostfile_strerror(fd));
	else if (path)
		close(fd);
}

/* A disk is opened read-write; a regular file (a raw image), one domain's
 * only. */
static void cfg_check_disk(struct cfg_parser *p, unsigned i, unsigned line,
			   const char *path)
{
	int fd;

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
	fd = hostfile_open(path, O_RDWR, 0);
	if (fd < 0)
		cfg_error(p, line, "disk", "cannot open %s read-write: %s",
			  path, hostfile_strerror(fd));
	else
		close(fd);
}

/* Two interfaces of one switch must not share an address (ids are 1, 2,
 * ... in file order, as the default address needs). */
static void cfg_check_mac(struct cfg_parser *p, unsigned i)
{
	struct machine_config *mc = &p->cfg->dom[i].machine;
	const unsigned *kl = p->dom[i].key_line;

	if (kl[D_MAC] && !mc->net) {
		cfg_error(p, kl[D_MAC], "mac", "needs net = yes");
		return;
	}
	if (!mc->net)
		return;
	if (!kl[D_MAC])
		pvdev_default_mac((domid_t)(i + 1), 0, mc->mac);
	for (unsigned j = 0; j < i; j++) {
		const struct machine_config *o = &p->cfg->dom[j].machine;

		if (!o->net || memcmp(o->mac, mc->mac, sizeof(mc->mac)))
			continue;
		cfg_error(p, kl[D_MAC] ? kl[D_MAC] : p->dom[j].key_line[D_MAC],
			  "mac",
			  "%02x:%02x:%02x:%02x:%02x:%02x is the address of "
			  "domain %s and of domain %s",
			  mc->mac[0], mc->mac[1], mc->mac[2], mc->mac[3],
			  mc->mac[4], mc->mac[5], p->cfg->dom[j].name,
			  p->cfg->dom[i].name);
		return;
	}
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
	cfg_check_mac(p, i);
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

	if (!p->create) {
		cfg_check_host(p);
		cfg_check_nat(p);
	}
	if (!p->failed && !p->create)
		cfg_check_policy(p);
	if (!p->failed && c->nr_domains == 0)
		cfg_error(p, 0, 0, "no [domain NAME] section");
	for (unsigned i = 0; i < c->nr_domains && !p->failed; i++)
		cfg_check_domain(p, i);
	if (!p->failed)
		cfg_check_reservations(p);
	/* Several domains share the terminal: input goes to the first. */
	for (unsigned i = 0; i < c->nr_domains; i++) {
		c->dom[i].console_prefix = c->nr_domains > 1 || p->create;
		c->dom[i].machine.console_detached = i > 0 || p->create;
	}
}
