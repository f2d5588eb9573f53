/* Differential program: random sequences of loads and stores of every width
 * at random (mostly misaligned) offsets, some straddling a page boundary,
 * and random AMOs and LR/SC pairs at aligned offsets.  Prints checksums of
 * the loaded values and of memory after each round; QEMU is the oracle. */
#include "lib.h"
#include "rng.h"

#define ROUNDS 8
#define OPS 500

static uint8_t buf[8192] __attribute__((aligned(4096)));

#define RNG_SEED 0x2545f4914f6cdd1dUL

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15UL + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdUL;
}

static uint64_t hash_buf(void)
{
	uint64_t h = 0;
	for (unsigned i = 0; i < sizeof(buf); i += 8)
		h = mix(h, *(volatile uint64_t *)(buf + i));
	return h;
}

/* Base of the window the round works in: around the page boundary on odd
 * rounds. */
static uint64_t window(unsigned round)
{
	return (uintptr_t)buf + (round & 1 ? 4096 - 128 : 512);
}

static uint64_t plain_op(uint64_t a, unsigned op, uint64_t v)
{
	switch (op) {
	case 0: return ld_b(a);
	case 1: return ld_bu(a);
	case 2: return ld_h(a);
	case 3: return ld_hu(a);
	case 4: return ld_w(a);
	case 5: return ld_wu(a);
	case 6: return ld_d(a);
	case 7: st_b(a, v); return 0;
	case 8: st_h(a, v); return 0;
	case 9: st_w(a, v); return 0;
	default: st_d(a, v); return 0;
	}
}

#define AMO(insn, a, v)                                                        \
	({                                                                     \
		uint64_t _r;                                                   \
		__asm__ volatile(insn " %0, %1, (%2)"                          \
				 : "=&r"(_r)                                   \
				 : "r"(v), "r"(a)                              \
				 : "memory");                                  \
		_r;                                                            \
	})

static uint64_t amo_op(uint64_t a, unsigned op, uint64_t v)
{
	uint64_t aw = a & ~3UL, ad = a & ~7UL, r, t;
	switch (op) {
	case 0: return AMO("amoswap.w", aw, v);
	case 1: return AMO("amoadd.w", aw, v);
	case 2: return AMO("amoxor.w", aw, v);
	case 3: return AMO("amoand.w", aw, v);
	case 4: return AMO("amoor.w", aw, v);
	case 5: return AMO("amomin.w", aw, v);
	case 6: return AMO("amomax.w", aw, v);
	case 7: return AMO("amominu.w", aw, v);
	case 8: return AMO("amomaxu.w", aw, v);
	case 9: return AMO("amoswap.d", ad, v);
	case 10: return AMO("amoadd.d", ad, v);
	case 11: return AMO("amoxor.d", ad, v);
	case 12: return AMO("amoand.d", ad, v);
	case 13: return AMO("amoor.d", ad, v);
	case 14: return AMO("amomin.d", ad, v);
	case 15: return AMO("amomax.d", ad, v);
	case 16: return AMO("amominu.d", ad, v);
	case 17: return AMO("amomaxu.d", ad, v);
	case 18:
		__asm__ volatile("lr.w %0, (%2)\n\tsc.w %1, %3, (%2)"
				 : "=&r"(r), "=&r"(t)
				 : "r"(aw), "r"(v)
				 : "memory");
		return mix(r, t);
	default:
		__asm__ volatile("lr.d %0, (%2)\n\tsc.d %1, %3, (%2)"
				 : "=&r"(r), "=&r"(t)
				 : "r"(ad), "r"(v)
				 : "memory");
		return mix(r, t);
	}
}

int main(void)
{
	rng_state = RNG_SEED;
	lib_start("diff-mem");
	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 13 + 5);
	for (unsigned round = 0; round < ROUNDS; round++) {
		uint64_t h = 0, base = window(round);
		for (unsigned i = 0; i < OPS; i++) {
			uint64_t a = base + (rng() % 249);
			uint64_t v = rng();
			unsigned op = (unsigned)(rng() % 11);
			h = mix(h, plain_op(a, op, v));
		}
		rt_printf("round %u plain: loads %016lx memory %016lx\n", round,
			  h, hash_buf());
		h = 0;
		for (unsigned i = 0; i < OPS; i++) {
			uint64_t a = base + (rng() % 240);
			uint64_t v = rng();
			h = mix(h, amo_op(a, (unsigned)(rng() % 20), v));
		}
		rt_printf("round %u amo:   olds  %016lx memory %016lx\n", round,
			  h, hash_buf());
	}
	return lib_done();
}
