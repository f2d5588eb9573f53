/* The control protocol's "sla" command (docs/control-api.md): change a
 * domain's reservation, limit, shares and target live, all at once or not
 * at all. */
#ifndef ATOLL_CONTROL_CONTROL_SLA_H
#define ATOLL_CONTROL_CONTROL_SLA_H

#include <cjson/cJSON.h>
#include <stddef.h>

struct host;

/* Fields the request may hold besides "cmd". */
#define CONTROL_SLA_FIELDS "domain", "reservation", "limit", "shares", "target"

/* Serve req (only CONTROL_SLA_FIELDS in it, checked by the caller): 0 with
 * the domain's new values added to reply, or -1 with *code (an error code
 * of the protocol) and msg[0..len) set. */
int control_sla(struct host *h, const cJSON *req, cJSON *reply,
		const char **code, char *msg, size_t len);

#endif
