/* --wait for the verbs that change a domain's memory target (mem-set, sla):
 * after atoll accepted the change, follow the domain's `stats` until it
 * holds its target, showing progress (progress.h).  docs/control-api.md
 * gives the rule for "reached". */
#ifndef ATOLL_CLI_MEM_WAIT_H
#define ATOLL_CLI_MEM_WAIT_H

#include <stdio.h>

#define MEM_WAIT_DEFAULT_S 30
#define MEM_WAIT_MAX_S 86400

/* The domain's memory as `stats` shows it, in frames. */
struct mem_sample {
	double frame_size; /* bytes */
	double populated, target, maxmem, ballooned, swapped;
	double by_balloon, by_swap; /* reclaimed so far, cumulative */
	char state[16];
};

/* If arg is "--wait" or "--wait=SECS": 1 and *secs set (SECS whole
 * seconds, 0..MEM_WAIT_MAX_S; MEM_WAIT_DEFAULT_S without it).  0 if arg
 * is something else; -1 after one line naming verb and the flag. */
int mem_wait_option(const char *verb, const char *arg, unsigned *secs);

/* Sample domain dom of the atoll at socket.  0; CLI_EXIT_USAGE after one
 * line (socket not atoll's, no such domain); 1 after one line for any
 * other refusal. */
int mem_wait_sample(const char *socket, const char *verb, const char *dom,
		    struct mem_sample *s);

/* Follow dom from before (sampled before the change) until it reaches
 * its target or secs pass, showing progress on out; one final line on out
 * either way.  0 when reached; 1 after one more line on stderr when the
 * time ran out or the domain ended or went away. */
int mem_wait_run(const char *socket, const char *verb, const char *dom,
		 const struct mem_sample *before, unsigned secs, FILE *out);

#endif
