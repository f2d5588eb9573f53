/* The translator: one block of guest code (straight-line, inside one guest
 * page, at most JIT_BLOCK_MAX_INSNS instructions, conditional branches
 * leave by side exits) becomes x86-64 code.
 *
 * Guest registers stay in the hart (rbx points to it throughout); each
 * instruction loads its operands, computes and stores rd.  Loads and stores
 * check the soft TLB inline exactly as ops_mem.c does (one compare of page,
 * context and alignment; host = va + addend); a miss leaves the block with
 * pc at that instruction for the interpreter, which takes the slow path,
 * traps precisely or does the MMIO.  Instructions not translated here (FP,
 * CSRs, AMOs, fences, system) end the block the same way.  Budget: it
 * lives in r15 while translated code runs; every exit subtracts the
 * instructions the block retired before it, and every block starts with
 * the exit check (requests from other threads, budget), so chained edges
 * and loops poll like the interpreter does.  rax caches the guest register
 * last loaded or stored through it, along the block's straight line.
 *
 * Decoding goes through decode.c: the handler it picks names the
 * operation, so both engines read the same fields.
 */
#include <stddef.h>
#include <stdint.h>

#include "cpu/decode.h"
#include "cpu/jit_impl.h"
#include "cpu/jit_x86.h"
#include "cpu/ops.h"

#if defined(__x86_64__)

enum jk {
	JK_NONE,
	JK_NOP,
	JK_LI,
	JK_MV,
	JK_ALUI, /* addi xori ori andi: aux = enum x86_alu */
	JK_SLTI,
	JK_SLTIU,
	JK_SHI, /* slli srli srai: aux = enum x86_shift */
	JK_ADDIW,
	JK_SHIW,
	JK_AUIPC,
	JK_ALU, /* add sub xor or and */
	JK_SLT,
	JK_SLTU,
	JK_SH, /* sll srl sra */
	JK_ALUW, /* addw subw */
	JK_SHW,
	JK_MUL,
	JK_MULW,
	JK_MULH, /* aux = 5 imul, 4 mul */
	JK_CALL, /* rd = helper(rs1, rs2) */
	JK_BR, /* aux = condition; beqz/bnez: rs2 = 0 */
	JK_J,
	JK_JAL,
	JK_JALR,
	JK_LOAD, /* aux = size | 16 for sign extension */
	JK_STORE, /* aux = size */
};

struct jk_map {
	insn_fn f4, f2;
	uint8_t kind, aux;
	void *helper;
};

/* Helpers for the M operations with special cases (division by zero,
 * overflow) or no single x86 instruction: the interpreter's own code. */
static uint64_t jh_mulhsu(uint64_t a, uint64_t b)
{
	return (uint64_t)((unsigned __int128)((__int128)(int64_t)a *
					      (__int128)b) >>
			  64);
}
static uint64_t jh_div(uint64_t a, uint64_t b)
{
	return m_div((int64_t)a, (int64_t)b);
}
static uint64_t jh_divu(uint64_t a, uint64_t b)
{
	return b ? a / b : UINT64_MAX;
}
static uint64_t jh_rem(uint64_t a, uint64_t b)
{
	return m_rem((int64_t)a, (int64_t)b);
}
static uint64_t jh_remu(uint64_t a, uint64_t b)
{
	return b ? a % b : a;
}
static uint64_t jh_divw(uint64_t a, uint64_t b)
{
	return m_divw((int32_t)(uint32_t)a, (int32_t)(uint32_t)b);
}
static uint64_t jh_divuw(uint64_t a, uint64_t b)
{
	return (uint32_t)b ? sext32((uint32_t)a / (uint32_t)b) : UINT64_MAX;
}
static uint64_t jh_remw(uint64_t a, uint64_t b)
{
	return m_remw((int32_t)(uint32_t)a, (int32_t)(uint32_t)b);
}
static uint64_t jh_remuw(uint64_t a, uint64_t b)
{
	return (uint32_t)b ? sext32((uint32_t)a % (uint32_t)b) : sext32(a);
}

#define M(name, kind, aux)                                                     \
	{                                                                      \
		name##_4, name##_2, kind, aux, 0                               \
	}
#define MH(name, fn)                                                           \
	{                                                                      \
		name##_4, name##_2, JK_CALL, 0, (void *)fn                     \
	}
#define MB(name, cc)                                                           \
	{                                                                      \
		name##_far_4, name##_far_2, JK_BR, cc, 0                       \
	}

static const struct jk_map jk_table[] = {
	M(op_nop, JK_NOP, 0),
	M(op_li, JK_LI, 0),
	M(op_mv, JK_MV, 0),
	M(op_addi, JK_ALUI, ALU_ADD),
	M(op_xori, JK_ALUI, ALU_XOR),
	M(op_ori, JK_ALUI, ALU_OR),
	M(op_andi, JK_ALUI, ALU_AND),
	M(op_slti, JK_SLTI, 0),
	M(op_sltiu, JK_SLTIU, 0),
	M(op_slli, JK_SHI, SH_SHL),
	M(op_srli, JK_SHI, SH_SHR),
	M(op_srai, JK_SHI, SH_SAR),
	M(op_addiw, JK_ADDIW, 0),
	M(op_slliw, JK_SHIW, SH_SHL),
	M(op_srliw, JK_SHIW, SH_SHR),
	M(op_sraiw, JK_SHIW, SH_SAR),
	M(op_auipc, JK_AUIPC, 0),
	M(op_add, JK_ALU, ALU_ADD),
	M(op_sub, JK_ALU, ALU_SUB),
	M(op_xor, JK_ALU, ALU_XOR),
	M(op_or, JK_ALU, ALU_OR),
	M(op_and, JK_ALU, ALU_AND),
	M(op_slt, JK_SLT, 0),
	M(op_sltu, JK_SLTU, 0),
	M(op_sll, JK_SH, SH_SHL),
	M(op_srl, JK_SH, SH_SHR),
	M(op_sra, JK_SH, SH_SAR),
	M(op_addw, JK_ALUW, ALU_ADD),
	M(op_subw, JK_ALUW, ALU_SUB),
	M(op_sllw, JK_SHW, SH_SHL),
	M(op_srlw, JK_SHW, SH_SHR),
	M(op_sraw, JK_SHW, SH_SAR),
	M(op_mul, JK_MUL, 0),
	M(op_mulw, JK_MULW, 0),
	M(op_mulh, JK_MULH, 5),
	M(op_mulhu, JK_MULH, 4),
	MH(op_mulhsu, jh_mulhsu),
	MH(op_div, jh_div),
	MH(op_divu, jh_divu),
	MH(op_rem, jh_rem),
	MH(op_remu, jh_remu),
	MH(op_divw, jh_divw),
	MH(op_divuw, jh_divuw),
	MH(op_remw, jh_remw),
	MH(op_remuw, jh_remuw),
	MB(op_beq, CC_E),
	MB(op_bne, CC_NE),
	MB(op_blt, CC_L),
	MB(op_bge, CC_GE),
	MB(op_bltu, CC_B),
	MB(op_bgeu, CC_AE),
	MB(op_beqz, CC_E),
	MB(op_bnez, CC_NE),
	{ op_j_far_4, op_j_far_2, JK_J, 0, 0 },
	{ op_jal_far_4, op_jal_far_2, JK_JAL, 0, 0 },
	M(op_jalr, JK_JALR, 0),
	M(op_jr, JK_JALR, 0),
	M(op_lb, JK_LOAD, 1 | 16),
	M(op_lh, JK_LOAD, 2 | 16),
	M(op_lw, JK_LOAD, 4 | 16),
	M(op_ld, JK_LOAD, 8),
	M(op_lbu, JK_LOAD, 1),
	M(op_lhu, JK_LOAD, 2),
	M(op_lwu, JK_LOAD, 4),
	M(op_sb, JK_STORE, 1),
	M(op_sh, JK_STORE, 2),
	M(op_sw, JK_STORE, 4),
	M(op_sd, JK_STORE, 8),
	{ op_fence_nop, op_fence_nop, JK_NOP, 0, 0 },
};

static const struct jk_map *jk_find(insn_fn fn)
{
	for (size_t k = 0; k < sizeof(jk_table) / sizeof(jk_table[0]); k++)
		if (jk_table[k].f4 == fn || jk_table[k].f2 == fn)
			return &jk_table[k];
	return 0;
}

/* Hart field offsets, as the generated code addresses them from rbp, which
 * points JIT_HART_BIAS bytes into the hart so that x1..x31 are reached
 * with 8-bit displacements. */
#define HOFF(f) ((int32_t)offsetof(struct hart, f) - JIT_HART_BIAS)
#define HX(r) ((int32_t)(offsetof(struct hart, x) + 8u * (r)) - JIT_HART_BIAS)
#define HPC HOFF(pc)
#define HREQ HOFF(requests)
#define HCTX HOFF(ctx_data)
#define HLOAD HOFF(tlb.load)
#define HSTORE HOFF(tlb.store)
#define HFETCH HOFF(tlb.fetch)
#define HCTXF HOFF(ctx_fetch)

_Static_assert(offsetof(struct hart, x) == 0, "x[] first: 8-bit offsets");
_Static_assert(sizeof(struct tlb_entry) == 32, "tlb entry is 32 bytes");
_Static_assert(offsetof(struct tlb_entry, tag) == 0, "tag first");
_Static_assert(offsetof(struct tlb_entry, addend) == 8, "addend second");
_Static_assert(offsetof(struct tlb_entry, code) == 24, "code last");
_Static_assert(sizeof(struct jit_entry) == 24, "jc entry: 3 words");
_Static_assert(JIT_JC_BITS == 15, "hash below");
_Static_assert((uintptr_t)JIT_NONE == 1, "jbe below");
_Static_assert(TLB_SIZE == 1024, "index mask below");
_Static_assert(sizeof(((struct hart *)0)->requests) == 4, "cmp dword");

/* Register allocation.  Within a block the guest registers it uses most
 * (and the data TLB context, pseudo-register JR_CTX, when it has several
 * loads and stores) live in host registers: callee-saved ones first (the
 * enter stub saves them), then caller-saved ones (saved around helper
 * calls).  A block loads its allocated registers on entry (only those it
 * reads before writing, unless it loops), writes the ones it has changed
 * back at every exit, and so hands the next block, the interpreter and
 * the dispatcher a hart whose x[] is exact.  rax, rcx, rdx, rsi and rdi are
 * scratch; rbp is the hart, r15 the budget. */
#define JR_CTX 33 /* pseudo guest register: h->ctx_data */
#define JR_N 34
static const int8_t alloc_order[] = { RBX, R12, R13, R14, R8, R9, R10, R11 };
#define ALLOC_N ((int)sizeof(alloc_order))

/* An exit the block body jumps to, emitted after the body. */
/* EXIT/STEP: spend, leave with JIT_EXIT_LOOKUP/STEP.  CHAIN: the initial
 * target of a patchable jump.  SIDE: the taken side of an in-page branch:
 * spend, then a patchable jump (which adds its CHAIN stub).  Every kind
 * but CHAIN first writes back the registers dirty at its exit. */
enum stub_kind { STUB_EXIT, STUB_STEP, STUB_CHAIN, STUB_SIDE };
struct stub {
	uint8_t *fix[2]; /* rel32 fields that jump here */
	uint64_t pc;
	uint64_t dirty; /* guest registers to write back */
	uint32_t retired; /* instructions of the block retired before */
	uint8_t kind;
};

/* One decoded instruction of the block. */
struct jt_insn {
	struct insn in;
	const struct jk_map *m;
	uint64_t pc;
	uint8_t len;
};

struct jt {
	struct jit *j;
	struct xbuf b;
	uint64_t page; /* guest-virtual page of the block */
	uint64_t start; /* its first pc */
	struct stub stubs[2 * JIT_BLOCK_MAX_INSNS + 4];
	unsigned nstubs;
	struct jt_insn ins[JIT_BLOCK_MAX_INSNS];
	unsigned n; /* instructions in ins[] */
	bool step_after; /* ins[n] exists but is left to the interpreter */
	bool loops; /* a jump or branch back to start */
	int8_t map[JR_N]; /* host register of a guest register, or NOREG */
	uint64_t dirty; /* allocated registers changed so far */
	uint64_t loop_dirty; /* loops: every allocated register it changes */
	uint8_t *head; /* loops: the code after entry check and loads */
};

static inline const uint8_t *jt_rx(struct jt *t, const uint8_t *rw)
{
	return t->j->rx + (rw - t->j->rw);
}

static struct stub *jt_stub(struct jt *t, uint8_t *fix, uint64_t pc,
			    uint32_t retired, enum stub_kind kind)
{
	struct stub *s = &t->stubs[t->nstubs++];

	s->fix[0] = fix;
	s->fix[1] = 0;
	s->pc = pc;
	s->retired = retired;
	s->kind = (uint8_t)kind;
	s->dirty = t->dirty;
	return s;
}

static inline int H(const struct jt *t, unsigned r)
{
	return r < JR_N ? t->map[r] : NOREG;
}

/* Store the allocated registers in mask back to the hart. */
static void jt_writeback(struct jt *t, uint64_t mask)
{
	for (unsigned r = 1; r < 32; r++)
		if (mask >> r & 1)
			x_store64(&t->b, t->map[r], RBP, HX(r));
}

/* budget -= retired (r15 holds it) */
static void jt_spend(struct jt *t, uint32_t retired)
{
	if (retired)
		x_alu_ri(&t->b, 1, ALU_SUB, R15, (int32_t)retired);
}

static void jt_set_pc(struct jt *t, uint64_t pc)
{
	x_mov_imm(&t->b, RAX, pc);
	x_store64(&t->b, RAX, RBP, HPC);
}

/* Leave with h->pc = pc and return value `ret` (epilogue). */
static void jt_leave(struct jt *t, uint64_t pc, uint64_t ret)
{
	uint8_t *rel;

	jt_set_pc(t, pc);
	x_mov_imm(&t->b, RAX, ret);
	rel = x_jmp(&t->b);
	x_patch(rel, t->j->rw + (t->j->epilogue - t->j->rx));
}

/* Continue at the guest address in rdx, in any page: the dispatcher's
 * lookup done inline (fetch TLB entry of the target, its decoded page's
 * gen, the lookup table entry), jumping straight to the block when it
 * exists; otherwise leave with pc = rdx.  The target block's entry check
 * polls as every chained edge does.  Registers are written back. */
static void jt_lookup(struct jt *t)
{
	struct xbuf *b = &t->b;
	uint8_t *miss[6], *rel;
	unsigned n = 0;

	x_store64(b, RDX, RBP, HPC);
	x_mov_rr(b, RAX, RDX);
	x_shift_ri(b, 1, SH_SHR, RAX, 7);
	x_alu_ri(b, 0, ALU_AND, RAX, (int32_t)(TLB_MASK << 5));
	x_mov_rr(b, RCX, RDX);
	x_alu_ri(b, 1, ALU_AND, RCX, -4096);
	x_load32(b, RSI, RBP, HCTXF);
	x_alu_rr(b, 1, ALU_OR, RCX, RSI);
	x_alu_rm(b, 1, ALU_CMP, RCX, RBP, RAX, HFETCH);
	miss[n++] = x_jcc(b, CC_NE);
	x_op_mem(b, 1, X_OP(0x8b), 1, RSI, RBP, RAX, HFETCH + 24); /* code */
	x_test_rr(b, RSI);
	miss[n++] = x_jcc(b, CC_E);
	x_load64(b, RSI, RSI, (int32_t)offsetof(struct code_page, gen));
	x_mov_rr(b, RCX, RDX);
	x_shift_ri(b, 1, SH_SHR, RCX, 1);
	x_mov_rr(b, RAX, RDX);
	x_shift_ri(b, 1, SH_SHR, RAX, JIT_JC_BITS + 1);
	x_alu_rr(b, 1, ALU_XOR, RCX, RAX);
	x_alu_ri(b, 0, ALU_AND, RCX, JIT_JC_SIZE - 1);
	/* lea rcx, [rcx + rcx * 2]; then * 8: the entry's offset */
	x_b(b, 0x48);
	x_b(b, 0x8d);
	x_b(b, 0x0c);
	x_b(b, 0x49);
	x_shift_ri(b, 1, SH_SHL, RCX, 3);
	x_mov_imm(b, RAX, (uint64_t)(uintptr_t)t->j->jc);
	x_alu_rr(b, 1, ALU_ADD, RCX, RAX);
	x_alu_rm(b, 1, ALU_CMP, RDX, RCX, NOREG, 0);
	miss[n++] = x_jcc(b, CC_NE);
	x_alu_rm(b, 1, ALU_CMP, RSI, RCX, NOREG, 8);
	miss[n++] = x_jcc(b, CC_NE);
	x_load64(b, RAX, RCX, 16);
	x_alu_ri(b, 1, ALU_CMP, RAX, 1);
	miss[n++] = x_jcc(b, CC_BE); /* none yet, or JIT_NONE */
	x_b(b, 0xff); /* jmp rax */
	x_b(b, 0xe0);
	for (unsigned k = 0; k < n; k++)
		x_patch(miss[k], b->p);
	x_mov_imm(b, RAX, JIT_EXIT_LOOKUP);
	rel = x_jmp(b);
	x_patch(rel, t->j->rw + (t->j->epilogue - t->j->rx));
}

/* Continue at pc after `retired` instructions, with the registers in
 * dirty written back: a patchable jump when pc is in the block's page,
 * else the inline lookup. */
static void jt_goto(struct jt *t, uint64_t pc, uint32_t retired, uint64_t dirty)
{
	jt_writeback(t, dirty);
	jt_spend(t, retired);
	if ((pc & ~0xfffULL) == t->page) {
		uint8_t *site = x_jmp(&t->b);

		jt_stub(t, site, pc, 0, STUB_CHAIN);
	} else {
		x_mov_imm(&t->b, RDX, pc);
		jt_lookup(t);
	}
}

/* A jump back to the block's start after `retired` instructions: the exit
 * check inline (budget spent to zero or below, requests), then straight
 * to the loop head with every register still in place. */
static void jt_back_edge(struct jt *t, uint32_t retired)
{
	struct xbuf *b = &t->b;
	struct stub *s;
	uint8_t *rel;

	x_alu_ri(b, 1, ALU_SUB, R15, (int32_t)retired);
	s = jt_stub(t, x_jcc(b, CC_LE), t->start, 0, STUB_EXIT);
	x_alu_mi8(b, 0, ALU_CMP, RBP, HREQ, 0);
	s->fix[1] = x_jcc(b, CC_NE);
	rel = x_jmp(b);
	x_patch(rel, t->head);
}

/* The out-of-line exits, in order; SIDE stubs add CHAIN stubs, which the
 * loop reaches in turn. */
static void jt_emit_stubs(struct jt *t)
{
	for (unsigned k = 0; k < t->nstubs; k++) {
		struct stub *s = &t->stubs[k];

		x_patch(s->fix[0], t->b.p);
		if (s->fix[1])
			x_patch(s->fix[1], t->b.p);
		switch (s->kind) {
		case STUB_CHAIN:
			/* Report where the jump's displacement is. */
			jt_leave(t, s->pc, (uintptr_t)jt_rx(t, s->fix[0]));
			break;
		case STUB_SIDE: jt_goto(t, s->pc, s->retired, s->dirty); break;
		default:
			jt_writeback(t, s->dirty);
			jt_spend(t, s->retired);
			jt_leave(t, s->pc,
				 s->kind == STUB_STEP ? JIT_EXIT_STEP
						      : JIT_EXIT_LOOKUP);
			break;
		}
	}
}

/* reg = x[r] (x[0] reads 0 from the hart). */
static void jt_get(struct jt *t, int reg, unsigned r)
{
	int h = H(t, r);

	if (h == NOREG)
		x_load64(&t->b, reg, RBP, HX(r));
	else if (h != reg)
		x_mov_rr(&t->b, reg, h);
}

/* A host register holding x[r]: its own, or scratch loaded with it. */
static int jt_src(struct jt *t, unsigned r, int scratch)
{
	int h = H(t, r);

	if (h != NOREG)
		return h;
	x_load64(&t->b, scratch, RBP, HX(r));
	return scratch;
}

/* x[r] = reg (writes to the x0 sink, r = 32, are dropped). */
static void jt_put(struct jt *t, int reg, unsigned r)
{
	int h = H(t, r);

	if (r >= 32)
		return;
	if (h == NOREG) {
		x_store64(&t->b, reg, RBP, HX(r));
		return;
	}
	if (h != reg)
		x_mov_rr(&t->b, h, reg);
	t->dirty |= 1ULL << r;
}

/* The register to compute rd in: its own unless that is also the second
 * operand's (rd == rs2 != rs1 would be clobbered by rd = rs1), else rax. */
static int jt_dst(struct jt *t, unsigned rd, unsigned rs1, unsigned rs2)
{
	int h = H(t, rd);

	if (h == NOREG || rd >= 32 || (rd == rs2 && rs1 != rs2))
		return RAX;
	return h;
}

/* op (width w) reg, x[r]: from r's host register or from the hart. */
static void jt_alu_x(struct jt *t, int w, enum x86_alu op, int reg, unsigned r)
{
	int h = H(t, r);

	if (h != NOREG)
		x_alu_rr(&t->b, w, op, reg, h);
	else
		x_alu_rm(&t->b, w, op, reg, RBP, NOREG, HX(r));
}

/* The inline soft-TLB check of ops_mem.c: rsi = host address on a hit;
 * a miss jumps to a STEP stub for this instruction. */
static void jt_tlb(struct jt *t, const struct insn *in, unsigned size,
		   int32_t arr, uint64_t pc, uint32_t retired)
{
	struct xbuf *b = &t->b;
	int h = H(t, in->rs1), c = H(t, JR_CTX);

	if (h != NOREG) {
		x_lea(b, RSI, h, in->imm);
	} else {
		x_load64(b, RSI, RBP, HX(in->rs1));
		if (in->imm)
			x_alu_ri(b, 1, ALU_ADD, RSI, in->imm);
	}
	x_mov_rr(b, RAX, RSI);
	x_shift_ri(b, 1, SH_SHR, RAX, 7); /* (va >> 12) * 32 */
	x_alu_ri(b, 0, ALU_AND, RAX, (int32_t)(TLB_MASK << 5));
	x_mov_rr(b, RCX, RSI);
	x_alu_ri(b, 1, ALU_AND, RCX, (int32_t)(~0xfffu | (size - 1)));
	if (c == NOREG) {
		x_load32(b, RDX, RBP, HCTX);
		c = RDX;
	}
	x_alu_rr(b, 1, ALU_OR, RCX, c);
	x_alu_rm(b, 1, ALU_CMP, RCX, RBP, RAX, arr);
	jt_stub(t, x_jcc(b, CC_NE), pc, retired, STUB_STEP);
	x_alu_rm(b, 1, ALU_ADD, RSI, RBP, RAX, arr + 8);
}

static void jt_load(struct jt *t, const struct insn *in, unsigned aux,
		    uint64_t pc, uint32_t retired)
{
	struct xbuf *b = &t->b;
	unsigned size = aux & 15;
	int sx = aux & 16, d = jt_dst(t, in->rd, 0, 0);

	jt_tlb(t, in, size, HLOAD, pc, retired);
	switch (size) {
	case 1:
		if (sx)
			x_op_mem(b, 1, X_OP(0x0f, 0xbe), 2, d, RSI, NOREG, 0);
		else
			x_op_mem(b, 0, X_OP(0x0f, 0xb6), 2, d, RSI, NOREG, 0);
		break;
	case 2:
		if (sx)
			x_op_mem(b, 1, X_OP(0x0f, 0xbf), 2, d, RSI, NOREG, 0);
		else
			x_op_mem(b, 0, X_OP(0x0f, 0xb7), 2, d, RSI, NOREG, 0);
		break;
	case 4:
		x_op_mem(b, sx ? 1 : 0, X_OP(sx ? 0x63 : 0x8b), 1, d, RSI,
			 NOREG, 0);
		break;
	default: x_load64(b, d, RSI, 0); break;
	}
	jt_put(t, d, in->rd);
}

static void jt_store(struct jt *t, const struct insn *in, unsigned size,
		     uint64_t pc, uint32_t retired)
{
	struct xbuf *b = &t->b;
	int v;

	jt_tlb(t, in, size, HSTORE, pc, retired);
	v = jt_src(t, in->rs2, RCX); /* never spl..dil: no byte-reg REX */
	switch (size) {
	case 1: x_op_mem(b, 0, X_OP(0x88), 1, v, RSI, NOREG, 0); break;
	case 2:
		x_b(b, 0x66);
		x_op_mem(b, 0, X_OP(0x89), 1, v, RSI, NOREG, 0);
		break;
	case 4: x_op_mem(b, 0, X_OP(0x89), 1, v, RSI, NOREG, 0); break;
	default: x_store64(b, v, RSI, 0); break;
	}
}

/* Call a helper rax = fn(rdi, rsi), keeping the caller-saved host
 * registers that hold guest registers (an even number of pushes keeps
 * the stack aligned). */
static void jt_call(struct jt *t, void *fn)
{
	int saved[ALLOC_N + 1], n = 0;

	for (unsigned r = 1; r < JR_N; r++) {
		int h = H(t, r);

		if (h >= R8 && h <= R11)
			saved[n++] = h;
	}
	if (n & 1)
		saved[n++] = RAX;
	for (int k = 0; k < n; k++)
		x_push(&t->b, saved[k]);
	x_call(&t->b, fn);
	for (int k = n - 1; k >= 0; k--)
		if (saved[k] != RAX)
			x_pop(&t->b, saved[k]);
		else
			x_pop(&t->b, RCX);
}

/* Register-register and immediate ALU forms. */
static void jt_alu(struct jt *t, const struct jk_map *m, const struct insn *in,
		   uint64_t pc)
{
	struct xbuf *b = &t->b;
	int d = jt_dst(t, in->rd, in->rs1, in->rs2);

	switch (m->kind) {
	case JK_LI:
		if (in->rd >= 32)
			return;
		if (H(t, in->rd) == NOREG) {
			x_store_imm(b, RBP, HX(in->rd), in->imm);
			return;
		}
		x_mov_imm(b, H(t, in->rd), (uint64_t)(int64_t)in->imm);
		t->dirty |= 1ULL << in->rd;
		return;
	case JK_MV: jt_get(t, d, in->rs1); break;
	case JK_ALUI:
		jt_get(t, d, in->rs1);
		x_alu_ri(b, 1, m->aux, d, in->imm);
		break;
	case JK_SLTI:
	case JK_SLTIU:
		x_alu_ri(b, 1, ALU_CMP, jt_src(t, in->rs1, RCX), in->imm);
		x_setcc_rax(b, m->kind == JK_SLTI ? CC_L : CC_B);
		d = RAX;
		break;
	case JK_SHI:
		jt_get(t, d, in->rs1);
		x_shift_ri(b, 1, m->aux, d, (uint8_t)(in->imm & 63));
		break;
	case JK_ADDIW:
		jt_get(t, d, in->rs1);
		x_alu_ri(b, 0, ALU_ADD, d, in->imm);
		x_movsxd(b, d, d);
		break;
	case JK_SHIW:
		jt_get(t, d, in->rs1);
		x_shift_ri(b, 0, m->aux, d, (uint8_t)(in->imm & 31));
		x_movsxd(b, d, d);
		break;
	case JK_AUIPC: x_mov_imm(b, d, pc + (uint64_t)(int64_t)in->imm); break;
	case JK_ALU:
		jt_get(t, d, in->rs1);
		jt_alu_x(t, 1, m->aux, d, in->rs2);
		break;
	case JK_SLT:
	case JK_SLTU:
		jt_alu_x(t, 1, ALU_CMP, jt_src(t, in->rs1, RCX), in->rs2);
		x_setcc_rax(b, m->kind == JK_SLT ? CC_L : CC_B);
		d = RAX;
		break;
	case JK_SH:
	case JK_SHW:
		/* cl first: rs2's register may be rd's */
		jt_get(t, RCX, in->rs2);
		d = jt_dst(t, in->rd, 0, 0);
		jt_get(t, d, in->rs1);
		x_shift_cl(b, m->kind == JK_SH, m->aux, d);
		if (m->kind == JK_SHW)
			x_movsxd(b, d, d);
		break;
	case JK_ALUW:
		jt_get(t, d, in->rs1);
		jt_alu_x(t, 0, m->aux, d, in->rs2);
		x_movsxd(b, d, d);
		break;
	case JK_MUL:
	case JK_MULW:
		jt_get(t, d, in->rs1);
		if (H(t, in->rs2) != NOREG)
			x_imul_rr(b, m->kind == JK_MUL, d, H(t, in->rs2));
		else
			x_imul_rm(b, m->kind == JK_MUL, d, RBP, HX(in->rs2));
		if (m->kind == JK_MULW)
			x_movsxd(b, d, d);
		break;
	case JK_MULH:
		jt_get(t, RAX, in->rs1);
		if (H(t, in->rs2) != NOREG)
			x_mul_r(b, m->aux, H(t, in->rs2));
		else
			x_mul_m(b, m->aux, RBP, HX(in->rs2));
		d = RDX;
		break;
	case JK_CALL:
		jt_get(t, RDI, in->rs1);
		jt_get(t, RSI, in->rs2);
		jt_call(t, m->helper);
		d = RAX;
		break;
	}
	jt_put(t, d, in->rd);
}

/* Conditional branch: fall through, or a side exit to the target (in a
 * loop back to the start, the back edge inline). */
static void jt_branch(struct jt *t, const struct jk_map *m,
		      const struct insn *in, uint64_t pc, uint32_t retired)
{
	struct xbuf *b = &t->b;
	uint64_t target = pc + (uint64_t)(int64_t)in->imm;
	int a = jt_src(t, in->rs1, RAX);
	uint8_t *fix;

	if (in->rs2 == 0)
		x_test_rr(b, a);
	else
		jt_alu_x(t, 1, ALU_CMP, a, in->rs2);
	if (target == t->start && t->loops) {
		fix = x_jcc(b, x_cc_not((enum x86_cc)m->aux));
		jt_back_edge(t, retired);
		x_patch(fix, b->p);
		return;
	}
	fix = x_jcc(b, m->aux);
	jt_stub(t, fix, target, retired,
		(target & ~0xfffULL) == t->page ? STUB_SIDE : STUB_EXIT);
}

/* jalr/jr: the target is computed before rd is written (rd may be rs1). */
static void jt_jalr(struct jt *t, const struct insn *in, uint64_t pc,
		    unsigned len, uint32_t retired)
{
	struct xbuf *b = &t->b;

	jt_get(t, RDX, in->rs1);
	if (in->imm)
		x_alu_ri(b, 1, ALU_ADD, RDX, in->imm);
	x_alu_ri(b, 1, ALU_AND, RDX, -2);
	if (in->rd < 32) {
		x_mov_imm(b, RAX, pc + len);
		jt_put(t, RAX, in->rd);
	}
	jt_writeback(t, t->dirty);
	jt_spend(t, retired);
	jt_lookup(t);
}

/* Decode the instruction at pc (in the current page); 0 if it cannot be
 * translated (not in the table, or it straddles the page end). */
static unsigned jt_decode(struct hart *h, uint64_t pc, struct insn *in,
			  const struct jk_map **m)
{
	unsigned off = (unsigned)(pc & 0xfff), len;
	const uint8_t *p = h->cur_host + off;
	uint32_t raw = (uint32_t)p[0] | (uint32_t)p[1] << 8;

	len = (raw & 3) == 3 ? 4 : 2;
	if (len == 4) {
		if (off == 4096 - 2)
			return 0;
		raw |= (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	}
	decode_insn(raw, len, in);
	*m = jk_find(in->fn);
	return *m ? len : 0;
}

/* Guest registers an instruction reads (bit mask) and writes (or 0). */
static uint64_t jt_reads(const struct jt_insn *k)
{
	const struct insn *in = &k->in;

	switch (k->m->kind) {
	case JK_NOP:
	case JK_LI:
	case JK_AUIPC:
	case JK_J:
	case JK_JAL: return 0;
	case JK_MV:
	case JK_ALUI:
	case JK_SLTI:
	case JK_SLTIU:
	case JK_SHI:
	case JK_ADDIW:
	case JK_SHIW:
	case JK_JALR: return 1ULL << in->rs1;
	case JK_LOAD: return 1ULL << in->rs1 | 1ULL << JR_CTX;
	case JK_STORE:
		return 1ULL << in->rs1 | 1ULL << in->rs2 | 1ULL << JR_CTX;
	default: return 1ULL << in->rs1 | 1ULL << in->rs2;
	}
}

static uint64_t jt_writes(const struct jt_insn *k)
{
	switch (k->m->kind) {
	case JK_NOP:
	case JK_J:
	case JK_BR:
	case JK_STORE: return 0;
	default: return k->in.rd < 32 ? 1ULL << k->in.rd : 0;
	}
}

/* Decode the block into t->ins: straight-line code up to a jump, the page
 * end, JIT_BLOCK_MAX_INSNS or the first instruction left out.  Returns
 * false if the first one is left out. */
static bool jt_scan(struct hart *h, struct jt *t, uint64_t pc)
{
	t->n = 0;
	t->step_after = false;
	t->loops = false;
	while (t->n < JIT_BLOCK_MAX_INSNS) {
		struct jt_insn *k = &t->ins[t->n];
		unsigned len = jt_decode(h, pc, &k->in, &k->m);
		uint64_t target = pc + (uint64_t)(int64_t)k->in.imm;

		if (!len) {
			t->step_after = true;
			break;
		}
		k->pc = pc;
		k->len = (uint8_t)len;
		t->n++;
		pc += len;
		if ((k->m->kind == JK_BR || k->m->kind == JK_J ||
		     k->m->kind == JK_JAL) &&
		    target == t->start)
			t->loops = true;
		if (k->m->kind == JK_J || k->m->kind == JK_JAL ||
		    k->m->kind == JK_JALR || (pc & 0xfff) == 0)
			break;
	}
	return t->n != 0;
}

/* Give the most used guest registers (two uses at least) host registers;
 * load the ones the block may read before writing. */
static void jt_alloc(struct jt *t)
{
	unsigned uses[JR_N] = { 0 };
	uint64_t written = 0, live_in = 0;
	int next = 0;

	for (unsigned k = 0; k < t->n; k++) {
		uint64_t rd = jt_reads(&t->ins[k]), wr = jt_writes(&t->ins[k]);

		live_in |= rd & ~written;
		written |= wr;
		for (unsigned r = 1; r < JR_N; r++)
			uses[r] += (unsigned)((rd >> r & 1) + (wr >> r & 1));
	}
	for (unsigned r = 0; r < JR_N; r++)
		t->map[r] = NOREG;
	uses[0] = uses[32] = 0;
	while (next < ALLOC_N) {
		unsigned best = 0;

		for (unsigned r = 1; r < JR_N; r++)
			if (t->map[r] == NOREG && uses[r] > uses[best])
				best = r;
		if (uses[best] < 2)
			break;
		t->map[best] = alloc_order[next++];
	}
	t->dirty = 0;
	t->loop_dirty = 0;
	for (unsigned r = 1; r < JR_N; r++) {
		if (t->map[r] == NOREG)
			continue;
		if (r == JR_CTX)
			x_load32(&t->b, t->map[r], RBP, HCTX);
		else if (t->loops || (live_in >> r & 1))
			x_load64(&t->b, t->map[r], RBP, HX(r));
		if (t->loops && r < 32 && (written >> r & 1))
			t->loop_dirty |= 1ULL << r;
	}
	/* In a loop every register the body changes may be dirty anywhere. */
	t->dirty = t->loop_dirty;
}

const uint8_t *jit_translate(struct hart *h, struct jit *j, uint64_t pc)
{
	static __thread struct jt t; /* ~8 KiB: off the vCPU stack */
	uint8_t *start = j->rw + j->used, *fix;
	uint32_t n;
	bool open = true;

	t.j = j;
	t.b.p = start;
	t.page = pc & ~0xfffULL;
	t.start = pc;
	t.nstubs = 0;
	if (!jt_scan(h, &t, pc))
		return JIT_NONE;
	/* The exit check: other threads' requests, then the budget. */
	t.dirty = 0;
	x_alu_mi8(&t.b, 0, ALU_CMP, RBP, HREQ, 0);
	fix = x_jcc(&t.b, CC_NE);
	x_test_rr(&t.b, R15);
	jt_stub(&t, fix, pc, 0, STUB_EXIT)->fix[1] = x_jcc(&t.b, CC_LE);
	jt_alloc(&t);
	t.head = t.b.p;

	for (n = 0; n < t.n; n++) {
		const struct jt_insn *k = &t.ins[n];
		const struct jk_map *m = k->m;
		uint64_t target = k->pc + (uint64_t)(int64_t)k->in.imm;

		pc = k->pc;
		switch (m->kind) {
		case JK_NOP: break;
		case JK_BR: jt_branch(&t, m, &k->in, pc, n + 1); break;
		case JK_JAL:
			x_mov_imm(&t.b, RAX, pc + k->len);
			jt_put(&t, RAX, k->in.rd);
			/* fall through */
		case JK_J:
			if (target == t.start)
				jt_back_edge(&t, n + 1);
			else
				jt_goto(&t, target, n + 1, t.dirty);
			open = false;
			break;
		case JK_JALR:
			jt_jalr(&t, &k->in, pc, k->len, n + 1);
			open = false;
			break;
		case JK_LOAD: jt_load(&t, &k->in, m->aux, pc, n); break;
		case JK_STORE: jt_store(&t, &k->in, m->aux, pc, n); break;
		default: jt_alu(&t, m, &k->in, pc); break;
		}
		pc += k->len;
	}
	if (t.step_after) {
		jt_writeback(&t, t.dirty);
		jt_spend(&t, n);
		jt_leave(&t, pc, JIT_EXIT_STEP);
	} else if (open) {
		jt_goto(&t, pc, n, t.dirty);
	}
	jt_emit_stubs(&t);
	j->st.blocks++;
	j->st.insns += n;
	j->used = (size_t)((t.b.p - j->rw + 15) & ~(ptrdiff_t)15);
	return jt_rx(&t, start);
}

#endif
