/* atoll shutdown: press a domain's power key through the control socket
 * (docs/control-api.md "shutdown"), and with -w follow the domain until it
 * has ended: powered off, or destroyed by atoll at the timeout. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/ctl.h"
#include "lib/log.h"
#include "control/control_cmd.h"

/* shutdown's --timeout SECS or --timeout=SECS at argv[*i] (advancing *i
 * past a separate SECS): 1 and *secs set; 0 if it is another option; -1
 * after one line. */
int shutdown_timeout_option(int argc, char **argv, int *i, int *secs)
{
	const char *s = argv[*i], *v;
	unsigned u;

	if (!strcmp(s, "--timeout")) {
		if (++*i == argc) {
			log_error("shutdown: --timeout needs SECS");
			return -1;
		}
		v = argv[*i];
	} else if (!strncmp(s, "--timeout=", 10)) {
		v = s + 10;
	} else {
		return 0;
	}
	if (parse_uint(v, 0, CONTROL_SHUTDOWN_TIMEOUT_MAX_S, &u)) {
		log_error("shutdown: --timeout %s: SECS must be a whole number "
			  "of seconds from 0 (never destroy) to %u",
			  v, CONTROL_SHUTDOWN_TIMEOUT_MAX_S);
		return -1;
	}
	*secs = (int)u;
	return 1;
}

/* The state of domain id in a `list` reply, or NULL if it is not there. */
static const char *ctl_state_of(const cJSON *reply, double id)
{
	const cJSON *all = cJSON_GetObjectItemCaseSensitive(reply, "domains");
	const cJSON *d;

	cJSON_ArrayForEach(d, all)
	{
		const cJSON *i = cJSON_GetObjectItemCaseSensitive(d, "id");

		if (cJSON_GetNumberValue(i) == id)
			return cJSON_GetStringValue(
				cJSON_GetObjectItemCaseSensitive(d, "state"));
	}
	return NULL;
}

/* shutdown --wait: follow `list` until domain id no longer runs (gone,
 * shut down or destroyed; a restart is a new id) or a.wait_secs pass.  An
 * atoll that has ended (its last domain did) counts as shut down. */
static int ctl_wait_ended(struct ctl_args *a, double id, const char *name)
{
	const struct timespec tick = { 0, 100 * 1000 * 1000 };
	struct timespec t0, now;
	char state[16] = "running";

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		cJSON *req = ctl_request("list", NULL), *reply = NULL;
		char *text = NULL;
		const char *st;

		if (!req || ctl_call(a->socket, req, &reply, &text)) {
			cJSON_Delete(req);
			printf("%s: shut down (atoll has ended)\n", name);
			return 0;
		}
		cJSON_Delete(req);
		st = ctl_state_of(reply, id);
		if (st)
			snprintf(state, sizeof(state), "%s", st);
		cJSON_Delete(reply);
		free(text);
		if (!st) {
			/* Gone from the list: destroyed (a power-off leaves
			 * it listed as shutdown). */
			printf("%s: destroyed (its guest had not powered off "
			       "within the timeout)\n",
			       name);
			return 0;
		}
		if (strcmp(state, "running") && strcmp(state, "paused")) {
			printf("%s: %s\n", name,
			       strcmp(state, "shutdown") ? state : "shut down");
			return 0;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - t0.tv_sec >= (time_t)a->wait_secs) {
			log_error(
				"shutdown: domain '%s' is still %s after %u s "
				"(does its guest handle the power key? "
				"docs/control-api.md)",
				name, state, a->wait_secs);
			return 1;
		}
		nanosleep(&tick, NULL);
	}
}

static double ctl_reply_id, ctl_reply_timeout;
static char ctl_reply_name[64];

/* The shutdown reply: which domain, its timeout; a word if the key was
 * still held. */
static void ctl_print_shutdown(const cJSON *reply)
{
	const char *n = cJSON_GetStringValue(
		cJSON_GetObjectItemCaseSensitive(reply, "name"));

	ctl_reply_id = cJSON_GetNumberValue(
		cJSON_GetObjectItemCaseSensitive(reply, "id"));
	ctl_reply_timeout = cJSON_GetNumberValue(
		cJSON_GetObjectItemCaseSensitive(reply, "timeout"));
	snprintf(ctl_reply_name, sizeof(ctl_reply_name), "%s", n ? n : "?");
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(reply, "key_held")))
		printf("%s: its guest has not read an earlier press of the "
		       "power key yet\n",
		       ctl_reply_name);
}

int cmd_shutdown(int argc, char **argv)
{
	struct ctl_args a;
	cJSON *req;
	int r = ctl_parse(argc, argv, 1, 1, "DOMAIN", &a);

	if (r)
		return r < 0 ? CLI_EXIT_USAGE : 0;
	req = ctl_request("shutdown", a.op[0]);
	if (req && a.timeout_secs >= 0 &&
	    !cJSON_AddNumberToObject(req, "timeout", a.timeout_secs)) {
		cJSON_Delete(req);
		req = NULL;
	}
	r = ctl_run(&a, req, ctl_print_shutdown);
	if (r || !a.wait || a.json)
		return r;
	/* Long enough to see the destroy at the timeout, unless told. */
	if (!a.wait_secs_given && ctl_reply_timeout > 0)
		a.wait_secs = (unsigned)ctl_reply_timeout + 10;
	return ctl_wait_ended(&a, ctl_reply_id, ctl_reply_name);
}
