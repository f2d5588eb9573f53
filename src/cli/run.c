/* atoll run [--stats] [--http [ADDR:]PORT] [--no-summary] [--engine E]
 * CONFIG: a host with the domains of a configuration
 * file (docs/config.md).  The whole file is checked before anything is
 * created; a domain that cannot be built stops everything, so bad input
 * yields one line on stderr and exit status 2 with nothing left behind. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/run_map.h"
#include "cli/summary.h"
#include "lib/log.h"
#include "control/config.h"
#include "control/control.h"
#include "control/http.h"

const char run_usage[] =
	"usage: atoll run [--stats] [--http [ADDR:]PORT] [--no-summary] "
	"[--engine jit|interp] [--map FILE.svg] CONFIG\n"
	"  run every domain of the configuration file CONFIG at once\n"
	"  (docs/config.md); the exit status is 0 when all of them ended\n"
	"  with status 0.  Input goes to the first domain's console.\n"
	"  --stats            print per-hart statistics to stderr at exit\n"
	"  --http [ADDR:]PORT serve the live page on http://ADDR:PORT/\n"
	"                     (ADDR 127.0.0.1 unless given; the URL printed\n"
	"                     carries the run's token, required by the page)\n"
	"  --no-summary       no end-of-run summary on stderr\n"
	"  --engine E         CPU engine of every domain (overrides their\n"
	"                     engine key): jit or interp\n"
	"  --map FILE.svg     at the end, write a picture of machine memory\n"
	"                     (the last one taken while domains held it)\n";

/* Create every domain, then start them all, a line of progress for each
 * (only once all exist: a domain that cannot be built leaves one line). */
static int run_domains(struct host *h, const struct run_config *c)
{
	struct domain *d[CONFIG_MAX_DOMAINS];
	const struct domain_config *dc;

	for (unsigned i = 0; i < c->nr_domains; i++)
		if (host_domain_create(h, &c->dom[i], &d[i]) < 0)
			return -1;
	for (unsigned i = 0; i < c->nr_domains; i++) {
		dc = &c->dom[i];
		log_info("domain %s created: %u vCPU%s, memory %llu "
			 "MiB of maxmem %llu MiB",
			 dc->name, dc->machine.nr_harts,
			 dc->machine.nr_harts == 1 ? "" : "s",
			 (unsigned long long)(dc->memory >> 20),
			 (unsigned long long)(dc->machine.ram_size >> 20));
	}
	for (unsigned i = 0; i < c->nr_domains; i++)
		if (!domain_start(d[i])) /* a failure ends that domain (1) */
			log_info("domain %s started", c->dom[i].name);
	return 0;
}

struct run_opts {
	bool stats, summary;
	enum cpu_engine engine; /* AUTO: each domain's own */
	unsigned http_port; /* 0: none */
	char http_addr[64]; /* "": 127.0.0.1 */
	const char *map; /* --map FILE.svg, or NULL */
};

/* --http [ADDR:]PORT. */
static int run_parse_http(const char *v, struct run_opts *o)
{
	const char *colon = strrchr(v, ':');
	const char *port = colon ? colon + 1 : v;
	size_t n = colon ? (size_t)(colon - v) : 0;

	if (n >= sizeof(o->http_addr) || (colon && !n) ||
	    parse_uint(port, 1, 65535, &o->http_port)) {
		log_error("--http needs [ADDR:]PORT, PORT in 1..65535 (got "
			  "'%s')",
			  v);
		return -1;
	}
	memcpy(o->http_addr, v, n);
	o->http_addr[n] = 0;
	return 0;
}

/* --map FILE: its folder must take a new file now, not at the end. */
static int run_map_check(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;

	if (n >= sizeof(dir)) {
		log_error("--map %s: path too long", path);
		return -1;
	}
	memcpy(dir, slash ? path : ".", slash ? (n ? n : 1) : 1);
	dir[slash ? (n ? n : 1) : 1] = 0;
	if (access(dir, W_OK | X_OK)) {
		log_error("--map %s: cannot write in %s: %s", path, dir,
			  strerror(errno));
		return -1;
	}
	return 0;
}

static int run_parse(int argc, char **argv, const char **path,
		     struct run_opts *o)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return 1;
		if (!strcmp(argv[i], "--stats")) {
			o->stats = true;
		} else if (!strcmp(argv[i], "--engine")) {
			if (++i == argc) {
				log_error("--engine needs jit or interp");
				return -1;
			}
			if (cli_engine(argv[i], &o->engine))
				return -1;
		} else if (!strcmp(argv[i], "--map")) {
			if (++i == argc || !*argv[i]) {
				log_error("--map needs a FILE.svg");
				return -1;
			}
			o->map = argv[i];
		} else if (!strcmp(argv[i], "--no-summary")) {
			o->summary = false;
		} else if (!strcmp(argv[i], "--http")) {
			if (++i == argc) {
				log_error("--http needs [ADDR:]PORT");
				return -1;
			}
			if (run_parse_http(argv[i], o))
				return -1;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			log_error("unknown option '%s' (try 'atoll help')",
				  argv[i]);
			return -1;
		} else if (*path) {
			log_error("unexpected argument '%s' (only one CONFIG)",
				  argv[i]);
			return -1;
		} else {
			*path = argv[i];
		}
	}
	if (!*path) {
		log_error("no CONFIG given (usage: atoll run [--stats] [--http "
			  "[ADDR:]PORT] [--no-summary] [--engine jit|interp] "
			  "CONFIG)");
		return -1;
	}
	return o->map ? run_map_check(o->map) : 0;
}

/* The domains running, with the summary sampler and the web page. */
static int run_host(struct host *h, const struct run_config *cfg,
		    const struct run_opts *o, struct http *web)
{
	struct summary *sum = NULL;
	struct run_map *map = NULL;
	int r = CLI_EXIT_USAGE;

	if (web && http_serve(web, h))
		return r;
	if (web)
		log_info("live chart on %s", http_url(web));
	if (run_domains(h, cfg) == 0) {
		if (o->summary)
			summary_start(h, cfg->host.mem.policy.period_ms, &sum);
		if (o->map)
			run_map_start(h, o->map, 0, &map);
		r = host_run(h);
		summary_finish(sum, stderr);
		if (run_map_finish(map) && !r)
			r = 1; /* the picture asked for is missing */
	}
	return r;
}

int cmd_run(int argc, char **argv)
{
	static struct run_config cfg;
	struct run_opts o = { .summary = true };
	const char *path = 0;
	struct http *web = NULL;
	struct control *ctl = NULL;
	struct host *h;
	int r = run_parse(argc, argv, &path, &o);

	if (r > 0) {
		fputs(run_usage, stdout);
		return 0;
	}
	if (r < 0 || config_load(&cfg, path) < 0)
		return CLI_EXIT_USAGE;
	cfg.host.stats = o.stats;
	for (unsigned k = 0; o.engine && k < cfg.nr_domains; k++)
		cfg.dom[k].machine.engine = o.engine;
	r = CLI_EXIT_USAGE;
	/* The sockets first: taken, nothing else has started. */
	if (control_bind(cli_socket_path(cfg.control_socket), &ctl) < 0)
		goto out;
	if (o.http_port && http_bind(o.http_addr[0] ? o.http_addr : NULL,
				     o.http_port, &web) < 0)
		goto out;
	if (host_create(&h, &cfg.host) < 0)
		goto out;
	if (!control_serve(ctl, h)) {
		/* Said once running: a refusal must stay one line. */
		if (control_beside_default(ctl))
			log_info("another atoll holds the default control "
				 "socket; this one listens on %s",
				 control_path(ctl));
		r = run_host(h, &cfg, &o, web);
	}
	control_stop(ctl); /* servers before the host they read */
	ctl = NULL;
	http_close(web);
	web = NULL;
	host_destroy(h);
out:
	control_stop(ctl);
	http_close(web);
	config_free(&cfg);
	return r;
}
