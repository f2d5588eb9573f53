/* xl.cfg-like virtio keys of a [domain NAME] section:
 *
 *   disk = [ 'PATH,raw,vda,rw', 'target=PATH2,format=raw,access=ro' ]
 *   vif = [ 'mac=02:00:00:00:00:05,model=virtio' ]
 *   virtio = rng, balloon
 *
 * A disk spec is positional (target, format, vdev, access) or keyed, as
 * in xl; each becomes a virtio-blk device, each vif a virtio-net device
 * on atoll's switch, in the order written (the first disk is vda).  A
 * plain `disk = PATH` (no brackets) stays the PV block device
 * (config_keys.c). */
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "io/vswitch.h"
#include "control/config_impl.h"

#define SPEC_MAX 512

/* Add one device to the domain's list. */
static struct machine_virtio *cfg_virtio_add(struct cfg_parser *p,
					     const char *key,
					     struct machine_config *mc)
{
	if (mc->nr_virtio == VIRT_VIRTIO_COUNT) {
		cfg_error(p, p->line, key, "more than %d virtio devices",
			  VIRT_VIRTIO_COUNT);
		return 0;
	}
	memset(&mc->virtio[mc->nr_virtio], 0, sizeof(mc->virtio[0]));
	return &mc->virtio[mc->nr_virtio++];
}

/* The next quoted item of "[ 'a', "b" ]" at *s into buf: 1, 0 at the
 * closing bracket, -1 after an error. */
static int cfg_list_next(struct cfg_parser *p, const char *key, const char **s,
			 char *buf)
{
	const char *q = *s, *end;
	char quote;

	while (isspace((unsigned char)*q) || *q == ',')
		q++;
	if (*q == ']') {
		*s = q + 1;
		return 0;
	}
	quote = *q;
	if ((quote != '\'' && quote != '"') || !(end = strchr(q + 1, quote)) ||
	    end - q - 1 >= SPEC_MAX) {
		cfg_error(p, p->line, key,
			  "expected a list of quoted specs, e.g. "
			  "[ 'disk.img,raw,vda,rw' ]");
		return -1;
	}
	memcpy(buf, q + 1, (size_t)(end - q - 1));
	buf[end - q - 1] = 0;
	*s = end + 1;
	return 1;
}

/* Split "a, b=c" at *s: the next token (trimmed) or NULL at the end. */
static char *cfg_token(char **s)
{
	char *t = *s, *comma, *e;

	if (!t)
		return 0;
	comma = strchr(t, ',');
	*s = comma ? comma + 1 : 0;
	if (comma)
		*comma = 0;
	while (isspace((unsigned char)*t))
		t++;
	e = t + strlen(t);
	while (e > t && isspace((unsigned char)e[-1]))
		*--e = 0;
	return t;
}

/* One disk spec (xl's positional or keyed form). */
static void cfg_disk_spec(struct cfg_parser *p, const char *key, char *spec,
			  struct machine_config *mc)
{
	static const char *const pos[] = { "target", "format", "vdev",
					   "access" };
	const char *target = 0, *acc = "rw";
	unsigned npos = 0;
	struct machine_virtio *v;
	char *t;

	while ((t = cfg_token(&spec))) {
		char *eq = strchr(t, '=');
		const char *k = eq ? t : npos < 4 ? pos[npos++] : "";
		const char *val = eq ? eq + 1 : t;

		if (eq)
			*eq = 0;
		if (!strcmp(k, "target"))
			target = val;
		else if (!strcmp(k, "access"))
			acc = val;
		else if (!strcmp(k, "format")) {
			if (*val && strcmp(val, "raw")) {
				cfg_error(p, p->line, key,
					  "format=%s: only raw images", val);
				return;
			}
		} else if (strcmp(k, "vdev") && strcmp(k, "devtype")) {
			cfg_error(p, p->line, key, "unknown disk key '%s'", t);
			return;
		}
	}
	if (strcmp(acc, "rw") && strcmp(acc, "w") && strcmp(acc, "ro") &&
	    strcmp(acc, "r")) {
		cfg_error(p, p->line, key, "access=%s: rw or ro", acc);
		return;
	}
	if (!target || !*target) {
		cfg_error(p, p->line, key, "a disk spec without a target");
		return;
	}
	v = cfg_virtio_add(p, key, mc);
	if (!v)
		return;
	v->type = MACHINE_VIRTIO_BLK;
	v->readonly = acc[0] == 'r' && acc[1] != 'w';
	v->file = cfg_path(p, target);
	if (v->file && access(v->file, v->readonly ? R_OK : R_OK | W_OK))
		cfg_error(p, p->line, key, "cannot open %s%s: %s", v->file,
			  v->readonly ? "" : " read-write", strerror(errno));
}

/* One vif spec: mac=, model=virtio, bridge= (one switch: ignored). */
static void cfg_vif_spec(struct cfg_parser *p, const char *key, char *spec,
			 struct machine_config *mc)
{
	struct machine_virtio *v = cfg_virtio_add(p, key, mc);
	char *t;

	if (!v)
		return;
	v->type = MACHINE_VIRTIO_NET;
	v->file = "vif";
	while ((t = cfg_token(&spec))) {
		char *eq = strchr(t, '=');

		if (!*t)
			continue;
		if (eq)
			*eq = 0;
		if (eq && !strcmp(t, "mac")) {
			if (!vswitch_parse_mac(eq + 1, v->mac)) {
				cfg_error(p, p->line, key,
					  "mac=%s: not a unicast address "
					  "like 02:00:00:00:00:01",
					  eq + 1);
				return;
			}
		} else if (eq && !strcmp(t, "model")) {
			if (strcmp(eq + 1, "virtio") &&
			    strcmp(eq + 1, "virtio-net")) {
				cfg_error(p, p->line, key,
					  "model=%s: only virtio", eq + 1);
				return;
			}
		} else if (!eq || strcmp(t, "bridge")) {
			cfg_error(p, p->line, key, "unknown vif key '%s'", t);
			return;
		}
	}
}

bool cfg_virtio_list(struct cfg_parser *p, const char *key, const char *v,
		     struct machine_config *mc)
{
	char spec[SPEC_MAX];
	int r;

	while (isspace((unsigned char)*v))
		v++;
	if (*v != '[')
		return false;
	v++;
	while ((r = cfg_list_next(p, key, &v, spec)) == 1) {
		if (!strcmp(key, "disk"))
			cfg_disk_spec(p, key, spec, mc);
		else
			cfg_vif_spec(p, key, spec, mc);
		if (p->failed)
			return true;
	}
	while (r == 0 && isspace((unsigned char)*v))
		v++;
	if (r == 0 && *v)
		cfg_error(p, p->line, key, "text after the closing ']'");
	return true;
}

void cfg_virtio_devices(struct cfg_parser *p, const char *key, const char *v,
			struct machine_config *mc)
{
	char buf[SPEC_MAX], *s = buf, *t;

	if (strlen(v) >= sizeof(buf)) {
		cfg_error(p, p->line, key, "value too long");
		return;
	}
	strcpy(buf, v);
	while ((t = cfg_token(&s))) {
		enum machine_virtio_type type;
		struct machine_virtio *d;

		if (!strcmp(t, "rng"))
			type = MACHINE_VIRTIO_RNG;
		else if (!strcmp(t, "balloon"))
			type = MACHINE_VIRTIO_BALLOON;
		else if (!strcmp(t, "console"))
			type = MACHINE_VIRTIO_CONSOLE;
		else {
			cfg_error(p, p->line, key,
				  "'%s': rng, balloon or console", t);
			return;
		}
		d = cfg_virtio_add(p, key, mc);
		if (!d)
			return;
		d->type = type;
	}
}
