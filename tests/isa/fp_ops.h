/* Table of every F/D computational instruction as a callable stub, for
 * the guest FP tests.  A stub loads raw 64-bit operand patterns into f
 * (or x) registers, sets fflags to fp_preflags, runs the instruction with
 * a given rounding mode, and returns the raw 64-bit result and fflags.
 * Single operands must be passed NaN-boxed by the caller (or deliberately
 * not). */
#ifndef FP_OPS_H
#define FP_OPS_H

#include <stdint.h>

#include "rt.h"

/* Operand/result kinds. */
enum { T_S, T_D, T_X };

/* Rounding-mode variants of a stub: the five static modes, then dynamic
 * (frm decides). */
enum { V_RNE, V_RTZ, V_RDN, V_RUP, V_RMM, V_DYN, NVARIANTS };

typedef uint64_t (*fp_stub)(uint64_t a, uint64_t b, uint64_t c,
			    unsigned long *flags);

struct fp_op {
	const char *name;
	uint8_t in, out; /* operand kind, result kind */
	uint8_t nsrc; /* 1, 2 or 3 sources */
	uint8_t has_rm; /* else only fn[0] exists */
	fp_stub fn[NVARIANTS];
};

/* fflags value a stub starts from (0 unless a test wants flags to be
 * already accrued, e.g. NX, which enables atoll's host-FPU fast path). */
extern unsigned long fp_preflags;

extern const struct fp_op fp_ops[];
extern const unsigned fp_nops;
extern const char *const fp_variant_names[NVARIANTS];

/* Print a value of kind k: a single as 8 hex digits (16 and a '!' if it
 * is not NaN-boxed), doubles and integers as 16. */
void fp_print_val(unsigned k, uint64_t v);

/* Run op on the operands (singles boxed here) in every variant and print
 * one line: name, operands, then result/flags per variant.  frm must hold
 * the mode the dyn variant should use. */
void fp_run_line(const struct fp_op *op, uint64_t a, uint64_t b, uint64_t c);

/* The op named `name`, or 0. */
const struct fp_op *fp_find(const char *name);

static inline void fp_set_frm(unsigned rm)
{
	__asm__ volatile("csrw frm, %0" ::"r"((unsigned long)rm));
}

#endif
