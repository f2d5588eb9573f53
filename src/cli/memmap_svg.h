/* The picture of machine memory as an SVG file (memmap_svg.c), drawn from
 * the "memmap" reply (control_memmap.c). */
#ifndef ATOLL_CLI_MEMMAP_SVG_H
#define ATOLL_CLI_MEMMAP_SVG_H

#include <cjson/cJSON.h>
#include <stdio.h>

/* Write map as SVG to f.  0, or -EINVAL if map is not a memmap. */
int memmap_svg(FILE *f, const cJSON *map);
/* The same to the file at path, replaced whole (a new file beside it,
 * renamed over it).  0, or -errno after one line naming it. */
int memmap_svg_file(const char *path, const cJSON *map);

#endif
