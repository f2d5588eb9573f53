/* The ATA PIO disk (src/machine/ata.c) through its MMIO window, on a
 * 64-sector image (fuzz_mmio.h).  Command bytes are mostly the ones the
 * device knows (READ/WRITE SECTORS, FLUSH CACHE, IDENTIFY) and sector
 * ranges mostly near the end of the disk.  Checks, besides
 * fuzz_mmio.h's: no access faults; BSY is never seen; DRQ and ERR are
 * never set together; DRDY is always set; the device register reads with
 * its obsolete bits (0xa0) set; offsets and widths that are no register
 * read 0; nothing is written past the image's end (its file keeps its
 * size) and no command moves more sectors than the disk has. */
#include "atoll/abi/ata_pio.h"
#include "fuzz_mmio.h"
#include "machine/ata.h"

#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mmio_region *r = fzb_region(ATA_PIO_BASE);
	struct fz_in in = { data, size };
	struct ata_stats s0, s1;
	struct fz_access a;
	uint8_t status;

	ata_stats_read(fzb.m->ata, &s0);
	while (in.n) {
		uint8_t how = fz_u8(&in);

		fzb_next(&in, r, 8, &a);
		if (how < 128) { /* a register the way a driver uses it */
			a.off = how % 8;
			a.size = a.off == ATA_REG_DATA ? 2 : 1;
			a.val &= a.size == 2 ? 0xffff : 0xff;
			if (a.write && a.off == ATA_REG_COMMAND && how < 96)
				a.val = (uint8_t[]){ 0x20, 0x30, 0xe7,
						     0xec }[how % 4];
			if (a.write && a.off == ATA_REG_SECTOR_COUNT &&
			    how < 64)
				a.val %= 4;
			if (a.write && a.off == ATA_REG_LBA_LOW && how < 64)
				a.val = FZ_DISK_SECTORS - a.val % 4;
			if (a.write && a.off >= ATA_REG_LBA_MID &&
			    a.off <= ATA_REG_DEVICE && how < 64)
				a.val = a.off == ATA_REG_DEVICE ? 0xe0 : 0;
		}
		fzb_access(r, &a);
		CHECK(a.rc == 0);
		if (a.write)
			continue;
		if (a.off == ATA_REG_STATUS && a.size == 1) {
			status = (uint8_t)a.val;
			CHECK(!(status & ATA_SR_BSY));
			CHECK(!((status & ATA_SR_DRQ) &&
				(status & ATA_SR_ERR)));
			CHECK(status & ATA_SR_DRDY);
		}
		if (a.off == ATA_REG_DEVICE && a.size == 1)
			CHECK((a.val & 0xa0) == 0xa0);
		if (a.off > ATA_REG_STATUS || (a.off == 0 && a.size != 2) ||
		    (a.off != 0 && a.size != 1))
			CHECK(a.val == 0);
	}
	ata_stats_read(fzb.m->ata, &s1);
	/* 64 sectors at most per command that does not fail. */
	CHECK(s1.sectors_read - s0.sectors_read <=
	      (s1.commands - s0.commands) * FZ_DISK_SECTORS);
	CHECK(s1.sectors_written - s0.sectors_written <=
	      (s1.commands - s0.commands) * FZ_DISK_SECTORS);
	struct stat st;

	CHECK(fstat(fzb.m->disk->fd, &st) == 0 &&
	      st.st_size == FZ_DISK_SECTORS * 512);
	return 0;
}
