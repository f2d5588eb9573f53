/* The emulated ATA PIO disk (atoll/abi/ata_pio.h) behind the blkdev
 * interface: the full-virtualization path blkbench compares with the PV
 * ring.  Polled (no interrupt), LBA28, one command per request of up to
 * 256 sectors, and every sector moved as 256 16-bit DATA accesses, each
 * of which traps to atoll: b->st.exits counts every register access.
 * The registers sit in the kernel's device megapage at 0x10000000
 * (vm.c), so nothing new is mapped. */
#include <errno.h>
#include <stdint.h>

#include "atoll/abi/ata_pio.h"
#include "blkdev.h"
#include "kernel.h"

#define ATA_POLL_MAX 1000000 /* STATUS reads before giving up */
#define ATA_LBA28_END (1u << 28)
#define ATA_DEV_MEGAPAGE 0x10000000ul
#define ATA_MEGA (2ul << 20)

static volatile uint8_t *const ata_regs = (volatile uint8_t *)ATA_PIO_BASE;
static struct blkdev ata_dev;

static uint8_t ata_in(struct blkdev *b, unsigned reg)
{
	b->st.exits++;
	return ata_regs[reg];
}

static void ata_out(struct blkdev *b, unsigned reg, uint8_t v)
{
	b->st.exits++;
	ata_regs[reg] = v;
}

/* STATUS once BSY is clear, or 0xff (as a floating bus) on time-out. */
static uint8_t ata_wait(struct blkdev *b)
{
	for (long i = 0; i < ATA_POLL_MAX; i++) {
		uint8_t st = ata_in(b, ATA_REG_STATUS);

		if (!(st & ATA_SR_BSY))
			return st;
	}
	return 0xff;
}

/* Load the task file and issue cmd; STATUS once BSY clears. */
static uint8_t ata_issue(struct blkdev *b, uint8_t cmd, uint32_t lba,
			 unsigned count)
{
	ata_out(b, ATA_REG_SECTOR_COUNT, (uint8_t)count); /* 256 -> 0 */
	ata_out(b, ATA_REG_LBA_LOW, (uint8_t)lba);
	ata_out(b, ATA_REG_LBA_MID, (uint8_t)(lba >> 8));
	ata_out(b, ATA_REG_LBA_HIGH, (uint8_t)(lba >> 16));
	ata_out(b, ATA_REG_DEVICE, ATA_DEV_LBA | ((lba >> 24) & 0x0f));
	ata_out(b, ATA_REG_COMMAND, cmd);
	return ata_wait(b);
}

/* Move one sector through DATA, a word per access. */
static void ata_pio_sector(struct blkdev *b, uint16_t *p, int write)
{
	volatile uint16_t *data =
		(volatile uint16_t *)(ata_regs + ATA_REG_DATA);

	for (unsigned i = 0; i < ATA_SECTOR_SIZE / 2; i++)
		if (write)
			*data = p[i];
		else
			p[i] = *data;
	b->st.exits += ATA_SECTOR_SIZE / 2;
}

/* READ or WRITE SECTORS for one request: 0, -EINVAL or -EIO. */
static int ata_rw(struct blkdev *b, struct blkreq *r)
{
	int write = r->op == BLK_WRITE;
	uint8_t st;

	if (!r->nsect || r->nsect > BLKREQ_MAX_PAGES * 8 ||
	    r->sector >= ATA_LBA28_END || r->nsect > ATA_LBA28_END - r->sector)
		return -EINVAL;
	st = ata_issue(b, write ? ATA_CMD_WRITE_SECTORS : ATA_CMD_READ_SECTORS,
		       (uint32_t)r->sector, r->nsect);
	for (uint32_t s = 0; s < r->nsect; s++) {
		uint8_t *page = r->pages[s / 8];

		if ((st & (ATA_SR_ERR | ATA_SR_DRQ)) != ATA_SR_DRQ)
			return -EIO;
		ata_pio_sector(b, (uint16_t *)(page + (s % 8) * 512), write);
		st = ata_wait(b);
	}
	if (st & (ATA_SR_ERR | ATA_SR_DRQ))
		return -EIO;
	b->st.bytes += (uint64_t)r->nsect * BLK_SECTOR_SIZE;
	return 0;
}

static int ata_one(struct blkdev *b, struct blkreq *r)
{
	switch (r->op) {
	case BLK_READ:
	case BLK_WRITE: return ata_rw(b, r);
	case BLK_FLUSH:
		return ata_issue(b, ATA_CMD_FLUSH_CACHE, 0, 0) &
				       (ATA_SR_ERR | ATA_SR_DRQ)
			       ? -EIO
			       : 0;
	default: return -EOPNOTSUPP; /* no discard in ATA PIO */
	}
}

/* blkdev.io: the requests one after another, each to completion. */
static int ata_io(struct blkdev *b, struct blkreq *reqs, unsigned n)
{
	int first = 0;

	for (unsigned i = 0; i < n; i++) {
		reqs[i].status = ata_one(b, &reqs[i]);
		b->st.requests++;
		if (reqs[i].status && !first)
			first = reqs[i].status;
	}
	return first;
}

/* The disk's size from IDENTIFY (words 60-61): sectors, or 0. */
static uint64_t ata_identify(struct blkdev *b)
{
	uint16_t id[ATA_SECTOR_SIZE / 2];
	uint8_t st = ata_issue(b, ATA_CMD_IDENTIFY, 0, 0);

	if ((st & (ATA_SR_ERR | ATA_SR_DRQ)) != ATA_SR_DRQ)
		return 0;
	ata_pio_sector(b, id, 0);
	return id[60] | (uint32_t)id[61] << 16;
}

struct blkdev *ata_open(const void *dtb)
{
	uint32_t reg_hi;

	/* reg is <0 ATA_PIO_BASE 0 ATA_PIO_SIZE>: the base is fixed by the
	 * ABI and inside the device megapage vm.c maps. */
	if (fdt_find_u32(dtb, "atoll,ata-pio", "reg", &reg_hi) || reg_hi)
		return NULL;
	_Static_assert(ATA_PIO_BASE - ATA_DEV_MEGAPAGE < ATA_MEGA,
		       "ATA registers outside the mapped device megapage");
	ata_dev = (struct blkdev){ .name = "ata", .io = ata_io };
	ata_dev.sectors = ata_identify(&ata_dev);
	if (!ata_dev.sectors)
		return NULL;
	return &ata_dev;
}
