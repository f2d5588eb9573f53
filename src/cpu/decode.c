/* Decoder: raw instruction bits -> one pre-decoded slot.  Everything that
 * can be settled at decode time is: immediates are sign-extended, rd = x0
 * becomes the sink x[32] (or a nop when the instruction has no other
 * effect), common forms get their own handler (li, mv, beqz...), in-page
 * branch targets become slot distances, and each handler comes in a 2- and
 * a 4-byte variant so that no handler tests the length. */
#include <string.h>

#include "cpu/csr.h"
#include "cpu/decode.h"
#include "cpu/fp.h"
#include "cpu/ops.h"

/* Offset passed by decode_insn(): the page position is unknown. */
#define OFF_UNKNOWN 0xffffffffu

enum opcode {
	OPC_LOAD = 0x03,
	OPC_LOAD_FP = 0x07,
	OPC_MISC_MEM = 0x0f,
	OPC_OP_IMM = 0x13,
	OPC_AUIPC = 0x17,
	OPC_OP_IMM_32 = 0x1b,
	OPC_STORE = 0x23,
	OPC_STORE_FP = 0x27,
	OPC_AMO = 0x2f,
	OPC_OP = 0x33,
	OPC_LUI = 0x37,
	OPC_OP_32 = 0x3b,
	OPC_MADD = 0x43,
	OPC_MSUB = 0x47,
	OPC_NMSUB = 0x4b,
	OPC_NMADD = 0x4f,
	OPC_OP_FP = 0x53,
	OPC_BRANCH = 0x63,
	OPC_JALR = 0x67,
	OPC_JAL = 0x6f,
	OPC_SYSTEM = 0x73,
};

static inline uint32_t bits(uint32_t v, unsigned hi, unsigned lo)
{
	return (v >> lo) & ((1u << (hi - lo + 1)) - 1);
}

static inline int32_t sext(uint32_t v, unsigned width)
{
	return (int32_t)(v << (32 - width)) >> (32 - width);
}

static inline uint8_t rd_sink(uint32_t r)
{
	return r ? (uint8_t)r : 32;
}

static inline int32_t imm_i(uint32_t raw)
{
	return (int32_t)raw >> 20;
}

static inline int32_t imm_s(uint32_t raw)
{
	return (int32_t)(raw & 0xfe000000) >> 20 | (int32_t)bits(raw, 11, 7);
}

static inline int32_t imm_b(uint32_t raw)
{
	return sext(bits(raw, 31, 31) << 12 | bits(raw, 7, 7) << 11 |
			    bits(raw, 30, 25) << 5 | bits(raw, 11, 8) << 1,
		    13);
}

static inline int32_t imm_j(uint32_t raw)
{
	return sext(bits(raw, 31, 31) << 20 | bits(raw, 19, 12) << 12 |
			    bits(raw, 20, 20) << 11 | bits(raw, 30, 21) << 1,
		    21);
}

/* ---- RVC expansion ------------------------------------------------- */

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

	return bits(u, 11, 5) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
	       bits(u, 4, 0) << 7 | op;
}

static uint32_t enc_r(uint32_t op, uint32_t f7, uint32_t rd, uint32_t f3,
		      uint32_t rs1, uint32_t rs2)
{
	return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | op;
}

static uint32_t enc_b(uint32_t f3, uint32_t rs1, uint32_t rs2, int32_t imm)
{
	uint32_t u = (uint32_t)imm;

	return bits(u, 12, 12) << 31 | bits(u, 10, 5) << 25 | rs2 << 20 |
	       rs1 << 15 | f3 << 12 | bits(u, 4, 1) << 8 |
	       bits(u, 11, 11) << 7 | OPC_BRANCH;
}

static uint32_t enc_j(uint32_t rd, int32_t imm)
{
	uint32_t u = (uint32_t)imm;

	return bits(u, 20, 20) << 31 | bits(u, 10, 1) << 21 |
	       bits(u, 11, 11) << 20 | bits(u, 19, 12) << 12 | rd << 7 |
	       OPC_JAL;
}

/* The 3-bit register fields of CL/CS/CA/CB formats name x8..x15. */
static inline uint32_t creg(uint16_t c, unsigned lo)
{
	return 8 + bits(c, lo + 2, lo);
}

/* CI-format 6-bit signed immediate: imm[5] = c[12], imm[4:0] = c[6:2]. */
static inline int32_t c_imm6(uint16_t c)
{
	return sext(bits(c, 12, 12) << 5 | bits(c, 6, 2), 6);
}

/* Quadrant 0: stack-pointer-based addi and register-based loads/stores. */
static uint32_t rvc_q0(uint16_t c)
{
	uint32_t rd = creg(c, 2), rs1 = creg(c, 7);
	uint32_t uw = bits(c, 12, 10) << 3 | bits(c, 6, 6) << 2 |
		      bits(c, 5, 5) << 6; /* word offsets */
	uint32_t ud = bits(c, 12, 10) << 3 | bits(c, 6, 5) << 6;
	uint32_t nz;

	switch (bits(c, 15, 13)) {
	case 0: /* c.addi4spn */
		nz = bits(c, 12, 11) << 4 | bits(c, 10, 7) << 6 |
		     bits(c, 6, 6) << 2 | bits(c, 5, 5) << 3;
		return nz ? enc_i(OPC_OP_IMM, rd, 0, 2, (int32_t)nz) : 0;
	case 1: return enc_i(OPC_LOAD_FP, rd, 3, rs1, (int32_t)ud); /* fld */
	case 2: return enc_i(OPC_LOAD, rd, 2, rs1, (int32_t)uw); /* lw */
	case 3: return enc_i(OPC_LOAD, rd, 3, rs1, (int32_t)ud); /* ld */
	case 5: return enc_s(OPC_STORE_FP, 3, rs1, rd, (int32_t)ud); /* fsd */
	case 6: return enc_s(OPC_STORE, 2, rs1, rd, (int32_t)uw); /* sw */
	case 7: return enc_s(OPC_STORE, 3, rs1, rd, (int32_t)ud); /* sd */
	default: return 0;
	}
}

/* Quadrant 1, funct3 = 4: shifts, andi and register-register ALU. */
static uint32_t rvc_q1_alu(uint16_t c)
{
	static const uint8_t f3[4] = { 0, 4, 6, 7 }; /* sub xor or and */
	uint32_t rd = creg(c, 7), rs2 = creg(c, 2);
	uint32_t shamt = bits(c, 12, 12) << 5 | bits(c, 6, 2);
	uint32_t k = bits(c, 6, 5);

	switch (bits(c, 11, 10)) {
	case 0: return enc_i(OPC_OP_IMM, rd, 5, rd, (int32_t)shamt);
	case 1: return enc_i(OPC_OP_IMM, rd, 5, rd, (int32_t)(shamt | 0x400));
	case 2: return enc_i(OPC_OP_IMM, rd, 7, rd, c_imm6(c));
	default: break;
	}
	if (!bits(c, 12, 12))
		return enc_r(OPC_OP, k == 0 ? 0x20 : 0, rd, f3[k], rd, rs2);
	if (k == 0) /* c.subw */
		return enc_r(OPC_OP_32, 0x20, rd, 0, rd, rs2);
	if (k == 1) /* c.addw */
		return enc_r(OPC_OP_32, 0, rd, 0, rd, rs2);
	return 0;
}

/* Quadrant 1: immediates, jumps and branches. */
static uint32_t rvc_q1(uint16_t c)
{
	uint32_t rd = bits(c, 11, 7);
	int32_t imm = c_imm6(c), off;

	switch (bits(c, 15, 13)) {
	case 0: return enc_i(OPC_OP_IMM, rd, 0, rd, imm); /* c.addi, c.nop */
	case 1: /* c.addiw; rd = 0 reserved */
		return rd ? enc_i(OPC_OP_IMM_32, rd, 0, rd, imm) : 0;
	case 2: return enc_i(OPC_OP_IMM, rd, 0, 0, imm); /* c.li */
	case 3:
		if (rd == 2) { /* c.addi16sp */
			off = sext(bits(c, 12, 12) << 9 | bits(c, 6, 6) << 4 |
					   bits(c, 5, 5) << 6 |
					   bits(c, 4, 3) << 7 |
					   bits(c, 2, 2) << 5,
				   10);
			return off ? enc_i(OPC_OP_IMM, 2, 0, 2, off) : 0;
		}
		/* c.lui: nzimm[17:12]; imm = 0 reserved */
		return imm ? ((uint32_t)imm << 12) | rd << 7 | OPC_LUI : 0;
	case 4: return rvc_q1_alu(c);
	case 5: /* c.j */
		off = sext(bits(c, 12, 12) << 11 | bits(c, 11, 11) << 4 |
				   bits(c, 10, 9) << 8 | bits(c, 8, 8) << 10 |
				   bits(c, 7, 7) << 6 | bits(c, 6, 6) << 7 |
				   bits(c, 5, 3) << 1 | bits(c, 2, 2) << 5,
			   12);
		return enc_j(0, off);
	default: /* c.beqz, c.bnez */
		off = sext(bits(c, 12, 12) << 8 | bits(c, 11, 10) << 3 |
				   bits(c, 6, 5) << 6 | bits(c, 4, 3) << 1 |
				   bits(c, 2, 2) << 5,
			   9);
		return enc_b(bits(c, 13, 13), creg(c, 7), 0, off);
	}
}

/* Quadrant 2, funct3 = 4: jr, mv, ebreak, jalr, add. */
static uint32_t rvc_q2_misc(uint16_t c)
{
	uint32_t rs1 = bits(c, 11, 7), rs2 = bits(c, 6, 2);

	if (!bits(c, 12, 12)) {
		if (rs2) /* c.mv */
			return enc_r(OPC_OP, 0, rs1, 0, 0, rs2);
		return rs1 ? enc_i(OPC_JALR, 0, 0, rs1, 0) : 0; /* c.jr */
	}
	if (rs2) /* c.add */
		return enc_r(OPC_OP, 0, rs1, 0, rs1, rs2);
	if (!rs1)
		return 0x00100073; /* c.ebreak */
	return enc_i(OPC_JALR, 1, 0, rs1, 0); /* c.jalr */
}

/* Quadrant 2: slli and stack-pointer-based loads/stores. */
static uint32_t rvc_q2(uint16_t c)
{
	uint32_t rd = bits(c, 11, 7), rs2 = bits(c, 6, 2);
	int32_t lw = (int32_t)(bits(c, 12, 12) << 5 | bits(c, 6, 4) << 2 |
			       bits(c, 3, 2) << 6);
	int32_t ld = (int32_t)(bits(c, 12, 12) << 5 | bits(c, 6, 5) << 3 |
			       bits(c, 4, 2) << 6);
	int32_t sw = (int32_t)(bits(c, 12, 9) << 2 | bits(c, 8, 7) << 6);
	int32_t sd = (int32_t)(bits(c, 12, 10) << 3 | bits(c, 9, 7) << 6);

	switch (bits(c, 15, 13)) {
	case 0: /* c.slli (rd = 0 or shamt = 0: hints) */
		return enc_i(OPC_OP_IMM, rd, 1, rd,
			     (int32_t)(bits(c, 12, 12) << 5 | rs2));
	case 1: return enc_i(OPC_LOAD_FP, rd, 3, 2, ld); /* c.fldsp */
	case 2: return rd ? enc_i(OPC_LOAD, rd, 2, 2, lw) : 0; /* c.lwsp */
	case 3: return rd ? enc_i(OPC_LOAD, rd, 3, 2, ld) : 0; /* c.ldsp */
	case 4: return rvc_q2_misc(c);
	case 5: return enc_s(OPC_STORE_FP, 3, 2, rs2, sd); /* c.fsdsp */
	case 6: return enc_s(OPC_STORE, 2, 2, rs2, sw); /* c.swsp */
	default: return enc_s(OPC_STORE, 3, 2, rs2, sd); /* c.sdsp */
	}
}

/* Expand a 16-bit RVC instruction into its 32-bit equivalent, or 0. */
uint32_t decode_expand_rvc(uint16_t c)
{
	switch (c & 3) {
	case 0: return rvc_q0(c);
	case 1: return rvc_q1(c);
	case 2: return rvc_q2(c);
	default: return 0;
	}
}

/* ---- 32-bit decode ------------------------------------------------- */

/* Handler pair of a branch or jal, picked by where the target lies. */
struct branch_fns {
	insn_fn near, far;
};

#define BRANCH_FNS(name, len)                                                  \
	((struct branch_fns){ OP_PICK(name##_near, len),                       \
			      OP_PICK(name##_far, len) })

/* In-page targets become slot distances; others keep the pc offset. */
static void set_branch(struct insn *out, struct branch_fns f, int32_t imm,
		       unsigned off)
{
	int64_t target = (int64_t)off + imm;

	if (off != OFF_UNKNOWN && target >= 0 && target < 4096) {
		out->fn = f.near;
		out->imm = insn_delta(imm);
		return;
	}
	out->fn = f.far;
	out->imm = imm;
}

static void dec_branch(uint32_t raw, unsigned len, unsigned off,
		       struct insn *out)
{
	unsigned f3 = bits(raw, 14, 12);
	struct branch_fns f;

	/* beq/bne against x0 (either side) test one register. */
	if ((f3 == 0 || f3 == 1) && (out->rs1 == 0 || out->rs2 == 0)) {
		if (out->rs1 == 0)
			out->rs1 = out->rs2;
		out->rs2 = 0;
		f = f3 ? BRANCH_FNS(op_bnez, len) : BRANCH_FNS(op_beqz, len);
	} else {
		switch (f3) {
		case 0: f = BRANCH_FNS(op_beq, len); break;
		case 1: f = BRANCH_FNS(op_bne, len); break;
		case 4: f = BRANCH_FNS(op_blt, len); break;
		case 5: f = BRANCH_FNS(op_bge, len); break;
		case 6: f = BRANCH_FNS(op_bltu, len); break;
		case 7: f = BRANCH_FNS(op_bgeu, len); break;
		default: out->fn = op_illegal; return;
		}
	}
	set_branch(out, f, imm_b(raw), off);
}

static insn_fn dec_load(unsigned f3, unsigned len)
{
	switch (f3) {
	case 0: return OP_PICK(op_lb, len);
	case 1: return OP_PICK(op_lh, len);
	case 2: return OP_PICK(op_lw, len);
	case 3: return OP_PICK(op_ld, len);
	case 4: return OP_PICK(op_lbu, len);
	case 5: return OP_PICK(op_lhu, len);
	case 6: return OP_PICK(op_lwu, len);
	default: return op_illegal;
	}
}

static insn_fn dec_store(unsigned f3, unsigned len)
{
	switch (f3) {
	case 0: return OP_PICK(op_sb, len);
	case 1: return OP_PICK(op_sh, len);
	case 2: return OP_PICK(op_sw, len);
	case 3: return OP_PICK(op_sd, len);
	default: return op_illegal;
	}
}

/* OP-IMM: addi (li/mv/nop forms), slti, sltiu, xori, ori, andi, shifts. */
static insn_fn dec_op_imm(uint32_t raw, unsigned len, struct insn *out)
{
	unsigned f3 = bits(raw, 14, 12), top6 = bits(raw, 31, 26);
	insn_fn fn;

	switch (f3) {
	case 0:
		if (out->rs1 == 0)
			fn = OP_PICK(op_li, len);
		else if (out->imm == 0)
			fn = OP_PICK(op_mv, len);
		else
			fn = OP_PICK(op_addi, len);
		break;
	case 1: fn = top6 ? op_illegal : OP_PICK(op_slli, len); break;
	case 2: fn = OP_PICK(op_slti, len); break;
	case 3: fn = OP_PICK(op_sltiu, len); break;
	case 4: fn = OP_PICK(op_xori, len); break;
	case 5:
		fn = top6 == 0	    ? OP_PICK(op_srli, len)
		     : top6 == 0x10 ? OP_PICK(op_srai, len)
				    : op_illegal;
		break;
	case 6: fn = OP_PICK(op_ori, len); break;
	default: fn = OP_PICK(op_andi, len); break;
	}
	if (f3 == 1 || f3 == 5)
		out->imm = (int32_t)bits(raw, 25, 20);
	return fn;
}

static insn_fn dec_op_imm_32(uint32_t raw, unsigned len, struct insn *out)
{
	unsigned f3 = bits(raw, 14, 12), f7 = bits(raw, 31, 25);

	if (f3 == 1 || f3 == 5)
		out->imm = (int32_t)bits(raw, 24, 20);
	if (f3 == 0)
		return OP_PICK(op_addiw, len);
	if (f3 == 1 && f7 == 0)
		return OP_PICK(op_slliw, len);
	if (f3 == 5 && f7 == 0)
		return OP_PICK(op_srliw, len);
	if (f3 == 5 && f7 == 0x20)
		return OP_PICK(op_sraiw, len);
	return op_illegal;
}

/* OP: base ALU (f7 0 / 0x20) and M (f7 1). */
static insn_fn dec_op(uint32_t raw, unsigned len, struct insn *out)
{
	unsigned f3 = bits(raw, 14, 12), f7 = bits(raw, 31, 25);

	if (f7 == 1) {
		switch (f3) {
		case 0: return OP_PICK(op_mul, len);
		case 1: return OP_PICK(op_mulh, len);
		case 2: return OP_PICK(op_mulhsu, len);
		case 3: return OP_PICK(op_mulhu, len);
		case 4: return OP_PICK(op_div, len);
		case 5: return OP_PICK(op_divu, len);
		case 6: return OP_PICK(op_rem, len);
		default: return OP_PICK(op_remu, len);
		}
	}
	if (f7 == 0x20)
		return f3 == 0	 ? OP_PICK(op_sub, len)
		       : f3 == 5 ? OP_PICK(op_sra, len)
				 : op_illegal;
	if (f7 != 0)
		return op_illegal;
	switch (f3) {
	case 0:
		if (out->rs1 == 0 || out->rs2 == 0) { /* mv, c.mv */
			out->rs1 = out->rs1 ? out->rs1 : out->rs2;
			return OP_PICK(op_mv, len);
		}
		return OP_PICK(op_add, len);
	case 1: return OP_PICK(op_sll, len);
	case 2: return OP_PICK(op_slt, len);
	case 3: return OP_PICK(op_sltu, len);
	case 4: return OP_PICK(op_xor, len);
	case 5: return OP_PICK(op_srl, len);
	case 6: return OP_PICK(op_or, len);
	default: return OP_PICK(op_and, len);
	}
}

static insn_fn dec_op_32(uint32_t raw, unsigned len)
{
	unsigned f3 = bits(raw, 14, 12), f7 = bits(raw, 31, 25);

	switch (f7 << 3 | f3) {
	case 0x000: return OP_PICK(op_addw, len);
	case 0x001: return OP_PICK(op_sllw, len);
	case 0x005: return OP_PICK(op_srlw, len);
	case 0x100: return OP_PICK(op_subw, len);
	case 0x105: return OP_PICK(op_sraw, len);
	case 0x008: return OP_PICK(op_mulw, len);
	case 0x00c: return OP_PICK(op_divw, len);
	case 0x00d: return OP_PICK(op_divuw, len);
	case 0x00e: return OP_PICK(op_remw, len);
	case 0x00f: return OP_PICK(op_remuw, len);
	default: return op_illegal;
	}
}

static insn_fn dec_amo(uint32_t raw, struct insn *out)
{
	static const insn_fn amo_w[32] = {
		[0x00] = op_amoadd_w,  [0x01] = op_amoswap_w,
		[0x02] = op_lr_w,      [0x03] = op_sc_w,
		[0x04] = op_amoxor_w,  [0x08] = op_amoor_w,
		[0x0c] = op_amoand_w,  [0x10] = op_amomin_w,
		[0x14] = op_amomax_w,  [0x18] = op_amominu_w,
		[0x1c] = op_amomaxu_w,
	};
	static const insn_fn amo_d[32] = {
		[0x00] = op_amoadd_d,  [0x01] = op_amoswap_d,
		[0x02] = op_lr_d,      [0x03] = op_sc_d,
		[0x04] = op_amoxor_d,  [0x08] = op_amoor_d,
		[0x0c] = op_amoand_d,  [0x10] = op_amomin_d,
		[0x14] = op_amomax_d,  [0x18] = op_amominu_d,
		[0x1c] = op_amomaxu_d,
	};
	unsigned f3 = bits(raw, 14, 12), f5 = bits(raw, 31, 27);
	insn_fn fn;

	if (f3 != 2 && f3 != 3)
		return op_illegal;
	if (f5 == 0x02 && out->rs2 != 0) /* lr: rs2 must be 0 */
		return op_illegal;
	fn = f3 == 2 ? amo_w[f5] : amo_d[f5];
	return fn ? fn : op_illegal;
}

/* Counters whose value the dispatch loop keeps in a register. */
static bool csr_is_counter(unsigned csr)
{
	return (csr >= CSR_MCYCLE && csr < CSR_MCYCLE + 32) ||
	       (csr >= CSR_CYCLE && csr < CSR_CYCLE + 32 && csr != CSR_TIME);
}

static insn_fn dec_csr(uint32_t raw, struct insn *out)
{
	static const insn_fn kind_fn[] = {
		[CSR_KIND_RW] = op_csrrw,
		[CSR_KIND_RW_NORD] = op_csrrw_nord,
		[CSR_KIND_RS] = op_csrrs,
		[CSR_KIND_RC] = op_csrrc,
		[CSR_KIND_READ] = op_csrr,
		[CSR_KIND_RWI] = op_csrrwi,
		[CSR_KIND_RWI_NORD] = op_csrrwi_nord,
		[CSR_KIND_RSI] = op_csrrsi,
		[CSR_KIND_RCI] = op_csrrci,
	};
	unsigned f3 = bits(raw, 14, 12), src = bits(raw, 19, 15);
	bool rd0 = bits(raw, 11, 7) == 0;
	enum op_csr_kind k;

	switch (f3) {
	case 1: k = rd0 ? CSR_KIND_RW_NORD : CSR_KIND_RW; break;
	case 2: k = src ? CSR_KIND_RS : CSR_KIND_READ; break;
	case 3: k = src ? CSR_KIND_RC : CSR_KIND_READ; break;
	case 5: k = rd0 ? CSR_KIND_RWI_NORD : CSR_KIND_RWI; break;
	case 6: k = src ? CSR_KIND_RSI : CSR_KIND_READ; break;
	case 7: k = src ? CSR_KIND_RCI : CSR_KIND_READ; break;
	default: return op_illegal;
	}
	out->imm = (int32_t)bits(raw, 31, 20);
	out->rs3 = (uint8_t)src;
	out->rs2 = 0;
	if (csr_is_counter((unsigned)out->imm)) {
		out->rs2 = (uint8_t)k;
		return op_csr_counter;
	}
	return kind_fn[k];
}

static insn_fn dec_system(uint32_t raw, unsigned len, struct insn *out)
{
	if (bits(raw, 14, 12) != 0)
		return dec_csr(raw, out);
	switch (raw) {
	case 0x00000073: return op_ecall;
	case 0x00100073: return op_ebreak;
	case 0x30200073: return op_mret;
	case 0x10200073: return op_sret;
	case 0x10500073: return op_wfi;
	default: break;
	}
	if ((raw & 0xfe007fff) == 0x12000073)
		return op_sfence_vma;
	return op_illegal;
}

/* fence: only "earlier writes before later reads" needs a host fence;
 * fence.tso (fm = 8) never does. */
static insn_fn dec_misc_mem(uint32_t raw)
{
	unsigned pred = bits(raw, 27, 24), succ = bits(raw, 23, 20);

	switch (bits(raw, 14, 12)) {
	case 0:
		if (bits(raw, 31, 28) != 8 && (pred & 0x5) && (succ & 0xa))
			return op_fence;
		return op_fence_nop;
	case 1: return op_fence_i;
	default: return op_illegal;
	}
}

static insn_fn dec_32(uint32_t raw, unsigned len, unsigned off,
		      struct insn *out)
{
	uint32_t rd = bits(raw, 11, 7);

	switch (bits(raw, 6, 0)) {
	case OPC_LUI:
		out->imm = (int32_t)(raw & 0xfffff000);
		return rd ? OP_PICK(op_li, len) : OP_PICK(op_nop, len);
	case OPC_AUIPC:
		out->imm = (int32_t)(raw & 0xfffff000);
		return rd ? OP_PICK(op_auipc, len) : OP_PICK(op_nop, len);
	case OPC_JAL:
		set_branch(out,
			   rd ? BRANCH_FNS(op_jal, len) : BRANCH_FNS(op_j, len),
			   imm_j(raw), off);
		return out->fn;
	case OPC_JALR:
		if (bits(raw, 14, 12) != 0)
			return op_illegal;
		return rd ? OP_PICK(op_jalr, len) : OP_PICK(op_jr, len);
	case OPC_BRANCH: dec_branch(raw, len, off, out); return out->fn;
	case OPC_LOAD: return dec_load(bits(raw, 14, 12), len);
	case OPC_STORE:
		out->imm = imm_s(raw);
		return dec_store(bits(raw, 14, 12), len);
	case OPC_OP_IMM: {
		insn_fn fn = dec_op_imm(raw, len, out);
		return rd || fn == op_illegal ? fn : OP_PICK(op_nop, len);
	}
	case OPC_OP_IMM_32: return dec_op_imm_32(raw, len, out);
	case OPC_OP: {
		insn_fn fn = dec_op(raw, len, out);
		return rd || fn == op_illegal ? fn : OP_PICK(op_nop, len);
	}
	case OPC_OP_32: return dec_op_32(raw, len);
	case OPC_MISC_MEM: return dec_misc_mem(raw);
	case OPC_SYSTEM: return dec_system(raw, len, out);
	case OPC_AMO: return dec_amo(raw, out);
	case OPC_LOAD_FP:
	case OPC_STORE_FP:
	case OPC_OP_FP:
	case OPC_MADD:
	case OPC_MSUB:
	case OPC_NMSUB:
	case OPC_NMADD:
		if (!fp_decode(raw, out))
			return op_illegal;
		if (len == 2) /* c.fld, c.fsd, c.fldsp, c.fsdsp */
			fp_make_compressed(out);
		return out->fn;
	default: return op_illegal;
	}
}

void decode_insn_at(uint32_t raw, unsigned len, unsigned off, struct insn *out)
{
	uint32_t w = raw;

	memset(out, 0, sizeof(*out));
	if (len == 2)
		w = decode_expand_rvc((uint16_t)raw);
	if (w == 0 || (w & 3) != 3 || (w & 0x1c) == 0x1c) {
		out->fn = op_illegal;
		return;
	}
	/* Common fields; the format decoders override what differs. */
	out->rd = rd_sink(bits(w, 11, 7));
	out->rs1 = (uint8_t)bits(w, 19, 15);
	out->rs2 = (uint8_t)bits(w, 24, 20);
	out->imm = imm_i(w);
	out->fn = dec_32(w, len, off, out);
	if (out->fn == op_illegal)
		memset(&out->rd, 0, sizeof(*out) - sizeof(out->fn));
}

/* Fill *out for raw (16- or 32-bit; len = 2 or 4). */
void decode_insn(uint32_t raw, unsigned len, struct insn *out)
{
	decode_insn_at(raw, len, OFF_UNKNOWN, out);
}
