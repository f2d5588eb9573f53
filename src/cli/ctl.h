/* The verbs that talk to a running atoll through its control socket
 * (docs/control-api.md): list, p2m, stats, pause, unpause, destroy,
 * reboot, shutdown, create, mem-set. */
#ifndef ATOLL_CLI_CTL_H
#define ATOLL_CLI_CTL_H

#include <cjson/cJSON.h>
#include <stdbool.h>

int cmd_list(int argc, char **argv);
int cmd_p2m(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_pause(int argc, char **argv);
int cmd_unpause(int argc, char **argv);
int cmd_destroy(int argc, char **argv);
int cmd_mem_set(int argc, char **argv);
int cmd_reboot(int argc, char **argv);
int cmd_shutdown(int argc, char **argv);
int cmd_create(int argc, char **argv);
extern const char ctl_usage[];

/* Send one request to the atoll at path; on success *reply holds its
 * answer (which may be {"ok": false}) and *text the raw line.  Returns 0,
 * or CLI_EXIT_USAGE after one line naming the problem (no such socket,
 * nothing listening, not an atoll). */
int ctl_call(const char *path, const cJSON *req, cJSON **reply, char **text);

/* A socket connected to path (send and receive time out after 5 s), or
 * -1 after one line naming the problem. */
int ctl_connect(const char *path);

/* A control verb's command line (ctl.c), shared by the verbs in their
 * own files (shutdown.c). */
#define CTL_MAX_OPERANDS 2

struct ctl_args {
	const char *verb;
	const char *socket;
	bool json;
	bool wait; /* mem-set --wait, for wait_secs */
	unsigned wait_secs;
	bool wait_secs_given; /* --wait=SECS */
	int timeout_secs; /* shutdown --timeout, -1 if not given */
	const char *op[CTL_MAX_OPERANDS];
	int nop;
	bool bad_request; /* atoll answered bad_request */
};

/* Options and operands (min..max of them, named `operands` in messages)
 * into a: 0; 1 if help was printed; -1 after one line of error. */
int ctl_parse(int argc, char **argv, int min, int max, const char *operands,
	      struct ctl_args *a);
/* Send req (consumed), print the reply with print (or as JSON); the exit
 * status. */
int ctl_run(struct ctl_args *a, cJSON *req, void (*print)(const cJSON *reply));
/* {"cmd": cmd, "domain": dom} (dom may be NULL); NULL if out of memory. */
cJSON *ctl_request(const char *cmd, const char *dom);
/* shutdown's --timeout option (shutdown.c), for ctl_parse: see there. */
int shutdown_timeout_option(int argc, char **argv, int *i, int *secs);

/* Human-readable forms of the replies (ctl_print.c). */
void ctl_print_list(const cJSON *reply);
void ctl_print_stats(const cJSON *reply);
void ctl_print_p2m(const cJSON *reply);

#endif
