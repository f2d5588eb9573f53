/* QEMU's spellings for the devices atoll has: -drive, -netdev, -device.
 * Values are comma-separated key=value lists as QEMU parses them (no ",,"
 * escapes).  Everything is checked here, before anything is created:
 * images exist and can be opened as asked, ids resolve, devices and keys
 * are known. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/boot_args.h"
#include "io/vswitch.h"
#include "lib/log.h"

/* The next key=value of a comma list at *s: 1 (key/val set, copies in
 * a->strings), 0 at the end, -EINVAL (no room). */
static int kv_next(struct boot_args *a, const char **s, const char **key,
		   const char **val)
{
	const char *p = *s, *end = strchr(p, ',');
	size_t len = end ? (size_t)(end - p) : strlen(p);
	char *copy, *eq;

	if (!*p)
		return 0;
	if (len + 1 > sizeof(a->strings) - a->strings_used)
		return -EINVAL;
	copy = a->strings + a->strings_used;
	memcpy(copy, p, len);
	copy[len] = 0;
	a->strings_used += (unsigned)len + 1;
	*s = end ? end + 1 : p + len;
	eq = strchr(copy, '=');
	*key = copy;
	*val = eq ? eq + 1 : 0;
	if (eq)
		*eq = 0;
	return 1;
}

static bool parse_onoff(const char *v, bool *out)
{
	if (v && (!strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "yes")))
		*out = true;
	else if (v &&
		 (!strcmp(v, "off") || !strcmp(v, "false") || !strcmp(v, "no")))
		*out = false;
	else
		return false;
	return true;
}

/* A disk image must exist and open as asked (a later open takes it). */
static int check_image(const char *flag, const char *file, bool readonly)
{
	if (!file || !*file) {
		log_error("%s: no file= given", flag);
		return -EINVAL;
	}
	if (access(file, readonly ? R_OK : R_OK | W_OK)) {
		log_error("%s file=%s: %s", flag, file, strerror(errno));
		return -EINVAL;
	}
	return 0;
}

static int add_virtio(struct boot_args *a, const char *flag,
		      const struct machine_virtio *v)
{
	struct machine_config *mc = &a->machine;

	if (mc->nr_virtio == VIRT_VIRTIO_COUNT) {
		log_error("%s: more than %d virtio devices", flag,
			  VIRT_VIRTIO_COUNT);
		return -EINVAL;
	}
	mc->virtio[mc->nr_virtio++] = *v;
	return 0;
}

int boot_qemu_drive(struct boot_args *a, const char *v)
{
	const char *key, *val, *file = 0, *id = 0, *iface = "virtio";
	bool ro = false;
	int r;

	while ((r = kv_next(a, &v, &key, &val)) == 1) {
		if (!strcmp(key, "file") && val)
			file = val;
		else if (!strcmp(key, "id") && val)
			id = val;
		else if (!strcmp(key, "if") && val)
			iface = val;
		else if (!strcmp(key, "format") && val) {
			if (strcmp(val, "raw")) {
				log_error("-drive format=%s: only raw images",
					  val);
				return -EINVAL;
			}
		} else if (!strcmp(key, "readonly")) {
			if (!parse_onoff(val ? val : "on", &ro)) {
				log_error("-drive readonly=%s: on or off", val);
				return -EINVAL;
			}
		} else if (!strcmp(key, "media") && val &&
			   !strcmp(val, "disk")) {
		} else {
			log_error("-drive: unknown or unsupported key '%s'",
				  key);
			return -EINVAL;
		}
	}
	if (r < 0 || check_image("-drive", file, ro))
		return -EINVAL;
	if (!strcmp(iface, "virtio"))
		return add_virtio(
			a, "-drive",
			&(struct machine_virtio){ .type = MACHINE_VIRTIO_BLK,
						  .file = file,
						  .readonly = ro });
	if (strcmp(iface, "none")) {
		log_error("-drive if=%s: only if=virtio or if=none", iface);
		return -EINVAL;
	}
	if (!id || strlen(id) >= BOOT_ID_MAX || a->nr_drive == BOOT_MAX_IDS) {
		log_error("-drive if=none: needs a short id= (at most %d)",
			  BOOT_MAX_IDS);
		return -EINVAL;
	}
	snprintf(a->drive[a->nr_drive].id, BOOT_ID_MAX, "%s", id);
	a->drive[a->nr_drive].file = file;
	a->drive[a->nr_drive++].readonly = ro;
	return 0;
}

int boot_qemu_netdev(struct boot_args *a, const char *v)
{
	const char *key, *val, *id = 0, *why;
	int r = kv_next(a, &v, &key, &val);

	if (r != 1 || val || strcmp(key, "user")) {
		log_error("-netdev: only 'user' (the NAT) is supported");
		return -EINVAL;
	}
	while ((r = kv_next(a, &v, &key, &val)) == 1) {
		if (!strcmp(key, "id") && val) {
			id = val;
		} else if (!strcmp(key, "hostfwd") && val) {
			if (netnat_parse_hostfwd(&a->nat, val, &why)) {
				log_error("-netdev hostfwd=%s: %s", val, why);
				return -EINVAL;
			}
		} else {
			log_error("-netdev user: unknown or unsupported key "
				  "'%s'",
				  key);
			return -EINVAL;
		}
	}
	if (r < 0 || !id || strlen(id) >= BOOT_ID_MAX ||
	    a->nr_netdev == BOOT_MAX_IDS) {
		log_error("-netdev user: needs a short id=");
		return -EINVAL;
	}
	a->nat.enabled = true;
	snprintf(a->netdev[a->nr_netdev++].id, BOOT_ID_MAX, "%s", id);
	return 0;
}

/* virtio-blk-device,drive=ID / virtio-net-device,netdev=ID[,mac=M]. */
static int device_ref(struct boot_args *a, struct machine_virtio *mv,
		      const char *key, const char *val)
{
	if (mv->type == MACHINE_VIRTIO_BLK && !strcmp(key, "drive") && val) {
		for (unsigned i = 0; i < a->nr_drive; i++)
			if (!strcmp(a->drive[i].id, val) && !a->drive[i].used) {
				a->drive[i].used = true;
				mv->file = a->drive[i].file;
				mv->readonly = a->drive[i].readonly;
				return 0;
			}
		log_error("-device virtio-blk-device: no unused -drive "
			  "if=none,id=%s before it",
			  val);
		return -EINVAL;
	}
	if (mv->type == MACHINE_VIRTIO_NET && !strcmp(key, "netdev") && val) {
		for (unsigned i = 0; i < a->nr_netdev; i++)
			if (!strcmp(a->netdev[i].id, val)) {
				a->netdev[i].used = true;
				mv->file = a->netdev[i].id;
				return 0;
			}
		log_error("-device virtio-net-device: no -netdev id=%s "
			  "before it",
			  val);
		return -EINVAL;
	}
	if (mv->type == MACHINE_VIRTIO_NET && !strcmp(key, "mac")) {
		if (vswitch_parse_mac(val, mv->mac))
			return 0;
		log_error("-device virtio-net-device: bad mac=%s", val);
		return -EINVAL;
	}
	if (mv->type == MACHINE_VIRTIO_BALLOON &&
	    (!strcmp(key, "deflate-on-oom") ||
	     !strcmp(key, "free-page-reporting"))) {
		bool on;
		if (parse_onoff(val, &on))
			return 0;
	}
	if (!strcmp(key, "id") && val)
		return 0;
	log_error("-device: unknown or unsupported key '%s'", key);
	return -EINVAL;
}

int boot_qemu_device(struct boot_args *a, const char *v)
{
	static const struct {
		const char *name;
		enum machine_virtio_type type;
	} devs[] = {
		{ "virtio-blk-device", MACHINE_VIRTIO_BLK },
		{ "virtio-net-device", MACHINE_VIRTIO_NET },
		{ "virtio-rng-device", MACHINE_VIRTIO_RNG },
		{ "virtio-balloon-device", MACHINE_VIRTIO_BALLOON },
		{ "virtio-console-device", MACHINE_VIRTIO_CONSOLE },
	};
	struct machine_virtio mv = { 0 };
	const char *key, *val;
	int r = kv_next(a, &v, &key, &val);
	unsigned i;

	for (i = 0; r == 1 && !val && i < sizeof(devs) / sizeof(devs[0]); i++)
		if (!strcmp(key, devs[i].name))
			break;
	if (r != 1 || val || i == sizeof(devs) / sizeof(devs[0])) {
		log_error("-device %s: unknown device (virtio-blk-device, "
			  "virtio-net-device, virtio-rng-device, "
			  "virtio-balloon-device, virtio-console-device)",
			  r == 1 ? key : "");
		return -EINVAL;
	}
	mv.type = devs[i].type;
	while ((r = kv_next(a, &v, &key, &val)) == 1)
		if (device_ref(a, &mv, key, val))
			return -EINVAL;
	if (r < 0 || (mv.type == MACHINE_VIRTIO_BLK && !mv.file)) {
		log_error("-device %s: needs drive=ID", devs[i].name);
		return -EINVAL;
	}
	if (mv.type == MACHINE_VIRTIO_NET && !mv.file) {
		log_error("-device %s: needs netdev=ID", devs[i].name);
		return -EINVAL;
	}
	return add_virtio(a, "-device", &mv);
}

int boot_qemu_finish(struct boot_args *a)
{
	for (unsigned i = 0; i < a->nr_drive; i++)
		if (!a->drive[i].used) {
			log_error("-drive id=%s: no -device uses it",
				  a->drive[i].id);
			return -EINVAL;
		}
	for (unsigned i = 0; i < a->nr_netdev; i++)
		if (!a->netdev[i].used) {
			log_error("-netdev id=%s: no -device uses it",
				  a->netdev[i].id);
			return -EINVAL;
		}
	return 0;
}
