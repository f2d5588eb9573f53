/* Differential fuzzer of the translating engine: random programs run once
 * under the interpreter (the reference) and once under the translator, on
 * two identical small machines, and the full architectural state must
 * match afterwards: x1-x31, pc, instret, the trap CSRs, every byte of RAM
 * (data and code) and the sequence of device accesses.
 *
 * A program is a sequence of items: random ALU, M, load/store (also
 * misaligned, across a page boundary, to a device and to unmapped
 * addresses, which trap), AMO and illegal or FP (FS is off: illegal)
 * instructions, random compressed instructions, counter reads, fence.i,
 * forward branches, jal and jalr, a jump into the middle of a 32-bit
 * instruction, stores that rewrite code ahead (self-modifying code) and
 * counted loops (half of them only ALU and memory items, which the
 * translator runs as loops, unrolled when small; with branches taken
 * every other iteration and loads that fault only in later iterations,
 * so exits leave from any unrolled copy).  A trap handler skips the trapping instruction, so traps
 * happen in the middle of blocks.  Every program ends (forward branches
 * only, loops counted in a register nothing else writes) with a store to
 * the stop device.  Half the runs use a code cache so small that it is
 * flushed all the time.
 *
 *   test_jit_fuzz [ITERATIONS [SEED]]
 *
 * By default 200 programs, or as many as fit in 20 s of wall-clock time
 * (at least 20): the test suite runs on loaded machines and under the
 * sanitizers.  Given ITERATIONS, all of them run.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cpu/decode.h"
#include "cpu/trap.h"

#include "lib/jit_harness.h"

#define RAM_SIZE 0x10000u
#define DEV 0x10000000ULL /* reads: a function of the address */
#define PROG 0x0e00u /* program offset: crosses a page early */
#define PROG_END 0x7000u
#define DATA 0x9000u /* x28 points near this page boundary */
#define CHAIN 0xd000u /* two pages of 16-byte nodes: next pointer, data */
#define CHAIN_NODES 512u
#define PAGES (RAM_SIZE / 4096u)

struct fm {
	struct jh j;
	/* Host page of each guest page: the identity, or a shuffle, so
	 * pages contiguous in the guest are not in the host and the
	 * translator's addend prediction must miss at page changes. */
	const uint8_t *perm;
	uint64_t dev_hash;
	unsigned dev_ops;
};

static void *fm_page(struct jh *j, uint64_t gpa_page, bool write)
{
	struct fm *m = j->user;

	if (gpa_page < JH_RAM_BASE || gpa_page >= JH_RAM_BASE + RAM_SIZE)
		return NULL;
	return j->ram + (size_t)m->perm[(gpa_page - JH_RAM_BASE) / 4096] * 4096;
}

static void fm_log(struct fm *m, uint64_t gpa, unsigned size, uint64_t val)
{
	m->dev_hash = (m->dev_hash ^ gpa ^ val << 3 ^ size) * 0x100000001b3ULL;
	m->dev_ops++;
}

static int fm_read(struct jh *j, uint64_t gpa, unsigned size, uint64_t *val)
{
	if ((gpa & ~0xfffULL) != DEV)
		return -1;
	*val = (gpa * 0x9e3779b97f4a7c15ULL) >> (64 - 8 * size);
	fm_log(j->user, gpa, size, 0);
	return 0;
}

static int fm_write(struct jh *j, uint64_t gpa, unsigned size, uint64_t val)
{
	if ((gpa & ~0xfffULL) != DEV)
		return -1;
	fm_log(j->user, gpa, size, val);
	return 0;
}

/* ---- program generator ---------------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static unsigned rn(unsigned n)
{
	return (unsigned)(rnd() % n);
}

/* Registers: random instructions write x1-x23 only.  x24: scratch of
 * the code-writing items, x25: their code pointer, x26: the stop device,
 * x27: the data device, x28/x29: data pointers, x30: loop counter, x31:
 * the trap handler's. */
#define RD_MAX 23

struct gen {
	uint8_t *ram;
	uint32_t pc; /* offset of the next halfword */
	struct fwd {
		uint32_t at; /* offset of the instruction to fix */
		uint32_t base; /* pc its displacement is relative to */
		unsigned left; /* items until the target */
		uint8_t kind; /* 0 branch/jal, 1 addi of auipc+addi+jalr */
	} fwd[16];
	unsigned nfwd;
};

static void put16(struct gen *g, uint16_t v)
{
	memcpy(g->ram + g->pc, &v, 2);
	g->pc += 2;
}

static void put32(struct gen *g, uint32_t v)
{
	put16(g, (uint16_t)v);
	put16(g, (uint16_t)(v >> 16));
}

static uint32_t enc_i(uint32_t op, uint32_t rd, uint32_t f3, uint32_t rs1,
		      int32_t imm)
{
	return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 |
	       op;
}

static uint32_t enc_s(uint32_t op, uint32_t f3, uint32_t rs1, uint32_t rs2,
		      int32_t imm)
{
	uint32_t u = (uint32_t)imm;

	return (u >> 5 & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
	       (u & 0x1f) << 7 | op;
}

static uint32_t enc_b(uint32_t f3, uint32_t rs1, uint32_t rs2, int32_t imm)
{
	uint32_t u = (uint32_t)imm;

	return (u >> 12 & 1) << 31 | (u >> 5 & 0x3f) << 25 | rs2 << 20 |
	       rs1 << 15 | f3 << 12 | (u >> 1 & 0xf) << 8 | (u >> 11 & 1) << 7 |
	       0x63;
}

static uint32_t enc_j(uint32_t rd, int32_t imm)
{
	uint32_t u = (uint32_t)imm;

	return (u >> 20 & 1) << 31 | (u >> 1 & 0x3ff) << 21 |
	       (u >> 11 & 1) << 20 | (u >> 12 & 0xff) << 12 | rd << 7 | 0x6f;
}

/* Resolve forward transfers whose target is here (all, if `all`). */
static void fwd_step(struct gen *g, bool all)
{
	unsigned k = 0;

	while (k < g->nfwd) {
		struct fwd *f = &g->fwd[k];
		uint32_t w;
		int32_t d = (int32_t)(g->pc - f->base);

		if (!all && --f->left) {
			k++;
			continue;
		}
		memcpy(&w, g->ram + f->at, 4);
		if (f->kind == 1)
			w = (w & 0xfffff) | (uint32_t)d << 20;
		else if ((w & 0x7f) == 0x6f)
			w = enc_j(w >> 7 & 31, d);
		else
			w = enc_b(w >> 12 & 7, w >> 15 & 31, w >> 20 & 31, d);
		memcpy(g->ram + f->at, &w, 4);
		*f = g->fwd[--g->nfwd];
	}
}

static uint32_t rd_rand(void)
{
	return rn(RD_MAX + 1);
}

/* A random 32-bit instruction of a class that never transfers control. */
static uint32_t gen_random32(void)
{
	static const uint8_t ops[] = { 0x13, 0x1b, 0x33, 0x3b, 0x37,
				       0x17, 0x13, 0x33, 0x07, 0x53 };
	uint32_t op = ops[rn(sizeof(ops))];
	uint32_t w = (uint32_t)rnd() & ~0x7fu;

	w = (w & ~(31u << 7)) | rd_rand() << 7;
	if (op == 0x33 || op == 0x3b) { /* valid funct7 mostly */
		static const uint32_t f7[] = { 0, 0x20, 1, 0, 1, 0x7f };
		w = (w & 0x01ffffff) | f7[rn(6)] << 25;
	}
	if ((op == 0x13 || op == 0x1b) && rn(4)) { /* valid shifts mostly */
		w &= ~(0x3fu << 26);
		if (rn(2))
			w |= 0x10u << 26;
	}
	return w | op;
}

/* Base register and offset of a memory access of `size` bytes.  Only
 * loads use a random register (which may hold a code address: a store
 * there could rewrite a loop's counter and never end). */
static void mem_operand(unsigned size, uint32_t *base, int32_t *off, bool load)
{
	unsigned pick = rn(8);

	if (!load && pick == 1)
		pick = 3;
	switch (pick) {
	case 0:
		*base = 27;
		*off = (int32_t)(rn(64) & ~(size - 1));
		break;
	case 1:
		*base = rn(RD_MAX + 1);
		*off = (int32_t)rn(4096) - 2048;
		break;
	case 2:
		*base = 29;
		*off = (int32_t)rn(4096) - 2048;
		break;
	default:
		*base = 28;
		*off = (int32_t)rn(48) - 24;
		break;
	}
}

/* A pointer chase through the chain's nodes (CHAIN): a node address
 * from x29 (three addi and an andi), then steps that load the next
 * pointer or load or store a node's data, also misaligned or in the next
 * node (the page after the chain holds random data, whose pointers
 * fault).  The translator predicts the addend of accesses through a
 * register the block loads: here it hits along a page and misses where
 * nodes change page (always, when the pages are shuffled). */
static void gen_chase(struct gen *g)
{
	static const int32_t off[] = { 0, 8, 12, 4, 9, 16, 24 };
	uint32_t a = 1 + rn(RD_MAX), n = 1 + rn(6);

	put32(g, enc_i(0x13, a, 0, 29, 2047));
	put32(g, enc_i(0x13, a, 0, a, 2047));
	put32(g, enc_i(0x13, a, 0, a, 2047));
	put32(g, enc_i(0x13, a, 7, a, -16)); /* andi a, a, -16 */
	while (n--) {
		uint32_t x = 1 + rn(RD_MAX), f3 = rn(4);
		int32_t o = off[rn(sizeof(off) / sizeof(off[0]))];

		if (x == a || rn(3) == 0)
			put32(g, enc_i(0x03, a, 3, a, 0)); /* ld a, 0(a) */
		else if (rn(3) == 0 && o >= 8 && o + (1 << f3) <= 16)
			put32(g, enc_s(0x23, f3, a, x, o)); /* data only */
		else
			put32(g,
			      enc_i(0x03, x, rn(2) ? 3 : f3 | 4 * rn(2), a, o));
	}
}

static void gen_mem(struct gen *g)
{
	uint32_t base, f3;
	int32_t off;

	if (rn(4) == 0) {
		gen_chase(g);
		return;
	}
	if (rn(2)) {
		f3 = rn(8); /* 7: illegal */
		mem_operand(1u << (f3 & 3), &base, &off, true);
		put32(g, enc_i(0x03, rd_rand(), f3, base, off));
	} else {
		f3 = rn(4);
		mem_operand(1u << f3, &base, &off, false);
		put32(g, enc_s(0x23, f3, base, rn(32), off));
	}
}

static void gen_amo(struct gen *g)
{
	static const uint8_t f5[] = { 0, 1, 2, 3, 4, 8, 12, 16, 20, 24, 28 };
	uint32_t f3 = 2 + rn(2), base = rn(4) ? 28 : 29;
	uint32_t w = (uint32_t)f5[rn(sizeof(f5))] << 27 | rn(32) << 20 |
		     base << 15 | f3 << 12 | rd_rand() << 7 | 0x2f;

	if ((w >> 27) == 2)
		w &= ~(31u << 20); /* lr: rs2 = 0 */
	put32(g, w);
}

/* A random compressed instruction that neither jumps, stores nor writes a
 * reserved register. */
static void gen_rvc(struct gen *g)
{
	for (;;) {
		uint16_t c = (uint16_t)rnd();
		uint32_t w, op, rd;

		if ((c & 3) == 3)
			continue;
		w = decode_expand_rvc(c);
		op = w & 0x7f;
		rd = w >> 7 & 31;
		if (op == 0x63 || op == 0x6f || op == 0x67 || op == 0x73)
			continue;
		if (op == 0x23) /* stores: see mem_operand */
			continue;
		if (op != 0x27 && w && rd > RD_MAX)
			continue;
		put16(g, c);
		return;
	}
}

/* A forward transfer over the next 1-3 items. */
static void gen_forward(struct gen *g)
{
	struct fwd *f;

	if (g->nfwd >= 16)
		return;
	f = &g->fwd[g->nfwd++];
	f->left = 1 + rn(3);
	switch (rn(3)) {
	case 0:
		f->kind = 0;
		f->at = f->base = g->pc;
		put32(g, enc_j(rn(2) ? 0 : rd_rand(), 4));
		break;
	case 1: /* auipc x24, 0; addi x24, x24, D; jalr rd, 0(x24) */
		f->kind = 1;
		f->base = g->pc;
		put32(g, 0x17 | 24 << 7);
		f->at = g->pc;
		put32(g, enc_i(0x13, 24, 0, 24, 0));
		put32(g, enc_i(0x67, rn(2) ? 0 : rd_rand(), 0, 24, 0));
		break;
	default: {
		static const uint8_t f3[] = { 0, 1, 4, 5, 6, 7 };
		f->kind = 0;
		f->at = f->base = g->pc;
		put32(g, enc_b(f3[rn(6)], rn(32), rn(32), 4));
		break;
	}
	}
}

/* jal x0, +6 into the upper half of a lui whose immediate holds c.addi. */
static void gen_mid_jump(struct gen *g)
{
	uint32_t rd = 1 + rn(RD_MAX), imm = rn(64);
	uint32_t c = (imm >> 5) << 12 | rd << 7 | (imm & 31) << 2 | 1;

	put32(g, enc_j(0, 6));
	put32(g, c << 16 | rn(16) << 12 | (1 + rn(RD_MAX)) << 7 | 0x37);
}

/* Rewrite an instruction a few items ahead (x25 = its address). */
static void gen_smc(struct gen *g)
{
	uint32_t repl = enc_i(0x13, 1 + rn(RD_MAX), 0, rn(32),
			      (int32_t)rn(4096) - 2048);
	uint32_t at;
	int32_t lo = (int32_t)(repl << 20) >> 20;

	put32(g, (repl - (uint32_t)lo) | 24 << 7 | 0x37); /* lui x24 */
	put32(g, enc_i(0x1b, 24, 0, 24, lo)); /* addiw x24 */
	put32(g, 0x17 | 25 << 7); /* auipc x25, 0 */
	at = g->pc;
	put32(g, enc_s(0x23, 2, 25, 24, 0)); /* sw x24, D(x25) */
	if (rn(2))
		put32(g, enc_i(0x13, rd_rand(), 0, rn(32), 1)); /* addi */
	if (rn(3) == 0)
		put32(g, 0x0000100f); /* fence.i */
	{
		uint32_t w, d = g->pc - (at - 4);

		memcpy(&w, g->ram + at, 4);
		w = enc_s(0x23, 2, 25, 24, (int32_t)d);
		memcpy(g->ram + at, &w, 4);
	}
	put32(g, enc_i(0x13, 1 + rn(RD_MAX), 0, 0, 5)); /* to be rewritten */
}

static void gen_item(struct gen *g, bool in_loop);

/* A cast as compilers write it: slli rd, rs, S ... srli/srai rd, rd, S
 * (or the W forms with 16 or 24), sometimes with other ALU instructions
 * between, one of which may use rd (the translator fuses the pair into
 * one extension only when nothing between touches rd). */
static void gen_cast(struct gen *g)
{
	static const uint8_t sh[] = { 32, 48, 56, 16, 24, 8 };
	unsigned k = rn(sizeof(sh)), w = sh[k] <= 24;
	uint32_t rd = 1 + rn(RD_MAX), op = w ? 0x1b : 0x13, n = rn(3);

	put32(g, enc_i(op, rd, 1, rn(32), sh[k]));
	while (n--) {
		uint32_t x = 1 + rn(RD_MAX);

		if (rn(4) == 0) /* touches rd: no fusion */
			put32(g, enc_i(0x13, rn(2) ? rd : x, 0, rd, 3));
		else
			put32(g, 0x33u | x << 7 | rn(32) << 15 | rn(32) << 20);
	}
	put32(g, enc_i(op, rd, 5, rn(8) ? rd : rn(32),
		       (int32_t)((rn(2) ? 0x400u : 0) | sh[k])));
}

/* addi x30, x0, K; body; addi x30, x30, -1; bne x30, x0, body */
static void gen_loop(struct gen *g)
{
	uint32_t top, n = 2 + rn(12);

	fwd_step(g, true);
	put32(g, enc_i(0x13, 30, 0, 0, 1 + (int32_t)rn(40)));
	top = g->pc;
	/* Half the loops only translatable ALU and memory items, so the
	 * translator runs them as loops (unrolled when small), with traps
	 * and TLB misses in any copy of the body. */
	for (unsigned k = 0, pure = rn(2); k < n; k++) {
		uint32_t x = 1 + rn(RD_MAX), y = 1 + rn(RD_MAX);

		if (!pure) {
			gen_item(g, true);
		} else if (rn(8) == 0) {
			/* taken every other iteration: side exits from any
			 * copy of an unrolled body */
			put32(g, enc_i(0x13, x, 7, 30, 1)); /* andi x, x30, 1 */
			put32(g, enc_b(1, x, 0, 8)); /* bnez x, +8 */
			put32(g, gen_random32());
		} else if (rn(8) == 0) {
			/* lw from x28 + (C - x30) * 4096: mapped in the first
			 * iterations, a fault later (in a later copy) */
			put32(g, enc_i(0x13, y, 0, 30, -(int32_t)rn(40)));
			put32(g, enc_i(0x13, y, 1, y, 12)); /* slli */
			put32(g, 0x40000033u | y << 20 | 28 << 15 |
					 y << 7); /* sub */
			put32(g, enc_i(0x03, x, 2, y, 0)); /* lw x, 0(y) */
		} else if (rn(2)) {
			gen_mem(g);
		} else {
			put32(g, gen_random32());
		}
	}
	fwd_step(g, true);
	put32(g, enc_i(0x13, 30, 0, 30, -1));
	put32(g, enc_b(1, 30, 0, (int32_t)(top - g->pc)));
}

static void gen_item(struct gen *g, bool in_loop)
{
	unsigned r = rn(100);

	if (r < 35)
		put32(g, gen_random32());
	else if (r < 60)
		gen_mem(g);
	else if (r < 70)
		gen_rvc(g);
	else if (r < 73)
		gen_amo(g);
	else if (r < 78)
		gen_forward(g);
	else if (r < 80)
		gen_mid_jump(g);
	else if (r < 83)
		gen_smc(g);
	else if (r < 85) /* csrr rd, minstret / mcycle */
		put32(g, (rn(2) ? 0xb02u : 0xb00u) << 20 | 2 << 12 |
				 rd_rand() << 7 | 0x73);
	else if (r < 86)
		put32(g, 0x0000100f); /* fence.i */
	else if (r < 88)
		put32(g, rn(2) ? 0x0000000b : 0xffffffff); /* illegal */
	else if (r < 90 && !in_loop)
		gen_loop(g);
	else if (r < 94)
		gen_cast(g);
	else
		put32(g, gen_random32());
	fwd_step(g, false);
}

/* Trap handler at JH_RAM_BASE: skip the trapping instruction (2 or 4 bytes,
 * read from mepc) and return.  Uses x31 and mscratch only. */
static const uint32_t handler[] = {
	0x340c1073, /* csrw mscratch, x24 */
	0x34102ff3, /* csrr x31, mepc */
	0x000fdc03, /* lhu x24, 0(x31) */
	0x003c7c13, /* andi x24, x24, 3 */
	0xffdc0c13, /* addi x24, x24, -3 */
	0x002f8f93, /* addi x31, x31, 2 */
	0x000c1463, /* bnez x24, +8 */
	0x002f8f93, /* addi x31, x31, 2 */
	0x341f9073, /* csrw mepc, x31 */
	0x34002c73, /* csrr x24, mscratch */
	0x30200073, /* mret */
};

/* ---- runs and comparison -------------------------------------------- */

static void fm_init(struct fm *m, const uint8_t *image, const uint64_t *regs,
		    const uint8_t *perm, enum cpu_engine e)
{
	memset(m, 0, sizeof(*m));
	jh_init(&m->j, RAM_SIZE, e);
	m->j.user = m;
	m->j.page = fm_page;
	m->j.dev_read = fm_read;
	m->j.dev_write = fm_write;
	m->perm = perm;
	for (unsigned p = 0; p < PAGES; p++)
		memcpy(m->j.ram + perm[p] * 4096u, image + p * 4096u, 4096);
	memcpy(&m->j.h.x[1], &regs[1], 31 * sizeof(uint64_t));
	m->j.h.pc = JH_RAM_BASE + PROG;
	m->j.h.mtvec = JH_RAM_BASE;
}

static int compare(const struct fm *a, const struct fm *b, uint64_t seed)
{
	int bad = 0;

#define SAME(field, what)                                                      \
	do {                                                                   \
		if (a->field != b->field) {                                    \
			printf("FAIL seed %llu: %s interp %#llx jit %#llx\n",  \
			       (unsigned long long)seed, what,                 \
			       (unsigned long long)a->field,                   \
			       (unsigned long long)b->field);                  \
			bad = 1;                                               \
		}                                                              \
	} while (0)
	for (unsigned r = 1; r < 32; r++) {
		char name[8];

		snprintf(name, sizeof(name), "x%u", r);
		SAME(j.h.x[r], name);
	}
	SAME(j.h.pc, "pc");
	SAME(j.h.instret, "instret");
	SAME(j.h.mepc, "mepc");
	SAME(j.h.mcause, "mcause");
	SAME(j.h.mtval, "mtval");
	SAME(j.h.mstatus, "mstatus");
	SAME(j.h.priv, "priv");
	SAME(dev_hash, "device accesses");
	SAME(dev_ops, "device access count");
	SAME(j.h.stat_traps, "traps");
#undef SAME
	if (memcmp(a->j.ram, b->j.ram, RAM_SIZE)) {
		for (unsigned k = 0; k < RAM_SIZE; k++)
			if (a->j.ram[k] != b->j.ram[k]) {
				printf("FAIL seed %llu: RAM differs at host "
				       "+%#x\n",
				       (unsigned long long)seed, k);
				break;
			}
		bad = 1;
	}
	return bad;
}

/* A translation that loops where the interpreter does not would hang the
 * run: the translator's hart gets WATCH_S seconds (a program runs for
 * milliseconds), then is stopped and the program fails. */
#define WATCH_S 60
struct watch {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct hart *h;
	bool done, fired;
};

static void *watch_run(void *arg)
{
	struct watch *w = arg;
	struct timespec end;

	clock_gettime(CLOCK_REALTIME, &end);
	end.tv_sec += WATCH_S;
	pthread_mutex_lock(&w->lock);
	while (!w->done)
		if (pthread_cond_timedwait(&w->cond, &w->lock, &end)) {
			w->fired = true;
			hart_request(w->h, REQ_STOP);
			break;
		}
	pthread_mutex_unlock(&w->lock);
	return 0;
}

/* hart_run under the watch; false if it had to be stopped. */
static bool run_watched(struct hart *h, int *exit)
{
	struct watch w = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
			   h, false, false };
	pthread_t th;

	if (pthread_create(&th, 0, watch_run, &w)) {
		*exit = hart_run(h);
		return true;
	}
	*exit = hart_run(h);
	pthread_mutex_lock(&w.lock);
	w.done = true;
	pthread_cond_signal(&w.cond);
	pthread_mutex_unlock(&w.lock);
	pthread_join(th, 0);
	return !w.fired;
}

/* One program from seed; returns 1 if the engines disagree. */
static int fuzz_one(uint64_t seed, uint64_t *insns)
{
	static uint8_t image[RAM_SIZE], perm[PAGES];
	static struct fm a, b;
	struct gen g = { .ram = image, .pc = PROG };
	uint64_t regs[32];
	int ex;
	int bad;

	rng_state = seed * 0x9e3779b97f4a7c15ULL + 1;
	memset(image, 0, RAM_SIZE);
	for (unsigned k = 0; k < RAM_SIZE / 8; k++) {
		uint64_t v = rnd();
		memcpy(image + 8 * k, &v, 8);
	}
	memcpy(image, handler, sizeof(handler));
	for (unsigned k = 0; k < CHAIN_NODES; k++) {
		uint64_t next = JH_RAM_BASE + CHAIN + 16 * rn(CHAIN_NODES);

		memcpy(image + CHAIN + 16 * k, &next, 8);
	}
	for (unsigned p = 0; p < PAGES; p++)
		perm[p] = (uint8_t)p;
	if (rn(2)) /* shuffled: no two guest pages adjacent in the host */
		for (unsigned p = PAGES - 1; p > 0; p--) {
			unsigned q = rn(p + 1);
			uint8_t t = perm[p];

			perm[p] = perm[q];
			perm[q] = t;
		}
	for (unsigned r = 1; r < 32; r++) {
		/* the values division and remainder treat apart */
		static const uint64_t edge[] = { 0,
						 UINT64_MAX,
						 1ULL << 63,
						 0xffffffffULL,
						 0x80000000ULL,
						 0xffffffff80000000ULL,
						 0x7fffffffffffffffULL };

		regs[r] = rn(8)	  ? (rn(4) ? rnd() : rnd() >> rn(64))
			  : rn(2) ? edge[rn(sizeof(edge) / sizeof(edge[0]))]
				  : rnd() | 0xffffffffULL;
	}
	regs[26] = JH_STOP;
	regs[27] = DEV;
	regs[28] = JH_RAM_BASE + DATA - 8 + rn(16);
	regs[29] = JH_RAM_BASE + 0xc000 + rn(0x800);
	while (g.pc < PROG_END - 0x400)
		gen_item(&g, false);
	fwd_step(&g, true);
	put32(&g, enc_s(0x23, 3, 26, 0, 0)); /* sd x0, 0(x26): stop */

	if (getenv("JIT_FUZZ_DUMP")) { /* the program, for objdump -b binary */
		FILE *f = fopen(getenv("JIT_FUZZ_DUMP"), "wb");

		if (f) {
			fwrite(image, 1, RAM_SIZE, f);
			fclose(f);
		}
	}
	fm_init(&a, image, regs, perm, CPU_ENGINE_INTERP);
	fm_init(&b, image, regs, perm, CPU_ENGINE_JIT);
	if (hart_run(&a.j.h) != HART_EXIT_STOP) {
		printf("FAIL seed %llu: did not stop\n",
		       (unsigned long long)seed);
		bad = 1;
	} else if (!run_watched(&b.j.h, &ex)) {
		printf("FAIL seed %llu: the translator ran %d s without "
		       "stopping\n",
		       (unsigned long long)seed, WATCH_S);
		bad = 1;
	} else if (ex != HART_EXIT_STOP) {
		printf("FAIL seed %llu: did not stop\n",
		       (unsigned long long)seed);
		bad = 1;
	} else {
		bad = compare(&a, &b, seed);
	}
	*insns += a.j.h.instret;
	jh_destroy(&a.j);
	jh_destroy(&b.j);
	return bad;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	unsigned iters = argc > 1 ? (unsigned)strtoul(argv[1], 0, 0) : 200, k;
	uint64_t seed0 = argc > 2 ? strtoull(argv[2], 0, 0) : 1, insns = 0;
	double t0 = now_s();
	int failures = 0;
	bool bmi2 = jit_bmi2;
	unsigned budget = jit_budget;

	if (jh_no_jit("test_jit_fuzz"))
		return 0;
	for (k = 0; k < iters && failures < 5; k++) {
		if (argc < 2 && k >= 20 && now_s() - t0 > 20)
			break;
		/* Every other program: a code cache flushed all the time. */
		jit_cache_size = k & 1 ? 2 * JIT_BLOCK_ROOM : JIT_CACHE_SIZE;
		/* Every third pair: cold code interpreted before it is
		 * translated, so runs mix both engines' instructions. */
		jit_hot = k % 6 >= 4 ? 3 : 1;
		/* Every fourth: the soft-TLB check without BMI2's rorx. */
		jit_bmi2 = bmi2 && k % 4 != 3;
		/* Every third: a budget so small that it runs out in every
		 * kind of block and loop, not only where a trap leaves. */
		jit_budget = k % 3 == 2 ? 3 + (k * 37) % 200 : budget;
		failures += fuzz_one(seed0 + k, &insns);
	}
	if (failures) {
		printf("test_jit_fuzz: %d program(s) differ\n", failures);
		return 1;
	}
	printf("test_jit_fuzz: %u programs, %llu instructions: interp and jit "
	       "agree\n",
	       k, (unsigned long long)insns);
	return 0;
}
