/* PV console: two byte rings in one shared page (Xen xencons_interface,
 * byte-compatible).  `out` carries guest output (guest produces out_prod,
 * atoll consumes out_cons), `in` carries input the other way.  Indices run
 * free; a byte lives at index & (size - 1). */
#ifndef ATOLL_ABI_CONSOLE_H
#define ATOLL_ABI_CONSOLE_H

#include <stdint.h>

typedef uint32_t xencons_ring_idx_t;

struct xencons_interface {
	char in[1024];
	char out[2048];
	xencons_ring_idx_t in_cons, in_prod;
	xencons_ring_idx_t out_cons, out_prod;
};

#define XENCONS_IDX(idx, ring) ((idx) & (sizeof(ring) - 1))

#endif
