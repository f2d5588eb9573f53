/* atoll boot [options] KERNEL: parse and check every option before
 * anything is created, so that bad input yields exactly one line on stderr
 * and exit status 2, with no thread started and the terminal untouched. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/boot_args.h"
#include "cli/cli.h"
#include "control/control.h"
#include "lib/log.h"
#include "lib/size.h"
#include "vmm/host.h"

#define DEFAULT_RAM (128ULL << 20) /* as QEMU */

const char boot_usage[] =
	"usage: atoll boot [options] KERNEL\n"
	"  -m SIZE            guest RAM, 1M to 64G (default 128; a bare\n"
	"                     number is MiB, or K, M, G, e.g. 512, 1G)\n"
	"  --smp N            number of harts, 1-8 (default 1)\n"
	"  --bios none|FILE   none: start KERNEL in M-mode; FILE: firmware\n"
	"                     in M-mode, KERNEL after it (default: atoll's\n"
	"                     own SBI, KERNEL in S-mode)\n"
	"  --append CMDLINE   kernel command line (/chosen/bootargs)\n"
	"  --initrd FILE      initial ramdisk\n"
	"  --disk FILE        raw image for the PV block device\n"
	"  --net              a PV network interface on atoll's switch\n"
	"  --dtb-out FILE     also write the generated device tree to FILE\n"
	"  --engine jit|interp  CPU engine: translator (x86-64 hosts) or\n"
	"                     interpreter (default: interp)\n"
	"  --stats            print per-hart statistics to stderr at exit\n"
	"QEMU's spellings (docs/virtio.md):\n"
	"  -kernel FILE, -append, -initrd, -bios, -smp N, -nographic,\n"
	"  -no-reboot, -machine virt\n"
	"  -drive file=IMG,format=raw,if=virtio[,readonly=on]\n"
	"  -drive file=IMG,format=raw,if=none,id=ID\n"
	"      -device virtio-blk-device,drive=ID\n"
	"  -netdev user,id=ID[,hostfwd=tcp::HOSTPORT-:GUESTPORT]\n"
	"      -device virtio-net-device,netdev=ID[,mac=MAC]\n"
	"  -device virtio-rng-device | virtio-balloon-device |\n"
	"          virtio-console-device\n"
	"The exit status is the guest's (test device, HTIF, SBI reset).\n"
	"On the console, C-a x quits and C-a h lists the escapes.\n";

enum boot_opt {
	OPT_MEM,
	OPT_SMP,
	OPT_BIOS,
	OPT_APPEND,
	OPT_INITRD,
	OPT_DISK,
	OPT_NET,
	OPT_DTB_OUT,
	OPT_STATS,
	OPT_HELP,
	OPT_KERNEL,
	OPT_DRIVE,
	OPT_NETDEV,
	OPT_DEVICE,
	OPT_NOGRAPHIC,
	OPT_MACHINE,
	OPT_NO_REBOOT,
	OPT_ENGINE,
};

static const struct boot_option {
	const char *name;
	enum boot_opt id;
	bool has_arg;
} boot_options[] = {
	{ "-m", OPT_MEM, true },
	{ "--smp", OPT_SMP, true },
	{ "--bios", OPT_BIOS, true },
	{ "--append", OPT_APPEND, true },
	{ "--initrd", OPT_INITRD, true },
	{ "--dtb-out", OPT_DTB_OUT, true },
	{ "--disk", OPT_DISK, true },
	{ "--stats", OPT_STATS, false },
	{ "--help", OPT_HELP, false },
	{ "-h", OPT_HELP, false },
	{ "--net", OPT_NET, false },
	/* QEMU's spellings. */
	{ "-kernel", OPT_KERNEL, true },
	{ "-append", OPT_APPEND, true },
	{ "-initrd", OPT_INITRD, true },
	{ "-bios", OPT_BIOS, true },
	{ "-smp", OPT_SMP, true },
	{ "-drive", OPT_DRIVE, true },
	{ "-netdev", OPT_NETDEV, true },
	{ "-device", OPT_DEVICE, true },
	{ "-nographic", OPT_NOGRAPHIC, false },
	{ "-machine", OPT_MACHINE, true },
	{ "-M", OPT_MACHINE, true },
	{ "-no-reboot", OPT_NO_REBOOT, false },
	{ "--engine", OPT_ENGINE, true },
};

static int boot_set_mem(struct machine_config *mc, const char *v)
{
	uint64_t size;
	int err = size_parse(v, &size);

	if (err == -EINVAL) {
		log_error("-m '%s': not a size (%s, e.g. 512, 128M, 2G)", v,
			  SIZE_HINT);
		return -EINVAL;
	}
	if (err || size > MACHINE_RAM_MAX) {
		log_error("-m %s: more than the maximum of 64 GiB", v);
		return -EINVAL;
	}
	if (size < MACHINE_RAM_MIN) {
		log_error("-m %s: less than the minimum of 1 MiB", v);
		return -EINVAL;
	}
	if (size & 0xfff) {
		log_error("-m %s: not a multiple of 4 KiB", v);
		return -EINVAL;
	}
	mc->ram_size = size;
	return 0;
}

/* Apply one option with its value (NULL for flags). */
static int boot_apply(struct boot_args *cfg, enum boot_opt id, const char *v)
{
	struct machine_config *mc = &cfg->machine;

	switch (id) {
	case OPT_MEM: return boot_set_mem(mc, v);
	case OPT_SMP:
		/* QEMU also writes -smp cpus=N. */
		if (!strncmp(v, "cpus=", 5))
			v += 5;
		if (parse_uint(v, 1, MACHINE_MAX_HARTS, &mc->nr_harts)) {
			log_error("--smp '%s': must be a number from 1 to %d",
				  v, MACHINE_MAX_HARTS);
			return -EINVAL;
		}
		return 0;
	case OPT_BIOS:
		if (!*v) {
			log_error("--bios: empty file name (use 'none' for no "
				  "firmware)");
			return -EINVAL;
		}
		if (!strcmp(v, "default")) { /* QEMU's: the SBI firmware */
			mc->mode = BOOT_SBI;
			mc->bios = 0;
			return 0;
		}
		mc->mode = strcmp(v, "none") ? BOOT_BIOS_FILE : BOOT_BIOS_NONE;
		mc->bios = mc->mode == BOOT_BIOS_FILE ? v : 0;
		return 0;
	case OPT_APPEND: mc->append = v; return 0;
	case OPT_INITRD: mc->initrd = v; return 0;
	case OPT_DISK: mc->disk = v; return 0;
	case OPT_NET: mc->net = true; return 0;
	case OPT_DTB_OUT: mc->dtb_out = v; return 0;
	case OPT_STATS: cfg->stats = true; return 0;
	case OPT_ENGINE: return cli_engine(v, &mc->engine);
	case OPT_HELP: return 1;
	case OPT_KERNEL:
		if (mc->kernel) {
			log_error("-kernel %s: a kernel was given already", v);
			return -EINVAL;
		}
		mc->kernel = v;
		return 0;
	case OPT_DRIVE: return boot_qemu_drive(cfg, v);
	case OPT_NETDEV: return boot_qemu_netdev(cfg, v);
	case OPT_DEVICE: return boot_qemu_device(cfg, v);
	case OPT_NOGRAPHIC: return 0; /* atoll's console is the terminal */
	case OPT_NO_REBOOT: return 0; /* a guest's reset always ends atoll */
	case OPT_MACHINE:
		if (strcmp(v, "virt") && strncmp(v, "virt,", 5)) {
			log_error("-machine %s: atoll has only 'virt'", v);
			return -EINVAL;
		}
		return 0;
	}
	return -EINVAL;
}

static const struct boot_option *boot_find(const char *arg, size_t len)
{
	for (size_t i = 0; i < sizeof(boot_options) / sizeof(boot_options[0]);
	     i++)
		if (strlen(boot_options[i].name) == len &&
		    !strncmp(boot_options[i].name, arg, len))
			return &boot_options[i];
	return 0;
}

/* One option at argv[*i] ("--name value" or "--name=value").  Returns 0,
 * 1 for --help, or -EINVAL after one diagnostic. */
static int boot_option(struct boot_args *cfg, int argc, char **argv, int *i)
{
	const char *arg = argv[*i], *eq = strchr(arg, '=');
	size_t len = eq && arg[1] == '-' ? (size_t)(eq - arg) : strlen(arg);
	const struct boot_option *o = boot_find(arg, len);
	const char *v = 0;

	if (!o) {
		log_error("unknown option '%.*s' (try 'atoll help')", (int)len,
			  arg);
		return -EINVAL;
	}
	if (o->has_arg) {
		if (arg[len] == '=')
			v = arg + len + 1;
		else if (*i + 1 < argc)
			v = argv[++*i];
		else {
			log_error("option '%s' needs a value", o->name);
			return -EINVAL;
		}
	} else if (arg[len] == '=') {
		log_error("option '%s' takes no value", o->name);
		return -EINVAL;
	}
	return boot_apply(cfg, o->id, v);
}

/* Fill cfg from argv.  Returns 0, 1 for --help, or -EINVAL. */
static int boot_parse(struct boot_args *cfg, int argc, char **argv)
{
	struct machine_config *mc = &cfg->machine;
	bool opts_done = false;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (!opts_done && !strcmp(arg, "--")) {
			opts_done = true;
		} else if (!opts_done && arg[0] == '-' && arg[1]) {
			int r = boot_option(cfg, argc, argv, &i);
			if (r)
				return r;
		} else if (!mc->kernel) {
			mc->kernel = arg;
		} else {
			log_error("unexpected argument '%s' (only one KERNEL)",
				  arg);
			return -EINVAL;
		}
	}
	if (!mc->kernel) {
		log_error(
			"no KERNEL given (usage: atoll boot [options] KERNEL)");
		return -EINVAL;
	}
	return boot_qemu_finish(cfg);
}

/* One domain on a host whose machine memory is exactly its RAM: all of it
 * reserved, nothing to swap, the terminal attached as it always was. */
static int boot_run(const struct boot_args *a)
{
	uint64_t size = a->machine.ram_size;
	struct host_config hc = { .mem = { .machine_memory = size },
				  .stats = a->stats,
				  .nat = a->nat };
	struct domain_config dc = { .name = "boot",
				    .machine = a->machine,
				    .memory = size,
				    .reservation = size };
	struct control *ctl = NULL;
	struct host *h;
	struct domain *d;
	int r = CLI_EXIT_USAGE;

	/* The control socket first: refused, nothing else has started. */
	if (control_bind(cli_socket_path(NULL), &ctl) < 0)
		return CLI_EXIT_USAGE;
	if (host_create(&h, &hc) < 0)
		goto out;
	if (host_domain_create(h, &dc, &d) == 0 && !control_serve(ctl, h)) {
		domain_start(d); /* a failure ends the domain (status 1) */
		r = host_run(h);
	}
	control_stop(ctl); /* before the host it reads */
	ctl = NULL;
	host_destroy(h);
out:
	control_stop(ctl);
	return r;
}

int cmd_boot(int argc, char **argv)
{
	static struct boot_args args; /* large (string copies) */

	args.machine = (struct machine_config){ .ram_size = DEFAULT_RAM,
						.nr_harts = 1,
						.mode = BOOT_SBI };
	int r = boot_parse(&args, argc, argv);

	if (r > 0) {
		fputs(boot_usage, stdout);
		return 0;
	}
	if (r < 0)
		return CLI_EXIT_USAGE;
	return boot_run(&args);
}
