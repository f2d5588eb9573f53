/* The control protocol: parse one request, check every field, call the host
 * API, build the reply.  A request is hostile (any program that can open
 * the socket writes it): unknown commands, unknown or duplicate fields and
 * values of the wrong type or range are refused with an error reply; no
 * request can make this code crash, leak or loop. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem/policy.h"
#include "mem/types.h"
#include "control/control_cmd.h"
#include "control/control_console.h"
#include "control/control_create.h"
#include "control/control_json.h"
#include "control/control_sla.h"
#include "vmm/host.h"

/* Error codes a client can act on; the message is for people. */
#define E_BAD_REQUEST "bad_request"
#define E_UNKNOWN_CMD "unknown_command"
#define E_NO_DOMAIN "no_such_domain"
#define E_STATE "invalid_state"
#define E_FAILED "failed"

/* Largest integer a JSON number (an IEEE double) carries exactly. */
#define JSON_INT_MAX (1ull << 53)

struct ctl_ctx {
	struct host *h;
	struct domain **attach; /* "console": NULL if it cannot stream */
	const cJSON *req;
	cJSON *reply;
	const char *code; /* NULL while the request succeeds */
	char msg[512];
};

struct ctl_cmd {
	const char *name;
	const char *const *fields; /* allowed besides "cmd", NULL-ended */
	int (*run)(struct ctl_ctx *c);
};

/* Record a failure; returns -1 so that handlers can `return ctl_fail()`. */
__attribute__((format(printf, 3, 4))) static int ctl_fail(struct ctl_ctx *c,
							  const char *code,
							  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->msg, sizeof(c->msg), fmt, ap);
	va_end(ap);
	c->code = code;
	return -1;
}

/* A string from the request that is safe to echo in a message: short and
 * printable ASCII only. */
static bool ctl_echoable(const char *s, size_t max)
{
	size_t n = 0;

	for (; *s; s++, n++)
		if (n >= max || *s < 0x21 || *s > 0x7e)
			return false;
	return n > 0;
}

/* Only the command's own fields, each once. */
static int ctl_check_fields(struct ctl_ctx *c, const struct ctl_cmd *cmd)
{
	const cJSON *it;
	const char *const *f;

	cJSON_ArrayForEach(it, c->req)
	{
		if (cJSON_GetObjectItemCaseSensitive(c->req, it->string) != it)
			return ctl_fail(c, E_BAD_REQUEST, "duplicate field");
		if (!strcmp(it->string, "cmd"))
			continue;
		for (f = cmd->fields; *f && strcmp(*f, it->string); f++)
			;
		if (*f)
			continue;
		if (ctl_echoable(it->string, 32))
			return ctl_fail(c, E_BAD_REQUEST,
					"unknown field '%s' for '%s'",
					it->string, cmd->name);
		return ctl_fail(c, E_BAD_REQUEST, "unknown field for '%s'",
				cmd->name);
	}
	return 0;
}

/* The "domain" field: a name, or an id as a string or number.  *out is
 * NULL when the field is absent and !required. */
static int ctl_domain(struct ctl_ctx *c, bool required, struct domain **out)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(c->req, "domain");
	char key[24];
	const char *name = key;
	double v;

	*out = NULL;
	if (!f)
		return required ? ctl_fail(c, E_BAD_REQUEST,
					   "missing field 'domain'")
				: 0;
	if (cJSON_IsString(f)) {
		name = f->valuestring;
		/* Not a name any domain can have: no such domain. */
		if (!ctl_echoable(name, DOMAIN_NAME_MAX))
			return ctl_fail(c, E_NO_DOMAIN,
					"no domain of that name (names have "
					"1-%d printable characters)",
					DOMAIN_NAME_MAX);
	} else if (cJSON_IsNumber(f)) {
		v = f->valuedouble;
		if (!(v >= 1 && v <= UINT16_MAX) || v != (double)(long)v)
			return ctl_fail(c, E_BAD_REQUEST,
					"'domain' id must be an integer "
					"in 1..%u",
					UINT16_MAX);
		snprintf(key, sizeof(key), "%ld", (long)v);
	} else {
		return ctl_fail(c, E_BAD_REQUEST,
				"'domain' must be a string or a number");
	}
	*out = host_find_domain(c->h, name);
	if (!*out)
		return ctl_fail(c, E_NO_DOMAIN, "no domain '%s'", name);
	return 0;
}

/* A required unsigned integer field, at most max. */
static int ctl_u64(struct ctl_ctx *c, const char *name, uint64_t max,
		   uint64_t *out)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(c->req, name);
	double v;

	if (!f)
		return ctl_fail(c, E_BAD_REQUEST, "missing field '%s'", name);
	v = cJSON_IsNumber(f) ? f->valuedouble : -1;
	if (!(v >= 0 && v <= (double)max) || v != (double)(uint64_t)v)
		return ctl_fail(c, E_BAD_REQUEST,
				"'%s' must be an integer in 0..%llu", name,
				(unsigned long long)max);
	*out = (uint64_t)v;
	return 0;
}

static int cmd_version(struct ctl_ctx *c)
{
	cJSON_AddNumberToObject(c->reply, "protocol", CONTROL_PROTOCOL);
	return 0;
}

/* Work on a domain under the host lock (host_for_each_domain holds it), so
 * that a domain whose guest ends meanwhile is not torn down under us.  The
 * pointers themselves stay valid: a destroyed domain is only unlinked, and
 * freed by host_destroy after the control server has stopped. */
typedef int (*visit_fn)(struct ctl_ctx *c, struct domain *d, void *arg);

struct visit {
	struct ctl_ctx *c;
	struct domain *only; /* NULL: every domain */
	visit_fn fn;
	void *arg;
	bool found;
	int err;
};

static void visit_one(struct domain *d, void *arg)
{
	struct visit *v = arg;

	if (v->err || (v->only && d != v->only))
		return;
	v->found = true;
	v->err = v->fn(v->c, d, v->arg);
}

/* fn on `only` (or every domain, in id order); its result. */
static int ctl_visit(struct ctl_ctx *c, struct domain *only, visit_fn fn,
		     void *arg)
{
	struct visit v = { c, only, fn, arg, false, 0 };

	host_for_each_domain(c->h, visit_one, &v);
	if (only && !v.found)
		return ctl_fail(c, E_NO_DOMAIN, "the domain is gone");
	return v.err;
}

static int add_list_entry(struct ctl_ctx *c, struct domain *d, void *arr)
{
	struct domain_stats st;

	domain_get_stats(d, &st);
	cJSON_AddItemToArray(arr, control_json_list_entry(&st));
	return 0;
}

static int add_domain_stats(struct ctl_ctx *c, struct domain *d, void *arr)
{
	struct domain_stats st;
	cJSON *o;

	domain_get_stats(d, &st);
	o = control_json_domain_stats(&st);
	if (o)
		cJSON_AddItemToObject(o, "io", control_json_io(st.id));
	cJSON_AddItemToArray(arr, o);
	return 0;
}

/* "domains": one object per domain (or the one named) made by fn. */
static int ctl_domain_array(struct ctl_ctx *c, visit_fn fn)
{
	struct domain *d;
	cJSON *arr;

	if (ctl_domain(c, false, &d))
		return -1;
	arr = cJSON_AddArrayToObject(c->reply, "domains");
	if (!arr)
		return ctl_fail(c, E_FAILED, "out of memory");
	return ctl_visit(c, d, fn, arr);
}

static int cmd_list(struct ctl_ctx *c)
{
	return ctl_domain_array(c, add_list_entry);
}

static int cmd_stats(struct ctl_ctx *c)
{
	struct mem_host_stats hs;

	host_get_mem_stats(c->h, &hs);
	cJSON_AddItemToObject(c->reply, "host", control_json_host(&hs));
	return ctl_domain_array(c, add_domain_stats);
}

/* The domain's memory and stats, or a failure if it has none any more. */
static struct dom_mem *ctl_mem(struct ctl_ctx *c, struct domain *d,
			       struct domain_stats *st)
{
	struct dom_mem *dm;

	domain_get_stats(d, st);
	dm = domain_mem(d);
	if (!dm)
		ctl_fail(c, E_STATE, "domain '%s' holds no memory (%s)",
			 st->name, domain_state_name(st->state));
	return dm;
}

static int add_p2m(struct ctl_ctx *c, struct domain *d, void *unused)
{
	struct domain_stats st;
	struct dom_mem *dm = ctl_mem(c, d, &st);

	if (!dm)
		return -1;
	cJSON_AddNumberToObject(c->reply, "id", st.id);
	cJSON_AddStringToObject(c->reply, "name", st.name);
	if (control_json_p2m(c->reply, dm))
		return ctl_fail(c, E_FAILED, "out of memory");
	cJSON_AddItemToObject(c->reply, "summary", control_json_mem(&st.mem));
	return 0;
}

static int cmd_p2m(struct ctl_ctx *c)
{
	struct domain *d;

	if (ctl_domain(c, true, &d))
		return -1;
	return ctl_visit(c, d, add_p2m, NULL);
}

static int get_stats(struct ctl_ctx *c, struct domain *d, void *st)
{
	domain_get_stats(d, st);
	return 0;
}

/* "memmap": the picture of machine memory (every domain's guest view, or
 * the named one's). */
static int cmd_memmap(struct ctl_ctx *c)
{
	struct domain_stats st = { 0 };
	struct domain *d;
	cJSON *map;

	if (ctl_domain(c, false, &d) || (d && ctl_visit(c, d, get_stats, &st)))
		return -1;
	map = control_json_memmap(host_mem(c->h), d ? st.id : 0);
	if (!map)
		return ctl_fail(c, E_FAILED, "out of memory");
	cJSON_AddItemToObject(c->reply, "map", map);
	return 0;
}

/* pause, unpause and destroy: one call on a named domain (they take the
 * host lock themselves). */
static int ctl_domain_op(struct ctl_ctx *c, int (*op)(struct domain *d),
			 enum domain_state want)
{
	struct domain *d;
	struct domain_stats st;
	int r;

	if (ctl_domain(c, true, &d) || ctl_visit(c, d, get_stats, &st))
		return -1;
	r = op(d);
	if (r == -EINVAL)
		return ctl_fail(c, E_STATE, "domain '%s' is %s, not %s",
				st.name, domain_state_name(st.state),
				domain_state_name(want));
	if (r < 0)
		return ctl_fail(c, E_FAILED, "domain '%s': %s", st.name,
				strerror(-r));
	return 0;
}

static int cmd_pause(struct ctl_ctx *c)
{
	return ctl_domain_op(c, domain_pause, DOMAIN_RUNNING);
}

static int cmd_unpause(struct ctl_ctx *c)
{
	return ctl_domain_op(c, domain_unpause, DOMAIN_PAUSED);
}

static int cmd_destroy(struct ctl_ctx *c)
{
	return ctl_domain_op(c, domain_destroy, DOMAIN_RUNNING);
}

/* arg: frames, or POLICY_TARGET_AUTO. */
static int set_target(struct ctl_ctx *c, struct domain *d, void *arg)
{
	uint64_t frames = *(uint64_t *)arg;
	struct domain_stats st;
	struct dom_mem *dm = ctl_mem(c, d, &st);
	char why[160];
	int r;

	if (!dm)
		return -1;
	r = dom_mem_set_user_target(dm, frames, why, sizeof(why));
	if (r < 0)
		return ctl_fail(c, E_FAILED, "domain '%s': %s", st.name,
				why[0] ? why : strerror(-r));
	return 0;
}

/* {"bytes": N} sets a target that holds until changed; {"auto": true}
 * hands it back to the manager. */
static int cmd_mem_set(struct ctl_ctx *c)
{
	const cJSON *aut = cJSON_GetObjectItemCaseSensitive(c->req, "auto");
	struct domain *d;
	uint64_t bytes = 0, frames = POLICY_TARGET_AUTO;

	if (ctl_domain(c, true, &d))
		return -1;
	if (aut) {
		if (!cJSON_IsTrue(aut) ||
		    cJSON_GetObjectItemCaseSensitive(c->req, "bytes"))
			return ctl_fail(c, E_BAD_REQUEST,
					"'auto' must be true, without "
					"'bytes'");
	} else {
		if (ctl_u64(c, "bytes", JSON_INT_MAX, &bytes))
			return -1;
		if (bytes % PAGE_SIZE)
			return ctl_fail(c, E_BAD_REQUEST,
					"'bytes' must be a multiple of %u",
					PAGE_SIZE);
		frames = bytes >> PAGE_SHIFT;
	}
	return ctl_visit(c, d, set_target, &frames);
}

/* "share-rate": the sharing scanner's pages per second (0 stops it). */
static int cmd_share_rate(struct ctl_ctx *c)
{
	uint64_t rate = 0;

	if (ctl_u64(c, "rate", SHARE_RATE_MAX, &rate))
		return -1;
	if (host_set_share_rate(c->h, rate))
		return ctl_fail(c, E_FAILED,
				"cannot start the sharing scanner");
	return 0;
}

static int check_console(struct ctl_ctx *c, struct domain *d, void *unused)
{
	struct domain_stats st;
	int r = control_console_check(d);

	if (!r)
		return 0;
	domain_get_stats(d, &st);
	if (r == -EBUSY)
		return ctl_fail(c, E_STATE,
				"domain '%s': a console client is attached "
				"already",
				st.name);
	return ctl_fail(c, E_STATE, "domain '%s' has no console (%s)", st.name,
			domain_state_name(st.state));
}

/* The connection becomes the domain's console once the reply is out. */
static int cmd_console(struct ctl_ctx *c)
{
	struct domain *d;

	if (!c->attach)
		return ctl_fail(c, E_BAD_REQUEST,
				"'console' needs a control socket connection");
	if (ctl_domain(c, true, &d) || ctl_visit(c, d, check_console, NULL))
		return -1;
	*c->attach = d;
	return 0;
}

static int cmd_reboot(struct ctl_ctx *c)
{
	return ctl_domain_op(c, domain_reset, DOMAIN_RUNNING);
}

/* Press the power key; destroy the domain if it still runs `timeout`
 * seconds later (default CONTROL_SHUTDOWN_TIMEOUT_S, 0: never). */
static int cmd_shutdown(struct ctl_ctx *c)
{
	struct domain *d;
	struct domain_stats st;
	uint64_t timeout = CONTROL_SHUTDOWN_TIMEOUT_S;
	bool held;
	int r;

	if (cJSON_GetObjectItemCaseSensitive(c->req, "timeout") &&
	    ctl_u64(c, "timeout", CONTROL_SHUTDOWN_TIMEOUT_MAX_S, &timeout))
		return -1;
	if (ctl_domain(c, true, &d) || ctl_visit(c, d, get_stats, &st))
		return -1;
	r = domain_shutdown(d, (unsigned)timeout, &held);
	if (r == -EINVAL)
		return ctl_fail(c, E_STATE, "domain '%s' is %s, not running",
				st.name, domain_state_name(st.state));
	if (r < 0)
		return ctl_fail(c, E_FAILED, "domain '%s': %s", st.name,
				strerror(-r));
	/* Which domain: --wait follows the id (a restart gets a new one). */
	cJSON_AddNumberToObject(c->reply, "id", st.id);
	cJSON_AddStringToObject(c->reply, "name", st.name);
	cJSON_AddNumberToObject(c->reply, "timeout", (double)timeout);
	cJSON_AddBoolToObject(c->reply, "key_held", held);
	return 0;
}

/* "create": control_create.c. */
static int cmd_create(struct ctl_ctx *c)
{
	return control_create(c->h, c->req, c->reply, &c->code, c->msg,
			      sizeof(c->msg));
}

/* "sla": control_sla.c. */
static int cmd_sla(struct ctl_ctx *c)
{
	return control_sla(c->h, c->req, c->reply, &c->code, c->msg,
			   sizeof(c->msg));
}

static const char *const no_fields[] = { NULL };
static const char *const dom_field[] = { "domain", NULL };
static const char *const mem_set_fields[] = { "domain", "bytes", "auto", NULL };
static const char *const sla_fields[] = { CONTROL_SLA_FIELDS, NULL };
static const char *const rate_fields[] = { "rate", NULL };
static const char *const create_fields[] = { CONTROL_CREATE_FIELDS, NULL };
static const char *const shutdown_fields[] = { "domain", "timeout", NULL };

static const struct ctl_cmd ctl_cmds[] = {
	{ "version", no_fields, cmd_version },
	{ "list", dom_field, cmd_list },
	{ "stats", dom_field, cmd_stats },
	{ "p2m", dom_field, cmd_p2m },
	{ "memmap", dom_field, cmd_memmap },
	{ "pause", dom_field, cmd_pause },
	{ "unpause", dom_field, cmd_unpause },
	{ "destroy", dom_field, cmd_destroy },
	{ "mem-set", mem_set_fields, cmd_mem_set },
	{ "sla", sla_fields, cmd_sla },
	{ "console", dom_field, cmd_console },
	{ "share-rate", rate_fields, cmd_share_rate },
	{ "create", create_fields, cmd_create },
	{ "reboot", dom_field, cmd_reboot },
	{ "shutdown", shutdown_fields, cmd_shutdown },
};

/* Parse, check and run the request; failures are left in c. */
static void ctl_dispatch(struct ctl_ctx *c, const char *req, size_t len)
{
	const cJSON *cmd;
	const struct ctl_cmd *k;
	const char *end = NULL;
	size_t i;

	if (len > CONTROL_REQUEST_MAX) {
		ctl_fail(c, E_BAD_REQUEST, "request larger than %d bytes",
			 CONTROL_REQUEST_MAX);
		return;
	}
	c->req = cJSON_ParseWithLengthOpts(req, len, &end, false);
	while (c->req && end < req + len && strchr(" \t\r\n", *end) && *end)
		end++;
	if (!c->req || !cJSON_IsObject(c->req) || end != req + len) {
		ctl_fail(c, E_BAD_REQUEST, "request is not a JSON object");
		return;
	}
	cmd = cJSON_GetObjectItemCaseSensitive(c->req, "cmd");
	if (!cJSON_IsString(cmd)) {
		ctl_fail(c, E_BAD_REQUEST, "missing string field 'cmd'");
		return;
	}
	for (i = 0; i < sizeof(ctl_cmds) / sizeof(ctl_cmds[0]); i++)
		if (!strcmp(ctl_cmds[i].name, cmd->valuestring))
			break;
	if (i == sizeof(ctl_cmds) / sizeof(ctl_cmds[0])) {
		if (ctl_echoable(cmd->valuestring, 32))
			ctl_fail(c, E_UNKNOWN_CMD, "unknown command '%s'",
				 cmd->valuestring);
		else
			ctl_fail(c, E_UNKNOWN_CMD, "unknown command");
		return;
	}
	k = &ctl_cmds[i];
	if (!ctl_check_fields(c, k))
		k->run(c);
}

/* The reply as one line of text. */
static char *ctl_print(cJSON *reply)
{
	char *s = cJSON_PrintUnformatted(reply);
	size_t n;
	char *line;

	if (!s)
		return NULL;
	n = strlen(s);
	line = realloc(s, n + 2);
	if (!line) {
		free(s);
		return NULL;
	}
	line[n] = '\n';
	line[n + 1] = 0;
	return line;
}

char *control_handle(struct host *h, const char *req, size_t len)
{
	return control_handle_conn(h, req, len, NULL);
}

char *control_handle_conn(struct host *h, const char *req, size_t len,
			  struct domain **attach)
{
	struct ctl_ctx c = { .h = h, .attach = attach };
	char *out = NULL;

	/* "ok" first: replies read better that way. */
	c.reply = cJSON_CreateObject();
	if (!c.reply || !cJSON_AddTrueToObject(c.reply, "ok") ||
	    !cJSON_AddNumberToObject(c.reply, "schema", CONTROL_SCHEMA))
		goto out;
	ctl_dispatch(&c, req, len);
	if (c.code && attach)
		*attach = NULL;
	if (c.code) {
		/* A failed handler may have half-filled the reply. */
		cJSON_Delete(c.reply);
		c.reply = cJSON_CreateObject();
		if (!c.reply)
			goto out;
		cJSON_AddFalseToObject(c.reply, "ok");
		cJSON_AddNumberToObject(c.reply, "schema", CONTROL_SCHEMA);
		cJSON_AddStringToObject(c.reply, "error", c.msg);
		cJSON_AddStringToObject(c.reply, "code", c.code);
	}
	out = ctl_print(c.reply);
out:
	cJSON_Delete((cJSON *)c.req);
	cJSON_Delete(c.reply);
	return out;
}
