/* The atoll command: a table of verbs (main.c), one file per verb. */
#ifndef ATOLL_CLI_CLI_H
#define ATOLL_CLI_CLI_H

#include <stdint.h>

#include "cpu/jit.h"

#define ATOLL_VERSION "0.1.0"

/* Exit status for bad usage: bad flag, bad value, unusable file. */
#define CLI_EXIT_USAGE 2

/* Verbs: argv[0] is the verb itself.  Return the process exit status. */
int cmd_boot(int argc, char **argv);
extern const char boot_usage[];
int cmd_run(int argc, char **argv);
extern const char run_usage[];
int cmd_top(int argc, char **argv); /* top.c */
extern const char top_usage[];
int cmd_console(int argc, char **argv); /* console.c */
int cmd_sla(int argc, char **argv); /* sla.c */
int cmd_share_rate(int argc, char **argv); /* share_rate.c */
extern const char sla_usage[];
extern const char console_usage[];

/* Parse a decimal unsigned integer in [min, max].  Returns 0 or -EINVAL. */
int parse_uint(const char *s, unsigned min, unsigned max, unsigned *out);

/* --engine VALUE: jit or interp into *e; -EINVAL after one diagnostic
 * (also for jit on a host that cannot translate). */
int cli_engine(const char *v, enum cpu_engine *e);

/* The socket a server verb (run, boot) listens on: explicit (the config's
 * control_socket) if given, else $ATOLL_SOCKET, else NULL for the default
 * (control_bind). */
const char *cli_socket_path(const char *explicit_path);

#endif
