/* ELF64 and raw image loading.  The file is mapped read-only; headers are
 * copied out with memcpy (the file gives no alignment guarantee) and every
 * offset/size pair is checked against the file and RAM with overflow-safe
 * comparisons before anything is touched. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/hostfile.h"
#include "lib/log.h"
#include "machine/loader.h"

struct image_file {
	const char *path;
	const uint8_t *data;
	size_t size;
};

/* True if [off, off + len) lies inside the file. */
static bool file_has(const struct image_file *f, uint64_t off, uint64_t len)
{
	return off <= f->size && len <= f->size - off;
}

/* Map a regular, non-empty file read-only. */
static int file_map(const char *path, struct image_file *f)
{
	struct stat st;
	int fd, err;

	fd = hostfile_open(path, O_RDONLY, 0);
	if (fd < 0) {
		log_error("%s: %s", path, hostfile_strerror(fd));
		return fd;
	}
	err = fstat(fd, &st) < 0 ? -errno : 0;
	if (!err && st.st_size == 0) {
		log_error("%s: empty file", path);
		err = -EINVAL;
	}
	if (!err) {
		void *p = mmap(0, (size_t)st.st_size, PROT_READ, MAP_PRIVATE,
			       fd, 0);
		if (p == MAP_FAILED) {
			err = -errno;
			log_error("%s: %s", path, strerror(-err));
		} else {
			*f = (struct image_file){ path, p, (size_t)st.st_size };
		}
	}
	close(fd);
	return err;
}

static void file_unmap(struct image_file *f)
{
	munmap((void *)f->data, f->size);
}

/* Copy a file verbatim to addr. */
static int load_raw(struct ram *ram, const struct image_file *f, uint64_t addr,
		    struct load_result *res)
{
	if (f->size > ram->size) {
		log_error("%s: image is larger than RAM (%zu > %llu bytes)",
			  f->path, f->size, (unsigned long long)ram->size);
		return -EFBIG;
	}
	if (!ram_contains(ram, addr, f->size)) {
		log_error("%s: image (%zu bytes) at 0x%llx does not fit in RAM"
			  " (ends at 0x%llx)",
			  f->path, f->size, (unsigned long long)addr,
			  (unsigned long long)ram_end(ram));
		return -EFBIG;
	}
	if (ram_write(ram, addr, f->data, f->size)) {
		log_error("%s: cannot write guest RAM", f->path);
		return -ENOMEM;
	}
	*res = (struct load_result){ .entry = addr,
				     .lo = addr,
				     .hi = addr + f->size };
	return 0;
}

/* ELF64, little-endian, RISC-V, ET_EXEC, program headers in the file. */
static int elf_check_header(const struct image_file *f, Elf64_Ehdr *eh)
{
	if (f->size < sizeof(*eh)) {
		log_error("%s: truncated ELF header", f->path);
		return -ENOEXEC;
	}
	memcpy(eh, f->data, sizeof(*eh));
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_ident[EI_DATA] != ELFDATA2LSB) {
		log_error("%s: not a 64-bit little-endian ELF file", f->path);
		return -ENOEXEC;
	}
	if (eh->e_machine != EM_RISCV) {
		log_error("%s: not a RISC-V ELF file (e_machine %u)", f->path,
			  eh->e_machine);
		return -ENOEXEC;
	}
	if (eh->e_type != ET_EXEC) {
		log_error("%s: not an executable ELF file (e_type %u)", f->path,
			  eh->e_type);
		return -ENOEXEC;
	}
	if (eh->e_phnum == 0 || eh->e_phentsize != sizeof(Elf64_Phdr) ||
	    !file_has(f, eh->e_phoff,
		      (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr))) {
		log_error("%s: truncated or bad program header table", f->path);
		return -ENOEXEC;
	}
	return 0;
}

/* Check one PT_LOAD segment against the file and RAM; copy it. */
static int elf_load_segment(struct ram *ram, const struct image_file *f,
			    unsigned i, const Elf64_Phdr *ph)
{
	if (!file_has(f, ph->p_offset, ph->p_filesz)) {
		log_error("%s: segment %u extends beyond the end of the file",
			  f->path, i);
		return -ENOEXEC;
	}
	if (ph->p_filesz > ph->p_memsz) {
		log_error("%s: segment %u is larger in the file than in memory",
			  f->path, i);
		return -ENOEXEC;
	}
	if (!ram_contains(ram, ph->p_paddr, ph->p_memsz)) {
		log_error("%s: segment %u (0x%llx, %llu bytes) is outside RAM"
			  " (0x%llx-0x%llx)",
			  f->path, i, (unsigned long long)ph->p_paddr,
			  (unsigned long long)ph->p_memsz,
			  (unsigned long long)ram->base,
			  (unsigned long long)ram_end(ram));
		return -EFBIG;
	}
	/* The rest up to p_memsz stays as it is: RAM not yet written reads
	 * as zero, and writing zeros would populate frames for nothing. */
	if (ram_write(ram, ph->p_paddr, f->data + ph->p_offset, ph->p_filesz)) {
		log_error("%s: segment %u: cannot write guest RAM", f->path, i);
		return -ENOMEM;
	}
	return 0;
}

/* Load every PT_LOAD; record the extent of what was loaded. */
static int elf_load_segments(struct ram *ram, const struct image_file *f,
			     const Elf64_Ehdr *eh, struct load_result *res)
{
	bool any = false;

	res->lo = UINT64_MAX;
	res->hi = 0;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr ph;
		memcpy(&ph, f->data + eh->e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		int err = elf_load_segment(ram, f, i, &ph);
		if (err)
			return err;
		any = true;
		if (ph.p_paddr < res->lo)
			res->lo = ph.p_paddr;
		if (ph.p_paddr + ph.p_memsz > res->hi)
			res->hi = ph.p_paddr + ph.p_memsz;
	}
	if (!any) {
		log_error("%s: no loadable segment", f->path);
		return -ENOEXEC;
	}
	return 0;
}

/* Read section header i (the table was checked by the caller). */
static void elf_shdr(const struct image_file *f, const Elf64_Ehdr *eh,
		     unsigned i, Elf64_Shdr *sh)
{
	memcpy(sh, f->data + eh->e_shoff + i * sizeof(*sh), sizeof(*sh));
}

/* Look for tohost/fromhost in one symbol table section. */
static int elf_scan_symtab(const struct image_file *f, const Elf64_Ehdr *eh,
			   const Elf64_Shdr *sh, struct load_result *res)
{
	Elf64_Shdr strsh;
	bool to = false, from = false;

	if (sh->sh_entsize != sizeof(Elf64_Sym) || sh->sh_link >= eh->e_shnum ||
	    !file_has(f, sh->sh_offset, sh->sh_size))
		return -ENOEXEC;
	elf_shdr(f, eh, sh->sh_link, &strsh);
	if (!file_has(f, strsh.sh_offset, strsh.sh_size))
		return -ENOEXEC;
	const char *str = (const char *)f->data + strsh.sh_offset;
	for (uint64_t n = 0; n < sh->sh_size / sizeof(Elf64_Sym); n++) {
		Elf64_Sym sym;
		memcpy(&sym, f->data + sh->sh_offset + n * sizeof(sym),
		       sizeof(sym));
		if (sym.st_name >= strsh.sh_size || sym.st_shndx == SHN_UNDEF)
			continue;
		const char *name = str + sym.st_name;
		size_t max = strsh.sh_size - sym.st_name;
		if (strnlen(name, max) == max)
			continue; /* not terminated inside the table */
		if (!strcmp(name, "tohost"))
			res->tohost = sym.st_value, to = true;
		else if (!strcmp(name, "fromhost"))
			res->fromhost = sym.st_value, from = true;
	}
	res->has_htif = to && from;
	return 0;
}

/* Find tohost/fromhost in the symbol table, if there is one. */
static int elf_find_htif(const struct image_file *f, const Elf64_Ehdr *eh,
			 struct load_result *res)
{
	if (eh->e_shnum == 0)
		return 0;
	if (eh->e_shentsize != sizeof(Elf64_Shdr) ||
	    !file_has(f, eh->e_shoff,
		      (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr))) {
		log_error("%s: truncated or bad section header table", f->path);
		return -ENOEXEC;
	}
	for (unsigned i = 0; i < eh->e_shnum; i++) {
		Elf64_Shdr sh;
		elf_shdr(f, eh, i, &sh);
		if (sh.sh_type != SHT_SYMTAB)
			continue;
		if (elf_scan_symtab(f, eh, &sh, res) < 0) {
			log_error("%s: bad symbol table", f->path);
			return -ENOEXEC;
		}
		break;
	}
	return 0;
}

static int load_elf(struct ram *ram, const struct image_file *f,
		    struct load_result *res)
{
	Elf64_Ehdr eh;
	int err;

	*res = (struct load_result){ .elf = true };
	err = elf_check_header(f, &eh);
	if (!err)
		err = elf_find_htif(f, &eh, res);
	if (!err)
		err = elf_load_segments(ram, f, &eh, res);
	if (err)
		return err;
	if (!ram_contains(ram, eh.e_entry, 2)) {
		log_error("%s: entry point 0x%llx is outside RAM", f->path,
			  (unsigned long long)eh.e_entry);
		return -ENOEXEC;
	}
	res->entry = eh.e_entry;
	return 0;
}

/* RISC-V Linux Image header (Documentation/riscv/boot-image-header.rst):
 * text_offset at 8, image_size at 16, "RISCV\0\0\0" at 48 (deprecated
 * but still written) and "RSC\x05" at 56. */
#define IMAGE_HDR_SIZE 64
#define IMAGE_ALIGN (2ULL << 20) /* an RV64 kernel runs from 2 MiB */

static uint64_t get_le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static bool image_has_header(const struct image_file *f)
{
	return f->size >= IMAGE_HDR_SIZE &&
	       (!memcmp(f->data + 56, "RSC\x05", 4) ||
		!memcmp(f->data + 48, "RISCV\0\0\0", 8));
}

/* A Linux Image at RAM base + text_offset, or at the first 2 MiB boundary
 * at or above `floor` when firmware occupies that spot; [lo, hi) covers
 * image_size (bss included) so nothing is placed on top of it. */
static int load_image(struct ram *ram, const struct image_file *f,
		      uint64_t floor, struct load_result *res)
{
	uint64_t text_offset = get_le64(f->data + 8);
	uint64_t image_size = get_le64(f->data + 16);
	uint64_t addr;
	int err;

	if (text_offset % IMAGE_ALIGN || text_offset >= ram->size) {
		log_error("%s: Image header text_offset 0x%llx is not a 2 MiB"
			  " multiple inside RAM",
			  f->path, (unsigned long long)text_offset);
		return -ENOEXEC;
	}
	addr = ram->base + text_offset;
	if (addr < floor)
		addr = (floor + IMAGE_ALIGN - 1) & ~(IMAGE_ALIGN - 1);
	err = load_raw(ram, f, addr, res);
	if (err)
		return err;
	if (image_size > f->size) {
		if (!ram_contains(ram, addr, image_size)) {
			log_error("%s: Image needs 0x%llx bytes at 0x%llx,"
				  " beyond the end of RAM",
				  f->path, (unsigned long long)image_size,
				  (unsigned long long)addr);
			return -EFBIG;
		}
		res->hi = addr + image_size;
	}
	res->linux_image = true;
	return 0;
}

int loader_load_kernel(struct ram *ram, const char *path,
		       const struct load_place *where, struct load_result *res)
{
	struct image_file f;
	int err = file_map(path, &f);

	if (err)
		return err;
	if (f.size >= SELFMAG && !memcmp(f.data, ELFMAG, SELFMAG))
		err = load_elf(ram, &f, res);
	else if (where->image_floor && image_has_header(&f))
		err = load_image(ram, &f, where->image_floor, res);
	else if (where->raw_alt != where->raw_addr &&
		 !ram_contains(ram, where->raw_addr, f.size))
		err = load_raw(ram, &f, where->raw_alt, res);
	else
		err = load_raw(ram, &f, where->raw_addr, res);
	file_unmap(&f);
	return err;
}

int loader_load(struct ram *ram, const char *path, uint64_t raw_addr,
		struct load_result *res)
{
	struct load_place where = { raw_addr, raw_addr, 0 };

	return loader_load_kernel(ram, path, &where, res);
}

int loader_load_raw(struct ram *ram, const char *path, uint64_t addr,
		    struct load_result *res)
{
	struct image_file f;
	int err = file_map(path, &f);

	if (err)
		return err;
	err = load_raw(ram, &f, addr, res);
	file_unmap(&f);
	return err;
}
