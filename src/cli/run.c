/* atoll run [--stats] CONFIG: a host with the domains of a configuration
 * file (docs/config.md).  The whole file is checked before anything is
 * created; a domain that cannot be built stops everything, so bad input
 * yields one line on stderr and exit status 2 with nothing left behind. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "machine/diag.h"
#include "vmm/config.h"

const char run_usage[] =
	"usage: atoll run [--stats] CONFIG\n"
	"  run every domain of the configuration file CONFIG at once\n"
	"  (docs/config.md); the exit status is 0 when all of them ended\n"
	"  with status 0.  Input goes to the first domain's console.\n"
	"  --stats            print per-hart statistics to stderr at exit\n";

/* Create every domain, then start them all. */
static int run_domains(struct host *h, const struct run_config *c)
{
	struct domain *d[CONFIG_MAX_DOMAINS];

	for (unsigned i = 0; i < c->nr_domains; i++)
		if (host_domain_create(h, &c->dom[i], &d[i]) < 0)
			return -1;
	for (unsigned i = 0; i < c->nr_domains; i++)
		domain_start(d[i]); /* a failure ends that domain (1) */
	return 0;
}

static int run_parse(int argc, char **argv, const char **path, bool *stats)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return 1;
		if (!strcmp(argv[i], "--stats")) {
			*stats = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			diag_error("unknown option '%s' (try 'atoll help')",
				   argv[i]);
			return -1;
		} else if (*path) {
			diag_error("unexpected argument '%s' (only one CONFIG)",
				   argv[i]);
			return -1;
		} else {
			*path = argv[i];
		}
	}
	if (!*path) {
		diag_error("no CONFIG given (usage: atoll run [--stats] "
			   "CONFIG)");
		return -1;
	}
	return 0;
}

int cmd_run(int argc, char **argv)
{
	static struct run_config cfg;
	const char *path = 0;
	bool stats = false;
	struct host *h;
	int r = run_parse(argc, argv, &path, &stats);

	if (r > 0) {
		fputs(run_usage, stdout);
		return 0;
	}
	if (r < 0 || config_load(&cfg, path) < 0)
		return CLI_EXIT_USAGE;
	cfg.host.stats = stats;
	r = CLI_EXIT_USAGE;
	if (host_create(&h, &cfg.host) < 0)
		goto out;
	if (run_domains(h, &cfg) == 0)
		r = host_run(h);
	host_destroy(h);
out:
	config_free(&cfg);
	return r;
}
