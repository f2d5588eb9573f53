/* The translator's instructions: integer ALU and M operations (the ones
 * with special cases through helpers that are the interpreter's own
 * arithmetic), and loads and stores that check the soft TLB inline exactly
 * as ops_mem.c does (one compare of page, context and alignment; host =
 * va + addend), then, out of line, the entry's victim (tlb.h).  A miss
 * of both leaves the block with pc at that instruction for the
 * interpreter, which takes the slow path, traps precisely or does the
 * MMIO; a store TLB entry exists only where the page is writable and holds
 * no decoded code, so write protection (copy-on-write, working-set
 * sampling, self-modifying code) always takes the slow path.
 *
 * Guest registers go through jt_get/jt_src/jt_put, which use the host
 * register the block allocated (jit_translate.c) or the hart.
 */
#include <stddef.h>
#include <stdint.h>

#include "cpu/jit_block.h"
#include "cpu/ops.h"

#if defined(__x86_64__)

const int8_t alloc_order[ALLOC_N] = {
	RBX, R12, R13, R14, R8, R9, R10, R11, RDI
};

/* A byte operand in spl..dil needs a REX prefix x_rex does not give (without
 * one the encoding names ah..bh): such a register goes through rcx. */
static int jt_byte_reg(struct jt *t, int reg)
{
	if (reg < RSP || reg > RDI)
		return reg;
	x_mov_rr(&t->b, RCX, reg);
	return RCX;
}

/* Helper for the M operation with no single x86 instruction (division
 * and remainder are inline, jt_div). */
static uint64_t jh_mulhsu(uint64_t a, uint64_t b)
{
	return (uint64_t)((unsigned __int128)((__int128)(int64_t)a *
					      (__int128)b) >>
			  64);
}
#define M(name, kind, aux)                                                     \
	{                                                                      \
		name##_4, name##_2, kind, aux, 0                               \
	}
#define MH(name, fn)                                                           \
	{                                                                      \
		name##_4, name##_2, JK_CALL, 0, (void *)fn                     \
	}
#define M1(fn, kind, aux)                                                      \
	{                                                                      \
		fn, 0, kind, aux, 0                                            \
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
	M(op_div, JK_DIV, 0),
	M(op_divu, JK_DIV, DIV_U),
	M(op_rem, JK_DIV, DIV_REM),
	M(op_remu, JK_DIV, DIV_REM | DIV_U),
	M(op_divw, JK_DIV, DIV_W),
	M(op_divuw, JK_DIV, DIV_U | DIV_W),
	M(op_remw, JK_DIV, DIV_REM | DIV_W),
	M(op_remuw, JK_DIV, DIV_REM | DIV_U | DIV_W),
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
	{ op_fence, 0, JK_FENCE, 0, 0 },
	M1(op_csrr, JK_CSR, CSR_KIND_READ),
	M1(op_csrrw, JK_CSR, CSR_KIND_RW),
	M1(op_csrrw_nord, JK_CSR, CSR_KIND_RW_NORD),
	M1(op_csrrs, JK_CSR, CSR_KIND_RS),
	M1(op_csrrc, JK_CSR, CSR_KIND_RC),
	M1(op_csrrwi, JK_CSR, CSR_KIND_RWI),
	M1(op_csrrwi_nord, JK_CSR, CSR_KIND_RWI_NORD),
	M1(op_csrrsi, JK_CSR, CSR_KIND_RSI),
	M1(op_csrrci, JK_CSR, CSR_KIND_RCI),
	{ op_amoadd_w, 0, JK_AMO, 4 | AMO_ADD << 4, 0 },
	{ op_amoadd_d, 0, JK_AMO, 8 | AMO_ADD << 4, 0 },
	{ op_amoswap_w, 0, JK_AMO, 4 | AMO_SWAP << 4, 0 },
	{ op_amoswap_d, 0, JK_AMO, 8 | AMO_SWAP << 4, 0 },
	{ op_amoand_w, 0, JK_AMO, 4 | AMO_AND << 4, 0 },
	{ op_amoand_d, 0, JK_AMO, 8 | AMO_AND << 4, 0 },
	{ op_amoor_w, 0, JK_AMO, 4 | AMO_OR << 4, 0 },
	{ op_amoor_d, 0, JK_AMO, 8 | AMO_OR << 4, 0 },
	{ op_amoxor_w, 0, JK_AMO, 4 | AMO_XOR << 4, 0 },
	{ op_amoxor_d, 0, JK_AMO, 8 | AMO_XOR << 4, 0 },
	{ op_lr_w, 0, JK_AMO, 4 | AMO_LR << 4, 0 },
	{ op_lr_d, 0, JK_AMO, 8 | AMO_LR << 4, 0 },
	{ op_sc_w, 0, JK_AMO, 4 | AMO_SC << 4, 0 },
	{ op_sc_d, 0, JK_AMO, 8 | AMO_SC << 4, 0 },
};

const struct jk_map jk_ext_map[EXT_N] = {
	{ 0, 0, JK_EXT, EXT_ZW, 0 }, { 0, 0, JK_EXT, EXT_ZH, 0 },
	{ 0, 0, JK_EXT, EXT_ZB, 0 }, { 0, 0, JK_EXT, EXT_SW, 0 },
	{ 0, 0, JK_EXT, EXT_SH, 0 }, { 0, 0, JK_EXT, EXT_SB, 0 },
};
const struct jk_map jk_nop_map = { 0, 0, JK_NOP, 0, 0 };

const struct jk_map *jk_find(insn_fn fn)
{
	for (size_t k = 0; k < sizeof(jk_table) / sizeof(jk_table[0]); k++)
		if (jk_table[k].f4 == fn || jk_table[k].f2 == fn)
			return &jk_table[k];
	return 0;
}

/* reg = x[r] (x[0] reads 0 from the hart). */
void jt_get(struct jt *t, int reg, unsigned r)
{
	int h = H(t, r);

	if (h == NOREG)
		x_load64(&t->b, reg, RBP, HX(r));
	else if (h != reg)
		x_mov_rr(&t->b, reg, h);
}

/* A host register holding x[r]: its own, or scratch loaded with it. */
int jt_src(struct jt *t, unsigned r, int scratch)
{
	int h = H(t, r);

	if (h != NOREG)
		return h;
	x_load64(&t->b, scratch, RBP, HX(r));
	return scratch;
}

/* x[r] = reg (writes to the x0 sink, r = 32, are dropped). */
void jt_put(struct jt *t, int reg, unsigned r)
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
void jt_alu_x(struct jt *t, int w, enum x86_alu op, int reg, unsigned r)
{
	int h = H(t, r);

	if (h != NOREG)
		x_alu_rr(&t->b, w, op, reg, h);
	else
		x_alu_rm(&t->b, w, op, reg, RBP, NOREG, HX(r));
}

/* The inline soft-TLB check of ops_mem.c, for the access at x[rs1] + imm:
 * returns the host register holding x[rs1] (its own, or rsi loaded with
 * it), with *add = the register holding the entry's addend on a hit, so
 * the access is [base + add + imm]; a miss jumps to a VICTIM stub, which
 * tries the victim entry and else leaves (STEP) for this instruction.  Nine instructions with BMI2 (ten without): va in rcx, the
 * index from it in eax, the key (va masked to page and alignment, or the
 * context) in rcx compared with the entry's tag, then the addend.
 *
 * Through a pointer the block loads (a chase: the next access waits for
 * this one) the addend is predicted: rdx = the one rs1's last such access
 * used (h->jit_addend[rs1]), compared with the entry's and corrected
 * inline when they differ.  The access then depends on the pointer and
 * the prediction only, not on the index and the entry's load: the host
 * runs it ahead under the predicted branches (about 5 cycles a step
 * instead of 12), and a wrong prediction costs a branch mispredict and
 * never a wrong access.  It pays where a guest's pages are contiguous in
 * the host (docs/memory.md, "Frame placement"). */
static int jt_tlb(struct jt *t, const struct insn *in, unsigned size,
		  int32_t arr, uint64_t pc, uint32_t retired, int *add)
{
	struct xbuf *b = &t->b;
	int h = jt_src(t, in->rs1, RSI), c = H(t, JR_CTX);
	struct stub *v;
	uint8_t *hit;

	if (in->imm)
		x_lea(b, RCX, h, in->imm);
	else
		x_mov_rr(b, RCX, h);
	if (jit_bmi2) {
		x_rorx32(b, RAX, RCX, 7); /* (va >> 12) * 32, once masked */
	} else {
		x_mov_rr32(b, RAX, RCX);
		x_shift_ri(b, 0, SH_SHR, RAX, 7);
	}
	x_alu_ri(b, 0, ALU_AND, RAX, (int32_t)(TLB_MASK << 5));
	x_alu_ri(b, 1, ALU_AND, RCX, (int32_t)(~0xfffu | (size - 1)));
	if (c == NOREG) {
		x_load32(b, RDX, RBP, HCTX);
		c = RDX;
	}
	x_alu_rr(b, 1, ALU_OR, RCX, c);
	x_alu_rm(b, 1, ALU_CMP, RCX, RBP, RAX, arr);
	v = jt_stub(t, x_jcc(b, CC_NE), pc, retired, STUB_VICTIM);
	v->arr = arr;
	if (!(in->rs1 < 32 && (t->chase >> in->rs1 & 1))) {
		x_op_mem(b, 1, X_OP(0x8b), 1, RAX, RBP, RAX, arr + 8);
		v->reg = RAX;
		v->to = b->p;
		*add = RAX;
		return h;
	}
	x_load64(b, RDX, RBP, HADD(in->rs1));
	x_alu_rm(b, 1, ALU_CMP, RDX, RBP, RAX, arr + 8);
	hit = x_jcc(b, CC_E);
	x_op_mem(b, 1, X_OP(0x8b), 1, RDX, RBP, RAX, arr + 8);
	x_store64(b, RDX, RBP, HADD(in->rs1));
	x_patch(hit, b->p);
	v->reg = RDX; /* a victim's addend is not a prediction */
	v->to = b->p;
	*add = RDX;
	return h;
}

void jt_load(struct jt *t, const struct insn *in, unsigned aux, uint64_t pc,
	     uint32_t retired)
{
	struct xbuf *b = &t->b;
	unsigned size = aux & 15;
	int sx = aux & 16, d = jt_dst(t, in->rd, 0, 0), x;
	int a = jt_tlb(t, in, size, HLOAD, pc, retired, &x);
	int32_t o = in->imm;

	switch (size) {
	case 1:
		if (sx)
			x_op_mem(b, 1, X_OP(0x0f, 0xbe), 2, d, a, x, o);
		else
			x_op_mem(b, 0, X_OP(0x0f, 0xb6), 2, d, a, x, o);
		break;
	case 2:
		if (sx)
			x_op_mem(b, 1, X_OP(0x0f, 0xbf), 2, d, a, x, o);
		else
			x_op_mem(b, 0, X_OP(0x0f, 0xb7), 2, d, a, x, o);
		break;
	case 4:
		x_op_mem(b, sx ? 1 : 0, X_OP(sx ? 0x63 : 0x8b), 1, d, a, x, o);
		break;
	default: x_op_mem(b, 1, X_OP(0x8b), 1, d, a, x, o); break;
	}
	jt_put(t, d, in->rd);
}

void jt_store(struct jt *t, const struct insn *in, unsigned size, uint64_t pc,
	      uint32_t retired)
{
	struct xbuf *b = &t->b;
	int x, a = jt_tlb(t, in, size, HSTORE, pc, retired, &x), v;
	int32_t o = in->imm;

	v = jt_src(t, in->rs2, RCX);
	switch (size) {
	case 1:
		v = jt_byte_reg(t, v);
		x_op_mem(b, 0, X_OP(0x88), 1, v, a, x, o);
		break;
	case 2:
		x_b(b, 0x66);
		x_op_mem(b, 0, X_OP(0x89), 1, v, a, x, o);
		break;
	case 4: x_op_mem(b, 0, X_OP(0x89), 1, v, a, x, o); break;
	default: x_op_mem(b, 1, X_OP(0x89), 1, v, a, x, o); break;
	}
}

/* An AMO (aux: size | enum jk_amo << 4) where ops_amo.c takes its fast
 * path: the store TLB entry (write rights, natural alignment, no decoded
 * code on the page) hits, and one locked x86 instruction does the
 * read-modify-write on the host address, atomic against the other vCPU
 * threads' host atomics and a full barrier (any aq/rl).  add is `lock
 * xadd`, swap `xchg`; and/or/xor are `lock and/or/xor` when rd is x0, a
 * `lock cmpxchg` loop when the old value is wanted.  A miss leaves for the
 * interpreter, which faults, walks or invalidates code as it must.  Linux
 * takes page references and spinlocks with AMOs (about 1,000 per 1 MiB
 * direct I/O request: docs/jit.md, "Linux's block I/O path"). */
/* LR (aux: size) where ops_amo.c takes its fast path: a load TLB hit, a
 * plain load (x86 loads are atomic when aligned), and the reservation
 * recorded in the hart as the interpreter records it (address, value,
 * valid), so either engine's SC sees it. */
static void jt_lr(struct jt *t, const struct insn *in, unsigned size,
		  uint64_t pc, uint32_t retired)
{
	struct xbuf *b = &t->b;
	struct insn a = *in;
	int x, base;

	a.imm = 0;
	base = jt_tlb(t, &a, size, HLOAD, pc, retired, &x);
	x_store64(b, base, RBP, HOFF(lr_addr)); /* base holds va */
	if (size == 8)
		x_op_mem(b, 1, X_OP(0x8b), 1, RCX, base, x, 0);
	else
		x_op_mem(b, 1, X_OP(0x63), 1, RCX, base, x, 0); /* movsxd */
	x_store64(b, RCX, RBP, HOFF(lr_val));
	x_op_mem(b, 0, X_OP(0xc6), 1, 0, RBP, NOREG, HOFF(lr_valid));
	x_b(b, 1);
	jt_put(t, RCX, in->rd);
}

/* SC (aux: size) after a store TLB hit, as ops_amo.c does it: without a
 * reservation for this address rd = 1 and memory is not touched; with one,
 * a `lock cmpxchg` against the value LR read (rd = 0 if it was still
 * there); either way the reservation is gone.  A miss (misaligned: the
 * interpreter traps; no page: it fails or faults as the spec says)
 * leaves for the interpreter. */
static void jt_sc(struct jt *t, const struct insn *in, unsigned size,
		  uint64_t pc, uint32_t retired)
{
	struct xbuf *b = &t->b;
	struct insn a = *in;
	int w = size == 8, x, base, v;
	uint8_t *fail[2], *done;

	a.imm = 0;
	base = jt_tlb(t, &a, size, HSTORE, pc, retired, &x);
	x_op_mem(b, 1, X_OP(0x8d), 1, RDX, base, x, 0); /* lea rdx, [host] */
	x_op_mem(b, 0, X_OP(0x80), 1, ALU_CMP, RBP, NOREG, HOFF(lr_valid));
	x_b(b, 0);
	fail[0] = x_jcc(b, CC_E);
	x_alu_rm(b, 1, ALU_CMP, base, RBP, NOREG, HOFF(lr_addr));
	fail[1] = x_jcc(b, CC_NE);
	v = jt_src(t, in->rs2, RSI); /* base is not needed any more */
	x_load64(b, RAX, RBP, HOFF(lr_val));
	x_b(b, 0xf0); /* lock cmpxchg [host], v */
	x_op_mem(b, w, X_OP(0x0f, 0xb1), 2, v, RDX, NOREG, 0);
	x_setcc_rax(b, CC_NE);
	done = x_jmp(b);
	x_patch(fail[0], b->p);
	x_patch(fail[1], b->p);
	x_mov_imm(b, RAX, 1);
	x_patch(done, b->p);
	x_op_mem(b, 0, X_OP(0xc6), 1, 0, RBP, NOREG, HOFF(lr_valid));
	x_b(b, 0);
	jt_put(t, RAX, in->rd);
}

void jt_amo(struct jt *t, const struct insn *in, unsigned aux, uint64_t pc,
	    uint32_t retired)
{
	struct xbuf *b = &t->b;
	struct insn a = *in;
	unsigned size = aux & 15, op = aux >> 4;
	int w = size == 8, x, base, v, old = RCX;
	uint8_t *again;

	if (op == AMO_LR || op == AMO_SC) {
		(op == AMO_LR ? jt_lr : jt_sc)(t, in, size, pc, retired);
		return;
	}
	a.imm = 0; /* no offset: [rs1] */
	base = jt_tlb(t, &a, size, HSTORE, pc, retired, &x);
	x_op_mem(b, 1, X_OP(0x8d), 1, RDX, base, x, 0); /* lea rdx, [host] */
	v = jt_src(t, in->rs2, RSI);
	switch (op) {
	case AMO_ADD:
	case AMO_SWAP:
		x_mov_rr(b, RCX, v);
		if (op == AMO_ADD) {
			x_b(b, 0xf0);
			x_op_mem(b, w, X_OP(0x0f, 0xc1), 2, RCX, RDX, NOREG, 0);
		} else {
			x_op_mem(b, w, X_OP(0x87), 1, RCX, RDX, NOREG, 0);
		}
		break;
	default: {
		enum x86_alu alu = op == AMO_AND  ? ALU_AND
				   : op == AMO_OR ? ALU_OR
						  : ALU_XOR;

		if (in->rd >= 32) { /* no old value: lock op [host], v */
			x_b(b, 0xf0);
			x_op_mem(b, w, X_OP((uint8_t)(alu * 8 + 1)), 1, v, RDX,
				 NOREG, 0);
			return;
		}
		x_op_mem(b, w, X_OP(0x8b), 1, RAX, RDX, NOREG, 0);
		again = b->p;
		x_mov_rr(b, RCX, RAX);
		x_alu_rr(b, w, alu, RCX, v);
		x_b(b,
		    0xf0); /* lock cmpxchg [host], rcx: rax = what was there */
		x_op_mem(b, w, X_OP(0x0f, 0xb1), 2, RCX, RDX, NOREG, 0);
		x_patch(x_jcc(b, CC_NE), again);
		old = RAX;
		break;
	}
	}
	if (in->rd >= 32)
		return;
	if (!w)
		x_movsxd(b, old, old);
	jt_put(t, old, in->rd);
}

void jt_save_caller(struct jt *t, int *saved, int *n)
{
	*n = 0;
	for (unsigned r = 1; r < JR_N; r++) {
		int h = H(t, r);

		if ((h >= R8 && h <= R11) || h == RDI)
			saved[(*n)++] = h;
	}
	if (*n & 1)
		saved[(*n)++] = RAX;
	for (int k = 0; k < *n; k++)
		x_push(&t->b, saved[k]);
}

void jt_restore_caller(struct jt *t, const int *saved, int n)
{
	for (int k = n - 1; k >= 0; k--)
		if (saved[k] != RAX)
			x_pop(&t->b, saved[k]);
		else
			x_pop(&t->b, RCX);
}

/* Call a helper rax = fn(x[rs1], x[rs2]), keeping the caller-saved host
 * registers that hold guest registers; they are saved before the
 * arguments go to rdi and rsi, since rdi may hold one. */
static void jt_call(struct jt *t, void *fn, unsigned rs1, unsigned rs2)
{
	int saved[ALLOC_N + 1], n;

	jt_save_caller(t, saved, &n);
	jt_get(t, RSI, rs2); /* first: rs2 may live in rdi */
	jt_get(t, RDI, rs1);
	x_call(&t->b, fn);
	jt_restore_caller(t, saved, n);
}

/* rax = the division or remainder (aux: enum DIV_*) of x[rs1] by x[rs2],
 * inline with RISC-V's results where x86's div would fault: by zero, -1
 * or the dividend (ops.h's m_div and m_rem); by -1 (signed), the negated
 * dividend (INT_MIN wraps to itself) or 0. */
static void jt_div(struct jt *t, unsigned aux, unsigned rs1, unsigned rs2)
{
	struct xbuf *b = &t->b;
	int w = !(aux & DIV_W);
	uint8_t *zero, *neg = 0, *done[2];

	jt_get(t, RCX, rs2);
	jt_get(t, RAX, rs1);
	x_op_rr(b, w, X_OP(0x85), 1, RCX, RCX); /* test */
	zero = x_jcc(b, CC_E);
	if (!(aux & DIV_U)) {
		x_alu_ri(b, w, ALU_CMP, RCX, -1);
		neg = x_jcc(b, CC_E);
		if (w)
			x_b(b, 0x48);
		x_b(b, 0x99); /* cqo / cdq */
		x_op_rr(b, w, X_OP(0xf7), 1, 7, RCX); /* idiv */
	} else {
		x_alu_rr(b, 0, ALU_XOR, RDX, RDX);
		x_op_rr(b, w, X_OP(0xf7), 1, 6, RCX); /* div */
	}
	if (aux & DIV_REM)
		x_mov_rr(b, RAX, RDX);
	done[0] = x_jmp(b);
	x_patch(zero, b->p);
	if (!(aux & DIV_REM))
		x_mov_imm(b, RAX, UINT64_MAX); /* remainder: the dividend */
	done[1] = 0;
	if (neg) {
		done[1] = x_jmp(b);
		x_patch(neg, b->p);
		if (aux & DIV_REM)
			x_alu_rr(b, 0, ALU_XOR, RAX, RAX);
		else
			x_op_rr(b, w, X_OP(0xf7), 1, 3, RAX); /* neg */
	}
	x_patch(done[0], b->p);
	if (done[1])
		x_patch(done[1], b->p);
	if (aux & DIV_W)
		x_movsxd(b, RAX, RAX);
}

/* Register-register and immediate ALU forms. */
void jt_alu(struct jt *t, const struct jk_map *m, const struct insn *in,
	    uint64_t pc)
{
	struct xbuf *b = &t->b;
	int d = jt_dst(t, in->rd, in->rs1, in->rs2);
	bool zf = false; /* the last instruction set ZF from rd's value */

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
		if (m->aux == ALU_ADD && H(t, in->rs1) != NOREG &&
		    H(t, in->rs1) != d) { /* one lea, not mov and add */
			x_lea(b, d, H(t, in->rs1), in->imm);
			break;
		}
		jt_get(t, d, in->rs1);
		x_alu_ri(b, 1, m->aux, d, in->imm);
		zf = true;
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
		zf = (in->imm & 63) != 0; /* by 0: flags unchanged */
		break;
	case JK_ADDIW:
		if (!in->imm) { /* sext.w: one movsxd from x[rs1] */
			if (H(t, in->rs1) != NOREG)
				x_movsxd(b, d, H(t, in->rs1));
			else
				x_op_mem(b, 1, X_OP(0x63), 1, d, RBP, NOREG,
					 HX(in->rs1));
			break;
		}
		if (H(t, in->rs1) != NOREG && H(t, in->rs1) != d)
			x_op_mem(b, 0, X_OP(0x8d), 1, d, H(t, in->rs1), NOREG,
				 in->imm); /* lea r32 */
		else {
			jt_get(t, d, in->rs1);
			x_alu_ri(b, 0, ALU_ADD, d, in->imm);
			zf = true; /* zero exactly when its extension is */
		}
		x_movsxd(b, d, d);
		break;
	case JK_SHIW:
		jt_get(t, d, in->rs1);
		x_shift_ri(b, 0, m->aux, d, (uint8_t)(in->imm & 31));
		x_movsxd(b, d, d);
		zf = (in->imm & 31) != 0;
		break;
	case JK_AUIPC: x_mov_imm(b, d, pc + (uint64_t)(int64_t)in->imm); break;
	case JK_EXT: {
		/* movzx/movsx/mov r32/movsxd from x[rs1]'s register or
		 * slot (its low bytes: little-endian) */
		static const uint8_t op[EXT_N][2] = {
			{ 0x8b, 0 }, { 0x0f, 0xb7 }, { 0x0f, 0xb6 },
			{ 0x63, 0 }, { 0x0f, 0xbf }, { 0x0f, 0xbe },
		};
		const uint8_t *o = op[m->aux];
		int w = m->aux >= EXT_SW, h = H(t, in->rs1);

		d = jt_dst(t, in->rd, 0, 0);
		if (h != NOREG && (m->aux == EXT_ZB || m->aux == EXT_SB))
			h = jt_byte_reg(t, h);
		if (h != NOREG)
			x_op_rr(b, w, o, o[1] ? 2 : 1, d, h);
		else
			x_op_mem(b, w, o, o[1] ? 2 : 1, d, RBP, NOREG,
				 HX(in->rs1));
		break;
	}
	case JK_ALU:
		if (m->aux == ALU_ADD && H(t, in->rs1) != NOREG &&
		    H(t, in->rs2) != NOREG && H(t, in->rs1) != d &&
		    H(t, in->rs2) != d) { /* lea d, [rs1 + rs2] */
			x_op_mem(b, 1, X_OP(0x8d), 1, d, H(t, in->rs1),
				 H(t, in->rs2), 0);
			break;
		}
		jt_get(t, d, in->rs1);
		jt_alu_x(t, 1, m->aux, d, in->rs2);
		zf = true;
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
		zf = true;
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
	case JK_DIV:
		jt_div(t, m->aux, in->rs1, in->rs2);
		d = RAX;
		break;
	case JK_CALL:
		jt_call(t, m->helper, in->rs1, in->rs2);
		d = RAX;
		break;
	}
	jt_put(t, d, in->rd); /* a mov or a store: flags kept */
	if (zf && in->rd != 0 && in->rd < 32)
		t->flags_reg = (int8_t)in->rd;
}

#endif
