/* Reading the `atoll run` configuration file with libinih.
 *
 * libinih reports only the line of the first syntax error, so lines are
 * fed to it by our own reader, which counts them: the handler then knows
 * the line of every key, and section headers are taken as the reader
 * sees them (so an empty [domain NAME] still counts).  The first problem
 * is kept and printed once, as "FILE:LINE: KEY: what is wrong"; checks
 * between keys run after the whole file was read (config_check.c). */
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/hostfile.h"
#include "lib/log.h"
#include "control/config_impl.h"

/* Record the first problem; later ones are consequences. */
void cfg_error(struct cfg_parser *p, unsigned line, const char *key,
	       const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (p->failed)
		return;
	p->failed = true;
	if (line)
		n = snprintf(p->msg, sizeof(p->msg), "%s:%u: ", p->path, line);
	else
		n = snprintf(p->msg, sizeof(p->msg), "%s: ", p->path);
	if (key && n >= 0 && (size_t)n < sizeof(p->msg))
		n += snprintf(p->msg + n, sizeof(p->msg) - (size_t)n,
			      "%s: ", key);
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < sizeof(p->msg))
		vsnprintf(p->msg + n, sizeof(p->msg) - (size_t)n, fmt, ap);
	va_end(ap);
}

/* Keep a copy of a string for the configs to point to. */
const char *cfg_strdup(struct cfg_parser *p, const char *s)
{
	struct run_config *c = p->cfg;
	char *d;

	if (c->nr_strings == sizeof(c->strings) / sizeof(c->strings[0]) ||
	    !(d = strdup(s))) {
		cfg_error(p, p->line, 0, "out of memory");
		return 0;
	}
	c->strings[c->nr_strings++] = d;
	return d;
}

const char *cfg_path(struct cfg_parser *p, const char *s)
{
	char buf[4096];

	if (!p->base_dir || s[0] == '/')
		return cfg_strdup(p, s);
	if ((size_t)snprintf(buf, sizeof(buf), "%s/%s", p->base_dir, s) >=
	    sizeof(buf)) {
		cfg_error(p, p->line, 0, "path too long");
		return 0;
	}
	return cfg_strdup(p, buf);
}

/* Domain names: 1-31 of [A-Za-z0-9_.-], not all digits (a number names a
 * domain by id). */
static bool cfg_name_ok(const char *s)
{
	size_t n = strlen(s);
	bool digits = true;

	if (n == 0 || n > DOMAIN_NAME_MAX)
		return false;
	for (; *s; s++) {
		char ch = *s;
		bool alnum = (ch >= 'a' && ch <= 'z') ||
			     (ch >= 'A' && ch <= 'Z') ||
			     (ch >= '0' && ch <= '9');
		if (!alnum && ch != '_' && ch != '.' && ch != '-')
			return false;
		digits &= ch >= '0' && ch <= '9';
	}
	return !digits;
}

static void cfg_begin_domain(struct cfg_parser *p, const char *name)
{
	struct run_config *c = p->cfg;
	struct cfg_domain *cd;

	if (!cfg_name_ok(name)) {
		cfg_error(p, p->line, 0,
			  "[domain %s]: a name is 1-%d letters, digits, "
			  "'_', '.' or '-', not only digits",
			  name, DOMAIN_NAME_MAX);
		return;
	}
	for (unsigned i = 0; i < c->nr_domains; i++)
		if (!strcmp(c->dom[i].name, name)) {
			cfg_error(p, p->line, 0,
				  "[domain %s]: defined twice (first on "
				  "line %u)",
				  name, p->dom[i].line);
			return;
		}
	if (c->nr_domains == CONFIG_MAX_DOMAINS) {
		cfg_error(p, p->line, 0, "[domain %s]: more than %d domains",
			  name, CONFIG_MAX_DOMAINS);
		return;
	}
	cd = &p->dom[c->nr_domains];
	cd->line = p->line;
	snprintf(c->dom[c->nr_domains].name, DOMAIN_NAME_MAX + 1, "%s", name);
	/* xl.cfg's defaults: a reset restarts the domain. */
	c->dom[c->nr_domains].on_reboot = DOMAIN_ACTION_RESTART;
	p->cur = (int)c->nr_domains++;
}

/* A section header "[...]" (already trimmed of leading blanks). */
static void cfg_section(struct cfg_parser *p, const char *text)
{
	char buf[INI_MAX_LINE];
	const char *end = strchr(text, ']');
	size_t n;
	char *name;

	if (!end)
		return; /* libinih reports it as a syntax error */
	n = (size_t)(end - text - 1);
	memcpy(buf, text + 1, n);
	buf[n] = 0;
	name = buf;
	while (*name == ' ' || *name == '\t')
		name++;
	for (char *e = name + strlen(name);
	     e > name && (e[-1] == ' ' || e[-1] == '\t');)
		*--e = 0;
	if (!strcmp(name, "host") && p->create) {
		cfg_error(p, p->line, 0,
			  "[host]: atoll create adds [domain NAME] sections to "
			  "the running host; [host] belongs to atoll run");
	} else if (!strcmp(name, "host")) {
		if (p->host_line)
			cfg_error(p, p->line, 0,
				  "[host]: defined twice (first on line %u)",
				  p->host_line);
		p->host_line = p->line;
		p->cur = CFG_HOST;
	} else if (!strncmp(name, "domain", 6) &&
		   (name[6] == ' ' || name[6] == '\t')) {
		name += 6;
		while (*name == ' ' || *name == '\t')
			name++;
		cfg_begin_domain(p, name);
	} else {
		cfg_error(p, p->line, 0,
			  "[%s]: unknown section (expected [host] or "
			  "[domain NAME])",
			  name);
	}
}

/* libinih's line reader: fgets that counts lines and sees headers. */
static char *cfg_reader(char *str, int num, void *stream)
{
	struct cfg_parser *p = stream;
	size_t n;
	char *s;

	if (!fgets(str, num, p->f))
		return 0;
	n = strlen(str);
	p->line = p->lines_done + 1;
	if (n && str[n - 1] == '\n')
		p->lines_done++;
	else if (!feof(p->f))
		cfg_error(p, p->line, 0, "line longer than %d characters",
			  INI_MAX_LINE - 2);
	for (s = str; *s == ' ' || *s == '\t'; s++)
		;
	if (*s == '[')
		cfg_section(p, s);
	return str;
}

static int cfg_handler(void *user, const char *section, const char *key,
		       const char *value)
{
	struct cfg_parser *p = user;

	if (p->failed)
		return 1;
	if (p->cur == CFG_NONE)
		cfg_error(p, p->line, key,
			  "outside any section ([host] or [domain NAME])");
	else if (p->cur == CFG_HOST)
		cfg_host_key(p, key, value);
	else
		cfg_domain_key(p, key, value);
	return 1;
}

/* Parse p->f into p->cfg; the first problem is left in p->msg. */
static int cfg_parse(struct cfg_parser *p)
{
	int r = ini_parse_stream(cfg_reader, p, cfg_handler, p);

	if (r > 0 && !p->failed)
		cfg_error(p, (unsigned)r, 0,
			  "syntax error (expected KEY = VALUE or [SECTION])");
	else if (r < 0 && !p->failed)
		cfg_error(p, 0, 0, "cannot read the file");
	if (!p->failed)
		cfg_check(p);
	if (p->failed)
		config_free(p->cfg);
	return p->failed ? -EINVAL : 0;
}

int config_load(struct run_config *c, const char *path)
{
	struct cfg_parser *p = calloc(1, sizeof(*p));
	int fd, err;

	memset(c, 0, sizeof(*c));
	if (!p) {
		log_error("out of memory");
		return -ENOMEM;
	}
	p->cfg = c;
	p->path = path;
	p->cur = CFG_NONE;
	fd = hostfile_open(path, O_RDONLY, 0);
	p->f = fd >= 0 ? fdopen(fd, "r") : NULL;
	if (!p->f) {
		err = fd >= 0 ? -errno : fd;
		if (fd >= 0)
			close(fd);
		log_error("%s: cannot open: %s", path, hostfile_strerror(err));
		free(p);
		return err;
	}
	err = cfg_parse(p);
	fclose(p->f);
	if (err)
		log_error("%s", p->msg);
	free(p);
	return err;
}

int config_parse_create(struct run_config *c, const char *name,
			const char *text, size_t len, const char *base_dir,
			uint64_t machine_memory, char *why, size_t n)
{
	struct cfg_parser *p = calloc(1, sizeof(*p));
	int err;

	memset(c, 0, sizeof(*c));
	if (!p) {
		snprintf(why, n, "out of memory");
		return -ENOMEM;
	}
	p->cfg = c;
	p->path = name;
	p->cur = CFG_NONE;
	p->create = true;
	p->base_dir = base_dir;
	c->host.mem.machine_memory = machine_memory;
	p->f = fmemopen((void *)text, len, "r");
	if (!p->f) {
		free(p);
		snprintf(why, n, "out of memory");
		return -ENOMEM;
	}
	err = cfg_parse(p);
	fclose(p->f);
	snprintf(why, n, "%s", err ? p->msg : "");
	free(p);
	return err;
}

void config_free(struct run_config *c)
{
	for (unsigned i = 0; i < c->nr_strings; i++)
		free(c->strings[i]);
	c->nr_strings = 0;
}
