/* `atoll run --map FILE.svg`: the picture of machine memory at the end of
 * the run (run_map.c). */
#ifndef ATOLL_CLI_RUN_MAP_H
#define ATOLL_CLI_RUN_MAP_H

#include "vmm/host.h"

struct run_map;

/* Take a picture of h every period_ms on a thread of its own, keeping
 * the last one in which domains held memory.  0 or -errno. */
int run_map_start(struct host *h, const char *path, unsigned period_ms,
		  struct run_map **out);
/* Stop; write the picture kept to the path (one line if that fails:
 * returns -errno); free m (NULL: nothing, 0).  Call before
 * host_destroy. */
int run_map_finish(struct run_map *m);

#endif
