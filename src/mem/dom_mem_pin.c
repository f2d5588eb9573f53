/* Pins: a frame the host does I/O on (a granted page, a ring, the shared
 * info page) stays the domain's and in place until it is unpinned; the
 * reclaimer, the balloon and sharing skip pinned frames (frame.refs). */
#include <errno.h>

#include "mem/mem_internal.h"

int dom_mem_pin(struct dom_mem *d, gfn_t g, bool write, mfn_t *m, void **ptr)
{
	struct p2m_entry e;
	struct frame *f;
	int err = 0;

	if (!p2m_contains(&d->p2m, g))
		return -EINVAL;
	pthread_mutex_lock(&d->lock);
	/* Under the lock: the entry cannot change between this look and the
	 * pin, and every P2M change checks refs under the same lock. */
	e = p2m_get(&d->p2m, g);
	if (e.type != P2M_PRESENT && (write || e.type != P2M_SHARED)) {
		err = -EAGAIN;
		goto out;
	}
	f = &d->host->pool.ft[e.val];
	if (e.type == P2M_PRESENT && atomic_load(&f->owner) != d->domid) {
		err = -EINVAL; /* cannot happen: the P2M is atoll's */
		goto out;
	}
	if (atomic_fetch_add(&f->refs, 1) == 0)
		atomic_fetch_or(&f->flags, FRAME_PINNED);
	*m = mfn(e.val);
	*ptr = mpool_ptr(&d->host->pool, *m);
out:
	pthread_mutex_unlock(&d->lock);
	return err;
}

void dom_mem_unpin(struct dom_mem *d, mfn_t m)
{
	struct frame *f = &d->host->pool.ft[m.v];

	bool last;

	pthread_mutex_lock(&d->lock);
	last = atomic_fetch_sub(&f->refs, 1) == 1;
	if (last)
		atomic_fetch_and(&f->flags, (uint16_t)~FRAME_PINNED);
	pthread_mutex_unlock(&d->lock);
	/* A shared frame every sharer left while it was pinned goes now. */
	if (last && (atomic_load(&f->flags) & FRAME_SHARED))
		share_unpinned(d->host, m);
}
