/* The split virtqueue (src/virtio/virtq.c) alone: the input writes the
 * driver's side (descriptor table, available ring, indirect tables) in a
 * real domain's memory and moves the available index; the device side
 * pops, copies and pushes.  Invariants: every chain popped is bounded
 * (segments, bytes), lies in guest RAM, keeps readable before writable;
 * the used index moves by exactly the chains pushed; a broken queue stops
 * the walk (the caller would mark the device NEEDS_RESET). */
#include "fuzz_virtio.h"

static void fq_check_chain(const struct virtq_chain *c, uint16_t num)
{
	uint64_t out = 0, in = 0;

	FZ_ASSERT(c->head < num);
	FZ_ASSERT(c->nout + c->nin <= VIRTQ_MAX_SEGS);
	for (unsigned i = 0; i < c->nout + c->nin; i++) {
		FZ_ASSERT(c->seg[i].len);
		FZ_ASSERT(dom_mem_contains(fz_mem[0], c->seg[i].gpa,
					   c->seg[i].len));
		*(i < c->nout ? &out : &in) += c->seg[i].len;
	}
	FZ_ASSERT(out == c->out_len && in == c->in_len);
	FZ_ASSERT(out <= VIRTQ_MAX_CHAIN_BYTES && in <= VIRTQ_MAX_CHAIN_BYTES);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct virtq_chain c;
	static uint8_t buf[512];
	struct fz_in in = { data, size };
	struct virtq vq = { 0 };
	struct vdrv d;
	const char *why;
	bool broken = false;

	fv_dom_create(&d);
	vq.mem = d.mem;
	vq.num_max = 256;
	vq.num = (uint16_t)(1u << (fz_u8(&in) % 9));
	vq.desc = VD_DESC;
	vq.avail = VD_AVAIL;
	vq.used = VD_USED;
	vq.indirect = fz_u8(&in) & 1;
	vq.event_idx = fz_u8(&in) & 1;
	d.num = vq.num;
	FZ_ASSERT(virtq_check(&vq, &why) == 0);
	virtq_start(&vq);
	for (int ops = 0; in.n && ops < 256 && !broken; ops++) {
		uint16_t before = vq.used_idx;
		unsigned len;
		int r;

		switch (fz_u8(&in) % 4) {
		case 0:
			vd_desc(&d, 0, fz_u16(&in) % vq.num, fv_addr(&in),
				fz_u16(&in) % 8192, fz_u8(&in) & 7,
				fz_u16(&in));
			break;
		case 1:
			len = fz_u8(&in) % 64;
			fz_bytes(&in, buf, len);
			dom_mem_write(d.mem,
				      VD_RAM + fz_u16(&in) % FV_RING_AREA, buf,
				      len);
			break;
		case 2: {
			uint16_t idx = vq.last_avail + fz_u8(&in) % 4;
			uint16_t head = fz_u16(&in) % (vq.num + 1);
			dom_mem_write(d.mem,
				      VD_AVAIL + 4 + 2ull * (idx % vq.num),
				      &head, 2);
			idx++;
			dom_mem_write(d.mem, VD_AVAIL + 2, &idx, 2);
			break;
		}
		default:
			r = virtq_pop(&vq, &c, &why);
			if (r < 0) {
				FZ_ASSERT(why);
				broken = true;
				break;
			}
			if (!r)
				break;
			fq_check_chain(&c, vq.num);
			len = c.in_len < sizeof(buf) ? (unsigned)c.in_len
						     : sizeof(buf);
			FZ_ASSERT(!virtq_read(&vq, &c, 0, buf,
					      c.out_len < sizeof(buf)
						      ? c.out_len
						      : sizeof(buf)));
			FZ_ASSERT(!virtq_write(&vq, &c, 0, buf, len));
			FZ_ASSERT(virtq_write(&vq, &c, c.in_len, buf, 1));
			FZ_ASSERT(!virtq_push(&vq, c.head, len));
			FZ_ASSERT(vq.used_idx == (uint16_t)(before + 1));
			virtq_should_interrupt(&vq);
			virtq_enable_notify(&vq);
			break;
		}
	}
	fv_dom_destroy();
	return 0;
}
