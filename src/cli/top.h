/* atoll top (top.c draws a frame; top_screen.c is the ncurses view). */
#ifndef ATOLL_CLI_TOP_H
#define ATOLL_CLI_TOP_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>

#define TOP_MAX_DOMAINS 64

enum top_sort {
	TOP_SORT_ID,
	TOP_SORT_CPU,
	TOP_SORT_MEM,
	TOP_SORT_IO,
	TOP_SORT_NAME
};

struct top_prev {
	double id, instret, cpu_ns, io_req, io_ntf;
};

/* One domain in a frame. */
struct top_row {
	const cJSON *d;
	struct top_prev now;
	bool rates; /* from the second frame on */
	double mips, cpu, io, ev, held;
};

struct top {
	const char *socket;
	bool batch;
	double delay;
	unsigned long frames; /* 0: no limit */
	enum top_sort sort;
	bool reverse;
	struct top_prev prev[TOP_MAX_DOMAINS];
	unsigned nprev;
	double t_prev; /* seconds, 0 before the first frame */
};

/* Print one frame of the stats reply to f (rows in t's order) and keep
 * its counters for the next frame's rates. */
void top_frame(struct top *t, const cJSON *reply, FILE *f);

/* The ncurses view until q, atoll going away or -n frames: exit status. */
int top_screen(struct top *t, cJSON *req);

#endif
