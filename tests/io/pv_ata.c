/* The emulated ATA PIO disk from inside a guest (S-mode, atoll's SBI,
 * paging off), run by tests/system/io-ata.sh on a disk of `sectors=N`
 * sectors (the command line).
 *
 * IDENTIFY must report N; DATA without DRQ reads 0; sectors 0..299 are
 * written with two commands (a count of 0 meaning 256, then 44), flushed
 * and read back; a range past the end, a command without the LBA bit and
 * an unknown command end in ERR+ABRT with no data phase; a write abandoned
 * half-way through a sector (a new command) leaves sector 500 untouched.
 * Sector S of the pattern is 32 lines "atasect SSSSSSS\n" (checked on the
 * host too).  Prints the device exits per sector moved. */
#include "atoll/abi/ata_pio.h"
#include "hcall_lib.h"
#include "lib_cmdline.h"
#include "rt.h"

#define PAT_SECTORS 300
#define ABANDON_LBA 500
#define POLL_MAX 100000

static volatile uint8_t *const regs = (volatile uint8_t *)ATA_PIO_BASE;
static unsigned long exits;

static uint8_t reg_in(unsigned off)
{
	exits++;
	return regs[off];
}

static void reg_out(unsigned off, uint8_t v)
{
	exits++;
	regs[off] = v;
}

static uint16_t data_in(void)
{
	exits++;
	return *(volatile uint16_t *)(regs + ATA_REG_DATA);
}

static void data_out(uint16_t v)
{
	exits++;
	*(volatile uint16_t *)(regs + ATA_REG_DATA) = v;
}

/* Byte i of the pattern's sector s: "atasect SSSSSSS\n" repeated. */
static uint8_t pattern(uint64_t s, unsigned i)
{
	static const char head[] = "atasect ";
	unsigned k = i % 16;
	uint64_t v = s;

	if (k < 8)
		return (uint8_t)head[k];
	if (k == 15)
		return '\n';
	for (unsigned d = 14; d > k; d--)
		v /= 10;
	return (uint8_t)('0' + v % 10);
}

/* Wait until BSY is clear: STATUS, or 0xff if it never clears. */
static uint8_t wait_ready(void)
{
	for (int i = 0; i < POLL_MAX; i++) {
		uint8_t st = reg_in(ATA_REG_STATUS);

		if (!(st & ATA_SR_BSY))
			return st;
	}
	return 0xff;
}

/* Task file and command; returns STATUS once BSY clears. */
static uint8_t command(uint8_t cmd, uint32_t lba, uint8_t count, uint8_t dev)
{
	reg_out(ATA_REG_SECTOR_COUNT, count);
	reg_out(ATA_REG_LBA_LOW, (uint8_t)lba);
	reg_out(ATA_REG_LBA_MID, (uint8_t)(lba >> 8));
	reg_out(ATA_REG_LBA_HIGH, (uint8_t)(lba >> 16));
	reg_out(ATA_REG_DEVICE, dev | (uint8_t)((lba >> 24) & 0x0f));
	reg_out(ATA_REG_COMMAND, cmd);
	return wait_ready();
}

/* Write (or read and compare) n pattern sectors from lba: 0, or the
 * number of sectors that failed (no DRQ, ERR, or wrong data). */
static long transfer(int write, uint32_t lba, unsigned n)
{
	uint8_t st =
		command(write ? ATA_CMD_WRITE_SECTORS : ATA_CMD_READ_SECTORS,
			lba, (uint8_t)n, ATA_DEV_LBA);
	long bad = 0;

	for (unsigned s = 0; s < (n ? n : 256); s++, st = wait_ready()) {
		int wrong = 0;

		if ((st & (ATA_SR_DRQ | ATA_SR_ERR)) != ATA_SR_DRQ)
			return bad + 1;
		for (unsigned w = 0; w < 256; w++) {
			uint16_t v =
				(uint16_t)(pattern(lba + s, 2 * w) |
					   pattern(lba + s, 2 * w + 1) << 8);
			if (write)
				data_out(v);
			else if (data_in() != v)
				wrong = 1;
		}
		bad += wrong;
	}
	return bad + ((st & (ATA_SR_DRQ | ATA_SR_ERR)) != 0);
}

static void identify(uint64_t sectors)
{
	uint16_t id[256];
	uint8_t st = command(ATA_CMD_IDENTIFY, 0, 0, ATA_DEV_LBA);

	hc_check("identify: DRQ", st & (ATA_SR_DRQ | ATA_SR_ERR), ATA_SR_DRQ);
	for (unsigned i = 0; i < 256; i++)
		id[i] = data_in();
	hc_check("identify: LBA28 sectors",
		 (long)(id[60] | (uint32_t)id[61] << 16), (long)sectors);
	hc_check("identify: LBA supported", id[49] >> 9 & 1, 1);
	hc_check("identify: done, no DRQ",
		 reg_in(ATA_REG_STATUS) & (ATA_SR_DRQ | ATA_SR_ERR), 0);
	hc_check("DATA without DRQ reads 0", data_in(), 0);
}

/* Commands that must end in ERR+ABRT with no data phase. */
static void refused(const char *what, uint8_t cmd, uint32_t lba, uint8_t n,
		    uint8_t dev)
{
	uint8_t st = command(cmd, lba, n, dev);

	hc_check(what, st & (ATA_SR_ERR | ATA_SR_DRQ), ATA_SR_ERR);
	hc_check(what, reg_in(ATA_REG_ERROR) & ATA_ER_ABRT, ATA_ER_ABRT);
}

/* Half a sector written, then another command: nothing reaches the
 * disk (the host checks sector ABANDON_LBA is still zeros). */
static void abandon(void)
{
	uint8_t st =
		command(ATA_CMD_WRITE_SECTORS, ABANDON_LBA, 1, ATA_DEV_LBA);

	hc_check("abandon: DRQ", st & ATA_SR_DRQ, ATA_SR_DRQ);
	for (unsigned w = 0; w < 128; w++)
		data_out(0x5858);
	hc_check("abandon: read after", transfer(0, 0, 1), 0);
}

int main(void)
{
	struct boot_info bi;
	uint64_t sectors = 2048;
	unsigned long e0;

	if (boot_info_read(rt_boot_dtb, &bi) == 0)
		cmdline_get_u64(bi.cmdline, "sectors", 2048, &sectors);
	identify(sectors);
	e0 = exits;
	hc_check("write 256 sectors (count 0)", transfer(1, 0, 0), 0);
	hc_check("write 44 sectors", transfer(1, 256, PAT_SECTORS - 256), 0);
	rt_printf("ata: %lu exits for %u sectors written\n", exits - e0,
		  PAT_SECTORS);
	hc_check("flush",
		 command(ATA_CMD_FLUSH_CACHE, 0, 0, ATA_DEV_LBA) &
			 (ATA_SR_ERR | ATA_SR_DRQ),
		 0);
	hc_check("read back 256", transfer(0, 0, 0), 0);
	hc_check("read back 44", transfer(0, 256, PAT_SECTORS - 256), 0);
	refused("past the end", ATA_CMD_READ_SECTORS, (uint32_t)sectors - 1, 2,
		ATA_DEV_LBA);
	refused("write past the end", ATA_CMD_WRITE_SECTORS, (uint32_t)sectors,
		1, ATA_DEV_LBA);
	refused("no LBA bit", ATA_CMD_READ_SECTORS, 0, 1, 0);
	refused("unknown command", 0x99, 0, 1, ATA_DEV_LBA);
	hc_check("last sector readable",
		 command(ATA_CMD_READ_SECTORS, (uint32_t)sectors - 1, 1,
			 ATA_DEV_LBA) &
			 (ATA_SR_ERR | ATA_SR_DRQ),
		 ATA_SR_DRQ);
	abandon();
	rt_printf("ata: %lu exits in all\n", exits);
	return hc_finish("pv-ata");
}
