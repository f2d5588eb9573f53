/* The emulated ATA PIO disk's state machine (src/machine/ata.c) without a
 * board: a sector written and read back through the registers, a disk
 * error ending the command with ERR+ABRT, and a storm of random register
 * accesses (offsets, widths, values, commands with random task files)
 * against a disk that checks every access lies inside it, runs under
 * ASan in `make SAN=1 test`, and must never see a data phase run past
 * its sector or a counter go wrong. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "atoll/abi/ata_pio.h"
#include "io/disk.h"
#include "machine/ata.h"
#include "check.h"

#define DISK_SECTORS 40
#define DISK_BYTES (DISK_SECTORS * ATA_SECTOR_SIZE)

static uint8_t bytes[DISK_BYTES];
static int fail_io; /* make the next disk read/write fail */
static long disk_calls, out_of_bounds;

static int td_check(uint64_t off, uint64_t len)
{
	disk_calls++;
	if (len != ATA_SECTOR_SIZE || off > DISK_BYTES - len || off % 512) {
		out_of_bounds++;
		return -EIO;
	}
	if (fail_io) {
		fail_io = 0;
		return -EIO;
	}
	return 0;
}

static int td_read(struct disk *d, uint64_t off, void *buf, uint64_t len)
{
	int err = td_check(off, len);

	if (!err)
		memcpy(buf, bytes + off, len);
	return err;
}

static int td_write(struct disk *d, uint64_t off, const void *buf, uint64_t len)
{
	int err = td_check(off, len);

	if (!err)
		memcpy(bytes + off, buf, len);
	return err;
}

static int td_flush(struct disk *d)
{
	return 0;
}

static const struct disk_ops td_ops = { .read = td_read,
					.write = td_write,
					.flush = td_flush };
/* A size with a tail that is not a whole sector (ignored). */
static struct disk td = { &td_ops, DISK_BYTES + 100, -1 };

static uint64_t rd(struct ata *a, unsigned off, unsigned size)
{
	uint64_t v = 0xdead;

	CHECK_EQ(ata_read(a, off, size, &v), 0);
	return v;
}

static void wr(struct ata *a, unsigned off, unsigned size, uint64_t v)
{
	CHECK_EQ(ata_write(a, off, size, v), 0);
}

static void task(struct ata *a, uint8_t cmd, uint32_t lba, uint8_t n)
{
	wr(a, ATA_REG_SECTOR_COUNT, 1, n);
	wr(a, ATA_REG_LBA_LOW, 1, lba & 0xff);
	wr(a, ATA_REG_LBA_MID, 1, lba >> 8 & 0xff);
	wr(a, ATA_REG_LBA_HIGH, 1, lba >> 16 & 0xff);
	wr(a, ATA_REG_DEVICE, 1, ATA_DEV_LBA | (lba >> 24 & 0xf));
	wr(a, ATA_REG_COMMAND, 1, cmd);
}

static void test_roundtrip(struct ata *a)
{
	struct ata_stats st;

	task(a, ATA_CMD_WRITE_SECTORS, 7, 2);
	for (unsigned i = 0; i < 512; i++) {
		CHECK_EQ(rd(a, ATA_REG_STATUS, 1) & ATA_SR_DRQ, ATA_SR_DRQ);
		wr(a, ATA_REG_DATA, 2, i * 3);
	}
	CHECK_EQ(rd(a, ATA_REG_STATUS, 1), ATA_SR_DRDY);
	CHECK_EQ(bytes[8 * 512 + 2], 3 * 257 & 0xff); /* word 257, low */
	task(a, ATA_CMD_READ_SECTORS, 7, 2);
	for (unsigned i = 0; i < 512; i++)
		CHECK_EQ(rd(a, ATA_REG_DATA, 2), i * 3 & 0xffff);
	CHECK_EQ(rd(a, ATA_REG_DATA, 2), 0); /* no DRQ any more */
	task(a, ATA_CMD_IDENTIFY, 0, 0);
	for (unsigned i = 0; i < 256; i++) {
		uint64_t w = rd(a, ATA_REG_DATA, 2);

		if (i == 60)
			CHECK_EQ(w, DISK_SECTORS);
	}
	fail_io = 1;
	task(a, ATA_CMD_READ_SECTORS, 0, 1);
	CHECK_EQ(rd(a, ATA_REG_STATUS, 1), ATA_SR_DRDY | ATA_SR_ERR);
	CHECK_EQ(rd(a, ATA_REG_ERROR, 1), ATA_ER_ABRT);
	task(a, ATA_CMD_READ_SECTORS, DISK_SECTORS - 1, 2); /* past the end */
	CHECK_EQ(rd(a, ATA_REG_STATUS, 1), ATA_SR_DRDY | ATA_SR_ERR);
	ata_stats_read(a, &st);
	CHECK_EQ(st.sectors_written, 2);
	CHECK_EQ(st.sectors_read, 2);
	CHECK_EQ(st.commands, 5);
	CHECK_EQ(st.errors, 2);
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

/* Half the time, a run of DATA accesses of random direction and length
 * (enough to move whole sectors); how many. */
static long burst(struct ata *a)
{
	uint32_t r = next();
	long k = r & 1 ? (long)(r >> 1) % 1100 : 0;

	for (long j = 0; j < k; j++) {
		if (r >> 12 & 1)
			wr(a, ATA_REG_DATA, 2, j);
		else
			rd(a, ATA_REG_DATA, 2);
	}
	return k;
}

/* Random accesses; commands get a task file near the disk's end half of
 * the time.  The counters must add up. */
static void test_storm(struct ata *a)
{
	static const uint8_t cmds[] = { ATA_CMD_READ_SECTORS,
					ATA_CMD_WRITE_SECTORS,
					ATA_CMD_FLUSH_CACHE, ATA_CMD_IDENTIFY };
	static const unsigned sizes[] = { 1, 2, 4, 8 };
	struct ata_stats before, after;
	long n = 3000000;

	ata_stats_read(a, &before);
	for (long i = 0; i < n; i++) {
		uint32_t r = next();
		unsigned off = r % 16 < 12 ? r % 8 : next() % ATA_PIO_SIZE;
		unsigned size = sizes[r >> 8 & 3];

		if (off + size > ATA_PIO_SIZE)
			off = ATA_PIO_SIZE - size;
		if ((r >> 12 & 63) == 0) {
			uint32_t lba = next();

			if (r >> 19 & 3) /* mostly inside, or at the end */
				lba = r >> 20 & 1 ? DISK_SECTORS - lba % 4
						  : lba % DISK_SECTORS;
			fail_io = (r >> 21 & 15) == 0;
			task(a, cmds[r >> 22 & 3], lba, next() % 4);
			i += 5 + burst(a);
		} else if (r >> 10 & 1) {
			wr(a, off, size, next());
		} else {
			rd(a, off, size);
		}
	}
	ata_stats_read(a, &after);
	CHECK(after.exits - before.exits >= (uint64_t)n);
	CHECK(after.commands > before.commands);
	CHECK(after.sectors_written > before.sectors_written);
	CHECK(after.sectors_read > before.sectors_read + 100);
	CHECK_EQ(out_of_bounds, 0);
}

int main(void)
{
	struct ata *a;

	CHECK_EQ(ata_create(&td, &a), 0);
	CHECK_EQ(rd(a, ATA_REG_STATUS, 1), ATA_SR_DRDY);
	CHECK_EQ(rd(a, ATA_REG_DATA, 2), 0);
	test_roundtrip(a);
	test_storm(a);
	printf("ata: %ld disk calls in the storm and before\n", disk_calls);
	ata_free(a);
	return check_done("ata");
}
