/* Differential program: random instruction streams.  Each block is a list
 * of random but valid RV64IMC instructions (ALU, M, W forms, immediates,
 * LUI/AUIPC, loads and stores of every width at any alignment off x9,
 * forward branches and jumps, compressed forms), written into a buffer,
 * made visible with fence.i and run on random register values.  One line
 * per block: a hash of the registers and of the memory it touched.  The
 * encodings are built here bit by bit, so this also checks the decoder
 * against QEMU on operand combinations no compiler emits. */
#include "lib.h"
#include "rng.h"

#define BLOCKS 600
#define LEN 48 /* instructions per block, before the final ret */

void insn_run(uint64_t regs[32], const void *code, void *mem);

static uint8_t code[4096] __attribute__((aligned(4096)));
static uint8_t mem[4096] __attribute__((aligned(4096)));
static uint64_t regs[32];

#define RNG_SEED 0x853c49e6748fea9bUL

static unsigned pick(unsigned n)
{
	return (unsigned)(rng() % n);
}

/* Registers the block may write (x9 is the memory base, x1-x4 are the
 * harness's); x0 may also be a destination (the write is dropped). */
static const uint8_t pool[] = { 5,  6,	7,  8,	10, 11, 12, 13, 14,
				15, 16, 17, 18, 19, 20, 21, 22, 23,
				24, 25, 26, 27, 28, 29, 30, 31 };
/* The subset encodable in 3 bits (x8-x15) minus x9. */
static const uint8_t cpool[] = { 8, 10, 11, 12, 13, 14, 15 };

static unsigned rd(void)
{
	return pick(16) ? pool[pick(sizeof(pool))] : 0;
}

static unsigned rs(void)
{
	return pick(16) ? pool[pick(sizeof(pool))] : (pick(2) ? 0 : 9);
}

static unsigned crd(void)
{
	return cpool[pick(sizeof(cpool))];
}

static uint32_t r_type(unsigned f7, unsigned f3, unsigned op)
{
	return f7 << 25 | rs() << 20 | rs() << 15 | f3 << 12 | rd() << 7 | op;
}

static uint32_t i_type(uint32_t imm, unsigned rs1, unsigned f3, unsigned op)
{
	return (imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd() << 7 | op;
}

/* One instruction of the block. */
struct slot {
	uint32_t bits;
	uint8_t len; /* 2 or 4 */
	uint8_t kind; /* 0 plain, 1 branch, 2 jal, 3 c.beqz/bnez, 4 c.j */
	uint8_t target; /* index of the branch target */
};

static void gen_alu(struct slot *s)
{
	static const uint8_t op_f3[] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	static const uint8_t w_f3[] = { 0, 1, 5 };
	static const uint8_t m_w_f3[] = { 0, 4, 5, 6, 7 };
	unsigned f3, k = pick(9);
	s->len = 4;
	switch (k) {
	case 0: /* OP, funct7 0 or 0x20 where defined */
		f3 = op_f3[pick(8)];
		s->bits = r_type((f3 == 0 || f3 == 5) && pick(2) ? 0x20 : 0, f3,
				 0x33);
		break;
	case 1: /* M */ s->bits = r_type(1, pick(8), 0x33); break;
	case 2: /* OP-32 */
		f3 = w_f3[pick(3)];
		s->bits = r_type(f3 != 1 && pick(2) ? 0x20 : 0, f3, 0x3b);
		break;
	case 3: /* M, W forms */
		s->bits = r_type(1, m_w_f3[pick(5)], 0x3b);
		break;
	case 4: /* OP-IMM without shifts */
		f3 = (unsigned[]){ 0, 2, 3, 4, 6, 7 }[pick(6)];
		s->bits = i_type((uint32_t)rng(), rs(), f3, 0x13);
		break;
	case 5: /* shifts by immediate */
		f3 = pick(2) ? 1 : 5;
		s->bits = i_type((f3 == 5 && pick(2) ? 0x400 : 0) | pick(64),
				 rs(), f3, 0x13);
		break;
	case 6: /* OP-IMM-32 */
		f3 = (unsigned[]){ 0, 1, 5 }[pick(3)];
		s->bits = i_type(
			f3 == 0 ? (uint32_t)rng()
				: ((f3 == 5 && pick(2) ? 0x400 : 0) | pick(32)),
			rs(), f3, 0x1b);
		break;
	case 7: /* LUI */
		s->bits = ((uint32_t)rng() & 0xfffff000) | rd() << 7 | 0x37;
		break;
	default: /* AUIPC (the block's address is the same on both sides) */
		s->bits = ((uint32_t)rng() & 0xfffff000) | rd() << 7 | 0x17;
		break;
	}
}

static void gen_mem(struct slot *s)
{
	uint32_t off = pick(2040);
	s->len = 4;
	if (pick(2)) {
		unsigned f3 = pick(7); /* lb lh lw ld lbu lhu lwu */
		s->bits = (off << 20) | 9 << 15 | f3 << 12 | rd() << 7 | 0x03;
	} else {
		unsigned f3 = pick(4); /* sb sh sw sd */
		s->bits = (off >> 5) << 25 | rs() << 20 | 9 << 15 | f3 << 12 |
			  (off & 31) << 7 | 0x23;
	}
}

/* Compressed loads and stores off x9 (rs1' = 1). */
static void gen_rvc_mem(struct slot *s)
{
	unsigned p = crd() - 8, w = pick(32) * 4, d = pick(32) * 8;
	uint32_t lw = ((w >> 3) & 7) << 10 | 1 << 7 | ((w >> 2) & 1) << 6 |
		      ((w >> 6) & 1) << 5 | p << 2;
	uint32_t ld =
		((d >> 3) & 7) << 10 | 1 << 7 | ((d >> 6) & 3) << 5 | p << 2;
	s->len = 2;
	switch (pick(4)) {
	case 0:
		s->bits = 0x4000 | lw; /* c.lw */
		break;
	case 1:
		s->bits = 0x6000 | ld; /* c.ld */
		break;
	case 2:
		s->bits = 0xc000 | lw; /* c.sw */
		break;
	default:
		s->bits = 0xe000 | ld; /* c.sd */
		break;
	}
}

/* Compressed computational instructions, reserved and hint encodings
 * avoided (nonzero immediates and shifts where zero is a hint). */
static void gen_rvc(struct slot *s)
{
	unsigned r = pool[pick(sizeof(pool))], p = crd() - 8, q = crd() - 8;
	unsigned imm = pick(64), sh = 1 + pick(63);
	uint32_t ci = (imm >> 5) << 12 | r << 7 | (imm & 31) << 2;
	if (pick(3) == 0) {
		gen_rvc_mem(s);
		return;
	}
	s->len = 2;
	switch (pick(8)) {
	case 0: /* c.addi, nonzero imm */
		s->bits = 0x0001 | (imm ? ci : r << 7 | 1 << 2);
		break;
	case 1:
		s->bits = 0x2001 | ci; /* c.addiw */
		break;
	case 2:
		s->bits = 0x4001 | ci; /* c.li */
		break;
	case 3: /* c.lui, nonzero imm */
		s->bits = 0x6001 | (imm ? ci : r << 7 | 7 << 2);
		break;
	case 4: /* c.srli / c.srai by 1..63, or c.andi */
		s->bits = 0x8001 | (sh >> 5) << 12 | pick(2) << 10 | p << 7 |
			  (sh & 31) << 2;
		if (pick(3) == 0)
			s->bits = 0x8001 | (imm >> 5) << 12 | 2 << 10 | p << 7 |
				  (imm & 31) << 2;
		break;
	case 5: /* c.sub / c.xor / c.or / c.and / c.subw / c.addw */
		s->bits =
			0x8c01 | pick(2) << 12 | p << 7 | pick(4) << 5 | q << 2;
		if (s->bits & 0x1000)
			s->bits &= ~(2u << 5); /* only subw, addw */
		break;
	case 6: /* c.slli by 1..63 */
		s->bits = 0x0002 | (sh >> 5) << 12 | r << 7 | (sh & 31) << 2;
		break;
	default: /* c.mv / c.add */
		s->bits = 0x8002 | pick(2) << 12 | r << 7 |
			  pool[pick(sizeof(pool))] << 2;
		break;
	}
}

static void gen_branch(struct slot *s, unsigned i)
{
	static const uint8_t f3[] = { 0, 1, 4, 5, 6, 7 };
	s->target = (uint8_t)(i + 1 + pick(4));
	if (s->target > LEN)
		s->target = LEN;
	switch (pick(4)) {
	case 0:
		s->kind = 2; /* jal rd */
		s->len = 4;
		s->bits = rd() << 7 | 0x6f;
		break;
	case 1:
		s->kind = pick(2) ? 3 : 4; /* c.beqz/c.bnez or c.j */
		s->len = 2;
		s->bits = s->kind == 3 ? (pick(2) ? 0xc001 : 0xe001) |
						 (crd() - 8) << 7
				       : 0xa001;
		break;
	default:
		s->kind = 1;
		s->len = 4;
		s->bits = rs() << 20 | rs() << 15 | f3[pick(6)] << 12 | 0x63;
	}
}

static uint32_t bit(int64_t v, unsigned from, unsigned to)
{
	return (uint32_t)((v >> from) & 1) << to;
}

/* Fill in the branch offsets now that every slot has its length. */
static void resolve(struct slot *s, const unsigned *pos)
{
	for (unsigned i = 0; i < LEN; i++) {
		int64_t o = (int64_t)pos[s[i].target] - pos[i];
		uint32_t b = s[i].bits;
		switch (s[i].kind) {
		case 1:
			b |= bit(o, 12, 31) | ((o >> 5) & 63) << 25 |
			     ((o >> 1) & 15) << 8 | bit(o, 11, 7);
			break;
		case 2:
			b |= bit(o, 20, 31) | ((o >> 1) & 1023) << 21 |
			     bit(o, 11, 20) | ((o >> 12) & 255) << 12;
			break;
		case 3:
			b |= bit(o, 8, 12) | ((o >> 3) & 3) << 10 |
			     ((o >> 6) & 3) << 5 | ((o >> 1) & 3) << 3 |
			     bit(o, 5, 2);
			break;
		case 4:
			b |= bit(o, 11, 12) | bit(o, 4, 11) |
			     ((o >> 8) & 3) << 9 | bit(o, 10, 8) |
			     bit(o, 6, 7) | bit(o, 7, 6) | ((o >> 1) & 7) << 3 |
			     bit(o, 5, 2);
			break;
		}
		s[i].bits = b;
	}
}

static void gen_block(void)
{
	struct slot s[LEN];
	unsigned pos[LEN + 1], at = 0;
	for (unsigned i = 0; i < LEN; i++) {
		s[i].kind = 0;
		s[i].target = 0;
		unsigned k = pick(10);
		if (k < 4)
			gen_alu(&s[i]);
		else if (k < 6)
			gen_mem(&s[i]);
		else if (k < 9)
			gen_rvc(&s[i]);
		else
			gen_branch(&s[i], i);
		pos[i] = at;
		at += s[i].len;
	}
	pos[LEN] = at;
	resolve(s, pos);
	for (unsigned i = 0; i < LEN; i++) {
		volatile uint16_t *h = (volatile uint16_t *)(code + pos[i]);
		h[0] = (uint16_t)s[i].bits;
		if (s[i].len == 4)
			h[1] = (uint16_t)(s[i].bits >> 16);
	}
	*(volatile uint32_t *)(code + at) = 0x00008067; /* ret */
	fence_i();
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15UL + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdUL;
}

int main(void)
{
	rng_state = RNG_SEED;
	lib_start("diff-insn");
	for (unsigned i = 0; i < sizeof(mem); i++)
		mem[i] = (uint8_t)rng();
	for (unsigned b = 0; b < BLOCKS; b++) {
		gen_block();
		for (unsigned r = 0; r < 32; r++)
			regs[r] = pick(4) ? rng()
					  : (uint64_t)((int64_t)pick(64) - 32);
		insn_run(regs, code, mem);
		uint64_t hr = 0, hm = 0;
		for (unsigned r = 5; r < 32; r++)
			hr = mix(hr, regs[r]);
		for (unsigned i = 0; i < sizeof(mem); i += 8)
			hm = mix(hm, *(volatile uint64_t *)(mem + i));
		rt_printf("block %3u regs %016lx mem %016lx\n", b, hr, hm);
	}
	return lib_done();
}
