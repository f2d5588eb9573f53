/* The "not now" answer of a page lookup: the memory manager's dom_mem_page
 * gives it when a frame cannot be had without waiting (pool dry, page being
 * swapped), and the CPU bus's ram_page passes it on.  Never a valid host
 * page address.  The caller waits (bounded) and asks again.
 *
 * It lives at the bottom of the folder order because mem/ produces it and
 * cpu/ and io/ consume it: none of them includes another's header for one
 * constant. */
#ifndef ATOLL_LIB_RETRY_H
#define ATOLL_LIB_RETRY_H

#define PAGE_RETRY ((void *)1)

#endif
