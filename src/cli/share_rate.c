/* atoll share-rate: change the sharing scanner's rate (pages per second,
 * 0 stops it) of a running atoll through its control socket.  A rate out
 * of range is refused here (one line, exit status 2) and by atoll (an
 * error reply); either way nothing changes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/ctl.h"
#include "control/control_sock.h"
#include "lib/log.h"
#include "mem/share.h"

static const char share_rate_usage[] =
	"usage: atoll share-rate [--socket PATH] [--json] PAGES_PER_SECOND\n"
	"  the content-based sharing scanner's rate, 0 (stopped) to 1000000\n"
	"  (sharing is off unless share_rate is set; KSM's rate is 5000)\n";

int cmd_share_rate(int argc, char **argv)
{
	const char *sock = control_default_path(), *rate = NULL;
	bool json = false;
	cJSON *req, *reply;
	char *text;
	unsigned n = 0;
	int r;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(share_rate_usage, stdout);
			return 0;
		} else if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--socket") && i + 1 < argc) {
			sock = argv[++i];
		} else if (!strncmp(argv[i], "--socket=", 9)) {
			sock = argv[i] + 9;
		} else if (!rate && argv[i][0] != '-') {
			rate = argv[i];
		} else {
			log_error("share-rate: unexpected argument '%s' (%s)",
				  argv[i], "usage: atoll share-rate RATE");
			return CLI_EXIT_USAGE;
		}
	}
	if (!rate || parse_uint(rate, 0, SHARE_RATE_MAX, &n)) {
		log_error("share-rate: '%s': must be pages per second from 0 "
			  "to %u",
			  rate ? rate : "", SHARE_RATE_MAX);
		return CLI_EXIT_USAGE;
	}
	req = cJSON_CreateObject();
	if (!req || !cJSON_AddStringToObject(req, "cmd", "share-rate") ||
	    !cJSON_AddNumberToObject(req, "rate", n)) {
		cJSON_Delete(req);
		log_error("out of memory");
		return 1;
	}
	r = ctl_call(sock, req, &reply, &text);
	cJSON_Delete(req);
	if (r)
		return r;
	if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(reply, "ok"))) {
		log_error("share-rate: %s",
			  cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
				  reply, "error")));
		r = 1;
	} else if (json) {
		fputs(text, stdout);
	}
	cJSON_Delete(reply);
	free(text);
	return r;
}
