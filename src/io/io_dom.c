/* Registry of the domains' PV state and the pinning helpers (io_dom.h). */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "io/io_dom.h"
#include "lib/log.h"
#include "mem/dom_mem.h"

/* How long a pin waits for its frame.  A shortage is normal under
 * overcommit (a page the guest reported free is populated again, the pool
 * is dry, the reclaimer swaps another page out first) and on a loaded
 * host that takes far longer than the vCPU's own faults suggest: a count
 * of waits (500, each ending at the first wake-up anywhere) gave up within
 * a fraction of a second and failed the guest's I/O (Linux: "I/O error,
 * dev vda", a program's page-in, SIGBUS).  A frame that does not come in
 * this long is a domain at a hard limit with no swap. */
#define IO_PIN_WAIT_NS (10 * 1000000000ull)

static _Thread_local io_wait_fn io_wait;
static _Thread_local void *io_wait_ctx;

static pthread_mutex_t io_reg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct io_dom *io_reg[IO_DOM_MAX];

/* Registry slot of domid, or -1.  Caller holds io_reg_lock. */
static int io_reg_find(domid_t domid)
{
	for (int k = 0; k < IO_DOM_MAX; k++)
		if (io_reg[k] && io_reg[k]->domid == domid)
			return k;
	return -1;
}

static int io_reg_free_slot(void)
{
	for (int k = 0; k < IO_DOM_MAX; k++)
		if (!io_reg[k])
			return k;
	return -1;
}

/* Register a new state for mem's domain.  Caller holds io_reg_lock. */
static int io_dom_attach_locked(struct dom_mem *mem, io_upcall_fn upcall,
				void *ctx, struct io_dom **out)
{
	struct io_dom *d;
	int slot;

	if (io_reg_find(mem->domid) >= 0)
		return -EEXIST;
	slot = io_reg_free_slot();
	if (slot < 0)
		return -ENOSPC;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->domid = mem->domid;
	d->mem = mem;
	d->upcall = upcall;
	d->upcall_ctx = ctx;
	atomic_init(&d->refcnt, 1);
	grant_table_init(&d->gt);
	evtchn_dom_init(&d->ev);
	io_reg[slot] = d;
	*out = d;
	return 0;
}

int io_dom_attach(struct dom_mem *mem, io_upcall_fn upcall, void *ctx,
		  struct io_dom **out)
{
	int rc;

	pthread_mutex_lock(&io_reg_lock);
	rc = io_dom_attach_locked(mem, upcall, ctx, out);
	pthread_mutex_unlock(&io_reg_lock);
	return rc;
}

struct io_dom *io_dom_get_or_attach(struct dom_mem *mem, io_upcall_fn upcall,
				    void *ctx)
{
	struct io_dom *d = NULL;
	int slot;

	pthread_mutex_lock(&io_reg_lock);
	slot = io_reg_find(mem->domid);
	if (slot >= 0)
		d = io_reg[slot];
	else if (io_dom_attach_locked(mem, upcall, ctx, &d))
		d = NULL;
	if (d && d->mem != mem)
		d = NULL; /* a stale state of a destroyed domain: refuse */
	if (d)
		atomic_fetch_add(&d->refcnt, 1);
	pthread_mutex_unlock(&io_reg_lock);
	return d;
}

struct io_dom *io_dom_get(domid_t domid)
{
	struct io_dom *d = NULL;
	int slot;

	pthread_mutex_lock(&io_reg_lock);
	slot = io_reg_find(domid);
	if (slot >= 0) {
		d = io_reg[slot];
		atomic_fetch_add(&d->refcnt, 1);
	}
	pthread_mutex_unlock(&io_reg_lock);
	return d;
}

void io_dom_put(struct io_dom *d)
{
	if (d && atomic_fetch_sub(&d->refcnt, 1) == 1) {
		evtchn_dom_destroy(&d->ev);
		grant_table_destroy(&d->gt);
		free(d);
	}
}

void io_dom_detach(domid_t domid)
{
	struct io_dom *d = NULL;
	int slot;

	pthread_mutex_lock(&io_reg_lock);
	slot = io_reg_find(domid);
	if (slot >= 0) {
		d = io_reg[slot];
		io_reg[slot] = NULL;
	}
	pthread_mutex_unlock(&io_reg_lock);
	if (!d)
		return;
	/* Unregistered: no new lookup finds it.  Peers holding a reference
	 * see its ports closed and its grants gone. */
	d->detached = true;
	evtchn_dom_close_all(d);
	grant_table_release(d);
	io_dom_put(d);
}

static uint64_t io_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Whether a pin of gfn g that first had to wait at *start (0: now) has
 * waited IO_PIN_WAIT_NS for its frame; said in the log when it has (the
 * caller fails the I/O: at most one line per IO_PIN_WAIT_NS a thread). */
static bool io_pin_waited_out(struct dom_mem *mem, uint64_t g, uint64_t *start)
{
	uint64_t now = io_now_ns();

	if (!*start)
		*start = now;
	if (now - *start < IO_PIN_WAIT_NS)
		return false;
	log_dom_warn(mem->name,
		     "gfn 0x%" PRIx64 ": no frame for its I/O in %llu s: "
		     "the request fails",
		     g, IO_PIN_WAIT_NS / 1000000000ull);
	return true;
}

int io_pin(struct dom_mem *mem, uint64_t g, bool write, void **ptr,
	   uint32_t *mfn)
{
	uint64_t start = 0;

	if (!p2m_contains(&mem->p2m, gfn(g)))
		return -EINVAL;
	for (;;) {
		void *p = dom_mem_page(mem, g << PAGE_SHIFT, write);
		mfn_t m;
		int rc;

		if (!p)
			return -EINVAL;
		if (p == PAGE_RETRY) {
			if (io_pin_waited_out(mem, g, &start))
				return -EAGAIN;
			if (!io_wait)
				dom_mem_wait(mem);
			else if (io_wait(io_wait_ctx, mem))
				return -EAGAIN;
			continue;
		}
		/* Faulted in, but it may be gone again before the pin:
		 * then fault it in once more. */
		rc = dom_mem_pin(mem, gfn(g), write, &m, ptr);
		if (rc == 0) {
			*mfn = m.v;
			return 0;
		}
		if (rc != -EAGAIN)
			return rc;
		if (io_pin_waited_out(mem, g, &start))
			return -EAGAIN;
	}
}

void io_set_wait(io_wait_fn fn, void *ctx)
{
	io_wait = fn;
	io_wait_ctx = ctx;
}

void io_unpin(struct dom_mem *mem, uint32_t m)
{
	dom_mem_unpin(mem, mfn(m));
}
