/* Unit tests of the decoder and the execution engine (decode.c, exec.c,
 * ops_*.c), linked against the real library:
 *   - RVC expansion against a table made with riscv64-unknown-elf-as and
 *     objdump (each compressed form and its 32-bit equivalent), and the
 *     reserved encodings that must expand to 0;
 *   - decode_insn: handler and operands for a table of encodings (also
 *     assembler-made), illegal encodings, in-page branch resolution;
 *   - handler semantics of the M extension and 32-bit forms at their edges;
 *   - whole programs through hart_run on a small fake machine: exact
 *     instret across budget exits, a 32-bit instruction straddling a page,
 *     self-modifying code, page fall-through and calls between pages,
 *     illegal-instruction traps.
 * Prints one line per failure; exits non-zero if any. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/decode.h"
#include "cpu/ops.h"
#include "cpu/trap.h"
#include "check.h"
#include "decode_vectors.h"
#include "lib/jit_harness.h"

/* ---- RVC expansion -------------------------------------------------- */

static void test_rvc(void)
{
	size_t k;

	for (k = 0; k < sizeof(rvc_cases) / sizeof(rvc_cases[0]); k++) {
		uint32_t got = decode_expand_rvc(rvc_cases[k].c);

		if (got != rvc_cases[k].w)
			FAIL("expand %04x = %08x, want %08x", rvc_cases[k].c,
			     got, rvc_cases[k].w);
	}
	for (k = 0; k < sizeof(rvc_reserved) / sizeof(rvc_reserved[0]); k++) {
		uint32_t got = decode_expand_rvc(rvc_reserved[k]);

		if (got)
			FAIL("expand reserved %04x = %08x, want 0",
			     rvc_reserved[k], got);
	}
}

/* ---- decode_insn ---------------------------------------------------- */

static void check_field(const struct dec_case *c, const char *name, int64_t got,
			int64_t want)
{
	if (want != NA && got != want)
		FAIL("%s: %s = %lld, want %lld", c->text, name, (long long)got,
		     (long long)want);
}

static void test_decode(void)
{
	struct insn out;
	size_t k;

	for (k = 0; k < sizeof(dec_cases) / sizeof(dec_cases[0]); k++) {
		const struct dec_case *c = &dec_cases[k];

		decode_insn(c->raw, c->len, &out);
		if (out.fn != c->fn) {
			FAIL("%s: handler is not %s", c->text, c->fn_name);
			continue;
		}
		check_field(c, "rd", out.rd, c->rd);
		check_field(c, "rs1", out.rs1, c->rs1);
		check_field(c, "rs2", out.rs2, c->rs2);
		check_field(c, "rs3", out.rs3, c->rs3);
		check_field(c, "imm", out.imm, c->imm);
	}
	for (k = 0; k < sizeof(dec_illegal) / sizeof(dec_illegal[0]); k++) {
		decode_insn(dec_illegal[k], 4, &out);
		if (out.fn != op_illegal)
			FAIL("%08x: not illegal", dec_illegal[k]);
	}
	for (k = 0; k < sizeof(rvc_reserved) / sizeof(rvc_reserved[0]); k++) {
		decode_insn(rvc_reserved[k], 2, &out);
		if (out.fn != op_illegal)
			FAIL("%04x (16-bit): not illegal", rvc_reserved[k]);
	}
}

/* In-page targets become slot distances; others stay pc offsets. */
static void test_decode_at(void)
{
	static const struct {
		uint32_t raw;
		unsigned len, off;
		insn_fn fn;
		int32_t imm;
		const char *text;
	} cases[] = {
		{ 0x00b50463, 4, 100, op_beq_near_4, 8 * 8, "beq +8 @100" },
		{ 0x00b50463, 4, 4088, op_beq_far_4, 8, "beq +8 @4088" },
		{ 0xfeb51ce3, 4, 8, op_bne_near_4, -8 * 8, "bne -8 @8" },
		{ 0xfeb51ce3, 4, 6, op_bne_far_4, -8, "bne -8 @6" },
		{ 0xbffd, 2, 10, op_j_near_2, -2 * 8, "c.j -2 @10" },
		{ 0xbffd, 2, 0, op_j_far_2, -2, "c.j -2 @0" },
		{ 0x7ff0006f, 4, 0, op_j_near_4, 4094 * 8, "j +4094 @0" },
		{ 0x7ff0006f, 4, 2, op_j_far_4, 4094, "j +4094 @2" },
		{ 0x008000ef, 4, 0, op_jal_near_4, 8 * 8, "jal ra +8 @0" },
		{ 0xc119, 2, 4000, op_beqz_near_2, 6 * 8,
		  "c.beqz a0 +6 @4000" },
	};
	struct insn out;
	size_t k;

	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		decode_insn_at(cases[k].raw, cases[k].len, cases[k].off, &out);
		if (out.fn != cases[k].fn || out.imm != cases[k].imm)
			FAIL("%s: wrong handler or imm %d", cases[k].text,
			     out.imm);
	}
}

/* ---- handler semantics ---------------------------------------------- */

static void test_semantics(void)
{
	struct hart *h = calloc(1, sizeof(*h));
	struct insn slot[3];
	size_t k;

	for (k = 0; h && k < sizeof(sem_cases) / sizeof(sem_cases[0]); k++) {
		const struct sem_case *c = &sem_cases[k];
		struct insn *next;

		decode_insn(c->raw, 4, &slot[0]);
		h->x[11] = c->a1;
		h->x[12] = c->a2;
		h->budget = 0; /* return the successor, do not run it */
		next = slot[0].fn(h, &slot[0]);
		if (next != &slot[2])
			FAIL("%s: wrong successor", c->text);
		if (h->x[10] != c->want)
			FAIL("%s (%#llx, %#llx) = %#llx, want %#llx", c->text,
			     (unsigned long long)c->a1,
			     (unsigned long long)c->a2,
			     (unsigned long long)h->x[10],
			     (unsigned long long)c->want);
	}
	free(h);
}

/* ---- whole programs ------------------------------------------------- */

#define RAM_SIZE 0x10000ULL
#define STOP_ADDR 0x10000000ULL /* a store here stops the hart */

/* Load a program and run it on the interpreter until it stops. */
static struct jh *run(const char *name, const struct chunk *prog)
{
	struct jh *m = malloc(sizeof(*m));
	int r;

	if (!m) {
		FAIL("%s: out of memory", name);
		exit(2);
	}
	jh_init(m, RAM_SIZE, CPU_ENGINE_INTERP);
	m->stop = STOP_ADDR;
	for (; prog->len; prog++)
		jh_put(m, prog->off, prog->bytes, prog->len);
	r = jh_run(m, JH_RAM_BASE);
	if (r != HART_EXIT_STOP)
		FAIL("%s: hart_run returned %d", name, r);
	return m;
}

static void done(struct jh *m)
{
	jh_destroy(m);
	free(m);
}

#define CHECK_REG(name, m, reg, want)                                          \
	do {                                                                   \
		uint64_t g_ = (m)->h.x[reg], w_ = (want);                      \
		if (g_ != w_)                                                  \
			FAIL("%s: x%d = %#llx, want %#llx", name, reg,         \
			     (unsigned long long)g_, (unsigned long long)w_);  \
	} while (0)

enum {
	A0 = 10,
	A2 = 12,
	A3 = 13,
	A4 = 14,
	A5 = 15,
	S2 = 18,
	S3 = 19,
	S4 = 20,
	S5 = 21
};

static void test_programs(void)
{
	struct jh *m;

	/* 3 + 3 * 16384 instructions, many budget exits, then two reads of
	 * minstret and the two instructions that stop. */
	m = run("loop", prog_loop);
	CHECK_REG("loop", m, A0, 3 * 16384);
	CHECK_REG("loop", m, A2, 6 + 3 * 16384);
	CHECK_REG("loop", m, A3, 7 + 3 * 16384);
	if (m->h.instret != 10 + 3 * 16384)
		FAIL("loop: instret %llu", (unsigned long long)m->h.instret);
	done(m);

	/* addi at 0x80000ffe spans two pages; an illegal 32-bit word at
	 * 0x80001ffe too. */
	m = run("straddle", prog_straddle);
	CHECK_REG("straddle", m, A3, 6);
	CHECK_REG("straddle", m, A4, 6);
	CHECK_REG("straddle", m, S5, 1);
	CHECK_REG("straddle", m, S2, EXC_ILLEGAL);
	CHECK_REG("straddle", m, S3, 0xf3);
	CHECK_REG("straddle", m, S4, JH_RAM_BASE + 0x1ffe);
	done(m);

	/* The second pass runs `addi a5, a5, 16`, stored over `addi a5, a5,
	 * 1` after the first pass decoded it. */
	m = run("smc", prog_smc);
	CHECK_REG("smc", m, A5, 17);
	done(m);

	/* A call into another page and back, then straight-line code that
	 * runs from 0x80001ff8 into the next page. */
	m = run("cross", prog_cross);
	CHECK_REG("cross", m, A0, 1113);
	CHECK_REG("cross", m, A2, 13);
	/* Again, now that every page is decoded. */
	m->h.pc = JH_RAM_BASE;
	m->h.x[A0] = 0;
	m->h.instret = 0;
	if (hart_run(&m->h) != HART_EXIT_STOP)
		FAIL("cross: second run did not stop");
	CHECK_REG("cross (again)", m, A0, 1113);
	CHECK_REG("cross (again)", m, A2, 13);
	done(m);

	/* The all-zero halfword is illegal; mtval = its bits (0). */
	m = run("illegal", prog_illegal);
	CHECK_REG("illegal", m, S5, 7);
	CHECK_REG("illegal", m, S2, EXC_ILLEGAL);
	CHECK_REG("illegal", m, S3, 0);
	CHECK_REG("illegal", m, S4, JH_RAM_BASE + 0xe);
	done(m);
}

int main(void)
{
	test_rvc();
	test_decode();
	test_decode_at();
	test_semantics();
	test_programs();
	return check_done("test_decode");
}
