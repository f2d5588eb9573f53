/* The emulated ATA PIO disk (atoll/abi/ata_pio.h): full virtualization's
 * way to a disk, for contrast with the PV block ring.  A task file of
 * 8-bit registers and a 16-bit DATA register through which every word of
 * every sector passes, one trapped guest access each.
 *
 * Commands complete synchronously inside the COMMAND write (BSY is never
 * seen set): a transfer is a sector buffer, the word position in it and
 * the sectors left.  The image is read when a sector's data phase starts
 * and written when its last word arrives, through the disk the PV
 * back-end serves (io/disk.h).  Any sequence of guest accesses is safe:
 * DATA without DRQ reads 0 and is ignored, a COMMAND write abandons any
 * transfer under way, a bad range or command sets ERR with ABRT. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "atoll/abi/ata_pio.h"
#include "io/disk.h"
#include "machine/ata.h"
#include "machine/devices.h"

#define ATA_WORDS (ATA_SECTOR_SIZE / 2)
#define ATA_LBA28_MAX 0x0fffffffu
#define ATA_DEV_ALWAYS 0xa0 /* obsolete bits that read as one */

enum ata_phase { ATA_IDLE, ATA_DATA_IN, ATA_DATA_OUT };

struct ata {
	pthread_mutex_t lock;
	struct disk *disk;
	uint8_t error, nsect, lba[3], device, status;
	enum ata_phase phase;
	uint8_t cmd; /* the command whose data phase runs */
	uint32_t lba_cur; /* sector in the buffer */
	uint32_t left; /* sectors left, the buffer's included */
	unsigned pos; /* next word of the buffer */
	uint16_t buf[ATA_WORDS];
	struct ata_stats st;
};

/* The disk's size in sectors, as far as LBA28 reaches. */
static uint32_t ata_sectors(const struct ata *a)
{
	uint64_t n = a->disk->size / ATA_SECTOR_SIZE;

	return n > ATA_LBA28_MAX ? ATA_LBA28_MAX : (uint32_t)n;
}

/* End the command: with ERR+ABRT if `err`, else ready. */
static void ata_finish(struct ata *a, int err)
{
	a->phase = ATA_IDLE;
	a->pos = 0;
	a->left = 0;
	a->error = err ? ATA_ER_ABRT : 0;
	a->status = ATA_SR_DRDY | (err ? ATA_SR_ERR : 0);
	if (err)
		a->st.errors++;
}

/* Start the data phase of sector lba_cur: DRQ, buffer filled if reading. */
static void ata_sector_begin(struct ata *a)
{
	uint64_t off = (uint64_t)a->lba_cur * ATA_SECTOR_SIZE;

	a->pos = 0;
	if (a->phase == ATA_DATA_IN && a->cmd == ATA_CMD_READ_SECTORS) {
		if (a->disk->ops->read(a->disk, off, a->buf, ATA_SECTOR_SIZE)) {
			ata_finish(a, 1);
			return;
		}
		a->st.sectors_read++;
	}
	a->status = ATA_SR_DRDY | ATA_SR_DRQ;
}

/* The buffer's last word moved: write it out, go on or finish. */
static void ata_sector_end(struct ata *a)
{
	uint64_t off = (uint64_t)a->lba_cur * ATA_SECTOR_SIZE;

	if (a->phase == ATA_DATA_OUT) {
		if (a->disk->ops->write(a->disk, off, a->buf,
					ATA_SECTOR_SIZE)) {
			ata_finish(a, 1);
			return;
		}
		a->st.sectors_written++;
	}
	if (--a->left == 0) {
		ata_finish(a, 0);
		return;
	}
	a->lba_cur++;
	ata_sector_begin(a);
}

/* An ATA string: two characters a word, the first in the high byte,
 * padded with spaces. */
static void ata_id_string(uint16_t *w, unsigned words, const char *s)
{
	size_t len = strlen(s);

	for (unsigned i = 0; i < 2 * words; i++) {
		uint8_t c = i < len ? (uint8_t)s[i] : ' ';

		if (i & 1)
			w[i / 2] |= c;
		else
			w[i / 2] = (uint16_t)(c << 8);
	}
}

/* IDENTIFY DEVICE's 256 words (only what a driver needs). */
static void ata_identify(struct ata *a)
{
	uint32_t n = ata_sectors(a);

	memset(a->buf, 0, sizeof(a->buf));
	a->buf[0] = 0x0040; /* fixed device */
	ata_id_string(&a->buf[10], 10, "ATOLL0001");
	ata_id_string(&a->buf[23], 4, "1.0");
	ata_id_string(&a->buf[27], 20, "atoll ATA PIO disk");
	a->buf[49] = 1u << 9; /* LBA */
	a->buf[60] = (uint16_t)n;
	a->buf[61] = (uint16_t)(n >> 16);
	a->buf[80] = 1u << 6; /* ATA/ATAPI-6 */
	a->buf[83] = 1u << 14 | 1u << 12; /* FLUSH CACHE supported */
	a->buf[86] = 1u << 12; /* ... and enabled */
	a->phase = ATA_DATA_IN;
	a->left = 1;
	a->pos = 0;
	a->status = ATA_SR_DRDY | ATA_SR_DRQ;
}

/* READ/WRITE SECTORS: check the whole range first (nothing moves if any
 * of it is past the end), then the first sector's data phase. */
static void ata_rw(struct ata *a, int write)
{
	uint32_t count = a->nsect ? a->nsect : 256;
	uint32_t lba = (uint32_t)(a->device & 0x0f) << 24 |
		       (uint32_t)a->lba[2] << 16 | (uint32_t)a->lba[1] << 8 |
		       a->lba[0];
	uint32_t total = ata_sectors(a);

	if (!(a->device & ATA_DEV_LBA) || lba >= total || count > total - lba) {
		ata_finish(a, 1);
		return;
	}
	a->phase = write ? ATA_DATA_OUT : ATA_DATA_IN;
	a->lba_cur = lba;
	a->left = count;
	ata_sector_begin(a);
}

static void ata_command(struct ata *a, uint8_t cmd)
{
	a->st.commands++;
	ata_finish(a, 0); /* a new command abandons any transfer */
	a->cmd = cmd;
	switch (cmd) {
	case ATA_CMD_READ_SECTORS: ata_rw(a, 0); break;
	case ATA_CMD_WRITE_SECTORS: ata_rw(a, 1); break;
	case ATA_CMD_FLUSH_CACHE:
		a->st.flushes++;
		ata_finish(a, a->disk->ops->flush(a->disk) != 0);
		break;
	case ATA_CMD_IDENTIFY: ata_identify(a); break;
	default: ata_finish(a, 1);
	}
}

/* One 16-bit DATA access: moves a word only while DRQ is set. */
static uint16_t ata_data(struct ata *a, int write, uint16_t v)
{
	uint16_t r = 0;

	a->st.data++;
	if (!(a->status & ATA_SR_DRQ) ||
	    (a->phase == ATA_DATA_OUT) != (write != 0) || a->pos >= ATA_WORDS)
		return 0;
	if (write)
		a->buf[a->pos] = v;
	else
		r = a->buf[a->pos];
	if (++a->pos == ATA_WORDS)
		ata_sector_end(a);
	return r;
}

int ata_read(void *opaque, uint64_t off, unsigned size, uint64_t *val)
{
	struct ata *a = opaque;

	*val = 0;
	pthread_mutex_lock(&a->lock);
	a->st.exits++;
	if (off == ATA_REG_DATA && size == 2)
		*val = ata_data(a, 0, 0);
	else if (size == 1 && off <= ATA_REG_STATUS)
		switch (off) {
		case ATA_REG_ERROR: *val = a->error; break;
		case ATA_REG_SECTOR_COUNT: *val = a->nsect; break;
		case ATA_REG_LBA_LOW:
		case ATA_REG_LBA_MID:
		case ATA_REG_LBA_HIGH:
			*val = a->lba[off - ATA_REG_LBA_LOW];
			break;
		case ATA_REG_DEVICE: *val = a->device | ATA_DEV_ALWAYS; break;
		case ATA_REG_STATUS: *val = a->status; break;
		}
	pthread_mutex_unlock(&a->lock);
	return 0;
}

int ata_write(void *opaque, uint64_t off, unsigned size, uint64_t val)
{
	struct ata *a = opaque;
	uint8_t b = (uint8_t)val;

	pthread_mutex_lock(&a->lock);
	a->st.exits++;
	if (off == ATA_REG_DATA && size == 2)
		ata_data(a, 1, (uint16_t)val);
	else if (size == 1 && off <= ATA_REG_COMMAND)
		switch (off) {
		case ATA_REG_SECTOR_COUNT: a->nsect = b; break;
		case ATA_REG_LBA_LOW:
		case ATA_REG_LBA_MID:
		case ATA_REG_LBA_HIGH: a->lba[off - ATA_REG_LBA_LOW] = b; break;
		case ATA_REG_DEVICE: a->device = b; break;
		case ATA_REG_COMMAND: ata_command(a, b); break;
		}
	pthread_mutex_unlock(&a->lock);
	return 0;
}

static const struct mmio_ops ata_ops = {
	.read = ata_read,
	.write = ata_write,
};

int ata_create(struct disk *disk, struct ata **out)
{
	struct ata *a = calloc(1, sizeof(*a));

	if (!a)
		return -ENOMEM;
	pthread_mutex_init(&a->lock, NULL);
	a->disk = disk;
	a->status = ATA_SR_DRDY;
	*out = a;
	return 0;
}

void ata_free(struct ata *a)
{
	if (!a)
		return;
	pthread_mutex_destroy(&a->lock);
	free(a);
}

void ata_stats_read(struct ata *a, struct ata_stats *st)
{
	pthread_mutex_lock(&a->lock);
	*st = a->st;
	pthread_mutex_unlock(&a->lock);
}

/* The controller exists only with a disk (no node in the tree either). */
int ata_init(struct machine *m)
{
	int err;

	if (!m->disk)
		return 0;
	err = ata_create(m->disk, &m->ata);
	if (err)
		return err;
	err = machine_add_mmio(m, ATA_PIO_BASE, ATA_PIO_SIZE, &ata_ops, m->ata);
	if (err) {
		ata_free(m->ata);
		m->ata = NULL;
	}
	return err;
}

void ata_destroy(struct machine *m)
{
	ata_free(m->ata);
	m->ata = NULL;
}

void ata_get_stats(const struct machine *m, struct ata_stats *st)
{
	if (m->ata)
		ata_stats_read(m->ata, st);
	else
		*st = (struct ata_stats){ 0 };
}
