/* Progress of a long client-side wait (progress.c): a quantity moving from
 * one value towards another, shown on a terminal as one line redrawn in
 * place (a bar, the value, its rate, an extra note), and otherwise as a
 * plain line every second, so logs stay readable.  One final line ends it
 * either way. */
#ifndef ATOLL_CLI_PROGRESS_H
#define ATOLL_CLI_PROGRESS_H

#include <stdbool.h>
#include <stdio.h>

struct progress {
	FILE *out;
	bool tty; /* redraw in place, else plain lines */
	const char *what; /* names the quantity: "web: held" */
	const char *unit; /* of the values: "MiB" */
	double from, to; /* start value and goal */
	double t0; /* monotonic seconds at progress_start */
	double t_line; /* last plain line, seconds since t0 */
	bool drawn; /* a redrawn line is on the terminal */
};

/* Monotonic clock, seconds. */
double progress_now(void);

/* Start showing what (kept by reference) going from `from` to `to`. */
void progress_start(struct progress *p, FILE *out, const char *what,
		    const char *unit, double from, double to);

/* Show the current value cur and a note (may be NULL or ""): redrawn on
 * a terminal at every call, else a plain line at most once a second. */
void progress_show(struct progress *p, double cur, const char *note);

/* Seconds since progress_start. */
double progress_elapsed(const struct progress *p);

/* End: clear the redrawn line (a terminal) and print line, a whole line
 * without its newline.  line NULL (something went wrong and was said on
 * stderr): leave the last drawn line as it is and end it. */
void progress_end(struct progress *p, const char *line);

#endif
