/* The "sla" command: read and check every field of the request, then let
 * the memory manager apply the change as a whole (dom_mem_set_sla).  Any
 * value it refuses leaves the domain as it was. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mem/policy.h"
#include "mem/types.h"
#include "control/control_sla.h"
#include "vmm/host.h"

#define JSON_INT_MAX (1ull << 53) /* exact in a JSON number */

struct sla_req {
	const cJSON *req;
	const char **code;
	char *msg;
	size_t len;
	struct domain *d; /* the one named */
	struct dom_mem_sla sla;
	struct dom_mem_stats after;
	bool found;
	int err;
};

__attribute__((format(printf, 3, 4))) static int sla_fail(struct sla_req *r,
							  const char *code,
							  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->msg, r->len, fmt, ap);
	va_end(ap);
	*r->code = code;
	return -1;
}

/* An optional integer field in 0..max: 1 if present, 0 if absent, -1. */
static int sla_number(struct sla_req *r, const char *name, uint64_t max,
		      uint64_t *out)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(r->req, name);
	double v;

	if (!f)
		return 0;
	v = cJSON_IsNumber(f) ? f->valuedouble : -1;
	if (!(v >= 0 && v <= (double)max) || v != (double)(uint64_t)v)
		return sla_fail(r, "bad_request",
				"'%s' must be an integer in 0..%llu", name,
				(unsigned long long)max);
	*out = (uint64_t)v;
	return 1;
}

/* A size field in bytes, a multiple of the page size, into frames. */
static int sla_size(struct sla_req *r, const char *name, bool *has,
		    uint64_t *frames)
{
	uint64_t bytes = 0;
	int got = sla_number(r, name, JSON_INT_MAX, &bytes);

	if (got <= 0)
		return got;
	if (bytes % PAGE_SIZE)
		return sla_fail(r, "bad_request",
				"'%s' must be a multiple of %u bytes", name,
				PAGE_SIZE);
	*has = true;
	*frames = bytes >> PAGE_SHIFT;
	return 0;
}

static int sla_fields(struct sla_req *r)
{
	struct dom_mem_sla *s = &r->sla;
	uint64_t shares = 0;
	int got;

	if (sla_size(r, "reservation", &s->has_reservation, &s->reservation) ||
	    sla_size(r, "limit", &s->has_limit, &s->limit) ||
	    sla_size(r, "target", &s->has_target, &s->target))
		return -1;
	got = sla_number(r, "shares", JSON_INT_MAX, &shares);
	if (got < 0)
		return -1;
	if (got && (shares < 1 || shares > POLICY_SHARES_MAX))
		return sla_fail(r, "bad_request",
				"'shares' must be from 1 to %u",
				POLICY_SHARES_MAX);
	s->has_shares = got;
	s->shares = (uint32_t)shares;
	if (!s->has_reservation && !s->has_limit && !s->has_target &&
	    !s->has_shares)
		return sla_fail(r, "bad_request",
				"nothing to change (reservation, limit, "
				"shares or target)");
	return 0;
}

/* The "domain" field: a name, or an id as a string or number. */
static int sla_domain(struct host *h, struct sla_req *r)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(r->req, "domain");
	char key[DOMAIN_NAME_MAX + 1];

	if (cJSON_IsString(f)) {
		snprintf(key, sizeof(key), "%s", f->valuestring);
		if (strlen(f->valuestring) > DOMAIN_NAME_MAX)
			key[0] = 0;
	} else if (cJSON_IsNumber(f) && f->valuedouble >= 1 &&
		   f->valuedouble <= UINT16_MAX &&
		   f->valuedouble == (double)(long)f->valuedouble) {
		snprintf(key, sizeof(key), "%ld", (long)f->valuedouble);
	} else {
		return sla_fail(r, "bad_request",
				"'domain' must be a name or an id");
	}
	r->d = key[0] ? host_find_domain(h, key) : NULL;
	if (!r->d)
		return sla_fail(r, "no_such_domain", "no such domain");
	return 0;
}

/* Under the host lock (host_for_each_domain): the domain cannot be torn
 * down meanwhile. */
static void sla_apply(struct domain *d, void *arg)
{
	struct sla_req *r = arg;
	struct dom_mem *dm;
	int err;

	if (d != r->d || r->found)
		return;
	r->found = true;
	dm = domain_mem(d);
	if (!dm) {
		r->err = sla_fail(r, "invalid_state",
				  "the domain holds no memory");
		return;
	}
	err = dom_mem_set_sla(dm, &r->sla, r->msg, r->len);
	if (err) {
		*r->code = "bad_request";
		r->err = -1;
		return;
	}
	dom_mem_get_stats(dm, &r->after);
}

int control_sla(struct host *h, const cJSON *req, cJSON *reply,
		const char **code, char *msg, size_t len)
{
	struct sla_req r = { .req = req, .code = code, .msg = msg, .len = len };

	if (sla_domain(h, &r) || sla_fields(&r))
		return -1;
	host_for_each_domain(h, sla_apply, &r);
	if (!r.found)
		return sla_fail(&r, "no_such_domain", "the domain is gone");
	if (r.err)
		return -1;
	cJSON_AddNumberToObject(reply, "reservation",
				(double)(r.after.reservation << PAGE_SHIFT));
	cJSON_AddNumberToObject(reply, "limit",
				(double)(r.after.limit << PAGE_SHIFT));
	cJSON_AddNumberToObject(reply, "shares", (double)r.after.shares);
	cJSON_AddNumberToObject(reply, "target",
				(double)(r.after.target << PAGE_SHIFT));
	return 0;
}
