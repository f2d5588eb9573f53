/* Split virtqueue, device side (virtq.h).  The driver's structures are
 * read through copies (dom_mem_read), each field once: a value that
 * changes under us changes nothing we already decided. */
#include <errno.h>
#include <stdatomic.h>
#include <string.h>

#include "mem/dom_mem.h"
#include "virtio/virtq.h"

/* Descriptors looked at for one chain, indirect table entries included:
 * more than this and the chain loops (a direct chain can visit each of
 * num descriptors once; an indirect table has at most this many). */
#define VIRTQ_MAX_INDIRECT 1024

static int virtq_get16(const struct virtq *vq, uint64_t gpa, uint16_t *v)
{
	return dom_mem_read(vq->mem, gpa, v, sizeof(*v));
}

static int virtq_put16(const struct virtq *vq, uint64_t gpa, uint16_t v)
{
	return dom_mem_write(vq->mem, gpa, &v, sizeof(v));
}

int virtq_check(const struct virtq *vq, const char **why)
{
	uint64_t n = vq->num;

	if (!n || n > vq->num_max || (n & (n - 1))) {
		*why = "queue size not a power of two up to QueueNumMax";
		return -EINVAL;
	}
	if ((vq->desc & 15) || (vq->avail & 1) || (vq->used & 3)) {
		*why = "ring addresses misaligned";
		return -EINVAL;
	}
	if (!dom_mem_contains(vq->mem, vq->desc, 16 * n) ||
	    !dom_mem_contains(vq->mem, vq->avail, 6 + 2 * n) ||
	    !dom_mem_contains(vq->mem, vq->used, 6 + 8 * n)) {
		*why = "rings outside guest RAM";
		return -EINVAL;
	}
	return 0;
}

void virtq_start(struct virtq *vq)
{
	vq->last_avail = 0;
	vq->used_idx = 0;
	vq->signalled = 0;
}

void virtq_reset(struct virtq *vq)
{
	uint16_t num_max = vq->num_max;
	uint64_t max_bytes = vq->max_bytes;
	struct dom_mem *mem = vq->mem;

	memset(vq, 0, sizeof(*vq));
	vq->num_max = num_max;
	vq->max_bytes = max_bytes;
	vq->num = num_max; /* QueueNum reads back the maximum after reset */
	vq->mem = mem;
}

/* Append one descriptor's buffer to c, checking it. */
static int virtq_add_seg(const struct virtq *vq, struct virtq_chain *c,
			 const struct virtq_desc *d, const char **why)
{
	uint64_t max = vq->max_bytes ? vq->max_bytes : VIRTQ_MAX_CHAIN_BYTES;
	bool w = d->flags & VIRTQ_DESC_F_WRITE;
	uint64_t *total = w ? &c->in_len : &c->out_len;

	if (!w && c->nin) {
		*why = "device-readable buffer after a writable one";
		return -EPROTO;
	}
	if (!d->len)
		return 0; /* nothing to move; its address is never used */
	if (!dom_mem_contains(vq->mem, d->addr, d->len)) {
		*why = "buffer outside guest RAM";
		return -EPROTO;
	}
	if (c->nout + c->nin == VIRTQ_MAX_SEGS) {
		*why = "chain longer than the device accepts";
		return -EPROTO;
	}
	*total += d->len;
	if (*total > max) {
		*why = "chain's buffers too large";
		return -EPROTO;
	}
	c->seg[c->nout + c->nin] = (struct virtq_seg){ d->addr, d->len };
	if (w)
		c->nin++;
	else
		c->nout++;
	return 0;
}

/* Walk an indirect table (one copy of each entry, read in order). */
static int virtq_walk_indirect(const struct virtq *vq,
			       const struct virtq_desc *t,
			       struct virtq_chain *c, const char **why)
{
	uint32_t n = t->len / sizeof(struct virtq_desc);
	uint32_t i = 0, seen = 0;
	struct virtq_desc d;

	if (!vq->indirect || (t->len % sizeof(d)) || !n ||
	    n > VIRTQ_MAX_INDIRECT || (t->flags & VIRTQ_DESC_F_NEXT)) {
		*why = "bad indirect descriptor";
		return -EPROTO;
	}
	if (!dom_mem_contains(vq->mem, t->addr, t->len)) {
		*why = "indirect table outside guest RAM";
		return -EPROTO;
	}
	for (;;) {
		if (++seen > n) {
			*why = "descriptor loop in an indirect table";
			return -EPROTO;
		}
		if (dom_mem_read(vq->mem, t->addr + (uint64_t)i * sizeof(d), &d,
				 sizeof(d))) {
			*why = "indirect table unreadable";
			return -EPROTO;
		}
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			*why = "nested indirect descriptor";
			return -EPROTO;
		}
		if (virtq_add_seg(vq, c, &d, why))
			return -EPROTO;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return 0;
		i = d.next;
		if (i >= n) {
			*why = "indirect next index out of the table";
			return -EPROTO;
		}
	}
}

/* Walk the chain at head: each descriptor read once, at most num of
 * them (more means a loop). */
static int virtq_walk(const struct virtq *vq, uint16_t head,
		      struct virtq_chain *c, const char **why)
{
	struct virtq_desc d;
	uint32_t i = head, seen = 0;

	c->head = head;
	c->nout = c->nin = 0;
	c->out_len = c->in_len = 0;
	for (;;) {
		if (++seen > vq->num) {
			*why = "descriptor loop";
			return -EPROTO;
		}
		if (dom_mem_read(vq->mem, vq->desc + (uint64_t)i * sizeof(d),
				 &d, sizeof(d))) {
			*why = "descriptor table unreadable";
			return -EPROTO;
		}
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			/* The spec allows one indirect table, alone. */
			if (seen != 1 || (d.flags & VIRTQ_DESC_F_NEXT)) {
				*why = "indirect descriptor inside a chain";
				return -EPROTO;
			}
			return virtq_walk_indirect(vq, &d, c, why);
		}
		if (virtq_add_seg(vq, c, &d, why))
			return -EPROTO;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return 0;
		i = d.next;
		if (i >= vq->num) {
			*why = "next index out of the table";
			return -EPROTO;
		}
	}
}

/* The driver's avail->idx, checked against what we took: it may be at
 * most num ahead. */
static int virtq_avail_idx(const struct virtq *vq, uint16_t *idx,
			   const char **why)
{
	if (virtq_get16(vq, vq->avail + VIRTQ_AVAIL_IDX, idx)) {
		*why = "available ring unreadable";
		return -EPROTO;
	}
	if ((uint16_t)(*idx - vq->last_avail) > vq->num) {
		*why = "available index jumped more than the queue size";
		return -EPROTO;
	}
	return 0;
}

int virtq_pop(struct virtq *vq, struct virtq_chain *c, const char **why)
{
	uint16_t idx, head;
	uint64_t slot;

	if (virtq_avail_idx(vq, &idx, why))
		return -EPROTO;
	if (idx == vq->last_avail)
		return 0;
	/* We read the ring entry and the descriptors after the index: pairs
	 * with the driver's write barrier between filling them and idx. */
	atomic_thread_fence(memory_order_acquire);
	slot = vq->avail + VIRTQ_AVAIL_RING +
	       2ull * (vq->last_avail & (vq->num - 1));
	if (virtq_get16(vq, slot, &head)) {
		*why = "available ring unreadable";
		return -EPROTO;
	}
	if (head >= vq->num) {
		*why = "available ring names a descriptor out of the table";
		return -EPROTO;
	}
	if (virtq_walk(vq, head, c, why))
		return -EPROTO;
	vq->last_avail++;
	vq->chains++;
	return 1;
}

int virtq_push(struct virtq *vq, uint16_t head, uint32_t len)
{
	struct virtq_used_elem e = { head, len };
	uint64_t slot = vq->used + VIRTQ_USED_RING +
			8ull * (vq->used_idx & (vq->num - 1));
	int err = dom_mem_write(vq->mem, slot, &e, sizeof(e));

	if (err)
		return err;
	/* The driver sees the element before the index that publishes it. */
	atomic_thread_fence(memory_order_release);
	vq->used_idx++;
	return virtq_put16(vq, vq->used + VIRTQ_USED_IDX, vq->used_idx);
}

bool virtq_should_interrupt(struct virtq *vq)
{
	uint16_t old = vq->signalled, v;

	/* Our used->idx is visible before we read the driver's used_event
	 * or flags; else we could miss its request to be told (it re-arms,
	 * then re-checks idx: one of us sees the other). */
	atomic_thread_fence(memory_order_seq_cst);
	vq->signalled = vq->used_idx;
	if (old == vq->used_idx)
		return false;
	if (vq->event_idx) {
		uint64_t ev = vq->avail + VIRTQ_AVAIL_RING + 2ull * vq->num;

		if (virtq_get16(vq, ev, &v))
			return true;
		return virtq_need_event(v, vq->used_idx, old);
	}
	if (virtq_get16(vq, vq->avail, &v))
		return true;
	return !(v & VIRTQ_AVAIL_F_NO_INTERRUPT);
}

bool virtq_pending(struct virtq *vq)
{
	uint16_t idx;

	return !virtq_get16(vq, vq->avail + VIRTQ_AVAIL_IDX, &idx) &&
	       idx != vq->last_avail;
}

bool virtq_enable_notify(struct virtq *vq)
{
	if (vq->event_idx)
		virtq_put16(vq, vq->used + VIRTQ_USED_RING + 8ull * vq->num,
			    vq->last_avail);
	/* The driver sees avail_event before we read its idx again: a
	 * chain it adds after our read is notified, one before is seen. */
	atomic_thread_fence(memory_order_seq_cst);
	return virtq_pending(vq);
}

/* Copy len bytes at offset off of segments seg[0..n) to or from buf. */
static int virtq_copy(const struct virtq *vq, const struct virtq_seg *seg,
		      unsigned n, uint64_t off, void *buf, uint64_t len,
		      bool write)
{
	uint8_t *p = buf;

	for (unsigned i = 0; i < n && len; i++) {
		uint64_t k;
		int err;

		if (off >= seg[i].len) {
			off -= seg[i].len;
			continue;
		}
		k = seg[i].len - off < len ? seg[i].len - off : len;
		err = write ? dom_mem_write(vq->mem, seg[i].gpa + off, p, k)
			    : dom_mem_read(vq->mem, seg[i].gpa + off, p, k);
		if (err)
			return -EFAULT;
		p += k;
		len -= k;
		off = 0;
	}
	return len ? -EFAULT : 0;
}

int virtq_read(const struct virtq *vq, const struct virtq_chain *c,
	       uint64_t off, void *buf, uint64_t len)
{
	return virtq_copy(vq, c->seg, c->nout, off, buf, len, false);
}

int virtq_write(const struct virtq *vq, const struct virtq_chain *c,
		uint64_t off, const void *buf, uint64_t len)
{
	return virtq_copy(vq, c->seg + c->nout, c->nin, off, (void *)buf, len,
			  true);
}
