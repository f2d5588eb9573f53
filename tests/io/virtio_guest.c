/* A bare-metal virtio driver (S-mode, atoll's SBI, paging off, polled),
 * run by tests/system/virtio-blk.sh: the same transport and rings Linux
 * uses, driven by hand so that each step can be checked.
 *
 * virtio-blk in the highest slot: capacity, 64 sectors written with a
 * chain of 8 data buffers and read back through an indirect table, a
 * flush, get-id, a read past the end (IOERR); `ro` on the command line:
 * a write must fail with IOERR.  Then a descriptor loop: the device must
 * go to DEVICE_NEEDS_RESET (the host logs one line), and a reset revives
 * it.  virtio-rng in the slot below: 64 random bytes. */
#include "lib_cmdline.h"
#include "rt.h"

#define SLOT(n) (0x10001000ul + (n)*0x1000ul)
#define QN 16 /* queue size: room for a 10-descriptor chain */
#define POLL_MAX 20000000ul

#define F_INDIRECT (1u << 28)
#define ST_ACK 1
#define ST_DRIVER 2
#define ST_DRIVER_OK 4
#define ST_FEATURES_OK 8
#define ST_NEEDS_RESET 64

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

struct ring {
	struct desc d[QN] __attribute__((aligned(16)));
	uint16_t avail[2 + QN + 1] __attribute__((aligned(2)));
	struct {
		uint16_t flags, idx;
		struct {
			uint32_t id, len;
		} e[QN];
		uint16_t avail_event;
	} used __attribute__((aligned(4)));
	struct desc ind[16] __attribute__((aligned(16)));
	uint16_t next_avail, seen_used;
};

static struct ring blk_ring, rng_ring;
static uint8_t data[64 * 512], back[64 * 512], rnd[64];
static struct {
	uint32_t type, reserved;
	uint64_t sector;
} hdr;
static volatile uint8_t status;
static int fails;

static volatile uint32_t *reg(unsigned slot, unsigned off)
{
	return (volatile uint32_t *)(SLOT(slot) + off);
}

static void check(int ok, const char *what)
{
	if (!ok) {
		rt_printf("virtio-guest: FAIL %s\n", what);
		fails++;
	}
}

static void mb(void)
{
	__asm__ volatile("fence rw, rw" ::: "memory");
}

/* Reset, negotiate VERSION_1 (+ want), set up queue 0 on r: status. */
static uint32_t dev_init(unsigned slot, struct ring *r, uint32_t want)
{
	uint32_t f0;

	*reg(slot, 0x70) = 0;
	*reg(slot, 0x70) = ST_ACK | ST_DRIVER;
	*reg(slot, 0x14) = 0;
	f0 = *reg(slot, 0x10);
	*reg(slot, 0x24) = 0;
	*reg(slot, 0x20) = f0 & want;
	*reg(slot, 0x24) = 1;
	*reg(slot, 0x20) = 1; /* VERSION_1 */
	*reg(slot, 0x70) = ST_ACK | ST_DRIVER | ST_FEATURES_OK;
	if (!(*reg(slot, 0x70) & ST_FEATURES_OK))
		return *reg(slot, 0x70);
	memset(r, 0, sizeof(*r));
	*reg(slot, 0x30) = 0;
	*reg(slot, 0x38) = QN;
	*reg(slot, 0x80) = (uint32_t)(uintptr_t)r->d;
	*reg(slot, 0x84) = 0;
	*reg(slot, 0x90) = (uint32_t)(uintptr_t)r->avail;
	*reg(slot, 0x94) = 0;
	*reg(slot, 0xa0) = (uint32_t)(uintptr_t)&r->used;
	*reg(slot, 0xa4) = 0;
	*reg(slot, 0x44) = 1;
	*reg(slot, 0x70) = ST_ACK | ST_DRIVER | ST_FEATURES_OK | ST_DRIVER_OK;
	return *reg(slot, 0x70);
}

/* Offer chain `head`, kick, wait for it: the used length, or -1. */
static long submit(unsigned slot, struct ring *r, uint16_t head)
{
	r->avail[2 + r->next_avail % QN] = head;
	mb(); /* the device sees the ring entry before the index */
	r->avail[1] = ++r->next_avail;
	mb();
	*reg(slot, 0x50) = 0;
	for (unsigned long i = 0; i < POLL_MAX; i++) {
		mb();
		if (*(volatile uint16_t *)&r->used.idx != r->seen_used) {
			uint32_t len = r->used.e[r->seen_used % QN].len;
			r->seen_used++;
			*reg(slot, 0x64) = *reg(slot, 0x60); /* ack */
			return len;
		}
		if (*reg(slot, 0x70) & ST_NEEDS_RESET)
			return -1;
	}
	return -1;
}

static void set(struct desc *d, void *p, uint32_t len, uint16_t flags,
		uint16_t next)
{
	d->addr = (uintptr_t)p;
	d->len = len;
	d->flags = flags;
	d->next = next;
}

/* A request of `type` at `sector` with n bytes of data, direct (8
 * buffers) or through the indirect table: the status byte, or 0xff. */
static uint8_t blk_req(uint32_t type, uint64_t sector, uint8_t *buf, uint32_t n,
		       int indirect)
{
	struct ring *r = &blk_ring;
	struct desc *t = indirect ? r->ind : r->d;
	uint16_t w = type == 0 || type == 8 ? 2 : 0;
	unsigned k = 1, parts = n ? 8 : 0;

	hdr.type = type;
	hdr.sector = sector;
	status = 0xee;
	set(&t[0], &hdr, 16, 1, 1);
	for (unsigned i = 0; i < parts; i++, k++)
		set(&t[k], buf + i * (n / 8), n / 8, 1 | w, (uint16_t)(k + 1));
	set(&t[k], (void *)&status, 1, 2, 0);
	if (indirect)
		set(&r->d[0], r->ind, (k + 1) * 16, 4, 0);
	if (submit(7, r, 0) < 0)
		return 0xff;
	return status;
}

static void test_blk(int ro)
{
	uint32_t st = dev_init(7, &blk_ring, F_INDIRECT);
	uint64_t cap = *reg(7, 0x100) | (uint64_t)*reg(7, 0x104) << 32;

	check(*reg(7, 0) == 0x74726976 && *reg(7, 4) == 2, "magic/version");
	check(*reg(7, 8) == 2, "blk in the highest slot");
	check(st & ST_DRIVER_OK, "blk set up");
	check(cap == 2048, "capacity 2048 sectors");
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)("virtio-blk-sect\n"[i % 16]);
	if (ro) {
		check(blk_req(1, 0, data, sizeof(data), 0) == 1,
		      "write to a read-only disk: IOERR");
		check(blk_req(0, 0, back, sizeof(back), 1) == 0, "ro read");
		return;
	}
	check(blk_req(1, 100, data, sizeof(data), 0) == 0, "write");
	check(blk_req(4, 0, 0, 0, 0) == 0, "flush");
	check(blk_req(0, 100, back, sizeof(back), 1) == 0, "indirect read");
	check(!memcmp(data, back, sizeof(data)), "read back");
	check(blk_req(0, 2047, back, sizeof(back), 0) == 1, "past the end");
	check(blk_req(8, 0, back, 64, 0) == 0 && !memcmp(back, "atoll", 5),
	      "get-id");
	rt_printf("virtio-guest: blk ok\n");
}

/* A descriptor loop: NEEDS_RESET, nothing used; a reset revives it. */
static void test_hostile(void)
{
	struct ring *r = &blk_ring;

	set(&r->d[0], &hdr, 16, 1, 1);
	set(&r->d[1], back, 512, 1, 0);
	check(submit(7, r, 0) < 0, "loop refused");
	check(*reg(7, 0x70) & ST_NEEDS_RESET, "NEEDS_RESET after a loop");
	check(dev_init(7, r, F_INDIRECT) & ST_DRIVER_OK, "reset and set up");
	check(blk_req(0, 100, back, sizeof(back), 0) == 0 &&
		      !memcmp(data, back, sizeof(data)),
	      "works after the reset");
	rt_printf("virtio-guest: hostile ok\n");
}

static void test_rng(void)
{
	struct ring *r = &rng_ring;
	unsigned zero = 0;

	check(*reg(6, 8) == 4, "rng in the next slot");
	check(dev_init(6, r, 0) & ST_DRIVER_OK, "rng set up");
	set(&r->d[0], rnd, sizeof(rnd), 2, 0);
	check(submit(6, r, 0) == sizeof(rnd), "64 random bytes");
	for (unsigned i = 0; i < sizeof(rnd); i++)
		zero += !rnd[i];
	check(zero < 8, "random bytes are not zeros");
	rt_printf("virtio-guest: rng ok\n");
}

int main(void)
{
	struct boot_info bi;
	int ro = 0;

	if (!boot_info_read(rt_boot_dtb, &bi))
		ro = !memcmp(bi.cmdline, "ro", 3);
	test_blk(ro);
	if (!ro) {
		test_hostile();
		test_rng();
	}
	rt_printf("virtio-guest: %s\n", fails ? "FAILED" : "all ok");
	return fails ? 1 : 0;
}
