/* Host views of a chain's buffers (virtq.h: virtq_map): the zero-copy
 * path of devices that hand guest memory to the host kernel (virtio-blk's
 * preadv/pwritev and io_uring).  Each guest page is pinned through the
 * P2M (io_pin), so while the view exists the frame stays the domain's
 * and in place: the balloon, swap and sharing skip it, and nothing the
 * guest does can make the host write into a frame it no longer owns. */
#include <errno.h>

#include "io/io_dom.h"
#include "mem/types.h"
#include "virtio/virtq.h"

/* Append [p, p + n) to m's vector, merging it with the last piece when
 * it continues it in host memory (frames allocated in order often do). */
static void virtq_map_add(struct virtq_map *m, uint8_t *p, uint64_t n)
{
	struct iovec *last = m->niov ? &m->iov[m->niov - 1] : 0;

	if (last && (uint8_t *)last->iov_base + last->iov_len == p) {
		last->iov_len += n;
	} else {
		m->iov[m->niov].iov_base = p;
		m->iov[m->niov++].iov_len = n;
	}
	m->bytes += n;
}

/* Map [gpa, gpa + len) of one buffer, page by page, while room lasts:
 * 0 (m->bytes tells how far), or the error of a pin. */
static int virtq_map_seg(const struct virtq *vq, bool write, uint64_t gpa,
			 uint64_t len, struct virtq_map *m)
{
	while (len) {
		uint64_t in_page = PAGE_SIZE - (gpa & (PAGE_SIZE - 1));
		uint64_t n = len < in_page ? len : in_page;
		void *page;
		int err;

		/* A new page may need a new iovec: keep one spare. */
		if (m->npin == m->pin_max || m->niov == m->iov_max)
			return 0;
		err = io_pin(vq->mem, gpa >> PAGE_SHIFT, write, &page,
			     &m->mfn[m->npin]);
		if (err)
			return err;
		m->npin++;
		virtq_map_add(m, (uint8_t *)page + (gpa & (PAGE_SIZE - 1)), n);
		gpa += n;
		len -= n;
	}
	return 0;
}

int virtq_map(const struct virtq *vq, const struct virtq_chain *c, bool in,
	      uint64_t off, uint64_t len, struct virtq_map *m)
{
	const struct virtq_seg *seg = c->seg + (in ? c->nout : 0);
	unsigned nseg = in ? c->nin : c->nout;
	uint64_t want = len;

	m->niov = m->npin = 0;
	m->bytes = 0;
	for (unsigned i = 0; i < nseg && len; i++) {
		uint64_t k, before;
		int err;

		if (off >= seg[i].len) {
			off -= seg[i].len;
			continue;
		}
		k = seg[i].len - off < len ? seg[i].len - off : len;
		before = m->bytes;
		err = virtq_map_seg(vq, in, seg[i].gpa + off, k, m);
		if (err) {
			virtq_unmap(vq, m);
			return err;
		}
		if (m->bytes - before < k)
			return 0; /* out of room: the caller maps the rest */
		len -= k;
		off = 0;
	}
	if (m->bytes < want) {
		virtq_unmap(vq, m);
		return -EFAULT;
	}
	return 0;
}

void virtq_unmap(const struct virtq *vq, struct virtq_map *m)
{
	for (unsigned i = 0; i < m->npin; i++)
		io_unpin(vq->mem, m->mfn[i]);
	m->npin = m->niov = 0;
	m->bytes = 0;
}
