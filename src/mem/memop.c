/* memory_op (memop.h): argument checks, the extent list copied in one page
 * at a time, and the calls into dom_mem.
 *
 * Everything the guest passes is read exactly once into host memory and
 * validated there; the decisions are made on that copy only.  The work of
 * one call is bounded: at most ATOLL_MEMOP_MAX_EXTENTS extents of at most
 * 2^ATOLL_MEMOP_MAX_ORDER frames, all inside the domain's guest RAM. */
#include <errno.h>
#include <stdbool.h>

#include "atoll/abi/hypercall.h"
#include "atoll/abi/memory.h"
#include "mem/memhost.h"
#include "mem/memop.h"

/* Is `id` the calling domain?  0, -EPERM for another existing domain (a
 * guest may not act on others, as Xen's XSM default says), -ESRCH when no
 * domain has that id. */
static int memop_check_domid(struct dom_mem *d, domid_t id)
{
	struct mem_host *mh = d->host;
	int rc = -ESRCH;

	if (id == DOMID_SELF || id == d->domid)
		return 0;
	if (!mh)
		return rc;
	pthread_mutex_lock(&mh->lock);
	for (struct dom_mem *o = mh->domains; o; o = o->next)
		if (o->domid == id && !o->dying)
			rc = -EPERM;
	pthread_mutex_unlock(&mh->lock);
	return rc;
}

/* The domain named by the domid_t at guest address va: 0 or -errno. */
static long memop_read_domid(struct dom_mem *d, const struct guest_access *g,
			     uint64_t va)
{
	domid_t id;
	int rc = g->read(g->ctx, va, &id, sizeof(id));

	return rc ? rc : memop_check_domid(d, id);
}

/* May extent `gfn` of 2^order frames be named by this domain?  Aligned to
 * its size and entirely inside the domain's guest RAM. */
static bool memop_extent_ok(const struct dom_mem *d, uint64_t gfn,
			    unsigned order)
{
	uint64_t frames = 1ULL << order;

	if (gfn & (frames - 1))
		return false;
	return gfn >= d->p2m.base && gfn - d->p2m.base < d->p2m.nr &&
	       frames <= d->p2m.nr - (gfn - d->p2m.base);
}

/* Extents of the list at va that one page read covers: those up to the
 * end of va's page (an entry straddling two pages goes alone). */
static uint64_t memop_chunk(uint64_t va, uint64_t left)
{
	uint64_t n = (4096 - (va & 0xfff)) / sizeof(xen_pfn_t);

	if (n == 0)
		n = 1;
	if (n > MEMOP_CHUNK)
		n = MEMOP_CHUNK;
	return n < left ? n : left;
}

/* Apply `cmd` to the n valid extents of one chunk: extents done or -errno.
 * increase_reservation writes the list back (Xen's OUT: the bases of the
 * extents allocated; for an auto-translated guest the gfns themselves),
 * before populating, so a read-only list fails with nothing done.  The
 * written bytes are the ones read, so a short count changes nothing. */
static long memop_apply(struct dom_mem *d, const struct guest_access *g,
			uint64_t cmd, uint64_t va, const xen_pfn_t *gfns,
			uint64_t n, unsigned order)
{
	int rc;

	if (cmd == XENMEM_decrease_reservation)
		return dom_mem_decrease(d, gfns, n, order);
	if (cmd == XENMEM_increase_reservation) {
		rc = g->write(g->ctx, va, gfns, n * sizeof(*gfns));
		if (rc)
			return rc;
	}
	return dom_mem_populate(d, gfns, n, order);
}

/* Walk the extent list chunk by chunk.  Returns the extents done, or the
 * -errno of the first failure when none was done. */
static long memop_extents(struct dom_mem *d, const struct guest_access *g,
			  uint64_t cmd, const struct xen_memory_reservation *r)
{
	xen_pfn_t gfns[MEMOP_CHUNK];
	unsigned order = r->extent_order;
	uint64_t done = 0;
	long err = 0;

	while (done < r->nr_extents && !err) {
		uint64_t va = r->extent_start + done * sizeof(xen_pfn_t);
		uint64_t n = memop_chunk(va, r->nr_extents - done), ok = 0;
		long got;

		err = g->read(g->ctx, va, gfns, n * sizeof(xen_pfn_t));
		if (err)
			break;
		while (ok < n && memop_extent_ok(d, gfns[ok], order))
			ok++;
		got = ok ? memop_apply(d, g, cmd, va, gfns, ok, order) : 0;
		if (got < 0) {
			err = got;
			break;
		}
		done += (uint64_t)got;
		if ((uint64_t)got < ok)
			err = cmd == XENMEM_decrease_reservation ? -EINVAL
								 : -ENOMEM;
		else if (ok < n)
			err = -EINVAL; /* a gfn outside the domain, unaligned */
	}
	return done ? (long)done : err;
}

/* increase_reservation, decrease_reservation, populate_physmap. */
static long memop_reservation(struct dom_mem *d, const struct guest_access *g,
			      uint64_t cmd, uint64_t arg)
{
	struct xen_memory_reservation r;
	long rc = g->read(g->ctx, arg, &r, sizeof(r));

	if (rc)
		return rc;
	if (r.nr_extents > ATOLL_MEMOP_MAX_EXTENTS)
		return -EINVAL;
	rc = memop_check_domid(d, r.domid);
	if (rc)
		return rc;
	if (r.mem_flags != 0 || r.extent_order > ATOLL_MEMOP_MAX_ORDER)
		return -EINVAL;
	if (r.nr_extents == 0)
		return 0;
	return memop_extents(d, g, cmd, &r);
}

/* current_reservation, maximum_reservation, get_target: frames. */
static long memop_query(struct dom_mem *d, const struct guest_access *g,
			uint64_t cmd, uint64_t arg)
{
	struct dom_mem_stats st;
	long rc = memop_read_domid(d, g, arg);

	if (rc)
		return rc;
	dom_mem_get_stats(d, &st);
	switch (cmd) {
	case XENMEM_current_reservation:
		/* What the guest has: swapping and sharing are atoll's
		 * business and invisible to it. */
		return (long)(st.populated + st.swapped + st.shared);
	case XENMEM_maximum_reservation: return (long)st.maxmem;
	default: return (long)st.target;
	}
}

/* request_more: ask for nr_frames more; `granted` is written back and
 * returned.  The structure is written once before asking, so a read-only
 * one fails before anything is granted (and a failure is never retried
 * after a grant: see hypercall.c's -EAGAIN). */
static long memop_request_more(struct dom_mem *d, const struct guest_access *g,
			       uint64_t arg)
{
	struct atoll_mem_request req;
	long granted;
	int rc = g->read(g->ctx, arg, &req, sizeof(req));

	if (rc)
		return rc;
	req.granted = 0;
	rc = g->write(g->ctx, arg, &req, sizeof(req));
	if (rc)
		return rc;
	granted = dom_mem_request_more(d, req.nr_frames);
	if (granted < 0)
		return granted;
	/* The grant stands even if this write fails now (the guest changed
	 * its mapping meanwhile): it is also the result. */
	req.granted = (uint64_t)granted;
	g->write(g->ctx, arg, &req, sizeof(req));
	return granted;
}

/* report: the balloon driver's view, kept for atoll's policy. */
static long memop_report(struct dom_mem *d, const struct guest_access *g,
			 uint64_t arg)
{
	struct atoll_mem_report rep;
	int rc = g->read(g->ctx, arg, &rep, sizeof(rep));

	if (rc)
		return rc;
	if (rep.pressure > 100 || rep.pad != 0 || rep.free_frames > d->maxmem)
		return -EINVAL;
	atomic_store(&d->guest_free_frames, rep.free_frames);
	atomic_store(&d->guest_pressure, rep.pressure);
	atomic_fetch_add(&d->guest_reports, 1);
	return 0;
}

long memop_call(struct dom_mem *d, const struct guest_access *g, uint64_t cmd,
		uint64_t arg)
{
	switch (cmd) {
	case XENMEM_increase_reservation:
	case XENMEM_decrease_reservation:
	case XENMEM_populate_physmap: return memop_reservation(d, g, cmd, arg);
	case XENMEM_current_reservation:
	case XENMEM_maximum_reservation:
	case ATOLL_MEM_get_target: return memop_query(d, g, cmd, arg);
	case ATOLL_MEM_request_more: return memop_request_more(d, g, arg);
	case ATOLL_MEM_report: return memop_report(d, g, arg);
	}
	return -ENOSYS;
}
