/* The emulated ATA PIO disk (ata.c, register protocol in
 * atoll/abi/ata_pio.h): its counters, and the device itself apart from
 * the board so that unit tests drive the real state machine. */
#ifndef ATOLL_MACHINE_ATA_H
#define ATOLL_MACHINE_ATA_H

#include <stdint.h>

struct ata;
struct disk;
struct machine;

/* Every guest access is a device exit: `exits` counts them all, `data`
 * the DATA-register ones among them. */
struct ata_stats {
	uint64_t exits, data;
	uint64_t commands; /* COMMAND writes */
	uint64_t sectors_read, sectors_written;
	uint64_t errors; /* commands ended with ERR */
	uint64_t flushes;
};

/* A controller serving `disk` (borrowed): 0 or -ENOMEM. */
int ata_create(struct disk *disk, struct ata **out);
void ata_free(struct ata *a);
/* The MMIO handlers (machine.h's mmio_ops contract; they never fault). */
int ata_read(void *opaque, uint64_t off, unsigned size, uint64_t *val);
int ata_write(void *opaque, uint64_t off, unsigned size, uint64_t val);
/* A snapshot of a's counters (racy by a few counts while harts run). */
void ata_stats_read(struct ata *a, struct ata_stats *st);

/* The board's controller's counters; zeros if it has none (no disk). */
void ata_get_stats(const struct machine *m, struct ata_stats *st);

#endif
