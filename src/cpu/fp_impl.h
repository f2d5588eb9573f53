/* F and D internals: the integer soft-float core (fp_soft.c, fp_arith.c,
 * fp_conv.c) and the instruction handlers (fp_exec.c, fp_move.c,
 * fp_mem.c) that fp_decode.c installs.  fp_hard.h is the host-FPU fast
 * path that fp_exec.c tries first where it cannot change the outcome.
 *
 * The soft-float core works on raw IEEE bits held in a uint64_t: a single
 * sits in the low 32 bits (already unboxed), a double fills all 64.  Every
 * function takes the format (FP_S or FP_D), a rounding mode 0-4 (never
 * dynamic: the handlers resolve frm first) and ORs the exceptions it raises
 * into *fl.  It follows the RISC-V rules: NaN results are the canonical NaN,
 * tininess is detected after rounding, and out-of-range integer conversions
 * saturate.
 *
 * Operands of a decoded F/D slot (struct insn):
 *   rd, rs1, rs2   register numbers; an integer rd of 0 is 32 (the sink);
 *                  the int<->float conversions keep their type in rs2
 *                  (enum fp_int)
 *   rs3            rs3 of the fused multiply-adds
 *   imm            the rounding mode (bits 0-2; FMA also FP_NEG_* above
 *                  them), or the byte offset of a load/store
 */
#ifndef ATOLL_CPU_FP_IMPL_H
#define ATOLL_CPU_FP_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "cpu/csr.h"
#include "cpu/insn.h"

/* fflags bits */
#define FFLAG_NX 0x01
#define FFLAG_UF 0x02
#define FFLAG_OF 0x04
#define FFLAG_DZ 0x08
#define FFLAG_NV 0x10

enum fp_rm {
	RM_RNE = 0,
	RM_RTZ = 1,
	RM_RDN = 2,
	RM_RUP = 3,
	RM_RMM = 4,
	RM_DYN = 7
};

enum fp_fmt { FP_S = 0, FP_D = 1 };

/* Integer side of fcvt, numbered as the rs2 field encodes it. */
enum fp_int { FP_W = 0, FP_WU = 1, FP_L = 2, FP_LU = 3 };

/* Negation flags of the fused multiply-adds (in insn imm, above rm). */
#define FP_NEG_PROD 0x08
#define FP_NEG_ADDEND 0x10

#define FP_NAN_S 0x7fc00000ULL
#define FP_NAN_D 0x7ff8000000000000ULL
#define FP_BOX_S 0xffffffff00000000ULL

/* Geometry of one binary format. */
struct fp_fmt_info {
	unsigned mbits; /* stored fraction bits: 23, 52 */
	unsigned signbit; /* 31, 63 */
	int32_t bias; /* 127, 1023 */
	uint32_t emax; /* all-ones exponent field: 255, 2047 */
	uint64_t nan; /* canonical NaN */
};

extern const struct fp_fmt_info fp_fmts[2];

/* A decoded operand.  Finite nonzero values are normalized:
 * value = (-1)^sign * sig * 2^(exp - 62), with bit 62 of sig set. */
enum fp_class { FPC_ZERO, FPC_FINITE, FPC_INF, FPC_QNAN, FPC_SNAN };

struct fp_num {
	uint64_t sig;
	int32_t exp;
	uint8_t sign;
	uint8_t cls; /* enum fp_class */
};

/* fp_soft.c: packing, unpacking, rounding. */
void fp_unpack(enum fp_fmt fmt, uint64_t bits, struct fp_num *n);
uint64_t fp_round_pack(enum fp_fmt fmt, unsigned sign, int32_t exp,
		       uint64_t sig, unsigned rm, uint8_t *fl);
bool fp_round_up(unsigned rm, unsigned sign, uint64_t rest, uint64_t half,
		 bool odd);
uint64_t fp_shr_jam(uint64_t v, uint32_t n);
bool fp_is_nan(enum fp_fmt fmt, uint64_t bits);
bool fp_is_snan(enum fp_fmt fmt, uint64_t bits);

static inline uint64_t fp_zero(enum fp_fmt fmt, unsigned sign)
{
	return (uint64_t)sign << fp_fmts[fmt].signbit;
}

static inline uint64_t fp_inf(enum fp_fmt fmt, unsigned sign)
{
	const struct fp_fmt_info *f = &fp_fmts[fmt];
	return fp_zero(fmt, sign) | (uint64_t)f->emax << f->mbits;
}

/* fp_arith.c: IEEE operations, correctly rounded. */
uint64_t fp_add(enum fp_fmt fmt, uint64_t a, uint64_t b, unsigned rm,
		uint8_t *fl);
uint64_t fp_sub(enum fp_fmt fmt, uint64_t a, uint64_t b, unsigned rm,
		uint8_t *fl);
uint64_t fp_mul(enum fp_fmt fmt, uint64_t a, uint64_t b, unsigned rm,
		uint8_t *fl);
uint64_t fp_div(enum fp_fmt fmt, uint64_t a, uint64_t b, unsigned rm,
		uint8_t *fl);
uint64_t fp_sqrt(enum fp_fmt fmt, uint64_t a, unsigned rm, uint8_t *fl);
/* (a * b) + c with one rounding; neg = FP_NEG_PROD | FP_NEG_ADDEND. */
uint64_t fp_fma(enum fp_fmt fmt, uint64_t a, uint64_t b, uint64_t c,
		unsigned neg, unsigned rm, uint8_t *fl);

/* fp_conv.c: conversions, comparisons, classification. */
/* Float to integer; W and WU results come sign-extended to 64 bits. */
uint64_t fp_to_int(enum fp_fmt fmt, uint64_t a, enum fp_int to, unsigned rm,
		   uint8_t *fl);
uint64_t fp_from_int(enum fp_fmt fmt, uint64_t v, enum fp_int from, unsigned rm,
		     uint8_t *fl);
uint64_t fp_s_to_d(uint64_t a, uint8_t *fl);
uint64_t fp_d_to_s(uint64_t a, unsigned rm, uint8_t *fl);
uint64_t fp_min(enum fp_fmt fmt, uint64_t a, uint64_t b, uint8_t *fl);
uint64_t fp_max(enum fp_fmt fmt, uint64_t a, uint64_t b, uint8_t *fl);
bool fp_eq(enum fp_fmt fmt, uint64_t a, uint64_t b, uint8_t *fl);
bool fp_lt(enum fp_fmt fmt, uint64_t a, uint64_t b, uint8_t *fl);
bool fp_le(enum fp_fmt fmt, uint64_t a, uint64_t b, uint8_t *fl);
unsigned fp_class(enum fp_fmt fmt, uint64_t a);

/* NaN boxing: a single is valid only under 32 one bits, else it reads as
 * the canonical NaN. */
static inline uint64_t fp_unbox_s(uint64_t r)
{
	return (r >> 32) == 0xffffffffu ? (uint32_t)r : FP_NAN_S;
}

static inline uint64_t fp_box_s(uint64_t v)
{
	return v | FP_BOX_S;
}

/* One handler body serves both formats: FP_BOTH(M, ...) instantiates
 * M(F, f, ...) for singles (F = S, f = s) and doubles (D, d).  In a body,
 * FP_GET_##F reads an f register (singles through the boxing rule) and
 * FP_PUT_##F makes a value an f register's (singles boxed). */
#define FP_GET_S(h, r) fp_unbox_s((h)->f[r])
#define FP_GET_D(h, r) ((h)->f[r])
#define FP_PUT_S(v) fp_box_s(v)
#define FP_PUT_D(v) (v)
#define FP_BOTH(M, ...) M(S, s, __VA_ARGS__) M(D, d, __VA_ARGS__)

/* Rounding mode of the slot, frm resolved; -1 if reserved (illegal). */
static inline int fp_rm(const struct hart *h, const struct insn *i)
{
	unsigned rm = (unsigned)i->imm & 7;
	if (rm == RM_DYN)
		rm = h->frm;
	return rm <= RM_RMM ? (int)rm : -1;
}

/* Retire an f-register result: accrue flags, mark FS dirty. */
static inline void fp_write(struct hart *h, unsigned rd, uint64_t v, uint8_t fl)
{
	h->f[rd] = v;
	h->fflags |= fl;
	csr_fs_dirty(h);
}

/* Retire an x-register result; FS goes dirty only if fflags changed. */
static inline void fp_write_x(struct hart *h, unsigned rd, uint64_t v,
			      uint8_t fl)
{
	h->x[rd] = v;
	if (fl) {
		h->fflags |= fl;
		csr_fs_dirty(h);
	}
}

/* Handlers (fp_exec.c): everything that rounds. */
#define FP_HANDLER(name) struct insn *name(struct hart *h, struct insn *i)
FP_HANDLER(fp_fadd_s);
FP_HANDLER(fp_fadd_d);
FP_HANDLER(fp_fsub_s);
FP_HANDLER(fp_fsub_d);
FP_HANDLER(fp_fmul_s);
FP_HANDLER(fp_fmul_d);
FP_HANDLER(fp_fdiv_s);
FP_HANDLER(fp_fdiv_d);
FP_HANDLER(fp_fsqrt_s);
FP_HANDLER(fp_fsqrt_d);
FP_HANDLER(fp_fma_s);
FP_HANDLER(fp_fma_d);
FP_HANDLER(fp_fcvt_s_d);
FP_HANDLER(fp_fcvt_d_s);
FP_HANDLER(fp_fcvt_int_s);
FP_HANDLER(fp_fcvt_int_d);
FP_HANDLER(fp_fcvt_s_int);
FP_HANDLER(fp_fcvt_d_int);

/* Handlers (fp_move.c): no rounding: sign injection, min/max, compare,
 * classify, moves. */
FP_HANDLER(fp_fmin_s);
FP_HANDLER(fp_fmin_d);
FP_HANDLER(fp_fmax_s);
FP_HANDLER(fp_fmax_d);
FP_HANDLER(fp_fsgnj_s);
FP_HANDLER(fp_fsgnj_d);
FP_HANDLER(fp_fsgnjn_s);
FP_HANDLER(fp_fsgnjn_d);
FP_HANDLER(fp_fsgnjx_s);
FP_HANDLER(fp_fsgnjx_d);
FP_HANDLER(fp_feq_s);
FP_HANDLER(fp_feq_d);
FP_HANDLER(fp_flt_s);
FP_HANDLER(fp_flt_d);
FP_HANDLER(fp_fle_s);
FP_HANDLER(fp_fle_d);
FP_HANDLER(fp_fclass_s);
FP_HANDLER(fp_fclass_d);
FP_HANDLER(fp_fmv_x_w);
FP_HANDLER(fp_fmv_x_d);
FP_HANDLER(fp_fmv_w_x);
FP_HANDLER(fp_fmv_d_x);

/* Handlers (fp_mem.c); the _c variants are compressed (2-byte) forms. */
FP_HANDLER(fp_flw);
FP_HANDLER(fp_fld);
FP_HANDLER(fp_fsw);
FP_HANDLER(fp_fsd);
FP_HANDLER(fp_flw_c);
FP_HANDLER(fp_fld_c);
FP_HANDLER(fp_fsw_c);
FP_HANDLER(fp_fsd_c);

#endif
