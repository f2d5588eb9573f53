/* The emulated legacy disk controller: full virtualization's way to a
 * disk, for contrast with the PV block ring.  An ATA-style task file in
 * one MMIO page; data moves through a 16-bit data register, one word per
 * access, and every access traps to atoll (QEMU's ide/core.c serves the
 * same register protocol).  It serves the domain's `disk` image, the one
 * the PV block back-end serves (a guest should use one path at a time).
 *
 * Device tree: a node `ata@10020000`, compatible "atoll,ata-pio", reg
 * <0x0 0x10020000 0x0 0x1000>; present only when the domain has a disk.
 * No interrupt: the driver polls STATUS (as ATA's nIEN=1).
 *
 * Protocol (LBA28, one drive):
 *   write SECTOR_COUNT (0 means 256), LBA_LOW/MID/HIGH, DEVICE (bits 0-3:
 *   LBA 24-27, ATA_DEV_LBA set), then COMMAND;
 *   READ SECTORS: for each sector wait for DRQ, read 256 words from DATA;
 *   WRITE SECTORS: for each sector wait for DRQ, write 256 words to DATA;
 *   the data reaches the image when a sector's last word is written;
 *   FLUSH CACHE: every write before it is durable when BSY clears;
 *   IDENTIFY DEVICE: 256 words; words 60-61 hold the LBA28 sector count.
 *   A range past the disk's end, an unknown command or an I/O error sets
 *   ERR in STATUS with ABRT in ERROR and transfers nothing.
 * Registers are 8 bits wide except DATA (16); other widths read 0 and
 * are ignored on write. */
#ifndef ATOLL_ABI_ATA_PIO_H
#define ATOLL_ABI_ATA_PIO_H

#define ATA_PIO_BASE 0x10020000ul
#define ATA_PIO_SIZE 0x1000ul

/* Register offsets (byte addresses in the page). */
#define ATA_REG_DATA 0x0 /* 16-bit */
#define ATA_REG_ERROR 0x1 /* read; write: FEATURES (ignored) */
#define ATA_REG_SECTOR_COUNT 0x2
#define ATA_REG_LBA_LOW 0x3
#define ATA_REG_LBA_MID 0x4
#define ATA_REG_LBA_HIGH 0x5
#define ATA_REG_DEVICE 0x6
#define ATA_REG_STATUS 0x7 /* read; write: COMMAND */
#define ATA_REG_COMMAND 0x7

#define ATA_SR_ERR 0x01
#define ATA_SR_DRQ 0x08
#define ATA_SR_DF 0x20
#define ATA_SR_DRDY 0x40
#define ATA_SR_BSY 0x80

#define ATA_ER_ABRT 0x04

#define ATA_DEV_LBA 0x40

#define ATA_CMD_READ_SECTORS 0x20
#define ATA_CMD_WRITE_SECTORS 0x30
#define ATA_CMD_FLUSH_CACHE 0xE7
#define ATA_CMD_IDENTIFY 0xEC

#define ATA_SECTOR_SIZE 512u

#endif
