/* atoll sla: change a running domain's memory SLA (reservation, limit,
 * shares, target) through the control socket.  Values are checked here
 * for form, by atoll for sense; either refusal is one line and exit
 * status 2, and nothing changes. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/ctl.h"
#include "cli/mem_wait.h"
#include "lib/log.h"
#include "lib/size.h"
#include "mem/policy.h"
#include "control/control_sock.h"

const char sla_usage[] =
	"usage: atoll sla [--socket PATH] [--json] [--wait[=SECS]] DOMAIN "
	"KEY=VALUE...\n"
	"  reservation=SIZE  memory always guaranteed (admission control)\n"
	"  limit=SIZE        memory never held above this (<= maxmem)\n"
	"  shares=N          weight in memory contention, 1..1000000\n"
	"  target=SIZE       the balloon target now (reservation..limit)\n"
	"SIZE is MiB, or 512K, 64M, 1G (a multiple of 4 KiB).\n"
	"--wait[=SECS]: then show progress until the domain holds its target\n"
	"(default 30 s; exit status 1 if it does not in time).\n";

struct sla_args {
	const char *socket;
	bool json;
	bool wait;
	unsigned wait_secs;
	const char *dom;
	cJSON *req;
};

/* One KEY=VALUE into the request: 0, or -1 after one line. */
static int sla_pair(struct sla_args *a, const char *s)
{
	static const char *const sizes[] = { "reservation", "limit", "target" };
	const char *eq = strchr(s, '=');
	size_t klen = eq ? (size_t)(eq - s) : 0;
	uint64_t v = 0;
	unsigned n = 0;

	for (unsigned i = 0; eq && i < 3; i++) {
		if (strlen(sizes[i]) != klen || strncmp(s, sizes[i], klen))
			continue;
		if (size_parse(eq + 1, &v) || v % 4096) {
			log_error("sla: %s: '%s' is not a size (%s; a "
				  "multiple of 4 KiB, e.g. 512, 2G)",
				  sizes[i], eq + 1, SIZE_HINT);
			return -1;
		}
		return cJSON_AddNumberToObject(a->req, sizes[i], (double)v)
			       ? 0
			       : -1;
	}
	if (eq && klen == 6 && !strncmp(s, "shares", 6)) {
		if (parse_uint(eq + 1, 1, POLICY_SHARES_MAX, &n)) {
			log_error("sla: shares: '%s' must be a number from "
				  "1 to %u",
				  eq + 1, POLICY_SHARES_MAX);
			return -1;
		}
		return cJSON_AddNumberToObject(a->req, "shares", n) ? 0 : -1;
	}
	log_error("sla: '%s' is not KEY=VALUE with KEY reservation, limit, "
		  "shares or target",
		  s);
	return -1;
}

/* Options, the domain and its pairs.  0, 1 (help printed) or -1. */
static int sla_parse(int argc, char **argv, struct sla_args *a)
{
	int npairs = 0, w;

	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];

		if (!strcmp(s, "-h") || !strcmp(s, "--help")) {
			fputs(sla_usage, stdout);
			return 1;
		} else if ((w = mem_wait_option("sla", s, &a->wait_secs))) {
			if (w < 0)
				return -1;
			a->wait = true;
		} else if (!strcmp(s, "--json")) {
			a->json = true;
		} else if (!strcmp(s, "--socket") && i + 1 < argc) {
			a->socket = argv[++i];
		} else if (!strncmp(s, "--socket=", 9)) {
			a->socket = s + 9;
		} else if (s[0] == '-') {
			log_error("sla: unknown option '%s'", s);
			return -1;
		} else if (!a->dom) {
			a->dom = s;
		} else if (sla_pair(a, s)) {
			return -1;
		} else {
			npairs++;
		}
	}
	if (!a->dom || !npairs || !*a->socket) {
		log_error("sla: %s (usage: atoll sla [--socket PATH] DOMAIN "
			  "reservation=SIZE limit=SIZE shares=N "
			  "[target=SIZE])",
			  !*a->socket ? "--socket needs a PATH"
			  : a->dom    ? "nothing to change"
				      : "missing DOMAIN");
		return -1;
	}
	return cJSON_AddStringToObject(a->req, "domain", a->dom) ? 0 : -1;
}

/* Send it; atoll's refusal of a value is a usage error too (exit 2). */
static int sla_send(struct sla_args *a)
{
	cJSON *reply;
	char *text;
	int r = ctl_call(a->socket, a->req, &reply, &text);
	const char *code;

	if (r)
		return r;
	if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(reply, "ok"))) {
		code = cJSON_GetStringValue(
			cJSON_GetObjectItemCaseSensitive(reply, "code"));
		log_error("sla: %s",
			  cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
				  reply, "error")));
		r = code && (!strcmp(code, "bad_request") ||
			     !strcmp(code, "no_such_domain"))
			    ? CLI_EXIT_USAGE
			    : 1;
	} else if (a->json) {
		fputs(text, stdout);
	}
	cJSON_Delete(reply);
	free(text);
	return r;
}

int cmd_sla(int argc, char **argv)
{
	struct sla_args a = { .socket = control_default_path() };
	struct mem_sample before;
	int r;

	a.req = cJSON_CreateObject();
	if (!a.req || !cJSON_AddStringToObject(a.req, "cmd", "sla")) {
		cJSON_Delete(a.req);
		log_error("out of memory");
		return 1;
	}
	r = sla_parse(argc, argv, &a);
	if (r) {
		cJSON_Delete(a.req);
		return r < 0 ? CLI_EXIT_USAGE : 0;
	}
	/* Before the change: where progress starts from. */
	if (a.wait)
		r = mem_wait_sample(a.socket, "sla", a.dom, &before);
	if (!r)
		r = sla_send(&a);
	cJSON_Delete(a.req);
	if (r || !a.wait)
		return r;
	return mem_wait_run(a.socket, "sla", a.dom, &before, a.wait_secs,
			    a.json ? stderr : stdout);
}
