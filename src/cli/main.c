/* atoll: dispatch to a verb.  stdout belongs to the guest console, so
 * diagnostics go to stderr; only "help" and "version" print on stdout. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/ctl.h"
#include "lib/log.h"

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

static const struct verb {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} verbs[] = {
	{ "boot", cmd_boot, "run a guest kernel or bare-metal program" },
	{ "run", cmd_run, "run the domains of a configuration file" },
	{ "list", cmd_list, "list the domains of a running atoll" },
	{ "stats", cmd_stats, "statistics of a running atoll's domains" },
	{ "p2m", cmd_p2m, "print a domain's P2M (guest -> machine frames)" },
	{ "pause", cmd_pause, "pause a running domain" },
	{ "unpause", cmd_unpause, "resume a paused domain" },
	{ "destroy", cmd_destroy, "stop a domain and free its memory" },
	{ "create", cmd_create, "add domains to a running atoll" },
	{ "reboot", cmd_reboot, "reset a domain (it restarts per on_reboot)" },
	{ "shutdown", cmd_shutdown,
	  "press a domain's power key (its guest powers off)" },
	{ "mem-set", cmd_mem_set, "set a domain's memory target" },
	{ "sla", cmd_sla, "set a domain's reservation, limit, shares" },
	{ "share-rate", cmd_share_rate, "set the page-sharing scan rate" },
	{ "top", cmd_top, "live view of a running atoll's domains" },
	{ "console", cmd_console, "attach to a domain's console" },
	{ "help", cmd_help, "show this help" },
	{ "version", cmd_version, "show the version" },
};

#define NR_VERBS (sizeof(verbs) / sizeof(verbs[0]))

static int cmd_help(int argc, char **argv)
{
	printf("usage: atoll COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < NR_VERBS; i++)
		printf("  %-10s %s\n", verbs[i].name, verbs[i].summary);
	printf("\n%s", boot_usage);
	return 0;
}

static int cmd_version(int argc, char **argv)
{
	printf("atoll %s\n", ATOLL_VERSION);
	return 0;
}

int main(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : 0;

	/* A closed stdout must not kill us in the middle of a run. */
	signal(SIGPIPE, SIG_IGN);
	if (!verb) {
		log_error("no command given (try 'atoll help')");
		return CLI_EXIT_USAGE;
	}
	if (!strcmp(verb, "--help") || !strcmp(verb, "-h"))
		return cmd_help(argc - 1, argv + 1);
	if (!strcmp(verb, "--version"))
		return cmd_version(argc - 1, argv + 1);
	for (size_t i = 0; i < NR_VERBS; i++)
		if (!strcmp(verb, verbs[i].name))
			return verbs[i].run(argc - 1, argv + 1);
	log_error("unknown command '%s' (try 'atoll help')", verb);
	return CLI_EXIT_USAGE;
}
