/* Host unit test of the F/D implementation: encodes instructions, decodes
 * them with fp_decode() and runs the handlers on a bare struct hart.
 *
 *   test_fp                  built-in checks plus the vectors recorded
 *                            from QEMU in fp_vectors.h
 *   test_fp FILE [FRM]       check a transcript that a diff-fp-* guest
 *                            program printed on QEMU (FRM = the frm its
 *                            dyn column used: 4 for diff-fp-arith, 2 for
 *                            diff-fp-conv; "V" lines carry their own)
 *
 * Ends with the line "N passed, N failed". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/csr.h"
#include "cpu/fp.h"
#include "cpu/fp_impl.h"

enum { K_S, K_D, K_X }; /* operand kinds, as the guest tests number them */

/* How to encode one instruction.  f3 < 0: funct3 is the rounding mode. */
struct enc {
	const char *name;
	uint8_t opcode, funct7;
	int8_t rs2, f3; /* fixed rs2 field (-1: a register) and funct3 */
	uint8_t in, out, nsrc;
};

static const struct enc encs[] = {
	{ "fadd.s", 0x53, 0x00, -1, -1, K_S, K_S, 2 },
	{ "fsub.s", 0x53, 0x04, -1, -1, K_S, K_S, 2 },
	{ "fmul.s", 0x53, 0x08, -1, -1, K_S, K_S, 2 },
	{ "fdiv.s", 0x53, 0x0c, -1, -1, K_S, K_S, 2 },
	{ "fsqrt.s", 0x53, 0x2c, 0, -1, K_S, K_S, 1 },
	{ "fmadd.s", 0x43, 0, -1, -1, K_S, K_S, 3 },
	{ "fmsub.s", 0x47, 0, -1, -1, K_S, K_S, 3 },
	{ "fnmsub.s", 0x4b, 0, -1, -1, K_S, K_S, 3 },
	{ "fnmadd.s", 0x4f, 0, -1, -1, K_S, K_S, 3 },
	{ "fadd.d", 0x53, 0x01, -1, -1, K_D, K_D, 2 },
	{ "fsub.d", 0x53, 0x05, -1, -1, K_D, K_D, 2 },
	{ "fmul.d", 0x53, 0x09, -1, -1, K_D, K_D, 2 },
	{ "fdiv.d", 0x53, 0x0d, -1, -1, K_D, K_D, 2 },
	{ "fsqrt.d", 0x53, 0x2d, 0, -1, K_D, K_D, 1 },
	{ "fmadd.d", 0x43, 1, -1, -1, K_D, K_D, 3 },
	{ "fmsub.d", 0x47, 1, -1, -1, K_D, K_D, 3 },
	{ "fnmsub.d", 0x4b, 1, -1, -1, K_D, K_D, 3 },
	{ "fnmadd.d", 0x4f, 1, -1, -1, K_D, K_D, 3 },
	{ "fcvt.s.d", 0x53, 0x20, 1, -1, K_D, K_S, 1 },
	{ "fcvt.d.s", 0x53, 0x21, 0, -1, K_S, K_D, 1 },
	{ "fcvt.w.s", 0x53, 0x60, 0, -1, K_S, K_X, 1 },
	{ "fcvt.wu.s", 0x53, 0x60, 1, -1, K_S, K_X, 1 },
	{ "fcvt.l.s", 0x53, 0x60, 2, -1, K_S, K_X, 1 },
	{ "fcvt.lu.s", 0x53, 0x60, 3, -1, K_S, K_X, 1 },
	{ "fcvt.w.d", 0x53, 0x61, 0, -1, K_D, K_X, 1 },
	{ "fcvt.wu.d", 0x53, 0x61, 1, -1, K_D, K_X, 1 },
	{ "fcvt.l.d", 0x53, 0x61, 2, -1, K_D, K_X, 1 },
	{ "fcvt.lu.d", 0x53, 0x61, 3, -1, K_D, K_X, 1 },
	{ "fcvt.s.w", 0x53, 0x68, 0, -1, K_X, K_S, 1 },
	{ "fcvt.s.wu", 0x53, 0x68, 1, -1, K_X, K_S, 1 },
	{ "fcvt.s.l", 0x53, 0x68, 2, -1, K_X, K_S, 1 },
	{ "fcvt.s.lu", 0x53, 0x68, 3, -1, K_X, K_S, 1 },
	{ "fcvt.d.w", 0x53, 0x69, 0, -1, K_X, K_D, 1 },
	{ "fcvt.d.wu", 0x53, 0x69, 1, -1, K_X, K_D, 1 },
	{ "fcvt.d.l", 0x53, 0x69, 2, -1, K_X, K_D, 1 },
	{ "fcvt.d.lu", 0x53, 0x69, 3, -1, K_X, K_D, 1 },
	{ "fsgnj.s", 0x53, 0x10, -1, 0, K_S, K_S, 2 },
	{ "fsgnjn.s", 0x53, 0x10, -1, 1, K_S, K_S, 2 },
	{ "fsgnjx.s", 0x53, 0x10, -1, 2, K_S, K_S, 2 },
	{ "fmin.s", 0x53, 0x14, -1, 0, K_S, K_S, 2 },
	{ "fmax.s", 0x53, 0x14, -1, 1, K_S, K_S, 2 },
	{ "feq.s", 0x53, 0x50, -1, 2, K_S, K_X, 2 },
	{ "flt.s", 0x53, 0x50, -1, 1, K_S, K_X, 2 },
	{ "fle.s", 0x53, 0x50, -1, 0, K_S, K_X, 2 },
	{ "fclass.s", 0x53, 0x70, 0, 1, K_S, K_X, 1 },
	{ "fmv.x.w", 0x53, 0x70, 0, 0, K_S, K_X, 1 },
	{ "fmv.w.x", 0x53, 0x78, 0, 0, K_X, K_S, 1 },
	{ "fsgnj.d", 0x53, 0x11, -1, 0, K_D, K_D, 2 },
	{ "fsgnjn.d", 0x53, 0x11, -1, 1, K_D, K_D, 2 },
	{ "fsgnjx.d", 0x53, 0x11, -1, 2, K_D, K_D, 2 },
	{ "fmin.d", 0x53, 0x15, -1, 0, K_D, K_D, 2 },
	{ "fmax.d", 0x53, 0x15, -1, 1, K_D, K_D, 2 },
	{ "feq.d", 0x53, 0x51, -1, 2, K_D, K_X, 2 },
	{ "flt.d", 0x53, 0x51, -1, 1, K_D, K_X, 2 },
	{ "fle.d", 0x53, 0x51, -1, 0, K_D, K_X, 2 },
	{ "fclass.d", 0x53, 0x71, 0, 1, K_D, K_X, 1 },
	{ "fmv.x.d", 0x53, 0x71, 0, 0, K_D, K_X, 1 },
	{ "fmv.d.x", 0x53, 0x79, 0, 0, K_X, K_D, 1 },
};

/* A recorded case: variant 0-4 = static rm, 5 = dynamic with frm. */
struct fp_vec {
	const char *name;
	uint8_t variant, frm;
	uint64_t a, b, c, r;
	uint8_t fl;
};

#include "fp_vectors.h"

static unsigned passed, failed;
static struct hart hart; /* large (TLB arrays): static */
static struct insn slots[4];

/* Registers the encoded instructions use. */
#define RD_F 3
#define RD_X 10
#define RS1 0
#define RS2 1
#define RS3 2

static const struct enc *enc_find(const char *name)
{
	for (size_t k = 0; k < sizeof(encs) / sizeof(encs[0]); k++)
		if (!strcmp(encs[k].name, name))
			return &encs[k];
	return NULL;
}

static uint32_t encode(const struct enc *e, unsigned rm)
{
	unsigned rd = e->out == K_X ? RD_X : RD_F;
	unsigned rs1 = e->in == K_X ? RD_X : RS1;
	unsigned rs2 = e->rs2 >= 0 ? (unsigned)e->rs2 : RS2;
	unsigned f3 = e->f3 >= 0 ? (unsigned)e->f3 : rm;
	uint32_t w = e->opcode | rd << 7 | f3 << 12 | rs1 << 15 | rs2 << 20;

	if (e->opcode != 0x53)
		return w | (uint32_t)e->funct7 << 25 | RS3 << 27;
	return w | (uint32_t)e->funct7 << 25;
}

static void hart_reset(unsigned frm)
{
	memset(&hart, 0, sizeof(hart));
	hart.mstatus = (uint64_t)FS_INITIAL << MSTATUS_FS_SHIFT;
	hart.frm = (uint8_t)frm;
	hart.cur_slots = slots;
	hart.cur_host = (uint8_t *)slots; /* only read for an illegal insn */
}

/* Decode and run one instruction; returns the slot it continued at. */
static struct insn *run_raw(uint32_t raw)
{
	memset(slots, 0, sizeof(slots));
	if (!fp_decode(raw, &slots[0]))
		return &slots[3]; /* "invalid", distinct from every result */
	return slots[0].fn(&hart, &slots[0]);
}

static void result(bool ok, const char *what)
{
	if (ok) {
		passed++;
		return;
	}
	if (failed++ < 40)
		printf("FAIL %s\n", what);
}

/* Run e in `variant` on raw operand patterns and compare with r/fl. */
static void check_one(const struct enc *e, unsigned variant, unsigned frm,
		      const uint64_t in[3], uint64_t r, unsigned fl,
		      unsigned pre)
{
	unsigned rm = variant == 5 ? RM_DYN : variant;
	char what[200];

	hart_reset(frm);
	hart.fflags = (uint8_t)pre;
	if (e->in == K_X) {
		hart.x[RD_X] = in[0];
	} else {
		hart.f[RS1] = in[0];
		hart.f[RS2] = in[1];
		hart.f[RS3] = in[2];
	}
	struct insn *next = run_raw(encode(e, rm));
	uint64_t got = e->out == K_X ? hart.x[RD_X] : hart.f[RD_F];
	bool dirty = (hart.mstatus & MSTATUS_FS) == MSTATUS_FS;
	bool want_dirty = e->out != K_X || fl != 0;

	fl |= pre;

	snprintf(what, sizeof(what),
		 "%s v%u frm%u pre%02x %llx %llx %llx: got %llx/%02x want "
		 "%llx/%02x%s",
		 e->name, variant, frm, pre, (unsigned long long)in[0],
		 (unsigned long long)in[1], (unsigned long long)in[2],
		 (unsigned long long)got, hart.fflags, (unsigned long long)r,
		 fl, dirty != want_dirty ? " (FS)" : "");
	result(next == &slots[2] && got == r && hart.fflags == fl &&
		       dirty == want_dirty,
	       what);
}

/* Each case twice: from clear fflags, and with NX already accrued (which
 * lets the host-FPU fast path of fp_hard.h run; flags only accrue). */
static void check_case(const struct enc *e, unsigned variant, unsigned frm,
		       const uint64_t in[3], uint64_t r, unsigned fl)
{
	check_one(e, variant, frm, in, r, fl, 0);
	check_one(e, variant, frm, in, r, fl, FFLAG_NX);
}

static uint64_t boxed(unsigned kind, uint64_t v)
{
	return kind == K_S ? v | FP_BOX_S : v;
}

static void check_vectors(void)
{
	for (size_t k = 0; k < sizeof(vectors) / sizeof(vectors[0]); k++) {
		const struct fp_vec *v = &vectors[k];
		const struct enc *e = enc_find(v->name);
		uint64_t in[3] = { boxed(e->in, v->a), boxed(e->in, v->b),
				   boxed(e->in, v->c) };
		check_case(e, v->variant, v->frm, in, v->r, v->fl);
	}
}

/* Encodings fp_decode must refuse, and ones it must accept. */
static void check_decode(void)
{
	static const struct {
		uint32_t raw;
		bool valid;
	} cases[] = {
		{ 0x0020f1d3, true }, /* fadd.s f3, f1, f2, dyn */
		{ 0x0020d1d3, false }, /* rm 5 */
		{ 0x0020e1d3, false }, /* rm 6 */
		{ 0x0420f1d3, false }, /* fmt 2 (H) */
		{ 0x0620f1d3, false }, /* fmt 3 (Q) */
		{ 0x580071d3, true }, /* fsqrt.s f3, f0 */
		{ 0x581071d3, false }, /* fsqrt.s with rs2 = 1 */
		{ 0x400071d3, false }, /* fcvt.s.s */
		{ 0x401071d3, true }, /* fcvt.s.d */
		{ 0x420071d3, true }, /* fcvt.d.s */
		{ 0x422071d3, false }, /* fcvt.d.h */
		{ 0xc04071d3, false }, /* fcvt.?.s, rs2 = 4 */
		{ 0x200031d3, false }, /* fsgnj funct3 3 */
		{ 0x280021d3, false }, /* fmin/fmax funct3 2 */
		{ 0xa00031d3, false }, /* fcmp funct3 3 */
		{ 0xe00021d3, false }, /* fmv.x.w funct3 2 */
		{ 0xe01001d3, false }, /* fmv.x.w rs2 = 1 */
		{ 0xf00011d3, false }, /* fmv.w.x funct3 1 */
		{ 0x0000a187, true }, /* flw */
		{ 0x0000b187, true }, /* fld */
		{ 0x0000c187, false }, /* flq */
		{ 0x00001187, false }, /* flh */
		{ 0x0030a027, true }, /* fsw */
		{ 0x0030c027, false }, /* fsq */
		{ 0x100071c3, true }, /* fmadd.s rs3 = 2 */
		{ 0x1000d1c3, false }, /* fmadd rm 5 */
		{ 0x140071c3, false }, /* fmadd fmt 2 */
		{ 0x0000007f, false }, /* not an FP opcode */
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct insn i;
		char what[64];
		snprintf(what, sizeof(what), "decode %08x", cases[k].raw);
		result(fp_decode(cases[k].raw, &i) == cases[k].valid, what);
	}
}

/* Reserved dynamic rounding modes and FS = Off are illegal at run time;
 * integer destinations of x0 go to the sink. */
static void check_runtime_rules(void)
{
	const struct enc *add = enc_find("fadd.d");
	const struct enc *feq = enc_find("feq.d");

	for (unsigned frm = 5; frm < 8; frm++) {
		hart_reset(frm);
		result(run_raw(encode(add, RM_DYN)) == NULL &&
			       hart.mcause == EXC_ILLEGAL,
		       "dyn rm with frm 5-7 is illegal");
	}
	hart_reset(0);
	hart.mstatus = 0;
	result(run_raw(encode(feq, 0)) == NULL && hart.mcause == EXC_ILLEGAL,
	       "FS off is illegal");

	hart_reset(0);
	hart.f[0] = hart.f[1] = 0x3ff0000000000000ULL;
	run_raw(encode(feq, 0) & ~(31u << 7)); /* feq.d x0, f0, f1 */
	result(hart.x[0] == 0 && hart.x[32] == 1, "x0 destination is a sink");

	hart_reset(0);
	hart.f[0] = 0x3f800000; /* not boxed: reads as the canonical NaN */
	hart.f[1] = FP_BOX_S | 0x3f800000;
	run_raw(encode(enc_find("fadd.s"), 0));
	result(hart.f[RD_F] == (FP_BOX_S | FP_NAN_S), "unboxed single is NaN");

	struct insn i;
	fp_decode(0x0000b187, &i); /* fld */
	insn_fn before = i.fn;
	fp_make_compressed(&i);
	result(i.fn != before, "compressed fld has its own handler");
	fp_decode(0x0020f1d3, &i);
	before = i.fn;
	fp_make_compressed(&i);
	result(i.fn == before, "fp_make_compressed leaves other slots");
}

/* Parse a "... : r/f r/f ..." result list into up to six pairs. */
static int parse_results(char *s, unsigned kind, uint64_t *r, unsigned *fl)
{
	int n = 0;
	for (char *tok = strtok(s, " \n"); tok && n < 6;
	     tok = strtok(NULL, " \n"), n++) {
		char *slash = strchr(tok, '/');
		if (!slash)
			return -1;
		r[n] = strtoull(tok, NULL, 16);
		if (kind == K_S && slash - tok == 8)
			r[n] |= FP_BOX_S;
		fl[n] = (unsigned)strtoul(slash + 1, NULL, 16);
	}
	return n;
}

/* One transcript line: "name a [b [c]] : results" or "box name raw :
 * result" (operands given raw, c = boxed 1.0) or "V name variant frm a b
 * c r fl". */
static void check_line(char *line, unsigned frm)
{
	char name[32];
	uint64_t in[3] = { 0, 0, 0 }, r[6];
	unsigned fl[6], variant, vfrm;
	unsigned long long a, b, c, rr, ff;
	const struct enc *e;
	char *colon = strchr(line, ':');

	if (sscanf(line, "V %31s %u %u %llx %llx %llx %llx %llx", name,
		   &variant, &vfrm, &a, &b, &c, &rr, &ff) == 8) {
		if (!(e = enc_find(name)))
			return;
		in[0] = boxed(e->in, a), in[1] = boxed(e->in, b);
		in[2] = boxed(e->in, c);
		check_case(e, variant, vfrm, in, rr, (unsigned)ff);
		return;
	}
	if (!colon)
		return;
	*colon = 0;
	if (sscanf(line, "box %31s %llx", name, &a) == 2) {
		if (!(e = enc_find(name)) ||
		    parse_results(colon + 1, e->out, r, fl) != 1)
			return;
		in[0] = in[1] = a;
		in[2] = FP_BOX_S | 0x3f800000;
		check_case(e, e->f3 >= 0 ? 0 : 0, frm, in, r[0], fl[0]);
		return;
	}
	if (sscanf(line, "%31s", name) != 1 || !(e = enc_find(name)))
		return;
	char *p = line + strlen(name);
	for (unsigned k = 0; k < e->nsrc; k++)
		in[k] = boxed(e->in, strtoull(p, &p, 16));
	int n = parse_results(colon + 1, e->out, r, fl);
	for (int v = 0; v < n; v++)
		check_case(e, (unsigned)v, frm, in, r[v], fl[v]);
}

static int check_file(const char *path, unsigned frm)
{
	char line[512];
	FILE *f = fopen(path, "r");
	if (!f) {
		perror(path);
		return -1;
	}
	while (fgets(line, sizeof(line), f))
		check_line(line, frm);
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1) {
		unsigned frm = argc > 2 ? (unsigned)atoi(argv[2]) : 0;
		if (check_file(argv[1], frm))
			return 2;
	} else {
		check_decode();
		check_runtime_rules();
		check_vectors();
	}
	printf("%u passed, %u failed\n", passed, failed);
	return failed != 0;
}
