/* The instruction decoder and the interpreter behind it (src/cpu): the
 * input is a guest's code.
 *
 * First every halfword and word of the input goes through the decoder
 * alone (decode_insn, decode_expand_rvc).  Checks: an RVC expansion is a
 * 32-bit encoding; a compressed instruction decodes as illegal exactly
 * when its expansion is missing or illegal; register fields stay within
 * the register file (x0 writes go to the sink x[32]).
 *
 * Then the input is the first bytes of a 64 KiB RAM and runs on a real
 * hart (hart_run) over a fake bus, from M-mode or (mret) S- or U-mode,
 * with trap delegation, interrupt enables and vectors from the input.  An
 * M-mode trap lands in a fixed stub that skips the faulting instruction
 * and counts the trap at a stop device; the run ends after 32 traps, a
 * store to the stop address, or a 10 ms watchdog (tight loops, WFI).
 * Checks: the hart stops when asked; x0 is zero; the pc is 2-aligned; the
 * privilege and mstatus.MPP hold legal values; every device access is of
 * 1, 2, 4 or 8 bytes, aligned; RAM is asked for by whole pages. */
#include <pthread.h>
#include <time.h>

#include "cpu/csr.h"
#include "cpu/decode.h"
#include "cpu/hart.h"
#include "cpu/ops.h"
#include "cpu/trap.h"
#include "fuzz_util.h"

#define RAM_BASE 0x80000000ULL
#define RAM_SIZE 0x10000ULL
#define STUB_OFF 0xf000u /* the M-mode trap stub */
#define STOP_ADDR 0x10000000ULL /* a store stops the hart */
#define COUNT_ADDR (STOP_ADDR + 1) /* a store counts a trap */
#define DEV_PAGE 0x10001000ULL /* reads give the input's values */
#define MAX_TRAPS 32
#define WATCHDOG_NS 10000000L

struct fz_machine {
	struct hart h;
	uint8_t ram[RAM_SIZE];
	unsigned traps;
	uint64_t dev_val;
};

static struct fz_machine *fm;

static void *m_ram_page(void *ctx, uint64_t gpa_page, bool write)
{
	struct fz_machine *m = ctx;

	CHECK((gpa_page & 0xfff) == 0);
	if (gpa_page < RAM_BASE || gpa_page >= RAM_BASE + RAM_SIZE)
		return NULL;
	return m->ram + (gpa_page - RAM_BASE);
}

static void m_check_access(uint64_t gpa, unsigned size)
{
	CHECK(size == 1 || size == 2 || size == 4 || size == 8);
	CHECK((gpa & (size - 1)) == 0);
}

static int m_mmio_read(void *ctx, struct hart *h, uint64_t gpa, unsigned size,
		       uint64_t *val)
{
	struct fz_machine *m = ctx;

	m_check_access(gpa, size);
	if ((gpa & ~0xfffULL) != DEV_PAGE)
		return -1;
	*val = size == 8 ? m->dev_val : m->dev_val & ((1ULL << 8 * size) - 1);
	return 0;
}

static int m_mmio_write(void *ctx, struct hart *h, uint64_t gpa, unsigned size,
			uint64_t val)
{
	struct fz_machine *m = ctx;

	m_check_access(gpa, size);
	if (gpa == STOP_ADDR || (gpa == COUNT_ADDR && ++m->traps >= MAX_TRAPS))
		hart_request(h, REQ_STOP);
	return (gpa & ~0xfffULL) == (STOP_ADDR & ~0xfffULL) ||
			       (gpa & ~0xfffULL) == DEV_PAGE
		       ? 0
		       : -1;
}

static const struct cpu_bus_ops m_ops = {
	.ram_page = m_ram_page,
	.mmio_read = m_mmio_read,
	.mmio_write = m_mmio_write,
};

/* ---- the watchdog: stops a run that takes too long --------------------- */

static pthread_mutex_t wd_lock = PTHREAD_MUTEX_INITIALIZER;
static struct hart *wd_hart; /* the running hart, under wd_lock */
static struct timespec wd_deadline;

static void *wd_main(void *arg)
{
	struct timespec tick = { 0, 1000000 }, now;

	for (;;) {
		nanosleep(&tick, NULL);
		clock_gettime(CLOCK_MONOTONIC, &now);
		pthread_mutex_lock(&wd_lock);
		if (wd_hart && (now.tv_sec > wd_deadline.tv_sec ||
				(now.tv_sec == wd_deadline.tv_sec &&
				 now.tv_nsec >= wd_deadline.tv_nsec))) {
			hart_request(wd_hart, REQ_STOP);
			wd_hart = NULL;
		}
		pthread_mutex_unlock(&wd_lock);
	}
	return NULL;
}

static void wd_arm(struct hart *h)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_nsec += WATCHDOG_NS;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&wd_lock);
	wd_deadline = t;
	wd_hart = h;
	pthread_mutex_unlock(&wd_lock);
}

static void wd_disarm(void)
{
	pthread_mutex_lock(&wd_lock);
	wd_hart = NULL;
	pthread_mutex_unlock(&wd_lock);
}

/* ---- the decoder alone ------------------------------------------------- */

static void check_fields(const struct insn *i)
{
	CHECK(i->fn != NULL);
	CHECK(i->rd <= 32 && i->rs1 <= 32 && i->rs2 <= 32);
}

static void decode_alone(const uint8_t *data, size_t size)
{
	for (size_t k = 0; k + 2 <= size; k += 2) {
		uint16_t c = (uint16_t)(data[k] | data[k + 1] << 8);
		struct insn a, b;

		if ((c & 3) != 3) {
			uint32_t e = decode_expand_rvc(c);

			decode_insn(c, 2, &a);
			check_fields(&a);
			if (e) {
				CHECK((e & 3) == 3);
				decode_insn(e, 4, &b);
				check_fields(&b);
				CHECK((a.fn == op_illegal) ==
				      (b.fn == op_illegal));
			} else {
				CHECK(a.fn == op_illegal);
			}
		}
		if (k + 4 <= size) {
			uint32_t w;

			memcpy(&w, data + k, 4);
			if ((w & 3) == 3) {
				decode_insn(w, 4, &a);
				check_fields(&a);
			}
		}
	}
}

/* ---- a run on a hart --------------------------------------------------- */

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* csrr t6, mepc; addi t6, t6, 4; csrw mepc, t6; lui t5, STOP;
 * sb zero, 1(t5); mret */
static void stub_write(uint8_t *p)
{
	static const uint32_t stub[] = {
		0x341u << 20 | 2u << 12 | 31u << 7 | 0x73u,
		4u << 20 | 31u << 15 | 31u << 7 | 0x13u,
		0x341u << 20 | 31u << 15 | 1u << 12 | 0x73u,
		(uint32_t)STOP_ADDR | 30u << 7 | 0x37u,
		30u << 15 | 1u << 7 | 0x23u,
		0x30200073u,
	};

	for (unsigned k = 0; k < sizeof(stub) / sizeof(stub[0]); k++)
		put32(p + 4 * k, stub[k]);
}

static void run(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };
	struct cpu_bus bus = { &m_ops, fm };
	struct hart *h = &fm->h;
	uint8_t mode, mpp;
	int r;

	memset(fm->ram, 0, sizeof(fm->ram));
	fm->traps = 0;
	mode = fz_u8(&in);
	fm->dev_val = fz_u64(&in);
	CHECK(hart_init(h, 0, RAM_BASE, &bus) == 0);
	h->mtvec = RAM_BASE + STUB_OFF;
	h->stvec = RAM_BASE + (fz_u16(&in) & 0xfffe);
	/* Never illegal instructions or fetch faults: at a random stvec
	 * they would trap to themselves until the watchdog. */
	h->medeleg = fz_u16(&in) & ~0x6u;
	h->mideleg = fz_u16(&in) & 0x222;
	h->mie = fz_u16(&in) & 0xaaa;
	h->mstatus |= (uint64_t)(fz_u8(&in) & 0x2a) | MSTATUS_FS;
	h->satp = 0;
	mpp = mode % 3 == 2 ? 3 : mode % 3; /* U, S or M */
	fz_bytes(&in, fm->ram, in.n < STUB_OFF ? in.n : STUB_OFF);
	stub_write(fm->ram + STUB_OFF);
	if (mpp != PRIV_M) {
		/* Enter mode mpp at RAM_BASE as firmware would: mret. */
		h->mstatus = (h->mstatus & ~MSTATUS_MPP) |
			     (uint64_t)mpp << MSTATUS_MPP_SHIFT;
		h->mepc = RAM_BASE;
		h->pc = RAM_BASE + STUB_OFF + 5 * 4;
	}
	wd_arm(h);
	r = hart_run(h);
	wd_disarm();
	CHECK(r == HART_EXIT_STOP);
	CHECK(h->x[0] == 0);
	CHECK((h->pc & 1) == 0);
	CHECK(h->priv == PRIV_U || h->priv == PRIV_S || h->priv == PRIV_M);
	CHECK(((h->mstatus & MSTATUS_MPP) >> MSTATUS_MPP_SHIFT) != 2);
	hart_destroy(h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static pthread_t wd;

	if (!fm) {
		fm = calloc(1, sizeof(*fm));
		CHECK(fm && pthread_create(&wd, NULL, wd_main, NULL) == 0);
	}
	decode_alone(data, size);
	run(data, size);
	return 0;
}
