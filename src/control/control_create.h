/* The control protocol's "create" command (docs/control-api.md): add the
 * domains of a configuration text to the running host, all or nothing. */
#ifndef ATOLL_CONTROL_CONTROL_CREATE_H
#define ATOLL_CONTROL_CONTROL_CREATE_H

#include <cjson/cJSON.h>
#include <stddef.h>

struct host;

/* Fields the request may hold besides "cmd". */
#define CONTROL_CREATE_FIELDS "config", "name", "cwd"

/* Serve req: 0 with "domains" (id, name of each) added to reply, or -1
 * with *code and msg[0..len) set; then nothing was created. */
int control_create(struct host *h, const cJSON *req, cJSON *reply,
		   const char **code, char *msg, size_t len);

#endif
