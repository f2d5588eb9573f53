/* Shared by the virtio fuzz targets: a hostile driver made of input
 * bytes, talking to a real device through the real virtio-mmio handlers
 * and the memory of a real domain (one per input).  Operations: register
 * and config accesses of any size, raw writes into the ring area, a
 * proper set-up now and then (to get deep), descriptors, kicks and
 * passes of the device on this thread.  At the end the device is
 * destroyed and the memory host must be as it was. */
#ifndef ATOLL_TESTS_FUZZ_VIRTIO_H
#define ATOLL_TESTS_FUZZ_VIRTIO_H

#include "fuzz_io.h"
#include "virtio/virtio_devs.h"
#include "virtio_drv.h"

#define FV_RING_AREA 0x20000u /* bytes from VD_RAM the input writes into */

/* A guest-physical address as a driver would give one: mostly inside the
 * ring and buffer area, sometimes at the end of RAM, in MMIO or wild. */
static inline uint64_t fv_addr(struct fz_in *in)
{
	uint8_t v = fz_u8(in);

	if (v < 224)
		return VD_RAM + (uint64_t)fz_u16(in) * 2 % FV_RING_AREA;
	if (v < 240)
		return VD_RAM + ((uint64_t)IT_FRAMES << 12) - fz_u8(in);
	if (v < 248)
		return 0x10001000ull + fz_u8(in);
	return fz_u64(in);
}

static inline void fv_op(struct vdrv *d, struct fz_in *in, unsigned nq)
{
	uint8_t buf[64];
	uint64_t v64;
	unsigned q = fz_u8(in) % nq, len;

	switch (fz_u8(in) % 9) {
	case 0:
		virtio_mmio_write(d->dev, fz_u16(in) % 0x180,
				  1u << (fz_u8(in) % 4), fz_u32(in));
		break;
	case 1:
		virtio_mmio_read(d->dev, fz_u16(in) % 0x180,
				 1u << (fz_u8(in) % 4), &v64);
		break;
	case 2:
		len = fz_u8(in) % sizeof(buf);
		fz_bytes(in, buf, len);
		dom_mem_write(d->mem, VD_RAM + fz_u16(in) % FV_RING_AREA, buf,
			      len);
		break;
	case 3: {
		uint64_t f = fz_u8(in) < 200 ? VIRTIO_BIT(VIRTIO_F_VERSION_1) |
						       fz_u32(in)
					     : fz_u64(in);
		vd_setup(d, f, nq, (uint16_t)(1u << (fz_u8(in) % 9)));
		break;
	}
	case 4:
		if (d->num)
			vd_desc(d, q, fz_u16(in) % d->num, fv_addr(in),
				fz_u16(in), fz_u8(in) & 7, fz_u16(in));
		break;
	case 5:
		if (d->num)
			vd_submit_step(d, q, fz_u16(in) % (d->num + 2),
				       fz_u8(in) < 240 ? 1 : fz_u16(in));
		break;
	case 6:
		/* The periodic work of devices that have some. */
		if (d->dev->ops->tick && virtio_dev_live(d->dev)) {
			pthread_mutex_lock(&d->dev->qlock);
			d->dev->ops->tick(d->dev);
			pthread_mutex_unlock(&d->dev->qlock);
		}
		break;
	default:
		for (int i = 0; i < 4 && virtio_dev_serve_once(d->dev); i++)
			;
		break;
	}
}

/* Run the input's operations on device dev (already created over
 * fz_mem[0]), then destroy it and check the host. */
static inline void fv_run(struct vdrv *d, struct fz_in *in, unsigned nq)
{
	for (int ops = 0; in->n && ops < 256; ops++)
		fv_op(d, in, nq);
	virtio_dev_destroy(d->dev);
}

/* A fresh domain 1 for this input. */
static inline void fv_dom_create(struct vdrv *d)
{
	fz_host_once();
	fz_mem[0] = it_dom(&fz_mh, 1);
	FZ_ASSERT(fz_mem[0]);
	memset(d, 0, sizeof(*d));
	d->mem = fz_mem[0];
}

static inline void fv_dom_destroy(void)
{
	struct mem_host_stats st;

	FZ_ASSERT(mem_host_check(&fz_mh) == 0);
	dom_mem_destroy(fz_mem[0]);
	mem_host_get_stats(&fz_mh, &st);
	FZ_ASSERT(st.free == st.frames);
	FZ_ASSERT(mpool_check(&fz_mh.pool) == 0);
}

#endif
