/* Where images go and how harts start (the rules are QEMU virt's with
 * OpenSBI unless said otherwise):
 *
 *  default (BOOT_SBI)  An ELF kernel at its physical addresses; a Linux
 *      Image at RAM base + the header's text_offset (0x80200000), its
 *      image_size (bss included) kept clear; any other raw image (e.g.
 *      U-Boot's S-mode u-boot.bin) at 0x80200000, where QEMU puts it for
 *      OpenSBI's fw_jump to find -- or at the RAM base if RAM is too small
 *      for that.  Hart 0 starts in S-mode at the entry with a0 = hartid,
 *      a1 = DTB and the CSRs OpenSBI hands over (machine.c); the other
 *      harts wait in HSM STOPPED for sbi_hart_start.
 *  --bios none  A raw image at the RAM base (as QEMU); every hart starts
 *      in M-mode at the entry with a0 = hartid, a1 = DTB, as QEMU's reset
 *      vector does.
 *  --bios FILE  The firmware at its ELF addresses (raw: at 0x80000000) is
 *      entered in M-mode by every hart; a raw kernel goes to the first
 *      2 MiB boundary after the firmware (0x80200000 for OpenSBI fw_jump,
 *      whose FW_JUMP_ADDR it is), a Linux Image to RAM base + text_offset
 *      unless that is inside the firmware.  a2 points to an OpenSBI
 *      fw_dynamic_info naming the kernel entry, so fw_dynamic works too.
 *
 * The initrd goes to kernel entry + min(RAM / 2, 128 MiB); the DTB to the
 * highest 2 MiB boundary that leaves room for it below the end of RAM (or
 * 3 GiB, whichever is lower).  Images that overlap each other or the DTB
 * are refused. */
#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "machine/devices.h"
#include "lib/hostfile.h"
#include "lib/log.h"
#include "machine/loader.h"
#include "machine/machine.h"

#define MiB (1ULL << 20)
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a)-1))
#define ALIGN_UP(x, a) ALIGN_DOWN((x) + (a)-1, a)
#define BOOT_MAX_IMAGES 3

/* OpenSBI's fw_dynamic_info (v2), which QEMU hands to firmware in a2: the
 * next stage's address and mode.  atoll puts it right after the DTB. */
#define FW_DYNAMIC_MAGIC 0x4942534fULL /* "OSBI" */
#define FW_DYNAMIC_VERSION 2
#define FW_DYNAMIC_NEXT_S 1
#define FW_DYNAMIC_SIZE 64 /* six longs, rounded up */

struct placed {
	const char *path;
	uint64_t lo, hi;
};

static bool overlaps(uint64_t lo1, uint64_t hi1, uint64_t lo2, uint64_t hi2)
{
	return lo1 < hi2 && lo2 < hi1;
}

/* Refuse images on top of each other; the message names the later one. */
static int boot_check_images(const struct placed *img, unsigned n)
{
	for (unsigned i = 1; i < n; i++)
		for (unsigned j = 0; j < i; j++)
			if (overlaps(img[i].lo, img[i].hi, img[j].lo,
				     img[j].hi)) {
				log_error("%s: overlaps %s in RAM", img[i].path,
					  img[j].path);
				return -EINVAL;
			}
	return 0;
}

static bool boot_collides(const struct placed *img, unsigned n, uint64_t lo,
			  uint64_t hi)
{
	for (unsigned i = 0; i < n; i++)
		if (overlaps(lo, hi, img[i].lo, img[i].hi))
			return true;
	return false;
}

/* QEMU's DTB address; on small RAM where that lands on an image, the
 * highest 4 KiB boundary instead. */
static uint64_t boot_fdt_addr(const struct ram *ram, uint32_t size,
			      const struct placed *img, unsigned n)
{
	uint64_t top = ram_end(ram) < 3072 * MiB ? ram_end(ram) : 3072 * MiB;
	uint64_t addr = ALIGN_DOWN(top - size, 2 * MiB);

	if (addr < ram->base || boot_collides(img, n, addr, addr + size))
		addr = ALIGN_DOWN(ram_end(ram) - size, 4096);
	return addr;
}

static int boot_write_dtb(const char *path, const void *blob, uint32_t size)
{
	int fd = hostfile_open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ssize_t n = -1;

	if (fd < 0) {
		log_error("--dtb-out %s: %s", path, hostfile_strerror(fd));
		return fd;
	}
	n = write(fd, blob, size);
	if (close(fd) < 0)
		n = -1;
	if (n != (ssize_t)size) {
		log_error("--dtb-out %s: %s", path,
			  n < 0 ? strerror(errno) : "short write");
		return -EIO;
	}
	return 0;
}

/* Build the DTB, place it, copy it into RAM. */
static int boot_place_fdt(struct machine *m, const struct machine_config *cfg,
			  const struct fdt_params *fp, const struct placed *img,
			  unsigned n)
{
	void *blob;
	uint32_t size, span;
	int err = fdt_build(m, fp, &blob, &size);

	if (err) {
		log_error("cannot build the device tree: %s",
			  err == -E2BIG ? "--append is too long"
					: strerror(-err));
		return err;
	}
	/* Room for the DTB and the fw_dynamic_info behind it. */
	span = ALIGN_UP(size, 8) + FW_DYNAMIC_SIZE;
	m->fdt_addr = boot_fdt_addr(&m->ram, span, img, n);
	for (unsigned i = 0; i < n && !err; i++)
		if (overlaps(img[i].lo, img[i].hi, m->fdt_addr,
			     m->fdt_addr + span)) {
			log_error("%s: overlaps the device tree at 0x%llx",
				  img[i].path, (unsigned long long)m->fdt_addr);
			err = -EINVAL;
		}
	if (!err && !ram_contains(&m->ram, m->fdt_addr, span)) {
		log_error("-m: RAM too small for the device tree");
		err = -EINVAL;
	}
	if (!err && ram_write(&m->ram, m->fdt_addr, blob, size)) {
		log_error("cannot write the device tree to guest RAM");
		err = -ENOMEM;
	}
	if (!err && cfg->dtb_out)
		err = boot_write_dtb(cfg->dtb_out, blob, size);
	free(blob);
	return err;
}

/* Firmware like OpenSBI's fw_dynamic finds the kernel through a2. */
static int boot_fw_info(struct machine *m, uint64_t next_addr)
{
	uint64_t info[FW_DYNAMIC_SIZE / 8] = {
		FW_DYNAMIC_MAGIC,  FW_DYNAMIC_VERSION, next_addr,
		FW_DYNAMIC_NEXT_S, 0 /* options */,    0 /* boot hart */
	};
	uint8_t hdr[64];

	if (ram_read(&m->ram, m->fdt_addr, hdr, sizeof(hdr)))
		return -EFAULT;
	m->fw_info_addr = m->fdt_addr + ALIGN_UP(fdt_totalsize(hdr), 8);
	if (ram_write(&m->ram, m->fw_info_addr, info, sizeof(info))) {
		log_error("cannot write fw_dynamic_info to guest RAM");
		return -ENOMEM;
	}
	return 0;
}

static int boot_htif(struct machine *m, const char *path,
		     const struct load_result *r)
{
	int err;

	if (!r->has_htif)
		return 0;
	err = htif_init(m, r->tohost, r->fromhost);
	if (err == -EINVAL)
		log_error("%s: tohost/fromhost are not 8-byte aligned RAM",
			  path);
	else if (err)
		log_error("%s: cannot set up HTIF: %s", path, strerror(-err));
	return err;
}

int machine_load(struct machine *m, const struct machine_config *cfg)
{
	struct placed img[BOOT_MAX_IMAGES];
	struct load_result fw = { 0 }, k, rd;
	struct fdt_params fp = { cfg->append, 0, 0 };
	struct load_place where = { VIRT_DRAM_BASE, VIRT_DRAM_BASE, 0 };
	unsigned n = 0;
	int err;

	if (cfg->mode == BOOT_SBI)
		where = (struct load_place){ VIRT_DRAM_BASE + 2 * MiB,
					     VIRT_DRAM_BASE, VIRT_DRAM_BASE };
	if (cfg->mode == BOOT_BIOS_FILE) {
		err = loader_load(&m->ram, cfg->bios, VIRT_DRAM_BASE, &fw);
		if (err)
			return err;
		img[n++] = (struct placed){ cfg->bios, fw.lo, fw.hi };
		where.raw_addr = where.raw_alt = ALIGN_UP(fw.hi, 2 * MiB);
		where.image_floor = fw.hi;
	}
	err = loader_load_kernel(&m->ram, cfg->kernel, &where, &k);
	if (err)
		return err;
	img[n++] = (struct placed){ cfg->kernel, k.lo, k.hi };
	m->entry = cfg->mode == BOOT_BIOS_FILE ? fw.entry : k.entry;
	if (cfg->initrd) {
		uint64_t off = m->ram.size / 2 < 128 * MiB ? m->ram.size / 2
							   : 128 * MiB;
		err = loader_load_raw(&m->ram, cfg->initrd,
				      ALIGN_UP(k.entry + off, 4096), &rd);
		if (err)
			return err;
		img[n++] = (struct placed){ cfg->initrd, rd.lo, rd.hi };
		fp.initrd_start = rd.lo;
		fp.initrd_end = rd.hi;
	}
	err = boot_check_images(img, n);
	if (!err)
		err = boot_htif(m, cfg->kernel, &k);
	if (!err)
		err = boot_place_fdt(m, cfg, &fp, img, n);
	if (!err && cfg->mode == BOOT_BIOS_FILE)
		err = boot_fw_info(m, k.entry);
	return err;
}
