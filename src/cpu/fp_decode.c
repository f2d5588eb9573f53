/* Decoder of the F and D extensions (RV64): LOAD-FP, STORE-FP, the four
 * fused multiply-add opcodes and OP-FP.  Reserved formats (H, Q), reserved
 * static rounding modes (5, 6) and any field the spec fixes but the bits
 * do not match make the encoding invalid.  Operand layout: fp_impl.h. */
#include "cpu/fp.h"
#include "cpu/fp_impl.h"

#define OPC_LOAD_FP 0x07
#define OPC_STORE_FP 0x27
#define OPC_FMADD 0x43
#define OPC_FMSUB 0x47
#define OPC_FNMSUB 0x4b
#define OPC_FNMADD 0x4f
#define OPC_OP_FP 0x53

/* OP-FP funct5 (bits 31:27). */
enum {
	F5_ADD = 0x00,
	F5_SUB = 0x01,
	F5_MUL = 0x02,
	F5_DIV = 0x03,
	F5_SGNJ = 0x04,
	F5_MINMAX = 0x05,
	F5_CVT_FF = 0x08,
	F5_SQRT = 0x0b,
	F5_CMP = 0x14,
	F5_CVT_IF = 0x18,
	F5_CVT_FI = 0x1a,
	F5_MV_XF = 0x1c,
	F5_MV_FX = 0x1e,
};

static inline unsigned fp_funct3(uint32_t raw)
{
	return (raw >> 12) & 7;
}

/* Static modes 0-4 and dynamic (7) are valid; 5 and 6 are reserved. */
static inline bool fp_rm_ok(unsigned rm)
{
	return rm <= RM_RMM || rm == RM_DYN;
}

/* Choose the single or double handler; fmt 2 (H) and 3 (Q) are absent. */
static inline bool fp_pick(struct insn *out, unsigned fmt, insn_fn s, insn_fn d)
{
	if (fmt > 1)
		return false;
	out->fn = fmt ? d : s;
	return true;
}

/* An integer destination: x0 becomes the sink x[32]. */
static inline void fp_int_rd(struct insn *out)
{
	if (out->rd == 0)
		out->rd = 32;
}

static bool fp_decode_load(uint32_t raw, struct insn *out)
{
	out->imm = (int32_t)raw >> 20;
	switch (fp_funct3(raw)) {
	case 2: out->fn = fp_flw; return true;
	case 3: out->fn = fp_fld; return true;
	default: return false;
	}
}

static bool fp_decode_store(uint32_t raw, struct insn *out)
{
	out->imm = ((int32_t)raw >> 25) * 32 + (int32_t)((raw >> 7) & 31);
	switch (fp_funct3(raw)) {
	case 2: out->fn = fp_fsw; return true;
	case 3: out->fn = fp_fsd; return true;
	default: return false;
	}
}

static bool fp_decode_fma(uint32_t raw, struct insn *out)
{
	static const uint8_t neg[4] = { 0, FP_NEG_ADDEND, FP_NEG_PROD,
					FP_NEG_PROD | FP_NEG_ADDEND };
	unsigned rm = fp_funct3(raw);

	if (!fp_rm_ok(rm))
		return false;
	out->imm = (int32_t)(rm | neg[((raw & 0x7f) - OPC_FMADD) >> 2]);
	return fp_pick(out, (raw >> 25) & 3, fp_fma_s, fp_fma_d);
}

/* Instructions whose funct3 is a rounding mode. */
static bool fp_decode_rounded(uint32_t raw, struct insn *out)
{
	unsigned fmt = (raw >> 25) & 3, rs2 = out->rs2;

	if (!fp_rm_ok(fp_funct3(raw)))
		return false;
	switch (raw >> 27) {
	case F5_ADD: return fp_pick(out, fmt, fp_fadd_s, fp_fadd_d);
	case F5_SUB: return fp_pick(out, fmt, fp_fsub_s, fp_fsub_d);
	case F5_MUL: return fp_pick(out, fmt, fp_fmul_s, fp_fmul_d);
	case F5_DIV: return fp_pick(out, fmt, fp_fdiv_s, fp_fdiv_d);
	case F5_SQRT:
		return rs2 == 0 && fp_pick(out, fmt, fp_fsqrt_s, fp_fsqrt_d);
	case F5_CVT_FF: /* fcvt.s.d (fmt S, rs2 D) or fcvt.d.s */
		if (fmt > 1 || rs2 != (fmt ^ 1))
			return false;
		return fp_pick(out, fmt, fp_fcvt_s_d, fp_fcvt_d_s);
	case F5_CVT_IF:
		fp_int_rd(out);
		return rs2 <= FP_LU &&
		       fp_pick(out, fmt, fp_fcvt_int_s, fp_fcvt_int_d);
	case F5_CVT_FI:
		return rs2 <= FP_LU &&
		       fp_pick(out, fmt, fp_fcvt_s_int, fp_fcvt_d_int);
	default: return false;
	}
}

/* Instructions whose funct3 selects the operation. */
static bool fp_decode_unrounded(uint32_t raw, struct insn *out)
{
	unsigned fmt = (raw >> 25) & 3, f3 = fp_funct3(raw);

	switch (raw >> 27) {
	case F5_SGNJ:
		if (f3 == 0)
			return fp_pick(out, fmt, fp_fsgnj_s, fp_fsgnj_d);
		if (f3 == 1)
			return fp_pick(out, fmt, fp_fsgnjn_s, fp_fsgnjn_d);
		if (f3 == 2)
			return fp_pick(out, fmt, fp_fsgnjx_s, fp_fsgnjx_d);
		return false;
	case F5_MINMAX:
		if (f3 == 0)
			return fp_pick(out, fmt, fp_fmin_s, fp_fmin_d);
		if (f3 == 1)
			return fp_pick(out, fmt, fp_fmax_s, fp_fmax_d);
		return false;
	case F5_CMP:
		fp_int_rd(out);
		if (f3 == 2)
			return fp_pick(out, fmt, fp_feq_s, fp_feq_d);
		if (f3 == 1)
			return fp_pick(out, fmt, fp_flt_s, fp_flt_d);
		if (f3 == 0)
			return fp_pick(out, fmt, fp_fle_s, fp_fle_d);
		return false;
	case F5_MV_XF:
		fp_int_rd(out);
		if (out->rs2 != 0)
			return false;
		if (f3 == 0)
			return fp_pick(out, fmt, fp_fmv_x_w, fp_fmv_x_d);
		if (f3 == 1)
			return fp_pick(out, fmt, fp_fclass_s, fp_fclass_d);
		return false;
	case F5_MV_FX:
		if (out->rs2 != 0 || f3 != 0)
			return false;
		return fp_pick(out, fmt, fp_fmv_w_x, fp_fmv_d_x);
	default: return fp_decode_rounded(raw, out);
	}
}

bool fp_decode(uint32_t raw, struct insn *out)
{
	out->fn = 0;
	out->rd = (raw >> 7) & 31;
	out->rs1 = (raw >> 15) & 31;
	out->rs2 = (raw >> 20) & 31;
	out->rs3 = raw >> 27;
	out->imm = (int32_t)fp_funct3(raw);

	switch (raw & 0x7f) {
	case OPC_LOAD_FP: return fp_decode_load(raw, out);
	case OPC_STORE_FP: return fp_decode_store(raw, out);
	case OPC_FMADD:
	case OPC_FMSUB:
	case OPC_FNMSUB:
	case OPC_FNMADD: return fp_decode_fma(raw, out);
	case OPC_OP_FP: return fp_decode_unrounded(raw, out);
	default: return false;
	}
}

void fp_make_compressed(struct insn *out)
{
	if (out->fn == fp_flw)
		out->fn = fp_flw_c;
	else if (out->fn == fp_fld)
		out->fn = fp_fld_c;
	else if (out->fn == fp_fsw)
		out->fn = fp_fsw_c;
	else if (out->fn == fp_fsd)
		out->fn = fp_fsd_c;
}
