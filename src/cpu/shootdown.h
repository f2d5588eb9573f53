/* TLB shootdown: make a hart forget translations of guest-physical pages
 * before the memory manager reuses their frames (shadow coherence).
 *
 * Two things can be forgotten, and most changes need only the first:
 *  - translations (soft-TLB and walk-cache entries): cheap to refill, and
 *    needed whenever a page's frame changes or goes (swap-out, sharing,
 *    copy-on-write, the working-set sampler's marks, ballooning);
 *  - pre-decoded code (and with it the translator's blocks): costly to
 *    rebuild, and needed only when the page's CONTENT may change without
 *    a guest store this hart sees (a store to a decoded page invalidates
 *    it anyway).  Of the memory manager's changes only ballooning is one:
 *    the gfn comes back as a fresh zero frame.  A swap-out and swap-in,
 *    a merge into a shared frame and a copy-on-write copy keep the bytes,
 *    so decoded code of those pages stays valid (exec.c decodes from the
 *    TLB's current host page, never from a remembered one).
 * So a request names its pages with SHOOTDOWN_CODE set in an entry's low
 * bits when that page's decoded code must go too.
 *
 * The initiator posts the pages to the hart's mailbox and a REQ_SHOOTDOWN
 * request; the hart serves it on its own thread at its next poll (the run
 * loop, WFI and mem_wait all serve it), then acknowledges the ticket.  A
 * second request posted before the hart served the first is appended to
 * it; only a list that would overflow the mailbox widens to "every
 * translation" (and, if it named code, every decoded page).  A hart that
 * is not inside hart_run serves the request before it executes anything,
 * so the initiator only waits for harts that are running. */
#ifndef ATOLL_CPU_SHOOTDOWN_H
#define ATOLL_CPU_SHOOTDOWN_H

#include <stdint.h>

#include "cpu/hart.h"

#define SHOOTDOWN_MAX_PAGES HART_SD_PAGES
/* In a page entry's low bits: drop the page's decoded code too. */
#define SHOOTDOWN_CODE 1ULL
/* Above this many pages a hart wipes its TLB instead of flushing page by
 * page (~0.3 us a page; the wipe costs refills, not decoded code). */
#define SHOOTDOWN_WIPE_PAGES 64

/* Post: forget these n pages (entries: gpa page | SHOOTDOWN_CODE or not).
 * pages == NULL: forget every translation, and every decoded page if
 * `all_code`.  Returns the ticket to wait for.  Initiators may post
 * concurrently (the mailbox has its own lock). */
uint32_t hart_shootdown_post(struct hart *h, const uint64_t *pages, unsigned n,
			     bool all_code);
/* Block until the hart served `ticket` (or a later one). */
void hart_shootdown_wait(struct hart *h, uint32_t ticket);
/* True once the hart served `ticket`. */
int hart_shootdown_done(struct hart *h, uint32_t ticket);
/* On the hart's own thread: serve a pending request, if any. */
void hart_shootdown_service(struct hart *h);
/* On the hart's own thread, as an initiator: serve a pending request, then
 * forget these n pages (as hart_shootdown_post) at once, without the
 * mailbox (no wake-up, no syscall). */
void hart_shootdown_local(struct hart *h, const uint64_t *pages, unsigned n,
			  bool all_code);

#endif
