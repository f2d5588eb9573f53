/* grant_table_op for guests (grant.h, atoll/abi/grant_table_op.h): every
 * argument is copied in once, then validated; results are written back
 * field by field. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "atoll/abi/hypercall.h"
#include "io/grant.h"
#include "io/io_dom.h"
#include "mem/dom_mem.h"

/* One end of a copy, pinned or mapped. */
struct gcopy_end {
	struct grant_mapping map; /* map.granter != NULL: a grant */
	uint32_t mfn; /* else the caller's own pinned frame */
	uint8_t *ptr;
	bool own;
};

static int16_t gcopy_status(int rc)
{
	switch (rc) {
	case 0: return GNTST_okay;
	case -ESRCH: return GNTST_bad_domain;
	case -EINVAL:
	case -ENOENT: return GNTST_bad_gntref;
	case -EPERM: return GNTST_permission_denied;
	case -EFAULT: return GNTST_bad_page;
	case -EAGAIN: return GNTST_eagain;
	}
	return GNTST_general_error;
}

/* Reach one end: a grant of another (or the same) domain, or a gfn of the
 * caller.  0 or -errno (gcopy_status maps it). */
static int gcopy_open(struct io_dom *d, const struct gnttab_copy_ptr *p,
		      bool gref, bool write, struct gcopy_end *e)
{
	domid_t dom = p->domid == DOMID_SELF ? d->domid : p->domid;
	struct io_dom *gr;
	int rc;

	memset(e, 0, sizeof(*e));
	if (!gref) {
		if (dom != d->domid)
			return -EPERM;
		rc = io_pin(d->mem, p->u.gmfn, write, (void **)&e->ptr,
			    &e->mfn);
		e->own = !rc;
		return rc == -EINVAL ? -EFAULT : rc;
	}
	gr = io_dom_get(dom);
	if (!gr)
		return -ESRCH;
	rc = grant_map(gr, d->domid, p->u.ref, !write, &e->map);
	io_dom_put(gr); /* the mapping holds its own reference */
	if (!rc)
		e->ptr = e->map.ptr;
	return rc;
}

static void gcopy_close(struct io_dom *d, struct gcopy_end *e)
{
	if (e->own)
		io_unpin(d->mem, e->mfn);
	else
		grant_unmap(&e->map);
}

/* One GNTTABOP_copy op (already copied in): its status. */
static int16_t gcopy_one(struct io_dom *d, const struct gnttab_copy *op)
{
	struct gcopy_end s, t;
	int rc;

	if (op->flags & ~(GNTCOPY_source_gref | GNTCOPY_dest_gref))
		return GNTST_bad_copy_arg;
	if (op->source.offset > PAGE_SIZE || op->dest.offset > PAGE_SIZE ||
	    op->len > PAGE_SIZE - op->source.offset ||
	    op->len > PAGE_SIZE - op->dest.offset)
		return GNTST_bad_copy_arg;
	rc = gcopy_open(d, &op->source, op->flags & GNTCOPY_source_gref, false,
			&s);
	if (rc)
		return gcopy_status(rc);
	rc = gcopy_open(d, &op->dest, op->flags & GNTCOPY_dest_gref, true, &t);
	if (rc) {
		gcopy_close(d, &s);
		return gcopy_status(rc);
	}
	/* Both ends may be the same frame. */
	memmove(t.ptr + op->dest.offset, s.ptr + op->source.offset, op->len);
	gcopy_close(d, &t);
	gcopy_close(d, &s);
	__atomic_fetch_add(&d->gt.copies, 1, __ATOMIC_RELAXED);
	return GNTST_okay;
}

static long grant_hcall_copy(struct io_dom *d, const struct guest_access *g,
			     uint64_t arg, uint64_t count)
{
	if (count > ATOLL_GNTTAB_MAX_COPY)
		return -EINVAL;
	for (uint64_t k = 0; k < count; k++) {
		uint64_t va = arg + k * sizeof(struct gnttab_copy);
		struct gnttab_copy op;
		int16_t st;
		int rc;

		rc = g->read(g->ctx, va, &op, sizeof(op));
		if (rc)
			return rc;
		st = gcopy_one(d, &op);
		rc = g->write(g->ctx, va + offsetof(struct gnttab_copy, status),
			      &st, sizeof(st));
		if (rc)
			return rc;
	}
	return 0;
}

static long grant_hcall_set_table(struct io_dom *d,
				  const struct guest_access *g, uint64_t arg,
				  uint64_t count)
{
	struct gnttab_atoll_set_table t;
	int rc;

	if (count != 1)
		return -EINVAL;
	rc = g->read(g->ctx, arg, &t, sizeof(t));
	if (rc)
		return rc;
	if (t.nr_frames == 0 || t.nr_frames > ATOLL_GNTTAB_MAX_FRAMES)
		return -EINVAL;
	return grant_set_table(d, t.gfn, t.nr_frames);
}

long grant_hcall(struct io_dom *d, const struct guest_access *g, uint64_t cmd,
		 uint64_t arg, uint64_t count)
{
	switch (cmd) {
	case GNTTABOP_copy: return grant_hcall_copy(d, g, arg, count);
	case GNTTABOP_atoll_set_table:
		return grant_hcall_set_table(d, g, arg, count);
	}
	return -ENOSYS;
}
