/* CSR accesses and fences under the translator (jit_sys.c):
 *
 * - a loop of what a Linux kernel does in its trap entry and exit and its
 *   irqsave spinlocks (swap sscratch, read and write sepc, scause, stval,
 *   clear and set sstatus.SIE, fence rw,rw) gives the interpreter's
 *   results and runs without leaving translated code (the interpreter's
 *   instruction count stays near zero: before, every one of them left the
 *   block for the interpreter);
 * - setting SIE with a supervisor interrupt pending takes it right after
 *   that instruction, as the interpreter does (the block leaves);
 * - so does setting mstatus.MIE: a write that changes more than SIE
 *   leaves the block for hart_run, as the interpreter's does;
 * - an access the privilege rules refuse traps precisely, writing
 *   nothing (U-mode reading sstatus).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "cpu/csr.h"
#include "lib/jit_harness.h"

#define RAM_SIZE 0x10000u
#define PROG 0x1000u
#define HANDLER 0x3000u
#define ITERS 1000

static void put_words(struct jh *m, uint64_t off, const uint32_t *w, size_t n)
{
	jh_put(m, off, w, n * sizeof(*w));
}

/* addi rd, rs, imm */
static uint32_t addi(unsigned rd, unsigned rs, int imm)
{
	return (uint32_t)imm << 20 | rs << 15 | rd << 7 | 0x13;
}

/* bne rs1, x0, off */
static uint32_t bnez(unsigned rs, int32_t off)
{
	uint32_t u = (uint32_t)off;

	return (u >> 12 & 1) << 31 | (u >> 5 & 0x3f) << 25 | rs << 15 |
	       1 << 12 | (u >> 1 & 0xf) << 8 | (u >> 11 & 1) << 7 | 0x63;
}

/* The loop's body; then x30 counts down from ITERS, and a store to x26
 * stops. */
static const uint32_t body[] = {
	0x14031373, /* csrrw x6, sscratch, x6 */
	0x140023f3, /* csrr x7, sscratch */
	0x10017473, /* csrrci x8, sstatus, 2 (SIE) */
	0x10042073, /* csrs sstatus, x8 (SIE back as it was) */
	0x14149073, /* csrw sepc, x9 */
	0x14102573, /* csrr x10, sepc */
	0x00148493, /* addi x9, x9, 1 */
	0x14249073, /* csrw scause, x9 */
	0x142025f3, /* csrr x11, scause */
	0x14319073, /* csrw stval, x3 */
	0x0330000f, /* fence rw, rw */
	0x14302673, /* csrr x12, stval */
	0x00a60633, /* add x12, x12, x10 */
	0x00c18193, /* addi x3, x3, 12 */
};
#define BODY (sizeof(body) / sizeof(body[0]))

static void run_loop(struct jh *m, enum cpu_engine e)
{
	uint32_t w[BODY + 3];

	memcpy(w, body, sizeof(body));
	w[BODY] = addi(30, 30, -1);
	w[BODY + 1] = bnez(30, -(int32_t)(4 * (BODY + 1)));
	w[BODY + 2] = 0x000d3023; /* sd x0, 0(x26) */
	jh_init(m, RAM_SIZE, e);
	jit_hot = 1; /* translate at first sight */
	put_words(m, PROG, w, BODY + 3);
	m->h.x[26] = JH_STOP;
	m->h.x[30] = ITERS;
	m->h.x[6] = 0x1234;
	m->h.x[3] = 7;
	m->h.mstatus |= MSTATUS_SIE;
	CHECK(jh_run(m, JH_RAM_BASE + PROG) == HART_EXIT_STOP);
}

static void check_loop(void)
{
	static struct jh a, b;

	run_loop(&a, CPU_ENGINE_INTERP);
	if (jh_no_jit("test_jit_csr")) {
		jh_destroy(&a);
		return;
	}
	run_loop(&b, CPU_ENGINE_JIT);
	CHECK(memcmp(a.h.x, b.h.x, sizeof(a.h.x)) == 0);
	CHECK(a.h.sscratch == b.h.sscratch && a.h.sepc == b.h.sepc);
	CHECK(a.h.scause == b.h.scause && a.h.stval == b.h.stval);
	CHECK(a.h.mstatus == b.h.mstatus);
	CHECK(b.h.mstatus & MSTATUS_SIE);
	CHECK(b.h.instret == a.h.instret);
	CHECK(b.h.x[11] == ITERS && b.h.x[30] == 0);
	/* 13 CSR accesses and fences an iteration stayed translated. */
	CHECK(jh_steps(&b) < 20);
	printf("  loop: %llu interpreted of %llu\n",
	       (unsigned long long)jh_steps(&b),
	       (unsigned long long)b.h.instret);
	jh_destroy(&a);
	jh_destroy(&b);
}

/* In privilege priv, the CSR instruction `enable` sets the interrupt
 * enable bit of a pending, enabled interrupt irq; the handler (at the
 * trap vector of that privilege) stops.  The interrupt comes right after
 * the write, before the addi after it: for sstatus.SIE because the
 * translated write sees it pending, for mstatus.MIE because any write
 * but SIE's leaves the block. */
static void check_enable(enum cpu_engine e, unsigned priv, uint32_t enable,
			 unsigned irq)
{
	static struct jh m;
	const uint32_t prog[] = {
		0x00128293, /* addi x5, x5, 1 */
		enable, 0x00128293, /* addi x5, x5, 1 */
		0x000d3023, /* sd x0, 0(x26) */
	};
	static const uint32_t handler[] = {
		0x000d3023, /* sd x0, 0(x26) */
	};

	jh_init(&m, RAM_SIZE, e);
	jit_hot = 1;
	put_words(&m, PROG, prog, 4);
	put_words(&m, HANDLER, handler, 1);
	m.h.x[26] = JH_STOP;
	m.h.priv = (uint8_t)priv;
	m.h.mideleg = priv == PRIV_S ? 1ULL << irq : 0;
	m.h.mie = 1ULL << irq;
	atomic_store(&m.h.mip, 1ULL << irq);
	m.h.stvec = m.h.mtvec = JH_RAM_BASE + HANDLER;
	CHECK(jh_run(&m, JH_RAM_BASE + PROG) == HART_EXIT_STOP);
	CHECK(m.h.x[5] == 1);
	if (priv == PRIV_S) {
		CHECK(m.h.sepc == JH_RAM_BASE + PROG + 8);
		CHECK(m.h.scause == (CAUSE_INTERRUPT | irq));
	} else {
		CHECK(m.h.mepc == JH_RAM_BASE + PROG + 8);
		CHECK(m.h.mcause == (CAUSE_INTERRUPT | irq));
	}
	jh_destroy(&m);
}

/* U-mode csrr x5, sstatus: illegal, mepc = its pc, x5 untouched. */
static void check_refused(enum cpu_engine e)
{
	static struct jh m;
	static const uint32_t prog[] = {
		0x100022f3, /* csrr x5, sstatus */
		0x000d3023, /* sd x0, 0(x26) */
	};
	static const uint32_t handler[] = {
		0x000d3023, /* sd x0, 0(x26) */
	};

	jh_init(&m, RAM_SIZE, e);
	jit_hot = 1;
	put_words(&m, PROG, prog, 2);
	put_words(&m, HANDLER, handler, 1);
	m.h.x[26] = JH_STOP;
	m.h.x[5] = 77;
	m.h.priv = PRIV_U;
	m.h.mtvec = JH_RAM_BASE + HANDLER;
	CHECK(jh_run(&m, JH_RAM_BASE + PROG) == HART_EXIT_STOP);
	CHECK(m.h.x[5] == 77);
	CHECK(m.h.mcause == EXC_ILLEGAL);
	CHECK(m.h.mepc == JH_RAM_BASE + PROG);
	CHECK(m.h.priv == PRIV_M);
	jh_destroy(&m);
}

/* Each case under both engines (the interpreter's results are the
 * reference). */
static void check_engine(enum cpu_engine e)
{
	check_enable(e, PRIV_S, 0x10016073 /* csrsi sstatus, SIE */, IRQ_SSI);
	check_enable(e, PRIV_M, 0x30046073 /* csrsi mstatus, MIE */, IRQ_MSI);
	check_refused(e);
}

int main(void)
{
	check_engine(CPU_ENGINE_INTERP);
	check_loop();
	if (jit_supported())
		check_engine(CPU_ENGINE_JIT);
	return check_done("test_jit_csr");
}
