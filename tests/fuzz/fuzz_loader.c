/* The image loader (src/machine/loader.c): the input is a kernel file, as
 * a user (or whoever wrote the file) gives it, loaded through a memfd into
 * a domain's 512 KiB of RAM.  Half the inputs are made to look like a
 * RISC-V ELF64 executable (a valid header whose program and section
 * header tables, entry and addresses come from the input, mostly near
 * RAM); the others are any bytes (raw images, or ELFs the fuzzer builds).
 *
 * Checks: a refusal is a negative errno; an accepted image lies entirely
 * inside guest RAM (lo <= hi, both within it); a raw image is the file's
 * bytes at the raw address; an ELF's every PT_LOAD segment lies inside
 * [lo, hi) and its file bytes are in RAM at p_paddr (where no later
 * segment overwrote them); HTIF symbols, when found, are reported only
 * for an ELF. */
#define _GNU_SOURCE /* memfd_create */
#include <elf.h>
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_io.h"
#include "machine/loader.h"
#include "machine/ram.h"

#define RAM_BASE (IT_BASE_GFN << 12)
#define RAM_SIZE (IT_FRAMES * 4096ULL)

static struct ram ram;
static int mfd = -1;
static char path[64];
static uint8_t file[1 << 16];

/* A plausible address: mostly inside or just around RAM. */
static uint64_t gen_addr(struct fz_in *in)
{
	uint8_t how = fz_u8(in);

	if (how < 200)
		return RAM_BASE + (fz_u32(in) % (RAM_SIZE + 0x2000)) - 0x1000;
	return fz_u64(in);
}

/* An ELF header and program headers from the input, then its rest. */
static size_t gen_elf(struct fz_in *in)
{
	Elf64_Ehdr eh = { 0 };
	unsigned phnum = fz_u8(in) % 6;
	size_t n;

	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_EXEC;
	eh.e_machine = EM_RISCV;
	eh.e_version = EV_CURRENT;
	eh.e_entry = gen_addr(in);
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = (uint16_t)phnum;
	eh.e_shentsize = sizeof(Elf64_Shdr);
	if (fz_u8(in) < 64) { /* section headers somewhere after */
		eh.e_shoff = fz_u16(in);
		eh.e_shnum = fz_u8(in) % 8;
		eh.e_shstrndx = fz_u8(in) % 8;
	}
	if (fz_u8(in) < 16) /* a header field or two gone wrong */
		fz_bytes(in, (uint8_t *)&eh + fz_u8(in) % (sizeof(eh) - 1), 2);
	memcpy(file, &eh, sizeof(eh));
	n = sizeof(eh);
	for (unsigned i = 0; i < phnum; i++) {
		Elf64_Phdr ph = { 0 };

		ph.p_type = fz_u8(in) < 224 ? PT_LOAD : fz_u32(in);
		ph.p_offset = fz_u16(in) % 1024;
		ph.p_filesz = fz_u16(in) % 2048;
		ph.p_memsz = ph.p_filesz + (fz_u8(in) < 128 ? 0 : fz_u16(in));
		ph.p_paddr = gen_addr(in);
		ph.p_vaddr = ph.p_paddr;
		if (fz_u8(in) < 8)
			fz_bytes(in, &ph, sizeof(ph));
		memcpy(file + n, &ph, sizeof(ph));
		n += sizeof(ph);
	}
	/* The rest of the input: the segments' bytes. */
	size_t rest = in->n < sizeof(file) - n ? in->n : sizeof(file) - n;

	fz_bytes(in, file + n, rest);
	return n + rest;
}

static void check_elf(size_t size, const struct load_result *res)
{
	Elf64_Ehdr eh;

	memcpy(&eh, file, sizeof(eh));
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph, later;
		bool overwritten = false;
		uint8_t *buf;

		memcpy(&ph, file + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		CHECK(ph.p_paddr >= res->lo &&
		      ph.p_paddr + ph.p_memsz <= res->hi);
		CHECK(ph.p_offset + ph.p_filesz <= size);
		for (unsigned j = i + 1; j < eh.e_phnum; j++) {
			memcpy(&later, file + eh.e_phoff + j * sizeof(later),
			       sizeof(later));
			if (later.p_type == PT_LOAD && later.p_filesz &&
			    later.p_paddr < ph.p_paddr + ph.p_filesz &&
			    ph.p_paddr < later.p_paddr + later.p_filesz)
				overwritten = true;
		}
		if (overwritten || !ph.p_filesz)
			continue;
		buf = malloc(ph.p_filesz);
		CHECK(buf);
		CHECK(ram_read(&ram, ph.p_paddr, buf, ph.p_filesz) == 0);
		CHECK(memcmp(buf, file + ph.p_offset, ph.p_filesz) == 0);
		free(buf);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };
	struct load_result res;
	uint64_t raw_addr;
	size_t n;
	int rc;

	if (mfd < 0) {
		fz_doms_create(NULL);
		CHECK(ram_init(&ram, fz_mem[0], RAM_BASE, RAM_SIZE) == 0);
		mfd = memfd_create("fuzz-image", 0);
		CHECK(mfd >= 0);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", mfd);
	}
	raw_addr = gen_addr(&in);
	if (fz_u8(&in) & 1) {
		n = gen_elf(&in);
	} else {
		n = in.n < sizeof(file) ? in.n : sizeof(file);
		fz_bytes(&in, file, n);
	}
	CHECK(ftruncate(mfd, 0) == 0 && pwrite(mfd, file, n, 0) == (ssize_t)n);
	memset(&res, 0, sizeof(res));
	rc = loader_load(&ram, path, raw_addr, &res);
	if (rc) {
		CHECK(rc < 0 && rc > -4096);
		return 0;
	}
	CHECK(res.lo <= res.hi && res.lo >= RAM_BASE &&
	      res.hi <= RAM_BASE + RAM_SIZE);
	CHECK(!res.has_htif || res.elf);
	if (res.elf) {
		CHECK(n >= SELFMAG && !memcmp(file, ELFMAG, SELFMAG));
		check_elf(n, &res);
	} else {
		uint8_t *buf = malloc(n);

		CHECK(buf && n);
		CHECK(res.lo == raw_addr && res.hi == raw_addr + n &&
		      res.entry == raw_addr);
		CHECK(ram_read(&ram, raw_addr, buf, n) == 0);
		CHECK(memcmp(buf, file, n) == 0);
		free(buf);
	}
	return 0;
}
