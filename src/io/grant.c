/* Grant tables v1, host side (grant.h). */
#include <errno.h>
#include <string.h>

#include "io/grant.h"
#include "io/io_dom.h"
#include "mem/dom_mem.h"

#define GRANT_CAS_TRIES 16 /* a granter flipping its entry gets -EBUSY */
#define GRANT_BUSY_BITS (GTF_reading | GTF_writing)

void grant_table_init(struct grant_table *gt)
{
	pthread_mutex_init(&gt->lock, NULL);
}

void grant_table_destroy(struct grant_table *gt)
{
	pthread_mutex_destroy(&gt->lock);
}

void grant_table_release(struct io_dom *d)
{
	struct grant_table *gt = &d->gt;

	pthread_mutex_lock(&gt->lock);
	for (unsigned k = 0; k < gt->nr_frames; k++)
		io_unpin(d->mem, gt->mfn[k]);
	gt->nr_frames = 0;
	pthread_mutex_unlock(&gt->lock);
}

/* Frames must be distinct: one frame twice would let two refs alias. */
static bool grant_gfns_distinct(const uint64_t *gfns, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		for (unsigned j = i + 1; j < n; j++)
			if (gfns[i] == gfns[j])
				return false;
	return true;
}

int grant_set_table(struct io_dom *d, const uint64_t *gfns, unsigned n)
{
	struct grant_table *gt = &d->gt;
	unsigned k;
	int rc = 0;

	if (n == 0 || n > ATOLL_GNTTAB_MAX_FRAMES ||
	    !grant_gfns_distinct(gfns, n))
		return -EINVAL;
	pthread_mutex_lock(&gt->lock);
	if (gt->nr_frames || d->detached) {
		rc = -EBUSY;
		goto out;
	}
	for (k = 0; k < n; k++) {
		void *p;

		rc = io_pin(d->mem, gfns[k], true, &p, &gt->mfn[k]);
		if (rc)
			goto err_unpin;
		gt->gfn[k] = gfns[k];
		gt->page[k] = p;
	}
	gt->nr_frames = n;
	goto out;
err_unpin:
	while (k--)
		io_unpin(d->mem, gt->mfn[k]);
out:
	pthread_mutex_unlock(&gt->lock);
	return rc;
}

/* The flags|domid word and the frame word of entry ref.  Caller holds
 * gt->lock and checked ref. */
static uint32_t *grant_word(struct grant_table *gt, grant_ref_t ref)
{
	uint8_t *e = gt->page[ref / GRANT_PER_FRAME] +
		     (ref % GRANT_PER_FRAME) * sizeof(struct grant_entry_v1);

	return (uint32_t *)e;
}

/* Set the busy bits for a new mapping with a CAS on flags|domid, after
 * checking the entry grants what is asked.  Caller holds gt->lock. */
static int grant_claim(uint32_t *w, domid_t grantee, bool readonly)
{
	uint32_t want = readonly ? GTF_reading : GTF_reading | GTF_writing;

	for (unsigned t = 0; t < GRANT_CAS_TRIES; t++) {
		uint32_t old = __atomic_load_n(w, __ATOMIC_ACQUIRE);
		uint16_t flags = (uint16_t)old, dom = (uint16_t)(old >> 16);

		if ((flags & GTF_type_mask) != GTF_permit_access ||
		    dom != grantee)
			return -EPERM;
		if (!readonly && (flags & GTF_readonly))
			return -EPERM;
		if (__atomic_compare_exchange_n(w, &old, old | want, false,
						__ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE))
			return 0;
	}
	return -EBUSY;
}

/* Clear the busy bits no mapping needs any more.  Caller holds gt->lock. */
static void grant_release_bits(struct grant_table *gt, grant_ref_t ref)
{
	uint32_t clear = 0;

	if (!gt->writers[ref])
		clear |= GTF_writing;
	if (!gt->writers[ref] && !gt->readers[ref])
		clear |= GTF_reading;
	if (clear)
		__atomic_fetch_and(grant_word(gt, ref), ~clear,
				   __ATOMIC_ACQ_REL);
}

/* Steps after the claim: read the frame word once, pin it, count. */
static int grant_map_frame(struct io_dom *granter, grant_ref_t ref,
			   bool readonly, struct grant_mapping *out)
{
	struct grant_table *gt = &granter->gt;
	uint32_t *w = grant_word(gt, ref);
	uint64_t g = __atomic_load_n(w + 1, __ATOMIC_ACQUIRE);
	uint16_t *cnt = readonly ? &gt->readers[ref] : &gt->writers[ref];
	int rc;

	if (*cnt == UINT16_MAX)
		return -ENOSPC;
	rc = io_pin(granter->mem, g, !readonly, &out->ptr, &out->mfn);
	if (rc)
		return rc == -EAGAIN ? -EAGAIN : -EINVAL;
	(*cnt)++;
	out->gfn = g;
	return 0;
}

int grant_map(struct io_dom *granter, domid_t grantee, grant_ref_t ref,
	      bool readonly, struct grant_mapping *out)
{
	struct grant_table *gt = &granter->gt;
	int rc;

	pthread_mutex_lock(&gt->lock);
	if (!gt->nr_frames) {
		rc = -ENOENT;
		goto out;
	}
	if (ref >= gt->nr_frames * GRANT_PER_FRAME) {
		rc = -EINVAL;
		goto out;
	}
	rc = grant_claim(grant_word(gt, ref), grantee, readonly);
	if (rc)
		goto out;
	rc = grant_map_frame(granter, ref, readonly, out);
	if (rc) {
		grant_release_bits(gt, ref);
		goto out;
	}
	gt->maps++;
	atomic_fetch_add(&granter->refcnt, 1);
	out->granter = granter;
	out->ref = ref;
	out->readonly = readonly;
out:
	pthread_mutex_unlock(&gt->lock);
	return rc;
}

void grant_unmap(struct grant_mapping *m)
{
	struct io_dom *d = m->granter;
	struct grant_table *gt;

	if (!d)
		return;
	gt = &d->gt;
	io_unpin(d->mem, m->mfn);
	pthread_mutex_lock(&gt->lock);
	if (m->readonly)
		gt->readers[m->ref]--;
	else
		gt->writers[m->ref]--;
	gt->unmaps++;
	/* A detached table is unpinned: its entries are not ours to touch. */
	if (gt->nr_frames)
		grant_release_bits(gt, m->ref);
	pthread_mutex_unlock(&gt->lock);
	m->granter = NULL;
	io_dom_put(d);
}

static int grant_copy(struct io_dom *granter, domid_t grantee, grant_ref_t ref,
		      unsigned offset, void *buf, unsigned len, bool to_grant)
{
	struct grant_mapping m;
	int rc;

	if (offset > PAGE_SIZE || len > PAGE_SIZE - offset)
		return -EINVAL;
	rc = grant_map(granter, grantee, ref, !to_grant, &m);
	if (rc)
		return rc;
	if (to_grant)
		memcpy((uint8_t *)m.ptr + offset, buf, len);
	else
		memcpy(buf, (uint8_t *)m.ptr + offset, len);
	grant_unmap(&m);
	return 0;
}

int grant_copy_from(struct io_dom *granter, domid_t grantee, grant_ref_t ref,
		    unsigned offset, void *buf, unsigned len)
{
	return grant_copy(granter, grantee, ref, offset, buf, len, false);
}

int grant_copy_to(struct io_dom *granter, domid_t grantee, grant_ref_t ref,
		  unsigned offset, const void *buf, unsigned len)
{
	return grant_copy(granter, grantee, ref, offset, (void *)buf, len,
			  true);
}
