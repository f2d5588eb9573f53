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

/* Hart field offsets, as the generated code addresses them from rbx. */
#define HX(r) ((int32_t)(offsetof(struct hart, x) + 8u * (r)))
#define HPC ((int32_t)offsetof(struct hart, pc))
#define HBUDGET ((int32_t)offsetof(struct hart, budget))
#define HREQ ((int32_t)offsetof(struct hart, requests))
#define HCTX ((int32_t)offsetof(struct hart, ctx_data))
#define HLOAD ((int32_t)offsetof(struct hart, tlb.load))
#define HSTORE ((int32_t)offsetof(struct hart, tlb.store))
#define HFETCH ((int32_t)offsetof(struct hart, tlb.fetch))
#define HCTXF ((int32_t)offsetof(struct hart, ctx_fetch))

_Static_assert(sizeof(struct tlb_entry) == 32, "tlb entry is 32 bytes");
_Static_assert(offsetof(struct tlb_entry, tag) == 0, "tag first");
_Static_assert(offsetof(struct tlb_entry, addend) == 8, "addend second");
_Static_assert(offsetof(struct tlb_entry, code) == 24, "code last");
_Static_assert(sizeof(struct jit_entry) == 24, "jc entry: 3 words");
_Static_assert(JIT_JC_BITS == 15, "hash below");
_Static_assert((uintptr_t)JIT_NONE == 1, "jbe below");
_Static_assert(TLB_SIZE == 1024, "index mask below");
_Static_assert(sizeof(((struct hart *)0)->requests) == 4, "cmp dword");

/* An exit the block body jumps to, emitted after the body. */
/* EXIT/STEP: spend, leave with JIT_EXIT_LOOKUP/STEP.  CHAIN: the initial
 * target of a patchable jump.  SIDE: the taken side of an in-page branch:
 * spend, then a patchable jump (which adds its CHAIN stub). */
enum stub_kind { STUB_EXIT, STUB_STEP, STUB_CHAIN, STUB_SIDE };
struct stub {
	uint8_t *fix[2]; /* rel32 fields that jump here */
	uint64_t pc;
	uint32_t retired; /* instructions of the block retired before */
	uint8_t kind;
};

struct jt {
	struct jit *j;
	struct xbuf b;
	uint64_t page; /* guest-virtual page of the block */
	struct stub stubs[2 * JIT_BLOCK_MAX_INSNS + 4];
	unsigned nstubs;
	int rax; /* guest register whose value rax holds, or -1 */
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
	return s;
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
	x_store64(&t->b, RAX, RBX, HPC);
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
 * polls as every chained edge does. */
static void jt_lookup(struct jt *t)
{
	struct xbuf *b = &t->b;
	uint8_t *miss[6], *rel;
	unsigned n = 0;

	x_store64(b, RDX, RBX, HPC);
	x_mov_rr(b, RAX, RDX);
	x_shift_ri(b, 1, SH_SHR, RAX, 7);
	x_alu_ri(b, 0, ALU_AND, RAX, (int32_t)(TLB_MASK << 5));
	x_mov_rr(b, RCX, RDX);
	x_alu_ri(b, 1, ALU_AND, RCX, -4096);
	x_load32(b, RSI, RBX, HCTXF);
	x_alu_rr(b, 1, ALU_OR, RCX, RSI);
	x_alu_rm(b, 1, ALU_CMP, RCX, RBX, RAX, HFETCH);
	miss[n++] = x_jcc(b, CC_NE);
	x_op_mem(b, 1, X_OP(0x8b), 1, RSI, RBX, RAX, HFETCH + 24); /* code */
	x_op_rr(b, 1, X_OP(0x85), 1, RSI, RSI); /* test rsi, rsi */
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

/* Continue at pc after `retired` instructions: a patchable jump when pc
 * is in the block's page, else the inline lookup. */
static void jt_goto(struct jt *t, uint64_t pc, uint32_t retired)
{
	jt_spend(t, retired);
	if ((pc & ~0xfffULL) == t->page) {
		uint8_t *site = x_jmp(&t->b);

		jt_stub(t, site, pc, 0, STUB_CHAIN);
	} else {
		x_mov_imm(&t->b, RDX, pc);
		jt_lookup(t);
	}
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
		case STUB_SIDE: jt_goto(t, s->pc, s->retired); break;
		default:
			jt_spend(t, s->retired);
			jt_leave(t, s->pc,
				 s->kind == STUB_STEP ? JIT_EXIT_STEP
						      : JIT_EXIT_LOOKUP);
			break;
		}
	}
}

/* reg = x[r] (x[0] holds 0), from rax when it has it. */
static void ld_rs(struct jt *t, int reg, unsigned r)
{
	if (t->rax == (int)r) {
		if (reg != RAX)
			x_mov_rr(&t->b, reg, RAX);
		return;
	}
	x_load64(&t->b, reg, RBX, HX(r));
	if (reg == RAX)
		t->rax = (int)r;
}

/* x[r] = reg.  The caller has already invalidated t->rax if it changed
 * rax since (see jt_clobber). */
static void st_rd(struct jt *t, int reg, unsigned r)
{
	x_store64(&t->b, reg, RBX, HX(r));
	if (reg == RAX)
		t->rax = (int)r;
	else if (t->rax == (int)r)
		t->rax = -1;
}

/* rax is about to hold something other than a guest register. */
static void jt_clobber(struct jt *t)
{
	t->rax = -1;
}

/* The inline soft-TLB check of ops_mem.c: rsi = host address on a hit;
 * a miss jumps to a STEP stub for this instruction. */
static void jt_tlb(struct jt *t, const struct insn *in, unsigned size,
		   int32_t arr, uint64_t pc, uint32_t retired)
{
	struct xbuf *b = &t->b;

	ld_rs(t, RSI, in->rs1);
	jt_clobber(t);
	if (in->imm)
		x_alu_ri(b, 1, ALU_ADD, RSI, in->imm);
	x_mov_rr(b, RAX, RSI);
	x_shift_ri(b, 1, SH_SHR, RAX, 7); /* (va >> 12) * 32 */
	x_alu_ri(b, 0, ALU_AND, RAX, (int32_t)(TLB_MASK << 5));
	x_mov_rr(b, RCX, RSI);
	x_alu_ri(b, 1, ALU_AND, RCX, (int32_t)(~0xfffu | (size - 1)));
	x_load32(b, RDX, RBX, HCTX);
	x_alu_rr(b, 1, ALU_OR, RCX, RDX);
	x_alu_rm(b, 1, ALU_CMP, RCX, RBX, RAX, arr);
	jt_stub(t, x_jcc(b, CC_NE), pc, retired, STUB_STEP);
	x_alu_rm(b, 1, ALU_ADD, RSI, RBX, RAX, arr + 8);
}

static void jt_load(struct jt *t, const struct insn *in, unsigned aux,
		    uint64_t pc, uint32_t retired)
{
	struct xbuf *b = &t->b;
	unsigned size = aux & 15;
	int sx = aux & 16;

	jt_tlb(t, in, size, HLOAD, pc, retired);
	switch (size) {
	case 1:
		if (sx)
			x_op_mem(b, 1, X_OP(0x0f, 0xbe), 2, RAX, RSI, NOREG, 0);
		else
			x_op_mem(b, 0, X_OP(0x0f, 0xb6), 2, RAX, RSI, NOREG, 0);
		break;
	case 2:
		if (sx)
			x_op_mem(b, 1, X_OP(0x0f, 0xbf), 2, RAX, RSI, NOREG, 0);
		else
			x_op_mem(b, 0, X_OP(0x0f, 0xb7), 2, RAX, RSI, NOREG, 0);
		break;
	case 4:
		x_op_mem(b, sx ? 1 : 0, X_OP(sx ? 0x63 : 0x8b), 1, RAX, RSI,
			 NOREG, 0);
		break;
	default: x_load64(b, RAX, RSI, 0); break;
	}
	st_rd(t, RAX, in->rd);
}

static void jt_store(struct jt *t, const struct insn *in, unsigned size,
		     uint64_t pc, uint32_t retired)
{
	struct xbuf *b = &t->b;

	jt_tlb(t, in, size, HSTORE, pc, retired);
	ld_rs(t, RCX, in->rs2);
	switch (size) {
	case 1: x_op_mem(b, 0, X_OP(0x88), 1, RCX, RSI, NOREG, 0); break;
	case 2:
		x_b(b, 0x66);
		x_op_mem(b, 0, X_OP(0x89), 1, RCX, RSI, NOREG, 0);
		break;
	case 4: x_op_mem(b, 0, X_OP(0x89), 1, RCX, RSI, NOREG, 0); break;
	default: x_store64(b, RCX, RSI, 0); break;
	}
}

/* Register-register and immediate ALU forms. */
static void jt_alu(struct jt *t, const struct jk_map *m, const struct insn *in,
		   uint64_t pc)
{
	struct xbuf *b = &t->b;

	switch (m->kind) {
	case JK_LI:
		x_store_imm(b, RBX, HX(in->rd), in->imm);
		if (t->rax == in->rd)
			jt_clobber(t);
		return;
	case JK_MV: ld_rs(t, RAX, in->rs1); break;
	case JK_ALUI:
		ld_rs(t, RAX, in->rs1);
		x_alu_ri(b, 1, m->aux, RAX, in->imm);
		break;
	case JK_SLTI:
	case JK_SLTIU:
		ld_rs(t, RCX, in->rs1);
		x_alu_ri(b, 1, ALU_CMP, RCX, in->imm);
		x_setcc_rax(b, m->kind == JK_SLTI ? CC_L : CC_B);
		break;
	case JK_SHI:
		ld_rs(t, RAX, in->rs1);
		x_shift_ri(b, 1, m->aux, RAX, (uint8_t)(in->imm & 63));
		break;
	case JK_ADDIW:
		ld_rs(t, RAX, in->rs1);
		x_alu_ri(b, 0, ALU_ADD, RAX, in->imm);
		x_movsxd(b, RAX, RAX);
		break;
	case JK_SHIW:
		ld_rs(t, RAX, in->rs1);
		x_shift_ri(b, 0, m->aux, RAX, (uint8_t)(in->imm & 31));
		x_movsxd(b, RAX, RAX);
		break;
	case JK_AUIPC:
		x_mov_imm(b, RAX, pc + (uint64_t)(int64_t)in->imm);
		break;
	case JK_ALU:
		ld_rs(t, RAX, in->rs1);
		x_alu_rm(b, 1, m->aux, RAX, RBX, NOREG, HX(in->rs2));
		break;
	case JK_SLT:
	case JK_SLTU:
		ld_rs(t, RCX, in->rs1);
		x_alu_rm(b, 1, ALU_CMP, RCX, RBX, NOREG, HX(in->rs2));
		x_setcc_rax(b, m->kind == JK_SLT ? CC_L : CC_B);
		break;
	case JK_SH:
	case JK_SHW:
		ld_rs(t, RCX, in->rs2);
		ld_rs(t, RAX, in->rs1);
		x_shift_cl(b, m->kind == JK_SH, m->aux, RAX);
		if (m->kind == JK_SHW)
			x_movsxd(b, RAX, RAX);
		break;
	case JK_ALUW:
		ld_rs(t, RAX, in->rs1);
		x_alu_rm(b, 0, m->aux, RAX, RBX, NOREG, HX(in->rs2));
		x_movsxd(b, RAX, RAX);
		break;
	case JK_MUL:
	case JK_MULW:
		ld_rs(t, RAX, in->rs1);
		x_imul_rm(b, m->kind == JK_MUL, RAX, RBX, HX(in->rs2));
		if (m->kind == JK_MULW)
			x_movsxd(b, RAX, RAX);
		break;
	case JK_MULH:
		ld_rs(t, RAX, in->rs1);
		x_mul_m(b, m->aux, RBX, HX(in->rs2));
		jt_clobber(t);
		st_rd(t, RDX, in->rd);
		return;
	case JK_CALL:
		ld_rs(t, RDI, in->rs1);
		ld_rs(t, RSI, in->rs2);
		x_call(b, m->helper);
		break;
	}
	st_rd(t, RAX, in->rd);
}

/* Conditional branch: fall through, or a side exit to the target. */
static void jt_branch(struct jt *t, const struct jk_map *m,
		      const struct insn *in, uint64_t pc, uint32_t retired)
{
	struct xbuf *b = &t->b;
	uint64_t target = pc + (uint64_t)(int64_t)in->imm;
	uint8_t *fix;

	ld_rs(t, RAX, in->rs1);
	if (in->rs2 == 0)
		x_op_rr(b, 1, X_OP(0x85), 1, RAX, RAX); /* test rax, rax */
	else
		x_alu_rm(b, 1, ALU_CMP, RAX, RBX, NOREG, HX(in->rs2));
	fix = x_jcc(b, m->aux);
	jt_stub(t, fix, target, retired,
		(target & ~0xfffULL) == t->page ? STUB_SIDE : STUB_EXIT);
}

/* jalr/jr: the target is computed before rd is written (rd may be rs1). */
static void jt_jalr(struct jt *t, const struct insn *in, uint64_t pc,
		    unsigned len, uint32_t retired)
{
	struct xbuf *b = &t->b;

	ld_rs(t, RDX, in->rs1);
	if (in->imm)
		x_alu_ri(b, 1, ALU_ADD, RDX, in->imm);
	x_alu_ri(b, 1, ALU_AND, RDX, -2);
	if (in->rd != 32) {
		x_mov_imm(b, RAX, pc + len);
		st_rd(t, RAX, in->rd);
	}
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

const uint8_t *jit_translate(struct hart *h, struct jit *j, uint64_t pc)
{
	static __thread struct jt t; /* ~2 KiB: off the vCPU stack */
	uint8_t *start = j->rw + j->used, *fix;
	uint32_t n = 0;
	bool open = true;

	t.j = j;
	t.b.p = start;
	t.page = pc & ~0xfffULL;
	t.nstubs = 0;
	t.rax = -1;
	/* The exit check: other threads' requests, then the budget. */
	x_alu_mi8(&t.b, 0, ALU_CMP, RBX, HREQ, 0);
	fix = x_jcc(&t.b, CC_NE);
	x_op_rr(&t.b, 1, X_OP(0x85), 1, R15, R15); /* test r15, r15 */
	jt_stub(&t, fix, pc, 0, STUB_EXIT)->fix[1] = x_jcc(&t.b, CC_LE);

	while (open && n < JIT_BLOCK_MAX_INSNS) {
		const struct jk_map *m;
		struct insn in;
		unsigned len = jt_decode(h, pc, &in, &m);

		if (!len) {
			if (!n)
				return JIT_NONE;
			jt_spend(&t, n);
			jt_leave(&t, pc, JIT_EXIT_STEP);
			open = false;
			break;
		}
		switch (m->kind) {
		case JK_NOP: break;
		case JK_BR: jt_branch(&t, m, &in, pc, n + 1); break;
		case JK_JAL:
			x_mov_imm(&t.b, RAX, pc + len);
			st_rd(&t, RAX, in.rd);
			/* fall through */
		case JK_J:
			jt_goto(&t, pc + (uint64_t)(int64_t)in.imm, n + 1);
			open = false;
			break;
		case JK_JALR:
			jt_jalr(&t, &in, pc, len, n + 1);
			open = false;
			break;
		case JK_LOAD: jt_load(&t, &in, m->aux, pc, n); break;
		case JK_STORE: jt_store(&t, &in, m->aux, pc, n); break;
		default: jt_alu(&t, m, &in, pc); break;
		}
		n++;
		pc += len;
		if ((pc & 0xfff) == 0)
			break;
	}
	if (open)
		jt_goto(&t, pc, n);
	jt_emit_stubs(&t);
	j->st.blocks++;
	j->st.insns += n;
	j->used = (size_t)((t.b.p - j->rw + 15) & ~(ptrdiff_t)15);
	return jt_rx(&t, start);
}

#endif
