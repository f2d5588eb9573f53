/* The "create" command: the configuration text the client sent is checked
 * as `atoll run` checks a file ([domain NAME] sections only, paths relative
 * to the client's directory), then every domain is built and started, or
 * none is.  The parsed configuration stays with the host: its domains
 * point to its strings, and a restart reuses them. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem/types.h"
#include "control/config.h"
#include "control/control_create.h"
#include "vmm/host.h"

static void create_free(void *p)
{
	config_free(p);
	free(p);
}

/* A string field, or NULL; *bad when it is there but not a string. */
static const char *create_str(const cJSON *req, const char *name, bool *bad)
{
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(req, name);

	if (f && !cJSON_IsString(f))
		*bad = true;
	return f ? cJSON_GetStringValue(f) : NULL;
}

int control_create(struct host *h, const cJSON *req, cJSON *reply,
		   const char **code, char *msg, size_t len)
{
	struct domain *out[CONFIG_MAX_DOMAINS];
	struct mem_host_stats hs;
	struct run_config *rc;
	bool bad = false;
	const char *text = create_str(req, "config", &bad);
	const char *name = create_str(req, "name", &bad);
	const char *cwd = create_str(req, "cwd", &bad);
	cJSON *arr;

	if (bad || !text) {
		*code = "bad_request";
		snprintf(msg, len,
			 "'config' (a string) is required; 'name' and "
			 "'cwd' are strings");
		return -1;
	}
	if (cwd && cwd[0] != '/') {
		*code = "bad_request";
		snprintf(msg, len, "'cwd' must be an absolute path");
		return -1;
	}
	rc = calloc(1, sizeof(*rc));
	if (!rc) {
		*code = "failed";
		snprintf(msg, len, "out of memory");
		return -1;
	}
	host_get_mem_stats(h, &hs);
	if (config_parse_create(rc, name ? name : "config", text, strlen(text),
				cwd, hs.frames << PAGE_SHIFT, msg, len)) {
		*code = "bad_request";
		free(rc);
		return -1;
	}
	if (host_create_domains(h, rc->dom, rc->nr_domains, out, msg, len) ||
	    host_keep(h, rc, create_free)) {
		*code = "failed";
		create_free(rc);
		return -1;
	}
	*code = NULL;
	arr = cJSON_AddArrayToObject(reply, "domains");
	for (unsigned i = 0; arr && i < rc->nr_domains; i++) {
		struct domain_stats st;
		cJSON *o = cJSON_CreateObject();

		domain_get_stats(out[i], &st);
		cJSON_AddNumberToObject(o, "id", st.id);
		cJSON_AddStringToObject(o, "name", st.name);
		cJSON_AddItemToArray(arr, o);
	}
	return 0;
}
