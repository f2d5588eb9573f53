/* HTIF, the Spike/riscv-tests host interface: the guest stores a command in
 * the 64-bit word `tohost` and the host answers in `fromhost`.  Both are
 * plain RAM symbols of the ELF, so the RAM page(s) holding them are taken
 * out of the direct map (machine_trap_ram_page) and served here: every
 * access reads or writes the RAM bytes and a store that touches tohost runs
 * the command.  A command is device << 56 | cmd << 48 | payload:
 *   device 0, cmd 0: payload odd -> exit with status payload >> 1;
 *                    payload even -> pointer to a syscall block
 *                    (magic_mem[8]; only SYS_write(64) is served);
 *   device 1, cmd 1: putchar(payload & 0xff); cmd 0: getchar.
 * As Spike does, the host clears tohost and answers in fromhost with
 * device << 56 | cmd << 48 | response.  Code must not live in these pages:
 * they are not RAM to instruction fetch or atomics. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "machine/devices.h"
#include "io/chardev.h"

#define HTIF_SYS_WRITE 64
#define HTIF_ENOSYS 38
#define HTIF_WRITE_MAX (1u << 20)

struct htif;

/* One trapped page: its own MMIO region, so handlers see page offsets. */
struct htif_page {
	struct htif *t;
	uint64_t base;
};

struct htif {
	pthread_mutex_t lock;
	struct machine *m;
	uint64_t tohost, fromhost; /* guest-physical addresses */
	uint64_t pending_getc; /* a getchar command awaiting input, or 0 */
	struct htif_page pages[2];
};

/* tohost and fromhost were checked to be RAM at htif_init. */
static uint64_t htif_load(struct htif *t, uint64_t gpa)
{
	uint64_t v = 0;

	ram_read(&t->m->ram, gpa, &v, 8);
	return v;
}

static void htif_store(struct htif *t, uint64_t gpa, uint64_t v)
{
	ram_write(&t->m->ram, gpa, &v, 8);
}

static void htif_respond(struct htif *t, uint64_t cmd, uint64_t resp)
{
	htif_store(t, t->fromhost,
		   (cmd >> 48 << 48) | (resp & 0xffffffffffffULL));
}

/* Serve a proxied system call block (riscv-tests' syscall()).  Returns
 * the value for magic_mem[0]; guest addresses are checked against RAM. */
static uint64_t htif_syscall(struct htif *t, uint64_t *args)
{
	uint64_t len = args[3], done = 0;
	uint8_t buf[512];

	if (args[0] != HTIF_SYS_WRITE || (args[1] != 1 && args[1] != 2))
		return (uint64_t)-HTIF_ENOSYS;
	if (len > HTIF_WRITE_MAX)
		len = HTIF_WRITE_MAX;
	if (!ram_contains(&t->m->ram, args[2], len))
		return (uint64_t)-EFAULT;
	/* Copied out piecewise: guest RAM is not contiguous in the host. */
	while (done < len) {
		uint64_t n =
			len - done < sizeof(buf) ? len - done : sizeof(buf);
		ssize_t r;

		if (ram_read(&t->m->ram, args[2] + done, buf, n))
			return (uint64_t)-EFAULT;
		r = chardev_write(t->m->console, buf, n);
		if (r < 0)
			return done ? done : (uint64_t)r;
		done += (uint64_t)r;
	}
	return done;
}

/* Device 0 (the "syscall" device): exit, or a proxied system call. */
static void htif_device0(struct htif *t, uint64_t cmd, uint64_t payload)
{
	uint64_t args[8];

	if (payload & 1) {
		machine_exit(t->m, (int)(payload >> 1));
		return;
	}
	if ((payload & 7) ||
	    ram_read(&t->m->ram, payload, args, sizeof(args))) {
		htif_respond(t, cmd, 1);
		return;
	}
	args[0] = htif_syscall(t, args);
	ram_write(&t->m->ram, payload, args, 8);
	htif_respond(t, cmd, 1);
}

/* Answer a waiting getchar if input is there.  Lock held. */
static void htif_try_getc(struct htif *t)
{
	uint8_t c;

	if (t->pending_getc && chardev_read(t->m->console, &c, 1) == 1) {
		htif_respond(t, t->pending_getc, c);
		t->pending_getc = 0;
	}
}

/* tohost became non-zero: run the command.  Lock held. */
static void htif_command(struct htif *t, uint64_t v)
{
	uint64_t dev = v >> 56, cmd = (v >> 48) & 0xff;
	uint64_t payload = v & 0xffffffffffffULL;

	htif_store(t, t->tohost, 0);
	if (dev == 0 && cmd == 0) {
		htif_device0(t, v, payload);
	} else if (dev == 1 && cmd == 1) {
		uint8_t c = (uint8_t)payload;
		chardev_write(t->m->console, &c, 1);
		htif_respond(t, v, 0x100 | c);
	} else if (dev == 1 && cmd == 0) {
		t->pending_getc = v;
		htif_try_getc(t);
	}
}

/* The trapped pages behave as RAM; a store touching tohost runs it. */
static int htif_page_read(void *opaque, uint64_t off, unsigned size,
			  uint64_t *val)
{
	struct htif_page *pg = opaque;
	struct htif *t = pg->t;

	pthread_mutex_lock(&t->lock);
	htif_try_getc(t);
	*val = 0;
	ram_read(&t->m->ram, pg->base + off, val, size);
	pthread_mutex_unlock(&t->lock);
	return 0;
}

static int htif_page_write(void *opaque, uint64_t off, unsigned size,
			   uint64_t val)
{
	struct htif_page *pg = opaque;
	struct htif *t = pg->t;
	uint64_t gpa = pg->base + off;

	pthread_mutex_lock(&t->lock);
	ram_write(&t->m->ram, gpa, &val, size);
	if (gpa < t->tohost + 8 && t->tohost < gpa + size) {
		uint64_t v = htif_load(t, t->tohost);
		if (v)
			htif_command(t, v);
	}
	pthread_mutex_unlock(&t->lock);
	return 0;
}

static const struct mmio_ops htif_page_ops = {
	.read = htif_page_read,
	.write = htif_page_write,
};

void htif_input_ready(struct htif *t)
{
	pthread_mutex_lock(&t->lock);
	htif_try_getc(t);
	pthread_mutex_unlock(&t->lock);
}

/* Trap the page holding gpa unless an earlier page already covers it. */
static int htif_trap_page(struct htif *t, unsigned i, uint64_t gpa)
{
	uint64_t page = gpa & ~0xfffULL;
	int err;

	if (i == 1 && t->pages[0].base == page)
		return 0;
	t->pages[i] = (struct htif_page){ t, page };
	err = machine_trap_ram_page(t->m, page);
	if (!err)
		err = machine_add_mmio(t->m, page, 4096, &htif_page_ops,
				       &t->pages[i]);
	return err;
}

int htif_init(struct machine *m, uint64_t tohost, uint64_t fromhost)
{
	struct htif *t;
	int err;

	if ((tohost | fromhost) & 7 || !ram_contains(&m->ram, tohost, 8) ||
	    !ram_contains(&m->ram, fromhost, 8))
		return -EINVAL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	pthread_mutex_init(&t->lock, 0);
	t->m = m;
	t->tohost = tohost;
	t->fromhost = fromhost;
	t->pages[1].base = ~0ULL;
	m->htif = t; /* from here on machine_destroy frees it */
	err = htif_trap_page(t, 0, tohost);
	if (!err)
		err = htif_trap_page(t, 1, fromhost);
	return err;
}

void htif_destroy(struct machine *m)
{
	if (!m->htif)
		return;
	pthread_mutex_destroy(&m->htif->lock);
	free(m->htif);
	m->htif = 0;
}
