/* The control verbs: build a request from the command line, send it to the
 * running atoll (ctl_conn.c), print the reply.  Exit status 0 on success,
 * 1 when atoll answered with an error, CLI_EXIT_USAGE for bad usage, a
 * socket that is not atoll's, or a domain that does not exist. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/ctl.h"
#include "cli/mem_wait.h"
#include "cli/memmap_svg.h"
#include "lib/log.h"
#include "lib/size.h"
#include "control/control_sock.h"

const char ctl_usage[] =
	"control verbs (talk to a running atoll):\n"
	"  atoll list [OPTIONS]               domains, state, memory\n"
	"  atoll stats [OPTIONS] [DOMAIN]     statistics of domains and host\n"
	"  atoll p2m [OPTIONS] DOMAIN         the domain's P2M as ranges\n"
	"  atoll p2m [OPTIONS] --map FILE.svg [DOMAIN]\n"
	"                                     a picture of machine memory\n"
	"                                     and the domains' guest memory\n"
	"  atoll pause|unpause|destroy|reboot [OPTIONS] DOMAIN\n"
	"  atoll shutdown [OPTIONS] [-w|--wait[=SECS]] [--timeout SECS]\n"
	"                 DOMAIN              press its power key: the guest\n"
	"                                     powers off in its own time, or\n"
	"                                     atoll destroys it after SECS\n"
	"                                     (60; 0: never); -w: wait until\n"
	"                                     it has ended\n"
	"  atoll create [OPTIONS] CONFIG|-    add the [domain NAME] sections\n"
	"                                     of CONFIG (- : standard input)\n"
	"                                     to the running atoll\n"
	"  atoll mem-set [OPTIONS] [--wait[=SECS]] DOMAIN SIZE|auto\n"
	"                                     set its memory target until\n"
	"                                     changed (auto: the manager's\n"
	"                                     again); --wait: show progress\n"
	"                                     until it is reached (30 s)\n"
	"options:\n"
	"  --socket PATH   atoll's control socket (default $ATOLL_SOCKET,\n"
	"                  else $XDG_RUNTIME_DIR/atoll.sock, else\n"
	"                  /tmp/atoll-UID.sock)\n"
	"  --json          print atoll's reply as JSON\n"
	"DOMAIN is a name or a numeric id; SIZE is MiB, or 512K, 64M, 1G.\n";

/* Options and operands; `operands` names them for messages ("DOMAIN").
 * Returns 0, 1 if help was printed, -1 after one line of error. */
int ctl_parse(int argc, char **argv, int min, int max, const char *operands,
	      struct ctl_args *a)
{
	bool opts = true;
	int r;

	memset(a, 0, sizeof(*a));
	a->timeout_secs = -1;
	a->verb = argv[0];
	a->socket = control_default_path();
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];

		if (opts && !strcmp(s, "--")) {
			opts = false;
		} else if (opts && (!strcmp(s, "-h") || !strcmp(s, "--help"))) {
			fputs(ctl_usage, stdout);
			return 1;
		} else if (opts && !strcmp(s, "--json")) {
			a->json = true;
		} else if (opts && !strcmp(s, "--socket")) {
			if (++i == argc) {
				log_error("%s: --socket needs a PATH", a->verb);
				return -1;
			}
			a->socket = argv[i];
		} else if (opts && !strncmp(s, "--socket=", 9)) {
			a->socket = s + 9;
		} else if (opts && !strcmp(a->verb, "shutdown") &&
			   !strcmp(s, "-w")) { /* xl shutdown -w */
			a->wait = true;
			a->wait_secs = MEM_WAIT_DEFAULT_S;
		} else if (opts && !strcmp(a->verb, "shutdown") &&
			   (r = shutdown_timeout_option(argc, argv, &i,
							&a->timeout_secs))) {
			if (r < 0)
				return -1;
		} else if (opts &&
			   (!strcmp(a->verb, "mem-set") ||
			    !strcmp(a->verb, "shutdown")) &&
			   (r = mem_wait_option(a->verb, s, &a->wait_secs))) {
			if (r < 0)
				return -1;
			a->wait = true;
			a->wait_secs_given = s[6] == '=';
		} else if (opts && s[0] == '-' && s[1]) {
			log_error("%s: unknown option '%s'", a->verb, s);
			return -1;
		} else if (a->nop == max) {
			log_error("%s: unexpected argument '%s' (usage: atoll "
				  "%s [--socket PATH] [--json]%s%s)",
				  a->verb, s, a->verb, *operands ? " " : "",
				  operands);
			return -1;
		} else {
			a->op[a->nop++] = s;
		}
	}
	if (a->nop < min) {
		log_error("%s: missing %s (usage: atoll %s [--socket PATH] "
			  "[--json] %s)",
			  a->verb, operands, a->verb, operands);
		return -1;
	}
	if (!*a->socket) {
		log_error("%s: --socket needs a PATH", a->verb);
		return -1;
	}
	return 0;
}

/* Send req (consumed), print the reply with print (or as JSON); the exit
 * status. */
int ctl_run(struct ctl_args *a, cJSON *req, void (*print)(const cJSON *reply))
{
	cJSON *reply;
	char *text;
	const char *code;
	int r;

	if (!req) {
		log_error("out of memory");
		return 1;
	}
	r = ctl_call(a->socket, req, &reply, &text);
	cJSON_Delete(req);
	if (r)
		return r;
	if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(reply, "ok"))) {
		code = cJSON_GetStringValue(
			cJSON_GetObjectItemCaseSensitive(reply, "code"));
		log_error("%s: %s", a->verb,
			  cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
				  reply, "error")));
		r = code && !strcmp(code, "no_such_domain") ? CLI_EXIT_USAGE
							    : 1;
		a->bad_request = code && !strcmp(code, "bad_request");
	} else if (a->json) {
		fputs(text, stdout);
	} else if (print) {
		print(reply);
	}
	cJSON_Delete(reply);
	free(text);
	return r;
}

/* {"cmd": cmd, "domain": dom} (dom may be NULL); NULL if out of memory. */
cJSON *ctl_request(const char *cmd, const char *dom)
{
	cJSON *req = cJSON_CreateObject();

	if (!req || !cJSON_AddStringToObject(req, "cmd", cmd) ||
	    (dom && !cJSON_AddStringToObject(req, "domain", dom))) {
		cJSON_Delete(req);
		return NULL;
	}
	return req;
}

int cmd_list(int argc, char **argv)
{
	struct ctl_args a;
	int r = ctl_parse(argc, argv, 0, 0, "", &a);

	if (r)
		return r < 0 ? CLI_EXIT_USAGE : 0;
	return ctl_run(&a, ctl_request("list", NULL), ctl_print_list);
}

int cmd_stats(int argc, char **argv)
{
	struct ctl_args a;
	int r = ctl_parse(argc, argv, 0, 1, "[DOMAIN]", &a);

	if (r)
		return r < 0 ? CLI_EXIT_USAGE : 0;
	return ctl_run(&a, ctl_request("stats", a.op[0]), ctl_print_stats);
}

/* p2m --map: where the picture goes, and whether writing it failed. */
static const char *ctl_map_path;
static int ctl_map_status;

static void ctl_write_map(const cJSON *reply)
{
	if (memmap_svg_file(ctl_map_path,
			    cJSON_GetObjectItemCaseSensitive(reply, "map")))
		ctl_map_status = 1;
}

/* Take --map FILE (or --map=FILE) out of argv; -1 after one line. */
static int ctl_map_option(int *argc, char **argv)
{
	int j = 0;

	for (int i = 0; i < *argc; i++) {
		if (!strcmp(argv[i], "--map")) {
			if (i + 1 == *argc || !*argv[i + 1]) {
				log_error("p2m: --map needs a FILE");
				return -1;
			}
			ctl_map_path = argv[++i];
		} else if (!strncmp(argv[i], "--map=", 6) && argv[i][6]) {
			ctl_map_path = argv[i] + 6;
		} else {
			argv[j++] = argv[i];
		}
	}
	*argc = j;
	return 0;
}

int cmd_p2m(int argc, char **argv)
{
	struct ctl_args a;
	int r = ctl_map_option(&argc, argv);

	if (!r)
		r = ctl_parse(argc, argv, ctl_map_path ? 0 : 1, 1,
			      ctl_map_path ? "[DOMAIN]" : "DOMAIN", &a);
	if (r)
		return r < 0 ? CLI_EXIT_USAGE : 0;
	if (!ctl_map_path)
		return ctl_run(&a, ctl_request("p2m", a.op[0]), ctl_print_p2m);
	r = ctl_run(&a, ctl_request("memmap", a.op[0]), ctl_write_map);
	return r ? r : ctl_map_status;
}

/* pause, unpause, destroy: the verb is the command. */
static int ctl_domain_verb(int argc, char **argv)
{
	struct ctl_args a;
	int r = ctl_parse(argc, argv, 1, 1, "DOMAIN", &a);

	if (r)
		return r < 0 ? CLI_EXIT_USAGE : 0;
	return ctl_run(&a, ctl_request(argv[0], a.op[0]), NULL);
}

int cmd_pause(int argc, char **argv)
{
	return ctl_domain_verb(argc, argv);
}

int cmd_unpause(int argc, char **argv)
{
	return ctl_domain_verb(argc, argv);
}

int cmd_destroy(int argc, char **argv)
{
	return ctl_domain_verb(argc, argv);
}

int cmd_reboot(int argc, char **argv)
{
	return ctl_domain_verb(argc, argv);
}

static void ctl_print_created(const cJSON *reply)
{
	const cJSON *d;

	cJSON_ArrayForEach(d,
			   cJSON_GetObjectItemCaseSensitive(reply, "domains"))
		printf("created %s (id %d)\n",
		       cJSON_GetStringValue(
			       cJSON_GetObjectItemCaseSensitive(d, "name")),
		       (int)cJSON_GetNumberValue(
			       cJSON_GetObjectItemCaseSensitive(d, "id")));
}

/* CONFIG (or - for standard input) as text, at most CREATE_MAX bytes. */
#define CREATE_MAX 60000
static char *ctl_read_config(const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char *buf = f ? malloc(CREATE_MAX + 1) : NULL;
	size_t n = buf ? fread(buf, 1, CREATE_MAX + 1, f) : 0;

	if (!f) {
		log_error("create: %s: %s", path, strerror(errno));
		return NULL;
	}
	if (f != stdin)
		fclose(f);
	if (!buf || n > CREATE_MAX) {
		log_error("create: %s: larger than %d bytes", path, CREATE_MAX);
		free(buf);
		return NULL;
	}
	buf[n] = 0;
	return buf;
}

int cmd_create(int argc, char **argv)
{
	struct ctl_args a;
	char cwd[4096], *text;
	cJSON *req;
	int r = ctl_parse(argc, argv, 1, 1, "CONFIG|-", &a);

	if (r)
		return r < 0 ? CLI_EXIT_USAGE : 0;
	if (!getcwd(cwd, sizeof(cwd))) {
		log_error("create: cannot name this directory: %s",
			  strerror(errno));
		return CLI_EXIT_USAGE;
	}
	text = ctl_read_config(a.op[0]);
	if (!text)
		return CLI_EXIT_USAGE;
	req = ctl_request("create", NULL);
	if (req &&
	    (!cJSON_AddStringToObject(req, "config", text) ||
	     !cJSON_AddStringToObject(
		     req, "name", strcmp(a.op[0], "-") ? a.op[0] : "stdin") ||
	     !cJSON_AddStringToObject(req, "cwd", cwd))) {
		cJSON_Delete(req);
		req = NULL;
	}
	free(text);
	r = ctl_run(&a, req, ctl_print_created);
	/* A configuration atoll refused is bad input, as for atoll run. */
	return r == 1 && a.bad_request ? CLI_EXIT_USAGE : r;
}

int cmd_mem_set(int argc, char **argv)
{
	struct ctl_args a;
	struct mem_sample before;
	uint64_t bytes;
	cJSON *req;
	int r = ctl_parse(argc, argv, 2, 2, "DOMAIN SIZE", &a);

	if (r)
		return r < 0 ? CLI_EXIT_USAGE : 0;
	if (!strcmp(a.op[1], "auto")) {
		/* Hand the target back to the memory manager. */
		if (a.wait) {
			log_error("mem-set: --wait needs a SIZE, not 'auto'");
			return CLI_EXIT_USAGE;
		}
		req = ctl_request("mem-set", a.op[0]);
		if (req && !cJSON_AddTrueToObject(req, "auto")) {
			cJSON_Delete(req);
			req = NULL;
		}
		return ctl_run(&a, req, NULL);
	}
	if (size_parse(a.op[1], &bytes)) {
		log_error("mem-set: SIZE '%s' is not a size (%s, e.g. 512, "
			  "2G)",
			  a.op[1], SIZE_HINT);
		return CLI_EXIT_USAGE;
	}
	if (bytes % 4096) {
		log_error("mem-set: SIZE '%s' is not a multiple of 4 KiB",
			  a.op[1]);
		return CLI_EXIT_USAGE;
	}
	/* Before the change: where progress starts from. */
	if (a.wait && (r = mem_wait_sample(a.socket, a.verb, a.op[0], &before)))
		return r;
	req = ctl_request("mem-set", a.op[0]);
	if (req && !cJSON_AddNumberToObject(req, "bytes", (double)bytes)) {
		cJSON_Delete(req);
		req = NULL;
	}
	r = ctl_run(&a, req, NULL);
	if (r || !a.wait)
		return r;
	return mem_wait_run(a.socket, a.verb, a.op[0], &before, a.wait_secs,
			    a.json ? stderr : stdout);
}
