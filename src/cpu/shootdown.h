/* TLB shootdown: make a hart forget translations of guest-physical pages
 * before the memory manager reuses their frames (shadow coherence).
 *
 * The initiator (one at a time per hart: the caller serializes) posts the
 * pages to the hart's mailbox and a REQ_SHOOTDOWN request; the hart serves
 * it on its own thread at its next poll (the run loop, WFI and mem_wait all
 * serve it) by dropping every TLB entry, walk-cache entry and pre-decoded
 * page of those pages, then acknowledges the ticket.  A hart that is not
 * inside hart_run serves the request before it executes anything, so the
 * initiator only waits for harts that are running. */
#ifndef ATOLL_CPU_SHOOTDOWN_H
#define ATOLL_CPU_SHOOTDOWN_H

#include <stdint.h>

#include "cpu/hart.h"

#define SHOOTDOWN_MAX_PAGES 16

/* Post: forget these n pages (n > SHOOTDOWN_MAX_PAGES or pages == NULL:
 * forget everything).  If an earlier request is still unserved the two are
 * merged into "everything".  Returns the ticket to wait for. */
uint32_t hart_shootdown_post(struct hart *h, const uint64_t *pages, unsigned n);
/* Block until the hart served `ticket` (or a later one). */
void hart_shootdown_wait(struct hart *h, uint32_t ticket);
/* True once the hart served `ticket`. */
int hart_shootdown_done(struct hart *h, uint32_t ticket);
/* On the hart's own thread: serve a pending request, if any. */
void hart_shootdown_service(struct hart *h);
/* On the hart's own thread, as an initiator: serve a pending request, then
 * forget these n pages (as hart_shootdown_post) at once, without the
 * mailbox (no wake-up, no syscall). */
void hart_shootdown_local(struct hart *h, const uint64_t *pages, unsigned n);

#endif
