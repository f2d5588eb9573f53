/* The paravirtual-I/O state of one domain (its grant table and event
 * channels) and the registry that finds it by domain id, so that one
 * domain's hypercall or a back-end can reach another's.  Also the pinning
 * helpers through which all of src/io reaches guest memory: validated gfn
 * -> P2M -> machine frame, pinned (frame refs) while atoll holds a pointer
 * to it, so it is never swapped out or ballooned meanwhile.
 *
 * Lifetime: io_dom_attach when the domain is built (or lazily at its first
 * PV hypercall), io_dom_detach before its memory is destroyed; lookups take
 * a reference (io_dom_get/io_dom_put) so a domain being detached stays
 * valid until the last user lets go. */
#ifndef ATOLL_IO_IO_DOM_H
#define ATOLL_IO_IO_DOM_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "io/evtchn.h"
#include "io/grant.h"
#include "mem/guest_access.h"
#include "mem/types.h"

struct dom_mem;

#define IO_DOM_MAX 256 /* domains with PV state at once */
#define DOMID_BACKEND 0 /* atoll's back-ends, as Xen's dom0 */

/* Drives the domain's event-channel interrupt line (level 0 or 1); called
 * from any thread, must not block for long. */
typedef void (*io_upcall_fn)(void *ctx, int level);

struct io_dom {
	domid_t domid;
	struct dom_mem *mem;
	io_upcall_fn upcall;
	void *upcall_ctx;
	_Atomic unsigned refcnt; /* registry's + one per io_dom_get */
	_Atomic bool detached; /* set once by io_dom_detach */
	struct grant_table gt;
	struct evtchn_dom ev;
};

/* Create the domain's PV state and register it.  -EEXIST if its id is
 * registered, -ENOSPC if IO_DOM_MAX are, -ENOMEM. */
int io_dom_attach(struct dom_mem *mem, io_upcall_fn upcall, void *ctx,
		  struct io_dom **out);
/* The registered state of `mem`'s domain, or a new one (first use); with a
 * reference.  NULL on failure. */
struct io_dom *io_dom_get_or_attach(struct dom_mem *mem, io_upcall_fn upcall,
				    void *ctx);
/* Close its ports (peers see them unbound), unpin its grant table and
 * shared info, unregister it; freed when the last reference goes.  Every
 * grant mapping of its frames must have been unmapped (back-ends are
 * stopped first).  Does nothing if the id is not registered. */
void io_dom_detach(domid_t domid);

/* With a reference, or NULL (-ESRCH for callers). */
struct io_dom *io_dom_get(domid_t domid);
void io_dom_put(struct io_dom *d);

/* Pin the frame backing gfn (populating or swapping it in as needed,
 * waiting up to 10 s for a frame): its host pointer in *ptr and MFN in
 * *mfn.  A write pin needs a frame the domain owns (PRESENT).  0, -EINVAL
 * (outside guest RAM, ballooned), -EAGAIN (no frame in time: logged; or
 * the thread's wait gave up). */
int io_pin(struct dom_mem *mem, uint64_t gfn, bool write, void **ptr,
	   uint32_t *mfn);

/* How io_pin waits on this thread: a vCPU thread in a hypercall must keep
 * serving its TLB shootdowns while it waits for its own domain's memory
 * (a swapper may be waiting for it), and give up when asked to stop.  fn
 * waits a little and returns 0, or nonzero to give up (io_pin then fails
 * with -EAGAIN).  NULL (the default): dom_mem_wait. */
typedef int (*io_wait_fn)(void *ctx, struct dom_mem *mem);
void io_set_wait(io_wait_fn fn, void *ctx);
void io_unpin(struct dom_mem *mem, uint32_t mfn);

#endif
