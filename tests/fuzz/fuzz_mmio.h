/* Shared by the MMIO device fuzz targets (fuzz_uart, fuzz_plic, ...): one
 * board per process built as machine_create builds it, with the real
 * devices (test finisher, CLINT, PLIC, UART, ATA on a 64-sector image,
 * HTIF on two RAM words) over a domain's RAM, one hart for the CLINT and
 * the PLIC to drive, and a host whose exit() records the status.  Guest
 * output (UART, HTIF) goes to /dev/null.
 *
 * An input is a sequence of accesses to one device's window as a hart
 * would make them: width 1, 2, 4 or 8, any offset inside the window,
 * aligned or not, read, or write of any value of that width (the board's
 * dispatcher, machine_mmio_write, guarantees both); the target may mix in operations of its own (interrupt
 * lines, RAM bytes).  Checks for every device: a handler returns 0 or a
 * negative value (an access fault); a read gives at most `width` bytes
 * (zero-extended).  Each target adds its device's register semantics. */
#ifndef ATOLL_TESTS_FUZZ_MMIO_H
#define ATOLL_TESTS_FUZZ_MMIO_H

#include <fcntl.h>
#include <unistd.h>

#include "cpu/hart.h"
#include "fuzz_io.h"
#include "io/disk.h"
#include "machine/devices.h"
#include "io/hostcon.h"
#include "machine/machine.h"
#include "machine/ram.h"

#define FZ_RAM_BASE (IT_BASE_GFN << 12)
#define FZ_RAM_SIZE (IT_FRAMES * 4096ULL)
#define FZ_TOHOST (FZ_RAM_BASE + 0x1000)
#define FZ_FROMHOST (FZ_RAM_BASE + 0x1040)
#define FZ_DISK_SECTORS 64

struct fz_board {
	struct machine *m;
	struct hart hart;
	int exits, exit_status;
};

static struct fz_board fzb;

static void fzb_exit(void *ctx, int status)
{
	fzb.exits++;
	fzb.exit_status = status;
}

static const struct machine_host_ops fzb_host = { .exit = fzb_exit };

static void fzb_con_quit(void *ctx)
{
}

static const struct hostcon_ops fzb_con_ops = { .quit = fzb_con_quit };

static const struct cpu_bus_ops fzb_bus_ops;

/* A disk image of FZ_DISK_SECTORS zero sectors, unlinked at once. */
static struct disk *fzb_disk(void)
{
	char path[] = "/tmp/atoll-fuzz-disk.XXXXXX";
	struct disk *d = NULL;
	int fd = mkstemp(path);

	CHECK(fd >= 0 && ftruncate(fd, FZ_DISK_SECTORS * 512) == 0);
	close(fd);
	CHECK(disk_raw_open(path, &d) == 0);
	unlink(path);
	return d;
}

/* The board, once per process. */
static struct machine *fzb_board(void)
{
	struct cpu_bus bus = { &fzb_bus_ops, NULL };
	struct machine *m;
	int null_fd;

	if (fzb.m)
		return fzb.m;
	null_fd = open("/dev/null", O_WRONLY);
	CHECK(null_fd >= 0 && dup2(null_fd, STDOUT_FILENO) >= 0);
	close(null_fd);
	fz_doms_create(NULL);
	m = calloc(1, sizeof(*m));
	CHECK(m);
	m->nr_harts = 1;
	m->host = &fzb_host;
	m->time_base = mtime_now();
	CHECK(hart_init(&fzb.hart, 0, FZ_RAM_BASE, &bus) == 0);
	fzb.hart.time_base = m->time_base; /* as machine_setup_hart */
	m->harts[0] = &fzb.hart;
	CHECK(ram_init(&m->ram, fz_mem[0], FZ_RAM_BASE, FZ_RAM_SIZE) == 0);
	m->disk = fzb_disk();
	CHECK(hostcon_create(&m->con, &fzb_con_ops, m) == 0);
	CHECK(hostcon_configure(m->con, NULL, false) == 0);
	m->console = hostcon_port(m->con, HOSTCON_PORT_BOARD);
	CHECK(m->console);
	CHECK(testdev_init(m) == 0);
	CHECK(clint_init(m) == 0);
	CHECK(plic_init(m) == 0);
	CHECK(uart_init(m) == 0);
	CHECK(powerkey_init(m) == 0);
	CHECK(ata_init(m) == 0);
	CHECK(htif_init(m, FZ_TOHOST, FZ_FROMHOST) == 0);
	fzb.m = m;
	return m;
}

/* The MMIO region at base. */
static struct mmio_region *fzb_region(uint64_t base)
{
	struct machine *m = fzb_board();

	for (unsigned i = 0; i < m->nr_mmio; i++)
		if (m->mmio[i].base == base)
			return &m->mmio[i];
	CHECK(!"no such MMIO region");
	return NULL;
}

struct fz_access {
	bool write;
	unsigned size;
	uint64_t off, val; /* val: written, or read */
	int rc;
};

/* The next access of the input to region r: offsets mostly among the
 * first `hot` bytes (the registers), sometimes anywhere. */
static void fzb_next(struct fz_in *in, const struct mmio_region *r,
		     uint64_t hot, struct fz_access *a)
{
	uint8_t op = fz_u8(in);
	uint32_t off = fz_u32(in);

	a->write = op & 1;
	a->size = 1u << (op >> 1) % 4;
	a->off = op & 0x80 ? off % r->size : off % hot;
	if (!(op & 0x40))
		a->off &= ~(uint64_t)(a->size - 1);
	if (a->off > r->size - a->size)
		a->off = r->size - a->size;
	a->val = fz_u64(in);
	if (a->size < 8) /* as the board's dispatcher passes it */
		a->val &= (1ULL << 8 * a->size) - 1;
}

/* Perform a on r with the checks every device owes. */
static void fzb_access(const struct mmio_region *r, struct fz_access *a)
{
	if (a->write) {
		a->rc = r->ops->write(r->opaque, a->off, a->size, a->val);
	} else {
		a->val = 0xdeadbeefdeadbeefULL;
		a->rc = r->ops->read(r->opaque, a->off, a->size, &a->val);
		if (!a->rc && a->size < 8)
			CHECK(a->val >> 8 * a->size == 0);
	}
	CHECK(a->rc <= 0);
}

#endif
