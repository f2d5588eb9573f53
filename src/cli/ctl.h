/* The verbs that talk to a running atoll through its control socket
 * (docs/control-api.md): list, p2m, stats, pause, unpause, destroy,
 * mem-set. */
#ifndef ATOLL_CLI_CTL_H
#define ATOLL_CLI_CTL_H

#include <cjson/cJSON.h>

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

/* Human-readable forms of the replies (ctl_print.c). */
void ctl_print_list(const cJSON *reply);
void ctl_print_stats(const cJSON *reply);
void ctl_print_p2m(const cJSON *reply);

#endif
