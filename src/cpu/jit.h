/* The translating engine for x86-64 hosts: hot code becomes host machine
 * code (jit_translate.c, emitted by jit_x86.h), kept in a per-hart code
 * cache and run by the dispatcher (jit_cache.c).  The interpreter stays the
 * reference: whatever the translator does not translate it runs, one
 * instruction at a time, so both engines have one set of semantics.
 * docs/architecture.md "The translating engine" describes the design. */
#ifndef ATOLL_CPU_JIT_H
#define ATOLL_CPU_JIT_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/hart.h"

/* AUTO (0, what a zeroed config says): CPU_ENGINE_DEFAULT. */
enum cpu_engine { CPU_ENGINE_AUTO = 0, CPU_ENGINE_INTERP, CPU_ENGINE_JIT };

/* The engine used when none is named: the translator where there is one
 * (docs/jit.md, "Default engine"). */
#if defined(__x86_64__)
#define CPU_ENGINE_DEFAULT CPU_ENGINE_JIT
#else
#define CPU_ENGINE_DEFAULT CPU_ENGINE_INTERP
#endif

/* Parse "jit" / "interp" into *e.  Returns 0 or -EINVAL. */
int cpu_engine_parse(const char *s, enum cpu_engine *e);
/* True if this host can run the translating engine (x86-64). */
bool jit_supported(void);

/* Give hart h the engine e (after hart_init).  The translator's code cache
 * is a memfd mapped twice (writable, executable).  Returns 0, -ENOTSUP
 * (not an x86-64 host), or -errno of the allocation or mapping. */
int hart_set_engine(struct hart *h, enum cpu_engine e);
/* Free the translator's state (hart_destroy calls it). */
void jit_free(struct hart *h);

/* Translation statistics for --stats. */
struct jit_stats {
	uint64_t blocks; /* blocks translated */
	uint64_t insns; /* guest instructions translated */
	uint64_t translate_ns; /* time spent translating */
	uint64_t code_bytes; /* code cache in use now */
	uint64_t code_size; /* code cache capacity */
	uint64_t flushes; /* whole-cache flushes (full) */
	uint64_t lookups, hits; /* dispatcher lookups, found translated */
	uint64_t refills; /* of the hits, those the table had lost (map) */
	uint64_t cold; /* lookups of code not translated yet (interpreted) */
	uint64_t chains; /* direct edges patched */
	uint64_t steps; /* instructions the interpreter ran */
	/* Translations of a pc translated before since the last flush. */
	uint64_t retrans;
};
/* False if h runs the interpreter. */
bool jit_get_stats(const struct hart *h, struct jit_stats *s);

#endif
