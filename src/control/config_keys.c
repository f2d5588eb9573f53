/* The keys of the configuration file, one value at a time: each is parsed
 * and range-checked here, checks between keys come later
 * (config_check.c). */
#include <string.h>

#include "lib/size.h"
#include "control/config_impl.h"

static const char *const host_keys[H_NR] = {
	[H_MACHINE_MEMORY] = "machine_memory",
	[H_SWAP_FILE] = "swap_file",
	[H_SWAP_SIZE] = "swap_size",
	[H_CONTROL_SOCKET] = "control_socket",
	[H_POLICY_PERIOD] = "policy_period",
	[H_POLICY_HIGH] = "policy_high",
	[H_POLICY_SOFT] = "policy_soft",
	[H_POLICY_HARD] = "policy_hard",
	[H_POLICY_LOW] = "policy_low",
	[H_BALLOON_TIMEOUT] = "balloon_timeout",
	[H_WSS_PERIOD] = "wss_period",
	[H_WSS_SAMPLE] = "wss_sample",
	[H_NAT] = "nat",
	[H_HOSTFWD] = "hostfwd",
	[H_SHARE_RATE] = "share_rate",
};

static const char *const dom_keys[D_NR] = {
	[D_VCPUS] = "vcpus",
	[D_MEMORY] = "memory",
	[D_MAXMEM] = "maxmem",
	[D_RESERVATION] = "reservation",
	[D_LIMIT] = "limit",
	[D_KERNEL] = "kernel",
	[D_CMDLINE] = "cmdline",
	[D_BIOS] = "bios",
	[D_INITRD] = "initrd",
	[D_DISK] = "disk",
	[D_NET] = "net",
	[D_MAC] = "mac",
	[D_SHARES] = "shares",
	[D_VIF] = "vif",
	[D_VIRTIO] = "virtio",
	[D_ENGINE] = "engine",
	[D_SHARING] = "sharing",
	[D_ON_POWEROFF] = "on_poweroff",
	[D_ON_REBOOT] = "on_reboot",
	[D_ON_CRASH] = "on_crash",
};

/* Index of key in names[], or -1. */
static int cfg_find(const char *const *names, int n, const char *key)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(names[i], key))
			return i;
	return -1;
}

/* A size (lib/size.h: a bare number is MiB), a multiple of 4 KiB. */
static bool cfg_size(struct cfg_parser *p, const char *key, const char *v,
		     uint64_t *out)
{
	if (size_parse(v, out)) {
		cfg_error(p, p->line, key,
			  "'%s' is not a size (%s, e.g. 512, 512M, 2G)", v,
			  SIZE_HINT);
		return false;
	}
	if (*out & 0xfff) {
		cfg_error(p, p->line, key, "%s is not a multiple of 4 KiB", v);
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

/* A whole number from lo to hi, with `what` in the message. */
static void cfg_uint(struct cfg_parser *p, const char *key, const char *v,
		     uint32_t lo, uint32_t hi, const char *what, uint32_t *out)
{
	uint64_t n = 0;
	const char *s = v;

	for (; *s >= '0' && *s <= '9' && n <= hi; s++)
		n = n * 10 + (uint64_t)(*s - '0');
	if (!*v || *s || n < lo || n > hi) {
		cfg_error(p, p->line, key, "'%s': must be %s from %u to %u", v,
			  what, lo, hi);
		return;
	}
	*out = (uint32_t)n;
}

/* A time in milliseconds: digits and "ms" or "s" (e.g. 100ms, 1s). */
static void cfg_ms(struct cfg_parser *p, const char *key, const char *v,
		   uint32_t lo, uint32_t hi, uint32_t *out)
{
	char num[16];
	size_t n = strspn(v, "0123456789");
	uint32_t x = 0;
	bool sec = !strcmp(v + n, "s");

	if (n == 0 || n >= sizeof(num) || (!sec && strcmp(v + n, "ms"))) {
		cfg_error(p, p->line, key,
			  "'%s' is not a time (e.g. 100ms, 1s)", v);
		return;
	}
	memcpy(num, v, n);
	num[n] = 0;
	cfg_uint(p, key, num, 0, hi, "milliseconds", &x);
	if (p->failed)
		return;
	if ((sec && (uint64_t)x * 1000 > hi) || (sec ? x * 1000 : x) < lo) {
		cfg_error(p, p->line, key, "'%s': must be from %ums to %ums", v,
			  lo, hi);
		return;
	}
	*out = sec ? x * 1000 : x;
}

static void cfg_net(struct cfg_parser *p, const char *key, const char *v,
		    bool *out);

/* hostfwd = RULE[,RULE...] (netnat.h), repeatable. */
static void cfg_hostfwd(struct cfg_parser *p, const char *key, const char *v)
{
	const char *why;

	if (!p->host_key_line[H_HOSTFWD])
		p->host_key_line[H_HOSTFWD] = p->line;
	if (netnat_parse_hostfwd(&p->cfg->host.nat, v, &why))
		cfg_error(p, p->line, key, "'%s': %s", v, why);
}

void cfg_host_key(struct cfg_parser *p, const char *key, const char *v)
{
	struct host_config *h = &p->cfg->host;
	int k;

	if (!strcmp(key, "hostfwd")) {
		cfg_hostfwd(p, key, v);
		return;
	}
	k = cfg_key_index(p, host_keys, H_NR, p->host_key_line, key, "[host]");
	switch (k) {
	case H_MACHINE_MEMORY:
		cfg_size(p, key, v, &h->mem.machine_memory);
		break;
	case H_SWAP_FILE: h->mem.swap_path = cfg_text(p, key, v); break;
	case H_SWAP_SIZE: cfg_size(p, key, v, &h->mem.swap_size); break;
	case H_CONTROL_SOCKET:
		p->cfg->control_socket = cfg_text(p, key, v);
		break;
	case H_POLICY_PERIOD:
		cfg_ms(p, key, v, 10, 60000, &h->mem.policy.period_ms);
		break;
	case H_POLICY_HIGH:
		cfg_uint(p, key, v, 1, 50, "a percentage", &h->mem.policy.high);
		break;
	case H_POLICY_SOFT:
		cfg_uint(p, key, v, 1, 50, "a percentage", &h->mem.policy.soft);
		break;
	case H_POLICY_HARD:
		cfg_uint(p, key, v, 1, 50, "a percentage", &h->mem.policy.hard);
		break;
	case H_POLICY_LOW:
		cfg_uint(p, key, v, 1, 50, "a percentage", &h->mem.policy.low);
		break;
	case H_BALLOON_TIMEOUT:
		cfg_ms(p, key, v, 10, 600000,
		       &h->mem.policy.balloon_timeout_ms);
		break;
	case H_WSS_PERIOD: /* docs/working-set.md */
		cfg_ms(p, key, v, 10, 600000, &h->mem.policy.wss_period_ms);
		break;
	case H_WSS_SAMPLE:
		cfg_uint(p, key, v, 0, 1024, "a number of pages",
			 &h->mem.policy.wss_sample);
		h->mem.policy.wss_off = h->mem.policy.wss_sample == 0;
		break;
	case H_NAT: cfg_net(p, key, v, &h->nat.enabled); break;
	case H_SHARE_RATE: /* pages per second; 0 = no scanning */
		cfg_uint(p, key, v, 0, SHARE_RATE_MAX, "pages per second",
			 &h->mem.share_rate);
		break;
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
		mc->bios = cfg_path(p, v);
	}
}

/* net = yes | no. */
static void cfg_net(struct cfg_parser *p, const char *key, const char *v,
		    bool *out)
{
	if (!strcmp(v, "yes"))
		*out = true;
	else if (!strcmp(v, "no"))
		*out = false;
	else
		cfg_error(p, p->line, key, "'%s': must be yes or no", v);
}

/* One hex digit's value, or -1. */
static int cfg_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* mac = aa:bb:cc:dd:ee:ff, a unicast address other than all zeros. */
static void cfg_mac(struct cfg_parser *p, const char *key, const char *v,
		    uint8_t *mac)
{
	unsigned any = 0;

	for (int i = 0; i < 6; i++) {
		const char *s = v + 3 * i;
		int hi = cfg_hex(s[0]), lo = hi < 0 ? -1 : cfg_hex(s[1]);

		if (hi < 0 || lo < 0 || s[2] != (i < 5 ? ':' : '\0')) {
			cfg_error(p, p->line, key,
				  "'%s' is not an address like "
				  "02:00:00:00:00:01",
				  v);
			return;
		}
		mac[i] = (uint8_t)(hi << 4 | lo);
		any |= mac[i];
	}
	if (mac[0] & 1)
		cfg_error(p, p->line, key,
			  "%s is a multicast address (the first byte must "
			  "be even)",
			  v);
	else if (!any)
		cfg_error(p, p->line, key, "00:00:00:00:00:00 is not usable");
}

/* on_poweroff, on_reboot, on_crash: destroy or restart (xl.cfg's; the
 * other xl actions are not implemented). */
static void cfg_action(struct cfg_parser *p, const char *key, const char *v,
		       enum domain_action *a)
{
	if (!strcmp(v, "destroy"))
		*a = DOMAIN_ACTION_DESTROY;
	else if (!strcmp(v, "restart"))
		*a = DOMAIN_ACTION_RESTART;
	else
		cfg_error(p, p->line, key, "'%s': must be destroy or restart",
			  v);
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
	case D_KERNEL:
		mc->kernel = *v ? cfg_path(p, v) : cfg_text(p, key, v);
		break;
	case D_CMDLINE: mc->append = cfg_strdup(p, v); break;
	case D_BIOS: cfg_bios(p, key, v, mc); break;
	case D_INITRD:
		mc->initrd = *v ? cfg_path(p, v) : cfg_text(p, key, v);
		break;
	case D_DISK:
		if (!cfg_virtio_list(p, key, v, mc))
			mc->disk = *v ? cfg_path(p, v) : cfg_text(p, key, v);
		break;
	case D_VIF:
		if (!cfg_virtio_list(p, key, v, mc))
			cfg_error(
				p, p->line, key,
				"expected a list: [ 'mac=...,model=virtio' ]");
		break;
	case D_VIRTIO: cfg_virtio_devices(p, key, v, mc); break;
	case D_ON_POWEROFF: cfg_action(p, key, v, &d->on_poweroff); break;
	case D_ON_REBOOT: cfg_action(p, key, v, &d->on_reboot); break;
	case D_ON_CRASH: cfg_action(p, key, v, &d->on_crash); break;
	case D_NET: cfg_net(p, key, v, &mc->net); break;
	case D_MAC: cfg_mac(p, key, v, mc->mac); break;
	case D_SHARES:
		cfg_uint(p, key, v, 1, POLICY_SHARES_MAX, "a number",
			 &d->shares);
		break;
	case D_SHARING: { /* yes (default) | no */
		bool on = true;

		cfg_net(p, key, v, &on);
		d->no_sharing = !on;
		break;
	}
	case D_ENGINE:
		if (cpu_engine_parse(v, &mc->engine))
			cfg_error(p, p->line, key,
				  "'%s': must be jit or interp", v);
		else if (mc->engine == CPU_ENGINE_JIT && !jit_supported())
			cfg_error(p, p->line, key,
				  "jit needs an x86-64 host (use interp)");
		break;
	}
}
