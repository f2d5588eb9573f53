/* Execution engine: the per-hart cache of pre-decoded pages and the run loop. */
#ifndef ATOLL_CPU_EXEC_H
#define ATOLL_CPU_EXEC_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/hart.h"
#include "cpu/insn.h"

/* Instructions between two looks outside the loop: a few microseconds, so
 * requests and interrupts from other threads are seen quickly, for ~1% of
 * the time.  Without tail calls (sanitizer builds) it is also the depth of
 * the dispatch chain: smaller there. */
#ifdef __SANITIZE_ADDRESS__
#define EXEC_BUDGET 1024
#else
#define EXEC_BUDGET 4096
#endif

struct code_cache *code_cache_new(void);
void code_cache_free(struct code_cache *cc);

/* Pre-decoded page for gpa_page, or NULL if the hart has none. */
struct code_page *code_cache_find(struct hart *h, uint64_t gpa_page);
/* Find or create it (host = the page's bytes). */
struct code_page *code_cache_get(struct hart *h, uint64_t gpa_page,
				 uint8_t *host);
/* Drop the page's decoded code (a store hit it).  Safe to call while a slot
 * of that page is executing: freeing is deferred until the loop exits. */
void code_cache_invalidate(struct hart *h, uint64_t gpa_page);
/* fence.i, or REQ_ICACHE_FLUSH. */
void code_cache_flush(struct hart *h);

#endif
