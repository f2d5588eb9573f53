/* Random operands for every F/D computational instruction in every
 * rounding mode: a deterministic generator biased toward the interesting
 * parts of each format (exponent extremes, close exponents, long runs of
 * ones or zeros), each result and its fflags folded into one hash per
 * (instruction, mode).  Half of the cases start with NX already set in
 * fflags, as in real programs (atoll then may use the host FPU).
 * Compared with QEMU.
 *
 * Built with -DFP_VECTORS it prints every case instead, one per line:
 *   name variant frm a b c result flags
 * (how tests/unit/fp_vectors.h was produced from QEMU). */
#include "fp_ops.h"

#ifndef FP_ITERS
#define FP_ITERS 600
#endif

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

struct geom {
	unsigned mbits, signbit;
	int64_t bias, emax;
};

static const struct geom geoms[2] = {
	{ 23, 31, 127, 0xff },
	{ 52, 63, 1023, 0x7ff },
};

static int64_t clamp(int64_t e, int64_t lo, int64_t hi)
{
	return e < lo ? lo : e > hi ? hi : e;
}

/* An exponent field: extremes, around 1.0, near `near`'s, or anywhere. */
static int64_t gen_exp(const struct geom *g, uint64_t r, int64_t near)
{
	int64_t k = (int64_t)((r >> 8) % 9) - 4;

	switch ((r >> 1) % 10) {
	case 0: return 0;
	case 1: return 1 + (r >> 8) % 3;
	case 2: return g->emax - 1 - (r >> 8) % 3;
	case 3: return (r >> 8) % 40 == 0 ? g->emax : g->bias + k;
	case 4:
	case 5:
	case 6: return near + k;
	case 7: return 2 * g->bias - near + k; /* products near 1 */
	default: return (int64_t)((r >> 8) % (uint64_t)g->emax);
	}
}

/* A fraction: zero, all ones, a random run, or a bit flip of `near`'s. */
static uint64_t gen_frac(const struct geom *g, uint64_t r, uint64_t near)
{
	uint64_t mm = (1ULL << g->mbits) - 1;
	unsigned sh = (unsigned)((r >> 24) % g->mbits);

	switch ((r >> 20) % 6) {
	case 0: return 0;
	case 1: return mm;
	case 2: return (rnd() & mm) >> sh;
	case 3: return mm & ~((rnd() & mm) >> sh);
	case 4: return (near & mm) ^ (1ULL << sh);
	default: return rnd() & mm;
	}
}

static uint64_t gen_float(unsigned fmt, uint64_t near)
{
	const struct geom *g = &geoms[fmt];
	uint64_t r = rnd();
	int64_t ne = (int64_t)((near >> g->mbits) & (uint64_t)g->emax);
	int64_t e = clamp(gen_exp(g, r, ne), 0, g->emax);

	return (r & 1) << g->signbit | (uint64_t)e << g->mbits |
	       gen_frac(g, r, near);
}

static uint64_t gen_int(void)
{
	uint64_t r = rnd(), v = rnd();

	switch (r % 6) {
	case 0: return v >> (r >> 8) % 64;
	case 1: return 0 - (v >> (r >> 8) % 64);
	case 2: return (1ULL << (r >> 8) % 64) + (int64_t)((r >> 16) % 5) - 2;
	case 3: return (uint64_t)(int64_t)(int32_t)v;
	case 4: return v & ~((1ULL << (r >> 8) % 40) - 1);
	default: return v;
	}
}

static uint64_t gen(unsigned kind, uint64_t near)
{
	if (kind == T_X)
		return gen_int();
	return gen_float(kind == T_D, near);
}

static uint64_t box(unsigned kind, uint64_t v)
{
	return kind == T_S ? v | 0xffffffff00000000ULL : v;
}

/* Operands for one case.  The addend of a fused multiply-add is placed
 * near the product so that cancellation and ties happen. */
static void gen_args(const struct fp_op *op, uint64_t *a, uint64_t *b,
		     uint64_t *c)
{
	unsigned fmt = op->in == T_D;
	const struct geom *g = &geoms[fmt];

	*a = gen(op->in, gen(op->in, 0));
	*b = gen(op->in, *a);
	*c = 0;
	if (op->nsrc == 3) {
		int64_t ea = (int64_t)((*a >> g->mbits) & (uint64_t)g->emax);
		int64_t eb = (int64_t)((*b >> g->mbits) & (uint64_t)g->emax);
		uint64_t e = (uint64_t)clamp(ea + eb - g->bias, 0, g->emax);
		*c = gen(op->in, e << g->mbits | (*a ^ *b));
	}
	if (op->nsrc == 1 && op->in != T_X && rnd() % 4)
		*a &= ~(1ULL << g->signbit); /* mostly positive for sqrt */
}

static uint64_t hash(uint64_t h, uint64_t v)
{
	for (int k = 0; k < 8; k++, v >>= 8)
		h = (h ^ (v & 0xff)) * 0x100000001b3ULL;
	return h;
}

static void run_op(const struct fp_op *op, unsigned variant)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	unsigned long all = 0;

	for (unsigned n = 0; n < FP_ITERS; n++) {
		uint64_t a, b, c;
		unsigned long fl;
		unsigned frm = (unsigned)(rnd() % 5);
		gen_args(op, &a, &b, &c);
		fp_set_frm(frm);
#ifndef FP_VECTORS
		fp_preflags = rnd() & 1; /* NX */
#endif
		uint64_t r = op->fn[variant](box(op->in, a), box(op->in, b),
					     box(op->in, c), &fl);
		h = hash(hash(h, r), fl);
		all |= fl;
#ifdef FP_VECTORS
		rt_printf("V %s %u %u %lx %lx %lx %lx %lx\n", op->name, variant,
			  frm, (unsigned long)a, (unsigned long)b,
			  (unsigned long)c, (unsigned long)r, fl);
#endif
	}
	rt_printf("%-9s %s %016lx %02lx\n", op->name,
		  op->has_rm ? fp_variant_names[variant] : "---",
		  (unsigned long)h, all);
}

int main(void)
{
	for (unsigned k = 0; k < fp_nops; k++) {
		unsigned nv = fp_ops[k].has_rm ? NVARIANTS : 1;
		for (unsigned v = 0; v < nv; v++)
			run_op(&fp_ops[k], v);
	}
	return 0;
}
