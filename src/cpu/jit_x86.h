/* A small x86-64 machine-code emitter for the translator (jit_translate.c).
 *
 * Only the forms the translator uses: 64- and 32-bit ALU operations between
 * registers, immediates and [base + index + disp] memory operands, shifts,
 * multiplies, sign/zero extension, setcc, jumps with 32-bit displacements
 * (patched later) and absolute calls.  Bytes go to a buffer the caller has
 * sized for the worst case of a block, so no emitter checks for room.
 */
#ifndef ATOLL_CPU_JIT_X86_H
#define ATOLL_CPU_JIT_X86_H

#include <stdint.h>
#include <string.h>

enum x86_reg {
	RAX = 0,
	RCX = 1,
	RDX = 2,
	RBX = 3,
	RSP = 4,
	RBP = 5,
	RSI = 6,
	RDI = 7,
	R8 = 8,
	R9 = 9,
	R10 = 10,
	R11 = 11,
	R12 = 12,
	R13 = 13,
	R14 = 14,
	R15 = 15,
	NOREG = -1,
};

/* Condition codes (the low nibble of jcc/setcc). */
enum x86_cc {
	CC_B = 0x2,
	CC_AE = 0x3,
	CC_E = 0x4,
	CC_NE = 0x5,
	CC_BE = 0x6,
	CC_A = 0x7,
	CC_L = 0xc,
	CC_GE = 0xd,
	CC_LE = 0xe,
	CC_G = 0xf,
};

/* Group-1 ALU operations: the /digit of 81/83 and the base of the r/m
 * opcodes (op * 8 + 1: r/m <- reg, op * 8 + 3: reg <- r/m). */
enum x86_alu {
	ALU_ADD = 0,
	ALU_OR = 1,
	ALU_AND = 4,
	ALU_SUB = 5,
	ALU_XOR = 6,
	ALU_CMP = 7,
};

/* Group-2 shifts: the /digit of C1/D3. */
enum x86_shift { SH_SHL = 4, SH_SHR = 5, SH_SAR = 7 };

struct xbuf {
	uint8_t *p; /* next byte, in the writable view */
};

static inline void x_b(struct xbuf *b, uint8_t v)
{
	*b->p++ = v;
}

static inline void x_d32(struct xbuf *b, uint32_t v)
{
	memcpy(b->p, &v, 4);
	b->p += 4;
}

static inline void x_d64(struct xbuf *b, uint64_t v)
{
	memcpy(b->p, &v, 8);
	b->p += 8;
}

static inline int x_fits8(int64_t v)
{
	return v >= -128 && v <= 127;
}

static inline int x_fits32(int64_t v)
{
	return v >= INT32_MIN && v <= INT32_MAX;
}

/* REX prefix for operand width w (1: 64-bit), the reg field, an index and
 * a base/rm register; omitted when it would be 0x40. */
static inline void x_rex(struct xbuf *b, int w, int reg, int index, int base)
{
	uint8_t r = 0x40 | (uint8_t)(w << 3);

	if (reg > 7)
		r |= 4;
	if (index > 7)
		r |= 2;
	if (base > 7)
		r |= 1;
	if (r != 0x40)
		x_b(b, r);
}

/* ModRM (+SIB, +disp) for [base + index + disp]; index may be NOREG.  Never
 * mod 0, so rbp/r13 need no special case. */
static inline void x_modrm_mem(struct xbuf *b, int reg, int base, int index,
			       int32_t disp)
{
	uint8_t mod = x_fits8(disp) ? 0x40 : 0x80;

	if (index != NOREG) {
		x_b(b, mod | (uint8_t)((reg & 7) << 3) | 4);
		x_b(b, (uint8_t)((index & 7) << 3 | (base & 7)));
	} else if ((base & 7) == RSP) {
		x_b(b, mod | (uint8_t)((reg & 7) << 3) | 4);
		x_b(b, 0x24);
	} else {
		x_b(b, mod | (uint8_t)((reg & 7) << 3) | (uint8_t)(base & 7));
	}
	if (mod == 0x40)
		x_b(b, (uint8_t)(int8_t)disp);
	else
		x_d32(b, (uint32_t)disp);
}

static inline void x_modrm_rr(struct xbuf *b, int reg, int rm)
{
	x_b(b, 0xc0 | (uint8_t)((reg & 7) << 3) | (uint8_t)(rm & 7));
}

/* op reg, [base + index + disp] (or the reverse, by opcode), width w. */
static inline void x_op_mem(struct xbuf *b, int w, const uint8_t *op,
			    unsigned oplen, int reg, int base, int index,
			    int32_t disp)
{
	x_rex(b, w, reg, index == NOREG ? 0 : index, base);
	for (unsigned k = 0; k < oplen; k++)
		x_b(b, op[k]);
	x_modrm_mem(b, reg, base, index, disp);
}

static inline void x_op_rr(struct xbuf *b, int w, const uint8_t *op,
			   unsigned oplen, int reg, int rm)
{
	x_rex(b, w, reg, 0, rm);
	for (unsigned k = 0; k < oplen; k++)
		x_b(b, op[k]);
	x_modrm_rr(b, reg, rm);
}

#define X_OP(...) ((const uint8_t[]){ __VA_ARGS__ })
#define X_OPLEN(...) sizeof((const uint8_t[]){ __VA_ARGS__ })

/* mov r64, [base + disp] / mov [base + disp], r64 */
static inline void x_load64(struct xbuf *b, int dst, int base, int32_t disp)
{
	x_op_mem(b, 1, X_OP(0x8b), 1, dst, base, NOREG, disp);
}

static inline void x_store64(struct xbuf *b, int src, int base, int32_t disp)
{
	x_op_mem(b, 1, X_OP(0x89), 1, src, base, NOREG, disp);
}

/* mov r32, [base + disp] (zero-extends) */
static inline void x_load32(struct xbuf *b, int dst, int base, int32_t disp)
{
	x_op_mem(b, 0, X_OP(0x8b), 1, dst, base, NOREG, disp);
}

/* mov qword [base + disp], simm32 */
static inline void x_store_imm(struct xbuf *b, int base, int32_t disp,
			       int32_t imm)
{
	x_op_mem(b, 1, X_OP(0xc7), 1, 0, base, NOREG, disp);
	x_d32(b, (uint32_t)imm);
}

/* mov r64, imm64 (shortest form) */
static inline void x_mov_imm(struct xbuf *b, int dst, uint64_t imm)
{
	if (x_fits32((int64_t)imm)) {
		x_rex(b, 1, 0, 0, dst);
		x_b(b, 0xc7);
		x_modrm_rr(b, 0, dst);
		x_d32(b, (uint32_t)imm);
	} else if (imm <= UINT32_MAX) {
		x_rex(b, 0, 0, 0, dst);
		x_b(b, 0xb8 + (dst & 7));
		x_d32(b, (uint32_t)imm);
	} else {
		x_rex(b, 1, 0, 0, dst);
		x_b(b, 0xb8 + (dst & 7));
		x_d64(b, imm);
	}
}

/* mov dst, src (64-bit) */
static inline void x_mov_rr(struct xbuf *b, int dst, int src)
{
	x_op_rr(b, 1, X_OP(0x89), 1, src, dst);
}

/* mov r32, r32 (zero-extends) */
static inline void x_mov_rr32(struct xbuf *b, int dst, int src)
{
	x_op_rr(b, 0, X_OP(0x89), 1, src, dst);
}

/* rorx r32 dst, r32 src, n (BMI2: a rotate into another register, flags
 * untouched; VEX.LZ.F2.0F3A.W0 F0 /r ib). */
static inline void x_rorx32(struct xbuf *b, int dst, int src, uint8_t n)
{
	x_b(b, 0xc4);
	x_b(b, (uint8_t)((dst > 7 ? 0 : 0x80) | 0x40 | (src > 7 ? 0 : 0x20) |
			 0x03));
	x_b(b, 0x7b);
	x_b(b, 0xf0);
	x_modrm_rr(b, dst, src);
	x_b(b, n);
}

/* alu dst, src (width w) */
static inline void x_alu_rr(struct xbuf *b, int w, enum x86_alu op, int dst,
			    int src)
{
	x_op_rr(b, w, X_OP((uint8_t)(op * 8 + 1)), 1, src, dst);
}

/* alu reg, [base + index + disp] (width w) */
static inline void x_alu_rm(struct xbuf *b, int w, enum x86_alu op, int reg,
			    int base, int index, int32_t disp)
{
	x_op_mem(b, w, X_OP((uint8_t)(op * 8 + 3)), 1, reg, base, index, disp);
}

/* alu dst, simm32 (width w) */
static inline void x_alu_ri(struct xbuf *b, int w, enum x86_alu op, int dst,
			    int32_t imm)
{
	x_rex(b, w, 0, 0, dst);
	if (x_fits8(imm)) {
		x_b(b, 0x83);
		x_modrm_rr(b, op, dst);
		x_b(b, (uint8_t)(int8_t)imm);
	} else {
		x_b(b, 0x81);
		x_modrm_rr(b, op, dst);
		x_d32(b, (uint32_t)imm);
	}
}

/* alu [base + disp], simm8 (width w): cmp/sub on memory */
static inline void x_alu_mi8(struct xbuf *b, int w, enum x86_alu op, int base,
			     int32_t disp, int8_t imm)
{
	x_op_mem(b, w, X_OP(0x83), 1, op, base, NOREG, disp);
	x_b(b, (uint8_t)imm);
}

/* alu qword [base + disp], simm32 */
static inline void x_alu_mi32(struct xbuf *b, enum x86_alu op, int base,
			      int32_t disp, int32_t imm)
{
	if (x_fits8(imm)) {
		x_alu_mi8(b, 1, op, base, disp, (int8_t)imm);
		return;
	}
	x_op_mem(b, 1, X_OP(0x81), 1, op, base, NOREG, disp);
	x_d32(b, (uint32_t)imm);
}

/* shift dst by an immediate / by cl (width w) */
static inline void x_shift_ri(struct xbuf *b, int w, enum x86_shift op, int dst,
			      uint8_t n)
{
	x_op_rr(b, w, X_OP(0xc1), 1, op, dst);
	x_b(b, n);
}

static inline void x_shift_cl(struct xbuf *b, int w, enum x86_shift op, int dst)
{
	x_op_rr(b, w, X_OP(0xd3), 1, op, dst);
}

/* movsxd dst, src32 */
static inline void x_movsxd(struct xbuf *b, int dst, int src)
{
	x_op_rr(b, 1, X_OP(0x63), 1, dst, src);
}

/* setcc al; movzx eax, al */
static inline void x_setcc_rax(struct xbuf *b, enum x86_cc cc)
{
	x_b(b, 0x0f);
	x_b(b, (uint8_t)(0x90 | cc));
	x_b(b, 0xc0);
	x_b(b, 0x0f);
	x_b(b, 0xb6);
	x_b(b, 0xc0);
}

/* imul reg, [base + disp] (width w) */
static inline void x_imul_rm(struct xbuf *b, int w, int reg, int base,
			     int32_t disp)
{
	x_op_mem(b, w, X_OP(0x0f, 0xaf), 2, reg, base, NOREG, disp);
}

/* mul/imul qword [base + disp]: rdx:rax = rax * m (digit 4 / 5) */
static inline void x_mul_m(struct xbuf *b, int digit, int base, int32_t disp)
{
	x_op_mem(b, 1, X_OP(0xf7), 1, digit, base, NOREG, disp);
}

/* jcc rel32 / jmp rel32: return the position of the displacement. */
static inline uint8_t *x_jcc(struct xbuf *b, enum x86_cc cc)
{
	x_b(b, 0x0f);
	x_b(b, (uint8_t)(0x80 | cc));
	x_d32(b, 0);
	return b->p - 4;
}

static inline uint8_t *x_jmp(struct xbuf *b)
{
	x_b(b, 0xe9);
	x_d32(b, 0);
	return b->p - 4;
}

/* Point the rel32 at `at` (both in the writable view) to `to`. */
static inline void x_patch(uint8_t *at, const uint8_t *to)
{
	int32_t rel = (int32_t)(to - (at + 4));

	memcpy(at, &rel, 4);
}

/* lea dst, [base + disp] (64-bit) */
static inline void x_lea(struct xbuf *b, int dst, int base, int32_t disp)
{
	x_op_mem(b, 1, X_OP(0x8d), 1, dst, base, NOREG, disp);
}

/* imul dst, src (width w) */
static inline void x_imul_rr(struct xbuf *b, int w, int dst, int src)
{
	x_op_rr(b, w, X_OP(0x0f, 0xaf), 2, dst, src);
}

/* mul/imul src: rdx:rax = rax * src (digit 4 / 5) */
static inline void x_mul_r(struct xbuf *b, int digit, int src)
{
	x_op_rr(b, 1, X_OP(0xf7), 1, digit, src);
}

/* test r, r (64-bit) */
static inline void x_test_rr(struct xbuf *b, int r)
{
	x_op_rr(b, 1, X_OP(0x85), 1, r, r);
}

/* push r / pop r */
static inline void x_push(struct xbuf *b, int r)
{
	if (r > 7)
		x_b(b, 0x41);
	x_b(b, (uint8_t)(0x50 + (r & 7)));
}

static inline void x_pop(struct xbuf *b, int r)
{
	if (r > 7)
		x_b(b, 0x41);
	x_b(b, (uint8_t)(0x58 + (r & 7)));
}

/* The condition that is true when cc is false. */
static inline enum x86_cc x_cc_not(enum x86_cc cc)
{
	return (enum x86_cc)(cc ^ 1);
}

/* call an absolute address (through rax) */
static inline void x_call(struct xbuf *b, const void *fn)
{
	x_mov_imm(b, RAX, (uint64_t)(uintptr_t)fn);
	x_b(b, 0xff);
	x_b(b, 0xd0);
}

#endif
