/* JSON objects of the control protocol's replies (docs/control-api.md),
 * built from the host's statistics.  Each returns a new cJSON object, or
 * NULL when out of memory (cJSON then drops it from its parent). */
#ifndef ATOLL_CONTROL_CONTROL_JSON_H
#define ATOLL_CONTROL_CONTROL_JSON_H

#include <cjson/cJSON.h>

#include "vmm/host.h"

/* A P2M text longer than this is cut at a line end ("truncated": true). */
#define CONTROL_P2M_TEXT_MAX (16u << 20)
/* At most this many objects in "ranges" ("ranges_truncated": true). */
#define CONTROL_P2M_RANGES_MAX 65536u

cJSON *control_json_list_entry(const struct domain_stats *st);
cJSON *control_json_domain_stats(const struct domain_stats *st);
cJSON *control_json_mem(const struct dom_mem_stats *m);
cJSON *control_json_host(const struct mem_host_stats *hs);
/* "io": one object per connected PV device of the domain (type, index and
 * its struct pvdev_stats counters). */
cJSON *control_json_io(domid_t domid);
/* Add "p2m" (dom_mem_print_p2m's text) and "truncated", "ranges" (one
 * object per range), "ranges_truncated" and "counts" to obj: 0 or
 * -ENOMEM. */
int control_json_p2m(cJSON *obj, struct dom_mem *dm);
/* The picture of machine memory as runs (control_memmap.c, the "memmap"
 * reply and the live page's /memmap.json; docs/working-set.md): only
 * domain `only`'s guest view (0: every domain's).  NULL if out of
 * memory. */
cJSON *control_json_memmap(struct mem_host *mh, domid_t only);

#endif
